//! The coverage matrix: a row per roster account (most gaps first), a column per service and
//! region, each cell a symbol and a colour; the cell under the cursor told in full below, the
//! legend with each state's count at the foot. Arrows (and Tab) move, Esc or c closes.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::theme;
use crate::app::AppState;
use crate::app::state::coverage::{CoverageView, Onboarding};
use crate::format;
use crate::model::{CellState, ServiceKind};

pub struct CoverageOverlay<'a>(pub &'a AppState);

/// A cell onboarding is working on.
const ONBOARDING: char = '↻';

/// Beside a marked cell's symbol.
const MARK: char = '✓';

/// Columns of the account and gap count, before the cells.
const NAME: usize = 28;
const GAPS: usize = 5;

/// `us-east-1` → `use1`, `ap-southeast-2` → `apse2`: the short names AWS people use.
pub fn short_region(region: &str) -> String {
    let mut short = String::new();
    for part in region.split('-') {
        let abbreviation = match part {
            "east" => "e",
            "west" => "w",
            "north" => "n",
            "south" => "s",
            "central" => "c",
            "southeast" => "se",
            "northeast" => "ne",
            "northwest" => "nw",
            "southwest" => "sw",
            "gov" => "g",
            other => other,
        };
        short.push_str(abbreviation);
    }
    short
}

fn style(state: CellState) -> Style {
    let color = match state {
        CellState::Enabled => Color::Green,
        CellState::Invited | CellState::Created | CellState::Verifying => Color::Yellow,
        CellState::Absent => Color::DarkGray,
        CellState::Unknown => Color::Magenta,
        CellState::VerificationFailed
        | CellState::Resigned
        | CellState::Removed
        | CellState::Disabled
        | CellState::AcceptedButDisabled
        | CellState::Paused
        | CellState::RegionDisabled
        | CellState::AccountSuspended
        | CellState::OtherAdministrator => Color::Red,
    };
    Style::default().fg(color)
}

impl Widget for CoverageOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let Some(view) = &state.coverage else {
            return;
        };
        Clear.render(area, buf);
        let coverage = &view.coverage;
        let mut title = format!(
            " Coverage — {} × {} — {} ",
            format::plural(coverage.rows.len(), "account"),
            format::plural(coverage.columns.len(), "place"),
            format::plural(coverage.gaps(), "gap"),
        );
        if coverage.unread() > 0 {
            title.push_str(&format!("— {} not read ", coverage.unread()));
        }
        if view.loading > 0 {
            title.push_str(&format!(
                "— listing members in {} ",
                format::plural(view.loading, "place")
            ));
        }
        let onboarding = state
            .onboarding
            .values()
            .filter(|p| matches!(p, Onboarding::At(_)))
            .count();
        if !view.marked.is_empty() {
            title.push_str(&format!(
                "— {} marked: Enter or o plans them ",
                view.marked.len()
            ));
        }
        if onboarding > 0 {
            title.push_str(&format!(
                "— onboarding {} ",
                format::plural(onboarding, "place")
            ));
        }
        title.push_str("— Esc closes ");
        let block = Block::default().borders(Borders::ALL).title(title);
        let inner = block.inner(area);
        block.render(area, buf);
        Paragraph::new(lines(state, view, inner)).render(inner, buf);
    }
}

/// Every line of the matrix that fits `inner`, scrolled to keep the cursor in sight.
fn lines(state: &AppState, view: &CoverageView, inner: Rect) -> Vec<Line<'static>> {
    let coverage = &view.coverage;
    if coverage.rows.is_empty() {
        let text = if view.loading > 0 {
            "Listing the members…"
        } else {
            "No accounts: start with --roster (org, a file, or ids), or administer members."
        };
        return vec![Line::styled(text, theme::dim())];
    }
    let cell_width = coverage
        .columns
        .iter()
        .map(|c| short_region(&c.region).chars().count())
        .max()
        .unwrap_or(4)
        + 1;
    let width = inner.width as usize;
    let fit = (width.saturating_sub(NAME + GAPS) / cell_width).max(1);
    let first = view.column.saturating_sub(fit - 1);
    let shown: Vec<usize> = (first..coverage.columns.len()).take(fit).collect();

    // Two header lines: each service's name over its first region, then the regions.
    let mut services = vec![Span::raw(" ".repeat(NAME + GAPS))];
    let mut regions = vec![Span::styled(
        format!("{:<NAME$}{:>4} ", "ACCOUNT", "GAPS"),
        theme::title(),
    )];
    let mut last: Option<ServiceKind> = None;
    for &c in &shown {
        let source = &coverage.columns[c];
        // Each service's name over its first region, cut to the cells its regions take here.
        let name = if last == Some(source.service) {
            String::new()
        } else {
            let span = shown
                .iter()
                .filter(|&&other| coverage.columns[other].service == source.service)
                .count();
            format::truncate(source.service.display_name(), span * cell_width - 1)
        };
        last = Some(source.service);
        services.push(Span::styled(format!("{name:<cell_width$}"), theme::title()));
        let style = if c == view.column {
            theme::selected()
        } else {
            theme::title()
        };
        regions.push(Span::styled(
            format!("{:<cell_width$}", short_region(&source.region)),
            style,
        ));
    }
    let mut lines = vec![squeeze(services, width), Line::from(regions)];

    // Rows: as many as fit between the headers and the three lines at the foot.
    let room = (inner.height as usize).saturating_sub(2 + 3).max(1);
    let top = view.row.saturating_sub(room - 1);
    for (r, row) in coverage.rows.iter().enumerate().skip(top).take(room) {
        let label = match &row.account.name {
            Some(name) => format!("{name} {}", row.account.id),
            None => row.account.id.clone(),
        };
        let label = format::truncate(&label, NAME - 1);
        let mut spans = vec![Span::styled(
            format!("{label:<NAME$}{:>4} ", row.gaps()),
            if r == view.row {
                theme::selected()
            } else {
                Style::default()
            },
        )];
        for &c in &shown {
            let cell = &row.cells[c];
            let key = (coverage.columns[c].clone(), row.account.id.clone());
            // A cell being onboarded shows that, until its place is listed again.
            let (symbol, mut style) = match state.onboarding.get(&key) {
                Some(Onboarding::At(_)) => (ONBOARDING, theme::key()),
                _ => (cell.state.symbol(), style(cell.state)),
            };
            if r == view.row && c == view.column {
                style = style.add_modifier(Modifier::REVERSED);
            }
            // Marked: underlined, and a mark beside it, readable without colour.
            let cell = if view.marked.contains(&key) {
                style = style.add_modifier(Modifier::UNDERLINED | Modifier::BOLD);
                format!("{symbol}{MARK:<width$}", width = cell_width - 1)
            } else {
                format!("{symbol:<cell_width$}")
            };
            spans.push(Span::styled(cell, style));
        }
        lines.push(Line::from(spans));
    }
    while lines.len() < 2 + room {
        lines.push(Line::raw(""));
    }
    lines.push(detail(state, view));
    lines.push(Line::raw(""));
    let legend: Vec<Span> = coverage
        .totals()
        .into_iter()
        .flat_map(|(cell, n)| {
            [
                Span::styled(cell.symbol().to_string(), style(cell)),
                Span::styled(format!(" {} {n}   ", cell.label()), theme::dim()),
            ]
        })
        .collect();
    lines.push(Line::from(legend));
    lines
}

/// The service names line, cut at the width (the names may run past their cells).
fn squeeze(spans: Vec<Span<'static>>, width: usize) -> Line<'static> {
    let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
    Line::styled(format::truncate(text.trim_end(), width), theme::title())
}

/// The cell under the cursor, in full.
fn detail(state: &AppState, view: &CoverageView) -> Line<'static> {
    let coverage = &view.coverage;
    let (Some(row), Some(source)) = (
        coverage.rows.get(view.row),
        coverage.columns.get(view.column),
    ) else {
        return Line::raw("");
    };
    let cell = &row.cells[view.column];
    let who = match &row.account.name {
        Some(name) => format!("{name} ({})", row.account.id),
        None => row.account.id.clone(),
    };
    let mut text = format!(
        "{who} · {} {} · {} {}",
        source.service.display_name(),
        source.region,
        cell.state.symbol(),
        cell.state.label()
    );
    if let Some(status) = &cell.status {
        text.push_str(&format!(" ({status})"));
    }
    if let Some(reason) = &cell.reason {
        text.push_str(&format!(" · {}", format::terminal_safe(reason)));
    }
    if cell.managed {
        text.push_str(" · managed through AWS Organizations");
    }
    if let Some(at) = cell.invited_at {
        text.push_str(&format!(" · invited {}", format::age(at, state.now)));
    }
    if let Some(reason) = &cell.unread {
        text.push_str(&format!(" · {}", format::terminal_safe(reason)));
    }
    if let Some(Some(administrator)) = coverage.administrators.get(view.column) {
        text.push_str(&format!(" · administrator {administrator}"));
    }
    match state
        .onboarding
        .get(&(source.clone(), row.account.id.clone()))
    {
        Some(Onboarding::At(stage)) => {
            text.push_str(&format!(" · onboarding: {}", stage.label()));
        }
        Some(Onboarding::Ended(finish)) if !finish.is_enabled() => {
            let why = finish.describe();
            text.push_str(&format!(" · onboarding: {}", format::terminal_safe(&why)));
        }
        _ => {}
    }
    Line::styled(text, style(cell.state))
}

#[cfg(test)]
mod tests {
    use super::short_region;

    #[test]
    fn regions_are_shortened_as_people_say_them() {
        assert_eq!(short_region("us-east-1"), "use1");
        assert_eq!(short_region("ap-southeast-2"), "apse2");
        assert_eq!(short_region("ap-south-1"), "aps1");
        assert_eq!(short_region("eu-central-1"), "euc1");
        assert_eq!(short_region("us-gov-west-1"), "usgw1");
    }
}
