//! The one place state changes: `update(state, msg)` applies a message and says what the
//! runtime must do next. No I/O happens here, so every behaviour is testable headless.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind};

use super::keymap::{Action, Mode};
use super::state::{AppState, Column, Sort, View};
use crate::fetch::FetchEvent;
use crate::model::ServiceKind;
use crate::ui::layout;

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Time passes: spinners turn, ages grow.
    Tick(DateTime<Utc>),
    Fetch(FetchEvent),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Quit,
    /// Cancel what is in flight and fetch everything again, as this generation.
    Fetch {
        generation: u64,
    },
}

/// Rows the mouse wheel moves per notch.
const WHEEL_ROWS: usize = 3;

pub fn update(state: &mut AppState, msg: Msg) -> Vec<Command> {
    let commands = match msg {
        Msg::Key(key) if key.kind != KeyEventKind::Release => on_key(state, key),
        Msg::Key(_) => Vec::new(),
        Msg::Mouse(mouse) => {
            match mouse.kind {
                MouseEventKind::ScrollDown => move_by(state, WHEEL_ROWS as isize),
                MouseEventKind::ScrollUp => move_by(state, -(WHEEL_ROWS as isize)),
                _ => {}
            }
            Vec::new()
        }
        Msg::Resize(width, height) => {
            state.size = (width, height);
            Vec::new()
        }
        Msg::Tick(now) => {
            state.now = now;
            if state.is_loading() {
                state.spinner = state.spinner.wrapping_add(1);
            }
            Vec::new()
        }
        Msg::Fetch(event) => {
            on_fetch(state, event);
            Vec::new()
        }
    };
    keep_selection_in_sight(state);
    commands
}

fn on_fetch(state: &mut AppState, event: FetchEvent) {
    if event.generation() != state.generation {
        return; // from a superseded fetch
    }
    match event {
        FetchEvent::Identity {
            profile, outcome, ..
        } => {
            let identity = match outcome {
                Ok(account) => super::state::IdentityState::Account(account),
                Err(error) => super::state::IdentityState::Failed(error),
            };
            state.identities.insert(profile, identity);
        }
        FetchEvent::Started { source, .. } => state.source_started(&source),
        FetchEvent::Page {
            source,
            invitations,
            ..
        } => state.source_page(&source, invitations),
        FetchEvent::Finished {
            source, elapsed, ..
        } => state.source_finished(&source, elapsed),
        FetchEvent::Failed {
            source,
            error,
            elapsed,
            ..
        } => state.source_failed(&source, error, elapsed),
    }
}

fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Command> {
    let action = state.keymap.resolve(&key, state.mode);
    if state.mode == Mode::Filter && action.is_none() {
        edit_filter(state, key);
        return Vec::new();
    }
    let Some(action) = action else {
        return Vec::new();
    };
    perform(state, action)
}

fn edit_filter(state: &mut AppState, key: KeyEvent) {
    let before = state.filter.clone();
    match key.code {
        KeyCode::Backspace => {
            state.filter.pop();
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => state.filter.clear(),
        KeyCode::Char('w') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            let trimmed = state.filter.trim_end().len();
            let start = state.filter[..trimmed]
                .rfind(char::is_whitespace)
                .map_or(0, |i| i + 1);
            state.filter.truncate(start);
        }
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            state.filter.push(c);
        }
        _ => {}
    }
    if state.filter != before {
        filter_changed(state);
    }
}

fn filter_changed(state: &mut AppState) {
    state.refilter();
    state.selected = 0;
    state.offset = 0;
}

fn perform(state: &mut AppState, action: Action) -> Vec<Command> {
    let page = layout::table_body_height(state).max(1) as isize;
    match action {
        Action::Quit => return vec![Command::Quit],
        Action::MoveDown => move_by(state, 1),
        Action::MoveUp => move_by(state, -1),
        Action::PageDown => move_by(state, page),
        Action::PageUp => move_by(state, -page),
        Action::Top => state.selected = 0,
        Action::Bottom => state.selected = state.visible_len().saturating_sub(1),
        Action::NextView | Action::PreviousView => {
            let views = View::ALL;
            let current = views.iter().position(|v| *v == state.view).unwrap_or(0);
            let next = if action == Action::NextView {
                (current + 1) % views.len()
            } else {
                (current + views.len() - 1) % views.len()
            };
            set_view(state, views[next]);
        }
        Action::ViewAll => set_view(state, View::All),
        Action::ViewSecurityHub => set_view(state, View::Only(ServiceKind::SecurityHub)),
        Action::ViewGuardDuty => set_view(state, View::Only(ServiceKind::GuardDuty)),
        Action::ViewDetective => set_view(state, View::Only(ServiceKind::Detective)),
        Action::ToggleDetail => {
            state.mode = match state.mode {
                Mode::Detail => Mode::Table,
                _ if state.selected_row().is_some() => Mode::Detail,
                other => other,
            };
        }
        Action::Filter => {
            // In the filter, Enter keeps the text and returns to the table.
            state.mode = if state.mode == Mode::Filter {
                Mode::Table
            } else {
                Mode::Filter
            };
        }
        Action::SortNext => {
            let columns: Vec<Column> = Column::ALL
                .into_iter()
                .filter(|c| *c != Column::Account || state.several_identities())
                .collect();
            let current = columns
                .iter()
                .position(|c| *c == state.sort.column)
                .unwrap_or(0);
            let column = columns[(current + 1) % columns.len()];
            state.sort = Sort {
                column,
                descending: column == Column::Invited,
            };
            state.rebuild();
        }
        Action::SortReverse => {
            state.sort.descending = !state.sort.descending;
            state.rebuild();
        }
        Action::Refresh => {
            let generation = state.generation + 1;
            state.begin_generation(generation);
            return vec![Command::Fetch { generation }];
        }
        Action::Help => {
            state.mode = if state.mode == Mode::Help {
                Mode::Table
            } else {
                Mode::Help
            };
        }
        Action::Close => match state.mode {
            Mode::Filter => {
                state.mode = Mode::Table;
                if !state.filter.is_empty() {
                    state.filter.clear();
                    filter_changed(state);
                }
            }
            Mode::Help | Mode::Detail => state.mode = Mode::Table,
            Mode::Table if !state.filter.is_empty() => {
                state.filter.clear();
                filter_changed(state);
            }
            Mode::Table => {}
        },
    }
    Vec::new()
}

fn set_view(state: &mut AppState, view: View) {
    if state.view != view {
        let keep = state.selected_row().map(|r| r.invitation.key());
        state.view = view;
        state.refilter();
        match keep {
            Some(key) => state.select_key(&key),
            None => state.selected = 0,
        }
    }
}

fn move_by(state: &mut AppState, delta: isize) {
    let last = state.visible_len().saturating_sub(1) as isize;
    state.selected = (state.selected as isize + delta).clamp(0, last.max(0)) as usize;
}

/// Scrolls just enough that the selected row is on screen.
fn keep_selection_in_sight(state: &mut AppState) {
    let height = layout::table_body_height(state).max(1);
    let last_offset = state.visible_len().saturating_sub(height);
    if state.selected < state.offset {
        state.offset = state.selected;
    } else if state.selected >= state.offset + height {
        state.offset = state.selected + 1 - height;
    }
    state.offset = state.offset.min(last_offset);
}
