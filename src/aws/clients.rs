//! One SDK client per service and region, shared by every identity of a fan-out: a thousand
//! accounts × 17 regions × 3 services had built 51,000 clients, each its own configuration and
//! runtime plugins. A shared client signs each request as the identity whose work sends it:
//! the adapter runs the request inside [`signed_as`], and the client's credentials provider
//! reads whose turn it is from there. The SDK's identity cache is off on these clients (it
//! would hold one identity for all); each identity caches its own credentials ([`Cached`]).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_async::time::SharedTimeSource;

use super::call::Scope;
use crate::model::ServiceKind;

tokio::task_local! {
    /// The credentials of the identity sending the request being polled.
    static SIGNER: SharedCredentialsProvider;
}

/// Runs `request` signed as `credentials`, on a client from [`Clients`].
pub(crate) fn signed_as<F: Future>(
    credentials: SharedCredentialsProvider,
    request: F,
) -> impl Future<Output = F::Output> {
    SIGNER.scope(credentials, request)
}

/// The shared clients' credentials: those of the identity whose request this is.
#[derive(Debug)]
struct Current;

impl ProvideCredentials for Current {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        match SIGNER.try_with(Clone::clone) {
            Ok(credentials) => provider::future::ProvideCredentials::new(async move {
                credentials.provide_credentials().await
            }),
            // A bug, not a user's error: a shared client used outside `signed_as`.
            Err(_) => provider::future::ProvideCredentials::ready(Err(
                CredentialsError::not_loaded("a shared client was used with no identity"),
            )),
        }
    }
}

/// An identity's credentials, kept until five minutes before they expire and then asked for
/// again, once however many requests are waiting. A failure is not kept: the next request
/// asks again, as the SDK's own cache does.
#[derive(Debug)]
pub struct Cached {
    inner: SharedCredentialsProvider,
    clock: SharedTimeSource,
    held: tokio::sync::Mutex<Option<Credentials>>,
}

/// How long before expiry credentials are renewed: the SDK's lazy cache renews within its
/// buffer too, so a request never leaves with credentials about to lapse.
const RENEW_BEFORE: Duration = Duration::from_secs(300);

impl Cached {
    /// The credentials of `config`, cached on `config`'s clock.
    pub fn of(config: &SdkConfig) -> Option<SharedCredentialsProvider> {
        let inner = config.credentials_provider()?;
        let clock = config.time_source().unwrap_or_default();
        Some(SharedCredentialsProvider::new(Cached {
            inner,
            clock,
            held: tokio::sync::Mutex::new(None),
        }))
    }

    fn fresh(&self, credentials: &Credentials) -> bool {
        credentials.expiry().is_none_or(|expiry| {
            let renew_at = expiry
                .checked_sub(RENEW_BEFORE)
                .unwrap_or(SystemTime::UNIX_EPOCH);
            self.clock.now() < renew_at
        })
    }
}

impl ProvideCredentials for Cached {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(async move {
            let mut held = self.held.lock().await;
            if let Some(credentials) = held.as_ref().filter(|c| self.fresh(c)) {
                return Ok(credentials.clone());
            }
            let credentials = self.inner.provide_credentials().await?;
            *held = Some(credentials.clone());
            Ok(credentials)
        })
    }
}

/// A client of one of the services.
#[derive(Clone)]
pub(crate) enum ServiceClient {
    SecurityHub(aws_sdk_securityhub::Client),
    GuardDuty(aws_sdk_guardduty::Client),
    Detective(aws_sdk_detective::Client),
    Macie(aws_sdk_macie2::Client),
}

/// The clients of a fan-out, built the first time a service and region is asked for.
pub struct Clients {
    template: SdkConfig,
    built: Mutex<HashMap<(ServiceKind, String), ServiceClient>>,
}

impl std::fmt::Debug for Clients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clients").finish_non_exhaustive()
    }
}

impl Clients {
    /// Clients configured as `base` (endpoint, HTTP client, retries, timeouts) but signing as
    /// whichever identity sends.
    pub fn like(base: &SdkConfig) -> Arc<Self> {
        let template = base
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(Current))
            .identity_cache(aws_config::identity::IdentityCache::no_cache())
            .build();
        Arc::new(Clients {
            template,
            built: Mutex::new(HashMap::new()),
        })
    }

    /// How many clients were built: one per service and region used.
    pub fn len(&self) -> usize {
        self.built
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The client for `scope`'s service and region, with its interceptors.
    pub(crate) fn client(&self, scope: &Scope) -> ServiceClient {
        let key = (scope.service, scope.region.clone());
        let mut built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        built
            .entry(key)
            .or_insert_with(|| {
                let config = super::with_region(&self.template, &scope.region);
                match scope.service {
                    ServiceKind::SecurityHub => ServiceClient::SecurityHub(
                        super::securityhub::SecurityHub::new(&config, scope.clone()).client,
                    ),
                    ServiceKind::GuardDuty => ServiceClient::GuardDuty(
                        super::guardduty::GuardDuty::new(&config, scope.clone()).client,
                    ),
                    ServiceKind::Detective => ServiceClient::Detective(
                        super::detective::Detective::new(&config, scope.clone()).client,
                    ),
                    ServiceKind::Macie => ServiceClient::Macie(
                        super::macie::Macie::new(&config, scope.clone()).client,
                    ),
                }
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn outside_signed_as_there_are_no_credentials() {
        assert!(Current.provide_credentials().await.is_err());
        let key = Credentials::new("AKIDTEST", "secret", None, None, "test");
        let given = signed_as(SharedCredentialsProvider::new(key.clone()), async {
            Current.provide_credentials().await
        })
        .await;
        let given = given.ok().map(|c| c.access_key_id().to_owned());
        assert_eq!(given.as_deref(), Some("AKIDTEST"));
    }
}
