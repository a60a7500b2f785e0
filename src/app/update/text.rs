//! Line editing, shared by the filter, the prompt and the form's text fields; and pasting.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::navigation::on_screen;
use crate::app::state::form::Field;
use crate::app::state::overlay::Overlay;
use crate::app::state::{AppState, Screen};

pub(super) fn edit_text(text: &mut String, key: KeyEvent) {
    match key.code {
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => text.clear(),
        KeyCode::Char('w') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            let trimmed = text.trim_end().len();
            let start = text[..trimmed]
                .rfind(char::is_whitespace)
                .map_or(0, |i| i + 1);
            text.truncate(start);
        }
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            text.push(c);
        }
        _ => {}
    }
}

/// The filter of the table on screen, changed by `change`; the table refilters.
pub(super) fn change_filter(state: &mut AppState, change: impl FnOnce(&mut String)) {
    on_screen!(state, table => {
        let mut filter = table.filter().to_owned();
        change(&mut filter);
        table.set_filter(filter);
    });
}

pub(super) fn edit_filter(state: &mut AppState, key: KeyEvent) {
    change_filter(state, |filter| edit_text(filter, key));
}

/// Text pasted into the terminal goes to whatever is being typed; only the form's accounts
/// field keeps lines.
pub(super) fn paste(state: &mut AppState, pasted: &str) {
    let one_line = || pasted.replace(['\n', '\r'], " ");
    match &mut state.overlay {
        Overlay::Form(form) => {
            let multiline = form.field == Field::Accounts;
            form.errors.clear();
            if let Some(field) = form.text_mut() {
                if multiline {
                    // Terminals paste lines ending in CR; the field keeps them as LF.
                    field.push_str(&pasted.replace("\r\n", "\n").replace('\r', "\n"));
                } else {
                    field.push_str(&one_line());
                }
            }
        }
        Overlay::Filter => change_filter(state, |filter| filter.push_str(&one_line())),
        Overlay::Table
        | Overlay::Prompt(_)
        | Overlay::Detail
        | Overlay::Help
        | Overlay::Log(_)
        | Overlay::Answer(_)
        | Overlay::Proposal(_) => {}
    }
}
