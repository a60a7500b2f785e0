//! What `update` asks the runtime to do: data, so tests can see every request without I/O.

use super::state::dialogs::MemberChange;
use crate::model::{Actor, Invitee, Response, SourceId, Step, Target};

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
    /// List these sources too, in the fetch in flight (accounts that arrived later).
    FetchMore {
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
    /// Take the steps and send the answers; with `then_delete`, delete what was declined,
    /// where the service keeps declined invitations (triage).
    Answer {
        response: Response,
        answers: Vec<Answer>,
        then_delete: bool,
    },
    /// List one source again, as its own generation, to confirm what an action changed; a
    /// re-listing of it still in flight is cancelled.
    Refetch {
        source: SourceId,
        generation: u64,
    },
    /// Read CloudTrail's membership calls of these trails.
    LookupHistory {
        trails: Vec<crate::model::Trail>,
        days: u16,
    },
    /// Ask a source who its account's administrator is (`GetAdministratorAccount`).
    LookupAdministrator {
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
    /// One reconcile step for an account in each source of `batches`.
    Reconcile {
        fixes: Vec<(crate::model::Fix, Invitee, MemberBatch)>,
    },
    /// Onboard these cells on both sides (`crate::onboarding`), each reporting as it goes.
    Onboard {
        steps: Vec<crate::reconciling::Step>,
    },
    /// Plan the sources again: these profiles, services and regions (`all` for every region
    /// where each service is offered).
    Replan {
        profiles: Vec<String>,
        services: Vec<crate::model::ServiceKind>,
        regions: Vec<String>,
    },
    /// Write the table on screen to a new file (never over one that exists).
    Save {
        path: std::path::PathBuf,
        contents: String,
        rows: usize,
    },
}
