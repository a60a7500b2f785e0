//! The invitations table. Only the rows on screen are built, so a frame costs the same for
//! ten rows or ten thousand.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Widget, Wrap};

use super::theme;
use crate::app::{AppState, Column, DateStyle, Note, Phase};
use crate::aws::ErrorKind;
use crate::format;

pub struct InvitationTable<'a>(pub &'a AppState);

/// Column widths for the space there is: wide terminals get absolute times, whole statuses and
/// whole references; below 72 columns the reference goes (the detail pane has it) so that
/// account ids are never cut.
fn widths(state: &AppState, width: u16) -> Vec<(Column, u16)> {
    let wide = width >= 120;
    let mut columns = vec![(Column::Service, 12), (Column::Region, 14)];
    if state.several_identities() {
        columns.push((Column::Account, 12));
    }
    columns.push((Column::From, 12));
    if width >= 72 {
        columns.push((Column::Invitation, 0));
    }
    let utc = state.clock == crate::format::Clock::Utc;
    let invited = match (state.dates, wide) {
        (DateStyle::Relative, _) | (DateStyle::Both, false) => 8,
        (DateStyle::Absolute, _) => {
            if utc {
                20
            } else {
                16
            }
        }
        (DateStyle::Both, true) => 31,
    };
    columns.push((Column::Invited, invited));
    columns.push((Column::Status, if wide { 24 } else { 16 }));
    let fixed: u16 = columns.iter().map(|(_, w)| *w).sum();
    let gaps = columns.len() as u16 - 1;
    let spare = width.saturating_sub(fixed + gaps);
    for (column, w) in &mut columns {
        match column {
            Column::Invitation => *w = spare.clamp(8, 90),
            Column::Status if width < 72 => *w = (*w + spare).min(23),
            _ => {}
        }
    }
    columns
}

fn cell_text(
    state: &AppState,
    row: &crate::app::Row,
    column: Column,
    width: u16,
    wide: bool,
) -> String {
    let invitation = &row.invitation;
    let width = width as usize;
    match column {
        Column::Service => invitation.service.display_name().to_owned(),
        Column::Region => invitation.region.clone(),
        Column::Account => state.account_label(invitation).to_owned(),
        Column::From => invitation.administrator_id.clone(),
        Column::Invitation => {
            let reference = invitation.reference();
            if reference.chars().count() <= width {
                reference.to_owned()
            } else {
                format::shorten_middle(format::reference_for_table(reference), width)
            }
        }
        Column::Invited => match (invitation.invited_at, state.dates) {
            (None, _) => "—".into(),
            (Some(at), DateStyle::Absolute) => format::timestamp(at, state.clock),
            (Some(at), DateStyle::Both) if wide => format!(
                "{} · {}",
                format::timestamp(at, state.clock),
                format::age(at, state.now)
            ),
            (Some(at), _) => format::age(at, state.now),
        },
        Column::Status => {
            let text = match state.notes.get(row.key()) {
                Some(Note::Working(response)) => {
                    format!("… {}ing", response.verb().trim_end_matches('e'))
                }
                Some(Note::Done(_)) => format!("✓ {}", invitation.status_raw),
                Some(Note::Failed(_, reason)) => format!("✗ {reason}"),
                None if state.changes.new.contains(row.key()) => {
                    format!("NEW {}", invitation.status_raw)
                }
                None => invitation.status_raw.clone(),
            };
            format::truncate(&text, width)
        }
    }
}

fn status_style(state: &AppState, row: &crate::app::Row) -> Style {
    let key = row.key();
    match state.notes.get(key) {
        Some(Note::Failed(..)) => theme::error(),
        Some(Note::Working(_)) => theme::key(),
        // A status that changed since the last refresh stands out until the next one.
        _ if state.changes.changed.contains(key) => theme::status(row.invitation.status)
            .add_modifier(ratatui::style::Modifier::REVERSED | ratatui::style::Modifier::BOLD),
        _ if state.changes.new.contains(key) => {
            theme::status(row.invitation.status).add_modifier(ratatui::style::Modifier::BOLD)
        }
        _ => theme::status(row.invitation.status),
    }
}

impl Widget for InvitationTable<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let title = format!(" Invitations — {} ", state.view.label());
        let block = Block::default().borders(Borders::ALL).title(title);
        // One column for the mark of rows chosen with Space.
        let inner_width = area.width.saturating_sub(4);
        let wide = inner_width >= 120;
        let columns = widths(state, inner_width);
        let height = area.height.saturating_sub(3) as usize;

        if state.visible_len() == 0 {
            let message = empty_message(state);
            Paragraph::new(message)
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: true })
                .block(block)
                .render(area, buf);
            return;
        }

        let titles = columns.iter().map(|(column, _)| {
            let mut title = column.title().to_owned();
            if *column == state.sort.column {
                title.push(if state.sort.descending { '↓' } else { '↑' });
            }
            Cell::from(title)
        });
        let header = Row::new(std::iter::once(Cell::from(" ")).chain(titles)).style(theme::title());

        let rows = (state.offset..(state.offset + height).min(state.visible_len())).filter_map(
            |position| {
                let row = state.visible_row(position)?;
                let mark = if state.marked.contains(row.key()) {
                    "●"
                } else {
                    " "
                };
                let cells = columns.iter().map(|(column, width)| {
                    let text = cell_text(state, row, *column, *width, wide);
                    match column {
                        Column::Status => Cell::from(Span::styled(text, status_style(state, row))),
                        _ => Cell::from(text),
                    }
                });
                let cells =
                    std::iter::once(Cell::from(Span::styled(mark, theme::key()))).chain(cells);
                let style = if position == state.selected {
                    theme::selected()
                } else {
                    Style::default()
                };
                Some(Row::new(cells).style(style))
            },
        );

        let constraints: Vec<Constraint> = std::iter::once(Constraint::Length(1))
            .chain(columns.iter().map(|(_, w)| Constraint::Length(*w)))
            .collect();
        let position = if state.visible_len() > height {
            format!(" {}/{} ", state.selected + 1, state.visible_len())
        } else {
            String::new()
        };
        Table::new(rows, constraints)
            .header(header)
            .column_spacing(1)
            .block(block.title_bottom(Line::from(position).right_aligned()))
            .render(area, buf);
    }
}

/// Never a blank screen: say what happened.
fn empty_message(state: &AppState) -> Vec<Line<'static>> {
    let regions = state.regions.len();
    let services = state.services.len();
    let plural = format::plural;
    let failed = state
        .sources
        .iter()
        .filter(|s| matches!(&s.phase, Phase::Failed { error, .. } if error.kind != ErrorKind::RegionNotEnabled))
        .count();
    let mut lines = vec![Line::raw("")];
    if state.total_rows() > 0 && !state.filter.is_empty() {
        lines.push(Line::raw(format!(
            "No invitations match “{}”.",
            state.filter
        )));
        lines.push(Line::styled("Esc clears the filter.", theme::dim()));
    } else if state.total_rows() > 0 {
        lines.push(Line::raw(format!("No {} invitations.", state.view.label())));
        lines.push(Line::styled("Tab or 1 shows every service.", theme::dim()));
    } else if state.is_loading() {
        lines.push(Line::raw(format!(
            "Asking {} in {} × {}…",
            plural(state.sources.len(), "source"),
            plural(regions, "region"),
            plural(services, "service")
        )));
        lines.push(Line::styled(
            "Invitations appear as the first pages arrive.",
            theme::dim(),
        ));
    } else {
        lines.push(Line::raw(format!(
            "No pending invitations in {} × {}.",
            plural(regions, "region"),
            plural(services, "service")
        )));
        if failed > 0 {
            lines.push(Line::styled(
                format!(
                    "{} could not be listed: see Sources below.",
                    plural(failed, "source")
                ),
                theme::error(),
            ));
        }
    }
    lines
}
