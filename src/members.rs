//! The administrator's side: `guestlist members` and `guestlist invite`.

use std::io::{self, Write};

use crate::actions::Actor;
use crate::aws::{self, AwsError};
use crate::cli::{InviteArgs, OutputFormat, Selection};
use crate::fetch::PlannedSource;
use crate::invite::{self, Invitee};
use crate::model::{Member, SourceId};
use crate::sources::Plan;

/// Every member of every source, and the sources that could not be listed.
#[derive(Debug, Default)]
pub struct MembersListing {
    pub members: Vec<Member>,
    pub failures: Vec<(SourceId, AwsError)>,
    pub sources: usize,
}

impl MembersListing {
    pub fn exit_code(&self) -> u8 {
        crate::list::exit_code(self.failures.len(), self.sources)
    }
}

/// Every page of one source's members.
pub async fn list_source(source: &PlannedSource) -> Result<Vec<Member>, AwsError> {
    let mut members = Vec::new();
    let mut token = None;
    let mut seen = std::collections::HashSet::new();
    loop {
        let page = source.adapter.list_members(token).await?;
        members.extend(page.members);
        match page.next_token {
            None => return Ok(members),
            Some(next) if !seen.insert(next.clone()) => {
                return Err(AwsError::new(
                    aws::ErrorKind::RepeatedToken,
                    "RepeatedNextToken",
                    "the service sent the same NextToken twice",
                ));
            }
            Some(next) => token = Some(next),
        }
    }
}

pub async fn collect(plan: &Plan) -> MembersListing {
    let results = futures_util::future::join_all(
        plan.sources
            .iter()
            .map(|source| async move { (source.id.clone(), list_source(source).await) }),
    )
    .await;
    let mut listing = MembersListing {
        sources: plan.sources.len(),
        ..MembersListing::default()
    };
    for (source, result) in results {
        match result {
            Ok(members) => listing.members.extend(members),
            Err(error) if !error.is_failure() => {}
            Err(error) => listing.failures.push((source, error)),
        }
    }
    listing.members.sort_by(|a, b| {
        (&a.profile, a.service, &a.region, &a.account_id).cmp(&(
            &b.profile,
            b.service,
            &b.region,
            &b.account_id,
        ))
    });
    listing
}

pub fn print(
    listing: &MembersListing,
    output: OutputFormat,
    out: &mut impl Write,
) -> io::Result<()> {
    match output {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &listing.members)?;
            writeln!(out)
        }
        OutputFormat::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record([
                "service",
                "region",
                "profile",
                "administrator_id",
                "account_id",
                "email",
                "status",
                "invited_at",
                "updated_at",
            ])?;
            let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
                t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .unwrap_or_default()
            };
            for m in &listing.members {
                writer.write_record([
                    m.service.id(),
                    &m.region,
                    &m.profile,
                    &m.administrator_id,
                    &m.account_id,
                    m.email.as_deref().unwrap_or(""),
                    &m.status,
                    &time(m.invited_at),
                    &time(m.updated_at),
                ])?;
            }
            writer.flush()
        }
        OutputFormat::Table => {
            if listing.members.is_empty() {
                return writeln!(
                    out,
                    "No members: no selected identity administers a hub, detector or graph with members."
                );
            }
            let rows: Vec<Vec<String>> = listing
                .members
                .iter()
                .map(|m| {
                    vec![
                        m.service.display_name().to_owned(),
                        m.region.clone(),
                        m.administrator_id.clone(),
                        m.account_id.clone(),
                        m.email.clone().unwrap_or_default(),
                        m.status.clone(),
                    ]
                })
                .collect();
            let header = [
                "SERVICE",
                "REGION",
                "ADMINISTRATOR",
                "MEMBER",
                "EMAIL",
                "STATUS",
            ];
            crate::list::write_columns(out, &header, &rows)
        }
    }
}

/// The invitees of `guestlist invite`, checked before any request; an error says all that is wrong.
pub fn invitees(selection: &Selection, args: &InviteArgs) -> Result<Vec<Invitee>, String> {
    let mut text = args.accounts.join("\n");
    if let Some(path) = &args.accounts_file {
        let file = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        text.push('\n');
        text.push_str(&file);
    }
    let parsed = invite::parse(&text, args.email.as_deref());
    if !parsed.errors.is_empty() {
        return Err(parsed.errors.join("; "));
    }
    if parsed.invitees.is_empty() {
        return Err("no account to invite: pass --account or --accounts-file".into());
    }
    if !parsed.duplicates.is_empty() {
        eprintln!(
            "note: listed more than once, invited once: {}",
            parsed.duplicates.join(", ")
        );
    }
    if let Some(message) = &args.message
        && !(1..=1000).contains(&message.chars().count())
    {
        return Err("--message is 1 to 1000 characters".into());
    }
    for service in crate::sources::services_or_all(&selection.services) {
        invite::check_for(service, &parsed.invitees)?;
    }
    Ok(parsed.invitees)
}

/// Invites every invitee in every selected source; prints one line per account and source.
pub async fn invite(plan: &Plan, invitees: &[Invitee], message: Option<&str>) -> u8 {
    let mut failed = 0;
    let mut done = 0;
    let accounts = plan.accounts().await;
    for source in &plan.sources {
        let actor = Actor {
            account: accounts.get(&source.id.profile).cloned(),
        };
        for outcome in source.adapter.invite(invitees, message, &actor).await {
            match outcome.result {
                Ok(()) => {
                    done += 1;
                    println!(
                        "invited {} in {} {} (profile {})",
                        outcome.key, source.id.service, source.id.region, source.id.profile
                    );
                }
                Err(reason) => {
                    failed += 1;
                    eprintln!(
                        "error: {} in {} {} (profile {}): {reason}",
                        outcome.key, source.id.service, source.id.region, source.id.profile
                    );
                }
            }
        }
    }
    match (done, failed) {
        (_, 0) => 0,
        (0, _) => 1,
        _ => 2,
    }
}
