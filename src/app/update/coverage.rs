//! The coverage matrix: opened over either screen, its members listed first where the members
//! screen never was, rebuilt as they arrive; moves go from cell to cell.

use super::members;
use crate::app::effect::Effect;
use crate::app::keymap::Action;
use crate::app::msg::Msg;
use crate::app::state::coverage::CoverageView;
use crate::app::state::coverage::Onboarding;
use crate::app::state::dialogs::Proposal;
use crate::app::{AppState, Overlay};
use crate::model::Fix;
use crate::reconciling::Step;

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
    CoverageView::build(
        &state.settings.roster,
        &sources,
        &state.members,
        &state.onboarding,
    )
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
        Action::Onboard => propose_onboarding(state),
        Action::ToggleMark => view.toggle_mark(),
        Action::ClearMarks => view.marked.clear(),
        Action::Close | Action::Coverage | Action::Quit => {
            state.overlay = Overlay::Table;
            state.coverage = None;
        }
        _ => {}
    }
}

/// What a plan is for, in the notice when it has nothing to send.
fn chosen(view: &CoverageView) -> String {
    match view.marked.len() {
        0 => view
            .coverage
            .rows
            .get(view.row)
            .map_or_else(String::new, |r| r.account.id.clone()),
        n => crate::format::plural(n, "marked cell"),
    }
}

/// Enter: the steps that close the gaps of the marked cells (or else the selected account's),
/// in the confirm dialog.
fn propose(state: &mut AppState) {
    let Some(view) = &state.coverage else {
        return;
    };
    let steps: Vec<Step> = view
        .chosen_steps()
        .into_iter()
        .filter(|s| s.fix.acts())
        .collect();
    if steps.is_empty() {
        state.tell(format!(
            "nothing to send for {}: its gaps wait for the member or cannot be closed from here",
            chosen(view)
        ));
        return;
    }
    if state.settings.read_only {
        state.tell("read-only: reconciling is refused (started with --read-only)");
        return;
    }
    state.overlay = Overlay::Proposal(Proposal::Reconcile { steps });
}

/// `o`: the marked cells (or else the selected account) onboarded on both sides, in the
/// confirm dialog: each gap's step as the administrator, then the member's acceptance
/// through the role.
fn propose_onboarding(state: &mut AppState) {
    let Some(role) = state.settings.onboard_role.clone() else {
        state.tell(
            "onboarding needs the role to act as each member through: start with --roster and --assume-role ROLE",
        );
        return;
    };
    let Some(view) = &state.coverage else {
        return;
    };
    let steps: Vec<Step> = view
        .chosen_steps()
        .into_iter()
        .filter(|step| {
            let going = matches!(
                state
                    .onboarding
                    .get(&(step.source.clone(), step.account.id.clone())),
                Some(Onboarding::At(_))
            );
            !matches!(step.fix, Fix::Blocked(_)) && !going
        })
        .collect();
    if steps.is_empty() {
        state.tell(format!(
            "nothing to onboard for {}: enabled, under way, or not closable from here",
            chosen(view)
        ));
        return;
    }
    state.overlay = Overlay::Proposal(Proposal::Onboard { steps, role });
}

/// Yes in the dialog: every cell shows its first stage, and the work starts.
pub(super) fn onboard(state: &mut AppState, steps: Vec<Step>) -> Vec<Effect> {
    for step in &steps {
        let key = (step.source.clone(), step.account.id.clone());
        let stage = match step.fix {
            Fix::Wait => crate::onboarding::Stage::Preparing,
            _ => crate::onboarding::Stage::Administrator,
        };
        state.onboarding.insert(key, Onboarding::At(stage));
    }
    state.tell(format!(
        "onboarding {}: the matrix marks each cell under way ↻; l shows each result",
        crate::format::plural(steps.len(), "cell")
    ));
    if let Some(view) = &mut state.coverage {
        view.marked.clear();
        state.overlay = Overlay::Coverage;
    }
    vec![Effect::Onboard { steps }]
}

/// A cell moved on; once it ends, its place is listed again so the matrix shows it.
pub(super) fn progressed(state: &mut AppState, message: Msg) -> Vec<Effect> {
    let Msg::Onboarding {
        source,
        account,
        progress,
    } = message
    else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    if let Onboarding::Ended(finish) = &progress {
        let place = format!("{} {}", source.service, source.region);
        let text = format!("onboarding {account} in {place}: {}", finish.describe());
        let level = match finish.is_enabled() {
            true => crate::app::state::log::Level::Done,
            false => crate::app::state::log::Level::Failed,
        };
        state.record(level, text);
        effects.push(Effect::ListMembers {
            sources: vec![source.clone()],
        });
    }
    state.onboarding.insert((source, account), progress);
    let under_way = state
        .onboarding
        .values()
        .filter(|p| matches!(p, Onboarding::At(_)))
        .count();
    if under_way == 0 && !effects.is_empty() {
        let not = state
            .onboarding
            .values()
            .filter(|p| matches!(p, Onboarding::Ended(f) if !f.is_enabled()))
            .count();
        state.notice = Some(match not {
            0 => "onboarding done: every cell enabled".into(),
            n => format!(
                "onboarding done: {} not enabled — l shows why",
                crate::format::plural(n, "cell")
            ),
        });
    }
    follow(state);
    effects
}
