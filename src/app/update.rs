//! The one place state changes: `update(state, msg)` applies a message and says what the
//! runtime must do next. No I/O happens here, so every behaviour is testable headless.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind};

use std::collections::BTreeMap;

use super::keymap::{Action, Mode};
use super::state::{AppState, Column, Dialog, IdentityState, Note, Sort, View};
use crate::actions::{Actor, Outcome, Readiness, Response, Step, Target};
use crate::aws::AwsError;
use crate::fetch::FetchEvent;
use crate::model::{ServiceKind, SourceId};
use crate::ui::layout;

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Time passes: spinners turn, ages grow.
    Tick(DateTime<Utc>),
    Fetch(FetchEvent),
    /// What each source needs before the dialog's answer can succeed.
    Readiness {
        dialog: u64,
        results: Vec<(SourceId, Result<Readiness, AwsError>)>,
    },
    /// What came of answering invitations of one source.
    Answered {
        source: SourceId,
        response: Response,
        outcomes: Vec<Outcome>,
    },
}

/// Answers for one source, as the runtime should send them.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub source: SourceId,
    pub steps: Vec<Step>,
    pub targets: Vec<Target>,
    pub actor: AnswerActor,
}

/// The acting account, for the audit log (Actor is not comparable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerActor {
    pub account: Option<String>,
}

impl From<&AnswerActor> for Actor {
    fn from(actor: &AnswerActor) -> Self {
        Actor {
            account: actor.account.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Quit,
    /// Cancel what is in flight and fetch everything again, as this generation.
    Fetch {
        generation: u64,
    },
    /// Ask each source what it needs before `response` can succeed.
    CheckReadiness {
        dialog: u64,
        response: Response,
        sources: Vec<SourceId>,
    },
    /// Take the steps and send the answers.
    Answer {
        response: Response,
        answers: Vec<Answer>,
    },
    /// List one source again, to confirm what an action changed.
    Refetch {
        source: SourceId,
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
        Msg::Readiness { dialog, results } => {
            if let Some(open) = state.dialog.as_mut().filter(|d| d.id == dialog) {
                open.readiness = Some(results.into_iter().collect());
            }
            Vec::new()
        }
        Msg::Answered {
            source,
            response,
            outcomes,
        } => {
            for outcome in outcomes {
                match outcome.result {
                    Ok(()) => {
                        state
                            .notes
                            .insert(outcome.key.clone(), Note::Done(response));
                        state.apply_success(&source, &outcome.key, response);
                    }
                    Err(reason) => {
                        state
                            .notes
                            .insert(outcome.key, Note::Failed(response, reason));
                    }
                }
            }
            vec![Command::Refetch { source }]
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
    state.notice = None;
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
        Action::ToggleMark => {
            if let Some(key) = state.selected_row().map(|r| r.invitation.key()) {
                if !state.marked.remove(&key) {
                    state.marked.insert(key);
                }
                move_by(state, 1);
            }
        }
        Action::Accept => return open_dialog(state, Response::Accept),
        Action::Decline => return open_dialog(state, Response::Decline),
        Action::Delete => return open_dialog(state, Response::Delete),
        Action::Confirm => return confirm(state),
        Action::Close => match state.mode {
            Mode::Confirm => {
                state.dialog = None;
                state.mode = Mode::Table;
                state.notice = Some("cancelled: nothing was sent".into());
            }
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

/// The marked rows, or the selected one when none is marked.
fn chosen(state: &AppState) -> Vec<crate::model::Invitation> {
    let marked: Vec<_> = state
        .sources
        .iter()
        .flat_map(|s| s.shown())
        .filter(|r| state.marked.contains(&r.invitation.key()))
        .map(|r| r.invitation.clone())
        .collect();
    if !marked.is_empty() {
        return marked;
    }
    state
        .selected_row()
        .map(|r| vec![r.invitation.clone()])
        .unwrap_or_default()
}

fn open_dialog(state: &mut AppState, response: Response) -> Vec<Command> {
    if state.read_only {
        state.notice = Some(format!(
            "read-only: {response} is refused (started with --read-only)"
        ));
        return Vec::new();
    }
    let mut targets = Vec::new();
    let mut skipped = Vec::new();
    for invitation in chosen(state) {
        match response.applies_to(&invitation) {
            Ok(()) => targets.push((invitation.source(), Target::of(&invitation), invitation)),
            Err(reason) => skipped.push(format!(
                "{} {} from {}: {reason}",
                invitation.service, invitation.region, invitation.administrator_id
            )),
        }
    }
    if targets.is_empty() {
        state.notice = Some(match skipped.first() {
            Some(reason) if skipped.len() == 1 => format!("cannot {response}: {reason}"),
            Some(_) => format!("cannot {response} any of the {} marked rows", skipped.len()),
            None => format!("nothing to {response}: no invitation is selected"),
        });
        return Vec::new();
    }
    let id = state.next_dialog_id();
    let dialog = Dialog {
        id,
        response,
        targets,
        skipped,
        readiness: None,
    };
    let sources = dialog.sources();
    state.dialog = Some(dialog);
    state.mode = Mode::Confirm;
    vec![Command::CheckReadiness {
        dialog: id,
        response,
        sources,
    }]
}

fn confirm(state: &mut AppState) -> Vec<Command> {
    let Some(dialog) = state.dialog.as_ref() else {
        state.mode = Mode::Table;
        return Vec::new();
    };
    let Some(readiness) = dialog.readiness.as_ref() else {
        state.notice = Some("still asking AWS what is needed first…".into());
        return Vec::new();
    };
    let response = dialog.response;
    let mut by_source: BTreeMap<SourceId, Vec<Target>> = BTreeMap::new();
    for (source, target, _) in &dialog.targets {
        by_source
            .entry(source.clone())
            .or_default()
            .push(target.clone());
    }
    let answers: Vec<Answer> = by_source
        .into_iter()
        .map(|(source, targets)| {
            // A failed check sends the answer anyway: AWS's own error is the better message.
            let steps = match readiness.get(&source) {
                Some(Ok(ready)) => ready.steps.clone(),
                _ => Vec::new(),
            };
            let account = match state.identities.get(&source.profile) {
                Some(IdentityState::Account(account)) => Some(account.clone()),
                _ => None,
            };
            Answer {
                source,
                steps,
                targets,
                actor: AnswerActor { account },
            }
        })
        .collect();
    for answer in &answers {
        for target in &answer.targets {
            state
                .notes
                .insert(target.key.clone(), Note::Working(response));
            state.marked.remove(&target.key);
        }
    }
    state.dialog = None;
    state.mode = Mode::Table;
    vec![Command::Answer { response, answers }]
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
