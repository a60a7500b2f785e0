//! Classifying what the SDK returns: by the service's error code, or by how the request failed.

use std::fmt;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_securityhub::error::{ProvideErrorMetadata, SdkError};

use crate::model::{AwsError, ErrorKind};

impl AwsError {
    /// Classifies any SDK error by its code, or by how the request failed.
    pub fn from_sdk<E, R>(error: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: fmt::Debug,
    {
        if let Some(code) = error.code() {
            let message = error.message().unwrap_or("").to_owned();
            return Self::from_code(code, message);
        }
        let detail = error_chain(&error);
        if let Some(at) = detail.find(super::read_only::REFUSED) {
            return Self::new(ErrorKind::ReadOnly, "ReadOnly", detail[at..].to_owned());
        }
        if let Some(at) = detail.find(super::http::TOO_LARGE) {
            return Self::new(
                ErrorKind::Bound,
                "ResponseTooLarge",
                detail[at..].to_owned(),
            );
        }
        if let Some(at) = detail.find(super::well_formed::MALFORMED) {
            return Self::new(
                ErrorKind::Malformed,
                "MalformedResponse",
                detail[at..].to_owned(),
            );
        }
        match &error {
            SdkError::TimeoutError(_) => Self::new(ErrorKind::Timeout, "Timeout", detail),
            SdkError::DispatchFailure(failure) if failure.is_timeout() => {
                Self::new(ErrorKind::Timeout, "Timeout", detail)
            }
            SdkError::DispatchFailure(failure) if failure.is_io() => {
                Self::new(ErrorKind::Network, "NetworkError", detail)
            }
            _ if mentions_credentials(&detail) => Self::from_credentials_detail(detail),
            SdkError::DispatchFailure(_) => {
                Self::new(ErrorKind::Network, "DispatchFailure", detail)
            }
            SdkError::ResponseError(_) => {
                Self::new(ErrorKind::Service, "UnreadableResponse", detail)
            }
            _ => Self::new(ErrorKind::Service, "RequestFailed", detail),
        }
    }

    /// Classifies credentials that could not be had: a role not assumed (or STS too busy to
    /// assume it now), or no credentials at all.
    pub fn from_credentials(error: &CredentialsError) -> Self {
        Self::from_credentials_detail(error_chain(error))
    }

    fn from_credentials_detail(detail: String) -> Self {
        let at = detail.find(super::assume::NOT_ASSUMED).unwrap_or(0);
        if detail.contains(super::assume::STS_BUSY) {
            Self::new(
                ErrorKind::Throttled,
                "StsUnavailable",
                detail[at..].to_owned(),
            )
        } else if detail.contains(super::assume::NOT_ASSUMED) {
            Self::new(
                ErrorKind::RoleNotAssumed,
                "RoleNotAssumed",
                detail[at..].to_owned(),
            )
        } else {
            Self::new(ErrorKind::Credentials, "NoCredentials", detail)
        }
    }

    pub fn from_code(code: &str, message: String) -> Self {
        let kind = match code {
            // Never "region not enabled" on a service's word alone: the fetcher asks STS.
            "UnrecognizedClientException" | "InvalidClientTokenId" => ErrorKind::TokenRejected,
            "OptInRequired" | "RegionDisabledException" => ErrorKind::RegionNotEnabled,
            // Macie answers an account that has not enabled it this way: the service is off
            // there, which is not a refusal.
            "AccessDeniedException" if message.contains("Macie is not enabled") => {
                ErrorKind::NotEnabled
            }
            "AccessDeniedException" | "AccessDenied" | "UnauthorizedOperation" => {
                ErrorKind::AccessDenied
            }
            "InvalidAccessException" => ErrorKind::NotEnabled,
            "TooManyRequestsException"
            | "ThrottlingException"
            | "Throttling"
            | "LimitExceededException" => ErrorKind::Throttled,
            "ExpiredTokenException" | "ExpiredToken" => ErrorKind::Credentials,
            _ => ErrorKind::Service,
        };
        Self::new(kind, code, message)
    }
}

/// Whether a failure's detail is about credentials: what the SDK says when a provider failed.
fn mentions_credentials(detail: &str) -> bool {
    detail.contains(super::assume::STS_BUSY)
        || detail.contains(super::assume::NOT_ASSUMED)
        || detail.contains("credentials")
        || detail.contains("Credentials")
}

/// The error and its sources on one line: the SDK's top-level message alone says little.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_classified() {
        let kind = |code: &str| AwsError::from_code(code, String::new()).kind;
        assert_eq!(
            kind("UnrecognizedClientException"),
            ErrorKind::TokenRejected
        );
        assert_eq!(kind("RegionDisabledException"), ErrorKind::RegionNotEnabled);
        assert_eq!(kind("AccessDeniedException"), ErrorKind::AccessDenied);
        assert_eq!(kind("InvalidAccessException"), ErrorKind::NotEnabled);
        let macie_off = "Macie is not enabled for account 444455556666 in this region.";
        assert_eq!(
            AwsError::from_code("AccessDeniedException", macie_off.into()).kind,
            ErrorKind::NotEnabled
        );
        assert_eq!(kind("TooManyRequestsException"), ErrorKind::Throttled);
        assert_eq!(kind("InternalException"), ErrorKind::Service);
        assert!(!AwsError::from_code("OptInRequired", String::new()).is_failure());
        assert!(AwsError::from_code("AccessDeniedException", String::new()).is_failure());
    }
}
