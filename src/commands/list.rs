//! `guestlist list`: every invitation, printed for people (table) or programs (JSON, CSV).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::ops::Range;

use tokio::sync::mpsc;

use std::process::ExitCode;

use super::output;
use crate::cli::{ListArgs, OutputFormat, Selection};
use crate::export::{self, Format};
use crate::fetch::{self, FetchEvent};
use crate::format;
use crate::model::{AwsError, ErrorKind, Invitation, InvitationRecord, SourceId};
use crate::plan::Plan;
use crate::session::{self, Arriving};

/// What a whole listing found.
#[derive(Default)]
pub struct Listing {
    pub invitations: Vec<Invitation>,
    pub accounts: BTreeMap<String, String>,
    pub failures: Vec<(SourceId, AwsError)>,
    pub regions_not_enabled: Vec<(SourceId, AwsError)>,
    pub sources: usize,
    pub regions: usize,
    pub services: usize,
    /// Each identity's account name, where known (`--accounts org`).
    pub names: BTreeMap<String, String>,
    /// The states `--status` kept; empty for all.
    pub states: Vec<crate::model::Status>,
    /// Why the organization's accounts stopped arriving before the last, if they did.
    pub stopped: Option<String>,
    /// Whom to trust: each row says what it makes of its sender.
    pub trust: crate::model::TrustPolicy,
    /// The sources looked at, arrived accounts' included, with how to reach each again.
    pub planned: Vec<crate::plan::PlannedSource>,
}

impl Listing {
    pub fn exit_code(&self) -> u8 {
        match output::exit_code(self.failures.len(), self.sources) {
            // Accounts never listed are sources never looked at: partial at best.
            0 if self.stopped.is_some() => 2,
            code => code,
        }
    }
}

/// Lists every source of `plan` to the end.
pub async fn collect(plan: &Plan, concurrency: u16) -> Listing {
    collect_arriving(plan.clone(), None, concurrency).await
}

/// Lists every source of `plan`, and of the accounts still `arriving`, each as soon as its
/// account is known, to the end.
pub async fn collect_arriving(plan: Plan, arriving: Option<Arriving>, concurrency: u16) -> Listing {
    // Gathered where the listings run, not on the thread that waits for the result: every
    // event of a fan-out would otherwise wake a parked thread (a system call each).
    match crate::lanes::spawn_first(gather(plan, arriving, concurrency)).await {
        Ok(listing) => listing,
        Err(failed) => std::panic::resume_unwind(failed.into_panic()),
    }
}

async fn gather(mut plan: Plan, mut arriving: Option<Arriving>, concurrency: u16) -> Listing {
    // Room for the events of every listing the window lets run (a start, a page and an end
    // each): this shares its thread with listings, and a full channel made a whole thread of
    // listings wait on it, a tenth of the CPU idle.
    let (tx, mut rx) = mpsc::channel(4 * usize::from(concurrency.max(1)));
    let mut fetch = fetch::start_open(
        1,
        &plan.sources,
        &plan.identities,
        tx,
        concurrency,
        plan.limits,
    );
    let mut listing = Listing {
        names: plan
            .identities
            .iter()
            .filter_map(crate::plan::Identity::named)
            .collect(),
        sources: plan.sources.len(),
        regions: plan.regions.len(),
        services: plan.services.len(),
        ..Listing::default()
    };
    if arriving.is_none() {
        fetch.close();
    }
    // Where each page's rows are, one source's each: put in order once the last has arrived.
    let mut pages: Vec<Range<usize>> = Vec::new();
    loop {
        let event = tokio::select! {
            arrived = async { arriving.as_mut()?.recv().await }, if arriving.is_some() => {
                match arrived {
                    Some(arrived) => match arrived.and_then(|identities| {
                        let sources = plan.extend(identities.clone())?;
                        Ok((identities, sources))
                    }) {
                        Ok((identities, sources)) => {
                            listing.sources += sources.len();
                            listing.names.extend(
                                identities
                                    .iter()
                                    .filter_map(crate::plan::Identity::named),
                            );
                            fetch.extend(&sources, &identities);
                        }
                        Err(error) => listing.stopped = Some(error.to_string()),
                    },
                    // Every account has arrived: the fetch ends with its last listing.
                    None => {
                        arriving = None;
                        fetch.close();
                    }
                }
                continue;
            }
            event = rx.recv() => match event {
                Some(event) => event,
                None => break,
            },
        };
        match event {
            FetchEvent::Identity {
                profile,
                outcome: Ok(account),
                ..
            } => {
                listing.accounts.insert(profile, account);
            }
            FetchEvent::Page { invitations, .. } => {
                let start = listing.invitations.len();
                listing.invitations.extend(invitations);
                pages.push(start..listing.invitations.len());
            }
            FetchEvent::Failed { source, error, .. } if !error.is_failure() => {
                listing.regions_not_enabled.push((source, error));
            }
            FetchEvent::Failed { source, error, .. } => listing.failures.push((source, error)),
            FetchEvent::Identity { .. }
            | FetchEvent::Started { .. }
            | FetchEvent::Finished { .. } => {}
        }
    }
    fetch.finish().await;
    listing.planned = plan.sources;
    put_in_order(&mut listing.invitations, pages);
    listing.failures.sort_by(|a, b| a.0.cmp(&b.0));
    listing.regions_not_enabled.sort_by(|a, b| a.0.cmp(&b.0));
    listing
}

/// Puts `rows` in the listing's order: by account, service and region, then by administrator
/// and invitation. `pages` says where each page's rows are, all of one source: the pages are
/// put in order by their source, each row moved once, and then each source's few rows. Sorting
/// a quarter of a million rows at once compared and moved each row some eighteen times, in
/// what is wall time (it runs after the last page arrived).
fn put_in_order(rows: &mut [Invitation], mut pages: Vec<Range<usize>>) {
    fn source(row: &Invitation) -> (&str, crate::model::ServiceKind, &str) {
        (&row.profile, row.service, &row.region)
    }
    pages.retain(|page| !page.is_empty());
    // Pages of one source may land in any order: its rows are put in order next. Pages land
    // mostly in order (sources are listed in the plan's order), which this sort finds in runs.
    pages.sort_by(|a, b| source(&rows[a.start]).cmp(&source(&rows[b.start])));
    permute(rows, pages.into_iter().flatten().collect());
    for one_source in rows.chunk_by_mut(|a, b| source(a) == source(b)) {
        one_source.sort_unstable_by(|a, b| {
            (&a.administrator_id, a.reference()).cmp(&(&b.administrator_id, b.reference()))
        });
    }
}

/// Moves the item at `order[i]` to place `i`, for every `i`, in place: each cycle of the
/// permutation is followed once, and a place done is marked by pointing it at itself.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    debug_assert_eq!(items.len(), order.len());
    for start in 0..items.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            items.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

/// What a source that was not listed is, as data: one per source.
#[derive(serde::Serialize)]
pub struct Note<'a> {
    pub service: &'static str,
    pub region: &'a str,
    pub profile: &'a str,
    /// What it is, in a few words: `region not enabled`, `credentials rejected`, …
    pub state: String,
    /// What to do about it, where there is something to say.
    pub next_step: Option<String>,
    pub code: &'a str,
    pub message: &'a str,
}

/// Every source that was not listed, failed or in a region not enabled.
pub fn notes(listing: &Listing) -> Vec<Note<'_>> {
    listing
        .regions_not_enabled
        .iter()
        .chain(&listing.failures)
        .map(|(source, error)| Note {
            service: source.service.id(),
            region: &source.region,
            profile: &source.profile,
            state: error.state(),
            next_step: error.next_step(source.service),
            code: &error.code,
            message: &error.message,
        })
        .collect()
}

/// The notes for scripts, in the output's own format: JSON lines, or CSV with a header.
pub fn write_notes(
    listing: &Listing,
    output: OutputFormat,
    err: &mut impl Write,
) -> io::Result<()> {
    let notes = notes(listing);
    match output {
        OutputFormat::Json => {
            for note in &notes {
                serde_json::to_writer(&mut *err, note)?;
                writeln!(err)?;
            }
            Ok(())
        }
        _ => {
            if notes.is_empty() {
                return Ok(());
            }
            let mut writer = csv::Writer::from_writer(err);
            for note in &notes {
                writer.serialize(note)?;
            }
            writer.flush()
        }
    }
}

/// Failures and skipped regions, one line each, for stderr.
pub fn report_problems(listing: &Listing, err: &mut impl Write) -> io::Result<()> {
    for (source, _) in &listing.regions_not_enabled {
        writeln!(
            err,
            "note: {} {} (profile {}): region not enabled for this account; nothing to list",
            source.service.id(),
            source.region,
            source.profile
        )?;
    }
    // Rejected credentials, and a role that cannot be assumed, are said once per identity:
    // every source of it failed the same way.
    let mut rejected: BTreeMap<&str, (usize, &AwsError)> = BTreeMap::new();
    for (source, error) in &listing.failures {
        if matches!(
            error.kind,
            ErrorKind::CredentialsRejected | ErrorKind::RoleNotAssumed
        ) {
            let entry = rejected.entry(&source.profile).or_insert((0, error));
            entry.0 += 1;
            continue;
        }
        let mut line = format!(
            "error: {} {} (profile {}): {}",
            source.service.id(),
            source.region,
            source.profile,
            error.state()
        );
        if let Some(step) = error.next_step(source.service) {
            line.push_str(&format!(": {step}"));
        }
        line.push_str(&format!(" ({}: {})", error.code, error.message));
        // The code and message came from the network.
        writeln!(err, "{}", format::terminal_safe(&line))?;
    }
    for (profile, (sources, error)) in rejected {
        let step = error
            .next_step(crate::model::ServiceKind::SecurityHub)
            .unwrap_or_default();
        let line = match error.kind {
            ErrorKind::RoleNotAssumed => format!(
                "error: account {profile}: role not assumed, so none of its {} could be listed: {step} ({})",
                format::plural(sources, "source"),
                error.message
            ),
            _ => format!(
                "error: profile {profile}: credentials rejected, so none of its {} could be listed: {step} ({})",
                format::plural(sources, "source"),
                error.code
            ),
        };
        writeln!(err, "{}", format::terminal_safe(&line))?;
    }
    Ok(())
}

pub fn print<'a>(
    listing: &'a Listing,
    output: OutputFormat,
    out: &mut impl Write,
) -> io::Result<()> {
    let record = |i: &'a Invitation| {
        InvitationRecord {
            account_name: listing.names.get(&i.profile).map(String::as_str),
            ..InvitationRecord::new(i, listing.accounts.get(&i.profile).map(String::as_str))
        }
        .judged(i, &listing.trust)
    };
    let format = match output {
        OutputFormat::Json => Format::Json,
        OutputFormat::Csv => Format::Csv,
        OutputFormat::Table => {
            let records: Vec<InvitationRecord> = listing.invitations.iter().map(record).collect();
            return print_table(listing, &records, out);
        }
    };
    export::write_invitations(&listing.invitations, record, format, out)
}

fn print_table(
    listing: &Listing,
    records: &[InvitationRecord],
    out: &mut impl Write,
) -> io::Result<()> {
    if records.is_empty() {
        // Empty means looked everywhere and found nothing; otherwise say what was not seen.
        let which = match listing.states.as_slice() {
            [] => "invitations".to_owned(),
            states => {
                let labels: Vec<&str> = states.iter().map(|s| s.label()).collect();
                format!("{} invitations", labels.join(" or "))
            }
        };
        if listing.failures.is_empty() {
            return writeln!(
                out,
                "No {which} in {} region(s) × {} service(s).",
                listing.regions, listing.services
            );
        }
        let listed = listing.sources - listing.failures.len();
        if listed == 0 {
            return writeln!(
                out,
                "Nothing could be listed: all {} failed (see above).",
                format::plural(listing.sources, "source")
            );
        }
        return writeln!(
            out,
            "No {which} in the {} that could be listed; {} could not be (see above).",
            format::plural(listed, "source"),
            format::plural(listing.failures.len(), "source")
        );
    }
    let now = chrono::Utc::now();
    let several =
        listing.accounts.len() > 1 || records.iter().any(|r| r.profile != records[0].profile);
    let mut header = vec!["SERVICE", "REGION"];
    if several {
        header.extend(["PROFILE", "ACCOUNT"]);
    }
    header.extend(["FROM", "INVITATION", "INVITED", "STATUS"]);
    let rows: Vec<Vec<String>> = listing
        .invitations
        .iter()
        .zip(records)
        .map(|(invitation, record)| {
            let mut row = vec![
                invitation.service.display_name().to_owned(),
                record.region.to_owned(),
            ];
            if several {
                row.push(record.profile.to_owned());
                row.push(record.account_id.map(account_or_not).unwrap_or_default());
            }
            // Marked where a trust policy judges it, so it survives without colour.
            let trust = listing
                .trust
                .judge(invitation.service, &invitation.administrator_id);
            row.push(match trust.symbol() {
                "" => account_or_not(record.administrator_id),
                mark => format!("{mark} {}", account_or_not(record.administrator_id)),
            });
            row.push(invitation.reference().to_owned());
            row.push(match invitation.invited_at {
                Some(at) => format!(
                    "{} ({})",
                    at.format("%Y-%m-%d %H:%M UTC"),
                    format::age(at, now)
                ),
                None => "-".into(),
            });
            row.push(record.status.to_owned());
            row
        })
        .collect();
    output::write_columns(out, &header, &rows)
}

pub async fn run(selection: &Selection, args: &ListArgs) -> std::io::Result<ExitCode> {
    // Listing changes nothing, so it never may.
    let options = super::looking();
    let session = match session::prepare(selection, &options).await {
        Ok(session) => session,
        Err(error) => return Ok(output::refuse(error)),
    };
    let mut listing = collect_arriving(session.plan, session.arriving, selection.concurrency).await;
    listing.invitations.retain(|i| args.shows(i.status));
    listing.states = args.states.clone();
    listing.trust = selection.trust_policy();
    let mut stderr = std::io::stderr().lock();
    if let Some(stopped) = &listing.stopped {
        writeln!(
            stderr,
            "error: {}; the accounts after them were not listed",
            format::terminal_safe(stopped)
        )?;
    }
    match args.output {
        OutputFormat::Table => report_problems(&listing, &mut stderr)?,
        OutputFormat::Json | OutputFormat::Csv => {
            write_notes(&listing, args.output, &mut stderr)?;
        }
    }
    output::to_stdout(|mut out| print(&listing, args.output, &mut out))?;
    let code = ExitCode::from(listing.exit_code());
    // The process ends next, and with it the listing: an organization's quarter of a million
    // rows, made on the listing threads, took a fifth of a second to free one by one here.
    std::mem::forget(listing);
    Ok(code)
}

/// An account id as it is, or, when the service sent something else, said so.
fn account_or_not(id: &str) -> String {
    if crate::validate::is_account_id(id) {
        id.to_owned()
    } else {
        format!("{id:?} (not an account id)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Details, ServiceKind, Status};
    use proptest::prelude::*;

    fn row(account: u8, service: u8, region: u8, admin: u8, id: u8) -> Invitation {
        Invitation {
            service: [ServiceKind::SecurityHub, ServiceKind::GuardDuty][usize::from(service % 2)],
            profile: format!("30000000000{}", account % 3),
            region: ["us-east-1", "eu-west-1"][usize::from(region % 2)].to_owned(),
            account_id: None,
            administrator_id: format!("10000000000{}", admin % 4),
            invitation_id: Some(format!("id-{id}")),
            graph_arn: None,
            invited_at: None,
            status_raw: "Invited".into(),
            status: Status::Pending,
            details: Details::SecurityHub {},
        }
    }

    proptest! {
        /// Rows put in order by their pages' sources and then within each source come out as
        /// one sort of every row would put them, however the pages arrived and however a
        /// source's rows were split between them.
        #[test]
        fn pages_come_out_in_the_order_of_one_sort_of_every_row(
            rows in prop::collection::vec((0u8..3, 0u8..2, 0u8..2, 0u8..4, any::<u8>()), 0..60),
            cuts in prop::collection::vec(1usize..5, 1..30),
            order in prop::collection::vec(any::<u16>(), 1..30),
        ) {
            let mut seen = std::collections::HashSet::new();
            let rows: Vec<Invitation> = rows
                .into_iter()
                .filter(|&(a, s, r, _, id)| seen.insert((a % 3, s % 2, r % 2, id)))
                .map(|(a, s, r, admin, id)| row(a, s, r, admin, id))
                .collect();
            // Each source's rows, split into pages of the given sizes, the pages shuffled.
            let mut by_source: BTreeMap<(String, ServiceKind, String), Vec<Invitation>> =
                BTreeMap::new();
            for r in rows.clone() {
                by_source.entry((r.profile.clone(), r.service, r.region.clone())).or_default().push(r);
            }
            let mut pages = Vec::new();
            let mut cut = cuts.iter().cycle();
            for (_, mut rows) in by_source {
                while !rows.is_empty() {
                    let size = (*cut.next().unwrap()).min(rows.len());
                    pages.push(rows.drain(..size).collect::<Vec<_>>());
                }
            }
            let mut arrived: Vec<(u16, Vec<Invitation>)> = pages
                .into_iter()
                .enumerate()
                .map(|(i, page)| (order[i % order.len()], page))
                .collect();
            arrived.sort_by_key(|(at, _)| *at);
            // As the listing keeps them: every row as it came, and where each page's are.
            let mut listed = Vec::new();
            let mut ranges = Vec::new();
            for (_, page) in arrived {
                let start = listed.len();
                listed.extend(page);
                ranges.push(start..listed.len());
            }
            let mut expected = rows;
            expected.sort_by(|a, b| {
                (&a.profile, a.service, &a.region, &a.administrator_id, a.reference())
                    .cmp(&(&b.profile, b.service, &b.region, &b.administrator_id, b.reference()))
            });
            let keys = |rows: &[Invitation]| rows.iter().map(Invitation::key).collect::<Vec<_>>();
            put_in_order(&mut listed, ranges);
            prop_assert_eq!(keys(&listed), keys(&expected));
        }
    }
}
