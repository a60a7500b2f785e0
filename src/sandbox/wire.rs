//! What every service shares on the wire: who is calling, the parsed request, errors in the
//! restJson1 shape, input validation, and opaque page tokens.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hasher, RandomState};

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::controls::Fault;
use super::state::{KeyProblem, Time, World};
pub use crate::validate::{is_account_id, is_email};

/// The services the sandbox answers for, named by their SigV4 signing names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    #[serde(rename = "securityhub")]
    SecurityHub,
    #[serde(rename = "guardduty")]
    GuardDuty,
    Detective,
    Sts,
    /// Routed, not served yet: each answers in its own error shape.
    Organizations,
    #[serde(rename = "cloudtrail")]
    CloudTrail,
    Macie2,
}

impl Service {
    pub const ALL: [Service; 7] = [
        Service::SecurityHub,
        Service::GuardDuty,
        Service::Detective,
        Service::Sts,
        Service::Organizations,
        Service::CloudTrail,
        Service::Macie2,
    ];

    /// Whether its protocol is awsJson1_1: the operation in `X-Amz-Target`, `__type` in errors.
    pub fn aws_json(self) -> bool {
        matches!(self, Service::Organizations | Service::CloudTrail)
    }

    /// How the service says a token is not valid: STS's query dialect names it differently.
    pub fn token_rejected_code(self) -> &'static str {
        match self {
            Service::Sts => "InvalidClientTokenId",
            _ => "UnrecognizedClientException",
        }
    }

    pub fn signing_name(self) -> &'static str {
        match self {
            Service::SecurityHub => "securityhub",
            Service::GuardDuty => "guardduty",
            Service::Detective => "detective",
            Service::Sts => "sts",
            Service::Organizations => "organizations",
            Service::CloudTrail => "cloudtrail",
            Service::Macie2 => "macie2",
        }
    }

    fn from_signing_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.signing_name() == name)
    }

    /// The error each service answers for input that fails validation.
    fn validation_code(self) -> &'static str {
        match self {
            Service::SecurityHub => "InvalidInputException",
            Service::GuardDuty => "BadRequestException",
            Service::Detective | Service::Macie2 => "ValidationException",
            Service::Sts => "ValidationError",
            Service::Organizations => "InvalidInputException",
            Service::CloudTrail => "InvalidLookupAttributesException",
        }
    }

    fn internal_code(self) -> &'static str {
        match self {
            Service::SecurityHub => "InternalException",
            Service::GuardDuty => "InternalServerErrorException",
            Service::Detective | Service::Macie2 => "InternalServerException",
            Service::Sts => "InternalFailure",
            Service::Organizations => "ServiceException",
            Service::CloudTrail => "InternalFailure",
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.signing_name())
    }
}

/// The identity and place a request acts in, from its SigV4 credential scope.
#[derive(Debug, Clone)]
pub struct Caller {
    pub service: Service,
    pub region: String,
    pub account: String,
    /// The assumed role, for temporary credentials from `AssumeRole`.
    pub role: Option<String>,
}

/// Why a request was refused before it reached a service.
pub struct Rejection {
    service: Option<Service>,
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Rejection {
    pub fn into_response(self) -> Response {
        let error = ApiError::new(self.status, self.code, self.message);
        match self.service {
            Some(service) => error.into_response(service),
            None => error.into_response(Service::SecurityHub),
        }
    }
}

/// Reads `Authorization: AWS4-HMAC-SHA256 Credential=KEYID/DATE/REGION/SERVICE/aws4_request, …`.
pub fn identify(headers: &HeaderMap, world: &World, now: Time) -> Result<Caller, Rejection> {
    let Some(authorization) = headers.get(header::AUTHORIZATION) else {
        return Err(Rejection {
            service: None,
            status: StatusCode::FORBIDDEN,
            code: "MissingAuthenticationTokenException",
            message: "Missing Authentication Token".into(),
        });
    };
    let Ok(authorization) = authorization.to_str() else {
        return Err(Rejection {
            service: None,
            status: StatusCode::FORBIDDEN,
            code: "IncompleteSignatureException",
            message: "The Authorization header holds characters that are not ASCII.".into(),
        });
    };
    let scope = authorization
        .split_once("Credential=")
        .map(|(_, rest)| rest.split([',', ' ']).next().unwrap_or(""))
        .unwrap_or("");
    let parts: Vec<&str> = scope.split('/').collect();
    let [key_id, _date, region, service, "aws4_request"] = parts.as_slice() else {
        return Err(Rejection {
            service: None,
            status: StatusCode::FORBIDDEN,
            code: "IncompleteSignatureException",
            message: format!(
                "Authorization header requires a Credential of the form \
                 KEYID/DATE/REGION/SERVICE/aws4_request, got '{scope}'"
            ),
        });
    };
    let Some(service) = Service::from_signing_name(service) else {
        return Err(Rejection {
            service: None,
            status: StatusCode::NOT_FOUND,
            code: "UnknownServiceException",
            message: format!(
                "this sandbox serves securityhub, guardduty, detective and sts, not '{service}'"
            ),
        });
    };
    if !is_valid_region(region) {
        return Err(Rejection {
            service: Some(service),
            status: StatusCode::FORBIDDEN,
            code: "InvalidSignatureException",
            message: format!("Credential should be scoped to a valid region, not '{region}'."),
        });
    }
    let token = headers
        .get("x-amz-security-token")
        .and_then(|v| v.to_str().ok());
    let (account, role) = match world.caller_for(key_id, token, now) {
        Ok(caller) => caller,
        Err(KeyProblem::Expired) => {
            return Err(Rejection {
                service: Some(service),
                status: StatusCode::FORBIDDEN,
                code: match service {
                    Service::Sts => "ExpiredToken",
                    _ => "ExpiredTokenException",
                },
                message: "The security token included in the request is expired".into(),
            });
        }
        Err(KeyProblem::Unknown | KeyProblem::WrongToken) => {
            return Err(Rejection {
                service: Some(service),
                status: StatusCode::FORBIDDEN,
                code: service.token_rejected_code(),
                message: "The security token included in the request is invalid.".into(),
            });
        }
    };
    Ok(Caller {
        service,
        region: (*region).to_owned(),
        account,
        role,
    })
}

/// Regions an account must opt in to; the others are enabled by default.
pub const OPT_IN_REGIONS: [&str; 15] = [
    "af-south-1",
    "ap-east-1",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
];

fn is_valid_region(region: &str) -> bool {
    !region.is_empty()
        && region.len() <= 32
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A request as the services see it: method, decoded path segments, query and raw body.
pub struct Request<'a> {
    pub method: Method,
    pub segments: Vec<String>,
    pub query: HashMap<String, String>,
    pub body: &'a [u8],
    /// `X-Amz-Target`, which names the operation in the awsJson protocols.
    pub target: Option<String>,
}

impl<'a> Request<'a> {
    pub fn parse(method: &Method, uri: &Uri, body: &'a [u8]) -> Self {
        let segments = uri
            .path()
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect();
        let query = uri
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        Self {
            method: method.clone(),
            segments,
            query,
            body,
            target: None,
        }
    }

    /// The same request, with its `X-Amz-Target` header.
    pub fn with_target(mut self, headers: &HeaderMap) -> Self {
        self.target = headers
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        self
    }

    /// The path as `&str` segments, for matching routes.
    pub fn route(&self) -> Vec<&str> {
        self.segments.iter().map(String::as_str).collect()
    }

    /// The JSON body as `T`; an empty body reads as `{}`.
    pub fn json<T: DeserializeOwned>(&self, service: Service) -> Result<T, ApiError> {
        let body = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"{}".as_slice()
        } else {
            self.body
        };
        serde_json::from_slice(body).map_err(|e| {
            let message = if e.is_syntax() || e.is_eof() {
                format!("The request body is not valid JSON: {e}")
            } else {
                format!("1 validation error detected: {e}")
            };
            ApiError::validation(service, message).with_detail("INVALID_REQUEST_BODY")
        })
    }

    pub fn query_str(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }
}

/// A service's operations from one table of `Name: "METHOD" [path pattern]` rows: the enum, the
/// route that picks one from a request, and each one's wire name.
macro_rules! operations {
    ($(#[$doc:meta])* $vis:vis enum $name:ident { $($op:ident: $method:literal $route:pat,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $name {
            $($op,)*
        }

        impl $name {
            pub fn route(request: &$crate::sandbox::wire::Request) -> Option<$name> {
                match (request.method.as_str(), request.route().as_slice()) {
                    $(($method, $route) => Some($name::$op),)*
                    _ => None,
                }
            }

            pub fn name(self) -> &'static str {
                match self {
                    $($name::$op => stringify!($op),)*
                }
            }
        }
    };
}
pub(crate) use operations;

/// A service error, written in the restJson1 shape: status, `x-amzn-ErrorType`, JSON message.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Detective's `ErrorCode` on validation errors.
    detail: Option<&'static str>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: &'static str) -> Self {
        self.detail = Some(detail);
        self
    }

    pub fn validation(service: Service, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, service.validation_code(), message)
    }

    pub fn unknown_route(method: &Method, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "UnknownOperationException",
            format!("No operation is served at {method} {path}"),
        )
    }

    /// A session token from the global STS endpoint, in an opt-in region.
    pub fn global_token(service: Service) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            service.token_rejected_code(),
            "The security token included in the request is invalid.",
        )
    }

    /// An explicit deny of `action`: in a service control policy, or in IAM.
    pub fn denied(caller: &Caller, action: &str, scp: bool) -> Self {
        let by = if scp {
            "a service control policy"
        } else {
            "an identity-based policy"
        };
        Self::new(
            StatusCode::FORBIDDEN,
            "AccessDeniedException",
            format!(
                "User: arn:aws:iam::{}:user/guestlist-sandbox is not authorized to perform: {action} with an explicit deny in {by}",
                caller.account
            ),
        )
    }

    /// STS in a region the account has not enabled.
    pub fn sts_region_disabled(account: &str, region: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "RegionDisabledException",
            format!(
                "STS is not activated in {region} for account {account}: the region is not enabled."
            ),
        )
    }

    /// An operation the models name that the sandbox does not serve yet.
    pub fn not_served(service: Service, operation: &str) -> Self {
        let code = match service {
            Service::Organizations => "UnsupportedAPIEndpointException",
            Service::CloudTrail => "UnsupportedOperationException",
            other => other.validation_code(),
        };
        Self::new(
            StatusCode::BAD_REQUEST,
            code,
            format!("{operation} is not served by this sandbox yet"),
        )
    }

    pub fn region_not_enabled() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "UnrecognizedClientException",
            "The security token included in the request is invalid: the region is not enabled for this account.",
        )
    }

    pub fn fault(service: Service, fault: Fault) -> Self {
        match fault {
            // Security Hub throttles with its modelled LimitExceededException.
            Fault::Throttle => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                match service {
                    Service::SecurityHub => "LimitExceededException",
                    _ => "TooManyRequestsException",
                },
                "Rate exceeded",
            ),
            Fault::Internal => Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                service.internal_code(),
                "Internal service error (injected by the sandbox)",
            ),
        }
    }

    pub fn into_response(self, service: Service) -> Response {
        if service == Service::Sts {
            return super::sts::error_response(&self);
        }
        if service.aws_json() {
            let body = serde_json::json!({ "__type": self.code, "message": self.message });
            let mut response = json_response(self.status, &body);
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-amz-json-1.1"),
            );
            return response;
        }
        let body = match service {
            Service::SecurityHub => {
                serde_json::json!({ "Code": self.code, "Message": self.message })
            }
            // GuardDuty names the error in `__type` as the service itself does: a 400
            // BadRequestException says InvalidInputException there.
            Service::GuardDuty => {
                let kind = match self.code {
                    "BadRequestException" => "InvalidInputException",
                    other => other,
                };
                serde_json::json!({ "message": self.message, "__type": kind })
            }
            _ => match self.detail {
                Some(detail) => serde_json::json!({ "Message": self.message, "ErrorCode": detail }),
                None => serde_json::json!({ "Message": self.message }),
            },
        };
        let mut response = json_response(self.status, &body);
        response
            .headers_mut()
            .insert("x-amzn-ErrorType", HeaderValue::from_static(self.code));
        response
    }
}

pub fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    let body = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        "x-amzn-RequestId",
        HeaderValue::from_str(&request_id()).unwrap_or(HeaderValue::from_static("0")),
    );
    response
}

pub fn ok<T: Serialize>(body: &T) -> Result<Response, ApiError> {
    Ok(json_response(StatusCode::OK, body))
}

pub fn request_id() -> String {
    let a = fastrand::u64(..);
    let b = fastrand::u64(..);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// Checks a batch of account ids: 1 to 50, each 12 digits.
pub fn check_account_ids(service: Service, field: &str, ids: &[String]) -> Result<(), ApiError> {
    if ids.is_empty() || ids.len() > 50 {
        return Err(ApiError::validation(
            service,
            format!(
                "1 validation error detected: '{field}' must hold 1 to 50 account ids, got {}",
                ids.len()
            ),
        ));
    }
    if let Some(bad) = ids.iter().find(|id| !is_account_id(id)) {
        return Err(ApiError::validation(
            service,
            format!(
                "1 validation error detected: Value '{bad}' at '{field}' failed to satisfy \
                 constraint: Member must be an account id of exactly 12 digits"
            ),
        ));
    }
    Ok(())
}

/// A page size from `raw`, within `1..=max`, or `max` when absent.
pub fn page_size(
    service: Service,
    field: &str,
    raw: Option<i64>,
    max: usize,
) -> Result<usize, ApiError> {
    match raw {
        None => Ok(max),
        Some(n) if n >= 1 && n as u64 <= max as u64 => Ok(n as usize),
        Some(n) => Err(ApiError::validation(
            service,
            format!(
                "1 validation error detected: Value '{n}' at '{field}' failed to satisfy \
                 constraint: Member must have value between 1 and {max}"
            ),
        )),
    }
}

/// A page size from a query-string parameter.
pub fn query_page_size(
    service: Service,
    request: &Request,
    field: &str,
    max: usize,
) -> Result<usize, ApiError> {
    let raw = match request.query_str(field) {
        None => None,
        Some(text) => Some(text.parse::<i64>().map_err(|_| {
            ApiError::validation(
                service,
                format!(
                    "1 validation error detected: Value '{text}' at '{field}' is not an integer"
                ),
            )
        })?),
    };
    page_size(service, field, raw, max)
}

/// Opaque page tokens: the last key served, bound by a keyed hash to the caller, region and
/// operation that received it, so a token from anywhere else is refused.
pub struct Tokens {
    key: RandomState,
    /// A broken paginator, switched on through `/_sandbox/faults`: every page after the first
    /// answers the token it was given, so a client that follows it never ends.
    pub repeat: bool,
}

impl Default for Tokens {
    fn default() -> Self {
        Self {
            key: RandomState::new(),
            repeat: false,
        }
    }
}

impl Tokens {
    fn mac(&self, scope: &str, after: &str) -> u64 {
        let mut hasher = self.key.build_hasher();
        hasher.write(scope.as_bytes());
        hasher.write_u8(0);
        hasher.write(after.as_bytes());
        hasher.finish()
    }

    pub fn issue(&self, scope: &str, after: &str) -> String {
        let mut token = String::with_capacity(after.len() * 2 + 17);
        for byte in after.bytes() {
            token.push_str(&format!("{byte:02x}"));
        }
        token.push('.');
        token.push_str(&format!("{:016x}", self.mac(scope, after)));
        token
    }

    /// The key a token continues after, if this sandbox issued it for `scope`.
    pub fn redeem(&self, scope: &str, token: &str) -> Option<String> {
        let (payload, mac) = token.split_once('.')?;
        if payload.len() % 2 != 0 || mac.len() != 16 {
            return None;
        }
        let bytes = (0..payload.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(payload.get(i..i + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()?;
        let after = String::from_utf8(bytes).ok()?;
        let mac = u64::from_str_radix(mac, 16).ok()?;
        (mac == self.mac(scope, &after)).then_some(after)
    }
}

/// One page of `items` (sorted by their key) after the token's key, and the next token.
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

pub fn paginate<T, K: AsRef<str>>(
    tokens: &Tokens,
    caller: &Caller,
    operation: &str,
    items: impl IntoIterator<Item = (K, T)>,
    token: Option<&str>,
    limit: usize,
) -> Result<Page<T>, ApiError> {
    let scope = format!(
        "{}:{operation}:{}:{}",
        caller.service, caller.account, caller.region
    );
    let after = match token {
        None => None,
        Some(token) => Some(tokens.redeem(&scope, token).ok_or_else(|| {
            ApiError::validation(
                caller.service,
                "The nextToken is not valid: it was not issued for this operation and caller.",
            )
        })?),
    };
    let mut page = Vec::with_capacity(limit.min(64));
    let mut last_key = None;
    let mut more = false;
    for (key, item) in items {
        if after.as_deref().is_some_and(|after| key.as_ref() <= after) {
            continue;
        }
        if page.len() == limit {
            more = true;
            break;
        }
        last_key = Some(key.as_ref().to_owned());
        page.push(item);
    }
    let next_token = match (more, last_key) {
        _ if tokens.repeat && token.is_some() => token.map(str::to_owned),
        (true, Some(last)) => Some(tokens.issue(&scope, &last)),
        _ => None,
    };
    Ok(Page {
        items: page,
        next_token,
    })
}

/// Adds the page token, under the service's wire name for it, when there is a next page.
pub fn with_token(
    mut body: serde_json::Value,
    field: &str,
    next_token: Option<String>,
) -> serde_json::Value {
    if let Some(token) = next_token {
        body[field] = serde_json::Value::String(token);
    }
    body
}

/// ISO 8601 with milliseconds, as the services write timestamps.
pub fn timestamp(time: &chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_bound_to_their_scope() {
        let tokens = Tokens::default();
        let token = tokens.issue("securityhub:ListMembers:111111111111:us-east-1", "222");
        assert_eq!(
            tokens
                .redeem("securityhub:ListMembers:111111111111:us-east-1", &token)
                .as_deref(),
            Some("222")
        );
        assert_eq!(
            tokens.redeem("securityhub:ListMembers:333333333333:us-east-1", &token),
            None
        );
        assert_eq!(
            tokens.redeem("securityhub:ListInvitations:111111111111:us-east-1", &token),
            None
        );
        assert_eq!(tokens.redeem("x", "zz.0000000000000000"), None);
        assert_eq!(tokens.redeem("x", "garbage"), None);
        assert_eq!(Tokens::default().redeem("x", &tokens.issue("x", "1")), None);
    }
}
