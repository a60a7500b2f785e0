//! Errors as guestlist reports them: a kind to act on, the service's code and message.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The account has not enabled the region: nothing to show there, not a failure.
    RegionNotEnabled,
    AccessDenied,
    /// The service is not enabled in that account and region.
    NotEnabled,
    Throttled,
    Timeout,
    /// No connection (DNS, refused, TLS).
    Network,
    /// No usable credentials.
    Credentials,
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

    /// A short phrase for a crowded status line.
    pub fn summary(&self) -> String {
        match self.kind {
            ErrorKind::RegionNotEnabled => "region not enabled".into(),
            ErrorKind::NotEnabled => "service not enabled".into(),
            ErrorKind::AccessDenied => "access denied".into(),
            ErrorKind::Throttled => "throttled".into(),
            ErrorKind::Timeout => "timed out".into(),
            ErrorKind::Network => "network error".into(),
            ErrorKind::Credentials => "no credentials".into(),
            ErrorKind::RepeatedToken => "repeated NextToken".into(),
            ErrorKind::Bound => "bound reached".into(),
            ErrorKind::Malformed => "malformed answer".into(),
            ErrorKind::ReadOnly => "refused: read-only".into(),
            ErrorKind::Service => self.code.clone(),
        }
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
