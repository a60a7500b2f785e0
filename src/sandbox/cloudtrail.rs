//! CloudTrail, in awsJson1_1: every membership call the sandbox serves is recorded as a
//! management event of the caller's account, in the caller's region, and `LookupEvents` answers
//! them newest first, filtered by one lookup attribute and a time window, in pages of at most
//! 50, as CloudTrail's event history does.

use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::state::World;
use super::wire::{ApiError, Caller, Request, Service};

/// The model's target prefix, as boto3 sends it; the Rust SDK sends the short form.
const TARGETS: [&str; 2] = [
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.",
    "CloudTrail_20131101.",
];

/// The membership operations recorded: what guestlist's history looks up.
pub const RECORDED: [&str; 20] = [
    "CreateMembers",
    "InviteMembers",
    "AcceptAdministratorInvitation",
    "AcceptInvitation",
    "DeclineInvitations",
    "RejectInvitation",
    "DeleteInvitations",
    "DisassociateFromAdministratorAccount",
    "DisassociateFromMasterAccount",
    "DisassociateMembership",
    "DisassociateMembers",
    "DeleteMembers",
    "StopMonitoringMembers",
    "StartMonitoringMembers",
    "StartMonitoringMember",
    "EnableSecurityHub",
    "DisableSecurityHub",
    "CreateDetector",
    "DeleteDetector",
    "CreateGraph",
];

/// One recorded call.
#[derive(Debug, Clone)]
pub struct TrailEvent {
    pub id: String,
    pub name: String,
    /// `securityhub.amazonaws.com` and the like.
    pub source: String,
    pub account: String,
    pub region: String,
    pub time: DateTime<Utc>,
    /// Who called: a user, or an assumed role's session.
    pub arn: String,
    pub parameters: serde_json::Value,
}

/// Whether `operation` of `service` is one the trail records.
pub fn records(service: Service, operation: &str) -> bool {
    matches!(
        service,
        Service::SecurityHub | Service::GuardDuty | Service::Detective
    ) && RECORDED.contains(&operation)
}

/// The event a served call leaves.
pub fn event(
    id: String,
    caller: &Caller,
    operation: &str,
    request: &Request,
    now: DateTime<Utc>,
) -> TrailEvent {
    let arn = match &caller.role {
        Some(role) => format!(
            "arn:aws:sts::{}:assumed-role/{role}/guestlist",
            caller.account
        ),
        None => format!("arn:aws:iam::{}:user/sandbox", caller.account),
    };
    let mut parameters: serde_json::Value =
        serde_json::from_slice(request.body).unwrap_or_else(|_| serde_json::json!({}));
    if !parameters.is_object() {
        parameters = serde_json::json!({});
    }
    // A GuardDuty call names its detector in the path.
    if let (Some(object), [first, detector, ..]) =
        (parameters.as_object_mut(), request.segments.as_slice())
        && first == "detector"
    {
        object.insert("detectorId".into(), detector.clone().into());
    }
    TrailEvent {
        id,
        name: operation.to_owned(),
        source: format!("{}.amazonaws.com", caller.service.signing_name()),
        account: caller.account.clone(),
        region: caller.region.clone(),
        time: now,
        arn,
        parameters,
    }
}

pub fn is_lookup(request: &Request) -> bool {
    let target = request.target.as_deref().unwrap_or_default();
    TARGETS
        .iter()
        .any(|prefix| target.strip_prefix(prefix) == Some("LookupEvents"))
}

fn error(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(axum::http::StatusCode::BAD_REQUEST, code, message)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct Attribute {
    attribute_key: String,
    attribute_value: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct Input {
    #[serde(default)]
    lookup_attributes: Vec<Attribute>,
    start_time: Option<f64>,
    end_time: Option<f64>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

/// `LookupEvents`: the caller's account's events in the caller's region.
pub fn lookup(
    world: &World,
    caller: &Caller,
    request: &Request,
    now: DateTime<Utc>,
) -> Result<Response, ApiError> {
    let input: Input = request.json(Service::CloudTrail)?;
    let attribute = match input.lookup_attributes.as_slice() {
        [] => None,
        [one] => Some(one),
        _ => {
            return Err(error(
                "InvalidLookupAttributesException",
                "You cannot specify more than one lookup attribute.",
            ));
        }
    };
    let time = |seconds: f64| DateTime::from_timestamp_millis((seconds * 1000.0) as i64);
    let start = input.start_time.and_then(time);
    let end = input.end_time.and_then(time).unwrap_or(now);
    if start.is_some_and(|start| start > end) {
        return Err(error(
            "InvalidTimeRangeException",
            "Start time must be earlier than end time.",
        ));
    }
    let size = match input.max_results {
        None => 50,
        Some(n @ 1..=50) => n as usize,
        Some(n) => {
            return Err(error(
                "InvalidMaxResultsException",
                format!("MaxResults {n} must be between 1 and 50."),
            ));
        }
    };
    let matches = |event: &TrailEvent| match attribute {
        None => true,
        Some(a) => match a.attribute_key.as_str() {
            "EventName" => event.name == a.attribute_value,
            "EventSource" => event.source == a.attribute_value,
            "EventId" => event.id == a.attribute_value,
            "Username" => event.arn.rsplit('/').next() == Some(a.attribute_value.as_str()),
            "ReadOnly" => a.attribute_value == "false",
            _ => false,
        },
    };
    if let Some(a) = attribute
        && ![
            "EventId",
            "EventName",
            "ReadOnly",
            "Username",
            "ResourceType",
            "ResourceName",
            "EventSource",
            "AccessKeyId",
        ]
        .contains(&a.attribute_key.as_str())
    {
        return Err(error(
            "InvalidLookupAttributesException",
            format!("'{}' is not a lookup attribute.", a.attribute_key),
        ));
    }
    let mut found: Vec<&TrailEvent> = world
        .trail()
        .iter()
        .filter(|e| e.account == caller.account && e.region == caller.region)
        .filter(|e| start.is_none_or(|start| e.time >= start) && e.time <= end)
        .filter(|e| matches(e))
        .collect();
    found.sort_by(|a, b| b.time.cmp(&a.time).then_with(|| b.id.cmp(&a.id)));
    let from = match input.next_token.as_deref() {
        None => 0,
        Some(token) => token
            .strip_prefix("events-")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n <= found.len())
            .ok_or_else(|| error("InvalidNextTokenException", "Invalid NextToken."))?,
    };
    let to = (from + size).min(found.len());
    let events: Vec<serde_json::Value> = found[from..to]
        .iter()
        .map(|e| {
            let username = e.arn.rsplit('/').next().unwrap_or_default();
            let detail = serde_json::json!({
                "eventVersion": "1.08",
                "userIdentity": { "arn": e.arn, "accountId": e.account },
                "eventTime": e.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "eventSource": e.source,
                "eventName": e.name,
                "awsRegion": e.region,
                "requestParameters": e.parameters,
                "eventID": e.id,
                "readOnly": false,
                "eventType": "AwsApiCall",
                "managementEvent": true,
                "recipientAccountId": e.account,
            });
            serde_json::json!({
                "EventId": e.id,
                "EventName": e.name,
                "ReadOnly": "false",
                "EventTime": e.time.timestamp_millis() as f64 / 1000.0,
                "EventSource": e.source,
                "Username": username,
                "Resources": [],
                "CloudTrailEvent": detail.to_string(),
            })
        })
        .collect();
    let mut body = serde_json::json!({ "Events": events });
    if to < found.len() {
        body["NextToken"] = format!("events-{to}").into();
    }
    let mut response = super::wire::json_response(axum::http::StatusCode::OK, &body);
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    Ok(response)
}
