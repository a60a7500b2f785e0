//! Credentials for an account reached by assuming a role: STS `AssumeRole` as the base
//! identity, cached by the SDK and renewed before they expire. A role that cannot be assumed
//! says so, with the role, so the account's sources name it instead of "no credentials".

use aws_config::SdkConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials, SharedCredentialsProvider};

/// What every error of an assumed role starts with; `AwsError::from_sdk` reads it.
pub const NOT_ASSUMED: &str = "cannot assume";

#[derive(Debug)]
struct Assumed {
    role_arn: String,
    inner: AssumeRoleProvider,
}

impl ProvideCredentials for Assumed {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(async move {
            self.inner.provide_credentials().await.map_err(|error| {
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
    let mut builder = AssumeRoleProvider::builder(role_arn).session_name(session_name);
    if let Some(id) = external_id {
        builder = builder.external_id(id);
    }
    let inner = builder.configure(sts).build().await;
    let provider = Assumed {
        role_arn: role_arn.to_owned(),
        inner,
    };
    base.to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build()
}
