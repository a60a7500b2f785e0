//! Security Hub's membership operations (restJson1, PascalCase wire names).

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::membership::{self, AcceptError, Membership, Roster};
use super::scenario::RosterSpec;
use super::state::{Ctx, IdGen, RegionState, Time};
use super::wire::{
    ApiError, Request, Service, check_account_ids, is_email, ok, paginate, query_page_size,
    timestamp, with_token,
};

const SERVICE: Service = Service::SecurityHub;
const MAX_PAGE: usize = 50;

pub struct Hub {
    subscribed_at: Time,
}

pub struct State {
    hubs: BTreeMap<String, Hub>,
    roster: Roster,
}

impl Default for State {
    fn default() -> Self {
        Self {
            hubs: BTreeMap::new(),
            roster: Roster::new(|status| status == membership::INVITED),
        }
    }
}

impl State {
    pub fn seed(&mut self, spec: &RosterSpec, now: Time, ids: &mut IdGen) {
        self.hubs.insert(
            spec.account.clone(),
            Hub {
                subscribed_at: spec.since.resolve(now),
            },
        );
        for member in &spec.members {
            let invited_at = member.invited_at.map(|t| t.resolve(now));
            let invitation_id = match member.status.as_str() {
                membership::INVITED => {
                    Some(member.invitation_id.clone().unwrap_or_else(|| ids.hex32()))
                }
                _ => None,
            };
            self.roster.insert(
                &spec.account,
                &member.account,
                Membership {
                    email: member.email.clone(),
                    status: member.status.clone(),
                    invitation_id,
                    invited_at: invited_at.or(Some(now)),
                    updated_at: member
                        .updated_at
                        .map(|t| t.resolve(now))
                        .or(invited_at)
                        .unwrap_or(now),
                },
            );
        }
    }
}

pub fn operation(request: &Request) -> Option<&'static str> {
    Some(
        match (request.method.as_str(), request.route().as_slice()) {
            ("POST", ["accounts"]) => "EnableSecurityHub",
            ("GET", ["accounts"]) => "DescribeHub",
            ("GET", ["invitations"]) => "ListInvitations",
            ("GET", ["invitations", "count"]) => "GetInvitationsCount",
            ("POST", ["invitations", "decline"]) => "DeclineInvitations",
            ("POST", ["invitations", "delete"]) => "DeleteInvitations",
            ("POST", ["administrator"]) => "AcceptAdministratorInvitation",
            ("GET", ["administrator"]) => "GetAdministratorAccount",
            ("POST", ["administrator", "disassociate"]) => "DisassociateFromAdministratorAccount",
            ("POST", ["members"]) => "CreateMembers",
            ("GET", ["members"]) => "ListMembers",
            ("POST", ["members", "invite"]) => "InviteMembers",
            ("POST", ["members", "get"]) => "GetMembers",
            ("POST", ["members", "delete"]) => "DeleteMembers",
            ("POST", ["members", "disassociate"]) => "DisassociateMembers",
            _ => return None,
        },
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AccountIds {
    account_ids: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateMembers {
    account_details: Vec<AccountDetails>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AccountDetails {
    account_id: String,
    email: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AcceptAdministratorInvitation {
    administrator_id: String,
    invitation_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EnableSecurityHub {
    control_finding_generator: Option<String>,
}

pub fn handle(
    region: &mut RegionState,
    ctx: Ctx,
    operation: &str,
    request: &Request,
) -> Result<Response, ApiError> {
    let state = &mut region.securityhub;
    let me = ctx.caller.account.as_str();
    let now = ctx.now;
    match operation {
        "EnableSecurityHub" => {
            let input: EnableSecurityHub = request.json(SERVICE)?;
            if let Some(generator) = &input.control_finding_generator
                && !["STANDARD_CONTROL", "SECURITY_CONTROL"].contains(&generator.as_str())
            {
                return Err(ApiError::validation(
                    SERVICE,
                    format!(
                        "ControlFindingGenerator '{generator}' is not STANDARD_CONTROL or SECURITY_CONTROL"
                    ),
                ));
            }
            if state.hubs.contains_key(me) {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "ResourceConflictException",
                    format!("Account {me} is already subscribed to Security Hub"),
                ));
            }
            state.hubs.insert(me.to_owned(), Hub { subscribed_at: now });
            ok(&json!({}))
        }
        "DescribeHub" => {
            let hub = require_hub(state, me)?;
            let arn = hub_arn(&ctx.caller.region, me);
            if let Some(asked) = request.query_str("HubArn")
                && asked != arn
            {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "ResourceNotFoundException",
                    format!("Hub {asked} is not found"),
                ));
            }
            ok(&json!({
                "HubArn": arn,
                "SubscribedAt": timestamp(&hub.subscribed_at),
                "AutoEnableControls": true,
                "ControlFindingGenerator": "SECURITY_CONTROL",
            }))
        }
        "ListInvitations" => {
            let limit = query_page_size(SERVICE, request, "MaxResults", MAX_PAGE)?;
            let page = paginate(
                ctx.tokens,
                ctx.caller,
                operation,
                state
                    .roster
                    .invitations_to(me)
                    .map(|entry| (entry.0, entry)),
                request.query_str("NextToken"),
                limit,
            )?;
            let invitations: Vec<Value> = page
                .items
                .iter()
                .map(|(admin, m)| invitation_json(admin, m))
                .collect();
            ok(&with_token(
                json!({ "Invitations": invitations }),
                "NextToken",
                page.next_token,
            ))
        }
        "GetInvitationsCount" => {
            ok(&json!({ "InvitationsCount": state.roster.invitations_to(me).count() }))
        }
        "AcceptAdministratorInvitation" => {
            let input: AcceptAdministratorInvitation = request.json(SERVICE)?;
            non_empty("AdministratorId", &input.administrator_id)?;
            non_empty("InvitationId", &input.invitation_id)?;
            require_hub(state, me)?;
            state
                .roster
                .accept(me, &input.administrator_id, &input.invitation_id, now)
                .map_err(|e| match e {
                    AcceptError::NotFound | AcceptError::NotAcceptable(_) => ApiError::new(
                        StatusCode::NOT_FOUND,
                        "ResourceNotFoundException",
                        format!(
                            "Invitation {} from administrator {} is not found",
                            input.invitation_id, input.administrator_id
                        ),
                    ),
                    AcceptError::AlreadyAssociated(current) => ApiError::validation(
                        SERVICE,
                        format!("Account {me} is already associated with administrator {current}"),
                    ),
                })?;
            ok(&json!({}))
        }
        "DeclineInvitations" => {
            let input: AccountIds = request.json(SERVICE)?;
            check_account_ids(SERVICE, "AccountIds", &input.account_ids)?;
            let unprocessed: Vec<Value> = input
                .account_ids
                .iter()
                .filter(|admin| !state.roster.refuse(me, admin, membership::RESIGNED, now))
                .map(|admin| unprocessed(admin, "No pending invitation from this account"))
                .collect();
            ok(&json!({ "UnprocessedAccounts": unprocessed }))
        }
        "DeleteInvitations" => {
            // Both directions delete the matching invitation: the invitee naming an
            // administrator, or the administrator naming a member it invited.
            let input: AccountIds = request.json(SERVICE)?;
            check_account_ids(SERVICE, "AccountIds", &input.account_ids)?;
            let unprocessed: Vec<Value> = input
                .account_ids
                .iter()
                .filter(|other| {
                    !state.roster.refuse(me, other, membership::REMOVED, now)
                        && !state.roster.withdraw(me, other, now)
                })
                .map(|other| unprocessed(other, "No invitation to or from this account"))
                .collect();
            ok(&json!({ "UnprocessedAccounts": unprocessed }))
        }
        "GetAdministratorAccount" => {
            require_hub(state, me)?;
            match state.roster.administrator_of(me) {
                Some((admin, membership)) => {
                    ok(&json!({ "Administrator": invitation_json(admin, membership) }))
                }
                None => ok(&json!({})),
            }
        }
        "DisassociateFromAdministratorAccount" => {
            require_hub(state, me)?;
            match state.roster.resign(me, now) {
                Some(_) => ok(&json!({})),
                None => Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "ResourceNotFoundException",
                    format!("Account {me} is not associated with an administrator account"),
                )),
            }
        }
        "CreateMembers" => {
            let input: CreateMembers = request.json(SERVICE)?;
            let ids: Vec<String> = input
                .account_details
                .iter()
                .map(|d| d.account_id.clone())
                .collect();
            check_account_ids(SERVICE, "AccountDetails", &ids)?;
            if let Some(bad) = input
                .account_details
                .iter()
                .filter_map(|d| d.email.as_deref())
                .find(|email| !is_email(email))
            {
                return Err(ApiError::validation(
                    SERVICE,
                    format!("Email '{bad}' is not a valid email address"),
                ));
            }
            require_hub(state, me)?;
            let unprocessed: Vec<Value> = input
                .account_details
                .into_iter()
                .filter_map(|d| {
                    let account = d.account_id.clone();
                    state
                        .roster
                        .create(me, &d.account_id, d.email, now)
                        .err()
                        .map(|reason| unprocessed(&account, reason))
                })
                .collect();
            ok(&json!({ "UnprocessedAccounts": unprocessed }))
        }
        "InviteMembers" => {
            let input: AccountIds = request.json(SERVICE)?;
            check_account_ids(SERVICE, "AccountIds", &input.account_ids)?;
            require_hub(state, me)?;
            let unprocessed: Vec<Value> = input
                .account_ids
                .iter()
                .filter_map(|account| {
                    state
                        .roster
                        .invite(me, account, ctx.ids.hex32(), now)
                        .err()
                        .map(|reason| unprocessed(account, reason))
                })
                .collect();
            ok(&json!({ "UnprocessedAccounts": unprocessed }))
        }
        "ListMembers" => {
            let limit = query_page_size(SERVICE, request, "MaxResults", MAX_PAGE)?;
            let only_associated = match request.query_str("OnlyAssociated") {
                None | Some("true") => true,
                Some("false") => false,
                Some(other) => {
                    return Err(ApiError::validation(
                        SERVICE,
                        format!("OnlyAssociated must be true or false, not '{other}'"),
                    ));
                }
            };
            require_hub(state, me)?;
            let members = state
                .roster
                .members(me)
                .filter(|(_, m)| !only_associated || m.status == membership::ENABLED)
                .map(|entry| (entry.0, entry));
            let page = paginate(
                ctx.tokens,
                ctx.caller,
                operation,
                members,
                request.query_str("NextToken"),
                limit,
            )?;
            let members: Vec<Value> = page
                .items
                .iter()
                .map(|(account, m)| member_json(me, account, m))
                .collect();
            ok(&with_token(
                json!({ "Members": members }),
                "NextToken",
                page.next_token,
            ))
        }
        "GetMembers" => {
            let input: AccountIds = request.json(SERVICE)?;
            check_account_ids(SERVICE, "AccountIds", &input.account_ids)?;
            require_hub(state, me)?;
            let mut members = Vec::new();
            let mut unprocessed_accounts = Vec::new();
            for account in &input.account_ids {
                match state.roster.member(me, account) {
                    Some(m) => members.push(member_json(me, account, m)),
                    None => {
                        unprocessed_accounts.push(unprocessed(account, "Account is not a member"))
                    }
                }
            }
            ok(&json!({ "Members": members, "UnprocessedAccounts": unprocessed_accounts }))
        }
        "DeleteMembers" => {
            let input: AccountIds = request.json(SERVICE)?;
            check_account_ids(SERVICE, "AccountIds", &input.account_ids)?;
            require_hub(state, me)?;
            let unprocessed: Vec<Value> = input
                .account_ids
                .iter()
                .filter(|account| !state.roster.remove(me, account))
                .map(|account| unprocessed(account, "Account is not a member"))
                .collect();
            ok(&json!({ "UnprocessedAccounts": unprocessed }))
        }
        "DisassociateMembers" => {
            let input: AccountIds = request.json(SERVICE)?;
            check_account_ids(SERVICE, "AccountIds", &input.account_ids)?;
            require_hub(state, me)?;
            if let Some(stranger) = input
                .account_ids
                .iter()
                .find(|account| state.roster.member(me, account).is_none())
            {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "ResourceNotFoundException",
                    format!("Account {stranger} is not a member of {me}"),
                ));
            }
            for account in &input.account_ids {
                state.roster.disassociate(me, account, now);
            }
            ok(&json!({}))
        }
        _ => Err(ApiError::unknown_route(&request.method, operation)),
    }
}

fn require_hub<'a>(state: &'a State, account: &str) -> Result<&'a Hub, ApiError> {
    state.hubs.get(account).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAccessException",
            format!("Account {account} is not subscribed to AWS Security Hub"),
        )
    })
}

fn non_empty(field: &str, value: &str) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::validation(
            SERVICE,
            format!("1 validation error detected: '{field}' must not be empty"),
        ));
    }
    Ok(())
}

fn hub_arn(region: &str, account: &str) -> String {
    format!("arn:aws:securityhub:{region}:{account}:hub/default")
}

fn invitation_json(admin: &str, m: &Membership) -> Value {
    let mut value = json!({
        "AccountId": admin,
        "MemberStatus": m.status,
    });
    if let Some(id) = &m.invitation_id {
        value["InvitationId"] = json!(id);
    }
    if let Some(at) = &m.invited_at {
        value["InvitedAt"] = json!(timestamp(at));
    }
    value
}

fn member_json(admin: &str, account: &str, m: &Membership) -> Value {
    let mut value = json!({
        "AccountId": account,
        "AdministratorId": admin,
        "MasterId": admin,
        "MemberStatus": m.status,
        "UpdatedAt": timestamp(&m.updated_at),
    });
    if let Some(email) = &m.email {
        value["Email"] = json!(email);
    }
    if let Some(at) = &m.invited_at {
        value["InvitedAt"] = json!(timestamp(at));
    }
    value
}

fn unprocessed(account: &str, reason: &str) -> Value {
    json!({ "AccountId": account, "ProcessingResult": reason })
}
