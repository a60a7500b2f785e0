//! Credentials for an account reached by assuming a role: STS `AssumeRole` as the base
//! identity, cached per account and renewed before they expire. A role that cannot be assumed
//! says so, with the role, so the account's sources name it instead of "no credentials".

use aws_config::SdkConfig;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials, SharedCredentialsProvider};

/// What every error of an assumed role starts with; `AwsError::from_sdk` reads it.
pub const NOT_ASSUMED: &str = "cannot assume";

/// What an `AssumeRole` that STS could not answer now (throttled, failing, unreachable) says:
/// worth another try, unlike a role that is missing or does not trust the caller.
pub const STS_BUSY: &str = "STS could not answer now";

#[derive(Debug)]
struct Assumed {
    role_arn: String,
    inner: Inner,
    pace: Option<Paced>,
}

/// Whose STS quota an `AssumeRole` counts against, and the run's pace that keeps within it.
#[derive(Debug, Clone)]
pub struct Paced {
    pub pace: std::sync::Arc<super::pace::Pace>,
    /// The identity that assumes the role.
    pub caller: String,
    /// Where its STS calls go.
    pub region: String,
}

/// How the role is assumed: one STS client serves every account of a fan-out (the SDK's own
/// provider builds a client per account, and takes no MFA code).
#[derive(Debug)]
struct Inner {
    sts: aws_sdk_sts::Client,
    session_name: String,
    external_id: Option<String>,
    mfa: Option<Mfa>,
}

/// An MFA device and the code it showed.
#[derive(Debug, Clone)]
pub struct Mfa {
    pub serial: String,
    pub code: String,
}

impl Assumed {
    async fn credentials(&self) -> provider::Result {
        // The identity cache asks only when it has nothing valid: each wait here is one call.
        if let Some(paced) = &self.pace {
            paced.pace.assume_role(&paced.caller, &paced.region).await;
        }
        let Inner {
            sts,
            session_name,
            external_id,
            mfa,
        } = &self.inner;
        let answer = sts
            .assume_role()
            .role_arn(&self.role_arn)
            .role_session_name(session_name)
            .set_external_id(external_id.clone())
            .set_serial_number(mfa.as_ref().map(|m| m.serial.clone()))
            .set_token_code(mfa.as_ref().map(|m| m.code.clone()))
            .send()
            .await
            .map_err(|error| {
                use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
                let passing = match &error {
                    SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => true,
                    _ => matches!(
                        error.code(),
                        Some(
                            "Throttling"
                                | "ThrottlingException"
                                | "TooManyRequestsException"
                                | "RequestLimitExceeded"
                                | "InternalFailure"
                                | "ServiceUnavailable"
                        )
                    ),
                };
                match passing {
                    true => CredentialsError::provider_error(format!(
                        "{STS_BUSY}: {}",
                        error.code().unwrap_or("no answer")
                    )),
                    false => CredentialsError::provider_error(error),
                }
            })?;
        let Some(given) = answer.credentials() else {
            return Err(CredentialsError::provider_error(
                "AssumeRole answered without credentials",
            ));
        };
        let expires = std::time::SystemTime::try_from(*given.expiration()).ok();
        Ok(aws_credential_types::Credentials::new(
            given.access_key_id(),
            given.secret_access_key(),
            Some(given.session_token().to_owned()),
            expires,
            "guestlist-assumed",
        ))
    }
}

impl ProvideCredentials for Assumed {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(async move {
            self.credentials().await.map_err(|error| {
                let mut detail = error.to_string();
                let mut source = std::error::Error::source(&error);
                while let Some(cause) = source {
                    detail.push_str(&format!(": {cause}"));
                    source = cause.source();
                }
                CredentialsError::provider_error(format!(
                    "{NOT_ASSUMED} {}: {detail}",
                    self.role_arn
                ))
            })
        })
    }
}

/// `base`, acting in another account through `role_arn`, assumed by calling STS as `sts` (the
/// same identity, with a region to sign for).
pub async fn assumed(
    base: &SdkConfig,
    sts: &SdkConfig,
    role_arn: &str,
    session_name: &str,
    external_id: Option<&str>,
) -> SdkConfig {
    let sts = aws_sdk_sts::Client::new(sts);
    assumed_with(base, &sts, role_arn, session_name, external_id, None, None)
}

/// [`assumed`], through an STS client the caller shares between accounts, with the code of
/// an MFA device where the role asks for one, and its STS calls paced. An MFA session lasts
/// as long as the role allows; the code is not asked again, so it is not renewed after.
pub fn assumed_with(
    base: &SdkConfig,
    sts: &aws_sdk_sts::Client,
    role_arn: &str,
    session_name: &str,
    external_id: Option<&str>,
    mfa: Option<&Mfa>,
    pace: Option<Paced>,
) -> SdkConfig {
    let provider = Assumed {
        role_arn: role_arn.to_owned(),
        inner: Inner {
            sts: sts.clone(),
            session_name: session_name.to_owned(),
            external_id: external_id.map(str::to_owned),
            mfa: mfa.cloned(),
        },
        pace,
    };
    base.to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        // Each account's credentials in a cache of their own: the SDK's shared cache holds 64
        // providers and evicts one at random past that, so a fan-out to a thousand accounts
        // assumed the role again for four requests in five.
        .identity_cache(aws_config::identity::IdentityCache::lazy().build())
        .build()
}
