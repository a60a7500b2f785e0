//! `guestlist list` run as a process against the sandbox.

use std::process::Output;

use crate::common::*;
use guestlist::sandbox::SandboxHandle;

fn as_member(region: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", MEMBER_KEY.to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "anything".to_owned()),
        ("AWS_REGION", region.to_owned()),
        ("AWS_MAX_ATTEMPTS", "2".to_owned()),
    ]
}

async fn list(sandbox: &SandboxHandle, extra: &[&str]) -> Output {
    let url = sandbox.endpoint_url();
    let mut args = vec!["list", "--endpoint-url", &url];
    args.extend_from_slice(extra);
    let env = as_member("us-east-1");
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    guestlist(&args, &env).await
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_has_every_key_and_every_invitation() {
    let sandbox = demo().await;
    let output = list(
        &sandbox,
        &["--region", "us-east-1,eu-west-1", "--output", "json"],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows.len(), 8, "4 services × 2 regions, one invitation each");
    for row in &rows {
        let keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for key in [
            "service",
            "region",
            "profile",
            "account_id",
            "account_name",
            "administrator_id",
            "invitation_id",
            "graph_arn",
            "invited_at",
            "status",
            "state",
            "details",
        ] {
            assert!(keys.contains(&key), "{key} missing from {row}");
        }
        assert_eq!(row["account_id"], MEMBER, "from STS");
        assert_eq!(row["profile"], "default");
        assert!(chrono::DateTime::parse_from_rfc3339(row["invited_at"].as_str().unwrap()).is_ok());
    }
    let detective: Vec<_> = rows
        .iter()
        .filter(|r| r["service"] == "detective")
        .collect();
    assert!(
        detective
            .iter()
            .all(|r| r["graph_arn"].is_string() && r["invitation_id"].is_null())
    );
    let disabled = detective
        .iter()
        .find(|r| r["status"] == "ACCEPTED_BUT_DISABLED")
        .unwrap();
    assert_eq!(disabled["details"]["disabled_reason"], "VOLUME_TOO_HIGH");
    assert_eq!(disabled["state"], "disabled");
    assert!(
        disabled["details"]["volume_usage_by_package"]["DETECTIVE_CORE"]["volume_bytes"].is_i64()
    );
    let failed = rows
        .iter()
        .find(|r| r["status"] == "EmailVerificationFailed")
        .unwrap();
    assert_eq!(failed["service"], "guardduty");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_and_csv_outputs() {
    let sandbox = demo().await;
    let output = list(&sandbox, &["--region", "eu-west-1"]).await;
    assert_eq!(output.status.code(), Some(0));
    let table = String::from_utf8(output.stdout).unwrap();
    let mut lines = table.lines();
    assert!(lines.next().unwrap().starts_with("SERVICE"));
    assert_eq!(lines.count(), 4);
    assert!(table.contains("EmailVerificationFailed"));
    assert!(table.contains("Macie"), "{table}");

    let output = list(
        &sandbox,
        &[
            "--region",
            "eu-west-1",
            "--service",
            "securityhub",
            "--output",
            "csv",
        ],
    )
    .await;
    let csv = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "service,region,profile,account_id,account_name,administrator_id,invitation_id,graph_arn,invited_at,status,state,trust,details"
    );
    assert_eq!(lines.len(), 2);
    assert!(lines[1].starts_with("securityhub,eu-west-1,default,444455556666,,111122223333,"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_2_names_the_failed_sources_and_prints_the_rest() {
    let sandbox = demo().await;
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"service": "guardduty", "error_rate": 1.0}"#,
    )
    .await;
    let output = list(
        &sandbox,
        &["--region", "us-east-1,eu-west-1", "--output", "json"],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows.len(), 6);
    // With --output json the failed sources are named on stderr as data, one per line.
    let errors = stderr(&output);
    let notes: Vec<serde_json::Value> = errors
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for region in ["us-east-1", "eu-west-1"] {
        assert!(
            notes.iter().any(|n| n["service"] == "guardduty"
                && n["region"] == region
                && n["profile"] == "default"
                && n["code"] == "InternalServerErrorException"),
            "{errors}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_1_when_nothing_could_be_listed() {
    let sandbox = demo().await;
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"error_rate": 1.0}"#,
    )
    .await;
    let output = list(&sandbox, &["--region", "us-east-1", "--output", "json"]).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        serde_json::from_slice::<Vec<serde_json::Value>>(&output.stdout)
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_region_not_enabled_is_noted_not_failed() {
    let sandbox = demo().await;
    let output = list(
        &sandbox,
        &["--region", "us-east-1,af-south-1", "--service", "detective"],
    )
    .await;
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output)
            .contains("note: detective af-south-1 (profile default): region not enabled")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_arguments_are_refused_before_any_request() {
    let sandbox = demo().await;
    for (args, says) in [
        (
            vec!["--service", "inspector"],
            "use securityhub, guardduty, detective or macie",
        ),
        (
            vec!["--service", "securityhub,nope"],
            "use securityhub, guardduty, detective or macie",
        ),
        (vec!["--region", "us-east-1,Mars"], "is not a region name"),
        (
            vec!["--output", "yaml"],
            "possible values: table, json, csv",
        ),
        (vec!["--concurrency", "0"], "0"),
    ] {
        let output = list(&sandbox, &args).await;
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&output).contains(says),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty());
    }
    let output = guestlist(&["list", "--endpoint-url", "localhost:4580"], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("http://"));
    assert_eq!(
        total_requests(&sandbox).await,
        0,
        "not a single request was sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_region_anywhere_is_a_clear_error() {
    let sandbox = demo().await;
    let url = sandbox.endpoint_url();
    let output = guestlist(
        &["list", "--endpoint-url", &url],
        &[
            ("AWS_ACCESS_KEY_ID", MEMBER_KEY),
            ("AWS_SECRET_ACCESS_KEY", "x"),
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("pass --region"),
        "{}",
        stderr(&output)
    );
    assert_eq!(total_requests(&sandbox).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_needs_no_aws_account() {
    let output = guestlist(&["list", "--demo", "--output", "json"], &[]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(rows.len() >= 9, "{}", rows.len());
    let services: std::collections::BTreeSet<&str> = rows
        .iter()
        .map(|r| r["service"].as_str().unwrap())
        .collect();
    assert_eq!(services.len(), 4);

    // Several demo identities: the administrator has no invitations, the member has them.
    let output = guestlist(
        &[
            "list",
            "--demo",
            "--profile",
            "demo",
            "--profile",
            "security-tooling",
            "--region",
            "us-east-1",
            "--output",
            "json",
        ],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = guestlist(&["list", "--demo", "--profile", "nobody"], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("security-tooling"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_source_ends_in_a_state_that_tells_the_truth() {
    let sandbox = demo().await;
    let url = sandbox.endpoint_url();

    // A key no account has: rejected everywhere, said once for the identity, exit 1, and
    // never "No invitations".
    let stranger = [
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "anything"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_MAX_ATTEMPTS", "2"),
    ];
    let args = [
        "list",
        "--endpoint-url",
        &url,
        "--region",
        "us-east-1,eu-west-1",
    ];
    let output = guestlist(&args, &stranger).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let said = stderr(&output);
    assert_eq!(said.matches("credentials rejected").count(), 1, "{said}");
    assert!(said.contains("none of its 8 sources"), "{said}");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(!printed.contains("No invitations"), "{printed}");
    assert!(printed.contains("Nothing could be listed"), "{printed}");

    // A session token from the global STS endpoint, in an opt-in region the account enabled:
    // not valid there, valid elsewhere.
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"global_tokens": true}"#,
    )
    .await;
    let output = list(
        &sandbox,
        &[
            "--region",
            "us-east-1,eu-south-1",
            "--service",
            "securityhub",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(
        said.contains("securityhub eu-south-1 (profile default): token not valid in this region"),
        "{said}"
    );
    assert!(
        said.contains("AWS_STS_REGIONAL_ENDPOINTS=regional"),
        "{said}"
    );

    // A region the account has not enabled is that, and not a failure.
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"global_tokens": false}"#,
    )
    .await;
    let output = list(
        &sandbox,
        &["--region", "us-east-1,af-south-1", "--service", "guardduty"],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("guardduty af-south-1 (profile default): region not enabled"));

    // An explicit deny in a service control policy, in one region: denied, the action named.
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"deny": [{"region": "eu-west-1"}]}"#,
    )
    .await;
    let output = list(
        &sandbox,
        &["--region", "us-east-1,eu-west-1", "--service", "guardduty"],
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(
        said.contains("guardduty eu-west-1 (profile default): denied by a service control policy"),
        "{said}"
    );
    assert!(said.contains("guardduty:ListInvitations"), "{said}");
}

/// A closed account's own keys are refused everywhere, STS included, as an unknown key is (AWS
/// documents no code of its own for it): the run says credentials rejected, names closure as a
/// cause, and exits 1, never "No invitations".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_accounts_own_keys_are_rejected_not_empty() {
    let sandbox = demo().await;
    let body = format!(r#"{{"suspended": ["{MEMBER}"]}}"#);
    control(&sandbox, "POST", "/_sandbox/faults", &body).await;
    let member = [
        ("AWS_ACCESS_KEY_ID", MEMBER_KEY),
        ("AWS_SECRET_ACCESS_KEY", "anything"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_MAX_ATTEMPTS", "2"),
    ];
    let url = sandbox.endpoint_url();
    let args = ["list", "--endpoint-url", &url, "--region", "us-east-1"];
    let output = guestlist(&args, &member).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let said = stderr(&output);
    assert_eq!(said.matches("credentials rejected").count(), 1, "{said}");
    assert!(said.contains("a closed account"), "{said}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("No invitations"));

    // Reinstated, the same keys list again.
    control(&sandbox, "POST", "/_sandbox/faults", r#"{"suspended": []}"#).await;
    let output = guestlist(&args, &member).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_and_csv_give_the_notes_as_data_on_stderr() {
    let sandbox = demo().await;
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"deny": [{"region": "eu-west-1"}]}"#,
    )
    .await;
    let regions = [
        "--region",
        "us-east-1,eu-west-1,af-south-1",
        "--service",
        "guardduty",
    ];
    let mut args = regions.to_vec();
    args.extend(["--output", "json"]);
    let output = list(&sandbox, &args).await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    // Stdout is the array of invitations, as before.
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows.len(), 1);
    let notes: Vec<serde_json::Value> = stderr(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let by_region = |region: &str| {
        notes
            .iter()
            .find(|n| n["region"] == region)
            .unwrap_or_else(|| panic!("no note for {region}: {notes:?}"))
    };
    assert_eq!(by_region("af-south-1")["state"], "region not enabled");
    let denied = by_region("eu-west-1");
    assert_eq!(denied["state"], "denied by a service control policy");
    assert_eq!(denied["code"], "AccessDeniedException");
    assert!(
        denied["next_step"]
            .as_str()
            .unwrap()
            .contains("service control policy")
    );

    let mut args = regions.to_vec();
    args.extend(["--output", "csv"]);
    let output = list(&sandbox, &args).await;
    let said = stderr(&output);
    let mut lines = said.lines();
    assert_eq!(
        lines.next(),
        Some("service,region,profile,state,next_step,code,message")
    );
    assert_eq!(lines.count(), 2, "{said}");
}

/// The states a flaky path ends in are named too, each with what to do: throttled after every
/// retry, no answer in time, nothing to connect to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_timed_out_and_unreachable_sources_say_so() {
    let sandbox = demo().await;
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"service": "guardduty", "throttle_rate": 1.0}"#,
    )
    .await;
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"service": "detective", "latency_ms": 2000}"#,
    )
    .await;
    let output = list(
        &sandbox,
        &["--region", "us-east-1", "--request-timeout", "0.3"],
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(
        said.contains("guardduty us-east-1 (profile default): throttled, then failed"),
        "{said}"
    );
    assert!(said.contains("lower --concurrency"), "{said}");
    assert!(
        said.contains("detective us-east-1 (profile default): timed out"),
        "{said}"
    );
    assert!(said.contains("raise --request-timeout"), "{said}");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.contains("Security Hub"),
        "the rest is listed: {printed}"
    );

    // Nothing listening: a network error, not an empty list.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let env = as_member("us-east-1");
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let output = guestlist(
        &[
            "list",
            "--endpoint-url",
            &closed,
            "--service",
            "securityhub",
        ],
        &env,
    )
    .await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(said.contains("network error"), "{said}");
    assert!(
        said.contains("check the network or --endpoint-url"),
        "{said}"
    );
    assert!(!String::from_utf8_lossy(&output.stdout).contains("No invitations"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_command_takes_the_flags_that_mean_something_to_it() {
    // The sandbox's help offers only the sandbox's flags.
    let help = guestlist(&["sandbox", "--help"], &[]).await;
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    for foreign in ["--demo", "--refresh", "--bell", "--profile", "--region"] {
        assert!(
            !help.contains(foreign),
            "sandbox --help offers {foreign}:\n{help}"
        );
    }
    // Given anyway, before or after the name: refused in one line, nothing run.
    for args in [
        &["sandbox", "--demo"][..],
        &["--profile", "prod", "sandbox"][..],
        &["--refresh", "5m", "list", "--demo"][..],
        &["--bell", "members", "--demo"][..],
        &["--region", "us-east-1", "completions", "bash"][..],
    ] {
        let output = guestlist(args, &[]).await;
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("means nothing to")
                || stderr.contains("is for the dashboard")
                || stderr.contains("unexpected argument"),
            "{args:?}: {stderr}"
        );
    }
    // Where to look is the same before the name as after it.
    let before = guestlist(
        &[
            "--demo",
            "--region",
            "us-east-1",
            "list",
            "--output",
            "json",
        ],
        &[],
    )
    .await;
    let after = guestlist(
        &[
            "list",
            "--demo",
            "--region",
            "us-east-1",
            "--output",
            "json",
        ],
        &[],
    )
    .await;
    assert_eq!(
        before.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&before.stderr)
    );
    let ids = |output: &std::process::Output| {
        let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
        let mut ids: Vec<String> = rows
            .iter()
            .map(|r| r["administrator_id"].to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&before), ids(&after));
    assert!(!ids(&before).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_in_a_region_the_account_has_not_enabled_is_no_failure() {
    // The demo's member has not opted in to me-south-1: its services reject the token there,
    // and STS there says why. Nothing to administer, nothing failed.
    let output = guestlist(
        &["members", "--demo", "--region", "me-south-1,us-east-1"],
        &[],
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");
}
