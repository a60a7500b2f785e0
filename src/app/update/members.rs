//! The members screen: listing what each identity administers, changing members after a
//! confirmation, and the invite form.

use std::collections::BTreeMap;

use super::{Effect, Tally};
use crate::app::effect::MemberBatch;
use crate::app::state::dialogs::{MemberChange, Proposal};
use crate::app::state::form::InviteForm;
use crate::app::state::log::Level;
use crate::app::state::members::{MemberAction, MemberNote};
use crate::app::state::overlay::Overlay;
use crate::app::state::{AppState, Screen};
use crate::model::{Actor, Invitee, Outcome, ServiceKind, SourceId};

/// `m`: from invitations to members and back; members are listed when first shown.
pub(super) fn toggle_screen(state: &mut AppState) -> Vec<Effect> {
    state.screen = match state.screen {
        Screen::Invitations => Screen::Members,
        Screen::Members => Screen::Invitations,
    };
    if state.screen == Screen::Members && !state.members.opened() {
        return refresh(state);
    }
    Vec::new()
}

pub(super) fn refresh(state: &mut AppState) -> Vec<Effect> {
    let sources = state.source_ids();
    state.members.begin(sources.clone());
    vec![Effect::ListMembers { sources }]
}

/// `i`: the invite form, on the members screen.
pub(super) fn open_form(state: &mut AppState) -> Vec<Effect> {
    let back_to_invitations = state.screen == Screen::Invitations;
    let effects = if back_to_invitations {
        toggle_screen(state)
    } else {
        Vec::new()
    };
    let profile = state
        .members
        .selected_member()
        .map(|m| m.profile.clone())
        .or_else(|| state.identities.keys().next().cloned())
        .unwrap_or_default();
    state.overlay = Overlay::Form(InviteForm {
        back_to_invitations,
        ..InviteForm::new(profile, &state.regions)
    });
    effects
}

/// Asks before withdrawing invitations or removing the chosen members.
pub(super) fn propose(state: &mut AppState, change: MemberChange) {
    let chosen = state.members.chosen();
    let table = &state.members.table;
    let (busy, targets): (Vec<_>, Vec<_>) = chosen
        .into_iter()
        .partition(|m| table.note(&m.key()) == Some(&MemberNote::Working));
    if targets.is_empty() {
        state.tell(match busy.first() {
            Some(member) => format!(
                "{} in {} {} has a change in flight; wait for it",
                member.account_id, member.service, member.region
            ),
            None => "no member is selected".into(),
        });
        return;
    }
    if change == MemberChange::WithdrawInvitation
        && let Some(other) = targets.iter().find(|m| m.service == ServiceKind::GuardDuty)
    {
        state.tell(format!(
            "GuardDuty deletes invitations only from the invitee's side ({} in {}): x removes the member instead",
            other.account_id, other.region
        ));
        return;
    }
    state.overlay = Overlay::Proposal(Proposal::ChangeMembers { change, targets });
}

/// Yes to a proposal: one batch per source, as the identity that administers it.
pub(super) fn confirm(state: &mut AppState, proposal: Proposal) -> Vec<Effect> {
    match proposal {
        Proposal::ChangeMembers { change, targets } => {
            let mut by_source: BTreeMap<SourceId, Vec<String>> = BTreeMap::new();
            for member in &targets {
                by_source
                    .entry(member.source())
                    .or_default()
                    .push(member.account_id.clone());
                let table = &mut state.members.table;
                table.set_note(member.key(), MemberNote::Working);
                table.unmark(&member.key());
            }
            let batches: Vec<MemberBatch> = by_source
                .into_iter()
                .map(|(source, accounts)| batch(state, source, accounts))
                .collect();
            state.members.outcome = (0, 0, batches.len());
            vec![Effect::ChangeMembers { change, batches }]
        }
        Proposal::Invite {
            invitees,
            message,
            sources,
        } => {
            let accounts: Vec<String> = invitees.iter().map(|i| i.account_id.clone()).collect();
            let batches: Vec<MemberBatch> = sources
                .into_iter()
                .map(|source| batch(state, source, accounts.clone()))
                .collect();
            state.members.outcome = (0, 0, batches.len());
            vec![Effect::Invite {
                invitees,
                message,
                batches,
            }]
        }
        Proposal::Onboard { steps, .. } => super::coverage::onboard(state, steps),
        Proposal::Reconcile { steps } => {
            let fixes: Vec<_> = steps
                .into_iter()
                .map(|step| {
                    let invitee = Invitee {
                        account_id: step.account.id.clone(),
                        email: step.account.email.clone(),
                    };
                    let batch = batch(state, step.source, vec![step.account.id]);
                    (step.fix, invitee, batch)
                })
                .collect();
            state.members.outcome = (0, 0, fixes.len());
            // Back to the matrix, which follows as each place is listed again.
            if let Some(view) = &mut state.coverage {
                view.marked.clear();
                state.overlay = Overlay::Coverage;
            }
            vec![Effect::Reconcile { fixes }]
        }
    }
}

fn batch(state: &AppState, source: SourceId, accounts: Vec<String>) -> MemberBatch {
    MemberBatch {
        actor: Actor {
            account: state.account_of(&source.profile),
        },
        source,
        accounts,
    }
}

/// What came of a change in one source: each member's row says so, and the source's members
/// are listed again.
pub(super) fn changed(
    state: &mut AppState,
    source: SourceId,
    action: MemberAction,
    outcomes: Vec<Outcome>,
) -> Vec<Effect> {
    // Every account's outcome goes to the log: an account that failed may have no row to
    // show it on (a region not enabled, no graph).
    let place = format!("{} {}", source.service, source.region);
    let mut tally = Tally::default();
    for outcome in outcomes {
        let key = crate::model::Member::key_in(&source, &outcome.key);
        let note = match outcome.result {
            Ok(()) => {
                let text = format!("{} {} in {place}", action.past(), outcome.key);
                state.record(Level::Done, text.clone());
                tally.done(text);
                MemberNote::Done(action)
            }
            Err(reason) => {
                let text = format!(
                    "could not {} {} in {place}: {reason}",
                    action.verb(),
                    outcome.key
                );
                state.record(Level::Failed, text.clone());
                tally.failed(text);
                MemberNote::Failed(reason.to_string())
            }
        };
        state.members.table.set_note(key, note);
    }
    let (done, failed) = tally.counts();
    let (all_done, all_failed, waiting) = &mut state.members.outcome;
    *all_done += done;
    *all_failed += failed;
    *waiting = waiting.saturating_sub(1);
    let (all_done, all_failed, waiting) = state.members.outcome;
    // One source: what it said; several: the totals so far, over every place it went to.
    let summary = if all_done + all_failed == done + failed && waiting == 0 {
        tally.summary(action.past(), "account", &source)
    } else {
        let more = if waiting > 0 {
            format!(", {waiting} places to go")
        } else {
            String::new()
        };
        Some(format!(
            "{}: {all_done} done, {all_failed} failed{more} — l shows each",
            action.past()
        ))
    };
    if let Some(summary) = summary {
        state.notice = Some(summary);
    }
    vec![Effect::ListMembers {
        sources: vec![source],
    }]
}
