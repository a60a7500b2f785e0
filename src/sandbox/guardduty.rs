//! GuardDuty's membership operations (restJson1, camelCase wire names, the caller's detector id
//! in the path).

use std::collections::BTreeMap;

use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::dialect::{self, Dialect};
use super::membership::{self, AcceptError, Roster};
use super::scenario::RosterSpec;
use super::state::{Ctx, IdGen, RegionState, Time};
use super::wire::{
    ApiError, Request, Service, is_account_id, ok, operations, paginate, query_page_size,
    timestamp, with_token,
};

const SERVICE: Service = Service::GuardDuty;
const MAX_PAGE: usize = 50;
const EMAIL_VERIFICATION_IN_PROGRESS: &str = "EmailVerificationInProgress";
const EMAIL_VERIFICATION_FAILED: &str = "EmailVerificationFailed";
const NOT_A_MEMBER: &str =
    "The request is rejected because the input account ID is not a member of the current account.";

const DIALECT: Dialect = Dialect {
    service: SERVICE,
    camel: true,
    status: "relationshipStatus",
    reason: "result",
    max_page: MAX_PAGE,
    email_required: true,
    not_a_member: NOT_A_MEMBER,
    not_invited_by: "The request is rejected because the given account ID has not invited the current account.",
    bad_email: (
        "The request is rejected because the email '",
        "' is invalid.",
    ),
    administrator_fields: ("AdministratorId", "MasterId"),
    error_code: None,
};

/// GuardDuty checks each invited account's email against its root email: at once without a
/// delay, else `EmailVerificationInProgress` until the sandbox's clock passes it.
fn verify_emails(roster: &mut Roster, ctx: &Ctx, accounts: &[String]) {
    let me = ctx.caller.account.as_str();
    let delay = ctx.verification.delay;
    for account in accounts {
        let Some(member) = roster.member_mut(me, account) else {
            continue;
        };
        if member.status != membership::INVITED || member.invited_at != Some(ctx.now) {
            continue;
        }
        let email = member.email.as_deref().unwrap_or_default();
        let ends_in = if ctx.verification.passes(account, email) {
            membership::INVITED
        } else {
            EMAIL_VERIFICATION_FAILED
        };
        if delay > chrono::TimeDelta::zero() {
            member.status = EMAIL_VERIFICATION_IN_PROGRESS.to_owned();
            roster.verifying(me, account, ctx.now + delay, ends_in);
        } else {
            member.status = ends_in.to_owned();
        }
    }
}

/// The statuses an invitee sees in its `ListInvitations`.
fn listed(status: &str) -> bool {
    matches!(
        status,
        membership::INVITED | EMAIL_VERIFICATION_IN_PROGRESS | EMAIL_VERIFICATION_FAILED
    )
}

pub struct Detector {
    id: String,
    created_at: Time,
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
        let created_at = spec.since.resolve(now);
        self.detectors
            .insert(spec.account.clone(), Detector { id, created_at });
        // A monitored member has a detector of its own, as GuardDuty requires.
        for member in &spec.members {
            if ["Enabled", "Disabled"]
                .iter()
                .any(|s| member.status.eq_ignore_ascii_case(s))
            {
                let created_at = member.invited_at.map_or(created_at, |t| t.resolve(now));
                self.detectors
                    .entry(member.account.clone())
                    .or_insert_with(|| Detector {
                        id: ids.hex32(),
                        created_at,
                    });
            }
        }
        dialect::seed(&mut self.roster, spec, now, ids);
    }

    fn detector_of(&self, account: &str) -> Option<&str> {
        self.detectors.get(account).map(|d| d.id.as_str())
    }
}

operations! {
    /// Every operation the sandbox serves for GuardDuty.
    pub enum Op {
        CreateDetector: "POST" ["detector"],
        ListDetectors: "GET" ["detector"],
        GetDetector: "GET" ["detector", _],
        StartMonitoringMembers: "POST" ["detector", _, "member", "start"],
        StopMonitoringMembers: "POST" ["detector", _, "member", "stop"],
        ListInvitations: "GET" ["invitation"],
        GetInvitationsCount: "GET" ["invitation", "count"],
        DeclineInvitations: "POST" ["invitation", "decline"],
        DeleteInvitations: "POST" ["invitation", "delete"],
        AcceptAdministratorInvitation: "POST" ["detector", _, "administrator"],
        GetAdministratorAccount: "GET" ["detector", _, "administrator"],
        DisassociateFromAdministratorAccount: "POST" ["detector", _, "administrator", "disassociate"],
        AcceptInvitation: "POST" ["detector", _, "master"],
        GetMasterAccount: "GET" ["detector", _, "master"],
        DisassociateFromMasterAccount: "POST" ["detector", _, "master", "disassociate"],
        CreateMembers: "POST" ["detector", _, "member"],
        ListMembers: "GET" ["detector", _, "member"],
        InviteMembers: "POST" ["detector", _, "member", "invite"],
        GetMembers: "POST" ["detector", _, "member", "get"],
        DeleteMembers: "POST" ["detector", _, "member", "delete"],
        DisassociateMembers: "POST" ["detector", _, "member", "disassociate"],
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AcceptAdministratorInvitation {
    /// `MasterId` in the older `AcceptInvitation`, served over the same state.
    #[serde(alias = "masterId")]
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
    mut ctx: Ctx,
    op: Op,
    request: &Request,
) -> Result<Response, ApiError> {
    let state = &mut region.guardduty;
    let me = ctx.caller.account.clone();
    let me = me.as_str();
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
    // A member's detectorId is its own detector (its administrator's, while it has none).
    let detectors = &state.detectors;
    let own = detector_id.clone().unwrap_or_default();
    let member_fields = |account: &str| {
        let detector = detectors
            .get(account)
            .map_or(own.as_str(), |d| d.id.as_str());
        json!({ "detectorId": detector })
    };
    let roster = &mut state.roster;
    roster.settle(now);
    match op {
        Op::CreateDetector => {
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
            state.detectors.insert(
                me.to_owned(),
                Detector {
                    id: id.clone(),
                    created_at: now,
                },
            );
            ok(&json!({ "detectorId": id }))
        }
        Op::ListDetectors => {
            let limit = query_page_size(SERVICE, request, "maxResults", MAX_PAGE)?;
            let page = paginate(
                ctx.tokens,
                ctx.caller,
                op.name(),
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
        Op::ListInvitations => DIALECT.list_invitations(roster, &ctx, op.name(), request),
        Op::GetInvitationsCount => DIALECT.invitations_count(roster, &ctx),
        Op::DeclineInvitations | Op::DeleteInvitations => {
            let administrators = DIALECT.account_ids(request)?;
            let result = match op {
                Op::DeclineInvitations => membership::RESIGNED,
                _ => membership::REMOVED,
            };
            DIALECT.refuse(roster, me, now, &administrators, result)
        }
        Op::GetAdministratorAccount | Op::GetMasterAccount => {
            DIALECT.administrator(roster, me, administrator_field(op))
        }
        Op::CreateMembers => {
            let details = DIALECT.member_details(request)?;
            DIALECT.create_members(roster, me, now, details)
        }
        Op::InviteMembers => {
            let accounts = DIALECT.account_ids(request)?;
            let response = DIALECT.invite_members(roster, &mut ctx, &accounts)?;
            verify_emails(roster, &ctx, &accounts);
            Ok(response)
        }
        Op::ListMembers => {
            let query = DIALECT.members_query(request)?;
            DIALECT.list_members(roster, &ctx, op.name(), query, &member_fields)
        }
        Op::GetMembers => {
            let accounts = DIALECT.account_ids(request)?;
            DIALECT.get_members(roster, me, &accounts, &member_fields)
        }
        Op::DeleteMembers => {
            let accounts = DIALECT.account_ids(request)?;
            DIALECT.change_members(&accounts, |account| roster.remove(me, account))
        }
        Op::DisassociateMembers => {
            let accounts = DIALECT.account_ids(request)?;
            DIALECT.change_members(&accounts, |account| roster.disassociate(me, account, now))
        }
        // An administrator stops and restarts monitoring its members: Enabled <-> Disabled.
        Op::StopMonitoringMembers | Op::StartMonitoringMembers => {
            let accounts = DIALECT.account_ids(request)?;
            let (from, to) = match op {
                Op::StopMonitoringMembers => (membership::ENABLED, membership::DISABLED),
                _ => (membership::DISABLED, membership::ENABLED),
            };
            DIALECT.change_members(&accounts, |account| {
                roster.set_status(me, account, from, to, now)
            })
        }
        Op::GetDetector => {
            let detector = detectors.get(me).map(|d| d.created_at).unwrap_or(now);
            ok(&json!({
                "createdAt": timestamp(&detector),
                "findingPublishingFrequency": "SIX_HOURS",
                "serviceRole": format!("arn:aws:iam::{me}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"),
                "status": "ENABLED",
                "updatedAt": timestamp(&detector),
            }))
        }
        Op::AcceptAdministratorInvitation | Op::AcceptInvitation => {
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
            roster
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
        Op::DisassociateFromAdministratorAccount | Op::DisassociateFromMasterAccount => {
            match roster.resign(me, now) {
                Some(_) => ok(&json!({})),
                None => Err(ApiError::validation(
                    SERVICE,
                    "The request is rejected because the current account is not associated with an administrator account.",
                )),
            }
        }
    }
}

/// Where the current administrator is answered: the older operation names it the master.
fn administrator_field(op: Op) -> &'static str {
    match op {
        Op::GetMasterAccount => "Master",
        _ => "Administrator",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_is_written_in_camel_case() {
        let at = chrono::DateTime::UNIX_EPOCH;
        let membership = membership::Membership {
            email: None,
            status: "Invited".into(),
            invitation_id: Some("inv-1".into()),
            invited_at: Some(at),
            updated_at: at,
            verifying: None,
            managed: false,
        };
        let written = DIALECT.invitation_json("111122223333", &membership);
        let expected = serde_json::json!({
            "accountId": "111122223333",
            "relationshipStatus": "Invited",
            "invitationId": "inv-1",
            "invitedAt": "1970-01-01T00:00:00.000Z",
        });
        assert_eq!(written, expected);
    }
}
