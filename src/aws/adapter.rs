//! One interface over the three services' invitation APIs.

use std::sync::Arc;

use aws_config::SdkConfig;
use futures_util::future::BoxFuture;

use super::AwsError;
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
}

/// The adapter for `service`, with clients built from `config` (whose region it lists).
pub fn adapter_for(
    service: ServiceKind,
    config: &SdkConfig,
    profile: &str,
) -> Arc<dyn ServiceAdapter> {
    let region = config.region().map(|r| r.to_string()).unwrap_or_default();
    let scope = Scope {
        profile: profile.to_owned(),
        region,
    };
    match service {
        ServiceKind::SecurityHub => Arc::new(super::securityhub::SecurityHub::new(config, scope)),
        ServiceKind::GuardDuty => Arc::new(super::guardduty::GuardDuty::new(config, scope)),
        ServiceKind::Detective => Arc::new(super::detective::Detective::new(config, scope)),
    }
}

/// Where an adapter's invitations come from, stamped on every row it returns.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub profile: String,
    pub region: String,
}
