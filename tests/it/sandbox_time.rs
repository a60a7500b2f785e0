//! State that changes over time, as on AWS, on the sandbox's own clock: frozen, then moved ahead
//! by the test, never slept through.

use crate::common::*;
use aws_sdk_detective::types::{Account, MemberStatus};
use aws_sdk_guardduty::types::AccountDetail;
use guestlist::sandbox::Scenario;

const REGION: &str = "eu-west-1";
const ADMIN: &str = "100000000001";
/// Described, root email `root@matches.example`.
const MATCHES: &str = "200000000001";
/// Described, but invited with another email.
const MISMATCH: &str = "200000000002";
/// Not described by the scenario: verifies.
const UNKNOWN: &str = "200000000003";

const SCENARIO: &str = r#"
name = "verification"
verification_seconds = 300

[[account]]
id = "200000000001"
email = "root@matches.example"

[[account]]
id = "200000000002"
email = "root@elsewhere.example"
"#;

fn email(account: &str) -> String {
    match account {
        MATCHES => "Root@Matches.example".into(),
        _ => format!("{account}@example.com"),
    }
}

async fn frozen_sandbox() -> guestlist::sandbox::SandboxHandle {
    let sandbox = start(Scenario::parse(SCENARIO, "test").unwrap()).await;
    control(&sandbox, "POST", "/_sandbox/clock", r#"{"frozen": true}"#).await;
    sandbox
}

async fn advance(sandbox: &guestlist::sandbox::SandboxHandle, seconds: u32) {
    let body = format!(r#"{{"advance_seconds": {seconds}}}"#);
    let clock = control(sandbox, "POST", "/_sandbox/clock", &body).await;
    assert_eq!(clock.status, 200, "{}", clock.body);
}

#[tokio::test]
async fn guardduty_verifies_emails_after_the_scenarios_delay() {
    let sandbox = frozen_sandbox().await;
    let admin = guardduty(&sandbox, ADMIN, REGION).await;
    let detector = admin.create_detector().enable(true).send().await.unwrap();
    let detector = detector.detector_id().unwrap().to_owned();
    let accounts = [MATCHES, MISMATCH, UNKNOWN];
    let mut create = admin.create_members().detector_id(&detector);
    for account in accounts {
        create = create.account_details(
            AccountDetail::builder()
                .account_id(account)
                .email(email(account))
                .build(),
        );
    }
    create.send().await.unwrap();
    let mut invite = admin.invite_members().detector_id(&detector);
    for account in accounts {
        invite = invite.account_ids(account);
    }
    assert!(
        invite
            .send()
            .await
            .unwrap()
            .unprocessed_accounts()
            .is_empty()
    );

    let statuses = || async {
        let members = admin
            .list_members()
            .detector_id(&detector)
            .only_associated("false")
            .send()
            .await
            .unwrap();
        members
            .members()
            .iter()
            .map(|m| m.relationship_status().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(statuses().await, ["EmailVerificationInProgress"; 3]);
    advance(&sandbox, 299).await;
    assert_eq!(statuses().await, ["EmailVerificationInProgress"; 3]);
    advance(&sandbox, 1).await;
    assert_eq!(
        statuses().await,
        ["Invited", "EmailVerificationFailed", "Invited"]
    );
    let invitee = guardduty(&sandbox, MATCHES, REGION).await;
    let invitations = invitee.list_invitations().send().await.unwrap();
    assert_eq!(invitations.invitations().len(), 1);
}

#[tokio::test]
async fn detective_verifies_then_invites_and_only_then_the_member_sees_it() {
    let sandbox = frozen_sandbox().await;
    // The control overrides the scenario's delay.
    let set = control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"verification_seconds": 60}"#,
    )
    .await;
    assert_eq!(set.json()["edges"]["verification_seconds"], 60);
    let admin = detective(&sandbox, ADMIN, REGION).await;
    let graph = admin.create_graph().send().await.unwrap();
    let graph = graph.graph_arn().unwrap().to_owned();
    let mut create = admin.create_members().graph_arn(&graph);
    for account in [MATCHES, MISMATCH, UNKNOWN] {
        create = create.accounts(
            Account::builder()
                .account_id(account)
                .email_address(email(account))
                .build()
                .unwrap(),
        );
    }
    let created = create.send().await.unwrap();
    assert!(
        created
            .members()
            .iter()
            .all(|m| m.status() == Some(&MemberStatus::VerificationInProgress))
    );
    let invitee = detective(&sandbox, MATCHES, REGION).await;
    assert!(
        invitee
            .list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .is_empty(),
        "not invited while verifying"
    );

    advance(&sandbox, 60).await;
    let members = admin.list_members().graph_arn(&graph).send().await.unwrap();
    let statuses: Vec<_> = members
        .member_details()
        .iter()
        .map(|m| (m.account_id().unwrap(), m.status().unwrap().as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            (MATCHES, "INVITED"),
            (MISMATCH, "VERIFICATION_FAILED"),
            (UNKNOWN, "INVITED")
        ]
    );
    let listed = invitee.list_invitations().send().await.unwrap();
    assert_eq!(
        listed.invitations()[0].status(),
        Some(&MemberStatus::Invited)
    );
}

#[tokio::test]
async fn without_a_delay_verification_ends_at_once() {
    let sandbox = start(Scenario::empty()).await;
    let admin = detective(&sandbox, ADMIN, REGION).await;
    let graph = admin.create_graph().send().await.unwrap();
    let created = admin
        .create_members()
        .graph_arn(graph.graph_arn().unwrap())
        .accounts(
            Account::builder()
                .account_id(UNKNOWN)
                .email_address(email(UNKNOWN))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.members()[0].status(), Some(&MemberStatus::Invited));
}

/// An invitation reaches its invitee's `ListInvitations` (and the count) only after the
/// propagation delay; the administrator sees its member at once.
#[tokio::test]
async fn invitations_reach_the_invitee_after_the_propagation_delay() {
    let sandbox = start(Scenario::empty()).await;
    control(&sandbox, "POST", "/_sandbox/clock", r#"{"frozen": true}"#).await;
    let set = control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"propagation_seconds": 30}"#,
    )
    .await;
    assert_eq!(set.json()["edges"]["propagation_seconds"], 30);

    let admin = securityhub(&sandbox, ADMIN, REGION).await;
    admin.enable_security_hub().send().await.unwrap();
    admin
        .create_members()
        .account_details(
            aws_sdk_securityhub::types::AccountDetails::builder()
                .account_id(UNKNOWN)
                .build(),
        )
        .send()
        .await
        .unwrap();
    admin
        .invite_members()
        .account_ids(UNKNOWN)
        .send()
        .await
        .unwrap();
    let graph = detective(&sandbox, ADMIN, REGION).await;
    let arn = graph.create_graph().send().await.unwrap();
    graph
        .create_members()
        .graph_arn(arn.graph_arn().unwrap())
        .accounts(
            Account::builder()
                .account_id(UNKNOWN)
                .email_address(email(UNKNOWN))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    let hub = securityhub(&sandbox, UNKNOWN, REGION).await;
    let det = detective(&sandbox, UNKNOWN, REGION).await;
    let seen = || async {
        let listed = hub.list_invitations().send().await.unwrap();
        let count = hub.get_invitations_count().send().await.unwrap();
        let detective = det.list_invitations().send().await.unwrap();
        (
            listed.invitations().len(),
            count.invitations_count().unwrap_or_default(),
            detective.invitations().len(),
        )
    };
    assert_eq!(seen().await, (0, 0, 0), "still on its way");
    let members = admin
        .list_members()
        .only_associated(false)
        .send()
        .await
        .unwrap();
    assert_eq!(members.members()[0].member_status(), Some("Invited"));
    advance(&sandbox, 29).await;
    assert_eq!(seen().await, (0, 0, 0));
    advance(&sandbox, 1).await;
    assert_eq!(seen().await, (1, 1, 1), "arrived");
}
