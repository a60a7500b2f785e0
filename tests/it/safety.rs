//! What must never happen: a secret in a log, a sandbox reachable from the network by default.

use crate::common::*;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENvalue";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_logs_and_the_audit_log_hold_no_secret_access_key_or_session_token() {
    let sandbox = demo().await;
    let dir = std::env::temp_dir().join(format!("guestlist-safety-{}", std::process::id()));
    let state_dir = dir.to_string_lossy().into_owned();
    let url = sandbox.endpoint_url();
    let env = [
        ("AWS_ACCESS_KEY_ID", MEMBER_KEY),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SESSION_TOKEN", TOKEN),
        ("AWS_REGION", "us-east-1"),
        ("GUESTLIST_STATE_DIR", state_dir.as_str()),
    ];
    let output = guestlist(
        &["list", "--endpoint-url", &url, "--log-level", "trace"],
        &env,
    )
    .await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = guestlist(
        &[
            "decline",
            "--endpoint-url",
            &url,
            "--log-level",
            "trace",
            "--service",
            "securityhub",
            "--region",
            "us-east-1",
            "--administrator",
            ADMIN,
            "--yes",
        ],
        &env,
    )
    .await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let log = std::fs::read_to_string(dir.join("guestlist.log")).unwrap();
    assert!(log.contains("level=Trace"), "the level was taken");
    assert!(
        log.contains("DEBUG guestlist::fetch: listed"),
        "guestlist's own detail is there"
    );
    assert!(log.contains("answered"), "the action is in the log");
    let audit = std::fs::read_to_string(dir.join("audit.jsonl")).unwrap();
    for (name, text) in [("log", &log), ("audit log", &audit)] {
        assert!(
            !text.contains(SECRET),
            "the secret access key is in the {name}"
        );
        assert!(!text.contains(TOKEN), "the session token is in the {name}");
        assert!(
            !text.contains(&SECRET[..16]),
            "part of the secret is in the {name}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_sandbox_listens_on_loopback_unless_told_otherwise() {
    let sandbox = demo().await;
    assert!(sandbox.addr().ip().is_loopback());
    let config = guestlist::sandbox::SandboxConfig::local(guestlist::sandbox::Scenario::empty());
    assert!(config.bind.is_loopback());
    use clap::Parser;
    let cli = guestlist::cli::Cli::try_parse_from(["guestlist", "sandbox"]).unwrap();
    let Some(guestlist::cli::Command::Sandbox(args)) = cli.command else {
        panic!("the sandbox command");
    };
    assert!(args.bind.is_loopback(), "the default --bind is loopback");
}
