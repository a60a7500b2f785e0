//! Questions asked before anything changes: answering invitations, changing members, inviting.

use std::collections::BTreeMap;

use super::members::MemberAction;
use crate::model::AwsError;
use crate::model::{Invitation, Invitee, Member, Readiness, Response, SourceId, Target};

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
    /// None while asking AWS what each source needs.
    pub readiness: Option<BTreeMap<SourceId, Result<Readiness, AwsError>>>,
}

impl Dialog {
    pub fn sources(&self) -> Vec<SourceId> {
        let mut sources: Vec<SourceId> = self.targets.iter().map(|(s, _, _)| s.clone()).collect();
        sources.sort();
        sources.dedup();
        sources
    }
}
