//! The invitations table: which columns fit, what each cell says, and what an empty table says.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Widget;

use super::table::{CellAt, Cells, DataTable};
use super::theme;
use crate::app::{AppState, BOTH_WIDTH, Column, DateStyle, Note, Phase, Row, TableRow};
use crate::format;
use crate::model::{ErrorKind, Trust};

pub struct InvitationTable<'a>(pub &'a AppState);

impl Widget for InvitationTable<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        DataTable {
            state,
            table: &state.invitations,
            title: format!(" Invitations — {} ", state.tab.label()),
            empty: empty_message(state),
        }
        .render(area, buf);
    }
}

impl Cells for Row {
    type Note = Note;

    fn columns(state: &AppState, width: u16) -> Vec<(Column, u16)> {
        crate::app::invitation_columns(state, width)
    }

    fn cell(&self, at: CellAt<'_, Self>) -> (String, Style) {
        let CellAt {
            state,
            note,
            column,
            width,
        } = at;
        let invitation = &self.invitation;
        let settings = &state.settings;
        let text = match column {
            Column::Service => invitation.service.display_name().to_owned(),
            Column::Region => invitation.region.clone(),
            Column::Account => format::truncate(state.account_shown(invitation), width.into()),
            Column::From => {
                // The mark says it without colour; the colour says it at a glance.
                let style = match self.trust {
                    Trust::Untrusted => theme::error().add_modifier(Modifier::BOLD),
                    Trust::Trusted => theme::ok(),
                    Trust::Unknown => Style::default(),
                };
                let text = match self.trust.symbol() {
                    "" => invitation.administrator_id.clone(),
                    mark => format!("{mark} {}", invitation.administrator_id),
                };
                return (text, style);
            }
            Column::Invitation => {
                let reference = invitation.reference();
                if reference.chars().count() <= usize::from(width) {
                    reference.to_owned()
                } else {
                    format::shorten_middle(format::reference_for_table(reference), width.into())
                }
            }
            Column::Invited => match (invitation.invited_at, settings.dates) {
                (None, _) => "—".into(),
                (Some(at), DateStyle::Absolute) => format::timestamp(at, settings.clock),
                (Some(at), DateStyle::Both) if width >= BOTH_WIDTH => format!(
                    "{} · {}",
                    format::timestamp(at, settings.clock),
                    format::age(at, state.now)
                ),
                (Some(at), _) => format::age(at, state.now),
            },
            Column::Status => {
                let text = match note {
                    Some(Note::Working(response)) => {
                        format!("… {}ing", response.verb().trim_end_matches('e'))
                    }
                    Some(Note::Done(_)) => format!("✓ {}", invitation.status_raw),
                    Some(Note::Failed(_, reason)) => format!("✗ {reason}"),
                    None if state.changes.new.contains(self.key()) => {
                        format!("NEW {}", invitation.status_raw)
                    }
                    None => invitation.status_raw.clone(),
                };
                return (
                    format::truncate(&text, width.into()),
                    status_style(state, note, self),
                );
            }
        };
        (text, Style::default())
    }
}

fn status_style(state: &AppState, note: Option<&Note>, row: &Row) -> Style {
    let key = row.key();
    let status = theme::status(row.invitation.status);
    match note {
        Some(Note::Failed(..)) => theme::error(),
        Some(Note::Working(_)) => theme::key(),
        // A status that changed since the last refresh stands out until the next one.
        _ if state.changes.changed.contains(key) => {
            status.add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
        _ if state.changes.new.contains(key) => status.add_modifier(Modifier::BOLD),
        _ => status,
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
    if state.invitations.total() > 0 && !state.invitations.filter().is_empty() {
        lines.push(Line::raw(format!(
            "No invitations match “{}”.",
            state.invitations.filter()
        )));
        lines.push(Line::styled("Esc clears the filter.", theme::dim()));
    } else if state.invitations.total() > 0 {
        lines.push(Line::raw(format!("No {} invitations.", state.tab.label())));
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
    } else if failed == 0 {
        // Empty means looked everywhere and found nothing, and only that.
        lines.push(Line::raw(format!(
            "No pending invitations in {} × {}.",
            plural(regions, "region"),
            plural(services, "service")
        )));
    } else if failed == state.sources.len() {
        // Empty means "looked and found nothing"; here nothing could be looked at.
        lines.push(Line::styled(
            format!(
                "Nothing could be listed: every one of the {} failed.",
                plural(failed, "source")
            ),
            theme::error(),
        ));
        lines.push(Line::styled(
            "e shows each source, with why and what to do; l keeps every error.",
            theme::dim(),
        ));
        return lines;
    } else {
        lines.push(Line::raw(format!(
            "Nothing found in the {} that could be listed.",
            plural(state.sources.len() - failed, "source")
        )));
        lines.push(Line::styled(
            format!(
                "{} could not be listed: e shows each, with why and what to do.",
                plural(failed, "source")
            ),
            theme::error(),
        ));
    }
    lines
}
