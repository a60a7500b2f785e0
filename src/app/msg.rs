//! What `update` is told: keys, time, and what background work reports.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseEvent};

use super::state::members::MemberAction;
use crate::fetch::FetchEvent;
use crate::model::AwsError;
use crate::model::{Member, Outcome, Readiness, Response, SourceId};

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
    /// The sources as planned again, or why they could not be.
    Replanned(Result<Replanned, String>),
    /// Accounts of the organization that arrived after the dashboard started, or why no more
    /// will; `None` once every account has.
    Arrived(Option<Result<Arrived, String>>),
    /// What came of `:save`: the rows written, or why not.
    Saved {
        path: std::path::PathBuf,
        result: Result<usize, String>,
    },
    /// What came of a change to members, or of inviting, in one source; keyed by account id.
    /// What CloudTrail said: the membership calls found, and the trails that could not be read.
    History {
        events: Vec<crate::model::HistoryEvent>,
        failures: Vec<String>,
    },
    /// Who the account answers to at a source (`GetAdministratorAccount`), as asked for the
    /// detail.
    Administrator {
        source: SourceId,
        result: Result<Option<String>, AwsError>,
    },
    MembersChanged {
        source: SourceId,
        action: MemberAction,
        outcomes: Vec<Outcome>,
    },
    /// Where onboarding has got to in one cell of the matrix.
    Onboarding {
        source: SourceId,
        account: String,
        progress: super::state::coverage::Onboarding,
    },
}

/// Accounts that arrived, as the state needs them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Arrived {
    pub sources: Vec<SourceId>,
    /// The accounts (profiles) they belong to.
    pub profiles: Vec<String>,
    /// Their names, where the organization gave them.
    pub names: Vec<(String, String)>,
}

/// A plan made again at runtime, as the state needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Replanned {
    pub sources: Vec<SourceId>,
    pub services: Vec<crate::model::ServiceKind>,
    pub regions: Vec<String>,
}
