//! Errors as guestlist reports them: a kind to act on, the service's code and message.

use std::fmt;

use super::ServiceKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The account has not enabled the region: nothing to show there, not a failure.
    RegionNotEnabled,
    /// A service rejected the token in its region; what that means is decided by asking STS
    /// (see the fetcher): one of the three below, or the service's word stands.
    TokenRejected,
    /// The key is not valid anywhere: STS rejects it too.
    CredentialsRejected,
    /// Valid elsewhere, rejected in this region: a session token from the global STS endpoint
    /// (version 1), which opt-in regions do not accept.
    TokenNotValidInRegion,
    /// Denied by IAM, or by a service control policy when the message says so.
    AccessDenied,
    /// The service is not enabled in that account and region.
    NotEnabled,
    Throttled,
    Timeout,
    /// No connection (DNS, refused, TLS).
    Network,
    /// No usable credentials.
    Credentials,
    /// The role could not be assumed in the account: missing, not trusting the caller (or
    /// its external id), or the account suspended.
    RoleNotAssumed,
    /// The service sent a `NextToken` it had already sent: following it would never end.
    RepeatedToken,
    /// A bound guestlist sets was reached: too many pages, too long, too large a response.
    Bound,
    /// The service answered with something it could not have sent: an error shape as a
    /// success, or a row without the fields every row has.
    Malformed,
    /// Refused before sending: guestlist runs with `--read-only`.
    ReadOnly,
    Service,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    pub kind: ErrorKind,
    pub code: String,
    pub message: String,
}

impl AwsError {
    pub fn new(kind: ErrorKind, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind,
            code: code.into(),
            message: message.into(),
        }
    }

    /// Whether this counts as a failure of the listing (a disabled region does not).
    pub fn is_failure(&self) -> bool {
        self.kind != ErrorKind::RegionNotEnabled
    }

    /// Whether it may pass if asked again later (throttled, a server's error, no answer),
    /// once the SDK's own retries are spent.
    pub fn is_passing(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Throttled | ErrorKind::Timeout | ErrorKind::Network
        ) || self.code.starts_with("Internal")
            || self.code == "ServiceUnavailable"
    }

    /// A short phrase for a crowded status line.
    pub fn summary(&self) -> String {
        match self.kind {
            ErrorKind::RegionNotEnabled => "region not enabled".into(),
            ErrorKind::TokenRejected => "token rejected".into(),
            ErrorKind::CredentialsRejected => "credentials rejected".into(),
            ErrorKind::TokenNotValidInRegion => "token not valid in this region".into(),
            ErrorKind::NotEnabled => "service not enabled".into(),
            ErrorKind::AccessDenied => "access denied".into(),
            ErrorKind::Throttled => "throttled".into(),
            ErrorKind::Timeout => "timed out".into(),
            ErrorKind::Network => "network error".into(),
            ErrorKind::Credentials => "no credentials".into(),
            ErrorKind::RoleNotAssumed => "role not assumed".into(),
            ErrorKind::RepeatedToken => "repeated NextToken".into(),
            ErrorKind::Bound => "bound reached".into(),
            ErrorKind::Malformed => "malformed answer".into(),
            ErrorKind::ReadOnly => "refused: read-only".into(),
            ErrorKind::Service => self.code.clone(),
        }
    }
}

impl AwsError {
    /// Whether an explicit deny in a service control policy refused it.
    pub fn by_scp(&self) -> bool {
        self.kind == ErrorKind::AccessDenied && self.message.contains("service control policy")
    }

    /// What a source that ended this way is, in a few words.
    pub fn state(&self) -> String {
        match self.kind {
            ErrorKind::AccessDenied if self.by_scp() => "denied by a service control policy".into(),
            ErrorKind::AccessDenied => "denied by IAM".into(),
            ErrorKind::Throttled => "throttled, then failed".into(),
            _ => self.summary(),
        }
    }

    /// What to do about it, for a source of `service`; None where the error says it all.
    pub fn next_step(&self, service: ServiceKind) -> Option<String> {
        let id = service.iam_prefix();
        Some(match self.kind {
            ErrorKind::RegionNotEnabled => {
                "an opt-in region this account has not enabled: enable it in the account's settings, or leave it out of --region".into()
            }
            ErrorKind::CredentialsRejected => {
                "the key is valid nowhere: a wrong or revoked key, a sign-in to renew (aws sso login), or a closed account".into()
            }
            ErrorKind::TokenNotValidInRegion => {
                "the session token came from the global STS endpoint, which opt-in regions do not accept: set AWS_STS_REGIONAL_ENDPOINTS=regional (or sts_regional_endpoints = regional in the profile)".into()
            }
            ErrorKind::TokenRejected => {
                "the service rejected the token here though STS accepts it: check the endpoint and the region".into()
            }
            ErrorKind::AccessDenied if self.by_scp() => format!(
                "an organization's service control policy denies {id} here: ask its administrators"
            ),
            ErrorKind::AccessDenied => format!(
                "allow the {id} actions guestlist uses to this identity (see the message for the one denied)"
            ),
            ErrorKind::NotEnabled => format!("{service} is not enabled in this account and region"),
            ErrorKind::Throttled => {
                "AWS kept throttling after every retry: try again later, or lower --concurrency".into()
            }
            ErrorKind::Timeout => {
                "no answer in time: raise --request-timeout, or check the network".into()
            }
            ErrorKind::Network => "could not connect: check the network or --endpoint-url".into(),
            ErrorKind::Credentials => {
                "no usable credentials: set a profile (--profile) or the AWS_ environment".into()
            }
            ErrorKind::RoleNotAssumed => {
                "the role cannot be assumed in this account: check that it exists there, trusts this identity (and --external-id), and that the account is active".into()
            }
            ErrorKind::RepeatedToken
            | ErrorKind::Bound
            | ErrorKind::Malformed
            | ErrorKind::ReadOnly
            | ErrorKind::Service => return None,
        })
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            f.write_str(&self.code)
        } else {
            write!(f, "{}: {}", self.code, self.message)
        }
    }
}

impl std::error::Error for AwsError {}
