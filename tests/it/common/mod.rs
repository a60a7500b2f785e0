//! Shared by the integration tests: a sandbox on a random port and real SDK clients for it.

pub mod app;

use aws_sdk_detective as detective;
use aws_sdk_guardduty as guardduty;
use aws_sdk_macie2 as macie2;
use aws_sdk_securityhub as securityhub;
use aws_sdk_sts as sts;
use guestlist::sandbox::{self, SandboxConfig, SandboxHandle, Scenario};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const ADMIN: &str = "111122223333";
pub const MEMBER: &str = "444455556666";
pub const AUDIT: &str = "777788889999";
pub const MEMBER_KEY: &str = "AKIADEMOMEMBER000001";
pub const ADMIN_KEY: &str = "AKIADEMOADMIN0000001";

pub async fn start(scenario: Scenario) -> SandboxHandle {
    sandbox::start(SandboxConfig::local(scenario))
        .await
        .expect("sandbox starts")
}

pub async fn demo() -> SandboxHandle {
    start(Scenario::demo()).await
}

pub async fn empty() -> SandboxHandle {
    start(Scenario::empty()).await
}

pub async fn config(sandbox: &SandboxHandle, key: &str, region: &str) -> aws_config::SdkConfig {
    guestlist::aws::sandbox_config(&sandbox.endpoint_url(), key, region).await
}

pub async fn securityhub(sandbox: &SandboxHandle, key: &str, region: &str) -> securityhub::Client {
    securityhub::Client::new(&config(sandbox, key, region).await)
}

pub async fn guardduty(sandbox: &SandboxHandle, key: &str, region: &str) -> guardduty::Client {
    guardduty::Client::new(&config(sandbox, key, region).await)
}

pub async fn detective(sandbox: &SandboxHandle, key: &str, region: &str) -> detective::Client {
    detective::Client::new(&config(sandbox, key, region).await)
}

pub async fn macie(sandbox: &SandboxHandle, key: &str, region: &str) -> macie2::Client {
    macie2::Client::new(&config(sandbox, key, region).await)
}

pub async fn sts(sandbox: &SandboxHandle, key: &str, region: &str) -> sts::Client {
    sts::Client::new(&config(sandbox, key, region).await)
}

/// The error code an SDK error carries, e.g. `InvalidInputException`.
pub fn code<E: securityhub::error::ProvideErrorMetadata>(error: &E) -> String {
    error.code().unwrap_or("<no code>").to_owned()
}

pub fn message<E: securityhub::error::ProvideErrorMetadata>(error: &E) -> String {
    error.message().unwrap_or("<no message>").to_owned()
}

pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// An authorization header as an SDK would send it, for `key` in `region` for `service`.
pub fn authorization(key: &str, region: &str, service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={key}/20261124/{region}/{service}/aws4_request, \
         SignedHeaders=host;x-amz-date, Signature=0000"
    )
}

/// One HTTP/1.1 request over a fresh connection, with what SDKs would never send.
pub async fn raw(
    sandbox: &SandboxHandle,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> RawResponse {
    let mut stream = tokio::net::TcpStream::connect(sandbox.addr())
        .await
        .unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        sandbox.addr(),
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .expect("a complete HTTP response");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    RawResponse {
        status,
        headers,
        body: body.to_owned(),
    }
}

pub async fn control(sandbox: &SandboxHandle, method: &str, path: &str, body: &str) -> RawResponse {
    raw(
        sandbox,
        method,
        path,
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
    .await
}

/// `GET /_sandbox/stats`: requests received by `service:Operation`.
pub async fn request_count(sandbox: &SandboxHandle, operation: &str) -> u64 {
    let stats = control(sandbox, "GET", "/_sandbox/stats", "").await.json();
    stats["requests"][operation].as_u64().unwrap_or(0)
}

pub async fn total_requests(sandbox: &SandboxHandle) -> u64 {
    let stats = control(sandbox, "GET", "/_sandbox/stats", "").await.json();
    stats["requests"]
        .as_object()
        .map(|m| m.values().filter_map(|v| v.as_u64()).sum())
        .unwrap_or(0)
}

/// Runs the binary with only the environment given: no profile or credentials of the machine's.
pub async fn guestlist(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    guestlist_reading(args, env, "").await
}

/// [`guestlist`], with `stdin` on its standard input (what a person would type).
pub async fn guestlist_reading(
    args: &[&str],
    env: &[(&str, &str)],
    stdin: &str,
) -> std::process::Output {
    use std::io::Write;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_guestlist"));
    command
        .args(args)
        .env_clear()
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1");
    for (name, value) in env {
        command.env(name, value);
    }
    let stdin = stdin.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut child = command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Whatever it does not read is dropped with the pipe.
        let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

/// The operations the sandbox served that change something, by `service:Operation`.
pub async fn changing_requests(sandbox: &SandboxHandle) -> Vec<String> {
    let stats = control(sandbox, "GET", "/_sandbox/stats", "").await.json();
    stats["requests"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|op| !guestlist::aws::read_only::is_read(op.split(':').nth(1).unwrap()))
        .cloned()
        .collect()
}

/// `guestlist ARGS` against `sandbox` as the access key `key`, its state (the audit log) in
/// `state_dir`.
pub async fn run_as(
    sandbox: &SandboxHandle,
    key: &str,
    state_dir: &str,
    args: &[&str],
) -> std::process::Output {
    let url = sandbox.endpoint_url();
    let mut all = vec!["--endpoint-url", url.as_str()];
    all.extend_from_slice(args);
    guestlist(
        &all,
        &[
            ("AWS_ACCESS_KEY_ID", key),
            ("AWS_SECRET_ACCESS_KEY", "anything"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_MAX_ATTEMPTS", "2"),
            ("GUESTLIST_STATE_DIR", state_dir),
        ],
    )
    .await
}
