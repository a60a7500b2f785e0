//! Questions asked before anything changes: answering invitations, changing members, inviting.

use std::collections::BTreeMap;

use super::members::MemberAction;
use crate::model::AwsError;
use crate::model::{
    Invitation, Invitee, Member, Readiness, Response, ServiceKind, SourceId, Target,
};

/// What happened to a row the person acted on; it stays on the row until the next action.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    Working(Response),
    Done(Response),
    Failed(Response, String),
}

/// What an administrator can do to members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberChange {
    /// Delete the invitation sent to the member (Security Hub `DeleteInvitations`).
    WithdrawInvitation,
    /// Disassociate and delete the member.
    Remove,
}

impl MemberChange {
    /// What is said on a member's row once it is done.
    pub fn action(self) -> MemberAction {
        match self {
            MemberChange::WithdrawInvitation => MemberAction::InvitationDeleted,
            MemberChange::Remove => MemberAction::Removed,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            MemberChange::WithdrawInvitation => "delete the invitation sent to",
            MemberChange::Remove => "remove (disassociate and delete)",
        }
    }
}

/// A change to members awaiting confirmation.
#[derive(Debug, Clone)]
pub enum Proposal {
    ChangeMembers {
        change: MemberChange,
        targets: Vec<Member>,
    },
    Invite {
        invitees: Vec<Invitee>,
        message: Option<String>,
        sources: Vec<SourceId>,
    },
    /// The steps that close the gaps of a coverage row, or of the cells marked: whose, where,
    /// what it is now, and the step.
    Reconcile {
        steps: Vec<crate::reconciling::Step>,
    },
    /// A coverage row, or the cells marked, onboarded on both sides: each gap's step as the
    /// administrator, then the member's acceptance through `role`.
    Onboard {
        steps: Vec<crate::reconciling::Step>,
        role: String,
    },
}

/// A question before anything changes: what, where, and what AWS needs first.
#[derive(Debug, Clone)]
pub struct Dialog {
    pub id: u64,
    pub response: Response,
    /// Each target with the source it belongs to and the row it came from.
    pub targets: Vec<(SourceId, Target, Invitation)>,
    /// Rows that were marked but cannot be answered this way, and why.
    pub skipped: Vec<String>,
    /// Places where several invitations were chosen but only one can be accepted (Security
    /// Hub and GuardDuty have one administrator per account and region): the person picks.
    pub choices: Vec<Choice>,
    /// None while asking AWS what each source needs.
    pub readiness: Option<BTreeMap<SourceId, Result<Readiness, AwsError>>>,
    /// Triage: a decline followed by a delete where the service has one.
    pub then_delete: bool,
}

/// Invitations of which only one can be accepted, newest first, and the one picked.
#[derive(Debug, Clone)]
pub struct Choice {
    pub candidates: Vec<(SourceId, Target, Invitation)>,
    pub chosen: usize,
}

impl Dialog {
    /// What confirming answers: the targets, and the pick of each choice.
    pub fn answering(&self) -> impl Iterator<Item = &(SourceId, Target, Invitation)> {
        let picked = self.choices.iter().map(|c| &c.candidates[c.chosen]);
        self.targets.iter().chain(picked)
    }

    pub fn sources(&self) -> Vec<SourceId> {
        let mut sources: Vec<SourceId> = self.answering().map(|(s, _, _)| s.clone()).collect();
        sources.sort();
        sources.dedup();
        sources
    }

    /// Tab: the next combination of picks, the first choice turning fastest.
    pub fn next_choice(&mut self) {
        for choice in &mut self.choices {
            choice.chosen = (choice.chosen + 1) % choice.candidates.len();
            if choice.chosen != 0 {
                return;
            }
        }
    }

    /// Moves what cannot all be accepted into choices: per Security Hub or GuardDuty source,
    /// more than one invitation. The newest is picked first.
    pub fn separate_choices(&mut self) {
        if self.response != Response::Accept {
            return;
        }
        let mut by_source: BTreeMap<SourceId, Vec<(SourceId, Target, Invitation)>> =
            BTreeMap::new();
        for target in std::mem::take(&mut self.targets) {
            by_source.entry(target.0.clone()).or_default().push(target);
        }
        for (source, mut group) in by_source {
            if group.len() > 1 && source.service != ServiceKind::Detective {
                group.sort_by_key(|c| std::cmp::Reverse(c.2.invited_at));
                self.choices.push(Choice {
                    candidates: group,
                    chosen: 0,
                });
            } else {
                self.targets.extend(group);
            }
        }
    }
}
