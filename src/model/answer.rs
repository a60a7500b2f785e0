//! Answering an invitation, as data: what can be done to which rows, what AWS needs first, and
//! what came of it.

use std::fmt;

use serde::Serialize;

use super::{AwsError, Invitation, ServiceKind, Status};

/// What a member does with an invitation it received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Response {
    Accept,
    Decline,
    Delete,
}

impl Response {
    pub fn verb(self) -> &'static str {
        match self {
            Response::Accept => "accept",
            Response::Decline => "decline",
            Response::Delete => "delete",
        }
    }

    pub fn past(self) -> &'static str {
        match self {
            Response::Accept => "accepted",
            Response::Decline => "declined",
            Response::Delete => "deleted",
        }
    }

    /// Whether `invitation` can be answered this way, or why not.
    pub fn applies_to(self, invitation: &Invitation) -> Result<(), String> {
        let service = invitation.service;
        match (self, service) {
            (Response::Delete, ServiceKind::Detective) => Err(
                "Detective has no delete for invitations: decline (d) rejects it instead".into(),
            ),
            (Response::Accept, _) if invitation.status != Status::Pending => Err(format!(
                "only a pending invitation can be accepted; this one is {}",
                invitation.status_raw
            )),
            (Response::Decline, ServiceKind::Detective) if invitation.status_raw != "INVITED" => {
                Err(format!(
                    "Detective rejects only INVITED invitations; this one is {}",
                    invitation.status_raw
                ))
            }
            _ => Ok(()),
        }
    }

    /// The operation each service calls for it.
    pub fn operation(self, service: ServiceKind) -> &'static str {
        match (self, service) {
            (Response::Accept, ServiceKind::Detective | ServiceKind::Macie) => "AcceptInvitation",
            (Response::Accept, _) => "AcceptAdministratorInvitation",
            (Response::Decline, ServiceKind::Detective) => "RejectInvitation",
            (Response::Decline, _) => "DeclineInvitations",
            (Response::Delete, _) => "DeleteInvitations",
        }
    }
}

impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.verb())
    }
}

/// One invitation to answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The row's key, to report the outcome on.
    pub key: String,
    pub administrator_id: String,
    pub invitation_id: Option<String>,
    pub graph_arn: Option<String>,
}

impl Target {
    /// The invitation id to answer with; empty (and refused by the service) when the row had none.
    pub fn invitation_id(&self) -> &str {
        self.invitation_id.as_deref().unwrap_or_default()
    }

    pub fn of(invitation: &Invitation) -> Self {
        Self {
            key: invitation.key(),
            administrator_id: invitation.administrator_id.clone(),
            invitation_id: invitation.invitation_id.clone(),
            graph_arn: invitation.graph_arn.clone(),
        }
    }
}

/// Something AWS needs done before an answer can succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    EnableSecurityHub,
    CreateDetector,
    EnableMacie,
    /// One administrator at a time: leave the current one first.
    LeaveAdministrator {
        administrator: String,
    },
}

impl Step {
    pub fn describe(&self) -> String {
        match self {
            Step::EnableSecurityHub => "enable Security Hub (EnableSecurityHub)".into(),
            Step::CreateDetector => "enable GuardDuty: create a detector (CreateDetector)".into(),
            Step::EnableMacie => "enable Macie (EnableMacie)".into(),
            Step::LeaveAdministrator { administrator } => format!(
                "leave the current administrator {administrator} (DisassociateFromAdministratorAccount)"
            ),
        }
    }
}

/// What a source needs before `response` can succeed there.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Readiness {
    pub steps: Vec<Step>,
}

impl Readiness {
    /// One administrator at a time: with a current one, accepting means leaving it first.
    pub fn leaving(current_administrator: Option<&str>) -> Self {
        let steps = current_administrator
            .map(|administrator| Step::LeaveAdministrator {
                administrator: administrator.to_owned(),
            })
            .into_iter()
            .collect();
        Self { steps }
    }
}

/// What came of one change: answering an invitation, or changing a member (keyed by account).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub key: String,
    pub result: Result<(), AwsError>,
}

impl Outcome {
    /// The same failure for every key: the call could not be made, or failed as a whole.
    pub fn all_failed(keys: impl IntoIterator<Item = String>, error: &AwsError) -> Vec<Outcome> {
        keys.into_iter()
            .map(|key| Outcome {
                key,
                result: Err(error.clone()),
            })
            .collect()
    }
}

/// What a member answers: one response to the invitations it names.
#[derive(Debug, Clone, Copy)]
pub struct Answers<'a> {
    pub response: Response,
    pub targets: &'a [Target],
}

impl<'a> Answers<'a> {
    /// The invitations' keys, for outcomes that fail them all.
    pub fn keys(self) -> impl Iterator<Item = String> + 'a {
        self.targets.iter().map(|t| t.key.clone())
    }
}

/// Who acts, for the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    pub account: Option<String>,
}

/// The most accounts one batch call takes.
pub const BATCH: usize = 50;
