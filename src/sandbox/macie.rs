//! Amazon Macie's membership operations: Security Hub's model with camelCase wire names, one
//! member created at a time (`CreateMember`), invitations sent with `CreateInvitations`, and
//! Macie itself enabled per account and region (`EnableMacie`, `GetMacieSession`).

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::dialect::{self, Dialect, MemberDetail};
use super::membership::{self, AcceptError, Roster};
use super::scenario::RosterSpec;
use super::state::{Ctx, IdGen, RegionState, Time};
use super::wire::{ApiError, Request, Service, ok, operations, timestamp};

const SERVICE: Service = Service::Macie2;
const MAX_PAGE: usize = 25;

const DIALECT: Dialect = Dialect {
    service: SERVICE,
    camel: true,
    status: "relationshipStatus",
    reason: "errorMessage",
    max_page: MAX_PAGE,
    email_required: true,
    not_a_member: "The account is not a member of this administrator account.",
    not_invited_by: "No invitation from this account.",
    bad_email: ("The email address '", "' is not valid."),
    administrator_fields: ("AdministratorAccountId", "MasterAccountId"),
    error_code: Some("ClientError"),
};

/// Macie in one account and region.
struct Session {
    created_at: Time,
    status: String,
}

pub struct State {
    sessions: BTreeMap<String, Session>,
    roster: Roster,
}

impl Default for State {
    fn default() -> Self {
        Self {
            sessions: BTreeMap::new(),
            roster: Roster::new(|status| status == membership::INVITED),
        }
    }
}

impl State {
    /// The administrator and its enabled members have Macie on; the members, as declared.
    pub fn seed(&mut self, spec: &RosterSpec, now: Time, ids: &mut IdGen) {
        let since = spec.since.resolve(now);
        let enabled = |at| Session {
            created_at: at,
            status: "ENABLED".into(),
        };
        self.sessions.insert(spec.account.clone(), enabled(since));
        for member in spec
            .members
            .iter()
            .filter(|m| m.status.eq_ignore_ascii_case("Enabled"))
        {
            let at = member.invited_at.map_or(since, |t| t.resolve(now));
            self.sessions
                .entry(member.account.clone())
                .or_insert_with(|| enabled(at));
        }
        dialect::seed(&mut self.roster, spec, now, ids);
    }
}

operations! {
    /// Every operation the sandbox serves for Macie.
    pub enum Op {
        EnableMacie: "POST" ["macie"],
        GetMacieSession: "GET" ["macie"],
        ListInvitations: "GET" ["invitations"],
        GetInvitationsCount: "GET" ["invitations", "count"],
        AcceptInvitation: "POST" ["invitations", "accept"],
        DeclineInvitations: "POST" ["invitations", "decline"],
        DeleteInvitations: "POST" ["invitations", "delete"],
        CreateInvitations: "POST" ["invitations"],
        CreateMember: "POST" ["members"],
        ListMembers: "GET" ["members"],
        GetMember: "GET" ["members", _],
        DeleteMember: "DELETE" ["members", _],
        DisassociateMember: "POST" ["members", "disassociate", _],
        GetAdministratorAccount: "GET" ["administrator"],
        DisassociateFromAdministratorAccount: "POST" ["administrator", "disassociate"],
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EnableMacie {
    status: Option<String>,
    finding_publishing_frequency: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AcceptInvitation {
    /// `masterAccount` in the older form, still taken.
    administrator_account_id: Option<String>,
    master_account: Option<String>,
    invitation_id: Option<String>,
}

#[derive(Deserialize)]
struct CreateMember {
    account: Option<MemberDetail>,
}

pub fn handle(
    region: &mut RegionState,
    mut ctx: Ctx,
    op: Op,
    request: &Request,
) -> Result<Response, ApiError> {
    let state = &mut region.macie;
    let me = ctx.caller.account.clone();
    let me = me.as_str();
    let now = ctx.now;
    let session = |state: &State| require_session(state, me).map(|_| ());
    match op {
        Op::EnableMacie => {
            let input: EnableMacie = request.json(SERVICE)?;
            let status = input.status.unwrap_or_else(|| "ENABLED".into());
            if !["ENABLED", "PAUSED"].contains(&status.as_str()) {
                return Err(validation(format!(
                    "status '{status}' is not ENABLED or PAUSED"
                )));
            }
            if let Some(frequency) = &input.finding_publishing_frequency
                && !["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"].contains(&frequency.as_str())
            {
                return Err(validation(format!(
                    "findingPublishingFrequency '{frequency}' is not FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS"
                )));
            }
            if state.sessions.contains_key(me) {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "ConflictException",
                    "Macie is already enabled for this account.",
                ));
            }
            let created_at = now;
            state
                .sessions
                .insert(me.to_owned(), Session { created_at, status });
            ok(&json!({}))
        }
        Op::GetMacieSession => {
            let session = require_session(state, me)?;
            ok(&json!({
                "createdAt": timestamp(&session.created_at),
                "updatedAt": timestamp(&session.created_at),
                "findingPublishingFrequency": "FIFTEEN_MINUTES",
                "serviceRole": format!("arn:aws:iam::{me}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie"),
                "status": session.status,
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
            let administrators = DIALECT.account_ids(request)?;
            let roster = &mut state.roster;
            DIALECT.refuse(roster, me, now, &administrators, membership::REMOVED)
        }
        Op::AcceptInvitation => {
            let input: AcceptInvitation = request.json(SERVICE)?;
            let administrator = input
                .administrator_account_id
                .or(input.master_account)
                .filter(|a| !a.trim().is_empty())
                .ok_or_else(|| validation("administratorAccountId is required".into()))?;
            let invitation = input
                .invitation_id
                .filter(|i| !i.trim().is_empty())
                .ok_or_else(|| validation("invitationId is required".into()))?;
            session(state)?;
            state
                .roster
                .accept(me, &administrator, &invitation, now)
                .map_err(|e| match e {
                    AcceptError::NotFound | AcceptError::NotAcceptable(_) => not_found(format!(
                        "Invitation {invitation} from administrator {administrator} is not found."
                    )),
                    AcceptError::AlreadyAssociated(current) => ApiError::new(
                        StatusCode::CONFLICT,
                        "ConflictException",
                        format!("The account is already associated with administrator {current}."),
                    ),
                })?;
            ok(&json!({}))
        }
        Op::CreateInvitations => {
            let accounts = DIALECT.account_ids(request)?;
            session(state)?;
            DIALECT.invite_members(&mut state.roster, &mut ctx, &accounts)
        }
        Op::CreateMember => {
            let input: CreateMember = request.json(SERVICE)?;
            let Some(detail) = input.account else {
                return Err(validation("account is required".into()));
            };
            let details = DIALECT.check_details("account", vec![detail])?;
            session(state)?;
            let Some(detail) = details.into_iter().next() else {
                return Err(validation("account is required".into()));
            };
            let account = detail.account_id.clone();
            state
                .roster
                .create(me, &account, detail.email, now)
                .map_err(|reason| validation(reason.to_owned()))?;
            ok(&json!({ "arn": member_arn(&ctx, me, &account) }))
        }
        Op::ListMembers => {
            let query = DIALECT.members_query(request)?;
            session(state)?;
            let arn = |account: &str| json!({ "arn": member_arn(&ctx, me, account) });
            DIALECT.list_members(&state.roster, &ctx, op.name(), query, &arn)
        }
        Op::GetMember => {
            let account = path_account(request)?;
            session(state)?;
            let member = state.roster.member(me, &account).ok_or_else(|| {
                not_found(format!("The account {account} is not a member of {me}."))
            })?;
            let arn = |account: &str| json!({ "arn": member_arn(&ctx, me, account) });
            ok(&DIALECT.member_json(me, &account, member, &arn))
        }
        Op::DeleteMember => {
            let account = path_account(request)?;
            session(state)?;
            match state.roster.remove(me, &account) {
                true => ok(&json!({})),
                false => Err(not_found(format!(
                    "The account {account} is not a member of {me}."
                ))),
            }
        }
        Op::DisassociateMember => {
            let account = path_account(request)?;
            session(state)?;
            if state.roster.member(me, &account).is_none() {
                return Err(not_found(format!(
                    "The account {account} is not a member of {me}."
                )));
            }
            state.roster.disassociate(me, &account, now);
            ok(&json!({}))
        }
        Op::GetAdministratorAccount => {
            session(state)?;
            DIALECT.administrator(&state.roster, me, "Administrator")
        }
        Op::DisassociateFromAdministratorAccount => {
            session(state)?;
            match state.roster.resign(me, now) {
                Some(_) => ok(&json!({})),
                None => Err(not_found(
                    "The account is not associated with an administrator account.".into(),
                )),
            }
        }
    }
}

/// Macie answers every membership call of an account that has not enabled it this way.
fn require_session<'a>(state: &'a State, account: &str) -> Result<&'a Session, ApiError> {
    state.sessions.get(account).ok_or_else(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "AccessDeniedException",
            format!("Macie is not enabled for account {account} in this region."),
        )
    })
}

fn member_arn(ctx: &Ctx, admin: &str, account: &str) -> Value {
    let region = &ctx.caller.region;
    json!(format!("arn:aws:macie2:{region}:{admin}:member/{account}"))
}

/// The member's account id, the last segment of the path.
fn path_account(request: &Request) -> Result<String, ApiError> {
    let account = request.segments.last().cloned().unwrap_or_default();
    super::wire::check_account_ids(SERVICE, "id", std::slice::from_ref(&account))?;
    Ok(account)
}

fn validation(message: String) -> ApiError {
    ApiError::validation(SERVICE, message)
}

fn not_found(message: String) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "ResourceNotFoundException", message)
}
