//! One interface over the services' membership APIs, split by capability: what a member does
//! with invitations it received ([`Invitations`]), and what an administrator does with members
//! ([`Members`]). What a service cannot do is said once, by the defaults here.

use std::sync::Arc;

use aws_config::SdkConfig;
use aws_credential_types::provider::SharedCredentialsProvider;
use futures_util::future::BoxFuture;

use super::call::Scope;
use super::clients::{Clients, ServiceClient};
use super::paging::Paged;
use crate::audit::AuditLog;
use crate::model::{
    Actor, Answers, AwsError, ErrorKind, Invitation, Invites, Member, Outcome, Readiness, Response,
    ServiceKind, Step,
};

/// What every service's adapter module speaks in: the capabilities it implements, the shared
/// flows, and the domain types its rows become.
pub(crate) mod prelude {
    pub(crate) use super::super::batch::{self, AccountCall, AccountOp, ByAccount, Unprocessed};
    pub(crate) use super::super::call::{Listed, Received};
    pub(crate) use super::{
        Adapter, InvitationPage, Invitations, MemberPage, Members, Outcomes, Pending,
        list_invitations, missing, nothing_where_off, unsupported,
    };
    pub(crate) use crate::model::{
        Actor, Answers, AwsError, Details, ErrorKind, Invitation, Invitee, Invites, Outcome,
        Readiness, Response, ServiceKind, Step, Target,
    };
    pub(crate) use serde_json::json;
}

/// An adapter call under way: boxed, so that adapters can be trait objects.
pub type Pending<'a, T> = BoxFuture<'a, Result<T, AwsError>>;

/// Answers under way: one outcome per key, whatever happens.
pub type Outcomes<'a> = BoxFuture<'a, Vec<Outcome>>;

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

impl InvitationPage {
    /// A page of rows as read, or the first row's error: one malformed row fails the page.
    pub(crate) fn read(
        rows: impl Iterator<Item = Result<Invitation, AwsError>>,
        next_token: Option<&str>,
    ) -> Result<Self, AwsError> {
        Ok(Self {
            invitations: rows.collect::<Result<_, _>>()?,
            next_token: next_token.map(str::to_owned),
        })
    }
}

impl MemberPage {
    /// The members on this identity's `resource` (GuardDuty's detector, Detective's graph), as
    /// `list` reads them; none where there is no resource: it administers nothing there.
    pub(crate) async fn on_resource(
        resource: impl Future<Output = Result<Option<String>, AwsError>>,
        list: impl AsyncFnOnce(&str) -> Result<Self, AwsError>,
    ) -> Result<Self, AwsError> {
        match resource.await? {
            Some(resource) => list(&resource).await,
            None => Ok(Self::default()),
        }
    }

    /// A page of rows as read, or the first row's error: one malformed row fails the page.
    pub(crate) fn read(
        rows: impl Iterator<Item = Result<Member, AwsError>>,
        next_token: Option<&str>,
    ) -> Result<Self, AwsError> {
        Ok(Self {
            members: rows.collect::<Result<_, _>>()?,
            next_token: next_token.map(str::to_owned),
        })
    }
}

impl Paged for InvitationPage {
    fn next_token(&self) -> Option<&str> {
        self.next_token.as_deref()
    }
}

impl Paged for MemberPage {
    fn next_token(&self) -> Option<&str> {
        self.next_token.as_deref()
    }
}

/// Why `service` cannot do `what`, and what to do instead.
pub fn unsupported(service: ServiceKind, reason: impl Into<String>) -> AwsError {
    AwsError::new(
        ErrorKind::Service,
        "NotSupported",
        format!("{service}: {}", reason.into()),
    )
}

/// One service's adapter: its SDK client, and where it acts. Each service's module implements
/// the capabilities for its own client.
pub(crate) struct Adapter<C> {
    pub(crate) client: C,
    pub(crate) scope: Scope,
    /// The caller's detector, once known: an account has one per region, and an adapter lives
    /// for one piece of work, so it is not asked for again and again.
    pub(crate) detector: std::sync::OnceLock<String>,
}

impl<C> Adapter<C> {
    pub(crate) fn on(client: C, scope: Scope) -> Self {
        Self {
            client,
            scope,
            detector: std::sync::OnceLock::new(),
        }
    }
}

/// Builds each SDK's client with guestlist's interceptors: the builders are alike but each
/// SDK's own types, so a macro writes the constructor once.
macro_rules! adapter_new {
    ($($sdk:ident),* $(,)?) => {$(
        impl Adapter<$sdk::Client> {
            pub(crate) fn new(config: &SdkConfig, scope: Scope) -> Self {
                let builder = $sdk::config::Builder::from(config);
                let builder = scope.intercepted(builder, |b, g| b.interceptor(g));
                let client = $sdk::Client::from_conf(builder.build());
                Self::on(client, scope)
            }
        }
    )*};
}

adapter_new!(
    aws_sdk_securityhub,
    aws_sdk_guardduty,
    aws_sdk_detective,
    aws_sdk_macie2
);

impl<C: Send + Sync> Service for Adapter<C> {
    fn service(&self) -> ServiceKind {
        self.scope.service
    }
}

/// [`Invitations::list_invitations`] as every SDK spells it: one page at the adapter's
/// `MAX_PAGE`, each row read by the adapter's own `received`.
macro_rules! list_invitations {
    () => {
        fn list_invitations(&self, next_token: Option<String>) -> Pending<'_, InvitationPage> {
            Box::pin(async move {
                let request = self.client.list_invitations().max_results(MAX_PAGE);
                let request = request.set_next_token(next_token).send();
                let output = self.scope.read(request).await?;
                let rows = output.invitations().iter().map(|row| self.received(row));
                InvitationPage::read(rows, output.next_token())
            })
        }
    };
}

pub(crate) use list_invitations;

/// What an operation needs and this identity does not have here (no detector, no graph).
pub(crate) fn missing(code: &str, message: String) -> AwsError {
    AwsError::new(ErrorKind::NotEnabled, code, message)
}

/// `result`, or nothing where the service is off in this account and region: no administrator
/// there, no members, not enabled.
pub(crate) fn nothing_where_off<T: Default>(result: Result<T, AwsError>) -> Result<T, AwsError> {
    match result {
        Err(error) if error.kind == ErrorKind::NotEnabled => Ok(T::default()),
        other => other,
    }
}

/// Which service an adapter speaks for.
pub trait Service: Send + Sync {
    fn service(&self) -> ServiceKind;
}

/// The invitations an identity received in one service and region, and answering them.
pub trait Invitations: Service {
    /// One page of the invitations this identity received, at the largest page size the
    /// service allows.
    fn list_invitations(&self, next_token: Option<String>) -> Pending<'_, InvitationPage>;

    /// What must happen first for `response` to succeed here: declining and deleting need
    /// nothing; accepting may.
    fn readiness(&self, response: Response) -> Pending<'_, Readiness> {
        match response {
            Response::Accept => self.before_accepting(),
            Response::Decline | Response::Delete => Box::pin(async { Ok(Readiness::default()) }),
        }
    }

    /// What accepting needs first (the service enabled, no other administrator); by default,
    /// nothing.
    fn before_accepting(&self) -> Pending<'_, Readiness> {
        Box::pin(async { Ok(Readiness::default()) })
    }

    /// The administrator this account answers to here (`GetAdministratorAccount`), none
    /// where the service is off. By default the service has no such question: Detective's
    /// memberships are rows of their own.
    fn administrator(&self) -> Pending<'_, Option<String>> {
        Box::pin(async { Ok(None) })
    }

    fn take_step<'a>(&'a self, step: &'a Step, _actor: &'a Actor) -> Pending<'a, ()> {
        let error = unsupported(
            self.service(),
            format!("needs no step to {}", step.describe()),
        );
        Box::pin(async move { Err(error) })
    }

    /// Answers each target; one outcome per target, whatever happens.
    fn respond<'a>(&'a self, answers: Answers<'a>, _actor: &'a Actor) -> Outcomes<'a> {
        let error = format!("cannot {} invitations", answers.response);
        let error = unsupported(self.service(), error);
        Box::pin(async move { Outcome::all_failed(answers.keys(), &error) })
    }
}

/// The members an identity administers in one service and region, and changing them.
pub trait Members: Service {
    /// A page of this identity's members; none where it administers nothing. By default the
    /// service has no members to list.
    fn list_members(&self, _next_token: Option<String>) -> Pending<'_, MemberPage> {
        Box::pin(async { Ok(MemberPage::default()) })
    }

    /// Creates each invitee as a member and invites it; one outcome per account, keyed by id.
    fn invite<'a>(&'a self, invites: Invites<'a>, _actor: &'a Actor) -> Outcomes<'a> {
        let error = unsupported(self.service(), "cannot invite members");
        Box::pin(async move { Outcome::all_failed(invites.accounts(), &error) })
    }

    /// Deletes the invitations this administrator sent to `accounts`.
    fn withdraw<'a>(&'a self, accounts: &'a [String], _actor: &'a Actor) -> Outcomes<'a> {
        let keys = accounts.iter().cloned();
        let error = unsupported(self.service(), "cannot withdraw invitations");
        Box::pin(async move { Outcome::all_failed(keys, &error) })
    }

    /// Disassociates and deletes `accounts` as members.
    fn remove_members<'a>(&'a self, accounts: &'a [String], _actor: &'a Actor) -> Outcomes<'a> {
        let keys = accounts.iter().cloned();
        let error = unsupported(self.service(), "cannot remove members");
        Box::pin(async move { Outcome::all_failed(keys, &error) })
    }

    /// What this identity must do before it can have members here (enable Security Hub,
    /// create a detector); none by default.
    fn before_administering(&self) -> Pending<'_, Vec<Step>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    /// Deletes `accounts` as members without disassociating them first: members that never
    /// joined (their email failed verification), to be created again.
    fn delete_members<'a>(&'a self, accounts: &'a [String], _actor: &'a Actor) -> Outcomes<'a> {
        let keys = accounts.iter().cloned();
        let error = unsupported(self.service(), "cannot delete members");
        Box::pin(async move { Outcome::all_failed(keys, &error) })
    }

    /// Starts monitoring `accounts` again: GuardDuty members their administrator stopped,
    /// Detective members accepted but disabled. Security Hub has no such state.
    fn start_monitoring<'a>(&'a self, accounts: &'a [String], _actor: &'a Actor) -> Outcomes<'a> {
        let keys = accounts.iter().cloned();
        let error = unsupported(self.service(), "has no monitoring to start");
        Box::pin(async move { Outcome::all_failed(keys, &error) })
    }
}

/// Both capabilities: what a planned source is listed and acted on through.
pub trait ServiceAdapter: Invitations + Members {}

impl<T: Invitations + Members> ServiceAdapter for T {}

/// How adapters are built: read-only, where changes are recorded, and the request rate
/// every adapter of a run keeps to.
#[derive(Debug, Clone, Default)]
pub struct AdapterOptions {
    pub read_only: bool,
    pub audit: Option<Arc<AuditLog>>,
    pub pace: Arc<super::pace::Pace>,
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
        signer: None,
    };
    match service {
        ServiceKind::SecurityHub => Arc::new(super::securityhub::SecurityHub::new(config, scope)),
        ServiceKind::GuardDuty => Arc::new(super::guardduty::GuardDuty::new(config, scope)),
        ServiceKind::Detective => Arc::new(super::detective::Detective::new(config, scope)),
        ServiceKind::Macie => Arc::new(super::macie::Macie::new(config, scope)),
    }
}

/// The adapter for `service` in `region`, on a client `clients` shares with the rest of a
/// fan-out, its requests signed as `signer`.
pub fn shared_adapter(
    service: ServiceKind,
    region: &str,
    profile: &str,
    clients: &Clients,
    signer: SharedCredentialsProvider,
    options: &AdapterOptions,
) -> Arc<dyn ServiceAdapter> {
    let scope = Scope {
        profile: profile.to_owned(),
        region: region.to_owned(),
        service,
        options: options.clone(),
        signer: Some(signer),
    };
    match clients.client(&scope) {
        ServiceClient::SecurityHub(client) => Arc::new(Adapter::on(client, scope)),
        ServiceClient::GuardDuty(client) => Arc::new(Adapter::on(client, scope)),
        ServiceClient::Detective(client) => Arc::new(Adapter::on(client, scope)),
        ServiceClient::Macie(client) => Arc::new(Adapter::on(client, scope)),
    }
}
