//! Moving through the table on screen: selection, paging, tabs, sorting, marks, scrolling.

use super::Effect;
use crate::app::state::invitations::Column;
use crate::app::state::members::MemberColumn;
use crate::app::state::overlay::Overlay;
use crate::app::state::sources::Phase;
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

pub(super) fn mark_range(state: &mut AppState) {
    let count = on_screen!(state, table => table.mark_range());
    state.tell(format!("marked {}", crate::format::plural(count, "row")));
}

pub(super) fn mark_all(state: &mut AppState) {
    let count = on_screen!(state, table => table.mark_all());
    state.tell(format!("marked every row shown: {count}"));
}

pub(super) fn clear_marks(state: &mut AppState) {
    let count = on_screen!(state, table => table.clear_marks());
    state.tell(match count {
        0 => "no row was marked".to_owned(),
        n => format!("cleared {}", crate::format::plural(n, "mark")),
    });
}

/// `p`: only what waits for an answer, or everything again. It is the filter's `state:pending`,
/// so the filter line says what is hidden.
pub(super) fn toggle_pending_only(state: &mut AppState) {
    let shown = toggle_filter_word(state, "state:pending");
    state.tell(if shown {
        "only pending: p shows everything again"
    } else {
        "every status shown"
    });
}

/// `t`: only invitations from senders the trust policy does not name, or everything again:
/// the filter's `trust:untrusted`.
pub(super) fn toggle_untrusted_only(state: &mut AppState) {
    if state.settings.trust.is_empty() {
        state.tell("no trust policy: name the administrators you accept with --trust or [trust] in the configuration");
        return;
    }
    let shown = toggle_filter_word(state, "trust:untrusted");
    state.tell(if shown {
        "only untrusted senders: t shows everyone again, T declines and deletes them"
    } else {
        "every sender shown"
    });
}

/// Adds `word` to the filter, or takes it out; true when it is now in.
fn toggle_filter_word(state: &mut AppState, word: &str) -> bool {
    let mut shown = false;
    super::text::change_filter(state, |filter| {
        let words: Vec<&str> = filter.split_whitespace().collect();
        shown = !words.contains(&word);
        let mut next: Vec<&str> = words.into_iter().filter(|w| *w != word).collect();
        if shown {
            next.push(word);
        }
        *filter = next.join(" ");
    });
    shown
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

/// The column after `current` among those on screen: a hidden column is never sorted by
/// without a header to show it.
fn next_shown<C: Copy + PartialEq>(shown: &[C], current: Option<C>) -> Option<C> {
    let at = current.and_then(|c| shown.iter().position(|x| *x == c));
    let next = at.map_or(0, |i| (i + 1) % shown.len().max(1));
    shown.get(next).copied()
}

/// The next column on screen; the newest first for times.
pub(super) fn sort_next(state: &mut AppState) {
    match state.screen {
        Screen::Invitations => {
            let table = &state.invitations;
            if let Some(column) = next_shown(table.columns(), table.sort().column) {
                sort_by_column(state, column);
            }
        }
        Screen::Members => {
            let table = &state.members.table;
            if let Some(column) = next_shown(table.columns(), table.sort().column) {
                sort_members_by(state, column);
            }
        }
    }
}

/// Sorts the invitations by `column`: times newest first, the rest A to Z.
pub(super) fn sort_by_column(state: &mut AppState, column: Column) {
    let sort = Sort {
        column: Some(column),
        descending: column == Column::Invited,
    };
    state.invitations.set_sort(sort, &state.identities);
}

/// Sorts the members by `column`: times newest first, the rest A to Z.
pub(super) fn sort_members_by(state: &mut AppState, column: MemberColumn) {
    let sort = Sort {
        column: Some(column),
        descending: column == MemberColumn::Updated,
    };
    state.members.table.set_sort(sort, &());
}

/// Tells both tables which columns the terminal's width shows, so that sorting and filtering
/// follow what is on screen.
pub(super) fn sync_columns(state: &mut AppState) {
    let width = crate::app::state::columns::table_width(state);
    let shown = |columns: Vec<(Column, u16)>| columns.into_iter().map(|(c, _)| c).collect();
    let invitations = shown(crate::app::invitation_columns(state, width));
    state.invitations.set_columns(invitations);
    let members = crate::app::member_columns(width)
        .into_iter()
        .map(|(c, _)| c);
    state.members.table.set_columns(members.collect());
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
            state.tell(format!("copied {text}"));
            vec![Effect::Copy(text)]
        }
        None => {
            state.tell("nothing to copy: no row is selected");
            Vec::new()
        }
    }
}

/// `y` in the sources list: the selected source's error, whole, for a ticket or a search.
pub(super) fn copy_source_error(state: &mut AppState) -> Vec<Effect> {
    let Overlay::Sources { selected, .. } = state.overlay else {
        return Vec::new();
    };
    let error = state
        .sources_by_need()
        .get(selected)
        .and_then(|source| match &source.phase {
            Phase::Failed { error, .. } => Some(format!("{}: {error}", source.id)),
            _ => None,
        });
    match error {
        Some(text) => {
            let text = crate::format::terminal_safe(&text).into_owned();
            state.tell("copied the source's error");
            vec![Effect::Copy(text)]
        }
        None => {
            state.tell("nothing to copy: this source did not fail");
            Vec::new()
        }
    }
}
