//! Organizations, in awsJson1_1 (the operation in `X-Amz-Target`): the organization a scenario
//! declares, its accounts listed to its management account in pages of at most 20, as AWS
//! pages them. Creating organizations and accounts is routed but not served.

use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::scenario::{OrgAccount, OrganizationSpec};
use super::wire::{ApiError, Caller, Request, Service};

const TARGET: &str = "AWSOrganizationsV20161128.";

/// The operations the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    DescribeOrganization,
    ListAccounts,
    DescribeAccount,
}

impl Op {
    pub fn route(request: &Request) -> Option<Op> {
        match request.target.as_deref()?.strip_prefix(TARGET)? {
            "DescribeOrganization" => Some(Op::DescribeOrganization),
            "ListAccounts" => Some(Op::ListAccounts),
            "DescribeAccount" => Some(Op::DescribeAccount),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Op::DescribeOrganization => "DescribeOrganization",
            Op::ListAccounts => "ListAccounts",
            Op::DescribeAccount => "DescribeAccount",
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

pub fn handle(
    organization: Option<&OrganizationSpec>,
    caller: &Caller,
    op: Op,
    request: &Request,
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
            let next = (end < org.accounts.len()).then(|| format!("page-{end}"));
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
    }
}
