//! Sending one request: its error classified, and, when it changes something, its intent and
//! outcome recorded in the audit log.

use std::future::Future;

use aws_sdk_securityhub::error::{ProvideErrorMetadata, SdkError};
use serde_json::Value;

use chrono::{DateTime, Utc};

use super::AdapterOptions;
use super::batch::{BatchOutput, Unprocessed};
use crate::audit::Entry;
use crate::model::{Actor, AwsError, Details, ErrorKind, Invitation, Member, ServiceKind, Status};

/// What a service says of an invitation, in its own words.
#[derive(Default)]
pub(crate) struct Received {
    pub account_id: Option<String>,
    pub administrator_id: Option<String>,
    pub invitation_id: Option<String>,
    pub graph_arn: Option<String>,
    pub invited_at: Option<DateTime<Utc>>,
    pub status: String,
}

/// What a service says of a member, in its own words.
pub(crate) struct Listed<'a> {
    pub administrator_id: Option<&'a str>,
    pub account_id: Option<&'a str>,
    pub email: Option<&'a str>,
    pub status: Option<&'a str>,
    pub invited_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Detective's graph, or GuardDuty's detector.
    pub resource: Option<String>,
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
    /// Sends a request that only reads.
    pub async fn read<T, E, R>(
        &self,
        request: impl Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Result<T, AwsError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        request.await.map_err(AwsError::from_sdk)
    }

    /// Sends a request that changes something, as `actor`, and records it; an unwritable log
    /// turns success into an error, so nothing changes without a trace.
    pub async fn change<T, E, R>(
        &self,
        actor: &Actor,
        operation: &str,
        parameters: Value,
        request: impl Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Result<T, AwsError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let result = self.read(request).await;
        self.audited(actor, operation, parameters, result)
    }

    /// Sends a batch call that changes something; the accounts it did not process, or its error.
    pub async fn batch<O, E, R>(
        &self,
        actor: &Actor,
        operation: &str,
        parameters: Value,
        request: impl Future<Output = Result<O, SdkError<E, R>>>,
    ) -> Result<Unprocessed, AwsError>
    where
        O: BatchOutput,
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let output = self.change(actor, operation, parameters, request).await?;
        Ok(output.unprocessed())
    }

    /// An invitation this scope's identity received, stamped with where it was listed.
    pub fn invitation(&self, received: Received, details: Details) -> Invitation {
        Invitation {
            service: self.service,
            profile: self.profile.clone(),
            region: self.region.clone(),
            account_id: received.account_id,
            administrator_id: received.administrator_id.unwrap_or_default(),
            invitation_id: received.invitation_id,
            graph_arn: received.graph_arn,
            invited_at: received.invited_at,
            status: Status::normalise(self.service, &received.status),
            status_raw: received.status,
            details,
        }
    }

    /// A member this scope's identity administers, stamped with where it was listed.
    pub fn member(&self, listed: Listed) -> Member {
        Member {
            service: self.service,
            profile: self.profile.clone(),
            region: self.region.clone(),
            administrator_id: listed.administrator_id.unwrap_or_default().to_owned(),
            account_id: listed.account_id.unwrap_or_default().to_owned(),
            email: listed.email.map(str::to_owned),
            status: listed.status.unwrap_or_default().to_owned(),
            invited_at: listed.invited_at,
            updated_at: listed.updated_at,
            resource: listed.resource,
        }
    }

    fn audited<T>(
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
                ErrorKind::Service,
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
