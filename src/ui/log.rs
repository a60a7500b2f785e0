//! The message log: what the footer said, kept with its time, newest at the bottom; long
//! messages wrap, and j/k, PgUp/PgDn, g/G scroll.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::{layout, theme};
use crate::app::state::log::Level;
use crate::app::{AppState, Overlay};
use crate::format;

pub struct LogOverlay<'a>(pub &'a AppState);

impl Widget for LogOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let scroll = match state.overlay {
            Overlay::Log(scroll) => scroll,
            _ => 0,
        };
        let popup = if area.height < 30 {
            area
        } else {
            layout::centered(area, 96, 90, 160)
        };
        Clear.render(popup, buf);
        let title = format!(
            " Messages: {}, {} failed — Esc or l closes ",
            state.log.len(),
            state.log.failures()
        );
        let block = Block::default().borders(Borders::ALL).title(title);
        let inner = block.inner(popup);
        block.render(popup, buf);
        let lines: Vec<Line> = if state.log.is_empty() {
            vec![Line::styled(
                "Nothing yet: every action's outcome, refusal and source error appears here.",
                theme::dim(),
            )]
        } else {
            state
                .log
                .entries()
                .map(|entry| {
                    let (mark, style) = match entry.level {
                        Level::Info => ("·", theme::dim()),
                        Level::Done => ("✓", theme::ok()),
                        Level::Failed => ("✗", theme::error()),
                    };
                    Line::from(vec![
                        Span::styled(
                            format!("{} ", format::clock_time(entry.at, state.settings.clock)),
                            theme::dim(),
                        ),
                        Span::styled(format!("{mark} "), style),
                        Span::raw(format::terminal_safe(&entry.text).into_owned()),
                    ])
                })
                .collect()
        };
        let text = Paragraph::new(lines).wrap(Wrap { trim: false });
        // Newest at the bottom; `scroll` lines up from there, never past the oldest.
        let total = text.line_count(inner.width);
        let height = usize::from(inner.height);
        let bottom = total.saturating_sub(height);
        let top = bottom.saturating_sub(scroll);
        text.scroll((top.min(usize::from(u16::MAX)) as u16, 0))
            .render(inner, buf);
    }
}
