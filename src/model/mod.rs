//! What guestlist shows: invitations, where they come from, and what state they are in.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod answer;
mod coverage;
mod error;
mod history;
mod invitee;
mod trust;

pub use answer::{Actor, Answers, BATCH, Outcome, Readiness, Response, Step, Target};
pub use coverage::{Cell, CellState, Coverage, CoverageRow, Fix, RosterAccount};
pub use error::{AwsError, ErrorKind};
pub use history::{HistoryEvent, MEMBERSHIP_EVENTS, Trail, trails};
pub use invitee::{Invitee, Invites};
pub use trust::{Administrators, Trust, TrustPolicy};

/// The four services whose membership invitations guestlist shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceKind {
    #[serde(rename = "securityhub")]
    SecurityHub,
    #[serde(rename = "guardduty")]
    GuardDuty,
    Detective,
    Macie,
}

impl ServiceKind {
    pub const ALL: [ServiceKind; 4] = [
        ServiceKind::SecurityHub,
        ServiceKind::GuardDuty,
        ServiceKind::Detective,
        ServiceKind::Macie,
    ];

    /// The name on the command line and in JSON output.
    pub fn id(self) -> &'static str {
        match self {
            ServiceKind::SecurityHub => "securityhub",
            ServiceKind::GuardDuty => "guardduty",
            ServiceKind::Detective => "detective",
            ServiceKind::Macie => "macie",
        }
    }

    /// Its IAM actions' prefix.
    pub fn iam_prefix(self) -> &'static str {
        match self {
            ServiceKind::Macie => "macie2",
            other => other.id(),
        }
    }

    /// The name people know it by.
    pub fn display_name(self) -> &'static str {
        match self {
            ServiceKind::SecurityHub => "Security Hub",
            ServiceKind::GuardDuty => "GuardDuty",
            ServiceKind::Detective => "Detective",
            ServiceKind::Macie => "Macie",
        }
    }
}

impl fmt::Display for ServiceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

impl FromStr for ServiceKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_', ' '], "");
        ServiceKind::ALL
            .into_iter()
            .find(|s| s.id() == wanted)
            .ok_or_else(|| {
                format!("unknown service '{text}': use securityhub, guardduty, detective or macie")
            })
    }
}

/// One place invitations are listed: a service in a region, as one identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId {
    pub profile: String,
    pub region: String,
    pub service: ServiceKind,
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({})", self.service, self.region, self.profile)
    }
}

/// The services' many status strings, folded into what a person acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for an answer.
    Pending,
    /// Being verified before it can be answered.
    Verifying,
    /// Accepted and active.
    Accepted,
    /// Accepted but not working (Detective's volume limit).
    Disabled,
    /// Failed (email verification).
    Failed,
    /// Anything else the service reports.
    Other,
}

impl Status {
    pub fn normalise(service: ServiceKind, raw: &str) -> Status {
        match service {
            ServiceKind::Detective => match raw {
                "INVITED" => Status::Pending,
                "VERIFICATION_IN_PROGRESS" => Status::Verifying,
                "VERIFICATION_FAILED" => Status::Failed,
                "ENABLED" => Status::Accepted,
                "ACCEPTED_BUT_DISABLED" => Status::Disabled,
                _ => Status::Other,
            },
            ServiceKind::SecurityHub | ServiceKind::GuardDuty => match raw {
                "Invited" | "Created" => Status::Pending,
                "EmailVerificationInProgress" => Status::Verifying,
                "EmailVerificationFailed" => Status::Failed,
                "Enabled" | "Associated" => Status::Accepted,
                "Disabled" | "Removed" | "Resigned" | "Deleted" => Status::Disabled,
                _ => Status::Other,
            },
            // Macie's relationship statuses: Security Hub's, and three of its own for an
            // account that accepted but does not run (paused, its region off, suspended).
            ServiceKind::Macie => match raw {
                "Invited" | "Created" => Status::Pending,
                "EmailVerificationInProgress" => Status::Verifying,
                "EmailVerificationFailed" => Status::Failed,
                "Enabled" => Status::Accepted,
                "Paused" | "RegionDisabled" | "AccountSuspended" | "Removed" | "Resigned" => {
                    Status::Disabled
                }
                _ => Status::Other,
            },
        }
    }

    pub const ALL: [Status; 6] = [
        Status::Pending,
        Status::Verifying,
        Status::Accepted,
        Status::Disabled,
        Status::Failed,
        Status::Other,
    ];

    /// A state by its label, as `--status` takes it.
    pub fn from_label(label: &str) -> Result<Status, String> {
        let label = label.trim().to_lowercase();
        Status::ALL
            .into_iter()
            .find(|s| s.label() == label)
            .ok_or_else(|| {
                let all: Vec<&str> = Status::ALL.iter().map(|s| s.label()).collect();
                format!("'{label}' is not a state: {}", all.join(", "))
            })
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Verifying => "verifying",
            Status::Accepted => "accepted",
            Status::Disabled => "disabled",
            Status::Failed => "failed",
            Status::Other => "other",
        }
    }
}

/// Detective's usage of one data source package.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackageUsage {
    pub volume_bytes: Option<i64>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// What only one service reports, kept for the detail view and JSON output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Details {
    SecurityHub {},
    Macie {},
    GuardDuty {
        /// GuardDuty's `invitedAt` is a free-form string; kept as sent.
        invited_at_raw: Option<String>,
    },
    Detective {
        email: Option<String>,
        invitation_type: Option<String>,
        updated_at: Option<DateTime<Utc>>,
        disabled_reason: Option<String>,
        volume_usage_bytes: Option<i64>,
        volume_usage_updated_at: Option<DateTime<Utc>>,
        percent_of_graph_utilization: Option<f64>,
        percent_of_graph_utilization_updated_at: Option<DateTime<Utc>>,
        ingest_states: BTreeMap<String, String>,
        volume_usage_by_package: BTreeMap<String, PackageUsage>,
    },
}

/// One membership invitation received by an identity.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    pub service: ServiceKind,
    pub profile: String,
    pub region: String,
    /// The receiving account, when known (Detective says; otherwise from STS).
    pub account_id: Option<String>,
    pub administrator_id: String,
    pub invitation_id: Option<String>,
    pub graph_arn: Option<String>,
    pub invited_at: Option<DateTime<Utc>>,
    /// The service's own status string.
    pub status_raw: String,
    pub status: Status,
    pub details: Details,
}

impl Invitation {
    pub fn source(&self) -> SourceId {
        SourceId {
            profile: self.profile.clone(),
            region: self.region.clone(),
            service: self.service,
        }
    }

    /// What identifies it: the invitation id, or Detective's graph ARN.
    pub fn reference(&self) -> &str {
        self.invitation_id
            .as_deref()
            .or(self.graph_arn.as_deref())
            .unwrap_or("")
    }

    /// Stable across refreshes, unique within a listing.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}",
            self.service.id(),
            self.profile,
            self.region,
            self.administrator_id,
            self.reference()
        )
    }
}

/// An account an administrator identity has created or invited as a member.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub service: ServiceKind,
    pub profile: String,
    pub region: String,
    /// The administering account.
    pub administrator_id: String,
    pub account_id: String,
    pub email: Option<String>,
    /// The service's own status string (`MemberStatus`, `RelationshipStatus`, `Status`).
    pub status: String,
    pub invited_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Detective's graph, or GuardDuty's detector.
    pub resource: Option<String>,
    /// Why Detective disabled an accepted member (`VOLUME_TOO_HIGH`, `VOLUME_UNKNOWN`).
    pub disabled_reason: Option<String>,
    /// Made a member by AWS Organizations, not by invitation: it never receives one.
    pub managed: bool,
}

impl Member {
    pub fn source(&self) -> SourceId {
        SourceId {
            profile: self.profile.clone(),
            region: self.region.clone(),
            service: self.service,
        }
    }

    pub fn key(&self) -> String {
        Self::key_in(&self.source(), &self.account_id)
    }

    /// The key of the member `account` in `source`.
    pub fn key_in(source: &SourceId, account: &str) -> String {
        format!(
            "{}|{}|{}|{account}",
            source.service.id(),
            source.profile,
            source.region
        )
    }

    pub fn normalised(&self) -> Status {
        Status::normalise(self.service, &self.status)
    }
}

/// The JSON shape of `guestlist list --output json`, one object per invitation.
#[derive(Debug, Clone, Serialize)]
pub struct InvitationRecord<'a> {
    pub service: &'static str,
    pub region: &'a str,
    pub profile: &'a str,
    pub account_id: Option<&'a str>,
    /// The account's name, where its organization names it.
    pub account_name: Option<&'a str>,
    pub administrator_id: &'a str,
    pub invitation_id: Option<&'a str>,
    pub graph_arn: Option<&'a str>,
    pub invited_at: Option<String>,
    pub status: &'a str,
    /// `status` folded into what a person acts on: pending, verifying, accepted, disabled,
    /// failed or other.
    pub state: &'static str,
    /// What the trust policy makes of the sender: trusted, untrusted or unknown (no policy).
    pub trust: &'static str,
    pub details: &'a Details,
}

impl<'a> InvitationRecord<'a> {
    /// The record, with what `policy` makes of its sender.
    pub fn judged(self, invitation: &Invitation, policy: &TrustPolicy) -> Self {
        Self {
            trust: policy
                .judge(invitation.service, &invitation.administrator_id)
                .label(),
            ..self
        }
    }

    /// `account_id` falls back to the identity's account from STS.
    pub fn new(invitation: &'a Invitation, identity_account: Option<&'a str>) -> Self {
        Self {
            service: invitation.service.id(),
            region: &invitation.region,
            profile: &invitation.profile,
            account_id: invitation.account_id.as_deref().or(identity_account),
            account_name: None,
            administrator_id: &invitation.administrator_id,
            invitation_id: invitation.invitation_id.as_deref(),
            graph_arn: invitation.graph_arn.as_deref(),
            invited_at: invitation
                .invited_at
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            status: &invitation.status_raw,
            state: invitation.status.label(),
            trust: Trust::Unknown.label(),
            details: &invitation.details,
        }
    }
}

/// A member as `guestlist members` prints it: times to the second, as `list` has them.
#[derive(Debug, Serialize)]
pub struct MemberRecord<'a> {
    pub service: &'static str,
    pub region: &'a str,
    pub profile: &'a str,
    pub administrator_id: &'a str,
    pub account_id: &'a str,
    pub email: Option<&'a str>,
    pub status: &'a str,
    pub state: &'static str,
    pub invited_at: Option<String>,
    pub updated_at: Option<String>,
}

fn to_second(time: Option<DateTime<Utc>>) -> Option<String> {
    time.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

impl<'a> MemberRecord<'a> {
    pub fn new(member: &'a Member) -> Self {
        Self {
            service: member.service.id(),
            region: &member.region,
            profile: &member.profile,
            administrator_id: &member.administrator_id,
            account_id: &member.account_id,
            email: member.email.as_deref(),
            status: &member.status,
            state: member.normalised().label(),
            invited_at: to_second(member.invited_at),
            updated_at: to_second(member.updated_at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_parse_leniently_and_refuse_clearly() {
        assert_eq!("securityhub".parse(), Ok(ServiceKind::SecurityHub));
        assert_eq!("Security-Hub".parse(), Ok(ServiceKind::SecurityHub));
        assert_eq!("GuardDuty".parse(), Ok(ServiceKind::GuardDuty));
        let error = "inspector".parse::<ServiceKind>().unwrap_err();
        assert!(error.contains("securityhub, guardduty, detective or macie"));
        assert_eq!("Macie".parse(), Ok(ServiceKind::Macie));
    }

    #[test]
    fn statuses_normalise_per_service() {
        use ServiceKind::*;
        assert_eq!(Status::normalise(SecurityHub, "Invited"), Status::Pending);
        assert_eq!(
            Status::normalise(GuardDuty, "EmailVerificationFailed"),
            Status::Failed
        );
        assert_eq!(
            Status::normalise(Detective, "ACCEPTED_BUT_DISABLED"),
            Status::Disabled
        );
        assert_eq!(Status::normalise(Detective, "ENABLED"), Status::Accepted);
        assert_eq!(Status::normalise(Detective, "Invited"), Status::Other);
        assert_eq!(Status::normalise(Macie, "Invited"), Status::Pending);
        assert_eq!(Status::normalise(Macie, "Paused"), Status::Disabled);
        assert_eq!(Status::normalise(Macie, "RegionDisabled"), Status::Disabled);
        assert_eq!(
            Status::normalise(Macie, "AccountSuspended"),
            Status::Disabled
        );
        assert_eq!(Status::normalise(Macie, "Associated"), Status::Other);
    }
}
