//! STS `GetCallerIdentity` and `AssumeRole`, in the query protocol: a form body in, XML out.
//! Assumed credentials act as the role's account, need their session token on every request,
//! and expire.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use std::collections::HashMap;

use super::state::{Time, World};
use super::wire::{ApiError, Caller, Request, is_account_id, request_id};

fn action(request: &Request) -> Option<String> {
    let from_body = form_urlencoded::parse(request.body)
        .find(|(key, _)| key == "Action")
        .map(|(_, value)| value.into_owned());
    from_body.or_else(|| request.query.get("Action").cloned())
}

/// Every operation the sandbox serves for STS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    GetCallerIdentity,
    AssumeRole,
}

impl Op {
    pub fn route(request: &Request) -> Option<Op> {
        let at_root = request.segments.is_empty();
        let method_ok = matches!(request.method.as_str(), "POST" | "GET");
        if !(at_root && method_ok) {
            return None;
        }
        match action(request).as_deref() {
            Some("GetCallerIdentity") => Some(Op::GetCallerIdentity),
            Some("AssumeRole") => Some(Op::AssumeRole),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Op::GetCallerIdentity => "GetCallerIdentity",
            Op::AssumeRole => "AssumeRole",
        }
    }
}

pub fn handle(
    world: &mut World,
    caller: &Caller,
    op: Op,
    request: &Request,
    now: Time,
    suspended: &[String],
) -> Result<Response, ApiError> {
    match op {
        Op::GetCallerIdentity => caller_identity(caller),
        Op::AssumeRole => assume_role(world, caller, request, now, suspended),
    }
}

/// The partition a region belongs to, as AWS names it in ARNs: STS answers for its own.
fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

fn caller_identity(caller: &Caller) -> Result<Response, ApiError> {
    let account = &caller.account;
    let arn = caller.role.clone().unwrap_or_else(|| {
        let partition = partition(&caller.region);
        format!("arn:{partition}:iam::{account}:user/guestlist-sandbox")
    });
    let id = request_id();
    let body = format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <GetCallerIdentityResult>\
         <Arn>{}</Arn>\
         <UserId>AIDASANDBOX{account}</UserId>\
         <Account>{account}</Account>\
         </GetCallerIdentityResult>\
         <ResponseMetadata><RequestId>{id}</RequestId></ResponseMetadata>\
         </GetCallerIdentityResponse>",
        escape(&arn)
    );
    Ok(xml(StatusCode::OK, body, &id))
}

fn validation(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "ValidationError", message)
}

fn assume_role(
    world: &mut World,
    caller: &Caller,
    request: &Request,
    now: Time,
    suspended: &[String],
) -> Result<Response, ApiError> {
    let params: HashMap<String, String> = form_urlencoded::parse(request.body)
        .into_owned()
        .chain(request.query.clone())
        .collect();
    let required = |name: &str| {
        params.get(name).cloned().ok_or_else(|| {
            validation(format!(
                "1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null"
            ))
        })
    };
    let role_arn = required("RoleArn")?;
    let session = required("RoleSessionName")?;
    let session_ok = (2..=64).contains(&session.len())
        && session
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if !session_ok {
        return Err(validation(format!(
            "RoleSessionName '{session}' must be 2 to 64 of A-Z a-z 0-9 +=,.@_-"
        )));
    }
    let seconds = match params.get("DurationSeconds") {
        None => 3600,
        Some(text) => match text.parse::<i64>() {
            Ok(seconds) if (900..=43_200).contains(&seconds) => seconds,
            _ => {
                return Err(validation(format!(
                    "DurationSeconds '{text}' must be between 900 and 43200"
                )));
            }
        },
    };
    // arn:aws:iam::ACCOUNT:role/[PATH/]NAME
    let parts: Vec<&str> = role_arn.splitn(6, ':').collect();
    let (account, name) = match parts.as_slice() {
        ["arn", partition, "iam", "", account, resource]
            if partition.starts_with("aws") && is_account_id(account) =>
        {
            match resource
                .strip_prefix("role/")
                .and_then(|r| r.rsplit('/').next())
            {
                Some(name) if !name.is_empty() => (*account, name),
                _ => return Err(validation(format!("'{role_arn}' is not a role ARN"))),
            }
        }
        _ => return Err(validation(format!("'{role_arn}' is not a role ARN"))),
    };
    let external_id = params.get("ExternalId").map(String::as_str);
    // A code is six digits, and means something only with the device it came from.
    let mfa = match (params.get("SerialNumber"), params.get("TokenCode")) {
        (None, None) => false,
        (Some(serial), Some(code)) => {
            if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(validation(format!(
                    "1 validation error detected: Value '{code}' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*"
                )));
            }
            (9..=256).contains(&serial.len())
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(validation(
                "SerialNumber and TokenCode go together".to_owned(),
            ));
        }
    };
    // A suspended account answers as a role that does not trust the caller: AWS does not say.
    if world.suspended(account, suspended)
        || !world.may_assume(&caller.account, account, name, external_id, mfa)
    {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            format!(
                "User: arn:aws:iam::{}:user/guestlist-sandbox is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
                caller.account
            ),
        ));
    }
    let expires = now + chrono::Duration::seconds(seconds);
    let assumed = format!("arn:aws:sts::{account}:assumed-role/{name}/{session}");
    let (key_id, secret, token) = world.start_session(account, assumed.clone(), expires);
    let id = request_id();
    let body = format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <AssumeRoleResult>\
         <Credentials>\
         <AccessKeyId>{key_id}</AccessKeyId>\
         <SecretAccessKey>{secret}</SecretAccessKey>\
         <SessionToken>{token}</SessionToken>\
         <Expiration>{}</Expiration>\
         </Credentials>\
         <AssumedRoleUser>\
         <AssumedRoleId>AROASANDBOX{account}:{}</AssumedRoleId>\
         <Arn>{}</Arn>\
         </AssumedRoleUser>\
         </AssumeRoleResult>\
         <ResponseMetadata><RequestId>{id}</RequestId></ResponseMetadata>\
         </AssumeRoleResponse>",
        expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        escape(&session),
        escape(&assumed)
    );
    Ok(xml(StatusCode::OK, body, &id))
}

pub fn error_response(error: &ApiError) -> Response {
    let kind = if error.status.is_server_error() {
        "Receiver"
    } else {
        "Sender"
    };
    let id = request_id();
    let body = format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error>\
         <RequestId>{id}</RequestId></ErrorResponse>",
        error.code,
        escape(&error.message),
    );
    xml(error.status, body, &id)
}

/// An XML answer, with its request id in the `x-amzn-RequestId` header as STS sends it.
fn xml(status: StatusCode, body: String, request_id: &str) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-RequestId", id);
    }
    response
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
