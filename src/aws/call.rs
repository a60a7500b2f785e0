//! Sending one request: its error classified, and, when it changes something, its intent and
//! outcome recorded in the audit log.

use std::future::Future;

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_securityhub::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use serde_json::Value;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::AdapterOptions;
use super::batch::{BatchOutput, Unprocessed};
use crate::audit::{Entry, Phase};
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
    /// Why Detective disabled an accepted member.
    pub disabled_reason: Option<&'a str>,
    /// Made a member by AWS Organizations, not by invitation (Detective says so).
    pub managed: bool,
}

impl Listed<'_> {
    /// The member as listed on `resource` (Detective's graph, GuardDuty's detector).
    pub fn on(self, resource: &str) -> Self {
        let resource = Some(resource.to_owned());
        Self { resource, ..self }
    }
}

/// Where an adapter acts, stamped on every row it returns and every change it records.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub profile: String,
    pub region: String,
    pub service: ServiceKind,
    pub options: AdapterOptions,
    /// Whose credentials sign, where the client is shared by a fan-out's identities.
    pub signer: Option<SharedCredentialsProvider>,
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
        self.paced().await;
        let answer = match &self.signer {
            Some(signer) => super::clients::signed_as(signer.clone(), request).await,
            None => request.await,
        };
        answer.map_err(AwsError::from_sdk)
    }

    /// Waits for this account's turn in this region, within the service's documented rate.
    async fn paced(&self) {
        self.options
            .pace
            .wait(&self.profile, &self.region, self.service)
            .await;
    }

    /// Sends a request that changes something, as `actor`, recording its intent first and
    /// its outcome after: when the intent cannot be recorded nothing is sent, so nothing
    /// changes without a trace.
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
        self.audited(actor, operation, parameters, request, |_| None)
            .await
    }

    /// Sends a change whose answer says nothing guestlist uses: it succeeded, or why not.
    pub async fn act<T, E, R>(
        &self,
        actor: &Actor,
        operation: &str,
        parameters: Value,
        request: impl Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Result<(), AwsError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let done = self.change(actor, operation, parameters, request).await;
        done.map(|_| ())
    }

    /// Turns the service on, the step before accepting or administering: found on already (the
    /// service's `conflict` error) is what the step wanted.
    pub async fn enable<T, E, R>(
        &self,
        actor: &Actor,
        operation: &str,
        conflict: &str,
        request: impl Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Result<(), AwsError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        match self
            .change(actor, operation, serde_json::json!({}), request)
            .await
        {
            Err(e) if e.code == conflict => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// Leaves the current `administrator`, the step before accepting another's invitation.
    pub async fn leave<T, E, R>(
        &self,
        actor: &Actor,
        mut parameters: Value,
        administrator: &str,
        request: impl Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Result<(), AwsError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        parameters["Administrator"] = Value::from(administrator);
        let operation = "DisassociateFromAdministratorAccount";
        self.act(actor, operation, parameters, request).await
    }

    /// Sends a change under its current name and, when IAM denies that name, under its older
    /// one: policies that allow only the older name exist (AWS asks them to allow both). The
    /// older request is a future, so it is sent only when needed.
    pub async fn change_or_older<T, E, R, U, E2, R2>(
        &self,
        actor: &Actor,
        current: (&str, Value, impl Future<Output = Result<T, SdkError<E, R>>>),
        older: (
            &str,
            Value,
            impl Future<Output = Result<U, SdkError<E2, R2>>>,
        ),
    ) -> Result<(), AwsError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
        E2: ProvideErrorMetadata + std::error::Error + 'static,
        R2: std::fmt::Debug,
    {
        let (operation, parameters, request) = current;
        let denied = match self.change(actor, operation, parameters, request).await {
            Err(denied) if denied.kind == ErrorKind::AccessDenied => denied,
            other => return other.map(|_| ()),
        };
        let (older_operation, parameters, request) = older;
        tracing::warn!(region = %self.region, "{operation} denied; trying the older {older_operation}");
        match self
            .change(actor, older_operation, parameters, request)
            .await
        {
            Ok(_) => Ok(()),
            // When the older name is denied too, that is no news: the first refusal says more.
            Err(older) if older.kind == ErrorKind::AccessDenied => Err(denied),
            Err(older) => Err(older),
        }
    }

    /// Sends a batch call that changes something for `accounts`; the accounts it did not
    /// process, or its error. Its outcome is recorded per account.
    pub async fn batch<O, E, R>(
        &self,
        actor: &Actor,
        operation: &str,
        parameters: Value,
        accounts: &[String],
        request: impl Future<Output = Result<O, SdkError<E, R>>>,
    ) -> Result<Unprocessed, AwsError>
    where
        O: BatchOutput,
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let per_account = |output: &O| {
            let unprocessed = output.unprocessed();
            let each = accounts.iter().map(|account| {
                let result = unprocessed
                    .iter()
                    .find(|(a, _)| a == account)
                    .map_or_else(|| "ok".to_owned(), |(_, why)| why.message.clone());
                (account.clone(), result)
            });
            Some(each.collect())
        };
        let output = self
            .audited(actor, operation, parameters, request, per_account)
            .await?;
        Ok(output.unprocessed())
    }

    /// A row the service could not have sent: the source fails, named as malformed.
    fn malformed(&self, what: &str) -> AwsError {
        AwsError::new(
            ErrorKind::Malformed,
            "MalformedResponse",
            format!(
                "{} answered with {what}: a row every answer has fields for",
                self.service
            ),
        )
    }

    /// An invitation this scope's identity received, stamped with where it was listed; one
    /// without an administrator or an id is malformed.
    pub fn invitation(&self, received: Received, details: Details) -> Result<Invitation, AwsError> {
        let present = |field: &Option<String>| field.as_deref().is_some_and(|f| !f.is_empty());
        if !present(&received.administrator_id) {
            return Err(self.malformed("an invitation without its administrator"));
        }
        if !present(&received.invitation_id) && !present(&received.graph_arn) {
            return Err(self.malformed("an invitation without an id"));
        }
        Ok(Invitation {
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
        })
    }

    /// A member this scope's identity administers, stamped with where it was listed; one
    /// without an account is malformed.
    pub fn member(&self, listed: Listed) -> Result<Member, AwsError> {
        if listed.account_id.is_none_or(str::is_empty) {
            return Err(self.malformed("a member without its account"));
        }
        Ok(Member {
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
            disabled_reason: listed.disabled_reason.map(str::to_owned),
            managed: listed.managed,
        })
    }

    async fn audited<T, E, R>(
        &self,
        actor: &Actor,
        operation: &str,
        parameters: Value,
        request: impl Future<Output = Result<T, SdkError<E, R>>>,
        per_account: impl FnOnce(&T) -> Option<BTreeMap<String, String>>,
    ) -> Result<T, AwsError>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let Some(audit) = &self.options.audit else {
            return self.read(request).await;
        };
        let now = || chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut entry = Entry {
            time: now(),
            id: audit.next_id(),
            phase: Phase::Intent,
            profile: &self.profile,
            account: actor.account.as_deref(),
            region: &self.region,
            service: self.service.id(),
            operation,
            parameters,
            outcome: None,
            accounts: None,
        };
        if let Err(error) = audit.record(&entry) {
            // The request future is dropped unpolled: nothing is sent.
            return Err(AwsError::new(
                ErrorKind::Service,
                "AuditLogUnwritable",
                format!(
                    "{operation} was not sent: {} could not be written: {error}",
                    audit.path().display()
                ),
            ));
        }
        let result = self.read(request).await;
        entry.time = now();
        entry.phase = Phase::Outcome;
        entry.accounts = result.as_ref().ok().and_then(per_account);
        let partial = entry
            .accounts
            .as_ref()
            .is_some_and(|each| each.values().any(|r| r != "ok"));
        entry.outcome = Some(match &result {
            Ok(_) if partial => "partial".to_owned(),
            Ok(_) => "ok".to_owned(),
            Err(error) => error.to_string(),
        });
        match audit.record(&entry) {
            Ok(()) => result,
            Err(error) => Err(AwsError::new(
                ErrorKind::Service,
                "AuditLogUnwritable",
                format!(
                    "{operation} was sent ({}) but its outcome could not be written to {}: {error}",
                    entry.outcome.as_deref().unwrap_or_default(),
                    audit.path().display()
                ),
            )),
        }
    }

    /// A service's client configuration with guestlist's interceptors: answers are checked
    /// for being what they claim, and under `--read-only` nothing that changes is sent.
    pub fn intercepted<B>(&self, builder: B, add: impl Fn(B, SharedInterceptor) -> B) -> B {
        let builder = add(
            builder,
            SharedInterceptor::new(super::well_formed::WellFormed),
        );
        if self.options.read_only {
            add(
                builder,
                SharedInterceptor::new(super::read_only::ReadOnlyGuard),
            )
        } else {
            builder
        }
    }
}
