//! Detective's membership API in the sandbox, through the real `aws-sdk-detective`.

use crate::common::*;
use aws_sdk_detective::types::{
    Account, DatasourcePackage, DatasourcePackageIngestState, MemberDisabledReason, MemberStatus,
};

const REGION: &str = "eu-north-1";
const ADMIN_A: &str = "100000000001";
const INVITEE: &str = "200000000001";
const OTHER: &str = "200000000002";

fn account(id: &str) -> Account {
    Account::builder()
        .account_id(id)
        .email_address(format!("{id}@example.com"))
        .build()
        .unwrap()
}

#[tokio::test]
async fn invite_accept_disassociate_and_reject() {
    let sandbox = empty().await;
    let admin = detective(&sandbox, ADMIN_A, REGION).await;
    let invitee = detective(&sandbox, INVITEE, REGION).await;
    let other = detective(&sandbox, OTHER, REGION).await;

    let graph_arn = admin
        .create_graph()
        .send()
        .await
        .unwrap()
        .graph_arn()
        .unwrap()
        .to_owned();
    assert!(graph_arn.starts_with("arn:aws:detective:eu-north-1:100000000001:graph:"));
    let error = admin.create_graph().send().await.unwrap_err();
    assert_eq!(code(&error), "ConflictException");
    let graphs = admin.list_graphs().send().await.unwrap();
    assert_eq!(graphs.graph_list()[0].arn(), Some(graph_arn.as_str()));

    let created = admin
        .create_members()
        .graph_arn(&graph_arn)
        .accounts(account(INVITEE))
        .accounts(account(OTHER))
        .accounts(account(ADMIN_A))
        .message("Join our behavior graph")
        .send()
        .await
        .unwrap();
    assert_eq!(created.members().len(), 2);
    assert_eq!(
        created.unprocessed_accounts().len(),
        1,
        "not its own member"
    );
    assert_eq!(created.members()[0].status(), Some(&MemberStatus::Invited));

    // Only the administrator manages members.
    let error = invitee
        .list_members()
        .graph_arn(&graph_arn)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "AccessDeniedException");

    let invitations = invitee.list_invitations().send().await.unwrap();
    let [invitation] = invitations.invitations() else {
        panic!("one invitation: {invitations:?}");
    };
    assert_eq!(invitation.graph_arn(), Some(graph_arn.as_str()));
    assert_eq!(invitation.administrator_id(), Some(ADMIN_A));
    assert_eq!(invitation.status(), Some(&MemberStatus::Invited));
    assert!(invitation.invited_time().is_some());

    let error = invitee
        .disassociate_membership()
        .graph_arn(&graph_arn)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "ConflictException", "not ENABLED yet");
    invitee
        .accept_invitation()
        .graph_arn(&graph_arn)
        .send()
        .await
        .unwrap();
    let error = invitee
        .accept_invitation()
        .graph_arn(&graph_arn)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "ConflictException", "already accepted");

    // Accepted invitations stay listed, as members.
    let after = invitee.list_invitations().send().await.unwrap();
    assert_eq!(
        after.invitations()[0].status(),
        Some(&MemberStatus::Enabled)
    );
    let states = after.invitations()[0]
        .datasource_package_ingest_states()
        .unwrap();
    assert_eq!(
        states.get(&DatasourcePackage::DetectiveCore),
        Some(&DatasourcePackageIngestState::Started)
    );
    let members = admin
        .list_members()
        .graph_arn(&graph_arn)
        .send()
        .await
        .unwrap();
    let statuses: Vec<_> = members
        .member_details()
        .iter()
        .map(|m| (m.account_id().unwrap(), m.status().unwrap().as_str()))
        .collect();
    assert_eq!(statuses, [(INVITEE, "ENABLED"), (OTHER, "INVITED")]);

    invitee
        .disassociate_membership()
        .graph_arn(&graph_arn)
        .send()
        .await
        .unwrap();
    assert!(
        invitee
            .list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .is_empty()
    );

    other
        .reject_invitation()
        .graph_arn(&graph_arn)
        .send()
        .await
        .unwrap();
    assert!(
        other
            .list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .is_empty()
    );
    let error = other
        .reject_invitation()
        .graph_arn(&graph_arn)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "ResourceNotFoundException");
    assert!(
        admin
            .list_members()
            .graph_arn(&graph_arn)
            .send()
            .await
            .unwrap()
            .member_details()
            .is_empty()
    );

    // Delete a member that never answered.
    admin
        .create_members()
        .graph_arn(&graph_arn)
        .accounts(account(OTHER))
        .send()
        .await
        .unwrap();
    let deleted = admin
        .delete_members()
        .graph_arn(&graph_arn)
        .account_ids(OTHER)
        .account_ids("299999999999")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.account_ids(), [OTHER.to_owned()]);
    assert_eq!(deleted.unprocessed_accounts().len(), 1);
    let got = admin
        .get_members()
        .graph_arn(&graph_arn)
        .account_ids(OTHER)
        .send()
        .await
        .unwrap();
    assert!(got.member_details().is_empty());
    assert_eq!(got.unprocessed_accounts().len(), 1);
}

#[tokio::test]
async fn graph_arns_are_validated_and_looked_up() {
    let sandbox = demo().await;
    let member = detective(&sandbox, MEMBER_KEY, "us-east-1").await;
    let error = member
        .accept_invitation()
        .graph_arn("arn:aws:detective:bad")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "ValidationException");
    let unknown = "arn:aws:detective:us-east-1:111122223333:graph:ffffffffffffffffffffffffffffffff";
    let error = member
        .accept_invitation()
        .graph_arn(unknown)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "ResourceNotFoundException");

    let auth = authorization(MEMBER_KEY, "us-east-1", "detective");
    let headers = [("Authorization", auth.as_str())];
    let response = raw(
        &sandbox,
        "PUT",
        "/invitation",
        &headers,
        b"{\"GraphArn\":\"nope\"}",
    )
    .await;
    assert_eq!(response.status, 400);
    assert_eq!(response.json()["ErrorCode"], "INVALID_GRAPH_ARN");
    let response = raw(&sandbox, "PUT", "/invitation", &headers, b"{}").await;
    assert_eq!(
        response.header("x-amzn-ErrorType"),
        Some("ValidationException")
    );
    assert_eq!(response.json()["ErrorCode"], "INVALID_REQUEST_BODY");

    for size in [0, 201] {
        let error = member
            .list_invitations()
            .max_results(size)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&error), "ValidationException");
    }
    assert!(
        member
            .list_invitations()
            .max_results(200)
            .send()
            .await
            .is_ok()
    );
}

#[tokio::test]
#[allow(deprecated)] // The graph-wide usage fields are deprecated but still sent, and shown.
async fn the_demo_shows_usage_and_a_disabled_membership() {
    let sandbox = demo().await;
    let member = detective(&sandbox, MEMBER_KEY, "eu-west-1").await;
    let invitations = member.list_invitations().send().await.unwrap();
    let disabled = invitations
        .invitations()
        .iter()
        .find(|i| i.status() == Some(&MemberStatus::AcceptedButDisabled))
        .expect("an ACCEPTED_BUT_DISABLED membership");
    assert_eq!(
        disabled.disabled_reason(),
        Some(&MemberDisabledReason::VolumeTooHigh)
    );
    assert!(disabled.volume_usage_in_bytes().unwrap() > 0);
    assert!(disabled.percent_of_graph_utilization().unwrap() > 100.0);
    let usage = disabled.volume_usage_by_datasource_package().unwrap();
    assert!(
        usage[&DatasourcePackage::DetectiveCore]
            .volume_usage_in_bytes()
            .unwrap()
            > 0
    );

    let admin = detective(&sandbox, ADMIN_KEY, "us-east-1").await;
    let graph_arn = admin.list_graphs().send().await.unwrap().graph_list()[0]
        .arn()
        .unwrap()
        .to_owned();
    let mut pages = 0;
    let mut count = 0;
    let mut token = None;
    loop {
        let page = admin
            .list_members()
            .graph_arn(&graph_arn)
            .max_results(15)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        pages += 1;
        count += page.member_details().len();
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(count, 41);
}

#[tokio::test]
async fn start_monitoring_re_enables_a_disabled_member_when_it_can() {
    use guestlist::sandbox::{DetectiveUsage, MemberSpec, RosterSpec, Scenario, TimeSpec};
    let disabled = |account: &str, reason: &str| MemberSpec {
        account: account.into(),
        email: Some(format!("{account}@example.com")),
        status: "ACCEPTED_BUT_DISABLED".into(),
        invitation_id: None,
        invited_at: None,
        updated_at: None,
        usage: DetectiveUsage {
            disabled_reason: Some(reason.into()),
            ..DetectiveUsage::default()
        },
        organization: false,
    };
    let mut scenario = Scenario::empty();
    scenario.detective.push(RosterSpec {
        region: REGION.into(),
        account: ADMIN_A.into(),
        since: TimeSpec::Ago(chrono::Duration::days(1)),
        resource_id: None,
        members: vec![
            disabled(INVITEE, "VOLUME_UNKNOWN"),
            disabled(OTHER, "VOLUME_TOO_HIGH"),
        ],
    });
    let sandbox = start(scenario).await;
    let admin = detective(&sandbox, ADMIN_A, REGION).await;
    let graph = admin.list_graphs().send().await.unwrap().graph_list()[0]
        .arn()
        .unwrap()
        .to_owned();
    let start_monitoring = |account: &'static str| {
        admin
            .start_monitoring_member()
            .graph_arn(&graph)
            .account_id(account)
            .send()
    };
    start_monitoring(INVITEE).await.unwrap();
    let members = admin
        .get_members()
        .graph_arn(&graph)
        .account_ids(INVITEE)
        .send()
        .await
        .unwrap();
    assert_eq!(
        members.member_details()[0].status(),
        Some(&MemberStatus::Enabled)
    );
    // Over the volume limit it cannot be; already enabled, there is nothing to start.
    let error = start_monitoring(OTHER).await.unwrap_err();
    assert_eq!(code(&error), "ServiceQuotaExceededException");
    let error = start_monitoring(INVITEE).await.unwrap_err();
    assert_eq!(code(&error), "ConflictException");
}

/// `ListInvitations` shows open and accepted invitations; verification states are the
/// administrator's to see, in `ListMembers`.
#[tokio::test]
async fn verification_belongs_to_the_administrators_list() {
    let member = |account: &str, status: &str| guestlist::sandbox::MemberSpec {
        account: account.into(),
        email: Some(format!("{account}@example.com")),
        status: status.into(),
        invitation_id: None,
        invited_at: None,
        updated_at: None,
        usage: Default::default(),
        organization: false,
    };
    let roster = |admin: &str, status: &str| guestlist::sandbox::RosterSpec {
        region: REGION.into(),
        account: admin.into(),
        since: guestlist::sandbox::TimeSpec::Ago(chrono::Duration::days(30)),
        resource_id: None,
        members: vec![member(INVITEE, status)],
    };
    let mut scenario = guestlist::sandbox::Scenario::empty();
    let statuses = [
        "VERIFICATION_IN_PROGRESS",
        "VERIFICATION_FAILED",
        "INVITED",
        "ENABLED",
        "ACCEPTED_BUT_DISABLED",
    ];
    for (i, status) in statuses.iter().enumerate() {
        scenario
            .detective
            .push(roster(&format!("10000000000{i}"), status));
    }
    let sandbox = start(scenario).await;

    let invitee = detective(&sandbox, INVITEE, REGION).await;
    let listed = invitee.list_invitations().send().await.unwrap();
    let mut seen: Vec<&str> = listed
        .invitations()
        .iter()
        .filter_map(|i| i.status().map(MemberStatus::as_str))
        .collect();
    seen.sort_unstable();
    assert_eq!(seen, ["ACCEPTED_BUT_DISABLED", "ENABLED", "INVITED"]);

    for (i, status) in statuses.iter().take(2).enumerate() {
        let admin = detective(&sandbox, &format!("10000000000{i}"), REGION).await;
        let graph = admin.list_graphs().send().await.unwrap().graph_list()[0]
            .arn()
            .unwrap()
            .to_owned();
        let members = admin.list_members().graph_arn(graph).send().await.unwrap();
        assert_eq!(
            members.member_details()[0]
                .status()
                .map(MemberStatus::as_str),
            Some(*status)
        );
    }
}
