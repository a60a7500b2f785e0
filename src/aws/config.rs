//! Building AWS SDK configuration for real accounts and for the sandbox.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::stalled_stream_protection::StalledStreamProtectionConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;

use super::profile_files::ProfileSections;

/// The secret the sandbox is given; it verifies no signatures, so any value works.
const SANDBOX_SECRET: &str = "guestlist-sandbox-secret";

/// Retries generous enough for throttling bursts: AWS answers membership calls with 429s
/// under load, and a listing that gives up after three tries loses rows.
pub fn retry_config() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(10)
        .with_initial_backoff(Duration::from_millis(50))
        .with_max_backoff(Duration::from_secs(5))
}

/// No stalled-stream watch: every answer guestlist reads is a page of JSON read whole within
/// the attempt, which the attempt timeout already bounds, and the watch's timers and body
/// wrappers cost CPU on every one of a fan-out's tens of thousands of requests.
fn stalled_streams() -> StalledStreamProtectionConfig {
    StalledStreamProtectionConfig::disabled()
}

pub fn timeout_config() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(20))
        .build()
}

/// A configuration that signs as `access_key_id` and sends everything to `endpoint_url`:
/// the sandbox, where a 12-digit key id acts as that account.
pub async fn sandbox_config(endpoint_url: &str, access_key_id: &str, region: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .endpoint_url(endpoint_url)
        .credentials_provider(Credentials::new(
            access_key_id,
            SANDBOX_SECRET,
            None,
            None,
            "guestlist-sandbox",
        ))
        .retry_config(retry_config())
        .timeout_config(timeout_config())
        .stalled_stream_protection(stalled_streams())
        .http_client(super::http::client())
        .load()
        .await
}

/// The configuration of one identity: the default credential chain and region (environment,
/// profiles, SSO, instance roles), or the named profile; `AWS_ENDPOINT_URL` and the per-service
/// endpoint variables keep working, and `endpoint_url` overrides them all. A named profile is
/// read from `files`: only its own sections (see [`super::profile_files`]).
pub async fn profile_config(
    profile: Option<(&str, &ProfileSections)>,
    endpoint_url: Option<&str>,
) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(timeout_config())
        .stalled_stream_protection(stalled_streams())
        .http_client(super::http::client());
    // The standard retry settings, where a user has made them, win over ours.
    let user_retries = ["AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"]
        .iter()
        .any(|name| std::env::var_os(name).is_some());
    if !user_retries {
        loader = loader.retry_config(retry_config());
    }
    if let Some((profile, files)) = profile {
        loader = loader
            .profile_name(profile)
            .profile_files(files.files_for(profile));
    }
    if let Some(url) = endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;
    let Some((profile, files)) = profile else {
        return config;
    };
    // A profile named on the command line is the identity, as the AWS CLI has it: the default
    // chain would let AWS_ACCESS_KEY_ID in the environment win over it, unseen.
    let provider_config = aws_config::provider_config::ProviderConfig::without_region()
        .with_region(config.region().cloned())
        .with_http_client(super::http::client());
    let credentials = aws_config::profile::ProfileFileCredentialsProvider::builder()
        .profile_name(profile)
        .profile_files(files.files_for(profile))
        .configure(&provider_config)
        .build();
    config
        .to_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
        )
        .build()
}

/// The same identity, with a region to sign for where it names none: global services (STS,
/// Organizations) answer in any, so `fallback` (else us-east-1) serves.
pub fn with_signing_region(config: &SdkConfig, fallback: Option<&str>) -> SdkConfig {
    match config.region() {
        Some(_) => config.clone(),
        None => with_region(config, fallback.unwrap_or("us-east-1")),
    }
}

/// The same identity, giving up on a request attempt after `timeout` (it is then retried).
pub fn with_timeout(config: &SdkConfig, timeout: Duration) -> SdkConfig {
    config
        .to_builder()
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(timeout.min(Duration::from_secs(5)))
                .operation_attempt_timeout(timeout)
                .build(),
        )
        .build()
}

/// The same identity, in another region.
pub fn with_region(config: &SdkConfig, region: &str) -> SdkConfig {
    config
        .to_builder()
        .region(Region::new(region.to_owned()))
        .build()
}
