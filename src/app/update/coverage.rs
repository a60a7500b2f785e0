//! The coverage matrix: opened over either screen, its members listed first where the members
//! screen never was, rebuilt as they arrive; moves go from cell to cell.

use super::members;
use crate::app::effect::Effect;
use crate::app::keymap::Action;
use crate::app::state::coverage::CoverageView;
use crate::app::state::dialogs::Proposal;
use crate::app::{AppState, Overlay};
use crate::model::Fix;

/// `c`, `:coverage`: the matrix, listing members first if nothing has listed them yet.
pub(super) fn open(state: &mut AppState) -> Vec<Effect> {
    let effects = if state.members.opened() {
        Vec::new()
    } else {
        members::refresh(state)
    };
    state.coverage = Some(build(state));
    state.overlay = Overlay::Coverage;
    effects
}

fn build(state: &AppState) -> CoverageView {
    let sources = state.source_ids();
    CoverageView::build(&state.settings.roster, &sources, &state.members)
}

/// Members arrived or changed: the matrix, if up, follows, its cursor kept.
pub(super) fn follow(state: &mut AppState) {
    if !matches!(state.overlay, Overlay::Coverage) {
        return;
    }
    let fresh = build(state);
    state.coverage = Some(match &state.coverage {
        Some(view) => view.rebuilt(fresh),
        None => fresh,
    });
}

/// A key while the matrix is up.
pub(super) fn perform(state: &mut AppState, action: Action, page: isize) {
    let Some(view) = &mut state.coverage else {
        state.overlay = Overlay::Table;
        return;
    };
    let rows = view.coverage.rows.len() as isize;
    match action {
        Action::MoveDown => view.move_by(1, 0),
        Action::MoveUp => view.move_by(-1, 0),
        Action::PageDown => view.move_by(page, 0),
        Action::PageUp => view.move_by(-page, 0),
        Action::Top => view.move_by(-rows, 0),
        Action::Bottom => view.move_by(rows, 0),
        Action::MoveRight | Action::NextView => view.move_by(0, 1),
        Action::MoveLeft | Action::PreviousView => view.move_by(0, -1),
        Action::ToggleDetail | Action::Confirm => propose(state),
        Action::Close | Action::Coverage | Action::Quit => {
            state.overlay = Overlay::Table;
            state.coverage = None;
        }
        _ => {}
    }
}

/// Enter: the steps that close the selected account's gaps, in the confirm dialog.
fn propose(state: &mut AppState) {
    let Some(view) = &state.coverage else {
        return;
    };
    let Some(row) = view.coverage.rows.get(view.row) else {
        return;
    };
    let steps: Vec<_> = row
        .cells
        .iter()
        .zip(&view.coverage.columns)
        .filter_map(|(cell, source)| {
            let fix = Fix::for_cell(source.service, cell, &row.account)?;
            fix.acts().then(|| (source.clone(), cell.state, fix))
        })
        .collect();
    let account = row.account.clone();
    if steps.is_empty() {
        state.tell(format!(
            "nothing to send for {}: its gaps wait for the member or cannot be closed from here",
            account.id
        ));
        return;
    }
    if state.settings.read_only {
        state.tell("read-only: reconciling is refused (started with --read-only)");
        return;
    }
    state.overlay = Overlay::Proposal(Proposal::Reconcile { account, steps });
}
