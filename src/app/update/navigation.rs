//! Moving through the table on screen: selection, paging, tabs, sorting, marks, scrolling.

use super::Effect;
use crate::app::state::invitations::Column;
use crate::app::state::members::MemberColumn;
use crate::app::state::table::Sort;
use crate::app::state::{AppState, Screen, ServiceTab};

/// Runs `$body` with `$table` bound to the table on screen, whichever rows it holds.
macro_rules! on_screen {
    ($state:expr, $table:ident => $body:expr) => {
        match $state.screen {
            Screen::Invitations => {
                let $table = &mut $state.invitations;
                $body
            }
            Screen::Members => {
                let $table = &mut $state.members.table;
                $body
            }
        }
    };
}
pub(super) use on_screen;

pub(super) fn move_by(state: &mut AppState, delta: isize) {
    on_screen!(state, table => table.move_by(delta));
}

pub(super) fn top(state: &mut AppState) {
    on_screen!(state, table => table.top());
}

pub(super) fn bottom(state: &mut AppState) {
    on_screen!(state, table => table.bottom());
}

pub(super) fn toggle_mark(state: &mut AppState) {
    on_screen!(state, table => table.toggle_mark());
}

/// Both screens show the same service tab.
pub(super) fn set_tab(state: &mut AppState, tab: ServiceTab) {
    state.tab = tab;
    state.invitations.set_tab(tab);
    state.members.table.set_tab(tab);
}

pub(super) fn cycle_tab(state: &mut AppState, step: isize) {
    let tabs = ServiceTab::ALL;
    let len = tabs.len() as isize;
    let next = (state.tab.index() as isize + step).rem_euclid(len) as usize;
    set_tab(state, tabs[next]);
}

/// The next column; the newest first for times.
pub(super) fn sort_next(state: &mut AppState) {
    match state.screen {
        Screen::Invitations => {
            let columns: Vec<Column> = Column::ALL
                .into_iter()
                .filter(|c| *c != Column::Account || state.several_identities())
                .collect();
            let current = state.invitations.sort().column;
            let at = columns
                .iter()
                .position(|c| Some(*c) == current)
                .unwrap_or(0);
            let column = columns[(at + 1) % columns.len()];
            let sort = Sort {
                column: Some(column),
                descending: column == Column::Invited,
            };
            state.invitations.set_sort(sort, &state.identities);
        }
        Screen::Members => {
            let columns = MemberColumn::ALL;
            let current = state.members.table.sort().column;
            let at = current.and_then(|c| columns.iter().position(|x| *x == c));
            let column = columns[at.map_or(1, |i| (i + 1) % columns.len())];
            let sort = Sort {
                column: Some(column),
                descending: column == MemberColumn::Updated,
            };
            state.members.table.set_sort(sort, &());
        }
    }
}

pub(super) fn sort_reverse(state: &mut AppState) {
    match state.screen {
        Screen::Invitations => {
            let mut sort = state.invitations.sort();
            sort.descending = !sort.descending;
            state.invitations.set_sort(sort, &state.identities);
        }
        Screen::Members => {
            let mut sort = state.members.table.sort();
            sort.descending = !sort.descending;
            state.members.table.set_sort(sort, &());
        }
    }
}

/// Scrolls just enough that the selected row is on screen, in both tables: a tab change on
/// one screen refilters the other too.
pub(super) fn keep_selection_in_sight(state: &mut AppState) {
    let height = state.table_rows.max(1);
    state.invitations.scroll_into_view(height);
    state.members.table.scroll_into_view(height);
}

/// The selected invitation's id or graph ARN, or the selected member's account id.
pub(super) fn copy_selected(state: &mut AppState) -> Vec<Effect> {
    let text = match state.screen {
        Screen::Invitations => state
            .invitations
            .selected_row()
            .map(|r| r.invitation.reference().to_owned()),
        Screen::Members => state
            .members
            .selected_member()
            .map(|m| m.account_id.clone()),
    };
    match text.filter(|t| !t.is_empty()) {
        // What the service sent may hold control characters: the clipboard gets them escaped.
        Some(text) => {
            let text = crate::format::terminal_safe(&text).into_owned();
            state.notice = Some(format!("copied {text}"));
            vec![Effect::Copy(text)]
        }
        None => {
            state.notice = Some("nothing to copy: no row is selected".into());
            Vec::new()
        }
    }
}
