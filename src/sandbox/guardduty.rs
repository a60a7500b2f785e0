//! GuardDuty's membership operations (restJson1, camelCase wire names, the caller's detector id
//! in the path).

use std::collections::BTreeMap;

use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::membership::{self, AcceptError, Membership, Roster};
use super::scenario::RosterSpec;
use super::state::{Ctx, IdGen, RegionState, Time};
use super::wire::{
    ApiError, Request, Service, check_account_ids, is_account_id, is_email, ok, paginate,
    query_page_size, timestamp, with_token,
};

const SERVICE: Service = Service::GuardDuty;
const MAX_PAGE: usize = 50;
const EMAIL_VERIFICATION_IN_PROGRESS: &str = "EmailVerificationInProgress";
const EMAIL_VERIFICATION_FAILED: &str = "EmailVerificationFailed";

/// The statuses an invitee sees in its `ListInvitations`.
fn listed(status: &str) -> bool {
    matches!(
        status,
        membership::INVITED | EMAIL_VERIFICATION_IN_PROGRESS | EMAIL_VERIFICATION_FAILED
    )
}

pub struct Detector {
    id: String,
}

pub struct State {
    detectors: BTreeMap<String, Detector>,
    roster: Roster,
}

impl Default for State {
    fn default() -> Self {
        Self {
            detectors: BTreeMap::new(),
            roster: Roster::new(listed),
        }
    }
}

impl State {
    pub fn seed(&mut self, spec: &RosterSpec, now: Time, ids: &mut IdGen) {
        let id = spec.resource_id.clone().unwrap_or_else(|| ids.hex32());
        self.detectors.insert(spec.account.clone(), Detector { id });
        for member in &spec.members {
            let invited_at = member.invited_at.map(|t| t.resolve(now));
            let invitation_id = listed(&member.status)
                .then(|| member.invitation_id.clone().unwrap_or_else(|| ids.hex32()));
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

    fn detector_of(&self, account: &str) -> Option<&str> {
        self.detectors.get(account).map(|d| d.id.as_str())
    }
}

pub fn operation(request: &Request) -> Option<&'static str> {
    Some(
        match (request.method.as_str(), request.route().as_slice()) {
            ("POST", ["detector"]) => "CreateDetector",
            ("GET", ["detector"]) => "ListDetectors",
            ("GET", ["invitation"]) => "ListInvitations",
            ("GET", ["invitation", "count"]) => "GetInvitationsCount",
            ("POST", ["invitation", "decline"]) => "DeclineInvitations",
            ("POST", ["invitation", "delete"]) => "DeleteInvitations",
            ("POST", ["detector", _, "administrator"]) => "AcceptAdministratorInvitation",
            ("GET", ["detector", _, "administrator"]) => "GetAdministratorAccount",
            ("POST", ["detector", _, "administrator", "disassociate"]) => {
                "DisassociateFromAdministratorAccount"
            }
            ("POST", ["detector", _, "member"]) => "CreateMembers",
            ("GET", ["detector", _, "member"]) => "ListMembers",
            ("POST", ["detector", _, "member", "invite"]) => "InviteMembers",
            ("POST", ["detector", _, "member", "get"]) => "GetMembers",
            ("POST", ["detector", _, "member", "delete"]) => "DeleteMembers",
            ("POST", ["detector", _, "member", "disassociate"]) => "DisassociateMembers",
            _ => return None,
        },
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccountIds {
    account_ids: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateMembers {
    account_details: Vec<AccountDetail>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccountDetail {
    account_id: String,
    email: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AcceptAdministratorInvitation {
    administrator_id: String,
    invitation_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateDetector {
    enable: bool,
    client_token: Option<String>,
    finding_publishing_frequency: Option<String>,
}

pub fn handle(
    region: &mut RegionState,
    ctx: Ctx,
    operation: &str,
    request: &Request,
) -> Result<Response, ApiError> {
    let state = &mut region.guardduty;
    let me = ctx.caller.account.as_str();
    let now = ctx.now;
    // Every operation with a detector in its path acts only on the caller's own detector.
    if let ["detector", asked, ..] = request.route().as_slice()
        && state.detector_of(me) != Some(*asked)
    {
        return Err(ApiError::validation(
            SERVICE,
            "The request is rejected because the input detectorId is not owned by the current account.",
        ));
    }
    let detector_id = state.detector_of(me).map(str::to_owned);
    match operation {
        "CreateDetector" => {
            let input: CreateDetector = request.json(SERVICE)?;
            if input.client_token.as_ref().is_some_and(|t| t.len() > 64) {
                return Err(ApiError::validation(
                    SERVICE,
                    "clientToken is at most 64 characters",
                ));
            }
            if let Some(frequency) = &input.finding_publishing_frequency
                && !["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"].contains(&frequency.as_str())
            {
                return Err(ApiError::validation(
                    SERVICE,
                    format!(
                        "findingPublishingFrequency '{frequency}' is not FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS"
                    ),
                ));
            }
            // `enable` is required on the wire; a suspended detector still owns its members.
            let _enabled = input.enable;
            if detector_id.is_some() {
                return Err(ApiError::validation(
                    SERVICE,
                    "The request is rejected because a detector already exists for the current account.",
                ));
            }
            let id = ctx.ids.hex32();
            state
                .detectors
                .insert(me.to_owned(), Detector { id: id.clone() });
            ok(&json!({ "detectorId": id }))
        }
        "ListDetectors" => {
            let limit = query_page_size(SERVICE, request, "maxResults", MAX_PAGE)?;
            let page = paginate(
                ctx.tokens,
                ctx.caller,
                operation,
                detector_id.iter().map(|id| (id.clone(), id.clone())),
                request.query_str("nextToken"),
                limit,
            )?;
            ok(&with_token(
                json!({ "detectorIds": page.items }),
                "nextToken",
                page.next_token,
            ))
        }
        "ListInvitations" => {
            let limit = query_page_size(SERVICE, request, "maxResults", MAX_PAGE)?;
            let page = paginate(
                ctx.tokens,
                ctx.caller,
                operation,
                state
                    .roster
                    .invitations_to(me)
                    .map(|entry| (entry.0, entry)),
                request.query_str("nextToken"),
                limit,
            )?;
            let invitations: Vec<Value> = page
                .items
                .iter()
                .map(|(admin, m)| invitation_json(admin, m))
                .collect();
            ok(&with_token(
                json!({ "invitations": invitations }),
                "nextToken",
                page.next_token,
            ))
        }
        "GetInvitationsCount" => ok(&json!({
            "invitationsCount": state
                .roster
                .invitations_to(me)
                .filter(|(_, m)| m.status == membership::INVITED)
                .count()
        })),
        "AcceptAdministratorInvitation" => {
            let input: AcceptAdministratorInvitation = request.json(SERVICE)?;
            if !is_account_id(&input.administrator_id) {
                return Err(ApiError::validation(
                    SERVICE,
                    format!(
                        "administratorId '{}' is not a 12-digit account id",
                        input.administrator_id
                    ),
                ));
            }
            state
                .roster
                .accept(me, &input.administrator_id, &input.invitation_id, now)
                .map_err(|e| {
                    ApiError::validation(
                        SERVICE,
                        match e {
                            AcceptError::NotFound => format!(
                                "The request is rejected because the input invitationId {} from {} is not valid.",
                                input.invitation_id, input.administrator_id
                            ),
                            AcceptError::NotAcceptable(status) => format!(
                                "The request is rejected because the invitation is in status {status} and cannot be accepted."
                            ),
                            AcceptError::AlreadyAssociated(current) => format!(
                                "The request is rejected because the current account is already associated with administrator {current}."
                            ),
                        },
                    )
                })?;
            ok(&json!({}))
        }
        "DeclineInvitations" | "DeleteInvitations" => {
            let input: AccountIds = request.json(SERVICE)?;
            check_account_ids(SERVICE, "accountIds", &input.account_ids)?;
            let result = if operation == "DeclineInvitations" {
                membership::RESIGNED
            } else {
                membership::REMOVED
            };
            let unprocessed: Vec<Value> = input
                .account_ids
                .iter()
                .filter(|admin| !state.roster.refuse(me, admin, result, now))
                .map(|admin| {
                    unprocessed(
                        admin,
                        "The request is rejected because the given account ID has not invited the current account.",
                    )
                })
                .collect();
            ok(&json!({ "unprocessedAccounts": unprocessed }))
        }
        "GetAdministratorAccount" => match state.roster.administrator_of(me) {
            Some((admin, membership)) => {
                ok(&json!({ "administrator": invitation_json(admin, membership) }))
            }
            None => ok(&json!({})),
        },
        "DisassociateFromAdministratorAccount" => match state.roster.resign(me, now) {
            Some(_) => ok(&json!({})),
            None => Err(ApiError::validation(
                SERVICE,
                "The request is rejected because the current account is not associated with an administrator account.",
            )),
        },
        "CreateMembers" => {
            let input: CreateMembers = request.json(SERVICE)?;
            let ids: Vec<String> = input
                .account_details
                .iter()
                .map(|d| d.account_id.clone())
                .collect();
            check_account_ids(SERVICE, "accountDetails", &ids)?;
            if let Some(bad) = input.account_details.iter().find(|d| !is_email(&d.email)) {
                return Err(ApiError::validation(
                    SERVICE,
                    format!(
                        "The request is rejected because the email '{}' is invalid.",
                        bad.email
                    ),
                ));
            }
            let unprocessed: Vec<Value> = input
                .account_details
                .into_iter()
                .filter_map(|d| {
                    let account = d.account_id.clone();
                    state
                        .roster
                        .create(me, &d.account_id, Some(d.email), now)
                        .err()
                        .map(|reason| unprocessed(&account, reason))
                })
                .collect();
            ok(&json!({ "unprocessedAccounts": unprocessed }))
        }
        "InviteMembers" => {
            let input: AccountIds = request.json(SERVICE)?;
            check_account_ids(SERVICE, "accountIds", &input.account_ids)?;
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
            ok(&json!({ "unprocessedAccounts": unprocessed }))
        }
        "ListMembers" => {
            let limit = query_page_size(SERVICE, request, "maxResults", MAX_PAGE)?;
            let only_associated = match request.query_str("onlyAssociated") {
                None | Some("true") => true,
                Some("false") => false,
                Some(other) => {
                    return Err(ApiError::validation(
                        SERVICE,
                        format!("onlyAssociated must be true or false, not '{other}'"),
                    ));
                }
            };
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
                request.query_str("nextToken"),
                limit,
            )?;
            let detector = detector_id.as_deref().unwrap_or_default();
            let members: Vec<Value> = page
                .items
                .iter()
                .map(|(account, m)| member_json(me, detector, account, m))
                .collect();
            ok(&with_token(
                json!({ "members": members }),
                "nextToken",
                page.next_token,
            ))
        }
        "GetMembers" => {
            let input: AccountIds = request.json(SERVICE)?;
            check_account_ids(SERVICE, "accountIds", &input.account_ids)?;
            let detector = detector_id.as_deref().unwrap_or_default();
            let mut members = Vec::new();
            let mut unprocessed_accounts = Vec::new();
            for account in &input.account_ids {
                match state.roster.member(me, account) {
                    Some(m) => members.push(member_json(me, detector, account, m)),
                    None => unprocessed_accounts.push(unprocessed(
                        account,
                        "The request is rejected because the input account ID is not a member of the current account.",
                    )),
                }
            }
            ok(&json!({ "members": members, "unprocessedAccounts": unprocessed_accounts }))
        }
        "DeleteMembers" | "DisassociateMembers" => {
            let input: AccountIds = request.json(SERVICE)?;
            check_account_ids(SERVICE, "accountIds", &input.account_ids)?;
            let unprocessed: Vec<Value> = input
                .account_ids
                .iter()
                .filter(|account| {
                    if operation == "DeleteMembers" {
                        !state.roster.remove(me, account)
                    } else {
                        !state.roster.disassociate(me, account, now)
                    }
                })
                .map(|account| {
                    unprocessed(
                        account,
                        "The request is rejected because the input account ID is not a member of the current account.",
                    )
                })
                .collect();
            ok(&json!({ "unprocessedAccounts": unprocessed }))
        }
        _ => Err(ApiError::unknown_route(&request.method, operation)),
    }
}

fn invitation_json(admin: &str, m: &Membership) -> Value {
    let mut value = json!({
        "accountId": admin,
        "relationshipStatus": m.status,
    });
    if let Some(id) = &m.invitation_id {
        value["invitationId"] = json!(id);
    }
    if let Some(at) = &m.invited_at {
        value["invitedAt"] = json!(timestamp(at));
    }
    value
}

fn member_json(admin: &str, detector: &str, account: &str, m: &Membership) -> Value {
    let mut value = json!({
        "accountId": account,
        "detectorId": detector,
        "administratorId": admin,
        "masterId": admin,
        "email": m.email.as_deref().unwrap_or_default(),
        "relationshipStatus": m.status,
        "updatedAt": timestamp(&m.updated_at),
    });
    if let Some(at) = &m.invited_at {
        value["invitedAt"] = json!(timestamp(at));
    }
    value
}

fn unprocessed(account: &str, result: &str) -> Value {
    json!({ "accountId": account, "result": result })
}
