//! Whom to trust: labels from the policy, triage from a script, `check`'s exit codes, and the
//! least-privilege policy, run as processes against the demo sandbox.

use std::process::Output;

use crate::common::*;
use guestlist::sandbox::SandboxHandle;

const LEGACY: &str = "123412341234";

fn state_dir() -> String {
    std::env::temp_dir()
        .join(format!(
            "guestlist-trust-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ))
        .to_string_lossy()
        .into_owned()
}

/// `args` as the demo member, everywhere its invitations are.
async fn as_member(sandbox: &SandboxHandle, dir: &str, args: &[&str]) -> Output {
    let url = sandbox.endpoint_url();
    let mut all = args.to_vec();
    all.extend([
        "--endpoint-url",
        url.as_str(),
        "--region",
        "us-east-1,us-west-2,eu-west-1,ap-southeast-2",
    ]);
    guestlist(
        &all,
        &[
            ("AWS_ACCESS_KEY_ID", MEMBER_KEY),
            ("AWS_SECRET_ACCESS_KEY", "anything"),
            ("AWS_MAX_ATTEMPTS", "2"),
            ("GUESTLIST_STATE_DIR", dir),
        ],
    )
    .await
}

fn rows(output: &Output) -> Vec<serde_json::Value> {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)))
}

/// (service, region, administrator) of each pending row.
fn pending(rows: &[serde_json::Value]) -> Vec<(String, String, String)> {
    let mut pending: Vec<_> = rows
        .iter()
        .filter(|r| r["state"] == "pending")
        .map(|r| {
            (
                r["service"].as_str().unwrap().to_owned(),
                r["region"].as_str().unwrap().to_owned(),
                r["administrator_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    pending.sort();
    pending
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_row_says_what_the_policy_makes_of_its_sender() {
    let sandbox = demo().await;
    let dir = state_dir();
    let listed = as_member(&sandbox, &dir, &["list", "--output", "json"]).await;
    assert!(rows(&listed).iter().all(|r| r["trust"] == "unknown"));

    let trust = format!("{ADMIN},guardduty:{AUDIT}");
    let listed = as_member(
        &sandbox,
        &dir,
        &["list", "--output", "json", "--trust", &trust],
    )
    .await;
    for row in rows(&listed) {
        let admin = row["administrator_id"].as_str().unwrap();
        let expected = match (row["service"].as_str().unwrap(), admin) {
            (_, ADMIN) => "trusted",
            ("guardduty", AUDIT) => "trusted",
            _ => "untrusted",
        };
        assert_eq!(row["trust"], expected, "{row}");
    }
    // As a table, the mark says it without colour.
    let table = as_member(&sandbox, &dir, &["list", "--trust", ADMIN]).await;
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains(&format!("✗ {LEGACY}")), "{text}");
    assert!(text.contains(&format!("✓ {ADMIN}")), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `decline --untrusted --delete --yes`: the untrusted senders' pending invitations go, the
/// trusted ones stay; seen afterwards with the Rust SDK directly, not through guestlist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triage_declines_and_deletes_only_the_untrusted() {
    let sandbox = demo().await;
    let dir = state_dir();
    let before = pending(&rows(
        &as_member(&sandbox, &dir, &["list", "--output", "json"]).await,
    ));
    let strangers: Vec<_> = before
        .iter()
        .filter(|(_, _, a)| a != ADMIN)
        .cloned()
        .collect();
    assert!(strangers.len() >= 3, "{before:?}");

    let refused = as_member(&sandbox, &dir, &["decline", "--untrusted", "--yes"]).await;
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("needs a trust policy"));

    let triaged = as_member(
        &sandbox,
        &dir,
        &[
            "decline",
            "--untrusted",
            "--delete",
            "--yes",
            "--trust",
            ADMIN,
        ],
    )
    .await;
    let said = String::from_utf8_lossy(&triaged.stdout);
    assert_eq!(
        triaged.status.code(),
        Some(0),
        "{said}{}",
        String::from_utf8_lossy(&triaged.stderr)
    );
    assert_eq!(
        said.matches("declined and deleted").count(),
        strangers.len(),
        "{said}"
    );

    // What AWS itself now lists for the member: only the trusted administrator's.
    for region in ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"] {
        let hub = securityhub(&sandbox, MEMBER_KEY, region).await;
        let listed = hub.list_invitations().send().await.unwrap();
        for i in listed.invitations() {
            assert_eq!(i.account_id(), Some(ADMIN), "securityhub {region}");
        }
        let gd = guardduty(&sandbox, MEMBER_KEY, region).await;
        let listed = gd.list_invitations().send().await.unwrap();
        for i in listed.invitations() {
            let pending = i.relationship_status() == Some("Invited");
            assert!(
                !pending || i.account_id() == Some(ADMIN),
                "guardduty {region}"
            );
        }
    }
    let after = pending(&rows(
        &as_member(&sandbox, &dir, &["list", "--output", "json"]).await,
    ));
    let kept: Vec<_> = before
        .iter()
        .filter(|(_, _, a)| a == ADMIN)
        .cloned()
        .collect();
    assert_eq!(after, kept);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_exits_0_3_or_1_and_says_why() {
    let sandbox = demo().await;
    let dir = state_dir();
    let everyone = format!("{ADMIN},{AUDIT},{LEGACY},555566667777");
    let clean = as_member(&sandbox, &dir, &["check", "--trust", &everyone]).await;
    let said = String::from_utf8_lossy(&clean.stdout);
    assert_eq!(clean.status.code(), Some(0), "{said}");
    assert!(said.starts_with("ok: no pending invitation"), "{said}");

    // Too old: audit-central's Security Hub invitation has waited 41 days.
    let old = as_member(
        &sandbox,
        &dir,
        &["check", "--trust", &everyone, "--max-age", "30d"],
    )
    .await;
    let said = String::from_utf8_lossy(&old.stdout);
    assert_eq!(old.status.code(), Some(3), "{said}");
    assert!(said.contains("securityhub  us-west-2"), "{said}");
    assert!(said.contains("pending for 41d"), "{said}");

    let strangers = as_member(
        &sandbox,
        &dir,
        &["check", "--trust", ADMIN, "--output", "json"],
    )
    .await;
    assert_eq!(strangers.status.code(), Some(3));
    let report: serde_json::Value = serde_json::from_slice(&strangers.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f["trust"] == "untrusted"
        && f["administrator_id"] != ADMIN
        && f["reasons"][0].as_str().unwrap().starts_with("untrusted: ")));

    // A source that could not be listed: nothing is clean that was not looked at.
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"service": "detective", "error_rate": 1.0}"#,
    )
    .await;
    let blind = as_member(&sandbox, &dir, &["check", "--trust", &everyone]).await;
    let said = String::from_utf8_lossy(&blind.stdout);
    assert_eq!(blind.status.code(), Some(1), "{said}");
    assert!(said.contains("not listed: detective"), "{said}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `guestlist iam-policy ARGS`: the document, and its first statement's actions.
async fn policy(args: &[&str]) -> (serde_json::Value, Vec<String>) {
    let output = guestlist(args, &[]).await;
    assert!(output.status.success());
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let actions = document["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect();
    (document, actions)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iam_policies_allow_each_roles_actions_with_their_old_names() {
    let (document, member) = policy(&["iam-policy", "--for", "member"]).await;
    assert_eq!(document["Version"], "2012-10-17");
    for action in [
        "securityhub:AcceptAdministratorInvitation",
        "securityhub:AcceptInvitation",
        "guardduty:GetMasterAccount",
        "guardduty:CreateDetector",
        "detective:RejectInvitation",
    ] {
        assert!(member.contains(&action.to_owned()), "{action}: {member:?}");
    }
    assert!(!member.iter().any(|a| a.ends_with(":InviteMembers")));
    assert_eq!(
        document["Statement"][1]["Action"],
        "iam:CreateServiceLinkedRole"
    );

    let (_, read) = policy(&["iam-policy", "--for", "read-only", "--service", "detective"]).await;
    assert_eq!(
        read,
        [
            "cloudtrail:LookupEvents",
            "detective:ListGraphs",
            "detective:ListInvitations",
            "detective:ListMembers"
        ]
    );
    let (_, admin) = policy(&["iam-policy", "--for", "administrator", "--fan-out"]).await;
    for action in [
        "guardduty:InviteMembers",
        "detective:CreateMembers",
        "sts:AssumeRole",
        "organizations:ListAccounts",
    ] {
        assert!(admin.contains(&action.to_owned()), "{action}");
    }
    assert!(!admin.iter().any(|a| a.contains("Accept")));
}

/// `GetAdministratorAccount` through the adapters: none before, the administrator after an
/// accepted invitation; none where the service is off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adapters_say_whom_the_account_answers_to() {
    use guestlist::aws::{AdapterOptions, adapter_for};
    use guestlist::model::ServiceKind;
    let sandbox = demo().await;
    let adapter = |service, region: &'static str| {
        let sandbox = &sandbox;
        async move {
            adapter_for(
                service,
                &config(sandbox, MEMBER_KEY, region).await,
                "demo",
                &AdapterOptions::default(),
            )
        }
    };
    let hub = adapter(ServiceKind::SecurityHub, "us-east-1").await;
    assert_eq!(hub.administrator().await.unwrap(), None);
    // Security Hub is off in eu-west-1: no hub, no administrator.
    let off = adapter(ServiceKind::SecurityHub, "eu-west-1").await;
    assert_eq!(off.administrator().await.unwrap(), None);

    let client = securityhub(&sandbox, MEMBER_KEY, "us-east-1").await;
    let listed = client.list_invitations().send().await.unwrap();
    let invitation = &listed.invitations()[0];
    client
        .accept_administrator_invitation()
        .administrator_id(invitation.account_id().unwrap())
        .invitation_id(invitation.invitation_id().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(hub.administrator().await.unwrap().as_deref(), Some(ADMIN));

    let detector = adapter(ServiceKind::GuardDuty, "us-east-1").await;
    assert_eq!(detector.administrator().await.unwrap(), None);
    let detective = adapter(ServiceKind::Detective, "us-east-1").await;
    assert_eq!(detective.administrator().await.unwrap(), None);
}

/// A reader that stops early (`| head`) ends the JSON quietly, with the command's own exit
/// status: no error, no backtrace.
#[test]
fn a_closed_pipe_ends_check_and_history_quietly() {
    use std::process::{Command, Stdio};
    for (args, code) in [
        (
            &["--demo", "check", "--trust", ADMIN, "--output", "json"][..],
            3,
        ),
        (&["--demo", "history", "--output", "json"][..], 0),
    ] {
        let dir = state_dir();
        let mut child = Command::new(env!("CARGO_BIN_EXE_guestlist"))
            .args(args)
            .env("GUESTLIST_STATE_DIR", &dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes before anything is written: every write meets a closed pipe.
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
