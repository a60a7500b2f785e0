//! The history overlay: membership calls from CloudTrail, newest first, what looks like
//! someone hiding marked ⚠; j/k, PgUp/PgDn, g/G scroll, h or Esc closes.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::{layout, theme};
use crate::app::{AppState, Overlay};
use crate::format;

pub struct HistoryOverlay<'a>(pub &'a AppState);

impl Widget for HistoryOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let (Some(history), Overlay::History(scroll)) = (&state.history, &state.overlay) else {
            return;
        };
        let popup = if area.height < 30 {
            area
        } else {
            layout::centered(area, 96, 90, 180)
        };
        Clear.render(popup, buf);
        let title = format!(
            " History — {} — last 90 days — Esc or h closes ",
            history.scope
        );
        let block = Block::default().borders(Borders::ALL).title(title);
        let inner = block.inner(popup);
        block.render(popup, buf);
        let mut lines: Vec<Line> = history
            .failures
            .iter()
            .map(|f| {
                Line::styled(
                    format!(
                        "✗ could not read CloudTrail in {}",
                        format::terminal_safe(f)
                    ),
                    theme::error(),
                )
            })
            .collect();
        match &history.events {
            None => lines.push(Line::styled(
                "Asking CloudTrail (LookupEvents)…",
                theme::dim(),
            )),
            Some(events) if events.is_empty() && history.failures.is_empty() => {
                lines.push(Line::raw("No membership calls in the last 90 days."));
            }
            Some(events) => {
                for e in events.iter().skip(*scroll) {
                    let (event, style) = match e.concern() {
                        Some(concern) => (format!("⚠ {} — {concern}", e.event), theme::error()),
                        None => (e.event.clone(), theme::key()),
                    };
                    lines.push(Line::from(vec![
                        Span::styled(
                            format!("{}  ", format::timestamp(e.time, state.settings.clock)),
                            theme::dim(),
                        ),
                        Span::raw(format!(
                            "{} {} {}  ",
                            e.service.display_name(),
                            e.region,
                            e.profile
                        )),
                        Span::styled(event, style),
                    ]));
                    lines.push(Line::styled(
                        format!(
                            "    by {}  {}",
                            format::terminal_safe(&e.by),
                            format::terminal_safe(&e.parameters)
                        ),
                        theme::dim(),
                    ));
                }
            }
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
    }
}
