//! Onboarding from nothing: an organization of 100 member accounts that are members of
//! nothing, its management account administering Security Hub, GuardDuty and Detective in 4
//! regions, every request 100 ms late. `guestlist onboard --roster org --assume-role …` until
//! every cell is enabled: its wall time (target: under 30 s), and the requests it sent against
//! the fewest the APIs need.
//!
//! `cargo bench -- onboarding`; `ONBOARD_BENCH_ACCOUNTS=20` for a smaller organization.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::process::Command;

use guestlist::sandbox::Scenario;

use super::organization::{LATENCY_MS, MANAGEMENT, Run, measure, sandbox_env, start_sandbox_with};

/// The services this benchmark was defined over; Macie, the fourth, came later.
const THREE_SERVICES: &str = "securityhub,guardduty,detective";
const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];
const ROLE: &str = "OrganizationAccountAccessRole";

fn accounts() -> usize {
    std::env::var("ONBOARD_BENCH_ACCOUNTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100)
}

/// `GET /_sandbox/stats`: the requests served, by `service:Operation`.
fn requests(url: &str) -> BTreeMap<String, u64> {
    let mut stream = std::net::TcpStream::connect(url.trim_start_matches("http://")).unwrap();
    write!(
        stream,
        "GET /_sandbox/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    let stats: serde_json::Value = serde_json::from_str(body).unwrap();
    stats["requests"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(op, n)| (op.clone(), n.as_u64().unwrap_or(0)))
        .collect()
}

/// The fewest requests that take `accounts` members from nothing to enabled in every region
/// and service, and confirm it: the organization's pages, one `AssumeRole` per account; per
/// region the administrator's detector and graph looked up, `CreateMembers` and
/// `InviteMembers` in 50s (Detective's `CreateMembers` invites); per member and region
/// `EnableSecurityHub`, `ListInvitations` (for the invitation id) and the accept,
/// `CreateDetector` (which answers the detector id), `ListInvitations` and the accept, and
/// Detective's `AcceptInvitation` (the graph is known); then each administrator list read once.
fn fewest(accounts: usize) -> usize {
    let regions = REGIONS.len();
    let batches = accounts.div_ceil(50);
    let pages = (accounts + 1).div_ceil(20);
    let administrator = regions * (2 + 2 * batches + 2 * batches + batches);
    let members = accounts * regions * (3 + 3 + 1);
    let confirm = regions * (accounts.div_ceil(50) * 2 + accounts.div_ceil(200));
    pages + accounts + administrator + members + confirm
}

fn onboard(url: &str) -> Run {
    let dir = std::env::temp_dir().join(format!(
        "guestlist-onboard-bench-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    let mut command = Command::new(env!("CARGO_BIN_EXE_guestlist"));
    command.args([
        "onboard",
        "--output",
        "json",
        "--log-level",
        "off",
        "--endpoint-url",
        url,
        "--roster",
        "org",
        "--assume-role",
        ROLE,
        "--service",
        THREE_SERVICES,
        "--region",
        &REGIONS.join(","),
        "--yes",
        "--wait",
        "120",
        "--poll",
        "1",
    ]);
    sandbox_env(&mut command, MANAGEMENT);
    command
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("GUESTLIST_STATE_DIR", &dir);
    let run = measure(command);
    let _ = std::fs::remove_dir_all(&dir);
    run
}

pub fn run() {
    let accounts = accounts();
    let cells = accounts * REGIONS.len() * 3;
    eprintln!(
        "\nonboarding: {accounts} accounts x {} regions x 3 services from nothing, {LATENCY_MS} ms per request",
        REGIONS.len()
    );
    let mut runs = Vec::new();
    for _ in 0..3 {
        // Each run starts from nothing: a sandbox of its own.
        let url = start_sandbox_with(Scenario::organization_to_onboard(
            MANAGEMENT, accounts, &REGIONS,
        ));
        let run = onboard(&url);
        assert!(run.success, "{}", run.stderr);
        let results: Vec<serde_json::Value> = serde_json::from_slice(&run.stdout).unwrap();
        assert_eq!(results.len(), cells, "a result per cell");
        assert!(
            results.iter().all(|r| r["result"] == "enabled"),
            "every cell enabled"
        );
        runs.push((run, requests(&url)));
    }
    runs.sort_by_key(|(run, _)| run.wall);
    let (median, by_operation) = &runs[1];
    let sent: u64 = by_operation.values().sum();
    eprintln!(
        "guestlist onboard: median {:.2} s (best {:.2}, its CPU {:.2} s), peak {:.0} MB; {sent} requests, the fewest possible {} ({:.2}x) (target < 30 s)",
        median.wall.as_secs_f64(),
        runs[0].0.wall.as_secs_f64(),
        median.cpu.as_secs_f64(),
        median.peak_mb,
        fewest(accounts),
        sent as f64 / fewest(accounts) as f64,
    );
    let mut most: Vec<(&String, &u64)> = by_operation.iter().collect();
    most.sort_by(|a, b| b.1.cmp(a.1));
    let most: Vec<String> = most
        .iter()
        .take(12)
        .map(|(op, n)| format!("{op} {n}"))
        .collect();
    eprintln!("  by operation: {}", most.join(", "));
}
