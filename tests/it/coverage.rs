//! The administrator's coverage matrix: `guestlist coverage` against the sandbox, every cell
//! state produced by the services' own statuses.

use std::process::Output;

use crate::common::*;
use guestlist::sandbox::{SandboxHandle, Scenario};

const ADMINISTRATOR: &str = "111122223333";

/// One administrator in us-east-1 whose members are in every state the services have; the
/// roster adds 200000000007, a member nowhere.
pub(crate) fn every_state() -> Scenario {
    let text = r#"
name = "coverage"

[[securityhub]]
region = "us-east-1"
account = "111122223333"
since = "-30d"
members = [
  { account = "200000000001", email = "a@example.com", status = "Enabled", invited_at = "-20d" },
  { account = "200000000002", email = "b@example.com", status = "Invited", invited_at = "-2d" },
  { account = "200000000003", email = "c@example.com", status = "Created" },
  { account = "200000000004", email = "d@example.com", status = "Resigned", invited_at = "-9d" },
  { account = "200000000005", email = "e@example.com", status = "Removed", invited_at = "-9d" },
]

[[guardduty]]
region = "us-east-1"
account = "111122223333"
since = "-30d"
members = [
  { account = "200000000001", email = "a@example.com", status = "Enabled", invited_at = "-20d" },
  { account = "200000000002", email = "b@example.com", status = "Disabled", invited_at = "-20d" },
  { account = "200000000003", email = "c@example.com", status = "EmailVerificationInProgress", invited_at = "-1h" },
  { account = "200000000006", email = "f@example.com", status = "EmailVerificationFailed", invited_at = "-1d" },
]

[[detective]]
region = "us-east-1"
account = "111122223333"
since = "-30d"
members = [
  { account = "200000000001", email = "a@example.com", status = "ENABLED", invited_at = "-20d" },
  { account = "200000000002", email = "b@example.com", status = "ACCEPTED_BUT_DISABLED", invited_at = "-20d", disabled_reason = "VOLUME_TOO_HIGH" },
  { account = "200000000005", email = "e@example.com", status = "ACCEPTED_BUT_DISABLED", invited_at = "-20d", disabled_reason = "VOLUME_UNKNOWN" },
  { account = "200000000003", email = "c@example.com", status = "INVITED", invited_at = "-3d" },
  { account = "200000000004", email = "d@example.com", status = "VERIFICATION_FAILED", invited_at = "-3d" },
]

[[macie]]
region = "us-east-1"
account = "111122223333"
since = "-30d"
members = [
  { account = "200000000001", email = "a@example.com", status = "Enabled", invited_at = "-20d" },
  { account = "200000000002", email = "b@example.com", status = "Paused", invited_at = "-20d" },
  { account = "200000000003", email = "c@example.com", status = "RegionDisabled", invited_at = "-20d" },
  { account = "200000000004", email = "d@example.com", status = "AccountSuspended", invited_at = "-20d" },
]
"#;
    Scenario::parse(text, "coverage test").unwrap()
}

async fn coverage(sandbox: &SandboxHandle, args: &[&str]) -> Output {
    let mut all = vec!["coverage", "--region", "us-east-1"];
    all.extend_from_slice(args);
    // Coverage only reads: no audit log is opened.
    run_as(sandbox, ADMINISTRATOR, "/nonexistent/guestlist-state", &all).await
}

pub(crate) fn roster_file(text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "guestlist-roster-{}-{}.csv",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::write(&path, text).unwrap();
    path
}

fn cells(output: &Output) -> Vec<serde_json::Value> {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

fn state_of<'a>(cells: &'a [serde_json::Value], account: &str, service: &str) -> &'a str {
    cells
        .iter()
        .find(|c| c["account_id"] == account && c["service"] == service)
        .and_then(|c| c["state"].as_str())
        .unwrap_or_else(|| panic!("no cell for {account} {service}"))
}

/// Every state a service reports lands in its own cell state, an account the roster names
/// but no service lists is absent, and each cell says whose it is. Gaps exit 3.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_member_state_is_its_own_cell_state() {
    let sandbox = start(every_state()).await;
    let roster = roster_file(
        "AccountId,Email,Name\n200000000001,a@example.com,alpha\n200000000002,b@example.com,beta\n\
         200000000003,c@example.com,gamma\n200000000004,d@example.com,delta\n\
         200000000005,e@example.com,epsilon\n200000000006,f@example.com,zeta\n\
         200000000007,g@example.com,eta\n",
    );
    let output = coverage(
        &sandbox,
        &["--roster", roster.to_str().unwrap(), "--output", "json"],
    )
    .await;
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let cells = cells(&output);
    assert_eq!(cells.len(), 7 * 4, "a cell per account and column");
    let expected = [
        ("200000000001", "securityhub", "enabled"),
        ("200000000002", "securityhub", "invited"),
        ("200000000003", "securityhub", "created"),
        ("200000000004", "securityhub", "resigned"),
        ("200000000005", "securityhub", "removed"),
        ("200000000006", "guardduty", "verification_failed"),
        ("200000000006", "securityhub", "absent"),
        ("200000000007", "securityhub", "absent"),
        ("200000000002", "guardduty", "disabled"),
        ("200000000003", "guardduty", "verifying"),
        ("200000000004", "guardduty", "absent"),
        ("200000000002", "detective", "accepted_but_disabled"),
        ("200000000003", "detective", "invited"),
        ("200000000004", "detective", "verification_failed"),
        ("200000000001", "macie", "enabled"),
        ("200000000002", "macie", "paused"),
        ("200000000003", "macie", "region_disabled"),
        ("200000000004", "macie", "account_suspended"),
        ("200000000005", "macie", "absent"),
    ];
    for (account, service, state) in expected {
        assert_eq!(
            state_of(&cells, account, service),
            state,
            "{account} {service}"
        );
    }
    let beta = cells
        .iter()
        .find(|c| c["account_id"] == "200000000002" && c["service"] == "guardduty")
        .unwrap();
    assert_eq!(beta["status"], "Disabled", "the service's own word");
    assert_eq!(beta["account_name"], "beta");
    assert_eq!(beta["administrator_id"], ADMINISTRATOR);
    assert_eq!(beta["region"], "us-east-1");
    let eta = cells
        .iter()
        .find(|c| c["account_id"] == "200000000007")
        .unwrap();
    assert_eq!(eta["status"], "absent");
    assert_eq!(eta["administrator_id"], ADMINISTRATOR, "whose gap it is");

    // The table: most gaps first, a symbol per cell, the legend with counts.
    let output = coverage(&sandbox, &["--roster", roster.to_str().unwrap()]).await;
    assert_eq!(output.status.code(), Some(3));
    let table = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].contains("Security Hub") && lines[0].contains("Detective"),
        "{table}"
    );
    let last_row = lines[lines.len() - 4];
    assert!(
        last_row.starts_with("200000000001"),
        "no gap, last: {table}"
    );
    assert!(
        lines[0].contains("Security Hub  GuardDuty"),
        "names apart: {table}"
    );
    assert!(lines[lines.len() - 3].starts_with("gaps"), "{table}");
    assert!(table.contains("● enabled 4"), "{table}");
    assert!(table.contains("· absent"), "{table}");
    let _ = std::fs::remove_file(roster);
}

/// A source that cannot be read is unknown, never absent: with no gap found elsewhere the
/// run exits 1, and stderr names the source.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_source_is_unknown_not_absent() {
    let sandbox = start(every_state()).await;
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"deny": [{"action": "guardduty:ListMembers"}]}"#,
    )
    .await;
    // Alpha is enabled everywhere that can be read.
    let output = coverage(&sandbox, &["--roster", "200000000001", "--output", "json"]).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let cells = cells(&output);
    assert_eq!(state_of(&cells, "200000000001", "guardduty"), "unknown");
    assert_eq!(state_of(&cells, "200000000001", "securityhub"), "enabled");
    let said = stderr(&output);
    assert!(said.contains("guardduty us-east-1"), "{said}");
    assert!(said.contains("not read"), "{said}");

    // Lifted, the same roster is covered: exit 0.
    control(&sandbox, "POST", "/_sandbox/faults", r#"{"deny": []}"#).await;
    let output = coverage(&sandbox, &["--roster", "200000000001"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// Without a roster the members are the roster; a bad roster is refused before anything is
/// asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_members_are_the_roster_by_default_and_a_bad_one_is_refused() {
    let sandbox = start(every_state()).await;
    let output = coverage(&sandbox, &["--output", "json"]).await;
    assert_eq!(output.status.code(), Some(3));
    let cells = cells(&output);
    assert_eq!(cells.len(), 6 * 4, "the six members, in four columns");
    // A file that cannot be read is refused before anything is asked, and says so.
    let asked = |stats: serde_json::Value| -> u64 {
        let requests = stats["requests"].as_object().cloned().unwrap_or_default();
        requests
            .values()
            .filter_map(serde_json::Value::as_u64)
            .sum()
    };
    let before = asked(control(&sandbox, "GET", "/_sandbox/stats", "").await.json());
    let output = coverage(&sandbox, &["--roster", "/nonexistent/roster.csv"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("--roster: cannot read /nonexistent/roster.csv"),
        "{}",
        stderr(&output)
    );
    let after = asked(control(&sandbox, "GET", "/_sandbox/stats", "").await.json());
    assert_eq!(before, after, "nothing asked");
    let output = coverage(&sandbox, &["--roster", "12345,200000000001"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("--roster: '12345' is not an account id"),
        "{}",
        stderr(&output)
    );
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
