//! Macie through guestlist itself, as the other three: the member lists, accepts (enabling
//! Macie first where it is off), declines and deletes; the administrator invites, lists and
//! removes members. The real binary, its real Macie adapter, the sandbox's Macie.

use std::process::Output;

use crate::common::*;

const PARTNER: &str = "555566667777";

fn said(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The operations the audit log says were done, outcome lines only.
fn done(dir: &str) -> Vec<String> {
    let audit = std::fs::read_to_string(format!("{dir}/audit.jsonl")).unwrap_or_default();
    audit
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["phase"] == "outcome")
        .map(|e| format!("{} {}", e["operation"].as_str().unwrap(), e["outcome"]))
        .collect()
}

fn dir() -> String {
    let dir = std::env::temp_dir().join(format!(
        "guestlist-macie-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    dir.to_string_lossy().into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_lists_accepts_declines_and_deletes_macie_invitations() {
    let sandbox = demo().await;
    let dir = dir();
    let regions = "us-east-1,eu-west-1,us-west-2";

    // Listed, paged as Macie pages, in Macie's own statuses.
    let args = [
        "list",
        "--service",
        "macie",
        "--region",
        regions,
        "--output",
        "json",
    ];
    let output = run_as(&sandbox, MEMBER_KEY, &dir, &args).await;
    assert_eq!(output.status.code(), Some(0), "{}", said(&output));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let mut from: Vec<_> = rows
        .iter()
        .map(|r| {
            assert_eq!(r["service"], "macie");
            assert_eq!(r["status"], "Invited");
            assert_eq!(r["state"], "pending");
            r["administrator_id"].as_str().unwrap().to_owned()
        })
        .collect();
    from.sort();
    assert_eq!(from, [ADMIN, PARTNER, AUDIT]);

    // Macie is off in eu-west-1: accepting needs EnableMacie, taken only with --prepare.
    let accept = [
        "accept",
        "--service",
        "macie",
        "--region",
        "eu-west-1",
        "--administrator",
        AUDIT,
        "--yes",
    ];
    let output = run_as(&sandbox, MEMBER_KEY, &dir, &accept).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        said(&output).contains("enable Macie") && said(&output).contains("--prepare"),
        "{}",
        said(&output)
    );
    assert!(changing_requests(&sandbox).await.is_empty());
    let mut prepared = accept.to_vec();
    prepared.push("--prepare");
    let output = run_as(&sandbox, MEMBER_KEY, &dir, &prepared).await;
    assert_eq!(output.status.code(), Some(0), "{}", said(&output));
    assert_eq!(
        done(&dir),
        ["EnableMacie \"ok\"", "AcceptInvitation \"ok\""]
    );
    let member = macie(&sandbox, MEMBER_KEY, "eu-west-1").await;
    let now = member.get_administrator_account().send().await.unwrap();
    assert_eq!(now.administrator().unwrap().account_id(), Some(AUDIT));

    // The partner's invitation in us-west-2 declined; the administrator's in us-east-1 deleted.
    for (verb, region, from) in [
        ("decline", "us-west-2", PARTNER),
        ("delete", "us-east-1", ADMIN),
    ] {
        let args = [
            verb,
            "--service",
            "macie",
            "--region",
            region,
            "--administrator",
            from,
            "--yes",
        ];
        let output = run_as(&sandbox, MEMBER_KEY, &dir, &args).await;
        assert_eq!(output.status.code(), Some(0), "{verb}: {}", said(&output));
    }
    assert_eq!(
        done(&dir)[2..],
        ["DeclineInvitations \"ok\"", "DeleteInvitations \"ok\""]
    );
    for region in ["us-west-2", "us-east-1"] {
        let client = macie(&sandbox, MEMBER_KEY, region).await;
        let left = client.list_invitations().send().await.unwrap();
        assert!(left.invitations().is_empty(), "{region}: {left:?}");
    }

    // What is left to answer: nothing; the accepted one is Macie's administrator now.
    let output = run_as(&sandbox, MEMBER_KEY, &dir, &args).await;
    assert_eq!(output.status.code(), Some(0), "{}", said(&output));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(rows.iter().all(|r| r["state"] != "pending"), "{rows:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_invites_lists_and_removes_macie_members() {
    let sandbox = demo().await;
    control(&sandbox, "POST", "/_sandbox/clock", r#"{"frozen": true}"#).await;
    let dir = dir();
    let newcomer = "299900000003";

    // Members, every page of 25, with Macie's states as they are.
    let members = [
        "members",
        "--service",
        "macie",
        "--region",
        "us-east-1",
        "--output",
        "json",
    ];
    let output = run_as(&sandbox, ADMIN_KEY, &dir, &members).await;
    assert_eq!(output.status.code(), Some(0), "{}", said(&output));
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(listed.len(), 23, "20 enabled, paused, suspended, invited");
    let state_of = |rows: &[serde_json::Value], account: &str| {
        rows.iter()
            .find(|m| m["account_id"] == account)
            .map(|m| m["status"].as_str().unwrap().to_owned())
    };
    assert_eq!(state_of(&listed, "210000000021").as_deref(), Some("Paused"));
    assert_eq!(
        state_of(&listed, "299900000009").as_deref(),
        Some("AccountSuspended")
    );

    // Invited: CreateMember for the account, then CreateInvitations with the message.
    let invite = [
        "invite",
        "--service",
        "macie",
        "--region",
        "us-east-1",
        "--account",
        newcomer,
        "--email",
        "new@example.com",
        "--message",
        "Welcome to Macie",
        "--yes",
    ];
    let output = run_as(&sandbox, ADMIN_KEY, &dir, &invite).await;
    assert_eq!(output.status.code(), Some(0), "{}", said(&output));
    assert_eq!(
        done(&dir),
        ["CreateMember \"ok\"", "CreateInvitations \"ok\""]
    );
    let output = run_as(&sandbox, ADMIN_KEY, &dir, &members).await;
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(state_of(&listed, newcomer).as_deref(), Some("Invited"));

    // Removed one account at a time: DisassociateMember, then DeleteMember.
    let remove = [
        "remove",
        "--service",
        "macie",
        "--region",
        "us-east-1",
        "--account",
        &format!("{newcomer},{MEMBER}"),
        "--yes",
    ];
    let output = run_as(&sandbox, ADMIN_KEY, &dir, &remove).await;
    assert_eq!(output.status.code(), Some(0), "{}", said(&output));
    assert_eq!(
        done(&dir)[2..],
        [
            "DisassociateMember \"ok\"",
            "DisassociateMember \"ok\"",
            "DeleteMember \"ok\"",
            "DeleteMember \"ok\""
        ]
    );
    let output = run_as(&sandbox, ADMIN_KEY, &dir, &members).await;
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(listed.len(), 22);
    assert_eq!(state_of(&listed, MEMBER), None);

    // A member account that is not one: Macie's own error, for that account alone.
    let gone = [
        "remove",
        "--service",
        "macie",
        "--region",
        "us-east-1",
        "--account",
        &format!("{newcomer},210000000001"),
        "--yes",
    ];
    let output = run_as(&sandbox, ADMIN_KEY, &dir, &gone).await;
    assert_eq!(output.status.code(), Some(2), "{}", said(&output));
    assert!(said(&output).contains(newcomer), "{}", said(&output));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Macie's IAM actions are `macie2:`, and the policy has what each role does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_iam_policy_names_macie2_actions() {
    let member = guestlist(&["iam-policy", "--for", "member"], &[]).await;
    let policy = String::from_utf8_lossy(&member.stdout);
    for action in [
        "macie2:ListInvitations",
        "macie2:AcceptInvitation",
        "macie2:EnableMacie",
        "macie2:GetMacieSession",
        "macie2:DisassociateFromMasterAccount",
    ] {
        assert!(policy.contains(action), "{action}: {policy}");
    }
    assert!(!policy.contains("\"macie:"), "{policy}");
    assert!(
        policy.contains("macie.amazonaws.com"),
        "its linked role: {policy}"
    );
    let admin = guestlist(&["iam-policy", "--for", "administrator"], &[]).await;
    let policy = String::from_utf8_lossy(&admin.stdout);
    for action in [
        "macie2:CreateMember",
        "macie2:CreateInvitations",
        "macie2:DeleteMember",
    ] {
        assert!(policy.contains(action), "{action}: {policy}");
    }
}
