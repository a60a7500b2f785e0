//! `guestlist onboard`: both sides through the real SDK against the sandbox, with the role
//! assumed into each member, faults on, a propagation delay on the sandbox's own clock, and a
//! rerun that resumes.

use std::process::Output;

use super::coverage::roster_file;
use crate::common::*;
use guestlist::sandbox::{SandboxHandle, Scenario};

const ADMINISTRATOR: &str = "111122223333";
const OTHER: &str = "999999999999";

/// An administrator with a hub, a detector and a graph in us-east-1. The roster's accounts:
/// 01 nothing anywhere (it must enable Security Hub and create a detector to accept); 02
/// invited in Security Hub already; 03 another administrator's GuardDuty member; 04 no role
/// to assume; 05 a root email the roster gets wrong.
fn scenario() -> Scenario {
    let text = r#"
name = "onboarding"

[[account]]
id = "200000000005"
email = "root-05@example.com"

[[securityhub]]
region = "us-east-1"
account = "111122223333"
since = "-30d"
members = [
  { account = "200000000002", email = "b@example.com", status = "Invited", invited_at = "-1d" },
]

[[guardduty]]
region = "us-east-1"
account = "111122223333"
since = "-30d"

[[guardduty]]
region = "us-east-1"
account = "999999999999"
since = "-30d"
members = [
  { account = "200000000003", email = "c@example.com", status = "Enabled", invited_at = "-9d" },
]

[[detective]]
region = "us-east-1"
account = "111122223333"
since = "-30d"

[[role]]
account = "200000000001"
name = "Onboarding"
trusts = ["111122223333"]

[[role]]
account = "200000000002"
name = "Onboarding"
trusts = ["111122223333"]

[[role]]
account = "200000000003"
name = "Onboarding"
trusts = ["111122223333"]

[[role]]
account = "200000000005"
name = "Onboarding"
trusts = ["111122223333"]
"#;
    Scenario::parse(text, "onboarding test").unwrap()
}

const ROSTER: &str = "AccountId,Email\n200000000001,a@example.com\n200000000002,b@example.com\n\
    200000000003,c@example.com\n200000000004,d@example.com\n200000000005,wrong-05@example.com\n";

fn state_dir() -> String {
    std::env::temp_dir()
        .join(format!("guestlist-onboard-{}", fastrand::u64(..)))
        .to_string_lossy()
        .into_owned()
}

async fn onboard(sandbox: &SandboxHandle, roster: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "onboard",
        "--region",
        "us-east-1",
        "--roster",
        roster,
        "--assume-role",
        "Onboarding",
        "--yes",
        "--output",
        "json",
        "--poll",
        "0.1",
    ];
    args.extend_from_slice(extra);
    run_as(sandbox, ADMINISTRATOR, &state_dir(), &args).await
}

/// Each cell's result, by account and service.
fn results(output: &Output) -> Vec<(String, String, String, String)> {
    let cells: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "{e}: {}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        });
    cells
        .iter()
        .map(|c| {
            let field = |name: &str| c[name].as_str().unwrap_or_default().to_owned();
            (
                field("account_id"),
                field("service"),
                field("result"),
                field("detail"),
            )
        })
        .collect()
}

fn result<'a>(
    results: &'a [(String, String, String, String)],
    account: &str,
    service: &str,
) -> (&'a str, &'a str) {
    results
        .iter()
        .find(|(a, s, _, _)| a == account && s == service)
        .map_or(("none", ""), |(_, _, r, d)| (r.as_str(), d.as_str()))
}

/// The administrator's own list, as `coverage` reads it: each cell's state.
async fn states(sandbox: &SandboxHandle, roster: &str) -> Vec<(String, String, String)> {
    let output = run_as(
        sandbox,
        ADMINISTRATOR,
        "/nonexistent/guestlist-state",
        &[
            "coverage",
            "--region",
            "us-east-1",
            "--roster",
            roster,
            "--output",
            "json",
        ],
    )
    .await;
    let cells: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    cells
        .iter()
        .map(|c| {
            let field = |name: &str| c[name].as_str().unwrap_or_default().to_owned();
            (field("account_id"), field("service"), field("state"))
        })
        .collect()
}

fn enabled_everywhere(states: &[(String, String, String)], account: &str) -> bool {
    let cells: Vec<_> = states.iter().filter(|(a, _, _)| a == account).collect();
    cells.len() == 4 && cells.iter().all(|(_, _, state)| state == "enabled")
}

/// Every member that can be enabled is, from nothing (the member's hub and detector made
/// through the role) and from an open invitation; the rest say why: another administrator, a
/// role that cannot be assumed, an email that failed verification. A second run sends
/// nothing for what is done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onboarding_enables_every_member_it_can_and_says_why_for_the_rest() {
    let sandbox = start(scenario()).await;
    let roster = roster_file(ROSTER);
    let roster = roster.to_str().unwrap();

    let output = onboard(&sandbox, roster, &["--wait", "30"]).await;
    assert_eq!(output.status.code(), Some(2), "some enabled, some not");
    let found = results(&output);
    let cells = &found;
    for service in ["securityhub", "guardduty", "detective", "macie"] {
        assert_eq!(result(cells, "200000000001", service).0, "enabled");
    }
    assert_eq!(result(cells, "200000000002", "securityhub").0, "enabled");
    let (other, why) = result(cells, "200000000003", "guardduty");
    assert_eq!(other, "other_administrator");
    assert!(why.contains(OTHER), "{why}");
    assert_eq!(result(cells, "200000000003", "securityhub").0, "enabled");
    let (failed, why) = result(cells, "200000000004", "securityhub");
    assert_eq!(failed, "failed");
    assert!(why.contains("role Onboarding"), "{why}");
    let (failed, why) = result(cells, "200000000005", "guardduty");
    assert_eq!(failed, "failed");
    assert!(why.contains("wrong-05@example.com"), "{why}");
    assert!(why.contains("failed verification"), "{why}");
    // Security Hub needs no email: that one goes through.
    assert_eq!(result(cells, "200000000005", "securityhub").0, "enabled");

    // Confirmed from the administrator's side, not only claimed.
    let states = states(&sandbox, roster).await;
    assert!(enabled_everywhere(&states, "200000000001"), "{states:?}");
    // The member enabled what accepting needed, through the role.
    assert_eq!(
        request_count(&sandbox, "securityhub:EnableSecurityHub").await,
        4
    );
    assert!(request_count(&sandbox, "guardduty:CreateDetector").await >= 2);
    // Macie: on for the administrator first, then for each member that accepts.
    assert!(request_count(&sandbox, "macie2:EnableMacie").await >= 2);
    assert!(request_count(&sandbox, "macie2:CreateInvitations").await >= 1);

    // A second run resumes: nothing enabled is touched again.
    let before = request_count(&sandbox, "securityhub:AcceptAdministratorInvitation").await
        + request_count(&sandbox, "guardduty:AcceptAdministratorInvitation").await
        + request_count(&sandbox, "detective:AcceptInvitation").await;
    let again = onboard(&sandbox, roster, &["--wait", "5"]).await;
    let again = results(&again);
    assert!(
        again.iter().all(|(a, ..)| a != "200000000001"),
        "done once: {again:?}"
    );
    let after = request_count(&sandbox, "securityhub:AcceptAdministratorInvitation").await
        + request_count(&sandbox, "guardduty:AcceptAdministratorInvitation").await
        + request_count(&sandbox, "detective:AcceptInvitation").await;
    assert_eq!(before, after, "nothing accepted twice");
}

/// Throttling and server errors on every service: the SDK's retries and onboarding's own
/// second looks carry every member through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onboarding_gets_through_throttling_and_errors() {
    let sandbox = start(scenario()).await;
    let roster = roster_file("200000000001,a@example.com\n200000000002,b@example.com\n");
    let roster = roster.to_str().unwrap();
    let faults = r#"{"throttle_rate": 0.2, "error_rate": 0.05}"#;
    control(&sandbox, "POST", "/_sandbox/faults", faults).await;

    let output = onboard(&sandbox, roster, &["--wait", "60"]).await;
    let results = results(&output);
    assert_eq!(output.status.code(), Some(0), "{results:?}");
    assert!(
        results.iter().all(|(.., r, _)| r == "enabled"),
        "{results:?}"
    );
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"throttle_rate": 0, "error_rate": 0}"#,
    )
    .await;
    let states = states(&sandbox, roster).await;
    assert!(enabled_everywhere(&states, "200000000001"), "{states:?}");
    assert!(enabled_everywhere(&states, "200000000002"), "{states:?}");
}

/// An invitation that takes ten minutes to arrive, on the sandbox's frozen clock: onboarding
/// keeps looking, and finishes once the clock moves past the delay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onboarding_waits_for_invitations_to_propagate() {
    let sandbox = start(scenario()).await;
    let roster = roster_file("200000000001,a@example.com\n");
    let roster = roster.to_str().unwrap().to_owned();
    control(&sandbox, "POST", "/_sandbox/clock", r#"{"frozen": true}"#).await;
    let delay = r#"{"propagation_seconds": 600}"#;
    control(&sandbox, "POST", "/_sandbox/faults", delay).await;

    let running = {
        let sandbox_url = sandbox.endpoint_url();
        let roster = roster.clone();
        tokio::spawn(async move {
            let dir = state_dir();
            let args = [
                "--endpoint-url",
                sandbox_url.as_str(),
                "onboard",
                "--region",
                "us-east-1",
                "--roster",
                roster.as_str(),
                "--assume-role",
                "Onboarding",
                "--yes",
                "--output",
                "json",
                "--poll",
                "0.1",
                "--wait",
                "120",
            ];
            guestlist(
                &args,
                &[
                    ("AWS_ACCESS_KEY_ID", ADMINISTRATOR),
                    ("AWS_SECRET_ACCESS_KEY", "anything"),
                    ("AWS_REGION", "us-east-1"),
                    ("GUESTLIST_STATE_DIR", dir.as_str()),
                ],
            )
            .await
        })
    };
    // The member has looked, and looked again, and found nothing yet.
    for _ in 0..600 {
        let looks = request_count(&sandbox, "securityhub:ListInvitations").await
            + request_count(&sandbox, "guardduty:ListInvitations").await;
        if looks >= 6 {
            break;
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        request_count(&sandbox, "securityhub:AcceptAdministratorInvitation").await,
        0,
        "nothing to accept before the invitation arrives"
    );
    control(
        &sandbox,
        "POST",
        "/_sandbox/clock",
        r#"{"advance_seconds": 601}"#,
    )
    .await;
    let output = running.await.unwrap();
    let results = results(&output);
    assert_eq!(output.status.code(), Some(0), "{results:?}");
    assert!(
        results.iter().all(|(.., r, _)| r == "enabled"),
        "{results:?}"
    );
}

/// The wait is bounded: an invitation that never arrives in time is reported, with what to
/// do, and the run ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_that_runs_out_is_reported_not_hung() {
    let sandbox = start(scenario()).await;
    let roster = roster_file("200000000001,a@example.com\n");
    let roster = roster.to_str().unwrap();
    control(&sandbox, "POST", "/_sandbox/clock", r#"{"frozen": true}"#).await;
    let delay = r#"{"propagation_seconds": 600}"#;
    control(&sandbox, "POST", "/_sandbox/faults", delay).await;

    let output = onboard(&sandbox, roster, &["--wait", "1"]).await;
    assert_eq!(output.status.code(), Some(1), "nothing enabled");
    let results = results(&output);
    let (timed_out, why) = result(&results, "200000000001", "securityhub");
    assert_eq!(timed_out, "timed_out");
    assert!(why.contains("run onboard again"), "{why}");
}

/// What onboarding cannot do without is refused before anything is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onboarding_refuses_what_it_cannot_do_before_sending() {
    let sandbox = start(scenario()).await;
    let roster = roster_file(ROSTER);
    let roster = roster.to_str().unwrap();
    let dir = state_dir();
    let base = ["onboard", "--region", "us-east-1", "--roster", roster];

    let no_role = run_as(&sandbox, ADMINISTRATOR, &dir, &base).await;
    assert_eq!(no_role.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_role.stderr).contains("--assume-role"));

    let mut read_only = base.to_vec();
    read_only.extend(["--assume-role", "Onboarding", "--read-only"]);
    let refused = run_as(&sandbox, ADMINISTRATOR, &dir, &read_only).await;
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--read-only"));

    // Without --yes and with no terminal to ask on, the plan is printed and nothing sent.
    let mut unasked = base.to_vec();
    unasked.extend(["--assume-role", "Onboarding"]);
    let unasked = run_as(&sandbox, ADMINISTRATOR, &dir, &unasked).await;
    assert_eq!(unasked.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unasked.stdout).contains("create and invite"));
    assert!(changing_requests(&sandbox).await.is_empty());

    // --assume-role means nothing to the other commands without --accounts.
    let list = run_as(
        &sandbox,
        ADMINISTRATOR,
        &dir,
        &["list", "--assume-role", "Onboarding"],
    )
    .await;
    assert_eq!(list.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&list.stderr).contains("--accounts"));
}

/// The configuration's role: `onboard` takes it (and never the file's accounts); a role
/// without accounts is no fan-out for the other commands, which go on as before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_configurations_role_serves_onboarding_only() {
    let sandbox = start(scenario()).await;
    let roster = roster_file("200000000001,a@example.com\n");
    let roster = roster.to_str().unwrap();
    let dir = std::env::temp_dir().join(format!("guestlist-onboard-config-{}", fastrand::u64(..)));
    std::fs::create_dir_all(&dir).unwrap();
    let with_accounts = dir.join("accounts.toml");
    std::fs::write(
        &with_accounts,
        "assume_role = \"Onboarding\"\naccounts = [\"200000000002\"]\n",
    )
    .unwrap();
    let role_only = dir.join("role.toml");
    std::fs::write(&role_only, "assume_role = \"Onboarding\"\n").unwrap();

    let args = [
        "onboard",
        "--config",
        with_accounts.to_str().unwrap(),
        "--region",
        "us-east-1",
        "--service",
        "securityhub",
        "--roster",
        roster,
        "--yes",
        "--output",
        "json",
        "--poll",
        "0.1",
    ];
    let output = run_as(&sandbox, ADMINISTRATOR, &state_dir(), &args).await;
    let found = results(&output);
    assert_eq!(output.status.code(), Some(0), "{found:?}");
    assert_eq!(result(&found, "200000000001", "securityhub").0, "enabled");

    let list = [
        "list",
        "--config",
        role_only.to_str().unwrap(),
        "--region",
        "us-east-1",
    ];
    let listed = run_as(&sandbox, "200000000001", &state_dir(), &list).await;
    assert_eq!(
        listed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
