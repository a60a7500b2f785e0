//! The confirmation dialog: what will be answered, where, as whom, and what AWS needs first.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::{format, theme};
use crate::actions::Response;
use crate::app::AppState;

pub struct ConfirmDialog<'a>(pub &'a AppState);

impl Widget for ConfirmDialog<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let Some(dialog) = &state.dialog else {
            return;
        };
        let count = dialog.targets.len();
        let verb = match dialog.response {
            Response::Accept => "Accept",
            Response::Decline => "Decline",
            Response::Delete => "Delete",
        };
        let noun = if count == 1 {
            "invitation"
        } else {
            "invitations"
        };
        let mut lines = vec![
            Line::styled(format!("{verb} {count} {noun}?"), theme::title()),
            Line::raw(""),
        ];
        let room = usize::from(area.height.saturating_sub(14)).max(3);
        for (source, _, invitation) in dialog.targets.iter().take(room) {
            let what = if dialog.response == Response::Decline
                && invitation.service == crate::model::ServiceKind::Detective
            {
                " (RejectInvitation)"
            } else {
                ""
            };
            lines.push(Line::raw(format!(
                "  {} · {} · account {} · from administrator {}{what}",
                source.service,
                source.region,
                state.account_label(invitation),
                invitation.administrator_id
            )));
        }
        if count > room {
            lines.push(Line::styled(
                format!("  … and {} more", count - room),
                theme::dim(),
            ));
        }
        if !dialog.skipped.is_empty() {
            lines.push(Line::styled(
                format!("  {} marked row(s) left out:", dialog.skipped.len()),
                theme::dim(),
            ));
            for reason in dialog.skipped.iter().take(3) {
                lines.push(Line::styled(format!("    {reason}"), theme::dim()));
            }
        }
        lines.push(Line::raw(""));
        match &dialog.readiness {
            None => lines.push(Line::styled(
                format!(
                    "{} Asking AWS what is needed first…",
                    format::SPINNER[state.spinner % format::SPINNER.len()]
                ),
                theme::dim(),
            )),
            Some(readiness) => {
                let mut any = false;
                for (source, ready) in readiness {
                    match ready {
                        Ok(ready) => {
                            for step in &ready.steps {
                                any = true;
                                lines.push(Line::from(vec![
                                    Span::styled("  first: ", theme::key()),
                                    Span::raw(format!(
                                        "{} in {} — {}",
                                        source.service,
                                        source.region,
                                        step.describe()
                                    )),
                                ]));
                            }
                        }
                        Err(error) => {
                            any = true;
                            lines.push(Line::styled(
                                format!(
                                    "  could not check {} {}: {error}",
                                    source.service, source.region
                                ),
                                theme::error(),
                            ));
                        }
                    }
                }
                if any {
                    lines.push(Line::styled(
                        "  Confirming takes these steps too.",
                        theme::dim(),
                    ));
                } else {
                    lines.push(Line::styled("  Nothing is needed first.", theme::dim()));
                }
            }
        }
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled("y", theme::key()),
            Span::raw(" or "),
            Span::styled("Enter", theme::key()),
            Span::raw(format!(" {} · ", dialog.response)),
            Span::styled("n", theme::key()),
            Span::raw(" or "),
            Span::styled("Esc", theme::key()),
            Span::raw(" cancel"),
        ]));

        let height = (lines.len() as u16 + 2).min(area.height);
        let width = area.width.saturating_sub(4).clamp(20, 100);
        let popup = Rect {
            x: area.x + (area.width.saturating_sub(width)) / 2,
            y: area.y + (area.height.saturating_sub(height)) / 2,
            width,
            height,
        };
        Clear.render(popup, buf);
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(format!(" {verb} — nothing is sent until you confirm ")),
            )
            .render(popup, buf);
    }
}
