//! Detective's membership operations (restJson1, PascalCase; everything keyed by graph ARN).
//!
//! Unlike the other two, Detective lists accepted invitations too, and a declined or removed
//! membership disappears altogether.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use axum::http::StatusCode;
use axum::response::Response;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Value, json};

use super::scenario::{DetectiveUsage, RosterSpec};
use super::state::{Ctx, IdGen, NextVerification, RegionState, Time};
use super::wire::{
    ApiError, Request, Service, check_account_ids, is_email, ok, operations, page_size, paginate,
    timestamp, with_token,
};

const SERVICE: Service = Service::Detective;
const MAX_PAGE: usize = 200;
const INVITED: &str = "INVITED";
const ENABLED: &str = "ENABLED";
const ACCEPTED_BUT_DISABLED: &str = "ACCEPTED_BUT_DISABLED";
const VERIFICATION_IN_PROGRESS: &str = "VERIFICATION_IN_PROGRESS";
const VERIFICATION_FAILED: &str = "VERIFICATION_FAILED";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MonitoringState {
    graph_arn: String,
    account_id: String,
}

struct Member {
    email: String,
    status: String,
    invited_time: Time,
    updated_time: Time,
    usage: DetectiveUsage,
    /// While `VERIFICATION_IN_PROGRESS`: when verification ends, and whether the email passed.
    verifying: Option<(Time, bool)>,
    /// Made a member by AWS Organizations: never invited, never in its `ListInvitations`.
    managed: bool,
}

struct Graph {
    id: String,
    created_time: Time,
    members: BTreeMap<String, Member>,
}

#[derive(Default)]
pub struct State {
    /// Administrator account → its graph in this region.
    graphs: BTreeMap<String, Graph>,
    next_verification: NextVerification,
}

impl State {
    /// Ends the verifications whose time has come: `INVITED`, or `VERIFICATION_FAILED`.
    fn settle(&mut self, now: Time) {
        if !self.next_verification.due(now) {
            return;
        }
        let members = self
            .graphs
            .values_mut()
            .flat_map(|g| g.members.values_mut());
        for member in members {
            match member.verifying {
                Some((at, passes)) if at <= now => {
                    member.status = if passes { INVITED } else { VERIFICATION_FAILED }.to_owned();
                    member.invited_time = at;
                    member.updated_time = at;
                    member.verifying = None;
                }
                Some((at, _)) => self.next_verification.expect(at),
                None => {}
            }
        }
    }

    pub fn seed(&mut self, spec: &RosterSpec, now: Time, ids: &mut IdGen) {
        let members = spec
            .members
            .iter()
            .map(|m| {
                let invited_time = m.invited_at.map_or(now, |t| t.resolve(now));
                let member = Member {
                    email: m.email.clone().unwrap_or_default(),
                    status: m.status.clone(),
                    invited_time,
                    updated_time: m.updated_at.map_or(invited_time, |t| t.resolve(now)),
                    usage: m.usage.clone(),
                    verifying: None,
                    managed: m.organization,
                };
                (m.account.clone(), member)
            })
            .collect();
        self.graphs.insert(
            spec.account.clone(),
            Graph {
                id: spec.resource_id.clone().unwrap_or_else(|| ids.hex32()),
                created_time: spec.since.resolve(now),
                members,
            },
        );
    }
}

operations! {
    /// Every operation the sandbox serves for Detective.
    pub enum Op {
        CreateGraph: "POST" ["graph"],
        ListGraphs: "POST" ["graphs", "list"],
        ListInvitations: "POST" ["invitations", "list"],
        AcceptInvitation: "PUT" ["invitation"],
        RejectInvitation: "POST" ["invitation", "removal"],
        DisassociateMembership: "POST" ["membership", "removal"],
        CreateMembers: "POST" ["graph", "members"],
        ListMembers: "POST" ["graph", "members", "list"],
        GetMembers: "POST" ["graph", "members", "get"],
        DeleteMembers: "POST" ["graph", "members", "removal"],
        StartMonitoringMember: "POST" ["graph", "member", "monitoringstate"],
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GraphArn {
    graph_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListPage {
    max_results: Option<i64>,
    next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListMembers {
    graph_arn: String,
    max_results: Option<i64>,
    next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GraphAccountIds {
    graph_arn: String,
    account_ids: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateMembers {
    graph_arn: String,
    accounts: Vec<Account>,
    message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Account {
    account_id: String,
    email_address: String,
}

pub fn handle(
    region: &mut RegionState,
    ctx: Ctx,
    op: Op,
    request: &Request,
) -> Result<Response, ApiError> {
    let state = &mut region.detective;
    state.settle(ctx.now);
    let me = ctx.caller.account.as_str();
    let region_name = ctx.caller.region.as_str();
    let now = ctx.now;
    match op {
        Op::CreateGraph => {
            if state.graphs.contains_key(me) {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "ConflictException",
                    "The request attempted an invalid action: a behavior graph already exists for this account in this Region.",
                ));
            }
            let graph = Graph {
                id: ctx.ids.hex32(),
                created_time: now,
                members: BTreeMap::new(),
            };
            let arn = graph_arn(region_name, me, &graph.id);
            state.graphs.insert(me.to_owned(), graph);
            ok(&json!({ "GraphArn": arn }))
        }
        Op::ListGraphs => {
            let input: ListPage = request.json(SERVICE)?;
            let limit = page_size(SERVICE, "MaxResults", input.max_results, MAX_PAGE)?;
            let graphs = state.graphs.get(me).map(|g| {
                let arn = graph_arn(region_name, me, &g.id);
                (
                    arn.clone(),
                    json!({ "Arn": arn, "CreatedTime": timestamp(&g.created_time) }),
                )
            });
            let page = paginate(
                ctx.tokens,
                ctx.caller,
                op.name(),
                graphs,
                input.next_token.as_deref(),
                limit,
            )?;
            ok(&with_token(
                json!({ "GraphList": page.items }),
                "NextToken",
                page.next_token,
            ))
        }
        Op::ListInvitations => {
            let input: ListPage = request.json(SERVICE)?;
            let limit = page_size(SERVICE, "MaxResults", input.max_results, MAX_PAGE)?;
            let mut invitations: Vec<(String, (&String, &Member))> = state
                .graphs
                .iter()
                .filter_map(|(admin, graph)| {
                    // Open and accepted ones only: verification belongs to the administrator's list.
                    let member = graph.members.get(me).filter(|m| !m.managed).filter(|m| {
                        [ENABLED, ACCEPTED_BUT_DISABLED].contains(&m.status.as_str())
                            || (m.status == INVITED && ctx.has_arrived(Some(m.invited_time)))
                    })?;
                    Some((graph_arn(region_name, admin, &graph.id), (admin, member)))
                })
                .collect();
            invitations.sort_by(|a, b| a.0.cmp(&b.0));
            let page = paginate(
                ctx.tokens,
                ctx.caller,
                op.name(),
                invitations.iter().map(|(arn, (admin, m))| {
                    (
                        arn,
                        MemberOut {
                            arn,
                            admin,
                            account: me,
                            m,
                        },
                    )
                }),
                input.next_token.as_deref(),
                limit,
            )?;
            // Written straight to bytes: a fan-out asks for tens of thousands of these.
            ok(&InvitationsOut {
                invitations: page.items,
                next_token: page.next_token,
            })
        }
        Op::AcceptInvitation | Op::RejectInvitation | Op::DisassociateMembership => {
            let input: GraphArn = request.json(SERVICE)?;
            let (_, graph) = find_graph(state, region_name, &input.graph_arn)?;
            let member = graph.members.get_mut(me).ok_or_else(|| {
                not_found(format!(
                    "Account {me} has no invitation to or membership in {}",
                    input.graph_arn
                ))
            })?;
            let needed = if op == Op::DisassociateMembership {
                ENABLED
            } else {
                INVITED
            };
            if member.status != needed {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "ConflictException",
                    format!(
                        "The request attempted an invalid action: the membership of {me} is {}, not {needed}.",
                        member.status
                    ),
                ));
            }
            if op == Op::AcceptInvitation {
                member.status = ENABLED.to_owned();
                member.updated_time = now;
                member.usage.ingest_states =
                    ["DETECTIVE_CORE", "EKS_AUDIT", "ASFF_SECURITYHUB_FINDING"]
                        .into_iter()
                        .map(|package| (package.to_owned(), "STARTED".to_owned()))
                        .collect();
            } else {
                graph.members.remove(me);
            }
            ok(&json!({}))
        }
        Op::StartMonitoringMember => {
            let input: MonitoringState = request.json(SERVICE)?;
            let (_, graph) = administered_graph(state, region_name, me, &input.graph_arn)?;
            let member = graph.members.get_mut(&input.account_id).ok_or_else(|| {
                not_found(format!(
                    "Account {} is not a member of {}",
                    input.account_id, input.graph_arn
                ))
            })?;
            if member.status != ACCEPTED_BUT_DISABLED {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "ConflictException",
                    format!(
                        "The request attempted an invalid action: the member {} is {}, not {ACCEPTED_BUT_DISABLED}.",
                        input.account_id, member.status
                    ),
                ));
            }
            // Re-enabled when it can be: not while the graph's volume is over its limit.
            if member.usage.disabled_reason.as_deref() == Some("VOLUME_TOO_HIGH") {
                return Err(ApiError::new(
                    StatusCode::PAYMENT_REQUIRED,
                    "ServiceQuotaExceededException",
                    "This request cannot be completed: the behavior graph's data volume is over its limit.",
                ));
            }
            member.status = ENABLED.to_owned();
            member.usage.disabled_reason = None;
            member.updated_time = now;
            ok(&json!({}))
        }
        Op::CreateMembers => {
            let input: CreateMembers = request.json(SERVICE)?;
            let ids: Vec<String> = input
                .accounts
                .iter()
                .map(|a| a.account_id.clone())
                .collect();
            check_account_ids(SERVICE, "Accounts", &ids)?;
            if let Some(bad) = input.accounts.iter().find(|a| !is_email(&a.email_address)) {
                return Err(ApiError::validation(
                    SERVICE,
                    format!("1 validation error detected: EmailAddress '{}' is not a valid email address", bad.email_address),
                )
                .with_detail("INVALID_REQUEST_BODY"));
            }
            if let Some(message) = &input.message
                && !(1..=1000).contains(&message.chars().count())
            {
                return Err(ApiError::validation(
                    SERVICE,
                    "1 validation error detected: Message must be 1 to 1000 characters",
                )
                .with_detail("INVALID_REQUEST_BODY"));
            }
            let (admin, graph) = administered_graph(state, region_name, me, &input.graph_arn)?;
            let arn = graph_arn(region_name, &admin, &graph.id);
            let mut members = Vec::new();
            let mut unprocessed_accounts = Vec::new();
            let mut verifying_until = None;
            for account in input.accounts {
                if account.account_id == admin {
                    unprocessed_accounts.push(unprocessed(
                        &account.account_id,
                        "The administrator account cannot be invited to its own behavior graph.",
                    ));
                    continue;
                }
                match graph.members.entry(account.account_id) {
                    Entry::Occupied(existing) => unprocessed_accounts.push(unprocessed(
                        existing.key(),
                        "The account is already a member of the behavior graph.",
                    )),
                    Entry::Vacant(slot) => {
                        // Verified first: at once without a delay, else on the sandbox's clock.
                        let passes = ctx.verification.passes(slot.key(), &account.email_address);
                        let verifying = ctx.verification.delay > chrono::TimeDelta::zero();
                        let status = match (verifying, passes) {
                            (true, _) => VERIFICATION_IN_PROGRESS,
                            (false, true) => INVITED,
                            (false, false) => VERIFICATION_FAILED,
                        };
                        let member = Member {
                            email: account.email_address,
                            status: status.to_owned(),
                            invited_time: now,
                            updated_time: now,
                            usage: DetectiveUsage::default(),
                            verifying: verifying.then(|| (now + ctx.verification.delay, passes)),
                            managed: false,
                        };
                        if verifying {
                            verifying_until = Some(now + ctx.verification.delay);
                        }
                        members.push(member_json(&arn, &admin, slot.key(), &member));
                        slot.insert(member);
                    }
                }
            }
            if let Some(at) = verifying_until {
                state.next_verification.expect(at);
            }
            ok(&json!({ "Members": members, "UnprocessedAccounts": unprocessed_accounts }))
        }
        Op::ListMembers => {
            let input: ListMembers = request.json(SERVICE)?;
            let limit = page_size(SERVICE, "MaxResults", input.max_results, MAX_PAGE)?;
            let (admin, graph) = administered_graph(state, region_name, me, &input.graph_arn)?;
            let arn = graph_arn(region_name, &admin, &graph.id);
            let members = graph
                .members
                .iter()
                .map(|(account, m)| (account, (account, m)));
            let page = paginate(
                ctx.tokens,
                ctx.caller,
                op.name(),
                members,
                input.next_token.as_deref(),
                limit,
            )?;
            let details: Vec<Value> = page
                .items
                .iter()
                .map(|(account, m)| member_json(&arn, &admin, account, m))
                .collect();
            ok(&with_token(
                json!({ "MemberDetails": details }),
                "NextToken",
                page.next_token,
            ))
        }
        Op::GetMembers | Op::DeleteMembers => {
            let input: GraphAccountIds = request.json(SERVICE)?;
            check_account_ids(SERVICE, "AccountIds", &input.account_ids)?;
            let (admin, graph) = administered_graph(state, region_name, me, &input.graph_arn)?;
            let arn = graph_arn(region_name, &admin, &graph.id);
            let mut found = Vec::new();
            let mut unprocessed_accounts = Vec::new();
            for account in &input.account_ids {
                if op == Op::GetMembers {
                    match graph.members.get(account) {
                        Some(m) => found.push(member_json(&arn, &admin, account, m)),
                        None => unprocessed_accounts.push(unprocessed(
                            account,
                            "The account is not a member of the behavior graph.",
                        )),
                    }
                } else if graph.members.remove(account).is_some() {
                    found.push(json!(account));
                } else {
                    unprocessed_accounts.push(unprocessed(
                        account,
                        "The account is not a member of the behavior graph.",
                    ));
                }
            }
            let key = if op == Op::GetMembers {
                "MemberDetails"
            } else {
                "AccountIds"
            };
            ok(&json!({ key: found, "UnprocessedAccounts": unprocessed_accounts }))
        }
    }
}

fn graph_arn(region: &str, admin: &str, id: &str) -> String {
    format!("arn:aws:detective:{region}:{admin}:graph:{id}")
}

/// Splits a graph ARN into (region, administrator, graph id), as the model's pattern allows.
fn parse_graph_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let parts: Vec<&str> = arn.split(':').collect();
    let ["arn", partition, "detective", region, account, "graph", id] = parts.as_slice() else {
        return None;
    };
    let partition_ok = partition.starts_with("aws")
        && partition.len() <= 13
        && partition[3..]
            .bytes()
            .all(|b| b == b'-' || b == b'_' || b.is_ascii_alphanumeric());
    let region_ok = (2..=20).contains(&region.len())
        && region
            .bytes()
            .all(|b| b == b'-' || b == b'_' || b.is_ascii_alphanumeric());
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    let id_ok = id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    (partition_ok && region_ok && account_ok && id_ok).then_some((region, account, id))
}

fn find_graph<'a>(
    state: &'a mut State,
    region: &str,
    arn: &str,
) -> Result<(String, &'a mut Graph), ApiError> {
    let Some((arn_region, admin, id)) = parse_graph_arn(arn) else {
        return Err(ApiError::validation(
            SERVICE,
            format!("1 validation error detected: Value '{arn}' at 'graphArn' failed to satisfy constraint: Member must be a behavior graph ARN"),
        )
        .with_detail("INVALID_GRAPH_ARN"));
    };
    match state.graphs.get_mut(admin) {
        Some(graph) if arn_region == region && graph.id == id => Ok((admin.to_owned(), graph)),
        _ => Err(not_found(format!(
            "The behavior graph {arn} does not exist"
        ))),
    }
}

/// The graph named by `arn`, which the caller must administer.
fn administered_graph<'a>(
    state: &'a mut State,
    region: &str,
    caller: &str,
    arn: &str,
) -> Result<(String, &'a mut Graph), ApiError> {
    let (admin, graph) = find_graph(state, region, arn)?;
    if admin != caller {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "AccessDeniedException",
            format!("Account {caller} is not the administrator of behavior graph {arn}"),
        ));
    }
    Ok((admin, graph))
}

fn not_found(message: String) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "ResourceNotFoundException", message)
}

fn member_json(arn: &str, admin: &str, account: &str, m: &Member) -> Value {
    serde_json::to_value(MemberOut {
        arn,
        admin,
        account,
        m,
    })
    .unwrap_or_default()
}

/// A member of a graph, as its administrator lists it and as its invitee does, serialised
/// without a tree of values.
struct MemberOut<'a> {
    arn: &'a str,
    admin: &'a str,
    account: &'a str,
    m: &'a Member,
}

impl Serialize for MemberOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (m, usage) = (self.m, &self.m.usage);
        let updated = timestamp(&m.updated_time);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("AccountId", self.account)?;
        map.serialize_entry("AdministratorId", self.admin)?;
        map.serialize_entry("MasterId", self.admin)?;
        map.serialize_entry("EmailAddress", &m.email)?;
        map.serialize_entry("GraphArn", self.arn)?;
        map.serialize_entry("Status", &m.status)?;
        map.serialize_entry("InvitedTime", &timestamp(&m.invited_time))?;
        map.serialize_entry("UpdatedTime", &updated)?;
        let kind = if m.managed {
            "ORGANIZATION"
        } else {
            "INVITATION"
        };
        map.serialize_entry("InvitationType", kind)?;
        if let Some(reason) = &usage.disabled_reason {
            map.serialize_entry("DisabledReason", reason)?;
        }
        if let Some(bytes) = usage.volume_usage_bytes {
            map.serialize_entry("VolumeUsageInBytes", &bytes)?;
            map.serialize_entry("VolumeUsageUpdatedTime", &updated)?;
        }
        if let Some(percent) = usage.percent_of_graph_utilization {
            map.serialize_entry("PercentOfGraphUtilization", &percent)?;
            map.serialize_entry("PercentOfGraphUtilizationUpdatedTime", &updated)?;
        }
        if !usage.ingest_states.is_empty() {
            map.serialize_entry("DatasourcePackageIngestStates", &usage.ingest_states)?;
        }
        if !usage.volume_by_package.is_empty() {
            let by_package: BTreeMap<&String, Value> = usage
                .volume_by_package
                .iter()
                .map(|(package, bytes)| {
                    (
                        package,
                        json!({ "VolumeUsageInBytes": bytes, "VolumeUsageUpdateTime": updated }),
                    )
                })
                .collect();
            map.serialize_entry("VolumeUsageByDatasourcePackage", &by_package)?;
        }
        map.end()
    }
}

/// A page of `ListInvitations`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InvitationsOut<'a> {
    invitations: Vec<MemberOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

fn unprocessed(account: &str, reason: &str) -> Value {
    json!({ "AccountId": account, "Reason": reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_arns_follow_the_model_pattern() {
        let id = "0123456789abcdef0123456789abcdef";
        let arn = graph_arn("us-east-1", "111122223333", id);
        assert_eq!(
            parse_graph_arn(&arn),
            Some(("us-east-1", "111122223333", id))
        );
        for bad in [
            "",
            "arn:aws:detective:us-east-1:111122223333:graph:ABC",
            "arn:aws:detective:us-east-1:1111:graph:0123456789abcdef0123456789abcdef",
            "arn:aws:guardduty:us-east-1:111122223333:graph:0123456789abcdef0123456789abcdef",
            "arn:aws:detective:us-east-1:111122223333:graph:0123456789abcdef0123456789abcdef:x",
        ] {
            assert_eq!(parse_graph_arn(bad), None, "{bad}");
        }
    }
}
