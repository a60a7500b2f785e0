//! Who invited, who accepted, who left: membership calls as CloudTrail recorded them.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{ServiceKind, SourceId};

/// The membership operations whose events make the history, as CloudTrail names them.
pub const MEMBERSHIP_EVENTS: [&str; 22] = [
    "CreateMembers",
    "InviteMembers",
    "AcceptAdministratorInvitation",
    "AcceptInvitation",
    "DeclineInvitations",
    "RejectInvitation",
    "DeleteInvitations",
    "DisassociateFromAdministratorAccount",
    "DisassociateFromMasterAccount",
    "DisassociateMembership",
    "DisassociateMembers",
    "DeleteMembers",
    "StopMonitoringMembers",
    "StartMonitoringMembers",
    "StartMonitoringMember",
    "DisableSecurityHub",
    "DeleteDetector",
    // Macie's own: members one at a time, invitations apart from them.
    "CreateMember",
    "CreateInvitations",
    "DisassociateMember",
    "DeleteMember",
    "DisableMacie",
];

/// One identity's CloudTrail in one region, for the services listed there.
#[derive(Debug, Clone, PartialEq)]
pub struct Trail {
    pub profile: String,
    pub region: String,
    pub services: Vec<ServiceKind>,
}

/// The trails `sources` lie in: one per identity and region, with its services in order.
pub fn trails<'a>(sources: impl IntoIterator<Item = &'a SourceId>) -> Vec<Trail> {
    let mut trails: Vec<Trail> = Vec::new();
    for id in sources {
        match trails
            .iter_mut()
            .find(|t| t.profile == id.profile && t.region == id.region)
        {
            Some(trail) if !trail.services.contains(&id.service) => trail.services.push(id.service),
            Some(_) => {}
            None => trails.push(Trail {
                profile: id.profile.clone(),
                region: id.region.clone(),
                services: vec![id.service],
            }),
        }
    }
    trails
}

/// One membership call in an account's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEvent {
    pub time: DateTime<Utc>,
    pub service: ServiceKind,
    pub region: String,
    /// The identity whose trail it is.
    pub profile: String,
    pub event: String,
    /// Who made the call: the ARN CloudTrail names.
    pub by: String,
    /// The request's parameters, as CloudTrail recorded them (compact JSON).
    pub parameters: String,
}

impl HistoryEvent {
    /// What the call looks like when it is someone hiding: a member leaving its administrator,
    /// members removed, monitoring stopped, the service turned off.
    pub fn concern(&self) -> Option<&'static str> {
        match self.event.as_str() {
            "DisassociateFromAdministratorAccount"
            | "DisassociateFromMasterAccount"
            | "DisassociateMembership" => Some("a member left its administrator"),
            "DeleteMembers" | "DisassociateMembers" | "DeleteMember" | "DisassociateMember" => {
                Some("members removed")
            }
            "StopMonitoringMembers" => Some("monitoring stopped"),
            "DisableSecurityHub" | "DeleteDetector" | "DisableMacie" => {
                Some("the service turned off")
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaving_removing_and_stopping_are_called_out_and_inviting_is_not() {
        let event = |name: &str| HistoryEvent {
            time: Utc::now(),
            service: ServiceKind::GuardDuty,
            region: "us-east-1".into(),
            profile: "p".into(),
            event: name.into(),
            by: "arn".into(),
            parameters: "{}".into(),
        };
        assert!(
            event("DisassociateFromAdministratorAccount")
                .concern()
                .is_some()
        );
        assert!(event("DeleteMembers").concern().is_some());
        assert!(event("StopMonitoringMembers").concern().is_some());
        assert!(event("DisassociateMember").concern().is_some());
        assert!(event("DisableMacie").concern().is_some());
        assert_eq!(event("InviteMembers").concern(), None);
        assert_eq!(event("AcceptAdministratorInvitation").concern(), None);
    }
}
