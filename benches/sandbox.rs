//! The sandbox under load: ListInvitations and ListMembers served on loopback by a server
//! confined to one thread, and the memory of a large organisation's state.
//!
//! `cargo bench -- sandbox`

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use guestlist::sandbox::{self, MemberSpec, RosterSpec, SandboxConfig, Scenario, TimeSpec};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufStream};
use tokio::net::TcpStream;

const CONNECTIONS: usize = 4;

/// Starts the sandbox on a runtime of its own with a single thread: one core's worth.
fn single_threaded_sandbox(scenario: Scenario) -> SocketAddr {
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
            tx.send(handle.addr()).unwrap();
            let _ = handle.wait().await;
        });
    });
    rx.recv().unwrap()
}

fn request(method: &str, path: &str, key: &str, region: &str, service: &str) -> Vec<u8> {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: sandbox\r\nAuthorization: AWS4-HMAC-SHA256 \
         Credential={key}/20261124/{region}/{service}/aws4_request, SignedHeaders=host, \
         Signature=0\r\nContent-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

/// Sends `request` and reads one whole response on a keep-alive connection.
async fn round_trip(stream: &mut BufStream<TcpStream>, request: &[u8], body: &mut Vec<u8>) {
    stream.write_all(request).await.unwrap();
    stream.flush().await.unwrap();
    let mut line = String::new();
    let mut length = 0;
    let mut status_ok = false;
    loop {
        line.clear();
        stream.read_line(&mut line).await.unwrap();
        if line == "\r\n" {
            break;
        }
        if line.starts_with("HTTP/1.1 200") {
            status_ok = true;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap();
        }
    }
    body.resize(length, 0);
    stream.read_exact(body).await.unwrap();
    assert!(status_ok, "{}", String::from_utf8_lossy(body));
}

/// `total` requests spread over `CONNECTIONS` keep-alive connections.
async fn load(addr: SocketAddr, request: &[u8], total: u64) -> Duration {
    let mut streams = Vec::new();
    for _ in 0..CONNECTIONS {
        streams.push(BufStream::new(TcpStream::connect(addr).await.unwrap()));
    }
    let per_connection = total.div_ceil(CONNECTIONS as u64);
    let started = Instant::now();
    let tasks: Vec<_> = streams
        .into_iter()
        .map(|mut stream| {
            let request = request.to_vec();
            tokio::spawn(async move {
                let mut body = Vec::new();
                for _ in 0..per_connection {
                    round_trip(&mut stream, &request, &mut body).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    started.elapsed()
}

fn serving(c: &mut Criterion) {
    let addr = single_threaded_sandbox(Scenario::demo());
    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("sandbox");
    group.throughput(Throughput::Elements(1));
    let cases = [
        (
            "securityhub ListInvitations (member)",
            request(
                "GET",
                "/invitations?MaxResults=50",
                "AKIADEMOMEMBER000001",
                "us-east-1",
                "securityhub",
            ),
        ),
        (
            "detective ListInvitations (member)",
            request(
                "POST",
                "/invitations/list",
                "AKIADEMOMEMBER000001",
                "eu-west-1",
                "detective",
            ),
        ),
        (
            "securityhub ListMembers 50 per page (administrator)",
            request(
                "GET",
                "/members?OnlyAssociated=false&MaxResults=50",
                "AKIADEMOADMIN0000001",
                "us-east-1",
                "securityhub",
            ),
        ),
    ];
    for (name, request) in cases {
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| client.block_on(load(addr, &request, iterations)))
        });
    }
    group.finish();
}

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// 10,000 accounts, each invited in 3 services × 4 regions: 120,000 invitations.
fn large_organisation() -> Scenario {
    let members: Vec<MemberSpec> = (0..10_000)
        .map(|i| MemberSpec {
            account: format!("2{i:011}"),
            email: Some(format!("member-{i}@example.com")),
            status: "Invited".into(),
            invitation_id: None,
            invited_at: Some(TimeSpec::Ago(chrono::Duration::days(i % 90))),
            updated_at: None,
            usage: Default::default(),
            organization: false,
        })
        .collect();
    let detective_members: Vec<MemberSpec> = members
        .iter()
        .map(|m| MemberSpec {
            status: "INVITED".into(),
            ..m.clone()
        })
        .collect();
    let roster = |region: &str, members: &Vec<MemberSpec>| RosterSpec {
        region: region.into(),
        account: "100000000001".into(),
        since: TimeSpec::Ago(chrono::Duration::days(400)),
        resource_id: None,
        members: members.clone(),
    };
    let regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];
    let mut scenario = Scenario::empty();
    scenario.securityhub = regions.iter().map(|r| roster(r, &members)).collect();
    scenario.guardduty = regions.iter().map(|r| roster(r, &members)).collect();
    scenario.detective = regions
        .iter()
        .map(|r| roster(r, &detective_members))
        .collect();
    scenario
}

fn memory(c: &mut Criterion) {
    let before = resident_bytes();
    let addr = single_threaded_sandbox(large_organisation());
    std::thread::sleep(Duration::from_millis(200));
    let after = resident_bytes();
    eprintln!(
        "sandbox state for 10,000 accounts x 3 services x 4 regions (120,000 invitations): \
         {:.1} MB resident (process {:.1} MB)",
        (after.saturating_sub(before)) as f64 / 1e6,
        after as f64 / 1e6
    );
    // Listing from the large state stays fast: one member's invitations scan every administrator.
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let request = request(
        "GET",
        "/invitations",
        "200000000042",
        "eu-west-1",
        "securityhub",
    );
    c.bench_function(
        "sandbox/securityhub ListInvitations in the 120,000-invitation state",
        |b| b.iter_custom(|iterations| client.block_on(load(addr, &request, iterations))),
    );
}

/// The group, for `benches/main.rs`.
pub fn run() {
    let mut c = Criterion::default()
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    serving(&mut c);
    memory(&mut c);
}
