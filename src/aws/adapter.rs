//! One interface over the three services' invitation APIs.

use std::sync::Arc;

use aws_config::SdkConfig;
use futures_util::future::BoxFuture;
use serde_json::Value;

use super::AwsError;
use crate::audit::{AuditLog, Entry};
use crate::model::Invitee;
use crate::model::{Actor, Outcome, Readiness, Response, Step, Target};
use crate::model::{Invitation, Member, ServiceKind};

/// A page of invitations and the token for the next one.
#[derive(Debug, Default)]
pub struct InvitationPage {
    pub invitations: Vec<Invitation>,
    pub next_token: Option<String>,
}

/// A page of the members an administrator has.
#[derive(Debug, Default)]
pub struct MemberPage {
    pub members: Vec<Member>,
    pub next_token: Option<String>,
}

/// A service's membership API, as one identity in one region sees it.
pub trait ServiceAdapter: Send + Sync {
    fn service(&self) -> ServiceKind;

    /// One page of the invitations this identity received, at the largest page size the
    /// service allows.
    fn list_invitations(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, Result<InvitationPage, AwsError>>;

    /// What must happen first for `response` to succeed here.
    fn readiness(&self, response: Response) -> BoxFuture<'_, Result<Readiness, AwsError>>;

    fn take_step<'a>(
        &'a self,
        step: &'a Step,
        actor: &'a Actor,
    ) -> BoxFuture<'a, Result<(), AwsError>>;

    /// Answers each target; one outcome per target, whatever happens.
    fn respond<'a>(
        &'a self,
        response: Response,
        targets: &'a [Target],
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>>;

    /// A page of this identity's members, as administrator; none where it administers nothing.
    fn list_members(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, Result<MemberPage, AwsError>>;

    /// Creates each invitee as a member and invites it; one outcome per account, keyed by id.
    fn invite<'a>(
        &'a self,
        invitees: &'a [Invitee],
        message: Option<&'a str>,
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>>;

    /// Deletes the invitations this administrator sent to `accounts`.
    fn withdraw_invitations<'a>(
        &'a self,
        accounts: &'a [String],
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>>;

    /// Disassociates and deletes `accounts` as members.
    fn remove_members<'a>(
        &'a self,
        accounts: &'a [String],
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>>;
}

/// How adapters are built: read-only, and where changes are recorded.
#[derive(Debug, Clone, Default)]
pub struct AdapterOptions {
    pub read_only: bool,
    pub audit: Option<Arc<AuditLog>>,
}

/// The adapter for `service`, with clients built from `config` (whose region it lists).
pub fn adapter_for(
    service: ServiceKind,
    config: &SdkConfig,
    profile: &str,
    options: &AdapterOptions,
) -> Arc<dyn ServiceAdapter> {
    let region = config.region().map(|r| r.to_string()).unwrap_or_default();
    let scope = Scope {
        profile: profile.to_owned(),
        region,
        service,
        options: options.clone(),
    };
    match service {
        ServiceKind::SecurityHub => Arc::new(super::securityhub::SecurityHub::new(config, scope)),
        ServiceKind::GuardDuty => Arc::new(super::guardduty::GuardDuty::new(config, scope)),
        ServiceKind::Detective => Arc::new(super::detective::Detective::new(config, scope)),
    }
}

/// Where an adapter acts, stamped on every row it returns and every change it records.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub profile: String,
    pub region: String,
    pub service: ServiceKind,
    pub options: AdapterOptions,
}

impl Scope {
    /// Records a call that changes something; an unwritable log turns success into an error,
    /// so nothing changes without a trace.
    pub fn audited<T>(
        &self,
        actor: &Actor,
        operation: &str,
        parameters: Value,
        result: Result<T, AwsError>,
    ) -> Result<T, AwsError> {
        let Some(audit) = &self.options.audit else {
            return result;
        };
        let outcome = match &result {
            Ok(_) => "ok".to_owned(),
            Err(error) => error.to_string(),
        };
        let entry = Entry {
            time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            profile: &self.profile,
            account: actor.account.as_deref(),
            region: &self.region,
            service: self.service.id(),
            operation,
            parameters,
            outcome,
        };
        match audit.record(&entry) {
            Ok(()) => result,
            Err(error) => Err(AwsError::new(
                super::ErrorKind::Service,
                "AuditLogUnwritable",
                format!(
                    "{operation} ran ({}) but {} could not be written: {error}",
                    entry.outcome,
                    audit.path().display()
                ),
            )),
        }
    }

    /// Applies the read-only guard to a service's client configuration.
    pub fn guard<B>(
        &self,
        builder: B,
        add: impl FnOnce(B, super::read_only::ReadOnlyGuard) -> B,
    ) -> B {
        if self.options.read_only {
            add(builder, super::read_only::ReadOnlyGuard)
        } else {
            builder
        }
    }
}

/// Outcomes for a whole batch from one call's result and its unprocessed accounts.
pub(crate) fn batch_outcomes(
    targets: &[Target],
    result: Result<Vec<(String, String)>, AwsError>,
) -> Vec<Outcome> {
    outcomes(
        targets
            .iter()
            .map(|t| (t.key.as_str(), t.administrator_id.as_str())),
        result,
    )
}

/// Outcomes keyed by the account ids themselves.
pub(crate) fn account_outcomes(
    accounts: &[String],
    result: Result<Vec<(String, String)>, AwsError>,
) -> Vec<Outcome> {
    outcomes(accounts.iter().map(|a| (a.as_str(), a.as_str())), result)
}

/// One outcome per (key, account): the call's error, the account's unprocessed reason, or done.
fn outcomes<'a>(
    items: impl Iterator<Item = (&'a str, &'a str)>,
    result: Result<Vec<(String, String)>, AwsError>,
) -> Vec<Outcome> {
    items
        .map(|(key, account)| Outcome {
            key: key.to_owned(),
            result: match &result {
                Err(error) => Err(error.to_string()),
                Ok(unprocessed) => match unprocessed.iter().find(|(a, _)| a == account) {
                    Some((_, reason)) => Err(reason.clone()),
                    None => Ok(()),
                },
            },
        })
        .collect()
}

/// Outcomes for a call that cannot be made at all.
pub(crate) fn all_failed(accounts: &[String], reason: &str) -> Vec<Outcome> {
    accounts
        .iter()
        .map(|a| Outcome {
            key: a.clone(),
            result: Err(reason.to_owned()),
        })
        .collect()
}
