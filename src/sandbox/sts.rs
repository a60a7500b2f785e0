//! STS `GetCallerIdentity`, in the query protocol: a form body in, XML out.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::wire::{ApiError, Caller, Request, request_id};

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
}

impl Op {
    pub fn route(request: &Request) -> Option<Op> {
        let at_root = request.segments.is_empty();
        let method_ok = matches!(request.method.as_str(), "POST" | "GET");
        match action(request).as_deref() {
            Some("GetCallerIdentity") if at_root && method_ok => Some(Op::GetCallerIdentity),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Op::GetCallerIdentity => "GetCallerIdentity",
        }
    }
}

pub fn handle(caller: &Caller, op: Op) -> Result<Response, ApiError> {
    let Op::GetCallerIdentity = op;
    let account = &caller.account;
    let id = request_id();
    let body = format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <GetCallerIdentityResult>\
         <Arn>arn:aws:iam::{account}:user/guestlist-sandbox</Arn>\
         <UserId>AIDASANDBOX{account}</UserId>\
         <Account>{account}</Account>\
         </GetCallerIdentityResult>\
         <ResponseMetadata><RequestId>{id}</RequestId></ResponseMetadata>\
         </GetCallerIdentityResponse>"
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
