//! `guestlist coverage`: the administrator's matrix. One row per roster account, one column per
//! service and region, each cell the account's state there. Exit 0 when every cell is enabled,
//! 3 when there are gaps, 1 when some sources could not be read (and no gap was found).

use std::collections::HashMap;
use std::io::{self, Write};
use std::process::ExitCode;

use serde::Serialize;

use super::{members, output};
use crate::aws::AdapterOptions;
use crate::cli::{CoverageArgs, OutputFormat, Selection};
use crate::model::{AwsError, CellState, Coverage, ServiceKind, SourceId};
use crate::roster::{self, RosterSource};
use crate::session;

/// Exit code when there are gaps to close.
pub const GAPS: u8 = 3;

/// The matrix, and the sources that could not be read (their cells are unknown).
pub struct Built {
    pub coverage: Coverage,
    pub failures: Vec<(SourceId, AwsError)>,
    /// Each administrating identity's account, by profile, where STS named it.
    pub accounts: HashMap<String, String>,
}

impl Built {
    /// 0 when every cell is enabled; 3 when some are gaps (what was found is certain, so it
    /// wins); 1 when some sources could not be read.
    pub fn exit_code(&self) -> u8 {
        if self.coverage.gaps() > 0 {
            GAPS
        } else if !self.failures.is_empty() {
            1
        } else {
            0
        }
    }
}

/// The matrix for the administrators of `session`, against the roster `roster` names.
pub async fn build(
    session: &session::Session,
    roster: Option<&RosterSource>,
) -> Result<Built, String> {
    let plan = &session.plan;
    // The administrators' accounts, asked of STS once: the roster leaves them out, empty
    // columns are theirs, and changes are audited as them.
    let ((accounts, roster), listing) = tokio::join!(
        async {
            let accounts = plan.accounts().await;
            let roster = roster::load(roster, plan, &accounts).await;
            (accounts, roster)
        },
        members::collect(plan)
    );
    let roster = roster?;
    let columns = plan
        .sources
        .iter()
        .map(|s| s.id.clone())
        .filter(|id| !listing.not_enabled.contains(id))
        .collect();
    let mut coverage = Coverage::build(&roster, columns, &listing.members, &listing.failures);
    // A column with no member yet is still this administrator's.
    for (column, administrator) in coverage.administrators.iter_mut().enumerate() {
        if administrator.is_none() {
            let profile = &coverage.columns[column].profile;
            *administrator = accounts.get(profile).cloned();
        }
    }
    Ok(Built {
        coverage,
        failures: listing.failures,
        accounts,
    })
}

/// One cell, as `--output json` prints it.
#[derive(Debug, Serialize)]
struct CellRecord<'a> {
    account_id: &'a str,
    account_name: Option<&'a str>,
    service: &'static str,
    region: &'a str,
    /// The service's own string, or `absent` (`unknown` where it could not be read).
    status: &'a str,
    state: &'static str,
    administrator_id: Option<&'a str>,
    invited_at: Option<String>,
    /// Why the cell could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

fn records(coverage: &Coverage) -> Vec<CellRecord<'_>> {
    let mut records = Vec::new();
    for row in &coverage.rows {
        for (column, cell) in row.cells.iter().enumerate() {
            let source = &coverage.columns[column];
            let status = match (&cell.status, cell.state) {
                (Some(status), _) => status.as_str(),
                (None, CellState::Unknown) => "unknown",
                (None, _) => "absent",
            };
            records.push(CellRecord {
                account_id: &row.account.id,
                account_name: row.account.name.as_deref(),
                service: source.service.id(),
                region: &source.region,
                status,
                state: cell.state.id(),
                administrator_id: coverage.administrators[column].as_deref(),
                invited_at: cell.invited_at.map(|t| t.to_rfc3339()),
                error: cell.unread.as_deref(),
            });
        }
    }
    records
}

pub fn print(coverage: &Coverage, format: OutputFormat, out: &mut impl Write) -> io::Result<()> {
    match format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &records(coverage)).map_err(io::Error::from)?;
            writeln!(out)
        }
        OutputFormat::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            for record in records(coverage) {
                writer.serialize(record).map_err(io::Error::other)?;
            }
            writer.flush()
        }
        OutputFormat::Table => print_table(coverage, out),
    }
}

/// The matrix as text: a service's regions side by side under its name, a symbol per cell,
/// gaps per row and per column, then the legend with each state's count.
fn print_table(coverage: &Coverage, out: &mut impl Write) -> io::Result<()> {
    if coverage.rows.is_empty() {
        return writeln!(
            out,
            "No accounts: pass --roster (org, a file, or ids), or administer members to cover."
        );
    }
    let several = coverage
        .columns
        .iter()
        .any(|c| c.profile != coverage.columns[0].profile);
    let label = |column: usize| {
        let source = &coverage.columns[column];
        if several {
            format!("{} {}", source.region, source.profile)
        } else {
            source.region.clone()
        }
    };
    // Each service's columns, in the services' order: every line is laid out by them.
    let groups: Vec<(ServiceKind, Vec<usize>)> = ServiceKind::ALL
        .into_iter()
        .map(|service| {
            let span = (0..coverage.columns.len())
                .filter(|&c| coverage.columns[c].service == service)
                .collect();
            (service, span)
        })
        .filter(|(_, span): &(_, Vec<usize>)| !span.is_empty())
        .collect();
    let mut widths: Vec<usize> = (0..coverage.columns.len())
        .map(|c| label(c).chars().count())
        .collect();
    // A service's name must fit over its regions: its last column takes what is missing.
    for (service, span) in &groups {
        let room: usize = span.iter().map(|&c| widths[c] + 1).sum();
        let name = service.display_name().chars().count() + 1;
        if let Some(&last) = span.last() {
            widths[last] += name.saturating_sub(room);
        }
    }
    let name_width = coverage
        .rows
        .iter()
        .map(|r| r.account.name.as_deref().unwrap_or("").chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    // A line: its lead (account, name, gaps), then a value per column, a space between services.
    let line = |lead: [&str; 3], value: &dyn Fn(usize) -> String| {
        let [id, name, gaps] = lead;
        let mut line = format!("{id:<12}  {name:<name_width$}  {gaps:>4}  ");
        for (_, span) in &groups {
            for &c in span {
                line.push_str(&format!("{:<w$} ", value(c), w = widths[c]));
            }
            line.push(' ');
        }
        line.trim_end().to_owned()
    };
    // The service names over their regions.
    let mut names = " ".repeat(12 + 2 + name_width + 2 + 4 + 2);
    for (service, span) in &groups {
        let width: usize = span.iter().map(|&c| widths[c] + 1).sum::<usize>() + 1;
        names.push_str(&format!("{:<width$}", service.display_name()));
    }
    writeln!(out, "{}", names.trim_end())?;
    writeln!(out, "{}", line(["ACCOUNT", "NAME", "GAPS"], &label))?;
    for row in &coverage.rows {
        let name = row.account.name.as_deref().unwrap_or("");
        let gaps = row.gaps().to_string();
        let symbol = |c: usize| row.cells[c].state.symbol().to_string();
        writeln!(out, "{}", line([&row.account.id, name, &gaps], &symbol))?;
    }
    let gaps = coverage.gaps().to_string();
    let column_gaps = |c: usize| coverage.column_gaps(c).to_string();
    writeln!(out, "{}", line(["gaps", "", &gaps], &column_gaps))?;
    writeln!(out)?;
    let legend: Vec<String> = coverage
        .totals()
        .into_iter()
        .map(|(state, n)| format!("{} {} {n}", state.symbol(), state.label()))
        .collect();
    writeln!(out, "{}", legend.join("   "))
}

/// The session and the matrix for a command given `--roster` (checked before anything is
/// asked), each source that could not be read named on stderr; or the exit code that refused.
/// `rereads` times, sources that failed in passing (throttled, a server's error) are read
/// again, a little later each time, before they are given up as not read.
pub async fn prepared(
    selection: &Selection,
    roster: Option<&str>,
    options: &AdapterOptions,
    rereads: u32,
) -> Result<(session::Session, Built), ExitCode> {
    let roster = roster
        .map(RosterSource::parse)
        .transpose()
        .map_err(|error| output::refuse(format!("--roster: {error}")))?;
    let session = session::prepare_whole(selection, options)
        .await
        .map_err(output::refuse)?;
    let first = build(&session, roster.as_ref()).await;
    let passing = |(_, error): &(SourceId, AwsError)| error.is_passing();
    let settled = |built: &Result<Built, String>| match built {
        Ok(built) => built.failures.is_empty() || !built.failures.iter().all(passing),
        Err(_) => true,
    };
    let ask = || build(&session, roster.as_ref());
    let built = crate::aws::asked_again(first, rereads, ask, settled)
        .await
        .map_err(output::refuse)?;
    for (source, error) in &built.failures {
        output::warn(format_args!(
            "error: {} {} (profile {}): not read: {}: {}",
            source.service.id(),
            source.region,
            source.profile,
            error.summary(),
            error.message
        ));
    }
    Ok((session, built))
}

pub async fn run(selection: &Selection, args: &CoverageArgs) -> io::Result<ExitCode> {
    let options = super::looking();
    let built = match prepared(selection, args.roster.as_deref(), &options, 0).await {
        Ok((_, built)) => built,
        Err(code) => return Ok(code),
    };
    output::to_stdout(|mut out| print(&built.coverage, args.output, &mut out))?;
    Ok(ExitCode::from(built.exit_code()))
}
