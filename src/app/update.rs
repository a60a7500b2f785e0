//! The one place state changes: `update(state, msg)` applies a message and says what the
//! runtime must do next. No I/O happens here, so every behaviour is testable headless.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind};

use std::collections::BTreeMap;

use super::keymap::{Action, Mode};
use super::members::{Field, InviteForm, MemberColumn, MemberNote};
use super::state::{AppState, Column, Dialog, MemberChange, Note, Proposal, Screen, Sort, View};
use crate::aws::AwsError;
use crate::fetch::FetchEvent;
use crate::model::Invitee;
use crate::model::{Actor, Outcome, Readiness, Response, Step, Target};
use crate::model::{Member, ServiceKind, SourceId};

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// How many rows the table shows, as the layout makes it for the size and the panes.
    TableRows(usize),
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
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    /// A source's members, listed to the end.
    MembersListed {
        source: SourceId,
        result: Result<Vec<Member>, AwsError>,
    },
    /// What came of a change to members, or of inviting, in one source; keyed by account id.
    MembersChanged {
        source: SourceId,
        what: &'static str,
        outcomes: Vec<Outcome>,
    },
}

/// Accounts of one source to change, as whom.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberBatch {
    pub source: SourceId,
    pub accounts: Vec<String>,
    pub actor: Actor,
}

/// Answers for one source, as the runtime should send them.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub source: SourceId,
    pub steps: Vec<Step>,
    pub targets: Vec<Target>,
    pub actor: Actor,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    /// Cancel what is in flight and fetch everything again, as this generation.
    Fetch {
        generation: u64,
    },
    /// An automatic refresh: cancel what is in flight and fetch these sources.
    FetchSome {
        generation: u64,
        sources: Vec<SourceId>,
    },
    /// Ring the terminal bell: a new invitation arrived.
    Bell,
    /// Put this text on the clipboard (OSC 52: the terminal does it, over SSH too).
    Copy(String),
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
    /// List these sources' members.
    ListMembers {
        sources: Vec<SourceId>,
    },
    ChangeMembers {
        change: MemberChange,
        batches: Vec<MemberBatch>,
    },
    Invite {
        invitees: Vec<Invitee>,
        message: Option<String>,
        batches: Vec<MemberBatch>,
    },
}

/// Rows the mouse wheel moves per notch.
const WHEEL_ROWS: usize = 3;

pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
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
        Msg::TableRows(rows) => {
            state.table_rows = rows;
            Vec::new()
        }
        Msg::Tick(now) => {
            state.now = now;
            if state.is_animating() {
                state.spinner = state.spinner.wrapping_add(1);
            }
            refresh_if_due(state)
        }
        Msg::Fetch(event) => on_fetch(state, event),
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
            vec![Effect::Refetch { source }]
        }
        Msg::Paste(text) => {
            paste(state, &text);
            Vec::new()
        }
        Msg::MembersListed { source, result } => {
            let view = state.view;
            state.members.listed(source, result, view);
            Vec::new()
        }
        Msg::MembersChanged {
            source,
            what,
            outcomes,
        } => {
            for outcome in outcomes {
                let key = member_key(&source, &outcome.key);
                let note = match outcome.result {
                    Ok(()) => MemberNote::Done(what),
                    Err(reason) => MemberNote::Failed(reason),
                };
                state.members.notes.insert(key, note);
            }
            vec![Effect::ListMembers {
                sources: vec![source],
            }]
        }
    };
    keep_selection_in_sight(state);
    commands
}

/// Starts an automatic refresh when one is due and nothing is in flight.
fn refresh_if_due(state: &mut AppState) -> Vec<Effect> {
    let due = state.live.active()
        && !state.is_loading()
        && state.live.next_at.is_some_and(|at| state.now >= at);
    if !due {
        return Vec::new();
    }
    let sources = state.due_sources();
    let generation = state.generation + 1;
    state.live.next_at = None;
    state.begin_generation_of(generation, &sources);
    if sources.is_empty() {
        schedule_next(state);
        return Vec::new();
    }
    vec![Effect::FetchSome {
        generation,
        sources,
    }]
}

fn schedule_next(state: &mut AppState) {
    state.live.next_at = state
        .live
        .interval
        .and_then(|interval| chrono::Duration::from_std(interval).ok())
        .map(|interval| state.now + interval);
}

fn on_fetch(state: &mut AppState, event: FetchEvent) -> Vec<Effect> {
    if event.generation() != state.generation {
        return Vec::new(); // from a superseded fetch
    }
    let was_loading = state.is_loading();
    let new_before = state.changes.new.len();
    apply_fetch(state, event);
    let mut commands = Vec::new();
    if state.changes.new.len() > new_before && state.live.bell {
        commands.push(Effect::Bell);
    }
    if was_loading && !state.is_loading() {
        schedule_next(state);
        if state.changes.gone > 0 {
            let since = state
                .changes
                .gone_since
                .map(|t| format!(" since {}", crate::format::clock_time(t, state.clock)))
                .unwrap_or_default();
            let count = state.changes.gone;
            state.notice = Some(format!(
                "{count} invitation{} gone{since}",
                if count == 1 { "" } else { "s" }
            ));
        }
    }
    commands
}

fn apply_fetch(state: &mut AppState, event: FetchEvent) {
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

fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    state.notice = None;
    let action = state.keymap.resolve(&key, state.mode);
    if state.mode == Mode::Filter && action.is_none() {
        edit_filter(state, key);
        return Vec::new();
    }
    if state.mode == Mode::Form && action.is_none() {
        edit_form(state, key);
        return Vec::new();
    }
    if state.mode == Mode::Prompt && action.is_none() {
        if key.code == KeyCode::Tab {
            complete_prompt(state);
        } else {
            edit_text(&mut state.prompt, key);
        }
        return Vec::new();
    }
    let Some(action) = action else {
        return Vec::new();
    };
    perform(state, action)
}

/// The filter of the table on screen.
fn filter_text(state: &mut AppState) -> &mut String {
    match state.screen {
        Screen::Invitations => &mut state.filter,
        Screen::Members => &mut state.members.filter,
    }
}

/// Line editing shared by the filter and the form's text fields.
fn edit_text(text: &mut String, key: KeyEvent) {
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

fn edit_filter(state: &mut AppState, key: KeyEvent) {
    let text = filter_text(state);
    let before = text.clone();
    edit_text(text, key);
    if *text != before {
        filter_changed(state);
    }
}

fn filter_changed(state: &mut AppState) {
    match state.screen {
        Screen::Invitations => {
            state.refilter();
            state.selected = 0;
            state.offset = 0;
        }
        Screen::Members => {
            state.members.selected = 0;
            state.members.offset = 0;
            let view = state.view;
            state.members.rebuild(view);
        }
    }
}

fn paste(state: &mut AppState, text: &str) {
    match state.mode {
        Mode::Form => {
            if let Some(form) = state.form.as_mut() {
                // Only the accounts field keeps lines: the others are one line each.
                let multiline = form_field_is_multiline(form.field);
                let Some(field) = form.text_mut() else {
                    return;
                };
                if multiline {
                    field.push_str(text);
                } else {
                    field.push_str(&text.replace(['\n', '\r'], " "));
                }
            }
        }
        Mode::Filter => {
            filter_text(state).push_str(&text.replace(['\n', '\r'], " "));
            filter_changed(state);
        }
        _ => {}
    }
}

fn form_field_is_multiline(field: Field) -> bool {
    field == Field::Accounts
}

fn edit_form(state: &mut AppState, key: KeyEvent) {
    let Some(form) = state.form.as_mut() else {
        return;
    };
    match key.code {
        KeyCode::Tab => form.next_field(1),
        KeyCode::BackTab => form.next_field(-1),
        KeyCode::Down if form.field != Field::Services => form.next_field(1),
        KeyCode::Up if form.field != Field::Services => form.next_field(-1),
        KeyCode::Left if form.field == Field::Services => {
            form.service_cursor = (form.service_cursor + 2) % 3;
        }
        KeyCode::Right if form.field == Field::Services => {
            form.service_cursor = (form.service_cursor + 1) % 3;
        }
        KeyCode::Char(' ') if form.field == Field::Services => {
            let at = form.service_cursor;
            form.services[at] = !form.services[at];
        }
        _ => {
            if let Some(text) = form.text_mut() {
                edit_text(text, key);
            }
        }
    }
}

fn perform(state: &mut AppState, action: Action) -> Vec<Effect> {
    if state.screen == Screen::Members
        && let Some(commands) = perform_on_members(state, action)
    {
        return commands;
    }
    let page = state.table_rows.max(1) as isize;
    match action {
        Action::Members => return open_members(state),
        Action::Invite => {
            open_members(state);
            return open_form(state);
        }
        Action::RemoveMember => {
            state.notice = Some("x removes members: m shows the members you administer".into());
        }
        Action::Quit => return vec![Effect::Quit],
        Action::MoveDown => move_by(state, 1),
        Action::MoveUp => move_by(state, -1),
        Action::PageDown => move_by(state, page),
        Action::PageUp => move_by(state, -page),
        Action::Top => state.selected = 0,
        Action::Bottom => state.selected = state.visible_len().saturating_sub(1),
        Action::NextView
        | Action::PreviousView
        | Action::ViewAll
        | Action::ViewSecurityHub
        | Action::ViewGuardDuty
        | Action::ViewDetective => perform_view(state, action),
        Action::Accept => return open_dialog(state, Response::Accept),
        Action::Decline => return open_dialog(state, Response::Decline),
        Action::Delete => return open_dialog(state, Response::Delete),
        Action::Confirm => return confirm(state),
        _ => return perform_rest(state, action),
    }
    Vec::new()
}

fn perform_view(state: &mut AppState, action: Action) {
    match action {
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
        _ => {}
    }
}

fn perform_rest(state: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
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
            return vec![Effect::Fetch { generation }];
        }
        Action::Copy => return copy_selected(state),
        Action::Prompt => {
            state.prompt.clear();
            state.mode = Mode::Prompt;
        }
        Action::ToggleLive => match state.live.interval {
            None => {
                state.notice = Some(
                    "live mode is off: start with --refresh 30s, or set refresh in the config"
                        .into(),
                );
            }
            Some(_) => {
                state.live.paused = !state.live.paused;
                if !state.live.paused && state.live.next_at.is_none() && !state.is_loading() {
                    schedule_next(state);
                }
            }
        },
        Action::Help => {
            state.mode = if state.mode == Mode::Help {
                Mode::Table
            } else {
                Mode::Help
            };
        }
        Action::ToggleMark => {
            if let Some(key) = state.selected_key() {
                if !state.marked.remove(&key) {
                    state.marked.insert(key);
                }
                move_by(state, 1);
            }
        }
        Action::Close => match state.mode {
            Mode::Prompt => {
                state.prompt.clear();
                state.mode = Mode::Table;
            }
            Mode::Confirm => {
                state.dialog = None;
                state.proposal = None;
                state.mode = Mode::Table;
                state.notice = Some("cancelled: nothing was sent".into());
            }
            Mode::Form => {
                state.form = None;
                state.mode = Mode::Table;
                state.notice = Some("invite cancelled: nothing was sent".into());
            }
            Mode::Filter => {
                state.mode = Mode::Table;
                if !filter_text(state).is_empty() {
                    filter_text(state).clear();
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
        // The rest were handled in `perform`.
        _ => {}
    }
    Vec::new()
}

/// The marked rows, or the selected one when none is marked.
fn chosen(state: &AppState) -> Vec<crate::model::Invitation> {
    let marked: Vec<_> = state
        .sources
        .iter()
        .flat_map(|s| s.shown())
        .filter(|r| state.marked.contains(r.key()))
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

fn open_dialog(state: &mut AppState, response: Response) -> Vec<Effect> {
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
    vec![Effect::CheckReadiness {
        dialog: id,
        response,
        sources,
    }]
}

fn confirm(state: &mut AppState) -> Vec<Effect> {
    if state.mode == Mode::Form {
        return submit_form(state);
    }
    if state.mode == Mode::Prompt {
        return run_prompt(state);
    }
    if let Some(proposal) = state.proposal.take() {
        state.mode = Mode::Table;
        return confirm_proposal(state, proposal);
    }
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
            let account = state.account_of(&source.profile);
            Answer {
                source,
                steps,
                targets,
                actor: Actor { account },
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
    vec![Effect::Answer { response, answers }]
}

fn set_view(state: &mut AppState, view: View) {
    if state.view != view {
        let keep = state.selected_key();
        state.view = view;
        state.refilter();
        match keep {
            Some(key) => state.select_key(&key),
            None => state.selected = 0,
        }
    }
}

fn move_by(state: &mut AppState, delta: isize) {
    let len = state.visible_len();
    step(&mut state.selected, len, delta);
}

/// Moves a selection by `delta` rows, within `len`.
fn step(selected: &mut usize, len: usize, delta: isize) {
    let last = len.saturating_sub(1) as isize;
    *selected = (*selected as isize + delta).clamp(0, last.max(0)) as usize;
}

/// Scrolls just enough that the selected row is on screen, in both tables: a view change on
/// one screen refilters the other too.
fn keep_selection_in_sight(state: &mut AppState) {
    let height = state.table_rows.max(1);
    let invitations = state.visible_len();
    scroll(invitations, height, &mut state.selected, &mut state.offset);
    let members = state.members.visible().len();
    scroll(
        members,
        height,
        &mut state.members.selected,
        &mut state.members.offset,
    );
}

fn scroll(len: usize, height: usize, selected: &mut usize, offset: &mut usize) {
    let last_offset = len.saturating_sub(height);
    if *selected < *offset {
        *offset = *selected;
    } else if *selected >= *offset + height {
        *offset = *selected + 1 - height;
    }
    *offset = (*offset).min(last_offset);
}

fn member_key(source: &SourceId, account: &str) -> String {
    format!(
        "{}|{}|{}|{account}",
        source.service.id(),
        source.profile,
        source.region
    )
}

fn open_members(state: &mut AppState) -> Vec<Effect> {
    state.screen = match state.screen {
        Screen::Invitations => Screen::Members,
        Screen::Members => Screen::Invitations,
    };
    if state.screen == Screen::Members && !state.members.opened() {
        let sources = state.source_ids();
        state.members.begin(sources.clone());
        return vec![Effect::ListMembers { sources }];
    }
    Vec::new()
}

fn open_form(state: &mut AppState) -> Vec<Effect> {
    if state.read_only {
        state.notice = Some("read-only: inviting is refused (started with --read-only)".into());
        return Vec::new();
    }
    let profile = state
        .members
        .selected_member()
        .map(|m| m.profile.clone())
        .or_else(|| state.identities.keys().next().cloned())
        .unwrap_or_default();
    state.form = Some(InviteForm::new(profile, &state.regions));
    state.mode = Mode::Form;
    Vec::new()
}

fn submit_form(state: &mut AppState) -> Vec<Effect> {
    let Some(form) = state.form.as_mut() else {
        state.mode = Mode::Table;
        return Vec::new();
    };
    match form.check(&state.regions) {
        Err(errors) => form.errors = errors,
        Ok(super::members::CheckedInvite {
            invitees,
            services,
            regions,
        }) => {
            let profile = form.profile.clone();
            let message = Some(form.message.trim().to_owned()).filter(|m| !m.is_empty());
            let sources: Vec<SourceId> = state
                .source_ids()
                .into_iter()
                .filter(|s| {
                    s.profile == profile
                        && services.contains(&s.service)
                        && regions.contains(&s.region)
                })
                .collect();
            state.form = None;
            state.proposal = Some(Proposal::Invite {
                invitees,
                message,
                sources,
            });
            state.mode = Mode::Confirm;
        }
    }
    Vec::new()
}

fn propose_member_change(state: &mut AppState, change: MemberChange) {
    if state.read_only {
        state.notice =
            Some("read-only: changing members is refused (started with --read-only)".into());
        return;
    }
    let targets = state.members.chosen();
    if targets.is_empty() {
        state.notice = Some("no member is selected".into());
        return;
    }
    if change == MemberChange::WithdrawInvitation
        && let Some(other) = targets.iter().find(|m| m.service == ServiceKind::GuardDuty)
    {
        state.notice = Some(format!(
            "GuardDuty deletes invitations only from the invitee's side ({} in {}): x removes the member instead",
            other.account_id, other.region
        ));
        return;
    }
    state.proposal = Some(Proposal::ChangeMembers { change, targets });
    state.mode = Mode::Confirm;
}

fn confirm_proposal(state: &mut AppState, proposal: Proposal) -> Vec<Effect> {
    match proposal {
        Proposal::ChangeMembers { change, targets } => {
            let mut by_source: BTreeMap<SourceId, Vec<String>> = BTreeMap::new();
            for member in &targets {
                by_source
                    .entry(member.source())
                    .or_default()
                    .push(member.account_id.clone());
                state
                    .members
                    .notes
                    .insert(member.key(), MemberNote::Working("working"));
                state.members.marked.remove(&member.key());
            }
            let batches = by_source
                .into_iter()
                .map(|(source, accounts)| MemberBatch {
                    actor: Actor {
                        account: state.account_of(&source.profile),
                    },
                    source,
                    accounts,
                })
                .collect();
            vec![Effect::ChangeMembers { change, batches }]
        }
        Proposal::Invite {
            invitees,
            message,
            sources,
        } => {
            let accounts: Vec<String> = invitees.iter().map(|i| i.account_id.clone()).collect();
            let batches = sources
                .into_iter()
                .map(|source| MemberBatch {
                    actor: Actor {
                        account: state.account_of(&source.profile),
                    },
                    source,
                    accounts: accounts.clone(),
                })
                .collect();
            vec![Effect::Invite {
                invitees,
                message,
                batches,
            }]
        }
    }
}

/// What keys do on the members screen; `None` leaves the action to the common handling.
fn perform_on_members(state: &mut AppState, action: Action) -> Option<Vec<Effect>> {
    let page = state.table_rows.max(1) as isize;
    let len = state.members.visible().len();
    let view = state.view;
    match action {
        Action::MoveDown => step(&mut state.members.selected, len, 1),
        Action::MoveUp => step(&mut state.members.selected, len, -1),
        Action::PageDown => step(&mut state.members.selected, len, page),
        Action::PageUp => step(&mut state.members.selected, len, -page),
        Action::Top => state.members.selected = 0,
        Action::Bottom => state.members.selected = len.saturating_sub(1),
        Action::NextView
        | Action::PreviousView
        | Action::ViewAll
        | Action::ViewSecurityHub
        | Action::ViewGuardDuty
        | Action::ViewDetective => {
            perform_view(state, action);
            let view = state.view;
            state.members.rebuild(view);
        }
        Action::SortNext => {
            let columns = MemberColumn::ALL;
            let current = state
                .members
                .sort_column
                .and_then(|c| columns.iter().position(|x| *x == c));
            let next = current.map_or(1, |i| (i + 1) % columns.len());
            state.members.sort_column = Some(columns[next]);
            state.members.descending = columns[next] == MemberColumn::Updated;
            state.members.rebuild(view);
        }
        Action::SortReverse => {
            state.members.descending = !state.members.descending;
            state.members.rebuild(view);
        }
        Action::ToggleMark => {
            if let Some(key) = state.members.selected_member().map(Member::key) {
                if !state.members.marked.remove(&key) {
                    state.members.marked.insert(key);
                }
                step(&mut state.members.selected, len, 1);
            }
        }
        Action::ToggleDetail => {
            state.notice = Some("the members table shows every field a member has".into());
        }
        Action::Refresh => {
            let sources = state.source_ids();
            state.members.begin(sources.clone());
            return Some(vec![Effect::ListMembers { sources }]);
        }
        Action::Accept | Action::Decline => {
            state.notice =
                Some("answering is for invitations you received: m goes back to them".into());
        }
        Action::Delete => propose_member_change(state, MemberChange::WithdrawInvitation),
        Action::RemoveMember => propose_member_change(state, MemberChange::Remove),
        Action::Invite => return Some(open_form(state)),
        Action::Copy => return Some(copy_selected(state)),
        Action::Close if state.mode == Mode::Table && !state.members.filter.is_empty() => {
            state.members.filter.clear();
            filter_changed(state);
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// The selected invitation's id or graph ARN, or the selected member's account id.
fn copy_selected(state: &mut AppState) -> Vec<Effect> {
    let text = match state.screen {
        Screen::Invitations => state
            .selected_row()
            .map(|r| r.invitation.reference().to_owned()),
        Screen::Members => state
            .members
            .selected_member()
            .map(|m| m.account_id.clone()),
    };
    match text.filter(|t| !t.is_empty()) {
        Some(text) => {
            state.notice = Some(format!("copied {text}"));
            vec![Effect::Copy(text)]
        }
        None => {
            state.notice = Some("nothing to copy: no row is selected".into());
            Vec::new()
        }
    }
}

const PROMPT_COMMANDS: [&str; 7] = [
    "region",
    "service",
    "profile",
    "members",
    "invitations",
    "refresh",
    "quit",
];

/// What each prompt command's argument can be.
fn prompt_candidates(state: &AppState, command: &str) -> Vec<String> {
    match command {
        "region" => state.regions.clone(),
        "service" => std::iter::once("all".to_owned())
            .chain(ServiceKind::ALL.iter().map(|s| s.id().to_owned()))
            .collect(),
        "profile" => state.identities.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

fn complete_prompt(state: &mut AppState) {
    let input = state.prompt.clone();
    let (prefix, candidates, partial) = match input.split_once(' ') {
        None => (
            String::new(),
            PROMPT_COMMANDS.iter().map(|c| c.to_string()).collect(),
            input.as_str(),
        ),
        Some((command, argument)) => (
            format!("{command} "),
            prompt_candidates(state, command),
            argument.trim_start(),
        ),
    };
    let matching: Vec<&String> = candidates
        .iter()
        .filter(|c| c.starts_with(partial))
        .collect();
    match matching.as_slice() {
        [] => state.notice = Some(format!("nothing completes '{partial}'")),
        [only] => {
            let space = if prefix.is_empty() && !prompt_candidates(state, only).is_empty() {
                " "
            } else {
                ""
            };
            state.prompt = format!("{prefix}{only}{space}");
        }
        many => {
            let first = many[0].as_str();
            let common = many.iter().fold(first.len(), |len, c| {
                first
                    .chars()
                    .zip(c.chars())
                    .take(len)
                    .take_while(|(a, b)| a == b)
                    .count()
            });
            state.prompt = format!("{prefix}{}", &first[..common]);
            state.notice = Some(
                many.iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join("  "),
            );
        }
    }
}

fn run_prompt(state: &mut AppState) -> Vec<Effect> {
    let input = std::mem::take(&mut state.prompt);
    state.mode = Mode::Table;
    let mut words = input.split_whitespace();
    let command = words.next().unwrap_or("");
    let argument = words.next().unwrap_or("");
    let jump_filter = |state: &mut AppState, text: &str| {
        *filter_text(state) = text.to_owned();
        filter_changed(state);
    };
    match (command, argument) {
        ("", _) => {}
        ("region" | "profile", "") => {
            state.notice = Some(format!(":{command} needs a name (Tab completes)"))
        }
        ("region", region) if state.regions.iter().any(|r| r == region) => {
            jump_filter(state, region)
        }
        ("region", region) => {
            state.notice = Some(format!("{region} is not a region guestlist is looking at"))
        }
        ("profile", profile) if state.identities.contains_key(profile) => {
            jump_filter(state, profile)
        }
        ("profile", profile) => {
            state.notice = Some(format!("{profile} is not a profile guestlist is using"))
        }
        ("service", "all" | "") => set_view(state, View::All),
        ("service", service) => match service.parse::<ServiceKind>() {
            Ok(service) => set_view(state, View::Only(service)),
            Err(error) => state.notice = Some(error),
        },
        ("members", _) => {
            if state.screen == Screen::Invitations {
                return open_members(state);
            }
        }
        ("invitations", _) => state.screen = Screen::Invitations,
        ("refresh", _) => return perform(state, Action::Refresh),
        ("quit" | "q", _) => return vec![Effect::Quit],
        (other, _) => {
            state.notice = Some(format!(
                "unknown command :{other}; try {}",
                PROMPT_COMMANDS.join(", ")
            ))
        }
    }
    if state.screen == Screen::Members {
        let view = state.view;
        state.members.rebuild(view);
    }
    Vec::new()
}
