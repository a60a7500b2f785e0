//! `guestlist history`: membership calls from CloudTrail's event history, for every identity
//! and region selected, newest first; the ones that look like someone hiding are called out.

use std::io::Write;
use std::process::ExitCode;

use super::output;
use crate::cli::{HistoryArgs, OutputFormat, Selection};
use crate::model::HistoryEvent;
use crate::session;

#[derive(serde::Serialize)]
struct Record<'a> {
    #[serde(flatten)]
    event: &'a HistoryEvent,
    /// Why it looks like someone hiding, if it does.
    concern: Option<&'static str>,
}

pub async fn run(selection: &Selection, args: &HistoryArgs) -> std::io::Result<ExitCode> {
    let options = super::looking();
    let session = match session::prepare_whole(selection, &options).await {
        Ok(session) => session,
        Err(error) => return Ok(output::refuse(error)),
    };
    let plan = &session.plan;
    let trails = crate::model::trails(plan.sources.iter().map(|s| &s.id));
    let count = trails.len();
    let since = chrono::Utc::now() - chrono::Duration::days(i64::from(args.days));
    let looked = crate::fetch::read_trails(trails, &plan.identities, since, &options.pace).await;
    let mut events = Vec::new();
    let mut failed = 0;
    for (trail, found) in looked {
        let (profile, region) = (&trail.profile, &trail.region);
        match found {
            Ok(found) => events.extend(found),
            Err(error) if !error.is_failure() => output::warn(format_args!(
                "note: {region} for profile {profile}: {}",
                error.state()
            )),
            Err(error) => {
                failed += 1;
                output::warn(format_args!(
                    "error: could not read CloudTrail in {region} for profile {profile}: {error}"
                ));
            }
        }
    }
    events.sort_by_key(|e| std::cmp::Reverse(e.time));
    let output_format = args.output;
    output::to_stdout(|out| print(&events, output_format, args.days, out))?;
    Ok(ExitCode::from(output::exit_code(failed, count)))
}

fn print(
    events: &[HistoryEvent],
    format: OutputFormat,
    days: u16,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if format == OutputFormat::Json {
        let records: Vec<Record> = events
            .iter()
            .map(|event| Record {
                event,
                concern: event.concern(),
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &records).map_err(std::io::Error::from)?;
        return writeln!(out);
    }
    if events.is_empty() {
        return writeln!(out, "No membership calls in the last {days} days.");
    }
    let header = [
        "TIME",
        "SERVICE",
        "REGION",
        "PROFILE",
        "EVENT",
        "BY",
        "PARAMETERS",
    ];
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            let event = match e.concern() {
                Some(concern) => format!("⚠ {} ({concern})", e.event),
                None => e.event.clone(),
            };
            vec![
                e.time.format("%Y-%m-%d %H:%M UTC").to_string(),
                e.service.id().to_owned(),
                e.region.clone(),
                e.profile.clone(),
                crate::format::terminal_safe(&event).into_owned(),
                crate::format::terminal_safe(&e.by).into_owned(),
                crate::format::terminal_safe(&e.parameters).into_owned(),
            ]
        })
        .collect();
    output::write_columns(&mut &mut *out, &header, &rows)
}
