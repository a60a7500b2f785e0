//! Line editing, shared by the filter, the prompt and the form's text fields; and pasting.

use crossterm::event::KeyEvent;

use super::navigation::on_screen;
use crate::app::state::form::Field;
use crate::app::state::line;
use crate::app::state::overlay::Overlay;
use crate::app::state::{AppState, Screen};

/// The filter of the table on screen, changed by `change`; the table refilters.
pub(super) fn change_filter(state: &mut AppState, change: impl FnOnce(&mut String)) {
    on_screen!(state, table => {
        let mut filter = table.filter().to_owned();
        change(&mut filter);
        table.set_filter(filter);
    });
}

pub(super) fn edit_filter(state: &mut AppState, key: KeyEvent) {
    let Overlay::Filter(mut cursor) = state.overlay else {
        return;
    };
    change_filter(state, |filter| {
        line::edit(filter, &mut cursor, key);
    });
    state.overlay = Overlay::Filter(cursor);
}

/// Inserts `text` at `cursor`, which moves past it.
fn insert(line: &mut String, cursor: &mut usize, text: &str) {
    let at = (*cursor).min(line.len());
    let at = if line.is_char_boundary(at) {
        at
    } else {
        line.len()
    };
    line.insert_str(at, text);
    *cursor = at + text.len();
}

/// Text pasted into the terminal goes to whatever is being typed; only the form's accounts
/// field keeps lines.
pub(super) fn paste(state: &mut AppState, pasted: &str) {
    let one_line = || pasted.replace(['\n', '\r'], " ");
    match &mut state.overlay {
        Overlay::Form(form) => {
            // Terminals paste lines ending in CR; the accounts field keeps them as LF.
            let text = match form.field == Field::Accounts {
                true => pasted.replace("\r\n", "\n").replace('\r', "\n"),
                false => one_line(),
            };
            form.errors.clear();
            let mut cursor = form.cursor;
            if let Some(field) = form.text_mut() {
                insert(field, &mut cursor, &text);
            }
            form.cursor = cursor;
        }
        Overlay::Filter(cursor) => {
            let mut cursor = *cursor;
            change_filter(state, |filter| insert(filter, &mut cursor, &one_line()));
            state.overlay = Overlay::Filter(cursor);
        }
        Overlay::Prompt(line) => insert(&mut line.text, &mut line.cursor, &one_line()),
        Overlay::Table
        | Overlay::Detail(_)
        | Overlay::Help(_)
        | Overlay::Log(_)
        | Overlay::History(_)
        | Overlay::Sources { .. }
        | Overlay::Coverage
        | Overlay::Answer(_)
        | Overlay::Proposal(_) => {}
    }
}
