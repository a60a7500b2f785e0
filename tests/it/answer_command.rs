//! `guestlist accept|decline|delete` run as processes.

use std::process::Output;

use crate::common::*;
use guestlist::sandbox::SandboxHandle;

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

struct StateDir(std::path::PathBuf);

impl StateDir {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!(
            "guestlist-answer-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        StateDir(path)
    }

    /// What was done: the audit log's outcome lines (each follows its intent).
    fn audit(&self) -> Vec<serde_json::Value> {
        self.audit_lines()
            .into_iter()
            .filter(|e| e["phase"] == "outcome")
            .collect()
    }

    fn audit_lines(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.0.join("audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for StateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs against `sandbox` as the demo member, with its own state directory.
async fn as_member(sandbox: &SandboxHandle, state: &StateDir, args: &[&str]) -> Output {
    let url = sandbox.endpoint_url();
    let dir = state.0.to_string_lossy().into_owned();
    let mut all = vec!["--endpoint-url", url.as_str()];
    all.extend_from_slice(args);
    guestlist(
        &all,
        &[
            ("AWS_ACCESS_KEY_ID", MEMBER_KEY),
            ("AWS_SECRET_ACCESS_KEY", "anything"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_MAX_ATTEMPTS", "2"),
            ("GUESTLIST_STATE_DIR", &dir),
        ],
    )
    .await
}

async fn changes(sandbox: &SandboxHandle) -> Vec<String> {
    changing_requests(sandbox).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_intent_is_recorded_before_the_request_and_without_it_nothing_is_sent() {
    let sandbox = demo().await;
    let state = StateDir::new();
    let args = [
        "accept",
        "--service",
        "securityhub",
        "--region",
        "us-east-1",
        "--administrator",
        ADMIN,
        "--yes",
    ];
    let output = as_member(&sandbox, &state, &args).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = state.audit_lines();
    let phases: Vec<&str> = lines.iter().map(|e| e["phase"].as_str().unwrap()).collect();
    assert_eq!(phases, ["intent", "outcome"]);
    assert_eq!(lines[0]["id"], lines[1]["id"]);
    assert!(lines[0].get("outcome").is_none());

    // A full disk: the intent cannot be written, so the accept is never sent.
    let full = demo().await;
    let state = StateDir::new();
    std::fs::create_dir_all(&state.0).unwrap();
    std::os::unix::fs::symlink("/dev/full", state.0.join("audit.jsonl")).unwrap();
    let output = as_member(&full, &state, &args).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("was not sent"),
        "{}",
        stderr(&output)
    );
    assert!(
        changes(&full).await.is_empty(),
        "{:?}",
        changes(&full).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_with_yes_accepts_and_audits() {
    let sandbox = demo().await;
    let state = StateDir::new();
    let output = as_member(
        &sandbox,
        &state,
        &[
            "accept",
            "--service",
            "securityhub",
            "--region",
            "us-east-1",
            "--administrator",
            ADMIN,
            "--yes",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output)
            .starts_with("accepted: Security Hub invitation from 111122223333 in us-east-1"),
        "{}",
        stdout(&output)
    );
    let audit = state.audit();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["operation"], "AcceptAdministratorInvitation");
    assert_eq!(audit[0]["account"], MEMBER);
    assert_eq!(audit[0]["outcome"], "ok");
    let client = securityhub(&sandbox, MEMBER_KEY, "us-east-1").await;
    assert_eq!(
        client
            .get_administrator_account()
            .send()
            .await
            .unwrap()
            .administrator()
            .unwrap()
            .account_id(),
        Some(ADMIN)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steps_aws_needs_first_are_taken_only_with_prepare() {
    let sandbox = demo().await;
    let state = StateDir::new();
    let args = [
        "accept",
        "--service",
        "guardduty",
        "--region",
        "ap-southeast-2",
        "--administrator",
        AUDIT,
        "--yes",
    ];
    let output = as_member(&sandbox, &state, &args).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("create a detector") && stderr(&output).contains("--prepare"),
        "{}",
        stderr(&output)
    );
    assert!(changes(&sandbox).await.is_empty(), "nothing was changed");

    let mut with_prepare = args.to_vec();
    with_prepare.push("--prepare");
    let output = as_member(&sandbox, &state, &with_prepare).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let operations: Vec<_> = state
        .audit()
        .iter()
        .map(|e| e["operation"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        operations,
        ["CreateDetector", "AcceptAdministratorInvitation"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_yes_and_without_a_terminal_nothing_changes() {
    let sandbox = demo().await;
    let state = StateDir::new();
    let output = as_member(
        &sandbox,
        &state,
        &[
            "decline",
            "--service",
            "guardduty",
            "--region",
            "us-east-1",
            "--administrator",
            ADMIN,
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("without --yes"),
        "{}",
        stderr(&output)
    );
    assert!(changes(&sandbox).await.is_empty());
    assert!(state.audit().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn detective_is_answered_by_graph_arn() {
    let sandbox = demo().await;
    let state = StateDir::new();
    let det = detective(&sandbox, MEMBER_KEY, "us-east-1").await;
    let arn = det.list_invitations().send().await.unwrap().invitations()[0]
        .graph_arn()
        .unwrap()
        .to_owned();
    let output = as_member(
        &sandbox,
        &state,
        &[
            "delete",
            "--service",
            "detective",
            "--region",
            "us-east-1",
            "--graph-arn",
            &arn,
            "--yes",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no delete"));
    let output = as_member(
        &sandbox,
        &state,
        &[
            "decline",
            "--service",
            "detective",
            "--region",
            "us-east-1",
            "--graph-arn",
            &arn,
            "--yes",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(state.audit()[0]["operation"], "RejectInvitation");
    assert!(
        det.list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_where_requests_are_sent() {
    let sandbox = demo().await;
    let state = StateDir::new();
    let output = as_member(
        &sandbox,
        &state,
        &[
            "--read-only",
            "delete",
            "--service",
            "securityhub",
            "--region",
            "us-east-1",
            "--administrator",
            ADMIN,
            "--yes",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("read-only"), "{}", stderr(&output));
    assert!(
        changes(&sandbox).await.is_empty(),
        "no changing request left the process"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_sends_nothing_at_all() {
    let sandbox = demo().await;
    let state = StateDir::new();
    for (args, says) in [
        (
            vec![
                "accept",
                "--service",
                "securityhub",
                "--region",
                "us-east-1",
                "--administrator",
                "1234",
                "--yes",
            ],
            "exactly 12 digits",
        ),
        (
            vec![
                "accept",
                "--service",
                "detective",
                "--region",
                "us-east-1",
                "--graph-arn",
                "arn:aws:detective:nope",
                "--yes",
            ],
            "not a behavior graph ARN",
        ),
        (
            vec![
                "accept",
                "--service",
                "securityhub",
                "--region",
                "us-east-1",
                "--yes",
            ],
            "--administrator",
        ),
        (
            vec![
                "accept",
                "--region",
                "us-east-1",
                "--administrator",
                ADMIN,
                "--yes",
            ],
            "exactly one --service",
        ),
        (
            vec![
                "accept",
                "--service",
                "guardduty",
                "--region",
                "us-east-1,eu-west-1",
                "--administrator",
                ADMIN,
                "--yes",
            ],
            "exactly one --region",
        ),
        (
            vec![
                "accept",
                "--service",
                "guardduty",
                "--region",
                "all",
                "--administrator",
                ADMIN,
                "--yes",
            ],
            "exactly one --region",
        ),
        (
            vec![
                "accept",
                "--service",
                "detective",
                "--region",
                "us-east-1",
                "--administrator",
                ADMIN,
                "--yes",
            ],
            "--graph-arn",
        ),
        (
            vec![
                "decline",
                "--service",
                "inspector",
                "--region",
                "us-east-1",
                "--administrator",
                ADMIN,
                "--yes",
            ],
            "securityhub, guardduty, detective or macie",
        ),
        // Said once, with what to do instead, whatever else is missing.
        (
            vec![
                "delete",
                "--service",
                "detective",
                "--administrator",
                ADMIN,
                "--yes",
            ],
            "Detective has no delete for invitations: reject one instead",
        ),
    ] {
        let output = as_member(&sandbox, &state, &args).await;
        if args[0] == "delete" {
            assert_eq!(stderr(&output).lines().count(), 1, "{}", stderr(&output));
        }
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&output).contains(says),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    assert_eq!(
        total_requests(&sandbox).await,
        0,
        "not one request, not even STS"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_works_with_every_subcommand() {
    let state = StateDir::new();
    let dir = state.0.to_string_lossy().into_owned();
    let env = [("GUESTLIST_STATE_DIR", dir.as_str())];
    let output = guestlist(
        &[
            "accept",
            "--demo",
            "--service",
            "guardduty",
            "--region",
            "ap-southeast-2",
            "--administrator",
            AUDIT,
            "--yes",
            "--prepare",
        ],
        &env,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = guestlist(
        &[
            "invite",
            "--demo",
            "--profile",
            "security-tooling",
            "--service",
            "securityhub",
            "--region",
            "us-east-1",
            "--account",
            "299900000009",
            "--yes",
        ],
        &env,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = guestlist(
        &[
            "members",
            "--demo",
            "--profile",
            "security-tooling",
            "--region",
            "us-east-1",
            "--output",
            "csv",
        ],
        &env,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().count(), 1 + 131 + 61 + 41 + 23);
    let operations: Vec<String> = state
        .audit()
        .iter()
        .map(|e| e["operation"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        operations,
        [
            "CreateDetector",
            "AcceptAdministratorInvitation",
            "CreateMembers",
            "InviteMembers"
        ]
    );
}
