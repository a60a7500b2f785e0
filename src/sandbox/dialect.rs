//! The membership operations Security Hub and GuardDuty share, written once over a small
//! description of each one's wire dialect: its case, the names of its status and reason fields,
//! the reasons it gives, and whether a member needs an email.

use axum::response::Response;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value, json};

use super::membership::{self, Membership, Roster};
use super::scenario::RosterSpec;
use super::state::{Ctx, IdGen, Time};
use super::wire::{
    ApiError, Request, Service, check_account_ids, is_email, ok, paginate, query_page_size,
    timestamp, with_token,
};

/// One account of a `CreateMembers`, in either case.
#[derive(Deserialize)]
pub struct MemberDetail {
    #[serde(rename = "accountId", alias = "AccountId")]
    pub account_id: String,
    #[serde(rename = "email", alias = "Email")]
    pub email: Option<String>,
}

/// A `ListMembers` query: page size, whether only associated members, and the page token.
pub struct MembersQuery<'r> {
    limit: usize,
    only_associated: bool,
    token: Option<&'r str>,
}

/// How one service writes the shared operations.
pub struct Dialect {
    pub service: Service,
    /// Wire names in camelCase (GuardDuty) rather than PascalCase (Security Hub).
    pub camel: bool,
    /// The field a member's or an invitation's status is in.
    pub status: &'static str,
    /// The field an unprocessed account's reason is in.
    pub reason: &'static str,
    pub max_page: usize,
    /// Whether `CreateMembers` requires each account's email.
    pub email_required: bool,
    /// The reason for an account that is not a member.
    pub not_a_member: &'static str,
    /// The reason for declining an account that sent no invitation.
    pub not_invited_by: &'static str,
    /// The message for an invalid email, around the address.
    pub bad_email: (&'static str, &'static str),
    /// The member's administrator fields, in PascalCase: `AdministratorId` and `MasterId`
    /// (Macie: `AdministratorAccountId`, `MasterAccountId`).
    pub administrator_fields: (&'static str, &'static str),
    /// The `errorCode` an unprocessed account carries beside its reason (Macie's
    /// `ClientError`), where the service gives one.
    pub error_code: Option<&'static str>,
}

impl Dialect {
    /// `name` (written in PascalCase) as this dialect writes it.
    pub fn name(&self, name: &str) -> String {
        self.key(name).to_string()
    }

    fn object(&self, fields: &[(&str, Value)]) -> Value {
        let map: Map<String, Value> = fields
            .iter()
            .map(|(name, value)| (self.name(name), value.clone()))
            .collect();
        Value::Object(map)
    }

    pub fn unprocessed(&self, account: &str, reason: &str) -> Value {
        let mut value = json!({ self.name("AccountId"): account, self.reason: reason });
        if let Some(code) = self.error_code {
            value["errorCode"] = json!(code);
        }
        value
    }

    /// `{"UnprocessedAccounts": [...]}`.
    fn unprocessed_body(&self, unprocessed: Vec<Value>) -> Result<Response, ApiError> {
        ok(&self.object(&[("UnprocessedAccounts", Value::Array(unprocessed))]))
    }

    /// The account ids of a request's `AccountIds`, checked.
    pub fn account_ids(&self, request: &Request) -> Result<Vec<String>, ApiError> {
        let body: Value = request.json(self.service)?;
        let field = self.name("AccountIds");
        let ids: Vec<String> = match body.get(&field) {
            None | Some(Value::Null) => Vec::new(),
            Some(value) => serde_json::from_value(value.clone()).map_err(|e| {
                ApiError::validation(self.service, format!("1 validation error detected: {e}"))
            })?,
        };
        check_account_ids(self.service, &field, &ids)?;
        Ok(ids)
    }

    /// A page size from the query, within the dialect's maximum.
    fn page_size(&self, request: &Request) -> Result<usize, ApiError> {
        query_page_size(
            self.service,
            request,
            &self.name("MaxResults"),
            self.max_page,
        )
    }

    fn next_token<'r>(&self, request: &'r Request) -> Option<&'r str> {
        request.query_str(&self.name("NextToken"))
    }

    /// An invitation as its invitee lists it, or as its administrator describes it.
    pub fn invitation_json(&self, admin: &str, m: &Membership) -> Value {
        serde_json::to_value(InvitationOut {
            dialect: self,
            admin,
            m,
        })
        .unwrap_or_default()
    }

    /// `name` (written in PascalCase) as this dialect writes it, as a map key written without
    /// a string of its own.
    fn key<'n>(&self, name: &'n str) -> Key<'n> {
        Key {
            camel: self.camel,
            name,
        }
    }

    /// A member as its administrator lists it; `extra` adds what only this service says of it.
    pub fn member_json(
        &self,
        admin: &str,
        account: &str,
        m: &Membership,
        extra: &dyn Fn(&str) -> Value,
    ) -> Value {
        let mut value = self.object(&[
            ("AccountId", json!(account)),
            (self.administrator_fields.0, json!(admin)),
            (self.administrator_fields.1, json!(admin)),
            ("UpdatedAt", json!(timestamp(&m.updated_at))),
        ]);
        value[self.status] = json!(m.status);
        match (&m.email, self.email_required) {
            (Some(email), _) => value[self.name("Email")] = json!(email),
            // A member always has one where the service requires it.
            (None, true) => value[self.name("Email")] = json!(""),
            (None, false) => {}
        }
        if let Some(at) = &m.invited_at {
            value[self.name("InvitedAt")] = json!(timestamp(at));
        }
        if let (Value::Object(value), Value::Object(extra)) = (&mut value, extra(account)) {
            value.extend(extra.clone());
        }
        value
    }

    pub fn list_invitations(
        &self,
        roster: &Roster,
        ctx: &Ctx,
        operation: &str,
        request: &Request,
    ) -> Result<Response, ApiError> {
        let me = ctx.caller.account.as_str();
        let limit = self.page_size(request)?;
        let invitations = roster
            .invitations_to(me)
            .filter(|(_, m)| ctx.has_arrived(m.invited_at))
            .map(|entry| (entry.0, entry));
        let page = paginate(
            ctx.tokens,
            ctx.caller,
            operation,
            invitations,
            self.next_token(request),
            limit,
        )?;
        // Written straight to bytes: a fan-out asks for tens of thousands of these.
        ok(&InvitationsOut {
            dialect: self,
            invitations: &page.items,
            next_token: page.next_token.as_deref(),
        })
    }

    /// What `ListInvitations` shows, but the accepted invitation.
    pub fn invitations_count(&self, roster: &Roster, ctx: &Ctx) -> Result<Response, ApiError> {
        let count = roster
            .invitations_to(&ctx.caller.account)
            .filter(|(_, m)| m.status != membership::ENABLED && ctx.has_arrived(m.invited_at))
            .count();
        ok(&self.object(&[("InvitationsCount", json!(count))]))
    }

    /// Declines (`RESIGNED`) or deletes (`REMOVED`) the invitations of these administrators.
    pub fn refuse(
        &self,
        roster: &mut Roster,
        me: &str,
        now: Time,
        administrators: &[String],
        result: &str,
    ) -> Result<Response, ApiError> {
        let unprocessed = administrators
            .iter()
            .filter(|admin| !roster.refuse(me, admin, result, now))
            .map(|admin| self.unprocessed(admin, self.not_invited_by))
            .collect();
        self.unprocessed_body(unprocessed)
    }

    /// The current administrator, under `field` (PascalCase): `Administrator`, or `Master` for
    /// the older operation.
    pub fn administrator(
        &self,
        roster: &Roster,
        me: &str,
        field: &str,
    ) -> Result<Response, ApiError> {
        match roster.administrator_of(me) {
            Some((admin, membership)) => {
                ok(&self.object(&[(field, self.invitation_json(admin, membership))]))
            }
            None => ok(&json!({})),
        }
    }

    /// The accounts of a `CreateMembers`, checked.
    pub fn member_details(&self, request: &Request) -> Result<Vec<MemberDetail>, ApiError> {
        let body: Value = request.json(self.service)?;
        let field = self.name("AccountDetails");
        let details: Vec<MemberDetail> =
            serde_json::from_value(body.get(&field).cloned().unwrap_or(json!([]))).map_err(
                |e| ApiError::validation(self.service, format!("1 validation error detected: {e}")),
            )?;
        self.check_details(&field, details)
    }

    /// Accounts to create as members, checked: ids, and emails where the service needs them.
    pub fn check_details(
        &self,
        field: &str,
        details: Vec<MemberDetail>,
    ) -> Result<Vec<MemberDetail>, ApiError> {
        let ids: Vec<String> = details.iter().map(|d| d.account_id.clone()).collect();
        check_account_ids(self.service, field, &ids)?;
        if self.email_required
            && let Some(missing) = details.iter().find(|d| d.email.is_none())
        {
            return Err(ApiError::validation(
                self.service,
                format!(
                    "1 validation error detected: the email of {} is required",
                    missing.account_id
                ),
            ));
        }
        if let Some(bad) = details
            .iter()
            .filter_map(|d| d.email.as_deref())
            .find(|email| !is_email(email))
        {
            let (before, after) = self.bad_email;
            return Err(ApiError::validation(
                self.service,
                format!("{before}{bad}{after}"),
            ));
        }
        Ok(details)
    }

    pub fn create_members(
        &self,
        roster: &mut Roster,
        me: &str,
        now: Time,
        details: Vec<MemberDetail>,
    ) -> Result<Response, ApiError> {
        let unprocessed = details
            .into_iter()
            .filter_map(|d| {
                roster
                    .create(me, &d.account_id, d.email, now)
                    .err()
                    .map(|reason| self.unprocessed(&d.account_id, reason))
            })
            .collect();
        self.unprocessed_body(unprocessed)
    }

    pub fn invite_members(
        &self,
        roster: &mut Roster,
        ctx: &mut Ctx,
        accounts: &[String],
    ) -> Result<Response, ApiError> {
        let me = ctx.caller.account.as_str();
        let unprocessed = accounts
            .iter()
            .filter_map(|account| {
                roster
                    .invite(me, account, ctx.ids.hex32(), ctx.now)
                    .err()
                    .map(|reason| self.unprocessed(account, reason))
            })
            .collect();
        self.unprocessed_body(unprocessed)
    }

    /// A `ListMembers` query, checked.
    pub fn members_query<'r>(&self, request: &'r Request) -> Result<MembersQuery<'r>, ApiError> {
        let limit = self.page_size(request)?;
        let only_associated = match request.query_str(&self.name("OnlyAssociated")) {
            None | Some("true") => true,
            Some("false") => false,
            Some(other) => {
                return Err(ApiError::validation(
                    self.service,
                    format!(
                        "{} must be true or false, not '{other}'",
                        self.name("OnlyAssociated")
                    ),
                ));
            }
        };
        Ok(MembersQuery {
            limit,
            only_associated,
            token: self.next_token(request),
        })
    }

    pub fn list_members(
        &self,
        roster: &Roster,
        ctx: &Ctx,
        operation: &str,
        query: MembersQuery,
        extra: &dyn Fn(&str) -> Value,
    ) -> Result<Response, ApiError> {
        let me = ctx.caller.account.as_str();
        let members = roster
            .members(me)
            .filter(|(_, m)| !query.only_associated || m.status == membership::ENABLED)
            .map(|entry| (entry.0, entry));
        let page = paginate(
            ctx.tokens,
            ctx.caller,
            operation,
            members,
            query.token,
            query.limit,
        )?;
        let members: Vec<Value> = page
            .items
            .iter()
            .map(|(account, m)| self.member_json(me, account, m, extra))
            .collect();
        let body = self.object(&[("Members", Value::Array(members))]);
        ok(&with_token(body, &self.name("NextToken"), page.next_token))
    }

    pub fn get_members(
        &self,
        roster: &Roster,
        me: &str,
        accounts: &[String],
        extra: &dyn Fn(&str) -> Value,
    ) -> Result<Response, ApiError> {
        let mut members = Vec::new();
        let mut unprocessed = Vec::new();
        for account in accounts {
            match roster.member(me, account) {
                Some(m) => members.push(self.member_json(me, account, m, extra)),
                None => unprocessed.push(self.unprocessed(account, self.not_a_member)),
            }
        }
        ok(&self.object(&[
            ("Members", Value::Array(members)),
            ("UnprocessedAccounts", Value::Array(unprocessed)),
        ]))
    }

    /// Applies `change` to each account; those it refuses are unprocessed, as not members.
    pub fn change_members(
        &self,
        accounts: &[String],
        mut change: impl FnMut(&str) -> bool,
    ) -> Result<Response, ApiError> {
        let unprocessed = accounts
            .iter()
            .filter(|account| !change(account))
            .map(|account| self.unprocessed(account, self.not_a_member))
            .collect();
        self.unprocessed_body(unprocessed)
    }
}

/// A scenario's administrator and its members, into a roster; `has_invitation` says which
/// statuses carry an invitation id.
pub fn seed(roster: &mut Roster, spec: &RosterSpec, now: Time, ids: &mut IdGen) {
    for member in &spec.members {
        let invited_at = member.invited_at.map(|t| t.resolve(now));
        // A member that was only created was never invited: it has no invitation time.
        let created_only = member.status == membership::CREATED;
        let invitation_id = roster
            .lists(&member.status)
            .then(|| member.invitation_id.clone().unwrap_or_else(|| ids.hex32()));
        roster.insert(
            &spec.account,
            &member.account,
            Membership {
                email: member.email.clone(),
                status: member.status.clone(),
                invitation_id,
                invited_at: if created_only {
                    invited_at
                } else {
                    invited_at.or(Some(now))
                },
                updated_at: member
                    .updated_at
                    .map(|t| t.resolve(now))
                    .or(invited_at)
                    .unwrap_or(now),
                verifying: None,
                managed: member.organization,
            },
        );
    }
}

/// A field name, written in PascalCase, in a dialect's case.
struct Key<'n> {
    camel: bool,
    name: &'n str,
}

impl Serialize for Key<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if !self.camel {
            return serializer.serialize_str(self.name);
        }
        serializer.collect_str(self)
    }
}

impl std::fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut chars = self.name.chars();
        if self.camel
            && let Some(first) = chars.next()
        {
            use std::fmt::Write;
            f.write_char(first.to_ascii_lowercase())?;
        }
        f.write_str(chars.as_str())
    }
}

/// An invitation as [`Dialect::invitation_json`] describes it, serialised without a tree.
struct InvitationOut<'a> {
    dialect: &'a Dialect,
    admin: &'a str,
    m: &'a Membership,
}

impl Serialize for InvitationOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (d, m) = (self.dialect, self.m);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry(&d.key("AccountId"), self.admin)?;
        map.serialize_entry(d.status, &m.status)?;
        if let Some(id) = &m.invitation_id {
            map.serialize_entry(&d.key("InvitationId"), id)?;
        }
        if let Some(at) = &m.invited_at {
            map.serialize_entry(&d.key("InvitedAt"), &timestamp(at))?;
        }
        map.end()
    }
}

/// A page of `ListInvitations`.
struct InvitationsOut<'a> {
    dialect: &'a Dialect,
    invitations: &'a [(&'a String, &'a Membership)],
    next_token: Option<&'a str>,
}

impl Serialize for InvitationsOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let d = self.dialect;
        let mut map = serializer.serialize_map(None)?;
        let invitations: Vec<InvitationOut> = self
            .invitations
            .iter()
            .map(|(admin, m)| InvitationOut {
                dialect: d,
                admin,
                m,
            })
            .collect();
        map.serialize_entry(&d.key("Invitations"), &invitations)?;
        if let Some(token) = self.next_token {
            map.serialize_entry(&d.key("NextToken"), token)?;
        }
        map.end()
    }
}
