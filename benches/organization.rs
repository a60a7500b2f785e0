//! An organization at scale: 1,000 member accounts × 17 regions × 3 services, 5 invitations in
//! each place, the sandbox adding 100 ms to every request (AssumeRole and Organizations too).
//!
//! - `guestlist list --accounts org --assume-role …`: wall time and peak resident memory. The
//!   floor is `ListAccounts`, 20 accounts a page, one page after another: 51 pages × 100 ms.
//! - The same accounts as 1,000 `--profile`s (each with its own keys: no role to assume).
//! - What a user could write instead: boto3 with a thread pool, one client per account, region
//!   and service (when `python3` has boto3).
//!
//! `cargo bench -- organization`; `ORG_BENCH_ACCOUNTS=100` for a smaller organization;
//! `ORG_BENCH_SERVE=1` only serves the organization, for running guestlist under a profiler.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use guestlist::sandbox::{self, SandboxConfig, Scenario};

pub(crate) const MANAGEMENT: &str = "111122223333";
/// The services this benchmark was defined over; Macie, the fourth, came later.
const THREE_SERVICES: &str = "securityhub,guardduty,detective";
const REGIONS: [&str; 17] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
];
const PER_SOURCE: usize = 5;
pub(crate) const LATENCY_MS: u64 = 100;
const ROLE: &str = "OrganizationAccountAccessRole";

fn accounts() -> usize {
    std::env::var("ORG_BENCH_ACCOUNTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000)
}

/// The sandbox, on a runtime of its own, with the latency set.
fn start_sandbox(accounts: usize) -> String {
    start_sandbox_with(Scenario::organization_crowd(
        MANAGEMENT, accounts, &REGIONS, PER_SOURCE,
    ))
}

/// The sandbox serving `scenario`, on a runtime of its own, every request 100 ms late. One
/// thread: the sandbox stands in for AWS, whose work is not on this machine, so it takes at most
/// one of the cores guestlist is measured on, and no CPU for handing requests between threads.
pub(crate) fn start_sandbox_with(scenario: Scenario) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let mut handle = sandbox::start(SandboxConfig::local(scenario))
                .await
                .unwrap();
            tx.send(handle.endpoint_url()).unwrap();
            let _ = handle.wait().await;
        });
    });
    let url = rx.recv().unwrap();
    let body = format!("{{\"latency_ms\": {LATENCY_MS}}}");
    let mut stream = std::net::TcpStream::connect(url.trim_start_matches("http://")).unwrap();
    write!(
        stream,
        "POST /_sandbox/faults HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    url
}

/// A finished process: how long it took, its peak resident size, and what it printed.
pub(crate) struct Run {
    pub(crate) wall: Duration,
    /// CPU time of the process, user and system.
    pub(crate) cpu: Duration,
    pub(crate) peak_mb: f64,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: String,
    pub(crate) success: bool,
}

/// Runs `command` to its end, through GNU time where there is one: the kernel hands a child
/// started straight from here the peak resident size of this process (the sandbox, hundreds
/// of megabytes) as its own, since it begins on this process's memory until it executes.
pub(crate) fn measure(command: Command) -> Run {
    let time = std::path::Path::new("/usr/bin/time");
    if !time.exists() {
        return reap(command);
    }
    let report = std::env::temp_dir().join(format!(
        "guestlist-bench-peak-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let mut timed = Command::new(time);
    timed
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(command.get_program())
        .args(command.get_args());
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => timed.env(name, value),
            None => timed.env_remove(name),
        };
    }
    let mut run = reap(timed);
    let peak_kb: Option<f64> = std::fs::read_to_string(&report)
        .ok()
        .and_then(|text| text.lines().last()?.trim().parse().ok());
    let _ = std::fs::remove_file(&report);
    if let Some(kb) = peak_kb {
        run.peak_mb = kb / 1024.0;
    }
    run
}

/// Runs `command` to its end, its peak resident size read from the kernel as it is reaped.
// `wait4` reaps the child, which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn reap(mut command: Command) -> Run {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reading = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        out.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let reading_err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = err.read_to_string(&mut text);
        text
    });
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data the kernel fills; `pid` is our own unreaped child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid);
    let wall = started.elapsed();
    let seconds = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Run {
        wall,
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        // Linux reports kilobytes.
        peak_mb: usage.ru_maxrss as f64 / 1024.0,
        stdout: reading.join().unwrap(),
        stderr: reading_err.join().unwrap(),
        success: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
    }
}

pub(crate) fn sandbox_env(command: &mut Command, key: &str) {
    command
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true");
}

/// Data lines of CSV output: one per invitation.
fn rows(stdout: &[u8]) -> usize {
    stdout
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        .saturating_sub(1)
}

fn guestlist_org(url: &str) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guestlist"));
    command.args([
        "list",
        "--output",
        "csv",
        "--log-level",
        "off",
        "--endpoint-url",
        url,
        "--accounts",
        "org",
        "--assume-role",
        ROLE,
        "--service",
        THREE_SERVICES,
        "--region",
        &REGIONS.join(","),
    ]);
    sandbox_env(&mut command, MANAGEMENT);
    command.env("AWS_CONFIG_FILE", "/nonexistent");
    measure(command)
}

/// The same accounts as profiles, one per account with that account's own keys.
fn guestlist_profiles(url: &str, accounts: usize, dir: &std::path::Path) -> Run {
    let config = dir.join("config");
    let mut text = String::new();
    for i in 1..=accounts {
        let id = format!("3{i:011}");
        text.push_str(&format!(
            "[profile a{id}]\naws_access_key_id = {id}\naws_secret_access_key = bench\n\n"
        ));
    }
    std::fs::write(&config, text).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_guestlist"));
    command.args([
        "list",
        "--output",
        "csv",
        "--log-level",
        "off",
        "--endpoint-url",
        url,
        "--service",
        THREE_SERVICES,
        "--region",
        &REGIONS.join(","),
    ]);
    for i in 1..=accounts {
        command.arg("--profile").arg(format!("a3{i:011}"));
    }
    sandbox_env(&mut command, MANAGEMENT);
    command.env("AWS_CONFIG_FILE", &config);
    measure(command)
}

const BOTO3: &str = r#"
import sys, boto3, botocore.config
from concurrent.futures import ThreadPoolExecutor
url, role, regions = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
config = botocore.config.Config(max_pool_connections=64, retries={"mode": "standard"})
session = boto3.session.Session(region_name="us-east-1")
org = session.client("organizations", endpoint_url=url)
accounts = [a["Id"] for page in org.get_paginator("list_accounts").paginate()
            for a in page["Accounts"] if a["Status"] == "ACTIVE"]
me = session.client("sts", endpoint_url=url).get_caller_identity()["Account"]
def credentials(account):
    if account == me:
        return {}
    sts = session.client("sts", endpoint_url=url)
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="bench")["Credentials"]
    return dict(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                aws_session_token=c["SessionToken"])
def listing(job):
    keys, region, service = job
    client = boto3.session.Session(**keys).client(service, region_name=region, endpoint_url=url, config=config)
    return len(client.list_invitations()["Invitations"])
with ThreadPoolExecutor(64) as pool:
    keys = list(pool.map(credentials, accounts))
    jobs = [(k, r, s) for k in keys for r in regions for s in ("securityhub", "guardduty", "detective")]
    print(sum(pool.map(listing, jobs)))
"#;

const BOTO3_LIMIT: Duration = Duration::from_secs(240);

fn boto3(url: &str) -> Option<Run> {
    let has = Command::new("python3")
        .args(["-c", "import boto3"])
        .output()
        .ok()?;
    if !has.status.success() {
        return None;
    }
    // Capped: at this scale it takes minutes, and the figure is then "more than this".
    let mut command = Command::new("timeout");
    command.args([
        &BOTO3_LIMIT.as_secs().to_string(),
        "python3",
        "-c",
        BOTO3,
        url,
        ROLE,
        &REGIONS.join(","),
    ]);
    sandbox_env(&mut command, MANAGEMENT);
    command.env("AWS_CONFIG_FILE", "/nonexistent");
    Some(measure(command))
}

pub fn run() {
    let accounts = accounts();
    let url = start_sandbox(accounts);
    if std::env::var_os("ORG_BENCH_SERVE").is_some() {
        // The organization alone, for a profiler to run guestlist against by hand.
        eprintln!("organization sandbox at {url} (Ctrl-C stops it)");
        loop {
            std::thread::park();
        }
    }
    let expected = accounts * REGIONS.len() * 3 * PER_SOURCE;
    let pages = (accounts + 1).div_ceil(20);
    let floor = Duration::from_millis(pages as u64 * LATENCY_MS);
    eprintln!(
        "\norganization: {accounts} accounts x {} regions x 3 services, {PER_SOURCE} invitations each, {LATENCY_MS} ms per request",
        REGIONS.len()
    );
    let mut runs = Vec::new();
    for _ in 0..3 {
        let run = guestlist_org(&url);
        assert!(run.success, "{}", run.stderr);
        assert_eq!(rows(&run.stdout), expected, "nothing missing");
        runs.push(run);
    }
    runs.sort_by_key(|r| r.wall);
    let median = &runs[1];
    eprintln!(
        "guestlist list --accounts org: median {:.2} s (best {:.2}, its CPU {:.2} s), peak {:.0} MB; floor {:.2} s ({pages} ListAccounts pages), median/floor {:.2}x (target <= 10 s, <= 400 MB, ~1.5x)",
        median.wall.as_secs_f64(),
        runs[0].wall.as_secs_f64(),
        median.cpu.as_secs_f64(),
        runs.iter().map(|r| r.peak_mb).fold(0.0, f64::max),
        floor.as_secs_f64(),
        median.wall.as_secs_f64() / floor.as_secs_f64(),
    );
    let dir = std::env::temp_dir().join(format!("guestlist-org-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let profiles = guestlist_profiles(&url, accounts, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(profiles.success, "{}", profiles.stderr);
    assert_eq!(
        rows(&profiles.stdout),
        expected,
        "nothing missing: {}",
        profiles.stderr
    );
    eprintln!(
        "guestlist list with {accounts} --profile: {:.2} s, peak {:.0} MB",
        profiles.wall.as_secs_f64(),
        profiles.peak_mb
    );
    match boto3(&url) {
        Some(run) if run.success => {
            let listed: usize = String::from_utf8_lossy(&run.stdout).trim().parse().unwrap();
            assert_eq!(listed, expected, "nothing missing");
            eprintln!(
                "boto3, 64 threads, a client per account, region and service: {:.2} s, peak {:.0} MB",
                run.wall.as_secs_f64(),
                run.peak_mb
            );
        }
        Some(run) if run.wall >= BOTO3_LIMIT => eprintln!(
            "boto3, 64 threads, a client per account, region and service: not done after {} s (stopped), peak {:.0} MB",
            BOTO3_LIMIT.as_secs(),
            run.peak_mb
        ),
        Some(run) => eprintln!("boto3 failed: {}", run.stderr),
        None => eprintln!("boto3: not installed for python3 here, not compared"),
    }
}
