//! One interface over the three services' invitation APIs.

use std::sync::Arc;

use aws_config::SdkConfig;
use futures_util::future::BoxFuture;
use serde_json::Value;

use super::AwsError;
use crate::actions::{Actor, Outcome, Readiness, Response, Step, Target};
use crate::audit::{AuditLog, Entry};
use crate::model::{Invitation, ServiceKind};

/// A page of invitations and the token for the next one.
#[derive(Debug, Default)]
pub struct InvitationPage {
    pub invitations: Vec<Invitation>,
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
    pub fn guard<B>(&self, builder: B, add: impl FnOnce(B, super::guard::ReadOnlyGuard) -> B) -> B {
        if self.options.read_only {
            add(builder, super::guard::ReadOnlyGuard)
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
    match result {
        Err(error) => targets
            .iter()
            .map(|t| Outcome {
                key: t.key.clone(),
                result: Err(error.to_string()),
            })
            .collect(),
        Ok(unprocessed) => targets
            .iter()
            .map(|t| Outcome {
                key: t.key.clone(),
                result: match unprocessed
                    .iter()
                    .find(|(account, _)| *account == t.administrator_id)
                {
                    Some((_, reason)) => Err(reason.clone()),
                    None => Ok(()),
                },
            })
            .collect(),
    }
}
