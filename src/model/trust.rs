//! Whom to trust: the administrators an organization accepts invitations from, for every
//! service or for one, and what that makes of each invitation.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Invitation, ServiceKind};

/// What the trust policy makes of an invitation's sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trust {
    /// The sender is one the policy names.
    Trusted,
    /// A policy names administrators for this service, and the sender is not one of them.
    Untrusted,
    /// No policy names anyone for this service.
    Unknown,
}

impl Trust {
    pub fn label(self) -> &'static str {
        match self {
            Trust::Trusted => "trusted",
            Trust::Untrusted => "untrusted",
            Trust::Unknown => "unknown",
        }
    }

    /// A mark that says it without colour (NO_COLOR, a pipe): none where nothing is known.
    pub fn symbol(self) -> &'static str {
        match self {
            Trust::Trusted => "✓",
            Trust::Untrusted => "✗",
            Trust::Unknown => "",
        }
    }
}

/// The administrators accepted: for every service, and for one service each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustPolicy {
    everywhere: BTreeSet<String>,
    per_service: BTreeMap<ServiceKind, BTreeSet<String>>,
}

impl TrustPolicy {
    /// Trusts `account` in every service.
    pub fn trust(&mut self, account: impl Into<String>) {
        self.everywhere.insert(account.into());
    }

    /// Trusts `account` in `service` only.
    pub fn trust_in(&mut self, service: ServiceKind, account: impl Into<String>) {
        self.per_service
            .entry(service)
            .or_default()
            .insert(account.into());
    }

    /// From `--trust` values: `ACCOUNT` for every service, `SERVICE:ACCOUNT` for one.
    pub fn add_arg(&mut self, value: &str) -> Result<(), String> {
        let (service, account) = match value.split_once(':') {
            Some((service, account)) => (Some(service.parse::<ServiceKind>()?), account),
            None => (None, value),
        };
        let account = account.trim();
        if !crate::validate::is_account_id(account) {
            return Err(format!(
                "'{value}' is not ACCOUNT or SERVICE:ACCOUNT with a 12-digit account id"
            ));
        }
        match service {
            Some(service) => self.trust_in(service, account),
            None => self.trust(account),
        }
        Ok(())
    }

    /// This policy and `other`'s administrators together.
    pub fn merge(&mut self, other: &TrustPolicy) {
        self.everywhere.extend(other.everywhere.iter().cloned());
        for (service, accounts) in &other.per_service {
            self.per_service
                .entry(*service)
                .or_default()
                .extend(accounts.iter().cloned());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.everywhere.is_empty() && self.per_service.values().all(BTreeSet::is_empty)
    }

    /// Whether the policy names anyone for `service`.
    pub fn covers(&self, service: ServiceKind) -> bool {
        !self.everywhere.is_empty()
            || self
                .per_service
                .get(&service)
                .is_some_and(|s| !s.is_empty())
    }

    /// Who `service` may be administered by here, in order.
    pub fn trusted_in(&self, service: ServiceKind) -> BTreeSet<&str> {
        self.everywhere
            .iter()
            .chain(self.per_service.get(&service).into_iter().flatten())
            .map(String::as_str)
            .collect()
    }

    pub fn judge(&self, service: ServiceKind, sender: &str) -> Trust {
        if !self.covers(service) {
            Trust::Unknown
        } else if self.trusted_in(service).contains(sender) {
            Trust::Trusted
        } else {
            Trust::Untrusted
        }
    }

    /// What the policy makes of `invitation`, and why, in a sentence.
    pub fn verdict(&self, invitation: &Invitation) -> (Trust, String) {
        let service = invitation.service;
        let sender = &invitation.administrator_id;
        let trust = self.judge(service, sender);
        let why = match trust {
            Trust::Unknown => format!(
                "no trust policy names {}'s administrators",
                service.display_name()
            ),
            Trust::Trusted => format!("the policy trusts {sender} for {}", service.display_name()),
            Trust::Untrusted => {
                let trusted: Vec<&str> = self.trusted_in(service).into_iter().collect();
                format!(
                    "the policy trusts only {} for {}",
                    trusted.join(", "),
                    service.display_name()
                )
            }
        };
        (trust, why)
    }
}

/// The administrators each account already answers to, service by service and region by
/// region, from what guestlist has seen of it: the invitations it accepted.
#[derive(Debug, Clone, Default)]
pub struct Administrators {
    /// (profile, service, region) → administrator account.
    current: BTreeMap<(String, ServiceKind, String), String>,
}

impl Administrators {
    /// What `invitations` say of their accounts' administrators: an accepted one is current.
    pub fn from_invitations<'a>(invitations: impl IntoIterator<Item = &'a Invitation>) -> Self {
        let mut known = Self::default();
        for invitation in invitations {
            if invitation.status == super::Status::Accepted {
                known.current.insert(
                    (
                        invitation.profile.clone(),
                        invitation.service,
                        invitation.region.clone(),
                    ),
                    invitation.administrator_id.clone(),
                );
            }
        }
        known
    }

    /// The administrator of `invitation`'s account in its own service and region, where known.
    pub fn current(&self, invitation: &Invitation) -> Option<&str> {
        self.current
            .get(&(
                invitation.profile.clone(),
                invitation.service,
                invitation.region.clone(),
            ))
            .map(String::as_str)
    }

    /// Where else `invitation`'s account already has its sender as administrator: "guardduty
    /// us-east-1", one per service and region.
    pub fn elsewhere(&self, invitation: &Invitation) -> Vec<String> {
        self.current
            .iter()
            .filter(|((profile, service, region), admin)| {
                *profile == invitation.profile
                    && **admin == invitation.administrator_id
                    && (*service, region.as_str())
                        != (invitation.service, invitation.region.as_str())
            })
            .map(|((_, service, region), _)| format!("{} {region}", service.id()))
            .collect()
    }

    /// What is known of the sender besides the policy, in a sentence, or nothing.
    pub fn context(&self, invitation: &Invitation) -> Option<String> {
        let mut said = Vec::new();
        match self.current(invitation) {
            Some(admin) if admin == invitation.administrator_id => {}
            Some(admin) => said.push(format!(
                "this account's {} administrator here is {admin}",
                invitation.service.display_name()
            )),
            None => {}
        }
        let elsewhere = self.elsewhere(invitation);
        if !elsewhere.is_empty() {
            said.push(format!(
                "{} already administers this account in {}",
                invitation.administrator_id,
                elsewhere.join(", ")
            ));
        }
        (!said.is_empty()).then(|| said.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_for_every_service_or_one_judges_each_sender() {
        let mut policy = TrustPolicy::default();
        assert_eq!(
            policy.judge(ServiceKind::GuardDuty, "111122223333"),
            Trust::Unknown
        );
        policy.add_arg("guardduty:111122223333").unwrap();
        assert_eq!(
            policy.judge(ServiceKind::GuardDuty, "111122223333"),
            Trust::Trusted
        );
        assert_eq!(
            policy.judge(ServiceKind::GuardDuty, "999988887777"),
            Trust::Untrusted
        );
        // Only GuardDuty has a policy so far.
        assert_eq!(
            policy.judge(ServiceKind::SecurityHub, "999988887777"),
            Trust::Unknown
        );
        policy.add_arg("444455556666").unwrap();
        assert_eq!(
            policy.judge(ServiceKind::SecurityHub, "444455556666"),
            Trust::Trusted
        );
        assert_eq!(
            policy.judge(ServiceKind::SecurityHub, "111122223333"),
            Trust::Untrusted,
            "trusted for GuardDuty only"
        );
        assert!(policy.add_arg("inspector:111122223333").is_err());
        policy.add_arg("macie:555566667777").unwrap();
        assert_eq!(
            policy.judge(ServiceKind::Macie, "555566667777"),
            Trust::Trusted
        );
        assert!(policy.add_arg("1234").is_err());
    }
}
