//! Every AWS operation guestlist calls, with the IAM action it needs, the older name AWS asks
//! policies to allow beside it, and whose work it is: `guestlist iam-policy` is made from this
//! table, and a test fails when an adapter calls an operation the table lacks.

use crate::model::ServiceKind;

/// Whose work an operation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Looking: every role needs it.
    Read,
    /// Answering invitations, and the steps accepting needs first.
    Member,
    /// Inviting and removing members.
    Administrator,
    /// Reaching other accounts: `--accounts` with `--assume-role`.
    FanOut,
}

/// One operation: `prefix:name` is its IAM action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The IAM service prefix.
    pub prefix: &'static str,
    pub name: &'static str,
    /// The deprecated name of the same permission, which policies should allow too.
    pub legacy: Option<&'static str>,
    pub work: Work,
}

const fn op(prefix: &'static str, name: &'static str, work: Work) -> Operation {
    Operation {
        prefix,
        name,
        legacy: None,
        work,
    }
}

const fn renamed(
    prefix: &'static str,
    name: &'static str,
    legacy: &'static str,
    work: Work,
) -> Operation {
    Operation {
        prefix,
        name,
        legacy: Some(legacy),
        work,
    }
}

pub const OPERATIONS: &[Operation] = &[
    // Security Hub
    op("securityhub", "ListInvitations", Work::Read),
    op("securityhub", "ListMembers", Work::Read),
    op("securityhub", "DescribeHub", Work::Read),
    renamed(
        "securityhub",
        "GetAdministratorAccount",
        "GetMasterAccount",
        Work::Read,
    ),
    renamed(
        "securityhub",
        "AcceptAdministratorInvitation",
        "AcceptInvitation",
        Work::Member,
    ),
    op("securityhub", "DeclineInvitations", Work::Member),
    op("securityhub", "DeleteInvitations", Work::Member),
    op("securityhub", "EnableSecurityHub", Work::Member),
    renamed(
        "securityhub",
        "DisassociateFromAdministratorAccount",
        "DisassociateFromMasterAccount",
        Work::Member,
    ),
    op("securityhub", "CreateMembers", Work::Administrator),
    op("securityhub", "InviteMembers", Work::Administrator),
    op("securityhub", "DisassociateMembers", Work::Administrator),
    op("securityhub", "DeleteMembers", Work::Administrator),
    // GuardDuty
    op("guardduty", "ListInvitations", Work::Read),
    op("guardduty", "ListDetectors", Work::Read),
    op("guardduty", "ListMembers", Work::Read),
    renamed(
        "guardduty",
        "GetAdministratorAccount",
        "GetMasterAccount",
        Work::Read,
    ),
    renamed(
        "guardduty",
        "AcceptAdministratorInvitation",
        "AcceptInvitation",
        Work::Member,
    ),
    op("guardduty", "DeclineInvitations", Work::Member),
    op("guardduty", "DeleteInvitations", Work::Member),
    op("guardduty", "CreateDetector", Work::Member),
    renamed(
        "guardduty",
        "DisassociateFromAdministratorAccount",
        "DisassociateFromMasterAccount",
        Work::Member,
    ),
    op("guardduty", "CreateMembers", Work::Administrator),
    op("guardduty", "InviteMembers", Work::Administrator),
    op("guardduty", "DisassociateMembers", Work::Administrator),
    op("guardduty", "DeleteMembers", Work::Administrator),
    op("guardduty", "StartMonitoringMembers", Work::Administrator),
    // Detective
    op("detective", "ListInvitations", Work::Read),
    op("detective", "ListGraphs", Work::Read),
    op("detective", "ListMembers", Work::Read),
    op("detective", "AcceptInvitation", Work::Member),
    op("detective", "RejectInvitation", Work::Member),
    op("detective", "CreateMembers", Work::Administrator),
    op("detective", "DeleteMembers", Work::Administrator),
    op("detective", "StartMonitoringMember", Work::Administrator),
    // Macie
    op("macie2", "ListInvitations", Work::Read),
    op("macie2", "ListMembers", Work::Read),
    op("macie2", "GetMacieSession", Work::Read),
    renamed(
        "macie2",
        "GetAdministratorAccount",
        "GetMasterAccount",
        Work::Read,
    ),
    op("macie2", "AcceptInvitation", Work::Member),
    op("macie2", "DeclineInvitations", Work::Member),
    op("macie2", "DeleteInvitations", Work::Member),
    op("macie2", "EnableMacie", Work::Member),
    renamed(
        "macie2",
        "DisassociateFromAdministratorAccount",
        "DisassociateFromMasterAccount",
        Work::Member,
    ),
    op("macie2", "CreateMember", Work::Administrator),
    op("macie2", "CreateInvitations", Work::Administrator),
    op("macie2", "DisassociateMember", Work::Administrator),
    op("macie2", "DeleteMember", Work::Administrator),
    // History: CloudTrail's event history of membership calls
    op("cloudtrail", "LookupEvents", Work::Read),
    // Reaching other accounts
    op("sts", "AssumeRole", Work::FanOut),
    op("organizations", "ListAccounts", Work::FanOut),
];

/// The IAM actions the work of `works`, in `services`, needs: each name, and its older name
/// beside it, sorted.
pub fn actions(works: &[Work], services: &[ServiceKind]) -> Vec<String> {
    let prefixes: Vec<&str> = services.iter().map(|s| s.iam_prefix()).collect();
    let mut actions: Vec<String> = OPERATIONS
        .iter()
        .filter(|o| works.contains(&o.work))
        .filter(|o| {
            o.work == Work::FanOut || o.prefix == "cloudtrail" || prefixes.contains(&o.prefix)
        })
        .flat_map(|o| {
            std::iter::once(o.name)
                .chain(o.legacy)
                .map(move |name| format!("{}:{name}", o.prefix))
        })
        .collect();
    actions.sort();
    actions.dedup();
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `snake_case` to the operation's `PascalCase` name.
    fn pascal(snake: &str) -> String {
        snake
            .split('_')
            .map(|word| {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_uppercase().to_string() + chars.as_str()
                })
            })
            .collect()
    }

    /// Every `client.operation(` in `source`, however the call is spread over lines.
    fn called(source: &str) -> Vec<String> {
        let mut found = Vec::new();
        let mut rest = source;
        while let Some(at) = rest.find("client") {
            rest = &rest[at + "client".len()..];
            let after = rest.trim_start();
            let Some(after) = after.strip_prefix('.') else {
                continue;
            };
            let after = after.trim_start();
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() && after[name.len()..].starts_with("()") {
                found.push(pascal(&name));
            }
        }
        found
    }

    #[test]
    fn every_operation_an_adapter_calls_is_in_the_table() {
        let batch = called(include_str!("batch.rs"));
        let files = [
            ("securityhub", include_str!("securityhub.rs")),
            ("guardduty", include_str!("guardduty.rs")),
            ("detective", include_str!("detective.rs")),
            ("macie2", include_str!("macie.rs")),
            ("organizations", include_str!("organizations.rs")),
            ("cloudtrail", include_str!("history.rs")),
        ];
        let mut checked = 0;
        for (prefix, source) in files {
            let mut operations = called(source);
            if source.contains("list_invitations!()") {
                operations.push("ListInvitations".into());
            }
            if source.contains("send_account_op!") {
                operations.extend(batch.iter().cloned());
            }
            for operation in operations {
                // GetCallerIdentity needs no permission: AWS answers it for any caller.
                if operation == "GetCallerIdentity" {
                    continue;
                }
                let listed = OPERATIONS.iter().any(|o| {
                    o.prefix == prefix && (o.name == operation || o.legacy == Some(&*operation))
                });
                assert!(
                    listed,
                    "{prefix}:{operation} is called but not in OPERATIONS"
                );
                checked += 1;
            }
        }
        assert!(checked > 25, "the scan found the calls: {checked}");
    }

    #[test]
    fn the_scan_finds_calls_spread_over_lines() {
        let source = "self.client\n    .get_administrator_account()\n .send(); client.list_members().x; clients.no()";
        assert_eq!(called(source), ["GetAdministratorAccount", "ListMembers"]);
    }

    #[test]
    fn a_members_actions_have_the_old_names_beside_the_new() {
        let actions = actions(&[Work::Read, Work::Member], &[ServiceKind::SecurityHub]);
        assert!(actions.contains(&"securityhub:AcceptAdministratorInvitation".to_owned()));
        assert!(actions.contains(&"securityhub:AcceptInvitation".to_owned()));
        assert!(actions.contains(&"securityhub:GetMasterAccount".to_owned()));
        assert!(!actions.iter().any(|a| a.starts_with("guardduty:")));
        assert!(!actions.contains(&"securityhub:InviteMembers".to_owned()));
    }
}
