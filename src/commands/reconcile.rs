//! `guestlist reconcile`: the coverage matrix's gaps, each with the step that closes it, and
//! with `--apply` those steps taken. The plan is printed first either way; a second run after
//! applying plans nothing to send (invitations sent wait for their members).

use std::io::{self, Write};
use std::process::ExitCode;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::coverage::{self, Built};
use super::{ask, output};
use crate::cli::{OutputFormat, ReconcileArgs, Selection};
use crate::model::{Actor, CellState, Fix, Invitee, RosterAccount, SourceId, Step as Needed};
use crate::session;

/// Exit code of a plan with steps to apply.
pub const STEPS: u8 = 3;

/// One cell's gap and what closes it.
#[derive(Debug, Clone)]
pub struct Step {
    pub source: SourceId,
    pub account: RosterAccount,
    pub from: CellState,
    pub fix: Fix,
}

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

/// The steps an administrator must take in a source before creating members there: asked
/// only where the plan creates some. Where it cannot have members at all (Detective without
/// a graph), those steps are blocked, with why.
pub async fn firsts(
    session: &session::Session,
    steps: &mut [Step],
) -> BTreeMap<SourceId, Vec<Needed>> {
    let creates = |fix: &Fix| matches!(fix, Fix::Invite | Fix::Recreate);
    let sources: BTreeSet<SourceId> = steps
        .iter()
        .filter(|s| creates(&s.fix))
        .map(|s| s.source.clone())
        .collect();
    let asked = futures_util::future::join_all(sources.into_iter().filter_map(|source| {
        let planned = session.plan.sources.iter().find(|p| p.id == source)?;
        let adapter = planned.adapter();
        Some(async move { (source, adapter.before_administering().await) })
    }))
    .await;
    let mut firsts = BTreeMap::new();
    for (source, answer) in asked {
        match answer {
            Ok(needed) if needed.is_empty() => {}
            Ok(needed) => {
                firsts.insert(source, needed);
            }
            Err(error) => {
                for step in steps
                    .iter_mut()
                    .filter(|s| s.source == source && creates(&s.fix))
                {
                    step.fix = Fix::Blocked(error.message.clone());
                }
            }
        }
    }
    firsts
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

fn print_plan(
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

/// Applies the steps that send something, grouped by source and action; one line per account.
/// Returns how many succeeded and how many failed.
pub async fn apply(
    session: &session::Session,
    built: &Built,
    steps: &[Step],
    firsts: &BTreeMap<SourceId, Vec<Needed>>,
) -> (usize, usize) {
    let plan = &session.plan;
    let accounts = &built.accounts;
    // What each administrator must do first; where it fails, that place's steps are not sent.
    let mut unready: BTreeMap<SourceId, String> = BTreeMap::new();
    for (source, needed) in firsts {
        let Some(planned) = plan.sources.iter().find(|s| s.id == *source) else {
            continue;
        };
        let adapter = planned.adapter();
        let actor = Actor {
            account: accounts.get(&source.profile).cloned(),
        };
        for step in needed {
            match adapter.take_step(step, &actor).await {
                Ok(()) => output::say(format_args!(
                    "{} in {} {} (profile {})",
                    step.describe(),
                    source.service,
                    source.region,
                    source.profile
                )),
                Err(error) => {
                    unready.insert(source.clone(), error.message.clone());
                    break;
                }
            }
        }
    }
    let mut groups: Vec<((SourceId, Fix), Vec<&Step>)> = Vec::new();
    for step in steps.iter().filter(|s| s.fix.acts()) {
        let key = (step.source.clone(), step.fix.clone());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, group)) => group.push(step),
            None => groups.push((key, vec![step])),
        }
    }
    let (mut done, mut failed) = (0, 0);
    for ((source, fix), group) in groups {
        let Some(planned) = plan.sources.iter().find(|s| s.id == source) else {
            continue;
        };
        if let Some(why) = unready.get(&source) {
            for step in &group {
                failed += 1;
                output::warn(format_args!(
                    "error: could not {} {} in {} {}: the administrator's first step failed: {why}",
                    fix.describe(),
                    step.account.id,
                    source.service,
                    source.region
                ));
            }
            continue;
        }
        let adapter = planned.adapter();
        let actor = Actor {
            account: accounts.get(&source.profile).cloned(),
        };
        let invitees: Vec<Invitee> = group
            .iter()
            .map(|s| Invitee {
                account_id: s.account.id.clone(),
                email: s.account.email.clone(),
            })
            .collect();
        let outcomes = crate::reconciling::take(adapter.as_ref(), &fix, &invitees, &actor).await;
        for outcome in outcomes {
            let place = format!(
                "{} {} (profile {})",
                source.service, source.region, source.profile
            );
            match outcome.result {
                Ok(()) => {
                    done += 1;
                    output::say(format_args!(
                        "{}: {} in {place}",
                        fix.describe(),
                        outcome.key
                    ));
                }
                Err(error) => {
                    failed += 1;
                    output::warn(format_args!(
                        "error: could not {} {} in {place}: {}",
                        fix.describe(),
                        outcome.key,
                        error.message
                    ));
                }
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
        match coverage::prepared(selection, args.roster.as_deref(), &options).await {
            Ok(prepared) => prepared,
            Err(code) => return Ok(code),
        };
    let mut steps = steps(&built);
    let firsts = firsts(&session, &mut steps).await;
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
    if !args.yes {
        match ask::yes(&format!("Apply {}?", crate::format::plural(acting, "step"))) {
            Ok(true) => {}
            Ok(false) => {
                output::warn(format_args!("cancelled: nothing was sent"));
                return Ok(ExitCode::from(1));
            }
            Err(error) => {
                output::warn(format_args!("guestlist reconcile: {error}"));
                return Ok(ExitCode::from(1));
            }
        }
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
