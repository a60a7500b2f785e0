//! How fast everything is listed when the network is slow: one member with 110 invitations in
//! each of 3 services × 4 regions, the sandbox adding 100 ms to every request. Security Hub and
//! GuardDuty need 3 pages of 50 each, one after the other, so no client can finish in under
//! 0.3 s: that is the bound. The target is `guestlist list` within 1.3× of it.
//!
//! `cargo bench -- fetch` (the AWS CLI is timed beside it when `aws` is on the PATH).

use std::process::Command;
use std::time::{Duration, Instant};

use criterion::Criterion;
use guestlist::sandbox::{self, SandboxConfig, Scenario};

/// The services this benchmark was defined over; Macie, the fourth, came later.
const THREE_SERVICES: &str = "securityhub,guardduty,detective";
const MEMBER: &str = "200000000001";
const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];
const PER_SOURCE: usize = 110;
const LATENCY_MS: u64 = 100;

fn scenario() -> Scenario {
    Scenario::crowd(MEMBER, &REGIONS, PER_SOURCE)
}

/// The sandbox, on a runtime of its own, with the latency set.
fn sandbox() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let mut handle = sandbox::start(SandboxConfig::local(scenario()))
                .await
                .unwrap();
            tx.send(handle.endpoint_url()).unwrap();
            let _ = handle.wait().await;
        });
    });
    let url = rx.recv().unwrap();
    set_latency(&url);
    url
}

fn set_latency(url: &str) {
    use std::io::{Read, Write};
    let address = url.trim_start_matches("http://");
    let body = format!("{{\"latency_ms\": {LATENCY_MS}}}");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "POST /_sandbox/faults HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}

fn guestlist_list(url: &str) -> Duration {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_guestlist"))
        .args([
            "list",
            "--output",
            "json",
            "--log-level",
            "off",
            "--endpoint-url",
            url,
            "--service",
            THREE_SERVICES,
            "--region",
            &REGIONS.join(","),
        ])
        .env("AWS_ACCESS_KEY_ID", MEMBER)
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        rows.len(),
        PER_SOURCE * 3 * REGIONS.len(),
        "nothing missing"
    );
    elapsed
}

/// What a script does today: `aws SERVICE list-invitations` per service and region, one after another.
fn aws_cli(url: &str) -> Option<Duration> {
    Command::new("aws").arg("--version").output().ok()?;
    let started = Instant::now();
    let mut listed = 0;
    for service in ["securityhub", "guardduty", "detective"] {
        for region in REGIONS {
            let output = Command::new("aws")
                .args([
                    service,
                    "list-invitations",
                    "--region",
                    region,
                    "--endpoint-url",
                    url,
                    "--output",
                    "json",
                ])
                .env("AWS_ACCESS_KEY_ID", MEMBER)
                .env("AWS_SECRET_ACCESS_KEY", "bench")
                .env("AWS_CONFIG_FILE", "/nonexistent")
                .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
                .output()
                .ok()?;
            if !output.status.success() {
                eprintln!(
                    "aws {service} list-invitations failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
                return None;
            }
            let value: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
            listed += value["Invitations"].as_array().map_or(0, Vec::len);
        }
    }
    let elapsed = started.elapsed();
    assert_eq!(listed, PER_SOURCE * 3 * REGIONS.len());
    Some(elapsed)
}

fn fetch(c: &mut Criterion) {
    let url = sandbox();
    let bound = Duration::from_millis(3 * LATENCY_MS);
    let mut group = c.benchmark_group("fetch");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(6));
    group.bench_function(
        "guestlist list: 3 services x 4 regions x 110 invitations, 100 ms per request",
        |b| b.iter_custom(|iterations| (0..iterations).map(|_| guestlist_list(&url)).sum()),
    );
    group.finish();

    let runs: Vec<Duration> = (0..5).map(|_| guestlist_list(&url)).collect();
    let best = runs.iter().min().unwrap();
    let median = {
        let mut sorted = runs.clone();
        sorted.sort();
        sorted[sorted.len() / 2]
    };
    eprintln!(
        "\nguestlist list: median {:.3} s, best {:.3} s; bound {:.3} s; median/bound {:.2}x (target <= 1.3x)",
        median.as_secs_f64(),
        best.as_secs_f64(),
        bound.as_secs_f64(),
        median.as_secs_f64() / bound.as_secs_f64()
    );
    match aws_cli(&url) {
        Some(elapsed) => eprintln!(
            "aws CLI, 12 list-invitations commands one after another: {:.3} s ({:.1}x guestlist)",
            elapsed.as_secs_f64(),
            elapsed.as_secs_f64() / median.as_secs_f64()
        ),
        None => eprintln!("aws CLI: not on the PATH here, not compared"),
    }
}

/// The group, for `benches/main.rs`.
pub fn run() {
    fetch(&mut Criterion::default());
}
