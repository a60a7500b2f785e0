//! `guestlist reconcile`: a plan with a step for every kind of gap, applied, and planned again.

use std::process::Output;

use super::coverage::{every_state, roster_file};
use crate::common::*;
use guestlist::sandbox::SandboxHandle;

const ADMINISTRATOR: &str = "111122223333";

const ROSTER: &str = "AccountId,Email,Name\n200000000001,a@example.com,alpha\n\
    200000000002,b@example.com,beta\n200000000003,c@example.com,gamma\n\
    200000000004,d@example.com,delta\n200000000005,e@example.com,epsilon\n\
    200000000006,f@example.com,zeta\n200000000007,g@example.com,eta\n";

/// Where a test's audit log goes: a directory of its own.
fn state_dir() -> String {
    std::env::temp_dir()
        .join(format!("guestlist-reconcile-{}", fastrand::u64(..)))
        .to_string_lossy()
        .into_owned()
}

async fn reconcile(sandbox: &SandboxHandle, state_dir: &str, args: &[&str]) -> Output {
    let mut all = vec!["reconcile", "--region", "us-east-1"];
    all.extend_from_slice(args);
    run_as(sandbox, ADMINISTRATOR, state_dir, &all).await
}

fn steps(output: &Output) -> Vec<(String, String, String)> {
    let steps: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    steps
        .iter()
        .map(|s| {
            let field = |name: &str| s[name].as_str().unwrap_or_default().to_owned();
            (field("account_id"), field("service"), field("action"))
        })
        .collect()
}

fn action<'a>(steps: &'a [(String, String, String)], account: &str, service: &str) -> &'a str {
    steps
        .iter()
        .find(|(a, s, _)| a == account && s == service)
        .map_or("none", |(_, _, action)| action.as_str())
}

async fn changes(sandbox: &SandboxHandle) -> usize {
    changing_requests(sandbox).await.len()
}

/// Each gap gets the step that closes it, the plan sends nothing, `--apply --yes` takes it,
/// and the plan made again has nothing left to send: what was invited waits for its member.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_closes_each_gap_and_a_second_run_plans_nothing() {
    let sandbox = start(every_state()).await;
    let roster = roster_file(ROSTER);
    let roster = roster.to_str().unwrap();
    let dir = state_dir();

    let output = reconcile(&sandbox, &dir, &["--roster", roster, "--output", "json"]).await;
    assert_eq!(output.status.code(), Some(3), "steps to apply");
    let plan = steps(&output);
    let expected = [
        ("200000000007", "securityhub", "invite"),
        ("200000000007", "guardduty", "invite"),
        ("200000000007", "detective", "invite"),
        ("200000000003", "securityhub", "invite"),
        ("200000000004", "securityhub", "invite"),
        ("200000000005", "securityhub", "invite"),
        ("200000000006", "guardduty", "recreate"),
        ("200000000004", "detective", "recreate"),
        ("200000000002", "guardduty", "start_monitoring"),
        ("200000000005", "detective", "start_monitoring"),
        // Over the graph's volume: Detective would refuse it.
        ("200000000002", "detective", "blocked"),
        ("200000000002", "securityhub", "wait"),
        ("200000000003", "guardduty", "wait"),
        ("200000000001", "securityhub", "none"),
    ];
    for (account, service, step) in expected {
        assert_eq!(action(&plan, account, service), step, "{account} {service}");
    }
    assert_eq!(changes(&sandbox).await, 0, "a plan sends nothing");

    let output = reconcile(&sandbox, &dir, &["--roster", roster, "--apply", "--yes"]).await;
    let said = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{said}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        said.contains("start monitoring: 200000000002 in GuardDuty us-east-1"),
        "{said}"
    );

    let output = reconcile(&sandbox, &dir, &["--roster", roster, "--output", "json"]).await;
    assert_eq!(output.status.code(), Some(0), "nothing left to send");
    let again = steps(&output);
    let acting: Vec<_> = again
        .iter()
        .filter(|(_, _, a)| !matches!(a.as_str(), "wait" | "blocked"))
        .collect();
    assert!(acting.is_empty(), "{acting:?}");
    assert_eq!(
        action(&again, "200000000002", "guardduty"),
        "none",
        "monitored again"
    );
    assert_eq!(
        action(&again, "200000000007", "securityhub"),
        "wait",
        "invited"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Without a terminal to ask on, `--apply` without `--yes` sends nothing; under `--read-only`
/// it is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applying_asks_first() {
    let sandbox = start(every_state()).await;
    let roster = roster_file(ROSTER);
    let dir = state_dir();
    let output = reconcile(
        &sandbox,
        &dir,
        &["--roster", roster.to_str().unwrap(), "--apply"],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("without --yes"));
    // Nor with --read-only: refused before anything is asked.
    let args = [
        "--roster",
        roster.to_str().unwrap(),
        "--apply",
        "--yes",
        "--read-only",
    ];
    let output = reconcile(&sandbox, &dir, &args).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--read-only refuses"));
    assert_eq!(changes(&sandbox).await, 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Where the administrator has no hub or detector yet, the plan says what it does first and
/// applying does it before inviting; where it has no Detective graph, inviting is blocked,
/// with why (guestlist creates no graph).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_administrator_is_enabled_first_where_it_has_no_hub_or_detector() {
    let sandbox = start(every_state()).await;
    let dir = state_dir();
    let roster = roster_file("AccountId,Email\n200000000007,g@example.com\n");
    let roster = roster.to_str().unwrap();
    let args = [
        "--region",
        "eu-west-1",
        "--roster",
        roster,
        "--output",
        "json",
    ];
    let output = reconcile(&sandbox, &dir, &args).await;
    assert_eq!(output.status.code(), Some(3));
    let records: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let at = |service: &str| {
        records
            .iter()
            .find(|r| r["region"] == "eu-west-1" && r["service"] == service)
            .unwrap_or_else(|| panic!("{service}: {records:?}"))
            .clone()
    };
    assert_eq!(at("securityhub")["action"], "invite");
    assert!(
        at("securityhub")["first"][0]
            .as_str()
            .unwrap()
            .contains("EnableSecurityHub")
    );
    assert!(
        at("guardduty")["first"][0]
            .as_str()
            .unwrap()
            .contains("CreateDetector")
    );
    assert_eq!(at("detective")["action"], "blocked");
    assert!(
        at("detective")["detail"]
            .as_str()
            .unwrap()
            .contains("no behavior graph")
    );

    let apply = [
        "--region",
        "eu-west-1",
        "--roster",
        roster,
        "--apply",
        "--yes",
    ];
    let output = reconcile(&sandbox, &dir, &apply).await;
    let said = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{said}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(said.contains("EnableSecurityHub"), "{said}");
    let output = reconcile(&sandbox, &dir, &args).await;
    let records: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let eu = |service: &str| {
        records
            .iter()
            .find(|r| {
                r["region"] == "eu-west-1"
                    && r["service"] == service
                    && r["account_id"] == "200000000007"
            })
            .map(|r| r["action"].as_str().unwrap_or_default().to_owned())
    };
    assert_eq!(eu("securityhub").as_deref(), Some("wait"), "invited now");
    assert_eq!(eu("guardduty").as_deref(), Some("wait"), "invited now");
    let _ = std::fs::remove_dir_all(&dir);
}
