//! `guestlist onboard`: reconcile as the administrator, then, as each roster account through
//! the assumed role, what it needs first and its acceptance, then the administrator's list
//! confirming it. The plan is printed and asked about first; progress shows while it runs
//! (a bar on a terminal); every cell not enabled at the end says why and what to do.

use std::collections::BTreeSet;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::mpsc;

use super::{ask, coverage, output, reconcile};
use crate::cli::{OnboardArgs, OutputFormat, Selection};
use crate::model::Fix;
use crate::onboarding::{self, Event, Finish, Settings, Stage};
use crate::reconciling::{self, Step};
use crate::session;

/// Counts as the cells move, for the progress line and the summary.
#[derive(Debug, Default)]
struct Progress {
    total: usize,
    stages: Vec<Option<Stage>>,
    finished: usize,
    enabled: usize,
    not_enabled: usize,
}

impl Progress {
    fn new(total: usize) -> Self {
        Progress {
            total,
            stages: vec![None; total],
            ..Progress::default()
        }
    }

    fn take(&mut self, event: &Event) {
        match event {
            Event::Stage(cell, stage) => self.stages[*cell] = Some(*stage),
            Event::Finished(cell, finish) => {
                self.stages[*cell] = None;
                self.finished += 1;
                if finish.is_enabled() {
                    self.enabled += 1;
                } else {
                    self.not_enabled += 1;
                }
            }
        }
    }

    /// One line: a bar, the counts by stage, and when it should end at this pace (never
    /// later than the wait allows).
    fn line(&self, elapsed: Duration, left_to_wait: Duration) -> String {
        const WIDTH: usize = 24;
        let filled = (self.finished * WIDTH).checked_div(self.total).unwrap_or(0);
        let mut line = format!(
            "onboarding [{}{}] {}/{} · {} enabled",
            "#".repeat(filled),
            ".".repeat(WIDTH - filled),
            self.finished,
            self.total,
            self.enabled
        );
        for stage in Stage::ALL {
            let n = self.stages.iter().filter(|s| **s == Some(stage)).count();
            if n > 0 {
                line.push_str(&format!(" · {n} {}", stage.label()));
            }
        }
        if self.not_enabled > 0 {
            line.push_str(&format!(" · {} not enabled", self.not_enabled));
        }
        if self.finished > 0 && self.finished < self.total {
            let each = elapsed.as_secs_f64() / self.finished as f64;
            let eta = Duration::from_secs_f64(each * (self.total - self.finished) as f64);
            let eta = eta.min(left_to_wait).as_secs();
            line.push_str(&format!(" · about {}:{:02} left", eta / 60, eta % 60));
        }
        line
    }
}

/// One cell's end, as `--output json` prints it.
#[derive(Debug, Serialize)]
struct CellRecord<'a> {
    account_id: &'a str,
    account_name: Option<&'a str>,
    service: &'static str,
    region: &'a str,
    /// The cell's state before: `absent`, `invited`, …
    from: &'static str,
    result: &'static str,
    detail: String,
}

fn print_results(
    steps: &[Step],
    finishes: &[Finish],
    format: OutputFormat,
    out: &mut impl Write,
) -> io::Result<()> {
    if format == OutputFormat::Json {
        let records: Vec<CellRecord> = steps
            .iter()
            .zip(finishes)
            .map(|(step, finish)| CellRecord {
                account_id: &step.account.id,
                account_name: step.account.name.as_deref(),
                service: step.source.service.id(),
                region: &step.source.region,
                from: step.from.id(),
                result: finish.id(),
                detail: finish.describe(),
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &records).map_err(io::Error::from)?;
        return writeln!(out);
    }
    let rows: Vec<Vec<String>> = steps
        .iter()
        .zip(finishes)
        .filter(|(_, finish)| !finish.is_enabled())
        .map(|(step, finish)| {
            vec![
                match &step.account.name {
                    Some(name) => format!("{} ({name})", step.account.id),
                    None => step.account.id.clone(),
                },
                format!(
                    "{} {}",
                    step.source.service.display_name(),
                    step.source.region
                ),
                finish.id().replace('_', " "),
                finish.describe(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        writeln!(out)?;
        output::write_columns(out, &["ACCOUNT", "WHERE", "RESULT", "WHY"], &rows)?;
    }
    let enabled = finishes.iter().filter(|f| f.is_enabled()).count();
    writeln!(
        out,
        "\n{enabled} of {} enabled{}",
        crate::format::plural(finishes.len(), "cell"),
        match finishes.len() - enabled {
            0 => String::new(),
            n => format!("; {n} not: run onboard again to resume what waited"),
        }
    )
}

/// Draws the progress line on stderr: in place on a terminal, else a line every ten seconds.
async fn show_progress(
    mut events: mpsc::UnboundedReceiver<Event>,
    total: usize,
    wait: Duration,
) -> Progress {
    let started = Instant::now();
    let terminal = io::stderr().is_terminal();
    let every = if terminal {
        Duration::from_millis(250)
    } else {
        Duration::from_secs(10)
    };
    let mut progress = Progress::new(total);
    let mut tick = tokio::time::interval(every);
    tick.tick().await;
    let draw = |progress: &Progress, end: &str| {
        let elapsed = started.elapsed();
        let line = progress.line(elapsed, wait.saturating_sub(elapsed));
        let mut stderr = io::stderr().lock();
        let _ = if terminal {
            write!(stderr, "\r\x1b[2K{line}{end}")
        } else {
            writeln!(stderr, "{line}")
        };
        let _ = stderr.flush();
    };
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(event) => progress.take(&event),
                None => break,
            },
            _ = tick.tick() => draw(&progress, ""),
        }
    }
    if terminal {
        draw(&progress, "\n");
    }
    progress
}

pub async fn run(selection: &Selection, args: &OnboardArgs) -> io::Result<ExitCode> {
    if selection.read_only {
        return Ok(output::refuse(
            "onboard changes members on both sides, which --read-only refuses",
        ));
    }
    let Some(role) = selection.assume_role.clone() else {
        return Ok(output::refuse(
            "onboard needs --assume-role ROLE: the role it acts as each member through",
        ));
    };
    if selection.accounts_from.is_some() {
        return Ok(output::refuse(
            "onboard reaches the roster's accounts: leave out --accounts (and the configuration's accounts)",
        ));
    }
    if selection.profiles.len() > 1 {
        return Ok(output::refuse(
            "onboard acts as one administrator: pass at most one --profile",
        ));
    }
    let options = match super::adapter_options(selection) {
        Ok(options) => options,
        Err(error) => return Ok(output::refuse(error)),
    };
    // The administrator acts as itself; the role is for the members.
    let administrator = Selection {
        assume_role: None,
        external_id: None,
        mfa_serial: None,
        ..selection.clone()
    };
    let (session, built) =
        match coverage::prepared(&administrator, args.roster.as_deref(), &options, 3).await {
            Ok(prepared) => prepared,
            Err(code) => return Ok(code),
        };
    // The administrator's account names what each member looks for: STS is asked again
    // while it cannot say.
    let mut built = built;
    let known = |accounts: &std::collections::HashMap<String, String>| {
        let plan = &session.plan;
        plan.identities
            .iter()
            .all(|i| accounts.contains_key(&i.profile))
    };
    let ask = || session.plan.accounts();
    built.accounts = crate::aws::asked_again(built.accounts, 3, ask, known).await;
    if !known(&built.accounts) {
        return Ok(output::refuse(
            "STS did not say which account the administrator is: try again in a moment",
        ));
    }
    let mut steps = reconcile::steps(&built);
    let firsts = reconciling::firsts(&session.plan, &mut steps).await;
    output::to_stdout(|mut out| {
        if args.output == OutputFormat::Json {
            return Ok(());
        }
        reconcile::print_plan(&steps, &firsts, OutputFormat::Table, &mut out)?;
        if steps.iter().any(|s| !matches!(s.fix, Fix::Blocked(_))) {
            writeln!(
                out,
                "then, as each member through the role {role}: enable what accepting needs, accept, and confirm from the administrator's side"
            )?;
        }
        Ok(())
    })?;
    let working = steps
        .iter()
        .filter(|s| !matches!(s.fix, Fix::Blocked(_)))
        .count();
    if working == 0 {
        if args.output == OutputFormat::Json {
            output::to_stdout(|mut out| print_results(&[], &[], args.output, &mut out))?;
        }
        return Ok(ExitCode::from(built.exit_code()));
    }
    let accounts: BTreeSet<String> = steps
        .iter()
        .filter(|s| matches!(s.fix, Fix::Invite | Fix::Recreate | Fix::Wait))
        .map(|s| s.account.id.clone())
        .collect();
    if !args.yes {
        let blocked = steps.len() - working;
        let question = format!(
            "{}Onboard {} in {} (as each through {role})?",
            match blocked {
                0 => String::new(),
                n => format!(
                    "{} cannot be closed from here.\n",
                    crate::format::plural(n, "cell")
                ),
            },
            crate::format::plural(working, "cell"),
            crate::format::plural(accounts.len(), "account"),
        );
        if let Some(code) = ask::go_on("onboard", &question) {
            return Ok(code);
        }
    }
    let accounts: Vec<String> = accounts.into_iter().collect();
    let members = match session::reach(&session.plan, selection, &accounts, &options).await {
        Ok(members) => members,
        Err(error) => return Ok(output::refuse(error)),
    };
    let settings = Settings {
        wait: Duration::from_secs_f64(args.wait),
        poll: Duration::from_secs_f64(args.poll),
        concurrency: usize::from(selection.concurrency).max(1) * 4,
        role,
    };
    let (events, receiving) = mpsc::unbounded_channel();
    let showing = tokio::spawn(show_progress(receiving, steps.len(), settings.wait));
    let finishes = onboarding::run(
        &session.plan,
        &built.accounts,
        &members,
        &steps,
        &firsts,
        &settings,
        events,
    )
    .await;
    let _ = showing.await;
    output::to_stdout(|mut out| print_results(&steps, &finishes, args.output, &mut out))?;
    let failed = finishes.iter().filter(|f| !f.is_enabled()).count();
    Ok(ExitCode::from(output::exit_code(failed, finishes.len())))
}
