//! `guestlist check`: for cron and CI. Exit 0 when no pending invitation is from an untrusted
//! sender or older than `--max-age`; 3 when some are, each printed with why; 1 when some
//! sources could not be listed, each named. What was found is certain, so 3 wins over 1.

use std::io::Write;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::list::{Listing, collect_arriving};
use super::output;
use crate::cli::{CheckArgs, OutputFormat, Selection};
use crate::format;
use crate::model::{Invitation, SourceId, Status, Trust, TrustPolicy};
use crate::session;

/// Exit code when the check found invitations to act on.
pub const FOUND: u8 = 3;

/// A pending invitation that fails the check, and why.
#[derive(Debug, Serialize)]
pub struct Finding<'a> {
    pub service: &'static str,
    pub region: &'a str,
    pub profile: &'a str,
    pub account_id: Option<&'a str>,
    pub administrator_id: &'a str,
    pub invited_at: Option<String>,
    /// Whole days since it was sent, where the service says when.
    pub age_days: Option<i64>,
    /// The same, as a person reads it (`5h`, `16d`).
    #[serde(skip)]
    pub age: Option<String>,
    pub trust: &'static str,
    pub reasons: Vec<String>,
    /// Who the account answers to in this service and region (`GetAdministratorAccount`),
    /// where the service has one to ask about and it could be asked.
    pub current_administrator: Option<String>,
    /// Where it was found, to ask again there.
    #[serde(skip)]
    pub source: SourceId,
}

/// A source that could not be listed: not looked at is not clean.
#[derive(Debug, Serialize)]
pub struct Unlisted<'a> {
    pub service: &'static str,
    pub region: &'a str,
    pub profile: &'a str,
    pub state: String,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub findings: Vec<Finding<'a>>,
    pub unlisted: Vec<Unlisted<'a>>,
    /// Sources listed to the end.
    pub listed: usize,
    pub sources: usize,
}

impl Report<'_> {
    pub fn exit_code(&self) -> u8 {
        if !self.findings.is_empty() {
            FOUND
        } else if !self.unlisted.is_empty() {
            1
        } else {
            0
        }
    }
}

/// Why `invitation` fails the check, if it does.
fn reasons(
    invitation: &Invitation,
    policy: &TrustPolicy,
    max_age: Option<std::time::Duration>,
    now: DateTime<Utc>,
) -> (Trust, Vec<String>) {
    let mut reasons = Vec::new();
    let (trust, why) = policy.verdict(invitation);
    if trust == Trust::Untrusted {
        reasons.push(format!("untrusted: {why}"));
    }
    if let (Some(max), Some(at)) = (max_age, invitation.invited_at) {
        let age = now.signed_duration_since(at);
        if age.to_std().is_ok_and(|age| age > max) {
            reasons.push(format!(
                "pending for {} (more than {})",
                format::age(at, now).trim_end_matches(" ago"),
                said_age(max)
            ));
        }
    }
    (trust, reasons)
}

/// An age as a person gives it: `14d`, else as humantime writes it.
fn said_age(age: std::time::Duration) -> String {
    const DAY: u64 = 24 * 3600;
    match age.as_secs() {
        secs if secs % DAY == 0 => format!("{}d", secs / DAY),
        _ => humantime::format_duration(age).to_string(),
    }
}

pub fn report<'a>(
    listing: &'a Listing,
    max_age: Option<std::time::Duration>,
    now: DateTime<Utc>,
) -> Report<'a> {
    let findings = listing
        .invitations
        .iter()
        .filter(|i| i.status == Status::Pending)
        .filter_map(|i| {
            let (trust, reasons) = reasons(i, &listing.trust, max_age, now);
            (!reasons.is_empty()).then(|| Finding {
                service: i.service.id(),
                region: &i.region,
                profile: &i.profile,
                account_id: i
                    .account_id
                    .as_deref()
                    .or(listing.accounts.get(&i.profile).map(String::as_str)),
                administrator_id: &i.administrator_id,
                invited_at: i
                    .invited_at
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                age_days: i
                    .invited_at
                    .map(|t| now.signed_duration_since(t).num_days()),
                age: i
                    .invited_at
                    .map(|t| format::age(t, now).trim_end_matches(" ago").to_owned()),
                trust: trust.label(),
                reasons,
                current_administrator: None,
                source: i.source(),
            })
        })
        .collect();
    let unlisted = listing
        .failures
        .iter()
        .map(|(source, error)| Unlisted {
            service: source.service.id(),
            region: &source.region,
            profile: &source.profile,
            state: error.state(),
            message: error.to_string(),
        })
        .collect();
    Report {
        findings,
        unlisted,
        listed: listing.sources - listing.failures.len(),
        sources: listing.sources,
    }
}

/// Who each finding's account answers to where it was found, asked once per source: a
/// stranger's invitation reads differently beside a trusted administrator already in place.
async fn ask_administrators(report: &mut Report<'_>, listing: &Listing) {
    let mut sources: Vec<&SourceId> = Vec::new();
    for f in &report.findings {
        if !sources.contains(&&f.source) {
            sources.push(&f.source);
        }
    }
    // A service with no such question (Detective) answers none without a request.
    let asked = sources.into_iter().filter_map(|id| {
        let planned = listing.planned.iter().find(|s| s.id == *id)?.clone();
        Some(async move { (id.clone(), planned.adapter().administrator().await) })
    });
    let answers = futures_util::future::join_all(asked).await;
    for f in &mut report.findings {
        let answer = answers.iter().find(|(id, _)| *id == f.source);
        if let Some((_, Ok(Some(admin)))) = answer {
            f.current_administrator = Some(admin.clone());
            if *admin != f.administrator_id {
                f.reasons
                    .push(format!("the account already answers to {admin} here"));
            }
        }
    }
}

fn print(report: &Report, output: OutputFormat, out: &mut dyn Write) -> std::io::Result<()> {
    if output == OutputFormat::Json {
        serde_json::to_writer_pretty(&mut *out, report).map_err(std::io::Error::from)?;
        return writeln!(out);
    }
    for f in &report.findings {
        let age = match &f.age {
            Some(age) => format!("{age} old"),
            None => "age unknown".into(),
        };
        writeln!(
            out,
            "{}  {}  {}  account {}  from {}  {age}: {}",
            f.service,
            f.region,
            f.profile,
            f.account_id.unwrap_or("unknown"),
            f.administrator_id,
            f.reasons.join("; ")
        )?;
    }
    for u in &report.unlisted {
        writeln!(
            out,
            "not listed: {}  {}  {}: {}",
            u.service, u.region, u.profile, u.message
        )?;
    }
    match report.exit_code() {
        0 => writeln!(
            out,
            "ok: no pending invitation to act on in {}",
            format::plural(report.sources, "source")
        ),
        FOUND => writeln!(
            out,
            "{} to act on",
            format::plural(report.findings.len(), "pending invitation")
        ),
        _ => writeln!(
            out,
            "nothing to act on in the {} listed, but {} could not be listed",
            format::plural(report.listed, "source"),
            format::plural(report.unlisted.len(), "source")
        ),
    }
}

pub async fn run(selection: &Selection, args: &CheckArgs) -> std::io::Result<ExitCode> {
    let options = super::looking();
    let session = match session::prepare(selection, &options).await {
        Ok(session) => session,
        Err(error) => return Ok(output::refuse(error)),
    };
    let mut listing = collect_arriving(session.plan, session.arriving, selection.concurrency).await;
    listing.trust = selection.trust_policy();
    if listing.trust.is_empty() && args.max_age.is_none() {
        output::warn(
            "note: no trust policy (--trust, [trust]) and no --max-age: only unlisted sources can fail the check",
        );
    }
    let mut report = report(&listing, args.max_age, Utc::now());
    ask_administrators(&mut report, &listing).await;
    let output_format = args.output;
    output::to_stdout(|out| print(&report, output_format, out))?;
    Ok(ExitCode::from(report.exit_code()))
}
