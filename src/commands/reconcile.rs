//! `guestlist reconcile`: the coverage matrix's gaps, each with the step that closes it, and
//! with `--apply` those steps taken. The plan is printed first either way; a second run after
//! applying plans nothing to send (invitations sent wait for their members).

use std::io::{self, Write};
use std::process::ExitCode;

use std::collections::BTreeMap;

use serde::Serialize;

use super::coverage::{self, Built};
use super::{ask, output};
use crate::cli::{OutputFormat, ReconcileArgs, Selection};
use crate::model::{Fix, SourceId, Step as Needed};
use crate::reconciling::{self, Step};
use crate::session;

/// Exit code of a plan with steps to apply.
pub const STEPS: u8 = 3;

/// Every gap of the matrix with its step, in the matrix's order (most gaps first).
pub fn steps(built: &Built) -> Vec<Step> {
    let coverage = &built.coverage;
    let mut steps = Vec::new();
    for row in &coverage.rows {
        for (column, cell) in row.cells.iter().enumerate() {
            let source = &coverage.columns[column];
            if let Some(fix) = Fix::for_cell(source.service, cell, &row.account) {
                steps.push(Step {
                    source: source.clone(),
                    account: row.account.clone(),
                    from: cell.state,
                    fix,
                });
            }
        }
    }
    steps
}

#[derive(Debug, Serialize)]
struct StepRecord<'a> {
    account_id: &'a str,
    account_name: Option<&'a str>,
    service: &'static str,
    region: &'a str,
    profile: &'a str,
    state: &'static str,
    action: &'static str,
    detail: String,
    /// What the administrator does first in this place (enable Security Hub, create a
    /// detector), where it must.
    first: Vec<String>,
}

fn action_id(fix: &Fix) -> &'static str {
    match fix {
        Fix::Invite => "invite",
        Fix::Recreate => "recreate",
        Fix::StartMonitoring => "start_monitoring",
        Fix::Wait => "wait",
        Fix::Blocked(_) => "blocked",
    }
}

pub(super) fn print_plan(
    steps: &[Step],
    firsts: &BTreeMap<SourceId, Vec<Needed>>,
    format: OutputFormat,
    out: &mut impl Write,
) -> io::Result<()> {
    let first = |step: &Step| -> Vec<String> {
        let needed = firsts.get(&step.source).filter(|_| step.fix.acts());
        needed.into_iter().flatten().map(Needed::describe).collect()
    };
    if format == OutputFormat::Json {
        let records: Vec<StepRecord> = steps
            .iter()
            .map(|s| StepRecord {
                account_id: &s.account.id,
                account_name: s.account.name.as_deref(),
                service: s.source.service.id(),
                region: &s.source.region,
                profile: &s.source.profile,
                state: s.from.id(),
                action: action_id(&s.fix),
                detail: s.fix.describe(),
                first: first(s),
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &records).map_err(io::Error::from)?;
        return writeln!(out);
    }
    let acting = steps.iter().filter(|s| s.fix.acts()).count();
    if steps.is_empty() {
        return writeln!(
            out,
            "Nothing to do: every account on the roster is enabled everywhere."
        );
    }
    let rows: Vec<Vec<String>> = steps
        .iter()
        .map(|s| {
            vec![
                match &s.account.name {
                    Some(name) => format!("{} ({name})", s.account.id),
                    None => s.account.id.clone(),
                },
                format!("{} {}", s.source.service.display_name(), s.source.region),
                format!("{} {}", s.from.symbol(), s.from.label()),
                s.fix.describe(),
            ]
        })
        .collect();
    output::write_columns(out, &["ACCOUNT", "WHERE", "NOW", "STEP"], &rows)?;
    for (source, needed) in firsts {
        for step in needed {
            writeln!(
                out,
                "first, as the administrator in {} {}: {}",
                source.service.display_name(),
                source.region,
                step.describe()
            )?;
        }
    }
    let waiting = steps.iter().filter(|s| s.fix == Fix::Wait).count();
    let blocked = steps.len() - acting - waiting;
    writeln!(
        out,
        "\n{} to apply, {waiting} waiting for their members, {blocked} that cannot be closed from here.",
        crate::format::plural(acting, "step")
    )
}

/// Applies the steps that send something; one line per account.
/// Returns how many succeeded and how many failed.
pub async fn apply(
    session: &session::Session,
    built: &Built,
    steps: &[Step],
    firsts: &BTreeMap<SourceId, Vec<Needed>>,
) -> (usize, usize) {
    let applied = reconciling::apply(&session.plan, &built.accounts, steps, firsts).await;
    for (source, step, result) in &applied.firsts {
        if result.is_ok() {
            output::say(format_args!(
                "{} in {} {} (profile {})",
                step.describe(),
                source.service,
                source.region,
                source.profile
            ));
        }
    }
    let (mut done, mut failed) = (0, 0);
    for (step, result) in steps.iter().zip(&applied.steps) {
        let Some(result) = result else { continue };
        let source = &step.source;
        let place = format!(
            "{} {} (profile {})",
            source.service, source.region, source.profile
        );
        match result {
            Ok(()) => {
                done += 1;
                output::say(format_args!(
                    "{}: {} in {place}",
                    step.fix.describe(),
                    step.account.id
                ));
            }
            Err(error) => {
                failed += 1;
                output::warn(format_args!(
                    "error: could not {} {} in {place}: {}",
                    step.fix.describe(),
                    step.account.id,
                    error.message
                ));
            }
        }
    }
    (done, failed)
}

pub async fn run(selection: &Selection, args: &ReconcileArgs) -> io::Result<ExitCode> {
    if args.apply && selection.read_only {
        return Ok(output::refuse(
            "--apply changes members, which --read-only refuses: leave out one of them",
        ));
    }
    let options = if args.apply {
        match super::adapter_options(selection) {
            Ok(options) => options,
            Err(error) => return Ok(output::refuse(error)),
        }
    } else {
        super::looking()
    };
    let (session, built) =
        match coverage::prepared(selection, args.roster.as_deref(), &options, 0).await {
            Ok(prepared) => prepared,
            Err(code) => return Ok(code),
        };
    let mut steps = steps(&built);
    let firsts = reconciling::firsts(&session.plan, &mut steps).await;
    output::to_stdout(|mut out| print_plan(&steps, &firsts, args.output, &mut out))?;
    let acting = steps.iter().filter(|s| s.fix.acts()).count();
    if !args.apply {
        return Ok(ExitCode::from(if acting > 0 {
            STEPS
        } else if built.failures.is_empty() {
            0
        } else {
            1
        }));
    }
    if acting == 0 {
        return Ok(ExitCode::from(u8::from(!built.failures.is_empty())));
    }
    let question = format!("Apply {}?", crate::format::plural(acting, "step"));
    if !args.yes
        && let Some(code) = ask::go_on("reconcile", &question)
    {
        return Ok(code);
    }
    let (done, failed) = apply(&session, &built, &steps, &firsts).await;
    output::say(format_args!(
        "applied {} of {}; run it again to see what is left",
        done,
        crate::format::plural(done + failed, "step")
    ));
    Ok(ExitCode::from(match (done, failed) {
        (_, 0) => 0,
        (0, _) => 1,
        _ => 2,
    }))
}
