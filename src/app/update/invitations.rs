//! The invitations screen: listing as fetch events arrive, live refresh, and answering with a
//! dialog that asks AWS what is needed first.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{Effect, Tally};
use crate::app::effect::Answer;
use crate::app::state::dialogs::{Dialog, Note};
use crate::app::state::log::Level;
use crate::app::state::overlay::Overlay;
use crate::app::state::table::TableRow;
use crate::app::state::{AppState, IdentityState};
use crate::fetch::FetchEvent;
use crate::format;
use crate::model::AwsError;
use crate::model::{Actor, Outcome, Readiness, Response, SourceId, Status, Target, Trust};

/// Time passes: spinners turn, and an automatic refresh starts when one is due.
pub(super) fn tick(state: &mut AppState, now: DateTime<Utc>) -> Vec<Effect> {
    state.now = now;
    if state.is_animating() {
        state.spinner = state.spinner.wrapping_add(1);
    }
    let due = state.live.active()
        && !state.is_loading()
        && state.live.next_at.is_some_and(|at| state.now >= at);
    if !due {
        return Vec::new();
    }
    let sources = state.due_sources();
    state.live.next_at = None;
    let generation = state.begin_generation_of(&sources);
    // The members screen, once opened, is live too: listed again with the invitations.
    let mut effects = Vec::new();
    if state.members.opened() && !state.members.is_loading() {
        let all = state.source_ids();
        state.members.begin(all.clone());
        effects.push(Effect::ListMembers { sources: all });
    }
    if sources.is_empty() {
        schedule_next(state);
        return effects;
    }
    effects.insert(
        0,
        Effect::FetchSome {
            generation,
            sources,
        },
    );
    effects
}

fn schedule_next(state: &mut AppState) {
    state.live.next_at = state
        .live
        .interval
        .and_then(|interval| later(state.now, interval));
}

/// `now` plus `wait`, or None past what a date can hold: never a panic.
pub(crate) fn later(now: DateTime<Utc>, wait: std::time::Duration) -> Option<DateTime<Utc>> {
    now.checked_add_signed(chrono::Duration::from_std(wait).ok()?)
}

pub(super) fn refresh(state: &mut AppState) -> Vec<Effect> {
    let generation = state.begin_generation();
    vec![Effect::Fetch { generation }]
}

pub(super) fn toggle_live(state: &mut AppState) {
    if state.live.interval.is_none() {
        state.tell("live mode is off: start with --refresh 30s, or set refresh in the config");
        return;
    }
    state.live.paused = !state.live.paused;
    if !state.live.paused && state.live.next_at.is_none() && !state.is_loading() {
        schedule_next(state);
    }
}

pub(super) fn fetched(state: &mut AppState, event: FetchEvent) -> Vec<Effect> {
    // From a superseded fetch, or a superseded listing of its source.
    let current = match &event {
        FetchEvent::Identity { generation, .. } => *generation == state.generation,
        FetchEvent::Started { source, generation }
        | FetchEvent::Page {
            source, generation, ..
        }
        | FetchEvent::Finished {
            source, generation, ..
        }
        | FetchEvent::Failed {
            source, generation, ..
        } => state.is_current(source, *generation),
    };
    if !current {
        return Vec::new();
    }
    // Only a source's end can end the loading; a page or an account cannot. Asking costs a walk
    // over every source, fifty thousand in a fan-out, so it is asked only then.
    let ends = matches!(
        event,
        FetchEvent::Finished { .. } | FetchEvent::Failed { .. }
    );
    let was_loading = ends && state.is_loading();
    let new_before = state.changes.new.len();
    match event {
        FetchEvent::Identity {
            profile, outcome, ..
        } => {
            let identity = match outcome {
                Ok(account) => IdentityState::Account(account),
                Err(error) => {
                    state.record(Level::Failed, format!("profile {profile}: {error}"));
                    IdentityState::Failed(error)
                }
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
        } => {
            // A region the account has not enabled is no error; anything else is kept.
            if error.kind != crate::model::ErrorKind::RegionNotEnabled {
                let next = error
                    .next_step(source.service)
                    .map(|step| format!(" — {step}"))
                    .unwrap_or_default();
                state.record(
                    Level::Failed,
                    format!(
                        "{} {} ({}): {}: {error}{next}",
                        source.service,
                        source.region,
                        source.profile,
                        error.state()
                    ),
                );
            }
            state.source_failed(&source, error, elapsed)
        }
    }
    let mut effects = Vec::new();
    if state.changes.new.len() > new_before && state.live.bell {
        effects.push(Effect::Bell);
    }
    if was_loading && !state.is_loading() {
        schedule_next(state);
        if state.changes.gone > 0 {
            let since = state
                .changes
                .gone_since
                .map(|t| format!(" since {}", format::clock_time(t, state.settings.clock)))
                .unwrap_or_default();
            let count = state.changes.gone;
            state.tell(format!(
                "{count} invitation{} gone{since}",
                if count == 1 { "" } else { "s" }
            ));
        }
    }
    effects
}

pub(super) fn open_dialog(state: &mut AppState, response: Response) -> Vec<Effect> {
    open(state, response, false)
}

/// `T`: every invitation on screen from a sender the trust policy does not name, still
/// waiting for an answer, marked alone; the dialog then declines them and deletes them where
/// the service can (Detective's decline is its reject).
pub(super) fn triage(state: &mut AppState) -> Vec<Effect> {
    if state.settings.trust.is_empty() {
        state.tell("no trust policy: name the administrators you accept with --trust or [trust] in the configuration, and T declines everyone else's");
        return Vec::new();
    }
    let strangers: Vec<String> = state
        .invitations
        .visible_rows()
        .filter(|r| r.trust == Trust::Untrusted && r.invitation.status == Status::Pending)
        .map(|r| r.key().to_owned())
        .collect();
    if strangers.is_empty() {
        state.tell("no invitation on screen from an untrusted sender waits for an answer");
        return Vec::new();
    }
    state.invitations.clear_marks();
    for key in strangers {
        state.invitations.mark(key);
    }
    open(state, Response::Decline, true)
}

fn open(state: &mut AppState, response: Response, then_delete: bool) -> Vec<Effect> {
    let mut targets = Vec::new();
    let mut skipped = Vec::new();
    for row in state.invitations.chosen() {
        let invitation = &row.invitation;
        if let Some(Note::Working(working)) = state.invitations.note(row.key()) {
            skipped.push(format!(
                "{} {} from {}: {} is still in flight; wait for it",
                invitation.service,
                invitation.region,
                invitation.administrator_id,
                working.verb()
            ));
            continue;
        }
        match response.applies_to(invitation) {
            Ok(()) => targets.push((
                invitation.source(),
                Target::of(invitation),
                invitation.clone(),
            )),
            Err(reason) => skipped.push(format!(
                "{} {} from {}: {reason}",
                invitation.service, invitation.region, invitation.administrator_id
            )),
        }
    }
    let hidden = state.invitations.hidden_marks();
    if hidden > 0 {
        skipped.push(format!(
            "{} hidden by the view or the filter: only rows on screen are acted on",
            format::plural(hidden, "marked row")
        ));
    }
    if targets.is_empty() {
        state.tell(match skipped.first() {
            Some(reason) if skipped.len() == 1 => format!("cannot {response}: {reason}"),
            Some(_) => format!("cannot {response} any of the {} marked rows", skipped.len()),
            None => format!("nothing to {response}: no invitation is selected"),
        });
        return Vec::new();
    }
    let id = state.next_dialog_id();
    let mut dialog = Dialog {
        id,
        response,
        targets,
        skipped,
        choices: Vec::new(),
        readiness: None,
        then_delete,
    };
    dialog.separate_choices();
    let sources = dialog.sources();
    state.overlay = Overlay::Answer(dialog);
    vec![Effect::CheckReadiness {
        dialog: id,
        response,
        sources,
    }]
}

/// What each source needs first, for the dialog that asked.
pub(super) fn readiness(
    state: &mut AppState,
    dialog: u64,
    results: Vec<(SourceId, Result<Readiness, AwsError>)>,
) {
    if let Overlay::Answer(open) = &mut state.overlay
        && open.id == dialog
    {
        open.readiness = Some(results.into_iter().collect());
    }
}

/// Yes to the dialog: the answers go, per source, with the steps AWS said it needs.
pub(super) fn confirm(state: &mut AppState, dialog: Dialog) -> Vec<Effect> {
    let readiness = dialog.readiness.clone().unwrap_or_default();
    let response = dialog.response;
    let mut by_source: BTreeMap<SourceId, Vec<Target>> = BTreeMap::new();
    for (source, target, _) in dialog.answering() {
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
                .invitations
                .set_note(target.key.clone(), Note::Working(response));
            state.invitations.unmark(&target.key);
        }
    }
    vec![Effect::Answer {
        response,
        answers,
        then_delete: dialog.then_delete,
    }]
}

/// What came of answering: each row says so, and the source is listed again to confirm.
pub(super) fn answered(
    state: &mut AppState,
    source: SourceId,
    response: Response,
    outcomes: Vec<Outcome>,
) -> Vec<Effect> {
    let mut tally = Tally::default();
    for outcome in outcomes {
        let what = state
            .shown(&source)
            .iter()
            .find(|r| r.key() == outcome.key)
            .map(|r| {
                let i = &r.invitation;
                format!(
                    "the {} {} invitation from {}",
                    i.service, i.region, i.administrator_id
                )
            })
            .unwrap_or_else(|| {
                format!(
                    "{} {} invitation {}",
                    source.service, source.region, outcome.key
                )
            });
        match outcome.result {
            Ok(()) => {
                let text = format!("{} {what}", response.past());
                state.record(Level::Done, text.clone());
                tally.done(text);
                state
                    .invitations
                    .set_note(outcome.key.clone(), Note::Done(response));
                state.apply_success(&source, &outcome.key, response);
            }
            Err(reason) => {
                let text = format!("could not {} {what}: {reason}", response.verb());
                state.record(Level::Failed, text.clone());
                tally.failed(text);
                state
                    .invitations
                    .set_note(outcome.key, Note::Failed(response, reason.to_string()));
            }
        }
    }
    if let Some(summary) = tally.summary(response.past(), "invitation", &source) {
        state.notice = Some(summary);
    }
    let generation = state.begin_listing(&source);
    vec![Effect::Refetch { source, generation }]
}
