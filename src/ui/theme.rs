//! Colours, in one place.

use ratatui::style::{Color, Modifier, Style};

use crate::model::Status;

pub fn status(status: Status) -> Style {
    let color = match status {
        Status::Pending => Color::Yellow,
        Status::Verifying => Color::Cyan,
        Status::Accepted => Color::Green,
        Status::Disabled => Color::Magenta,
        Status::Failed => Color::Red,
        Status::Other => Color::Gray,
    };
    Style::new().fg(color)
}

pub fn title() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

pub fn error() -> Style {
    Style::new().fg(Color::Red)
}

pub fn ok() -> Style {
    Style::new().fg(Color::Green)
}

pub fn badge() -> Style {
    Style::new()
        .fg(Color::Black)
        .bg(Color::Yellow)
        .add_modifier(Modifier::BOLD)
}

pub fn key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

/// `text` with the cursor at byte `cursor`: the character under it reversed, or a block after
/// the end. Survives NO_COLOR, since reverse video is not a colour.
pub fn with_cursor(text: &str, cursor: usize) -> Vec<ratatui::text::Span<'static>> {
    use ratatui::style::Modifier;
    use ratatui::text::Span;
    let at = cursor.min(text.len());
    let at = if text.is_char_boundary(at) {
        at
    } else {
        text.len()
    };
    let (before, after) = text.split_at(at);
    let mut rest = after.chars();
    let under = rest.next();
    let mut spans = vec![Span::raw(before.to_owned())];
    match under {
        Some(c) if c != '\n' => {
            spans.push(Span::styled(
                c.to_string(),
                Style::default().add_modifier(Modifier::REVERSED),
            ));
            spans.push(Span::raw(rest.as_str().to_owned()));
        }
        _ => {
            spans.push(Span::styled("█", dim()));
            spans.push(Span::raw(after.to_owned()));
        }
    }
    spans
}
