//! What the sandbox does for every service: identity, STS, errors, test controls, concurrency,
//! and the `guestlist sandbox` command itself.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use guestlist::model::ErrorKind;
use guestlist::sandbox::{SandboxHandle, Scenario};

#[tokio::test]
async fn sts_names_the_account_of_the_access_key() {
    let sandbox = demo().await;
    let by_digits = sts(&sandbox, "123456789012", "us-east-1").await;
    let identity = by_digits.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some("123456789012"));
    assert!(
        identity
            .arn()
            .unwrap()
            .starts_with("arn:aws:iam::123456789012:")
    );

    let mapped = sts(&sandbox, MEMBER_KEY, "eu-west-1").await;
    let identity = mapped.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some(MEMBER));

    let unknown = sts(&sandbox, "AKIAUNKNOWNKEY", "us-east-1").await;
    let error = unknown.get_caller_identity().send().await.unwrap_err();
    // STS's own name for it, as AWS answers; the other services say UnrecognizedClientException.
    assert_eq!(code(&error), "InvalidClientTokenId");
}

#[tokio::test]
async fn unknown_keys_missing_authorization_and_unknown_routes() {
    let sandbox = demo().await;
    let stranger = securityhub(&sandbox, "AKIANOBODY", "us-east-1").await;
    let error = stranger.list_invitations().send().await.unwrap_err();
    assert_eq!(code(&error), "UnrecognizedClientException");
    let stranger = detective(&sandbox, "AKIANOBODY", "us-east-1").await;
    let error = stranger.list_invitations().send().await.unwrap_err();
    assert_eq!(code(&error), "UnrecognizedClientException");

    let response = raw(&sandbox, "GET", "/invitations", &[], b"").await;
    assert_eq!(response.status, 403);
    assert_eq!(
        response.header("x-amzn-ErrorType"),
        Some("MissingAuthenticationTokenException")
    );

    let auth = authorization(MEMBER_KEY, "us-east-1", "guardduty");
    let response = raw(
        &sandbox,
        "DELETE",
        "/no/such/route",
        &[("Authorization", &auth)],
        b"",
    )
    .await;
    assert_eq!(response.status, 404);
    assert!(
        response.body.contains("/no/such/route"),
        "{}",
        response.body
    );

    let auth = authorization(MEMBER_KEY, "us-east-1", "s3");
    let response = raw(&sandbox, "GET", "/", &[("Authorization", &auth)], b"").await;
    assert_eq!(response.status, 404);
    assert!(response.body.contains("s3"));
}

#[tokio::test]
async fn a_region_the_account_has_not_enabled_answers_unrecognized_client() {
    let sandbox = demo().await;
    for service in ["securityhub", "guardduty", "detective"] {
        let auth = authorization(MEMBER_KEY, "af-south-1", service);
        let path = if service == "detective" {
            "/invitations/list"
        } else if service == "guardduty" {
            "/invitation"
        } else {
            "/invitations"
        };
        let method = if service == "detective" {
            "POST"
        } else {
            "GET"
        };
        let response = raw(&sandbox, method, path, &[("Authorization", &auth)], b"").await;
        assert_eq!(response.status, 403, "{service}");
        assert_eq!(
            response.header("x-amzn-ErrorType"),
            Some("UnrecognizedClientException")
        );
    }
    let member = guardduty(&sandbox, MEMBER_KEY, "af-south-1").await;
    let error = member.list_invitations().send().await.unwrap_err();
    assert_eq!(code(&error), "UnrecognizedClientException");
    // The administrator has it enabled.
    let admin = guardduty(&sandbox, ADMIN_KEY, "af-south-1").await;
    assert!(admin.list_invitations().send().await.is_ok());
}

#[tokio::test]
async fn throttling_is_retried_by_the_sdk_and_a_failing_service_surfaces_its_error() {
    let sandbox = demo().await;
    let response = control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"throttle_rate": 0.5}"#,
    )
    .await;
    assert_eq!(response.status, 200);
    // guestlist's 10 attempts leave a 20 × 2⁻¹⁰ (2%) chance that one of 20 calls is throttled
    // every time; with 40 the chance is nil, and what is tested is that the SDK retries.
    let config = config(&sandbox, MEMBER_KEY, "us-east-1")
        .await
        .to_builder()
        .retry_config(
            aws_config::retry::RetryConfig::standard()
                .with_max_attempts(40)
                .with_initial_backoff(std::time::Duration::from_millis(1))
                .with_max_backoff(std::time::Duration::from_millis(20)),
        )
        .build();
    let member = aws_sdk_securityhub::Client::new(&config);
    for _ in 0..20 {
        let listed = member.list_invitations().send().await.unwrap();
        assert_eq!(listed.invitations().len(), 1);
    }
    // Half are throttled: that none of 20 was is a one-in-a-million chance.
    assert!(
        request_count(&sandbox, "securityhub:ListInvitations").await > 20,
        "some were retried"
    );

    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"throttle_rate": 0}"#,
    )
    .await;
    let response = control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"service": "securityhub", "error_rate": 1.0}"#,
    )
    .await;
    assert_eq!(response.json()["faults"]["securityhub"]["error_rate"], 1.0);
    assert_eq!(response.json()["faults"]["guardduty"]["error_rate"], 0.0);
    let member = securityhub(&sandbox, MEMBER_KEY, "us-east-1").await;
    let error = member.list_invitations().send().await.unwrap_err();
    assert_eq!(code(&error), "InternalException");
    let gd = guardduty(&sandbox, MEMBER_KEY, "us-east-1").await;
    assert!(
        gd.list_invitations().send().await.is_ok(),
        "other services unaffected"
    );
    let det = detective(&sandbox, MEMBER_KEY, "us-east-1").await;
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"service": "detective", "error_rate": 1.0}"#,
    )
    .await;
    let error = det.list_invitations().send().await.unwrap_err();
    assert_eq!(code(&error), "InternalServerException");

    // A later call replaces only what it names.
    let response = control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"service": "securityhub", "latency_ms": 150}"#,
    )
    .await;
    assert_eq!(response.json()["faults"]["securityhub"]["error_rate"], 1.0);
    control(&sandbox, "POST", "/_sandbox/faults", r#"{"error_rate": 0}"#).await;
    let started = Instant::now();
    member.list_invitations().send().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "latency added"
    );

    for bad in [
        r#"{"error_rate": 2}"#,
        r#"{"service": "s3"}"#,
        "nope",
        r#"{"latency": 1}"#,
    ] {
        let response = control(&sandbox, "POST", "/_sandbox/faults", bad).await;
        assert_eq!(response.status, 400, "{bad}");
        assert!(response.json()["message"].is_string());
    }
}

#[tokio::test]
async fn stats_count_every_request_and_reset_restores_the_scenario() {
    let sandbox = demo().await;
    let member = securityhub(&sandbox, MEMBER_KEY, "us-east-1").await;
    let listed = member.list_invitations().send().await.unwrap();
    let invitation = &listed.invitations()[0];
    let declined = member
        .decline_invitations()
        .account_ids(invitation.account_id().unwrap())
        .send()
        .await
        .unwrap();
    assert!(declined.unprocessed_accounts().is_empty());
    let _ = member.list_invitations().max_results(0).send().await;
    assert!(
        member
            .list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .is_empty()
    );

    let stats = control(&sandbox, "GET", "/_sandbox/stats", "").await.json();
    assert_eq!(stats["requests"]["securityhub:ListInvitations"], 3);
    assert_eq!(stats["requests"]["securityhub:DeclineInvitations"], 1);

    let response = control(&sandbox, "POST", "/_sandbox/reset", "").await;
    assert_eq!(response.status, 200);
    assert_eq!(total_requests(&sandbox).await, 0);
    let again = member.list_invitations().send().await.unwrap();
    assert_eq!(
        again.invitations().len(),
        1,
        "the scenario's invitation is back"
    );

    let response = control(&sandbox, "GET", "/_sandbox/nothing", "").await;
    assert_eq!(response.status, 404);
}

#[tokio::test]
async fn many_concurrent_clients_leave_consistent_state() {
    let sandbox = empty().await;
    const INVITEE: &str = "299999999999";
    const ADMINS: usize = 40;
    let mut tasks = Vec::new();
    for i in 0..ADMINS {
        let admin_id = format!("1000000000{i:02}");
        let client = securityhub(&sandbox, &admin_id, "us-east-1").await;
        tasks.push(tokio::spawn(async move {
            client.enable_security_hub().send().await.unwrap();
            client
                .create_members()
                .account_details(
                    aws_sdk_securityhub::types::AccountDetails::builder()
                        .account_id(INVITEE)
                        .build(),
                )
                .send()
                .await
                .unwrap();
            let invited = client
                .invite_members()
                .account_ids(INVITEE)
                .send()
                .await
                .unwrap();
            assert!(invited.unprocessed_accounts().is_empty());
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let invitee = securityhub(&sandbox, INVITEE, "us-east-1").await;
    invitee.enable_security_hub().send().await.unwrap();
    let invitations: Vec<_> = invitee
        .list_invitations()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    assert_eq!(invitations.len(), ADMINS);

    // Accepting all at once: exactly one administrator wins.
    let mut accepts = Vec::new();
    for invitation in invitations {
        let invitee = invitee.clone();
        accepts.push(tokio::spawn(async move {
            invitee
                .accept_administrator_invitation()
                .administrator_id(invitation.account_id().unwrap())
                .invitation_id(invitation.invitation_id().unwrap())
                .send()
                .await
                .is_ok()
        }));
    }
    let mut accepted = 0;
    for accept in accepts {
        accepted += usize::from(accept.await.unwrap());
    }
    assert_eq!(accepted, 1);
    let count = invitee.get_invitations_count().send().await.unwrap();
    assert_eq!(count.invitations_count(), Some(ADMINS as i32 - 1));
}

#[tokio::test]
async fn odd_requests_always_get_an_answer() {
    let sandbox = demo().await;
    let auth = authorization(MEMBER_KEY, "us-east-1", "detective");
    let sh_auth = authorization(MEMBER_KEY, "us-east-1", "securityhub");
    let cases: Vec<(&str, &str, &str, Vec<u8>)> = vec![
        ("POST", "/invitations/list", &auth, b"\xff\xfe\x00".to_vec()),
        (
            "POST",
            "/invitations/list",
            &auth,
            b"{\"MaxResults\": 1e400}".to_vec(),
        ),
        (
            "POST",
            "/invitations/list",
            &auth,
            b"{\"MaxResults\": \"ten\"}".to_vec(),
        ),
        (
            "POST",
            "/invitations/list",
            &auth,
            b"{\"NextToken\": \"\"}".to_vec(),
        ),
        (
            "POST",
            "/graph/members",
            &auth,
            b"{\"GraphArn\": 5, \"Accounts\": {}}".to_vec(),
        ),
        (
            "GET",
            "/invitations?MaxResults=99999999999999999999",
            &sh_auth,
            Vec::new(),
        ),
        (
            "GET",
            "/invitations?NextToken=%ff%fe.zz",
            &sh_auth,
            Vec::new(),
        ),
        ("GET", "/members/%2e%2e/%00", &sh_auth, Vec::new()),
        ("POST", "/", "AWS4-HMAC-SHA256 Credential=", Vec::new()),
        (
            "POST",
            "/",
            "AWS4-HMAC-SHA256 Credential=a/b/UPPER/securityhub/aws4_request",
            Vec::new(),
        ),
    ];
    for (method, path, authorization, body) in cases {
        let response = raw(
            &sandbox,
            method,
            path,
            &[("Authorization", authorization)],
            &body,
        )
        .await;
        assert!(
            (400..500).contains(&response.status),
            "{method} {path}: {} {}",
            response.status,
            response.body
        );
    }
    // Still serving.
    let member = detective(&sandbox, MEMBER_KEY, "us-east-1").await;
    assert!(member.list_invitations().send().await.is_ok());
}

#[test]
fn scenario_files_load_and_bad_ones_say_where() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let small = Scenario::load(format!("{dir}/scenario-small.toml").as_ref()).unwrap();
    assert_eq!(small.name, "small");
    assert_eq!(small.securityhub[0].members.len(), 1);

    let error = Scenario::load(format!("{dir}/scenario-bad-status.toml").as_ref()).unwrap_err();
    assert_eq!(error.line, Some(6));
    assert!(
        error.to_string().contains("scenario-bad-status.toml:6:"),
        "{error}"
    );
    assert!(
        error
            .message
            .contains("'Pending' is not a guardduty member status")
    );

    let error = Scenario::load(format!("{dir}/scenario-bad-syntax.toml").as_ref()).unwrap_err();
    assert_eq!(error.line, Some(2));

    let error = Scenario::load("/nonexistent/scenario.toml".as_ref()).unwrap_err();
    assert!(error.message.contains("cannot read"));
}

#[tokio::test]
async fn a_scenario_file_drives_the_sandbox() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let scenario = Scenario::load(format!("{dir}/scenario-small.toml").as_ref()).unwrap();
    let sandbox = start(scenario).await;
    let member = securityhub(&sandbox, "200000000001", "us-east-1").await;
    let listed = member.list_invitations().send().await.unwrap();
    assert_eq!(
        listed.invitations()[0].invitation_id(),
        Some("0123456789abcdef0123456789abcdef")
    );
    let admin = securityhub(&sandbox, "AKIASMALLADMIN", "us-east-1").await;
    let members = admin
        .list_members()
        .only_associated(false)
        .send()
        .await
        .unwrap();
    assert_eq!(members.members().len(), 1);
}

fn guestlist() -> Command {
    Command::new(env!("CARGO_BIN_EXE_guestlist"))
}

/// `guestlist sandbox ARGS` as a process, and the first line it printed.
fn sandbox_process(args: &[&str]) -> (std::process::Child, String) {
    let mut child = guestlist()
        .arg("sandbox")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    (child, first)
}

#[test]
fn the_sandbox_command_prints_where_it_listens_and_stops_on_sigterm() {
    let (mut child, first) = sandbox_process(&["--port", "0"]);
    let url = first
        .trim()
        .strip_prefix("listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("first line: {first:?}"));
    let port: u16 = url.parse().unwrap();
    assert_ne!(port, 0);

    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    use std::io::{Read, Write};
    stream
        .write_all(b"GET /_sandbox/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let status = Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "exits cleanly on SIGTERM: {status:?}");
}

#[test]
fn the_sandbox_command_refuses_a_bad_scenario_with_file_and_line() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/scenario-bad-status.toml"
    );
    let output = guestlist()
        .args(["sandbox", "--port", "0", "--scenario", path])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "1: nothing was done");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("scenario-bad-status.toml:6:"), "{stderr}");
    assert!(output.stdout.is_empty(), "nothing listened");
}

#[test]
fn a_busy_port_is_one_line_without_a_report() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = guestlist()
        .args(["sandbox", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("cannot listen on 127.0.0.1:"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "no escape codes: {stderr}");
}

/// Sends `bytes` as they are on a fresh connection; the response, or None when the sandbox
/// closed the connection without one.
async fn raw_bytes(sandbox: &SandboxHandle, bytes: &[u8]) -> Option<RawResponse> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(sandbox.addr())
        .await
        .unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .expect("the sandbox answers or closes")
        .ok()?;
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Some(RawResponse {
        status,
        headers,
        body: body.to_owned(),
    })
}

fn assert_aws_shaped(response: &RawResponse, status: u16, code: &str) {
    assert_eq!(response.status, status, "{}", response.body);
    assert_eq!(
        response.header("x-amzn-ErrorType"),
        Some(code),
        "{:?}",
        response.headers
    );
    assert!(
        response
            .header("content-type")
            .unwrap_or("")
            .contains("json"),
        "{:?}",
        response.headers
    );
    response.json();
}

#[tokio::test]
async fn bodies_over_the_limit_broken_chunks_and_non_ascii_signatures_get_aws_answers() {
    let sandbox = demo().await;
    let auth = authorization(MEMBER_KEY, "us-east-1", "securityhub");
    let big = vec![b' '; 3 * 1024 * 1024];
    let too_large = raw(
        &sandbox,
        "POST",
        "/invitations/decline",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        &big,
    )
    .await;
    assert_aws_shaped(&too_large, 413, "InvalidInputException");

    let broken = format!(
        "POST /invitations/decline HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nnot a chunk\r\n0\r\n\r\n"
    );
    let broken = raw_bytes(&sandbox, broken.as_bytes())
        .await
        .expect("an answer");
    assert_aws_shaped(&broken, 400, "InvalidInputException");

    let not_ascii = raw(
        &sandbox,
        "GET",
        "/invitations",
        &[("Authorization", "AWS4-HMAC-SHA256 Credential=é/…")],
        b"",
    )
    .await;
    assert_aws_shaped(&not_ascii, 403, "IncompleteSignatureException");
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let mut config = guestlist::sandbox::SandboxConfig::local(Scenario::demo());
    config.read_timeout = Duration::from_millis(300);
    let sandbox = guestlist::sandbox::start(config).await.unwrap();
    let started = std::time::Instant::now();
    let answer = raw_bytes(&sandbox, b"GET /invitations HTTP/1.1\r\nHost: x\r\n").await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "held for {:?}",
        started.elapsed()
    );
    // hyper answers 408 or just closes: either way the connection is not held.
    let status = answer.map(|a| a.status);
    assert!(status.is_none_or(|s| s == 408), "{status:?}");
}

#[test]
fn sigterm_stops_the_sandbox_even_while_a_client_holds_a_half_sent_request() {
    use std::io::Write;
    let (mut child, first) = sandbox_process(&["--port", "0"]);
    let port: u16 = first
        .trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap();
    let mut half = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    half.write_all(
        b"POST /invitations/decline HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{",
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let status = Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running 10 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    drop(half);
}

#[test]
fn binding_beyond_loopback_warns_that_anyone_can_reach_it() {
    let mut child = guestlist()
        .args(["sandbox", "--bind", "0.0.0.0", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut warning = String::new();
    stderr.read_line(&mut warning).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(warning.contains("not loopback"), "{warning}");
}

/// A configuration that signs with these temporary credentials.
async fn assumed_config(
    sandbox: &SandboxHandle,
    credentials: &aws_sdk_sts::types::Credentials,
    token: bool,
) -> aws_config::SdkConfig {
    let credentials = aws_credential_types::Credentials::new(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        token.then(|| credentials.session_token().to_owned()),
        None,
        "assumed",
    );
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(sandbox.endpoint_url())
        .credentials_provider(credentials)
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .load()
        .await
}

#[tokio::test]
async fn assume_role_hands_out_credentials_that_act_as_the_roles_account() {
    // The demo declares no roles: any caller may assume any role, as automation expects.
    let sandbox = demo().await;
    let admin = sts(&sandbox, ADMIN_KEY, "us-east-1").await;
    let assumed = admin
        .assume_role()
        .role_arn(format!(
            "arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole"
        ))
        .role_session_name("guestlist")
        .send()
        .await
        .unwrap();
    let credentials = assumed.credentials().unwrap();
    assert!(credentials.access_key_id().starts_with("ASIA"));
    assert!(
        assumed
            .assumed_role_user()
            .unwrap()
            .arn()
            .ends_with(":assumed-role/OrganizationAccountAccessRole/guestlist")
    );

    let config = assumed_config(&sandbox, credentials, true).await;
    let me = aws_sdk_sts::Client::new(&config)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.account(), Some(MEMBER));
    let invitations = aws_sdk_securityhub::Client::new(&config)
        .list_invitations()
        .send()
        .await
        .unwrap();
    assert!(
        !invitations.invitations().is_empty(),
        "the member's invitations"
    );

    // Without its session token the key names nobody.
    let tokenless = assumed_config(&sandbox, credentials, false).await;
    let error = aws_sdk_securityhub::Client::new(&tokenless)
        .list_invitations()
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "UnrecognizedClientException");
}

#[tokio::test]
async fn declared_roles_are_assumed_only_as_their_trust_says() {
    let mut scenario = Scenario::demo();
    scenario.roles.push(guestlist::sandbox::RoleSpec {
        account: MEMBER.into(),
        name: "Audit".into(),
        trusts: vec![ADMIN.into()],
        external_id: Some("x-123".into()),
        mfa: false,
    });
    let sandbox = start(scenario).await;
    let assume = |key: &'static str, role: &'static str, external: Option<&'static str>| {
        let sandbox = &sandbox;
        async move {
            sts(sandbox, key, "us-east-1")
                .await
                .assume_role()
                .role_arn(format!("arn:aws:iam::{MEMBER}:role/{role}"))
                .role_session_name("check")
                .set_external_id(external.map(str::to_owned))
                .send()
                .await
        }
    };
    assert!(assume(ADMIN_KEY, "Audit", Some("x-123")).await.is_ok());
    for (key, role, external) in [
        (ADMIN_KEY, "Audit", None),
        (ADMIN_KEY, "Audit", Some("wrong")),
        (AUDIT, "Audit", Some("x-123")),
        (ADMIN_KEY, "Undeclared", Some("x-123")),
    ] {
        let error = assume(key, role, external).await.unwrap_err();
        assert_eq!(code(&error), "AccessDenied", "{key} {role} {external:?}");
    }
    let error = sts(&sandbox, ADMIN_KEY, "us-east-1")
        .await
        .assume_role()
        .role_arn("arn:aws:iam::not-an-account:role/Audit")
        .role_session_name("check")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "ValidationError");
}

#[tokio::test]
async fn every_routed_service_answers_in_its_own_shape() {
    let sandbox = demo().await;
    let organizations = raw(
        &sandbox,
        "POST",
        "/",
        &[
            (
                "Authorization",
                &authorization(ADMIN_KEY, "us-east-1", "organizations"),
            ),
            (
                "X-Amz-Target",
                "AWSOrganizationsV20161128.CreateOrganization",
            ),
            ("Content-Type", "application/x-amz-json-1.1"),
        ],
        b"{}",
    )
    .await;
    assert_eq!(organizations.status, 400);
    assert!(
        organizations
            .header("content-type")
            .is_some_and(|t| t.contains("x-amz-json-1.1"))
    );
    // Every Organizations operation of the model is served: this one as AWS answers an
    // account already in an organization.
    assert_eq!(
        organizations.json()["__type"],
        "AlreadyInOrganizationException"
    );

    let cloudtrail = raw(
        &sandbox,
        "POST",
        "/",
        &[
            (
                "Authorization",
                &authorization(ADMIN_KEY, "us-east-1", "cloudtrail"),
            ),
            (
                "X-Amz-Target",
                "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
            ),
        ],
        b"{}",
    )
    .await;
    // Served: the trail of the caller's account in the caller's region, as the demo seeds it.
    assert_eq!(cloudtrail.status, 200);
    assert_eq!(
        cloudtrail.json()["Events"][0]["EventName"],
        "StopMonitoringMembers"
    );

    let macie = raw(
        &sandbox,
        "GET",
        "/invitations",
        &[(
            "Authorization",
            &authorization(MEMBER_KEY, "us-east-1", "macie2"),
        )],
        b"",
    )
    .await;
    // Served in Macie's own camelCase: the demo member's invitation from the administrator.
    assert_eq!(macie.status, 200);
    assert_eq!(macie.json()["invitations"][0]["accountId"], "111122223333");
    assert_eq!(
        macie.json()["invitations"][0]["relationshipStatus"],
        "Invited"
    );

    for operation in [
        "organizations:CreateOrganization",
        "cloudtrail:LookupEvents",
        "macie2:ListInvitations",
    ] {
        assert_eq!(request_count(&sandbox, operation).await, 1, "{operation}");
    }
}

/// Temporary credentials stop working when they expire, on the sandbox's clock.
#[tokio::test]
async fn assumed_credentials_expire_on_the_sandbox_clock() {
    let sandbox = demo().await;
    control(&sandbox, "POST", "/_sandbox/clock", r#"{"frozen": true}"#).await;
    let assumed = sts(&sandbox, ADMIN_KEY, "us-east-1")
        .await
        .assume_role()
        .role_arn(format!("arn:aws:iam::{MEMBER}:role/Audit"))
        .role_session_name("guestlist")
        .duration_seconds(900)
        .send()
        .await
        .unwrap();
    let config = assumed_config(&sandbox, assumed.credentials().unwrap(), true).await;
    let hub = aws_sdk_securityhub::Client::new(&config);
    control(
        &sandbox,
        "POST",
        "/_sandbox/clock",
        r#"{"advance_seconds": 899}"#,
    )
    .await;
    assert!(hub.list_invitations().send().await.is_ok(), "a second left");
    control(
        &sandbox,
        "POST",
        "/_sandbox/clock",
        r#"{"advance_seconds": 2}"#,
    )
    .await;
    let error = hub.list_invitations().send().await.unwrap_err();
    assert_eq!(code(&error), "ExpiredTokenException");
    let error = aws_sdk_sts::Client::new(&config)
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "ExpiredToken");
}

/// No one assumes a role into a suspended account; AWS answers as for a role that does not
/// trust the caller. The account's own keys are refused too. It is back when the fault is lifted.
#[tokio::test]
async fn a_suspended_account_cannot_be_assumed_into() {
    let sandbox = demo().await;
    let admin = sts(&sandbox, ADMIN_KEY, "us-east-1").await;
    let assume = || {
        admin
            .assume_role()
            .role_arn(format!(
                "arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole"
            ))
            .role_session_name("guestlist")
            .send()
    };
    let body = format!(r#"{{"suspended": ["{MEMBER}"]}}"#);
    let set = control(&sandbox, "POST", "/_sandbox/faults", &body).await;
    assert_eq!(set.json()["edges"]["suspended"][0], MEMBER);
    let error = assume().await.unwrap_err();
    assert_eq!(code(&error), "AccessDenied");
    assert!(
        message(&error).contains("sts:AssumeRole"),
        "{}",
        message(&error)
    );
    // Its own keys are refused as a key that is not valid anywhere, STS included.
    let own = sts(&sandbox, MEMBER_KEY, "us-east-1").await;
    let error = own.get_caller_identity().send().await.unwrap_err();
    assert_eq!(code(&error), "InvalidClientTokenId");
    let hub = securityhub(&sandbox, MEMBER_KEY, "us-east-1").await;
    let error = hub.list_invitations().send().await.unwrap_err();
    assert_eq!(code(&error), "UnrecognizedClientException");

    control(&sandbox, "POST", "/_sandbox/faults", r#"{"suspended": []}"#).await;
    assert!(assume().await.is_ok());
    assert!(own.get_caller_identity().send().await.is_ok());
}

/// A clock the test moves, for the SDK: it decides when cached credentials are renewed.
#[derive(Debug, Clone)]
struct TestClock(std::sync::Arc<std::sync::Mutex<std::time::SystemTime>>);

impl aws_types::sdk_config::TimeSource for TestClock {
    fn now(&self) -> std::time::SystemTime {
        *self.0.lock().unwrap()
    }
}

/// An assumed role's credentials are cached and renewed before they expire: with the SDK's
/// clock and the sandbox's moved together past the first credentials' hour, the next request
/// assumes the role again instead of failing on expired credentials.
#[tokio::test]
async fn assumed_credentials_are_renewed_before_they_expire() {
    let sandbox = demo().await;
    control(&sandbox, "POST", "/_sandbox/clock", r#"{"frozen": true}"#).await;
    let clock = TestClock(std::sync::Arc::new(std::sync::Mutex::new(
        std::time::SystemTime::now(),
    )));
    let base = guestlist::aws::sandbox_config(&sandbox.endpoint_url(), ADMIN_KEY, "us-east-1")
        .await
        .to_builder()
        .time_source(clock.clone())
        .build();
    let arn = format!("arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole");
    let assumed = guestlist::aws::assume::assumed(&base, &base, &arn, "guestlist", None).await;
    let who = || async {
        aws_sdk_sts::Client::new(&assumed)
            .get_caller_identity()
            .send()
            .await
            .map(|me| me.account().unwrap_or_default().to_owned())
    };
    assert_eq!(who().await.unwrap(), MEMBER);
    assert_eq!(who().await.unwrap(), MEMBER);
    assert_eq!(request_count(&sandbox, "sts:AssumeRole").await, 1, "cached");
    // Both clocks move 59 minutes 55 seconds: within the SDK's margin before the hour ends.
    let step = std::time::Duration::from_secs(3595);
    *clock.0.lock().unwrap() += step;
    let advance = format!(r#"{{"advance_seconds": {}}}"#, step.as_secs());
    control(&sandbox, "POST", "/_sandbox/clock", &advance).await;
    assert_eq!(who().await.unwrap(), MEMBER, "renewed, not expired");
    assert_eq!(
        request_count(&sandbox, "sts:AssumeRole").await,
        2,
        "assumed again"
    );
}

/// An account a fan-out reached is the one it named: STS is not asked who it is. What is
/// learnt is whether its role can be assumed, and a suspended account's refusal is named as
/// a role not assumed, with the role.
#[tokio::test]
async fn a_reached_account_is_known_by_name_and_its_role_checked() {
    let sandbox = demo().await;
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"suspended": ["299900000009"]}"#,
    )
    .await;
    let base =
        guestlist::aws::sandbox_config(&sandbox.endpoint_url(), ADMIN_KEY, "us-east-1").await;
    let reach = |account: &'static str| {
        let base = base.clone();
        async move {
            let arn = format!("arn:aws:iam::{account}:role/OrganizationAccountAccessRole");
            let config =
                guestlist::aws::assume::assumed(&base, &base, &arn, "guestlist", None).await;
            let signer = guestlist::aws::clients::Cached::of(&config).unwrap();
            guestlist::aws::reached_account(account, &signer).await
        }
    };
    assert_eq!(reach(MEMBER).await.unwrap(), MEMBER);
    let refused = reach("299900000009").await.unwrap_err();
    assert_eq!(refused.kind, ErrorKind::RoleNotAssumed, "{refused:?}");
    assert!(
        refused
            .message
            .contains("arn:aws:iam::299900000009:role/OrganizationAccountAccessRole"),
        "{refused:?}"
    );
    assert_eq!(request_count(&sandbox, "sts:AssumeRole").await, 2);
    assert_eq!(request_count(&sandbox, "sts:GetCallerIdentity").await, 0);
}
