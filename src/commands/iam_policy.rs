//! `guestlist iam-policy`: the least-privilege IAM policy for what guestlist does in a role,
//! made from the one table of operations the adapters call.

use std::process::ExitCode;

use serde_json::json;

use crate::aws::operations::{self, Work};
use crate::cli::{IamPolicyArgs, PolicyRole};
use crate::model::ServiceKind;

/// The policy document for `args`.
pub fn policy(args: &IamPolicyArgs) -> serde_json::Value {
    let services = crate::plan::services_or_all(&args.services);
    let mut works = vec![Work::Read];
    match args.role {
        PolicyRole::Member => works.push(Work::Member),
        PolicyRole::Administrator => works.push(Work::Administrator),
        PolicyRole::ReadOnly => {}
    }
    if args.fan_out {
        works.push(Work::FanOut);
    }
    let sid = match args.role {
        PolicyRole::Member => "GuestlistMember",
        PolicyRole::Administrator => "GuestlistAdministrator",
        PolicyRole::ReadOnly => "GuestlistReadOnly",
    };
    let mut statements = vec![json!({
        "Sid": sid,
        "Effect": "Allow",
        "Action": operations::actions(&works, &services),
        "Resource": "*",
    })];
    // Enabling Security Hub or Macie, or creating a detector (steps before accepting), creates
    // the service's linked role the first time (Macie's principal is `macie`, not `macie2`).
    let linked: Vec<String> = services
        .iter()
        .filter(|s| **s != ServiceKind::Detective)
        .map(|s| format!("{}.amazonaws.com", s.id()))
        .collect();
    if args.role == PolicyRole::Member && !linked.is_empty() {
        statements.push(json!({
            "Sid": "GuestlistEnableServices",
            "Effect": "Allow",
            "Action": "iam:CreateServiceLinkedRole",
            "Resource": "*",
            "Condition": { "StringEquals": { "iam:AWSServiceName": linked } },
        }));
    }
    json!({ "Version": "2012-10-17", "Statement": statements })
}

pub fn run(args: &IamPolicyArgs) -> std::io::Result<ExitCode> {
    let text = serde_json::to_string_pretty(&policy(args)).map_err(std::io::Error::other)?;
    super::output::to_stdout(|out| writeln!(out, "{text}"))?;
    Ok(ExitCode::SUCCESS)
}
