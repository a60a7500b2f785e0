//! Answering invitations through the adapters, with the real SDK clients, against the sandbox.

use std::sync::Arc;

use crate::common::*;
use guestlist::answering::{self, Batch};
use guestlist::audit::AuditLog;
use guestlist::aws::{AdapterOptions, ServiceAdapter, adapter_for};
use guestlist::model::{Actor, Response, Step, Target};
use guestlist::model::{Invitation, ServiceKind};
use guestlist::sandbox::{MemberSpec, RosterSpec, SandboxHandle, Scenario, TimeSpec};

async fn adapter(
    sandbox: &SandboxHandle,
    key: &str,
    service: ServiceKind,
    region: &str,
    options: &AdapterOptions,
) -> Arc<dyn ServiceAdapter> {
    adapter_for(
        service,
        &config(sandbox, key, region).await,
        "test",
        options,
    )
}

async fn invitations(adapter: &Arc<dyn ServiceAdapter>) -> Vec<Invitation> {
    adapter.list_invitations(None).await.unwrap().invitations
}

async fn answer(
    adapter: &Arc<dyn ServiceAdapter>,
    response: Response,
    steps: Vec<Step>,
    invitations: &[Invitation],
) -> Vec<Result<(), String>> {
    let batch = Batch {
        source: invitations[0].source(),
        adapter: adapter.clone(),
        steps,
        targets: invitations.iter().map(Target::of).collect(),
        actor: Actor {
            account: Some(MEMBER.into()),
        },
    };
    answering::execute(response, &batch)
        .await
        .into_iter()
        .map(|o| o.result.map_err(|e| e.to_string()))
        .collect()
}

fn audit_log() -> (tempdir::Dir, Arc<AuditLog>) {
    let dir = tempdir::Dir::new();
    let log = AuditLog::open(&dir.0.join("audit.jsonl")).unwrap();
    (dir, Arc::new(log))
}

mod tempdir {
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new() -> Self {
            let path = std::env::temp_dir().join(format!(
                "guestlist-test-{}-{}",
                std::process::id(),
                fastrand::u64(..)
            ));
            std::fs::create_dir_all(&path).unwrap();
            Dir(path)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[tokio::test]
async fn accepting_in_security_hub_offers_enabling_it_first_and_is_audited() {
    let sandbox = demo().await;
    let (dir, log) = audit_log();
    let options = AdapterOptions {
        read_only: false,
        audit: Some(log),
        ..AdapterOptions::default()
    };
    let sh = adapter(
        &sandbox,
        MEMBER_KEY,
        ServiceKind::SecurityHub,
        "eu-west-1",
        &options,
    )
    .await;
    let readiness = sh.readiness(Response::Accept).await.unwrap();
    assert_eq!(readiness.steps, [Step::EnableSecurityHub]);
    assert!(
        sh.readiness(Response::Decline)
            .await
            .unwrap()
            .steps
            .is_empty()
    );

    let pending = invitations(&sh).await;
    // Without the step, AWS refuses, and says why.
    let refused = answer(&sh, Response::Accept, Vec::new(), &pending).await;
    assert!(
        refused[0]
            .as_ref()
            .unwrap_err()
            .contains("InvalidAccessException"),
        "{refused:?}"
    );
    let done = answer(&sh, Response::Accept, readiness.steps, &pending).await;
    assert_eq!(done, [Ok(())]);
    assert!(
        invitations(&sh).await.is_empty(),
        "accepted: no longer pending"
    );
    let client = securityhub(&sandbox, MEMBER_KEY, "eu-west-1").await;
    let administrator = client.get_administrator_account().send().await.unwrap();
    assert_eq!(
        administrator.administrator().unwrap().account_id(),
        Some(ADMIN)
    );

    let log = std::fs::read_to_string(dir.0.join("audit.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Each change is its intent, then its outcome, under one id.
    for pair in lines.chunks(2) {
        assert_eq!(
            (&pair[0]["phase"], &pair[1]["phase"]),
            (&"intent".into(), &"outcome".into())
        );
        assert_eq!(pair[0]["id"], pair[1]["id"]);
    }
    let entries: Vec<&serde_json::Value> =
        lines.iter().filter(|e| e["phase"] == "outcome").collect();
    let operations: Vec<&str> = entries
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        operations,
        [
            "AcceptAdministratorInvitation",
            "EnableSecurityHub",
            "AcceptAdministratorInvitation"
        ]
    );
    assert!(
        entries[0]["outcome"]
            .as_str()
            .unwrap()
            .contains("InvalidAccessException")
    );
    assert_eq!(entries[2]["outcome"], "ok");
    assert_eq!(entries[2]["account"], MEMBER);
    assert_eq!(entries[2]["region"], "eu-west-1");
    assert_eq!(entries[2]["parameters"]["AdministratorId"], ADMIN);
    assert!(!log.contains("secret"), "no credential in the audit log");
}

fn member(account: &str, status: &str) -> MemberSpec {
    MemberSpec {
        account: account.into(),
        email: Some("m@example.com".into()),
        status: status.into(),
        invitation_id: None,
        invited_at: Some(TimeSpec::Ago(chrono::Duration::days(1))),
        updated_at: None,
        usage: Default::default(),
        organization: false,
    }
}

fn roster(admin: &str, members: Vec<MemberSpec>) -> RosterSpec {
    RosterSpec {
        region: "us-east-1".into(),
        account: admin.into(),
        since: TimeSpec::Ago(chrono::Duration::days(10)),
        resource_id: None,
        members,
    }
}

#[tokio::test]
async fn one_administrator_at_a_time_is_offered_as_leaving_the_current_one() {
    let invitee = "200000000001";
    let mut scenario = Scenario::empty();
    scenario.securityhub = vec![
        roster("100000000001", vec![member(invitee, "Enabled")]),
        roster("100000000002", vec![member(invitee, "Invited")]),
        roster(invitee, Vec::new()),
    ];
    scenario.guardduty = vec![
        roster("100000000001", vec![member(invitee, "Enabled")]),
        roster("100000000002", vec![member(invitee, "Invited")]),
        roster(invitee, Vec::new()),
    ];
    let sandbox = start(scenario).await;
    for service in [ServiceKind::SecurityHub, ServiceKind::GuardDuty] {
        let adapter = adapter(
            &sandbox,
            invitee,
            service,
            "us-east-1",
            &AdapterOptions::default(),
        )
        .await;
        let readiness = adapter.readiness(Response::Accept).await.unwrap();
        assert_eq!(
            readiness.steps,
            [Step::LeaveAdministrator {
                administrator: "100000000001".into()
            }],
            "{service}"
        );
        let pending = invitations(&adapter).await;
        assert_eq!(
            answer(&adapter, Response::Accept, readiness.steps, &pending).await,
            [Ok(())]
        );
        assert!(
            adapter
                .readiness(Response::Accept)
                .await
                .unwrap()
                .steps
                .iter()
                .all(|s| *s
                    == Step::LeaveAdministrator {
                        administrator: "100000000002".into()
                    })
        );
    }
}

#[tokio::test]
async fn guardduty_without_a_detector_offers_creating_one() {
    let sandbox = demo().await;
    let gd = adapter(
        &sandbox,
        MEMBER_KEY,
        ServiceKind::GuardDuty,
        "ap-southeast-2",
        &AdapterOptions::default(),
    )
    .await;
    let readiness = gd.readiness(Response::Accept).await.unwrap();
    assert_eq!(readiness.steps, [Step::CreateDetector]);
    let pending = invitations(&gd).await;
    let refused = answer(&gd, Response::Accept, Vec::new(), &pending).await;
    assert!(
        refused[0]
            .as_ref()
            .unwrap_err()
            .contains("create a detector"),
        "{refused:?}"
    );
    assert_eq!(
        answer(&gd, Response::Accept, readiness.steps, &pending).await,
        [Ok(())]
    );
    let client = guardduty(&sandbox, MEMBER_KEY, "ap-southeast-2").await;
    assert_eq!(
        client
            .list_detectors()
            .send()
            .await
            .unwrap()
            .detector_ids()
            .len(),
        1
    );
}

#[tokio::test]
async fn declines_go_in_batches_of_fifty_and_unprocessed_accounts_stay_on_their_row() {
    let invitee = "200000000001";
    let mut scenario = Scenario::empty();
    scenario.guardduty = (0..60)
        .map(|i| roster(&format!("1{i:011}"), vec![member(invitee, "Invited")]))
        .collect();
    let sandbox = start(scenario).await;
    let gd = adapter(
        &sandbox,
        invitee,
        ServiceKind::GuardDuty,
        "us-east-1",
        &AdapterOptions::default(),
    )
    .await;
    let mut pending = Vec::new();
    let mut token = None;
    loop {
        let page = gd.list_invitations(token).await.unwrap();
        pending.extend(page.invitations);
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pending.len(), 60);
    // One that AWS will not know: it must come back as that row's error.
    let mut stranger = pending[0].clone();
    stranger.administrator_id = "199999999999".into();
    pending.push(stranger);
    let results = answer(&gd, Response::Decline, Vec::new(), &pending).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 60);
    assert!(
        results[60]
            .as_ref()
            .unwrap_err()
            .contains("has not invited"),
        "{:?}",
        results[60]
    );
    assert_eq!(
        request_count(&sandbox, "guardduty:DeclineInvitations").await,
        2,
        "61 = 50 + 11"
    );
    assert!(invitations(&gd).await.is_empty());
}

#[tokio::test]
async fn detective_accepts_and_rejects_by_graph_and_has_no_delete() {
    let sandbox = demo().await;
    let det = adapter(
        &sandbox,
        MEMBER_KEY,
        ServiceKind::Detective,
        "us-east-1",
        &AdapterOptions::default(),
    )
    .await;
    let pending = invitations(&det).await;
    assert_eq!(pending[0].status_raw, "INVITED");
    let deleted = answer(&det, Response::Delete, Vec::new(), &pending).await;
    assert!(deleted[0].as_ref().unwrap_err().contains("no delete"));
    assert_eq!(
        answer(&det, Response::Accept, Vec::new(), &pending).await,
        [Ok(())]
    );
    assert_eq!(
        invitations(&det).await[0].status_raw,
        "ENABLED",
        "Detective lists accepted ones"
    );
    // Rejecting needs INVITED: AWS's conflict comes back on the row.
    let rejected = answer(&det, Response::Decline, Vec::new(), &pending).await;
    assert!(
        rejected[0]
            .as_ref()
            .unwrap_err()
            .contains("ConflictException"),
        "{rejected:?}"
    );

    let sydney = adapter(
        &sandbox,
        MEMBER_KEY,
        ServiceKind::Detective,
        "ap-southeast-2",
        &AdapterOptions::default(),
    )
    .await;
    // Still being verified: the administrator sees it, the member is not invited yet.
    assert!(invitations(&sydney).await.is_empty());
    let stats = control(&sandbox, "GET", "/_sandbox/stats", "").await.json();
    assert!(stats["requests"].get("detective:DeleteMembers").is_none());
}

#[tokio::test]
async fn an_unknown_invitation_is_an_error_on_its_row() {
    let sandbox = demo().await;
    let sh = adapter(
        &sandbox,
        MEMBER_KEY,
        ServiceKind::SecurityHub,
        "us-east-1",
        &AdapterOptions::default(),
    )
    .await;
    let mut pending = invitations(&sh).await;
    pending[0].invitation_id = Some("0000000000000000000000000000dead".into());
    let results = answer(&sh, Response::Accept, Vec::new(), &pending).await;
    assert!(
        results[0]
            .as_ref()
            .unwrap_err()
            .contains("ResourceNotFoundException")
    );
}

#[tokio::test]
async fn throttled_answers_are_retried() {
    let sandbox = demo().await;
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"throttle_rate": 0.5}"#,
    )
    .await;
    let det = adapter(
        &sandbox,
        MEMBER_KEY,
        ServiceKind::Detective,
        "us-east-1",
        &AdapterOptions::default(),
    )
    .await;
    let pending = invitations(&det).await;
    assert_eq!(
        answer(&det, Response::Decline, Vec::new(), &pending).await,
        [Ok(())]
    );
}

#[tokio::test]
async fn read_only_refuses_every_change_before_it_is_sent() {
    let sandbox = demo().await;
    let options = AdapterOptions {
        read_only: true,
        audit: None,
        ..AdapterOptions::default()
    };
    for (service, region) in [
        (ServiceKind::SecurityHub, "eu-west-1"),
        (ServiceKind::GuardDuty, "ap-southeast-2"),
        (ServiceKind::Detective, "us-east-1"),
    ] {
        let adapter = adapter(&sandbox, MEMBER_KEY, service, region, &options).await;
        let pending = invitations(&adapter).await;
        assert!(!pending.is_empty(), "reads still work");
        let readiness = adapter.readiness(Response::Accept).await.unwrap();
        for response in [Response::Accept, Response::Decline] {
            let results = answer(&adapter, response, readiness.steps.clone(), &pending).await;
            assert!(
                results
                    .iter()
                    .all(|r| r.as_ref().unwrap_err().contains("read-only")),
                "{service} {response}: {results:?}"
            );
        }
    }
    let stats = control(&sandbox, "GET", "/_sandbox/stats", "").await.json();
    for (operation, _) in stats["requests"].as_object().unwrap() {
        let name = operation.split(':').nth(1).unwrap();
        assert!(
            guestlist::aws::read_only::is_read(name),
            "{operation} left the process"
        );
    }
}

#[tokio::test]
async fn a_batch_is_audited_per_account_not_as_ok_when_some_were_not_processed() {
    let sandbox = demo().await;
    let (dir, log) = audit_log();
    let options = AdapterOptions {
        read_only: false,
        audit: Some(log),
        ..AdapterOptions::default()
    };
    let gd = adapter(
        &sandbox,
        MEMBER_KEY,
        ServiceKind::GuardDuty,
        "us-east-1",
        &options,
    )
    .await;
    let mut pending = invitations(&gd).await;
    let mut stranger = pending[0].clone();
    stranger.administrator_id = "199999999999".into();
    pending.push(stranger);
    let results = answer(&gd, Response::Decline, Vec::new(), &pending).await;
    assert!(results.last().unwrap().is_err());
    let log = std::fs::read_to_string(dir.0.join("audit.jsonl")).unwrap();
    let outcome: serde_json::Value = log
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|e| e["phase"] == "outcome" && e["operation"] == "DeclineInvitations")
        .unwrap();
    assert_eq!(outcome["outcome"], "partial", "{outcome}");
    assert_eq!(outcome["accounts"][&pending[0].administrator_id], "ok");
    assert!(
        outcome["accounts"]["199999999999"]
            .as_str()
            .unwrap()
            .contains("has not invited")
    );
}

#[tokio::test]
async fn a_policy_that_allows_only_the_older_accept_still_accepts_and_says_so() {
    let sandbox = demo().await;
    // An identity policy that denies the new name for the member (policies that still allow
    // only AcceptInvitation exist; AWS asks policies to allow both).
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        &format!(
            r#"{{"deny": [{{"account": "{MEMBER}", "action": "securityhub:AcceptAdministratorInvitation", "by": "iam"}},
                          {{"account": "{MEMBER}", "action": "guardduty:AcceptAdministratorInvitation", "by": "iam"}}]}}"#
        ),
    )
    .await;
    let (dir, log) = audit_log();
    let options = AdapterOptions {
        read_only: false,
        audit: Some(log),
        ..AdapterOptions::default()
    };
    for (service, region) in [
        (ServiceKind::SecurityHub, "us-east-1"),
        (ServiceKind::GuardDuty, "us-east-1"),
    ] {
        let adapter = adapter(&sandbox, MEMBER_KEY, service, region, &options).await;
        let pending = invitations(&adapter).await;
        let done = answer(&adapter, Response::Accept, Vec::new(), &pending[..1]).await;
        assert_eq!(done, [Ok(())], "{service}");
    }
    let log = std::fs::read_to_string(dir.0.join("audit.jsonl")).unwrap();
    let outcomes: Vec<(String, String)> = log
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["phase"] == "outcome")
        .map(|e| {
            let outcome = e["outcome"].as_str().unwrap();
            let kept = if outcome == "ok" { "ok" } else { "denied" };
            (e["operation"].as_str().unwrap().to_owned(), kept.to_owned())
        })
        .collect();
    let expected = [
        ("AcceptAdministratorInvitation", "denied"),
        ("AcceptInvitation", "ok"),
    ];
    for service in 0..2 {
        for (i, (operation, outcome)) in expected.iter().enumerate() {
            assert_eq!(
                outcomes[service * 2 + i],
                (operation.to_string(), outcome.to_string()),
                "{outcomes:?}"
            );
        }
    }
    // The older names describe the same state: the member now has its administrator.
    let client = securityhub(&sandbox, MEMBER_KEY, "us-east-1").await;
    #[allow(deprecated)]
    let master = client.get_master_account().send().await.unwrap();
    assert_eq!(master.master().and_then(|m| m.account_id()), Some(ADMIN));
    #[allow(deprecated)]
    client
        .disassociate_from_master_account()
        .send()
        .await
        .unwrap();
    let now = client.get_administrator_account().send().await.unwrap();
    assert!(now.administrator().is_none(), "left through the older name");
}
