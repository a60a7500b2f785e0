//! Organizations, in awsJson1_1 (the operation in `X-Amz-Target`): the organization a scenario
//! declares, its accounts listed to its management account in pages of at most 20, as AWS
//! pages them. An organization can be created, and accounts in it: each creation is a request
//! that succeeds a few seconds later on the sandbox clock, as AWS's does, and the new account
//! has `OrganizationAccountAccessRole` trusting the management account.

use axum::response::Response;
use serde::{Deserialize, Serialize};

use chrono::{DateTime, Utc};

use super::scenario::{OrgAccount, OrganizationSpec, RoleSpec};
use super::state::World;
use super::wire::{ApiError, Caller, Request, Service};

/// How long an account takes to be created, on the sandbox clock.
pub const CREATION_SECONDS: i64 = 5;

/// The role every created account has, trusting the management account.
pub const ACCESS_ROLE: &str = "OrganizationAccountAccessRole";

/// A `CreateAccount` request and what came of it.
#[derive(Debug, Clone)]
pub struct Creation {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub requested_at: DateTime<Utc>,
    /// The account, once created.
    pub account: Option<String>,
    pub failure: Option<&'static str>,
}

const TARGET: &str = "AWSOrganizationsV20161128.";

/// The operations the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    DescribeOrganization,
    ListAccounts,
    DescribeAccount,
    CreateOrganization,
    CreateAccount,
    DescribeCreateAccountStatus,
}

impl Op {
    pub fn route(request: &Request) -> Option<Op> {
        match request.target.as_deref()?.strip_prefix(TARGET)? {
            "DescribeOrganization" => Some(Op::DescribeOrganization),
            "ListAccounts" => Some(Op::ListAccounts),
            "DescribeAccount" => Some(Op::DescribeAccount),
            "CreateOrganization" => Some(Op::CreateOrganization),
            "CreateAccount" => Some(Op::CreateAccount),
            "DescribeCreateAccountStatus" => Some(Op::DescribeCreateAccountStatus),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Op::DescribeOrganization => "DescribeOrganization",
            Op::ListAccounts => "ListAccounts",
            Op::DescribeAccount => "DescribeAccount",
            Op::CreateOrganization => "CreateOrganization",
            Op::CreateAccount => "CreateAccount",
            Op::DescribeCreateAccountStatus => "DescribeCreateAccountStatus",
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Account<'a> {
    id: &'a str,
    arn: String,
    email: &'a str,
    name: &'a str,
    status: &'a str,
    joined_method: &'static str,
    joined_timestamp: f64,
}

fn arn_of(org: &OrganizationSpec, account: &str) -> String {
    format!(
        "arn:aws:organizations::{}:account/{}/{account}",
        org.management, org.id
    )
}

/// An account as `ListAccounts` and `DescribeAccount` show it.
fn entry<'a>(org: &OrganizationSpec, account: &'a OrgAccount) -> Account<'a> {
    Account {
        id: &account.id,
        arn: arn_of(org, &account.id),
        email: &account.email,
        name: &account.name,
        status: &account.status,
        joined_method: if account.id == org.management {
            "CREATED"
        } else {
            "INVITED"
        },
        joined_timestamp: 1_700_000_000.0,
    }
}

/// A success in awsJson1_1: JSON, typed as the protocol types it.
fn ok<T: Serialize>(body: &T) -> Result<Response, ApiError> {
    let mut response = super::wire::json_response(axum::http::StatusCode::OK, body);
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    Ok(response)
}

fn error(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(axum::http::StatusCode::BAD_REQUEST, code, message)
}

/// Serves `op`: creations first (they change the world), then what reads it, after the
/// creations whose time has come are completed. `repeat_tokens`: the broken-paginator edge,
/// as the regional services have it.
pub fn handle(
    world: &mut World,
    caller: &Caller,
    op: Op,
    request: &Request,
    now: DateTime<Utc>,
    repeat_tokens: bool,
) -> Result<Response, ApiError> {
    world.complete_creations(now);
    match op {
        Op::CreateOrganization => create_organization(world, caller),
        Op::CreateAccount => create_account(world, caller, request, now),
        Op::DescribeCreateAccountStatus => describe_creation(world, caller, request),
        op => answer(world.organization(), caller, op, request, repeat_tokens),
    }
}

fn create_organization(world: &mut World, caller: &Caller) -> Result<Response, ApiError> {
    if world.organization().is_some_and(|o| o.has(&caller.account)) {
        return Err(error(
            "AlreadyInOrganizationException",
            "The provided account is already a member of an organization.",
        ));
    }
    let org = OrganizationSpec {
        id: format!("o-{}", &caller.account[..10]),
        management: caller.account.clone(),
        accounts: vec![OrgAccount {
            id: caller.account.clone(),
            name: "management".into(),
            email: format!("{}@example.com", caller.account),
            status: "ACTIVE".into(),
        }],
    };
    let body = serde_json::json!({
        "Organization": {
            "Id": org.id,
            "Arn": format!("arn:aws:organizations::{}:organization/{}", org.management, org.id),
            "FeatureSet": "ALL",
            "MasterAccountArn": arn_of(&org, &org.management),
            "MasterAccountId": org.management,
            "MasterAccountEmail": org.accounts[0].email,
        }
    });
    world.set_organization(org);
    ok(&body)
}

/// The organization, as its management account acts on it.
fn managed<'a>(world: &'a World, caller: &Caller) -> Result<&'a OrganizationSpec, ApiError> {
    match world.organization().filter(|o| o.has(&caller.account)) {
        None => Err(error(
            "AWSOrganizationsNotInUseException",
            "Your account is not a member of an organization.",
        )),
        Some(org) if org.management != caller.account => Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "AccessDeniedException",
            "You don't have permissions to access this resource.",
        )),
        Some(org) => Ok(org),
    }
}

fn create_account(
    world: &mut World,
    caller: &Caller,
    request: &Request,
    now: DateTime<Utc>,
) -> Result<Response, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        email: String,
        account_name: String,
        role_name: Option<String>,
    }
    let input: Input = request.json(Service::Organizations)?;
    let org = managed(world, caller)?;
    if !(6..=64).contains(&input.email.len()) || !input.email.contains('@') {
        return Err(error(
            "ConstraintViolationException",
            "The email address is not valid.",
        ));
    }
    if input.account_name.is_empty() || input.account_name.len() > 50 {
        return Err(error(
            "ConstraintViolationException",
            "The account name must be 1 to 50 characters.",
        ));
    }
    // An email in use fails the request, not the call: AWS says so in the status.
    let taken = org.accounts.iter().any(|a| a.email == input.email)
        || world
            .creations()
            .iter()
            .any(|c| c.email == input.email && c.failure.is_none());
    let id = format!("car-{:032x}", world.creations().len() + 1);
    let creation = Creation {
        id,
        name: input.account_name,
        email: input.email,
        role: input.role_name.unwrap_or_else(|| ACCESS_ROLE.into()),
        requested_at: now,
        account: None,
        failure: taken.then_some("EMAIL_ALREADY_EXISTS"),
    };
    let body = serde_json::json!({ "CreateAccountStatus": status(&creation) });
    world.add_creation(creation);
    ok(&body)
}

fn describe_creation(
    world: &World,
    caller: &Caller,
    request: &Request,
) -> Result<Response, ApiError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        create_account_request_id: String,
    }
    let input: Input = request.json(Service::Organizations)?;
    managed(world, caller)?;
    let Some(creation) = world
        .creations()
        .iter()
        .find(|c| c.id == input.create_account_request_id)
    else {
        return Err(error(
            "CreateAccountStatusNotFoundException",
            "We can't find a create account request with the CreateAccountRequestId that you specified.",
        ));
    };
    let body = serde_json::json!({ "CreateAccountStatus": status(creation) });
    ok(&body)
}

/// A creation as `CreateAccountStatus`.
fn status(creation: &Creation) -> serde_json::Value {
    let seconds = |t: DateTime<Utc>| t.timestamp_millis() as f64 / 1000.0;
    let done = creation.requested_at + chrono::TimeDelta::seconds(CREATION_SECONDS);
    let state = match (&creation.account, creation.failure) {
        (_, Some(_)) => "FAILED",
        (Some(_), None) => "SUCCEEDED",
        (None, None) => "IN_PROGRESS",
    };
    let mut body = serde_json::json!({
        "Id": creation.id,
        "AccountName": creation.name,
        "State": state,
        "RequestedTimestamp": seconds(creation.requested_at),
    });
    if state != "IN_PROGRESS" {
        body["CompletedTimestamp"] = seconds(done).into();
    }
    if let Some(account) = &creation.account {
        body["AccountId"] = account.clone().into();
    }
    if let Some(reason) = creation.failure {
        body["FailureReason"] = reason.into();
    }
    body
}

impl World {
    /// Creations whose time has come: their accounts join the organization, each with its
    /// role trusting the management account.
    pub fn complete_creations(&mut self, now: DateTime<Utc>) {
        let due = chrono::TimeDelta::seconds(CREATION_SECONDS);
        let Some(management) = self.organization().map(|o| o.management.clone()) else {
            return;
        };
        let pending: Vec<usize> = self
            .creations()
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.account.is_none() && c.failure.is_none() && c.requested_at + due <= now
            })
            .map(|(i, _)| i)
            .collect();
        for at in pending {
            let account = format!("5{:011}", at + 1);
            let creation = self.creation_mut(at);
            creation.account = Some(account.clone());
            let (name, email, role) = (
                creation.name.clone(),
                creation.email.clone(),
                creation.role.clone(),
            );
            self.add_org_account(OrgAccount {
                id: account.clone(),
                name,
                email: email.clone(),
                status: "ACTIVE".into(),
            });
            self.set_email(&account, &email);
            self.add_role(RoleSpec {
                account,
                name: role,
                trusts: vec![management.clone()],
                external_id: None,
                mfa: false,
            });
        }
    }
}

/// Reads the organization.
fn answer(
    organization: Option<&OrganizationSpec>,
    caller: &Caller,
    op: Op,
    request: &Request,
    repeat_tokens: bool,
) -> Result<Response, ApiError> {
    let Some(org) = organization.filter(|o| o.has(&caller.account)) else {
        return Err(error(
            "AWSOrganizationsNotInUseException",
            "Your account is not a member of an organization.",
        ));
    };
    match op {
        Op::DescribeOrganization => ok(&serde_json::json!({
            "Organization": {
                "Id": org.id,
                "Arn": format!("arn:aws:organizations::{}:organization/{}", org.management, org.id),
                "FeatureSet": "ALL",
                "MasterAccountArn": arn_of(org, &org.management),
                "MasterAccountId": org.management,
                "MasterAccountEmail": org.account(&org.management).map(|a| a.email.clone()).unwrap_or_default(),
            }
        })),
        // Only the management account (or a delegated administrator) may list and describe.
        _ if caller.account != org.management => Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "AccessDeniedException",
            "You don't have permissions to access this resource.",
        )),
        Op::ListAccounts => {
            #[derive(Deserialize, Default)]
            #[serde(rename_all = "PascalCase")]
            struct Input {
                next_token: Option<String>,
                max_results: Option<i64>,
            }
            let input: Input = request.json(Service::Organizations)?;
            let size = match input.max_results {
                None => 20,
                Some(n @ 1..=20) => n as usize,
                Some(n) => {
                    return Err(error(
                        "InvalidInputException",
                        format!("MaxResults {n} must be between 1 and 20"),
                    ));
                }
            };
            let start = match input.next_token.as_deref() {
                None => 0,
                Some(token) => token
                    .strip_prefix("page-")
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| *n <= org.accounts.len())
                    .ok_or_else(|| error("InvalidInputException", "The NextToken is not valid."))?,
            };
            let end = (start + size).min(org.accounts.len());
            let accounts: Vec<Account> = org.accounts[start..end]
                .iter()
                .map(|a| entry(org, a))
                .collect();
            let next = match input.next_token {
                // Every page after the first answers the token it was given.
                Some(token) if repeat_tokens => Some(token),
                _ => (end < org.accounts.len()).then(|| format!("page-{end}")),
            };
            ok(&serde_json::json!({ "Accounts": accounts, "NextToken": next }))
        }
        Op::DescribeAccount => {
            #[derive(Deserialize)]
            #[serde(rename_all = "PascalCase")]
            struct Input {
                account_id: String,
            }
            let input: Input = request.json(Service::Organizations)?;
            let Some(a) = org.account(&input.account_id) else {
                return Err(error(
                    "AccountNotFoundException",
                    format!(
                        "You specified an account that doesn't exist: {}",
                        input.account_id
                    ),
                ));
            };
            ok(&serde_json::json!({ "Account": entry(org, a) }))
        }
        // Served by `handle` before reading.
        Op::CreateOrganization | Op::CreateAccount | Op::DescribeCreateAccountStatus => {
            Err(ApiError::not_served(Service::Organizations, op.name()))
        }
    }
}
