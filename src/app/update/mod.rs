//! The one place state changes: `update(state, msg)` applies a message and says what the
//! runtime must do next, as [`Effect`]s. No I/O happens here, so every behaviour is testable
//! headless. Split by concern; `perform` is the one match over every [`Action`], with no
//! catch-all, so a new action is flagged by the compiler until it is handled.

mod confirm;
mod coverage;
mod form;
mod history;
mod invitations;
mod members;
mod navigation;
mod prompt;
mod text;

use crossterm::event::{KeyEvent, KeyEventKind, MouseEventKind};

use super::effect::Effect;
use super::keymap::{Action, Mode};
use super::msg::Msg;
use super::state::dialogs::MemberChange;
use super::state::line::LineInput;
use super::state::overlay::Overlay;
use super::state::{AppState, Screen, ServiceTab};
use crate::model::{Response, ServiceKind};

/// Rows the mouse wheel moves per notch.
const WHEEL_ROWS: isize = 3;

pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    let effects = match msg {
        Msg::Key(key) if key.kind != KeyEventKind::Release => on_key(state, key),
        Msg::Key(_) => Vec::new(),
        Msg::Mouse(mouse) => {
            match mouse.kind {
                MouseEventKind::ScrollDown => navigation::move_by(state, WHEEL_ROWS),
                MouseEventKind::ScrollUp => navigation::move_by(state, -WHEEL_ROWS),
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
        Msg::Tick(now) => invitations::tick(state, now),
        Msg::Fetch(event) => invitations::fetched(state, event),
        Msg::Readiness { dialog, results } => {
            invitations::readiness(state, dialog, results);
            Vec::new()
        }
        Msg::Answered {
            source,
            response,
            outcomes,
        } => invitations::answered(state, source, response, outcomes),
        Msg::Paste(pasted) => {
            text::paste(state, &pasted);
            Vec::new()
        }
        Msg::MembersListed { source, result } => {
            state.members.listed(source, result);
            coverage::follow(state);
            Vec::new()
        }
        Msg::Replanned(Err(error)) => {
            state.tell(format!("could not plan again: {error}"));
            Vec::new()
        }
        Msg::Replanned(Ok(planned)) => {
            let count = planned.sources.len();
            let (generation, fresh) =
                state.replan(planned.sources, planned.services, planned.regions);
            state.tell(format!(
                "now listing {}: {} to list",
                crate::format::plural(count, "source"),
                fresh.len()
            ));
            let mut effects = Vec::new();
            if !fresh.is_empty() {
                effects.push(Effect::FetchSome {
                    generation,
                    sources: fresh,
                });
            }
            if state.screen == Screen::Members {
                effects.extend(members::refresh(state));
            }
            effects
        }
        Msg::Arrived(Some(Ok(arrived))) => {
            let sources = arrived.sources.clone();
            state.add_sources(arrived);
            vec![Effect::FetchMore {
                generation: state.generation,
                sources,
            }]
        }
        Msg::Arrived(Some(Err(error))) => {
            let text = format!("{error}; the accounts after them are not shown");
            state.record(crate::app::state::log::Level::Failed, text.clone());
            state.notice = Some(text);
            Vec::new()
        }
        Msg::Arrived(None) => {
            state.tell(format!(
                "every account has arrived: {}",
                crate::format::plural(state.identities.len(), "account")
            ));
            Vec::new()
        }
        Msg::Saved { path, result } => {
            match result {
                Ok(rows) => state.tell(format!(
                    "saved {} to {}",
                    crate::format::plural(rows, "row"),
                    path.display()
                )),
                Err(error) => state.tell(format!("could not save to {}: {error}", path.display())),
            }
            Vec::new()
        }
        Msg::MembersChanged {
            source,
            action,
            outcomes,
        } => {
            let effects = members::changed(state, source, action, outcomes);
            coverage::follow(state);
            effects
        }
        message @ Msg::Onboarding { .. } => coverage::progressed(state, message),
        Msg::History { events, failures } => {
            if let Some(history) = &mut state.history {
                history.events = Some(events);
                history.failures = failures;
            }
            Vec::new()
        }
        Msg::Administrator { source, result } => {
            let result = result.map_err(|e| e.to_string());
            state.current_administrators.insert(source, Some(result));
            Vec::new()
        }
    };
    navigation::sync_columns(state);
    navigation::keep_selection_in_sight(state);
    let mut effects = effects;
    effects.extend(ask_administrator(state));
    effects
}

/// With an invitation's detail open, who its account answers to there is asked once (not
/// for Detective, whose memberships are rows of their own).
fn ask_administrator(state: &mut AppState) -> Option<Effect> {
    if !matches!(state.overlay, Overlay::Detail(_)) || state.screen != Screen::Invitations {
        return None;
    }
    let source = state.invitations.selected_row()?.invitation.source();
    if source.service == ServiceKind::Detective
        || state.current_administrators.contains_key(&source)
    {
        return None;
    }
    state.current_administrators.insert(source.clone(), None);
    Some(Effect::LookupAdministrator { source })
}

fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    state.notice = None;
    let mode = state.mode();
    match (mode, state.settings.keymap.resolve(&key, mode)) {
        (_, Some(action)) => return perform(state, action),
        (Mode::Filter, None) => text::edit_filter(state, key),
        (Mode::Form, None) => form::edit(state, key),
        (Mode::Prompt, None) => prompt::edit(state, key),
        (
            Mode::Table
            | Mode::Detail
            | Mode::Help
            | Mode::Confirm
            | Mode::Log
            | Mode::Sources
            | Mode::Coverage,
            None,
        ) => {}
    }
    Vec::new()
}

/// Every action, on whichever screen is up.
fn perform(state: &mut AppState, action: Action) -> Vec<Effect> {
    if let Some(change) = action.change()
        && state.settings.read_only
    {
        state.tell(format!(
            "read-only: {change} is refused (started with --read-only)"
        ));
        return Vec::new();
    }
    let on_members = state.screen == Screen::Members;
    let page = state.table_rows.max(1) as isize;
    // The history pages down from its newest, at the top; h or Esc closes it.
    if let Overlay::History(scroll) = &mut state.overlay {
        let page = page as usize;
        let last = state
            .history
            .as_ref()
            .and_then(|h| h.events.as_ref())
            .map_or(0, Vec::len);
        let moved = match action {
            Action::MoveDown => Some((*scroll + 1).min(last)),
            Action::MoveUp => Some(scroll.saturating_sub(1)),
            Action::PageDown => Some((*scroll + page).min(last)),
            Action::PageUp => Some(scroll.saturating_sub(page)),
            Action::Top => Some(0),
            Action::Bottom => Some(last),
            _ => None,
        };
        match (moved, action) {
            (Some(to), _) => {
                *scroll = to;
                return Vec::new();
            }
            (None, Action::History | Action::Close) => {
                state.overlay = Overlay::Table;
                return Vec::new();
            }
            // Anything else is the table's, with the history closed.
            _ => state.overlay = Overlay::Table,
        }
    }
    // Up in the log is older; the log's height is the table's, near enough for paging.
    if let Overlay::Log(scroll) = &mut state.overlay {
        let page = page as usize;
        let newest = 0;
        // Wrapped lines are not known here: three per message is room enough to reach the top.
        let oldest = state.log.len() * 3;
        *scroll = match action {
            Action::MoveDown => scroll.saturating_sub(1),
            Action::MoveUp => (*scroll + 1).min(oldest),
            Action::PageDown => scroll.saturating_sub(page),
            Action::PageUp => (*scroll + page).min(oldest),
            Action::Top => oldest,
            Action::Bottom => newest,
            _ => *scroll,
        };
        if action != Action::Close {
            return Vec::new();
        }
    }
    // The help scrolls; in the detail, pages scroll while moves go to the next row.
    let help = matches!(state.overlay, Overlay::Help(_));
    if let Overlay::Help(scroll) | Overlay::Detail(scroll) = &mut state.overlay {
        let page = page as usize;
        let scrolled = match action {
            Action::PageDown => Some(*scroll + page),
            Action::PageUp => Some(scroll.saturating_sub(page)),
            Action::MoveDown if help => Some(*scroll + 1),
            Action::MoveUp if help => Some(scroll.saturating_sub(1)),
            Action::Top if help => Some(0),
            _ => None,
        };
        if let Some(to) = scrolled {
            // Far enough to reach the end; drawing stops at the last line.
            *scroll = to.min(500);
            return Vec::new();
        }
        if matches!(action, Action::MoveDown | Action::MoveUp) {
            *scroll = 0;
        }
    }
    if matches!(state.overlay, Overlay::Coverage) {
        coverage::perform(state, action, page);
        return Vec::new();
    }
    // The sources list: moves select, Enter opens the one selected, Esc closes it, then the list.
    if let Overlay::Sources { selected, open } = &mut state.overlay {
        let last = state.sources.len().saturating_sub(1);
        let page = page as usize;
        match action {
            Action::MoveDown => *selected = (*selected + 1).min(last),
            Action::MoveUp => *selected = selected.saturating_sub(1),
            Action::PageDown => *selected = (*selected + page).min(last),
            Action::PageUp => *selected = selected.saturating_sub(page),
            Action::Top => *selected = 0,
            Action::Bottom => *selected = last,
            Action::ToggleDetail => *open = !*open,
            Action::Close if *open => *open = false,
            Action::Close => state.overlay = Overlay::Table,
            Action::Copy => return navigation::copy_source_error(state),
            _ => {}
        }
        return Vec::new();
    }
    if let (Overlay::Answer(dialog), Action::NextView) = (&mut state.overlay, action) {
        dialog.next_choice();
        return Vec::new();
    }
    match action {
        Action::MoveDown => navigation::move_by(state, 1),
        Action::MoveUp => navigation::move_by(state, -1),
        Action::PageDown => navigation::move_by(state, page),
        Action::PageUp => navigation::move_by(state, -page),
        Action::Top => navigation::top(state),
        Action::Bottom => navigation::bottom(state),
        Action::NextView => navigation::cycle_tab(state, 1),
        Action::PreviousView => navigation::cycle_tab(state, -1),
        Action::ViewAll => navigation::set_tab(state, ServiceTab::All),
        Action::ViewSecurityHub => {
            navigation::set_tab(state, ServiceTab::Only(ServiceKind::SecurityHub))
        }
        Action::ViewGuardDuty => {
            navigation::set_tab(state, ServiceTab::Only(ServiceKind::GuardDuty))
        }
        Action::ViewDetective => {
            navigation::set_tab(state, ServiceTab::Only(ServiceKind::Detective))
        }
        Action::ViewMacie => navigation::set_tab(state, ServiceTab::Only(ServiceKind::Macie)),
        Action::ToggleDetail => {
            let selected = match state.screen {
                Screen::Invitations => state.invitations.selected_row().is_some(),
                Screen::Members => state.members.table.selected_row().is_some(),
            };
            state.overlay = match state.overlay {
                Overlay::Detail(_) => Overlay::Table,
                _ if selected => Overlay::Detail(0),
                ref other => other.clone(),
            };
        }
        Action::Filter => {
            // In the filter, Enter keeps the text and returns to the table.
            state.overlay = match state.overlay {
                Overlay::Filter(_) => Overlay::Table,
                // The cursor starts at the end of what is there.
                _ => Overlay::Filter(match state.screen {
                    Screen::Invitations => state.invitations.filter().len(),
                    Screen::Members => state.members.table.filter().len(),
                }),
            };
        }
        Action::SortNext => navigation::sort_next(state),
        Action::SortReverse => navigation::sort_reverse(state),
        Action::Refresh if on_members => return members::refresh(state),
        Action::Refresh => return invitations::refresh(state),
        Action::ToggleLive => invitations::toggle_live(state),
        Action::ToggleMark => navigation::toggle_mark(state),
        Action::MarkRange => navigation::mark_range(state),
        Action::MarkAll => navigation::mark_all(state),
        Action::ClearMarks => navigation::clear_marks(state),
        Action::PendingOnly => navigation::toggle_pending_only(state),
        Action::UntrustedOnly => navigation::toggle_untrusted_only(state),
        Action::Accept | Action::Decline | Action::Triage if on_members => {
            state.tell("answering is for invitations you received: m goes back to them");
        }
        Action::Accept => return invitations::open_dialog(state, Response::Accept),
        Action::Decline => return invitations::open_dialog(state, Response::Decline),
        Action::Triage => return invitations::triage(state),
        Action::Delete if on_members => members::propose(state, MemberChange::WithdrawInvitation),
        Action::Delete => return invitations::open_dialog(state, Response::Delete),
        Action::Members => return members::toggle_screen(state),
        Action::Invite => return members::open_form(state),
        Action::RemoveMember if on_members => members::propose(state, MemberChange::Remove),
        Action::RemoveMember => {
            state.tell("x removes members: m shows the members you administer");
        }
        Action::Copy => return navigation::copy_selected(state),
        Action::Prompt => {
            state.prompt_recalled = None;
            state.overlay = Overlay::Prompt(LineInput::default());
        }
        Action::History => return history::open(state, !on_members),
        Action::Coverage => return coverage::open(state),
        Action::Onboard => state.tell("o onboards a row of the coverage matrix: c opens it"),
        // Columns are the coverage matrix's; the tables scroll by the view.
        Action::MoveLeft | Action::MoveRight => {}
        Action::Log => {
            state.overlay = match state.overlay {
                Overlay::Log(_) => Overlay::Table,
                _ => Overlay::Log(0),
            };
        }
        Action::Sources => {
            state.overlay = Overlay::Sources {
                selected: 0,
                open: false,
            };
        }
        Action::Confirm => return confirm::confirm(state),
        Action::Help => {
            state.overlay = match state.overlay {
                Overlay::Help(_) => Overlay::Table,
                _ => Overlay::Help(0),
            };
        }
        Action::Close => confirm::close(state),
        Action::Quit => return vec![Effect::Quit],
    }
    Vec::new()
}

/// The outcomes of one batch, counted to be said in one footer line; each is in the log.
#[derive(Debug, Default)]
pub(super) struct Tally {
    done: usize,
    failed: usize,
    /// What the last outcome said: the whole story when there was only one.
    last: Option<String>,
}

impl Tally {
    pub(super) fn done(&mut self, text: String) {
        self.done += 1;
        self.last = Some(text);
    }

    pub(super) fn failed(&mut self, text: String) {
        self.failed += 1;
        self.last = Some(text);
    }

    /// Outcomes done and failed.
    pub(super) fn counts(&self) -> (usize, usize) {
        (self.done, self.failed)
    }

    /// One line for the footer: the outcome itself when there was one, else the counts.
    pub(super) fn summary(
        self,
        past: &str,
        noun: &str,
        source: &crate::model::SourceId,
    ) -> Option<String> {
        let place = format!("{} {}", source.service, source.region);
        match (self.done, self.failed) {
            (0, 0) => None,
            (1, 0) | (0, 1) => self.last,
            (done, 0) => Some(format!(
                "{past} {} in {place}",
                crate::format::plural(done, noun)
            )),
            (done, failed) => Some(format!(
                "{place}: {past} {done}, {failed} failed — l shows each"
            )),
        }
    }
}
