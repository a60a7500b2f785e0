//! Resilience under the faults AWS really produces: throttling, internal errors, a failing
//! service, requests that outlast their timeout.

use std::time::Duration;

use crate::common::*;
use guestlist::app::{AppState, Msg, Phase, Settings, update};
use guestlist::aws::AdapterOptions;
use guestlist::fetch;
use guestlist::model::{ErrorKind, ServiceKind};
use guestlist::plan::{self, Identity, RegionChoice};
use guestlist::sandbox::{SandboxHandle, Scenario};
use tokio::sync::mpsc;

const INVITEE: &str = "200000000001";
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
const PER_SOURCE: usize = 60;

/// The invitee has 60 invitations in each service and region: two pages in Security Hub and GuardDuty.
fn crowded() -> Scenario {
    Scenario::crowd(INVITEE, &REGIONS, PER_SOURCE)
}

const EVERYTHING: usize = PER_SOURCE * 3 * REGIONS.len();

async fn list(
    sandbox: &SandboxHandle,
    extra: &[&str],
    env: &[(&str, &str)],
) -> std::process::Output {
    let url = sandbox.endpoint_url();
    let regions = REGIONS.join(",");
    let mut args = vec![
        "list",
        "--endpoint-url",
        url.as_str(),
        "--region",
        regions.as_str(),
        "--output",
        "json",
    ];
    args.extend_from_slice(extra);
    let mut all_env = vec![
        ("AWS_ACCESS_KEY_ID", INVITEE),
        ("AWS_SECRET_ACCESS_KEY", "x"),
    ];
    all_env.extend_from_slice(env);
    guestlist(&args, &all_env).await
}

/// Drives the app with the real fetcher until no source is busy.
async fn dashboard(sandbox: &SandboxHandle) -> AppState {
    let config =
        guestlist::aws::sandbox_config(&sandbox.endpoint_url(), INVITEE, "us-east-1").await;
    dashboard_of(config, &REGIONS).await
}

async fn dashboard_of(config: aws_config::SdkConfig, regions: &[&str]) -> AppState {
    let identities = vec![Identity::new("member".into(), config)];
    let regions = RegionChoice::These(regions.iter().map(|r| r.to_string()).collect());
    let plan = plan::plan(identities, &[], &regions, false, &AdapterOptions::default()).unwrap();
    let mut state = AppState::new(
        plan.sources.iter().map(|s| s.id.clone()),
        ["member".to_owned()],
        plan.services.clone(),
        plan.regions.clone(),
        Settings::default(),
        chrono::Utc::now(),
    );
    let (tx, mut rx) = mpsc::channel(64);
    let _fetch = fetch::start(
        state.generation,
        &plan.sources,
        &plan.identities,
        tx,
        16,
        plan.limits,
    );
    let drive = async {
        while state.is_loading() {
            let event = rx.recv().await.expect("events until every source is done");
            update(&mut state, Msg::Fetch(event));
        }
    };
    tokio::time::timeout(Duration::from_secs(120), drive)
        .await
        .expect("nothing hangs");
    state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_completes_with_nothing_missing_under_throttling_and_errors() {
    let sandbox = start(crowded()).await;
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"throttle_rate": 0.3, "error_rate": 0.1}"#,
    )
    .await;
    let output = list(&sandbox, &[], &[]).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows.len(), EVERYTHING);
    let unique: std::collections::HashSet<String> = rows
        .iter()
        .map(|r| format!("{}{}{}", r["service"], r["region"], r["administrator_id"]))
        .collect();
    assert_eq!(unique.len(), EVERYTHING, "each exactly once");
    // The faults were in force throughout (how many fired is chance; that nothing is missing is not).
    let faults = control(&sandbox, "GET", "/_sandbox/faults", "")
        .await
        .json();
    assert_eq!(faults["faults"]["securityhub"]["throttle_rate"], 0.3);
    assert_eq!(faults["faults"]["detective"]["error_rate"], 0.1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_completes_with_nothing_missing_under_throttling_and_errors() {
    let sandbox = start(crowded()).await;
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"throttle_rate": 0.3, "error_rate": 0.1}"#,
    )
    .await;
    let state = dashboard(&sandbox).await;
    assert_eq!(state.invitations.total(), EVERYTHING);
    assert!(
        state
            .sources
            .iter()
            .all(|s| matches!(s.phase, Phase::Done { .. }))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_failing_service_shows_its_error_and_hides_nothing_else() {
    let sandbox = start(crowded()).await;
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"service": "guardduty", "error_rate": 1.0}"#,
    )
    .await;
    let state = dashboard(&sandbox).await;
    assert_eq!(state.invitations.total(), PER_SOURCE * 2 * REGIONS.len());
    for source in &state.sources {
        match (&source.id.service, &source.phase) {
            (ServiceKind::GuardDuty, Phase::Failed { error, .. }) => {
                assert_eq!(error.code, "InternalServerErrorException");
            }
            (ServiceKind::GuardDuty, phase) => panic!("{phase:?}"),
            (_, phase) => assert!(matches!(phase, Phase::Done { .. }), "{phase:?}"),
        }
    }
    let output = list(&sandbox, &[], &[("AWS_MAX_ATTEMPTS", "2")]).await;
    assert_eq!(output.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_beyond_the_request_timeout_is_a_timeout_retried_and_nothing_hangs() {
    let sandbox = start(crowded()).await;
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"latency_ms": 1500}"#,
    )
    .await;
    let started = std::time::Instant::now();
    let output = list(
        &sandbox,
        &["--service", "detective", "--request-timeout", "0.2"],
        &[("AWS_MAX_ATTEMPTS", "3")],
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "gave up in time"
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The sources are named on stderr, as data with --output json.
    assert!(
        stderr.lines().any(
            |l| l.contains(r#""service":"detective","region":"us-east-1""#)
                && l.contains(r#""code":"Timeout""#)
        ),
        "{stderr}"
    );
    // Let the sandbox's delayed answers drain, then count the attempts it saw.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_eq!(
        request_count(&sandbox, "detective:ListInvitations").await,
        3 * REGIONS.len() as u64,
        "every attempt was made: retried after each timeout"
    );
}

/// Security Hub's documented rate limit, on a clock the test moves: 30 at once, then 10 a second,
/// per account and region, answered with the modelled `LimitExceededException`.
#[tokio::test]
async fn security_hub_rate_limit_refills_with_the_sandbox_clock() {
    let sandbox = empty().await;
    let once = |key: &'static str, region: &'static str| {
        let sandbox = &sandbox;
        async move {
            let config = config(sandbox, key, region)
                .await
                .to_builder()
                .retry_config(aws_config::retry::RetryConfig::disabled())
                .build();
            aws_sdk_securityhub::Client::new(&config)
        }
    };
    let hub = once(INVITEE, "us-east-1").await;
    let calls = |n: usize| {
        let hub = hub.clone();
        async move {
            let mut codes = Vec::new();
            for _ in 0..n {
                codes.push(match hub.list_invitations().send().await {
                    Ok(_) => "ok".to_owned(),
                    Err(e) => code(&e),
                });
            }
            codes
        }
    };
    let frozen = control(&sandbox, "POST", "/_sandbox/clock", r#"{"frozen": true}"#).await;
    assert_eq!(frozen.json()["frozen"], true);
    let set = control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"rate_limit": true}"#,
    )
    .await;
    assert_eq!(set.json()["edges"]["rate_limit"], true);

    assert!(calls(30).await.iter().all(|c| c == "ok"), "a burst of 30");
    assert_eq!(calls(1).await, ["LimitExceededException"]);
    // Another account, or another region, has its own bucket.
    let other_region = once(INVITEE, "eu-west-1").await;
    assert!(other_region.list_invitations().send().await.is_ok());
    let other_account = once("200000000002", "us-east-1").await;
    assert!(other_account.list_invitations().send().await.is_ok());

    // A fifth of a second later, two more (10 a second), and no third.
    let clock = control(
        &sandbox,
        "POST",
        "/_sandbox/clock",
        r#"{"advance_seconds": 0.2}"#,
    )
    .await;
    assert_eq!(clock.json()["advanced_seconds"], 0.2);
    let codes = calls(3).await;
    assert_eq!(codes.iter().filter(|c| *c == "ok").count(), 2, "{codes:?}");
    // Ten seconds refill the whole burst, never more than it.
    control(
        &sandbox,
        "POST",
        "/_sandbox/clock",
        r#"{"advance_seconds": 10}"#,
    )
    .await;
    let codes = calls(31).await;
    assert_eq!(codes.iter().filter(|c| *c == "ok").count(), 30, "{codes:?}");

    // Off again: no limit.
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"rate_limit": false}"#,
    )
    .await;
    assert!(calls(40).await.iter().all(|c| c == "ok"));
    let bad = control(
        &sandbox,
        "POST",
        "/_sandbox/clock",
        r#"{"advance_seconds": -1}"#,
    )
    .await;
    assert_eq!(bad.status, 400);
}

/// Security Hub's documented rate, kept by guestlist itself: with the SDK's retries off, 45
/// requests at once from one account and region all pass the sandbox's limit (which refuses
/// the 31st of a burst, as above), because the adapters wait their turn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adapters_keep_each_account_within_security_hubs_rate() {
    let sandbox = empty().await;
    let config = config(&sandbox, INVITEE, "us-east-1")
        .await
        .to_builder()
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .build();
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"rate_limit": true}"#,
    )
    .await;
    let options = guestlist::aws::AdapterOptions::default();
    let calls = (0..45).map(|_| {
        let adapter = guestlist::aws::adapter_for(
            guestlist::model::ServiceKind::SecurityHub,
            &config,
            INVITEE,
            &options,
        );
        async move { adapter.list_invitations(None).await.map(|_| ()) }
    });
    let results = futures_util::future::join_all(calls).await;
    let refused: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(refused.is_empty(), "{refused:?}");
}

/// A service whose paginator answers the token it was given: every service's real adapter
/// stops at the repeat, on the second page, and says so, instead of listing forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_pager_stops_at_a_repeated_token() {
    // 201 invitations per source: two pages even at Detective's 200.
    let mut scenario = Scenario::crowd(INVITEE, &["us-east-1"], 201);
    // Macie too: Security Hub's statuses, 25 a page.
    scenario.macie = scenario.securityhub.clone();
    let sandbox = start(scenario).await;
    let set = control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"repeat_tokens": true}"#,
    )
    .await;
    assert_eq!(set.json()["edges"]["repeat_tokens"], true);
    let identities = vec![Identity::new(
        "member".into(),
        guestlist::aws::sandbox_config(&sandbox.endpoint_url(), INVITEE, "us-east-1").await,
    )];
    let regions = RegionChoice::These(vec!["us-east-1".into()]);
    let plan = plan::plan(identities, &[], &regions, false, &AdapterOptions::default()).unwrap();
    let listing = tokio::time::timeout(
        Duration::from_secs(60),
        guestlist::commands::list::collect(&plan, 8),
    )
    .await
    .expect("stops instead of following the token forever");
    let mut failed: Vec<_> = listing
        .failures
        .iter()
        .map(|(source, error)| (source.service, error.kind))
        .collect();
    failed.sort_by_key(|(service, _)| service.id());
    assert_eq!(
        failed,
        [
            (ServiceKind::Detective, ErrorKind::RepeatedToken),
            (ServiceKind::GuardDuty, ErrorKind::RepeatedToken),
            (ServiceKind::Macie, ErrorKind::RepeatedToken),
            (ServiceKind::SecurityHub, ErrorKind::RepeatedToken),
        ]
    );
    let stats = control(&sandbox, "GET", "/_sandbox/stats", "").await.json();
    for operation in [
        "securityhub:ListInvitations",
        "guardduty:ListInvitations",
        "detective:ListInvitations",
        "macie2:ListInvitations",
    ] {
        assert_eq!(stats["requests"][operation], 2, "{operation}");
    }
    assert_eq!(listing.exit_code(), 1);
}

/// Each state a source can end in, produced by the sandbox as AWS would and read by the real
/// fetcher, as the dashboard names it: listed, region not enabled, token not valid in the
/// region, denied by an SCP, throttled after every retry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_names_every_state_the_sandbox_produces() {
    let sandbox = demo().await;
    let faults = r#"{"global_tokens": true,
        "deny": [{"region": "eu-west-1", "action": "guardduty:ListInvitations"}]}"#;
    control(&sandbox, "POST", "/_sandbox/faults", faults).await;
    let throttle = r#"{"service": "detective", "throttle_rate": 1.0}"#;
    control(&sandbox, "POST", "/_sandbox/faults", throttle).await;
    // Two attempts, so that throttling gives up quickly.
    let config = guestlist::aws::sandbox_config(&sandbox.endpoint_url(), MEMBER_KEY, "us-east-1")
        .await
        .to_builder()
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2))
        .build();
    let regions = ["us-east-1", "eu-west-1", "af-south-1", "eu-south-1"];
    let mut state = dashboard_of(config, &regions).await;
    guestlist::app::update(&mut state, Msg::Resize(200, 60));
    // The sources list, every source a line, failures first.
    let e = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('e'),
        crossterm::event::KeyModifiers::NONE,
    );
    guestlist::app::update(&mut state, Msg::Key(e));
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 60)).unwrap();
    terminal
        .draw(|frame| guestlist::ui::render(frame, &state))
        .unwrap();
    let screen = terminal.backend().to_string();
    let line = |source: &str| {
        screen
            .lines()
            .find(|l| l.contains(source))
            .unwrap_or_else(|| panic!("{source}:\n{screen}"))
            .to_owned()
    };
    for (source, said) in [
        ("GuardDuty    af-south-1", "region not enabled"),
        ("Security Hub eu-south-1", "token not valid in this region"),
        (
            "Security Hub eu-south-1",
            "AWS_STS_REGIONAL_ENDPOINTS=regional",
        ),
        (
            "GuardDuty    eu-west-1",
            "denied by a service control policy",
        ),
        ("Detective    us-east-1", "throttled, then failed"),
    ] {
        assert!(line(source).contains(said), "{source}: {said}\n{screen}");
    }
    assert!(!screen.contains("No invitations"), "{screen}");
}
