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
