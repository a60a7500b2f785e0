//! The help overlay, generated from the key map, so it always tells the truth.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::{layout, theme};
use crate::app::AppState;

pub struct HelpOverlay<'a>(pub &'a AppState);

fn entry(keys: &str, description: &str, key_width: usize) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{keys:>key_width$}  "), theme::key()),
        Span::raw(description.to_owned()),
    ])
}

impl Widget for HelpOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let state = self.0;
        let members = state.screen == crate::app::Screen::Members;
        let mut entries: Vec<(String, &str)> = state
            .settings
            .keymap
            .inverted()
            .into_iter()
            .filter(|(action, keys)| !keys.is_empty() && action.on_screen(members))
            .map(|(action, keys)| {
                let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
                (keys.join(" "), action.description())
            })
            .collect();
        entries.push(("Ctrl-c".into(), "quit, always"));
        entries.push(("wheel".into(), "scroll"));
        let mut audit = match &state.settings.audit_path {
            Some(path) => format!("audit: {}", path.display()),
            None if state.settings.read_only => "read-only: nothing can change".to_owned(),
            None => "changes are not audited".to_owned(),
        };
        if let Some(log) = &state.settings.log_path {
            audit.push_str(&format!(" · log: {}", log.display()));
        }

        let popup = if area.height < 30 {
            area
        } else {
            layout::centered(area, 90, 80, 110)
        };
        Clear.render(popup, buf);
        let block = Block::default().borders(Borders::ALL).title(if members {
            " Keys on the members screen — j k scroll · Esc, q or ? closes "
        } else {
            " Keys on the invitations screen — j k scroll · Esc, q or ? closes "
        });
        let inner = block.inner(popup);
        block.render(popup, buf);
        // The last line says where changes are logged.
        let inner = Rect {
            height: inner.height.saturating_sub(1),
            ..inner
        };
        Paragraph::new(Line::styled(format!(" {audit}"), theme::dim())).render(
            Rect {
                y: inner.y + inner.height,
                height: 1,
                ..inner
            },
            buf,
        );
        let key_width = entries
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        let columns = if entries.len() > inner.height as usize && inner.width >= 70 {
            2
        } else {
            1
        };
        let per_column = entries.len().div_ceil(columns);
        // What does not fit scrolls, every column alike.
        let scroll = match state.overlay {
            crate::app::Overlay::Help(scroll) => scroll,
            _ => 0,
        };
        let scroll = scroll.min(per_column.saturating_sub(usize::from(inner.height)));
        let areas =
            Layout::horizontal(vec![Constraint::Ratio(1, columns as u32); columns]).split(inner);
        for (column, chunk) in entries.chunks(per_column).enumerate() {
            let lines: Vec<Line> = chunk
                .iter()
                .skip(scroll)
                .map(|(keys, description)| entry(keys, description, key_width))
                .collect();
            Paragraph::new(lines).render(areas[column], buf);
        }
    }
}
