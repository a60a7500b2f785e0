//! `guestlist history`: membership calls from CloudTrail's event history, for every identity
//! and region selected, newest first; the ones that look like someone hiding are called out.

use std::io::Write;
use std::process::ExitCode;

use futures_util::StreamExt;

use super::output;
use crate::aws::AdapterOptions;
use crate::cli::{HistoryArgs, OutputFormat, Selection};
use crate::model::{AwsError, HistoryEvent, ServiceKind};
use crate::session;

/// Trails looked up at once; CloudTrail's own pace (2 a second per account and region) is
/// kept per account and region besides.
const AT_ONCE: usize = 32;

#[derive(serde::Serialize)]
struct Record<'a> {
    #[serde(flatten)]
    event: &'a HistoryEvent,
    /// Why it looks like someone hiding, if it does.
    concern: Option<&'static str>,
}

pub async fn run(selection: &Selection, args: &HistoryArgs) -> std::io::Result<ExitCode> {
    let options = AdapterOptions {
        read_only: true,
        audit: None,
        ..AdapterOptions::default()
    };
    let session = match session::prepare_whole(selection, &options).await {
        Ok(session) => session,
        Err(error) => return Ok(output::refuse(error)),
    };
    let plan = &session.plan;
    // Each identity's trail in each region, for the services listed there.
    let mut trails: Vec<(String, String, Vec<ServiceKind>)> = Vec::new();
    for source in &plan.sources {
        let id = &source.id;
        match trails
            .iter_mut()
            .find(|(p, r, _)| *p == id.profile && *r == id.region)
        {
            Some((_, _, services)) if !services.contains(&id.service) => services.push(id.service),
            Some(_) => {}
            None => trails.push((id.profile.clone(), id.region.clone(), vec![id.service])),
        }
    }
    let since = chrono::Utc::now() - chrono::Duration::days(i64::from(args.days));
    let pace = options.pace.clone();
    let looked = futures_util::stream::iter(trails.iter().map(|(profile, region, services)| {
        let identity = plan.identities.iter().find(|i| &i.profile == profile);
        let pace = pace.clone();
        async move {
            let Some(identity) = identity else {
                return (profile, region, Ok(Vec::new()));
            };
            let config = crate::aws::with_region(&identity.config, region);
            let found =
                crate::aws::history::history(&config, profile, services, since, &pace).await;
            // A rejected token is explained as a listing's is: a region not enabled is no failure.
            let found = match found {
                Err(error) => {
                    Err(crate::fetch::explained(error, Some(&identity.config), region).await)
                }
                ok => ok,
            };
            (profile, region, found)
        }
    }))
    .buffer_unordered(AT_ONCE)
    .collect::<Vec<(&String, &String, Result<Vec<HistoryEvent>, AwsError>)>>()
    .await;
    let mut events = Vec::new();
    let mut failed = 0;
    for (profile, region, found) in looked {
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
    Ok(ExitCode::from(output::exit_code(failed, trails.len())))
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
        serde_json::to_writer_pretty(&mut *out, &records).map_err(std::io::Error::other)?;
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
