//! Security Hub's membership operations (restJson1, PascalCase wire names).

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::dialect::{self, Dialect};
use super::membership::{self, AcceptError, Roster};
use super::scenario::RosterSpec;
use super::state::{Ctx, IdGen, RegionState, Time};
use super::wire::{ApiError, Request, Service, ok, operations, timestamp};

const SERVICE: Service = Service::SecurityHub;
const DEFAULT_GENERATOR: &str = "SECURITY_CONTROL";

const DIALECT: Dialect = Dialect {
    service: SERVICE,
    camel: false,
    status: "MemberStatus",
    reason: "ProcessingResult",
    max_page: 50,
    email_required: false,
    not_a_member: "Account is not a member",
    not_invited_by: "No pending invitation from this account",
    bad_email: ("Email '", "' is not a valid email address"),
    administrator_fields: ("AdministratorId", "MasterId"),
    error_code: None,
};

pub struct Hub {
    subscribed_at: Time,
    /// As `EnableSecurityHub` was given it; `SECURITY_CONTROL` by default.
    control_finding_generator: String,
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
        let subscribed_at = spec.since.resolve(now);
        let hub = Hub {
            subscribed_at,
            control_finding_generator: DEFAULT_GENERATOR.to_owned(),
        };
        self.hubs.insert(spec.account.clone(), hub);
        // An enabled member has Security Hub on: it answers its administrator's questions.
        for member in spec
            .members
            .iter()
            .filter(|m| m.status.eq_ignore_ascii_case("Enabled"))
        {
            self.hubs
                .entry(member.account.clone())
                .or_insert_with(|| Hub {
                    subscribed_at: member.invited_at.map_or(subscribed_at, |t| t.resolve(now)),
                    control_finding_generator: DEFAULT_GENERATOR.to_owned(),
                });
        }
        dialect::seed(&mut self.roster, spec, now, ids);
    }
}

operations! {
    /// Every operation the sandbox serves for Security Hub.
    pub enum Op {
        EnableSecurityHub: "POST" ["accounts"],
        DescribeHub: "GET" ["accounts"],
        ListInvitations: "GET" ["invitations"],
        GetInvitationsCount: "GET" ["invitations", "count"],
        DeclineInvitations: "POST" ["invitations", "decline"],
        DeleteInvitations: "POST" ["invitations", "delete"],
        AcceptAdministratorInvitation: "POST" ["administrator"],
        GetAdministratorAccount: "GET" ["administrator"],
        DisassociateFromAdministratorAccount: "POST" ["administrator", "disassociate"],
        AcceptInvitation: "POST" ["master"],
        GetMasterAccount: "GET" ["master"],
        DisassociateFromMasterAccount: "POST" ["master", "disassociate"],
        CreateMembers: "POST" ["members"],
        ListMembers: "GET" ["members"],
        InviteMembers: "POST" ["members", "invite"],
        GetMembers: "POST" ["members", "get"],
        DeleteMembers: "POST" ["members", "delete"],
        DisassociateMembers: "POST" ["members", "disassociate"],
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AcceptAdministratorInvitation {
    /// `MasterId` in the older `AcceptInvitation`, served over the same state.
    #[serde(alias = "MasterId")]
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
    mut ctx: Ctx,
    op: Op,
    request: &Request,
) -> Result<Response, ApiError> {
    let state = &mut region.securityhub;
    let me = ctx.caller.account.clone();
    let me = me.as_str();
    let now = ctx.now;
    let hub = |state: &State| require_hub(state, me).map(|_| ());
    match op {
        Op::EnableSecurityHub => {
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
            let hub = Hub {
                subscribed_at: now,
                control_finding_generator: input
                    .control_finding_generator
                    .unwrap_or_else(|| DEFAULT_GENERATOR.to_owned()),
            };
            state.hubs.insert(me.to_owned(), hub);
            ok(&json!({}))
        }
        Op::DescribeHub => {
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
                "ControlFindingGenerator": hub.control_finding_generator,
            }))
        }
        Op::ListInvitations => DIALECT.list_invitations(&state.roster, &ctx, op.name(), request),
        Op::GetInvitationsCount => DIALECT.invitations_count(&state.roster, &ctx),
        Op::DeclineInvitations => {
            let administrators = DIALECT.account_ids(request)?;
            let roster = &mut state.roster;
            DIALECT.refuse(roster, me, now, &administrators, membership::RESIGNED)
        }
        Op::DeleteInvitations => {
            // Both directions delete the matching invitation: the invitee naming an
            // administrator, or the administrator naming a member it invited.
            let roster = &mut state.roster;
            let unprocessed = DIALECT
                .account_ids(request)?
                .iter()
                .filter(|other| {
                    !roster.refuse(me, other, membership::REMOVED, now)
                        && !roster.withdraw(me, other, now)
                })
                .map(|other| DIALECT.unprocessed(other, "No invitation to or from this account"))
                .collect::<Vec<_>>();
            ok(&json!({ "UnprocessedAccounts": unprocessed }))
        }
        Op::GetAdministratorAccount | Op::GetMasterAccount => {
            hub(state)?;
            let field = administrator_field(op);
            DIALECT.administrator(&state.roster, me, field)
        }
        Op::CreateMembers => {
            let details = DIALECT.member_details(request)?;
            hub(state)?;
            DIALECT.create_members(&mut state.roster, me, now, details)
        }
        Op::InviteMembers => {
            let accounts = DIALECT.account_ids(request)?;
            hub(state)?;
            DIALECT.invite_members(&mut state.roster, &mut ctx, &accounts)
        }
        Op::ListMembers => {
            let query = DIALECT.members_query(request)?;
            hub(state)?;
            DIALECT.list_members(&state.roster, &ctx, op.name(), query, &|_| json!({}))
        }
        Op::GetMembers => {
            let accounts = DIALECT.account_ids(request)?;
            hub(state)?;
            DIALECT.get_members(&state.roster, me, &accounts, &|_| json!({}))
        }
        Op::DeleteMembers => {
            let accounts = DIALECT.account_ids(request)?;
            hub(state)?;
            let roster = &mut state.roster;
            DIALECT.change_members(&accounts, |account| roster.remove(me, account))
        }
        Op::AcceptAdministratorInvitation | Op::AcceptInvitation => {
            let input: AcceptAdministratorInvitation = request.json(SERVICE)?;
            non_empty("AdministratorId", &input.administrator_id)?;
            non_empty("InvitationId", &input.invitation_id)?;
            hub(state)?;
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
        Op::DisassociateFromAdministratorAccount | Op::DisassociateFromMasterAccount => {
            hub(state)?;
            match state.roster.resign(me, now) {
                Some(_) => ok(&json!({})),
                None => Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "ResourceNotFoundException",
                    format!("Account {me} is not associated with an administrator account"),
                )),
            }
        }
        Op::DisassociateMembers => {
            let accounts = DIALECT.account_ids(request)?;
            hub(state)?;
            let roster = &mut state.roster;
            if let Some(stranger) = accounts
                .iter()
                .find(|account| roster.member(me, account).is_none())
            {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "ResourceNotFoundException",
                    format!("Account {stranger} is not a member of {me}"),
                ));
            }
            for account in &accounts {
                roster.disassociate(me, account, now);
            }
            ok(&json!({}))
        }
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

/// Where the current administrator is answered: the older operation names it the master.
fn administrator_field(op: Op) -> &'static str {
    match op {
        Op::GetMasterAccount => "Master",
        _ => "Administrator",
    }
}
