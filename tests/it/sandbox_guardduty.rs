//! GuardDuty's membership API in the sandbox, through the real `aws-sdk-guardduty`.

use std::collections::HashSet;

use crate::common::*;
use aws_sdk_guardduty::types::AccountDetail;

const REGION: &str = "eu-central-1";
const ADMIN_A: &str = "100000000001";
const INVITEE: &str = "200000000001";

fn detail(account: &str) -> AccountDetail {
    AccountDetail::builder()
        .account_id(account)
        .email(format!("{account}@example.com"))
        .build()
}

#[tokio::test]
async fn the_whole_lifecycle_with_detectors() {
    let sandbox = empty().await;
    let admin = guardduty(&sandbox, ADMIN_A, REGION).await;
    let invitee = guardduty(&sandbox, INVITEE, REGION).await;

    let detector = admin.create_detector().enable(true).send().await.unwrap();
    let detector_id = detector.detector_id().unwrap().to_owned();
    let error = admin
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(&error),
        "BadRequestException",
        "one detector per region"
    );
    let listed = admin.list_detectors().send().await.unwrap();
    assert_eq!(listed.detector_ids(), std::slice::from_ref(&detector_id));

    // Someone else's detector id is refused.
    let error = invitee
        .list_members()
        .detector_id(&detector_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "BadRequestException");
    assert!(message(&error).contains("not owned"), "{}", message(&error));

    let created = admin
        .create_members()
        .detector_id(&detector_id)
        .account_details(detail(INVITEE))
        .send()
        .await
        .unwrap();
    assert!(created.unprocessed_accounts().is_empty());
    let invited = admin
        .invite_members()
        .detector_id(&detector_id)
        .account_ids(INVITEE)
        .account_ids("299999999999")
        .message("Welcome to the security organisation")
        .send()
        .await
        .unwrap();
    assert_eq!(invited.unprocessed_accounts().len(), 1);
    assert_eq!(
        invited.unprocessed_accounts()[0].account_id(),
        Some("299999999999")
    );

    let invitations = invitee.list_invitations().send().await.unwrap();
    let [invitation] = invitations.invitations() else {
        panic!("one invitation: {invitations:?}");
    };
    assert_eq!(invitation.account_id(), Some(ADMIN_A));
    assert_eq!(invitation.relationship_status(), Some("Invited"));
    assert!(invitation.invited_at().is_some());
    let invitation_id = invitation.invitation_id().unwrap().to_owned();
    assert_eq!(
        invitee
            .get_invitations_count()
            .send()
            .await
            .unwrap()
            .invitations_count(),
        Some(1)
    );

    // Without a detector of its own the invitee cannot accept.
    let error = invitee
        .accept_administrator_invitation()
        .detector_id("00000000000000000000000000000000")
        .administrator_id(ADMIN_A)
        .invitation_id(&invitation_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "BadRequestException");
    let own = invitee.create_detector().enable(true).send().await.unwrap();
    let own_detector = own.detector_id().unwrap().to_owned();
    let error = invitee
        .accept_administrator_invitation()
        .detector_id(&own_detector)
        .administrator_id(ADMIN_A)
        .invitation_id("ffffffffffffffffffffffffffffffff")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "BadRequestException");
    invitee
        .accept_administrator_invitation()
        .detector_id(&own_detector)
        .administrator_id(ADMIN_A)
        .invitation_id(&invitation_id)
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
    let administrator = invitee
        .get_administrator_account()
        .detector_id(&own_detector)
        .send()
        .await
        .unwrap();
    assert_eq!(
        administrator.administrator().and_then(|a| a.account_id()),
        Some(ADMIN_A)
    );
    let members = admin
        .list_members()
        .detector_id(&detector_id)
        .send()
        .await
        .unwrap();
    assert_eq!(members.members().len(), 1);
    assert_eq!(members.members()[0].relationship_status(), Some("Enabled"));
    assert_eq!(
        members.members()[0].email(),
        Some("200000000001@example.com")
    );

    invitee
        .disassociate_from_administrator_account()
        .detector_id(&own_detector)
        .send()
        .await
        .unwrap();
    let error = invitee
        .disassociate_from_administrator_account()
        .detector_id(&own_detector)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "BadRequestException");
    let associated = admin
        .list_members()
        .detector_id(&detector_id)
        .send()
        .await
        .unwrap();
    assert!(associated.members().is_empty());
    let all = admin
        .list_members()
        .detector_id(&detector_id)
        .only_associated("false")
        .send()
        .await
        .unwrap();
    assert_eq!(all.members()[0].relationship_status(), Some("Resigned"));

    let disassociated = admin
        .disassociate_members()
        .detector_id(&detector_id)
        .account_ids(INVITEE)
        .send()
        .await
        .unwrap();
    assert!(disassociated.unprocessed_accounts().is_empty());
    let deleted = admin
        .delete_members()
        .detector_id(&detector_id)
        .account_ids(INVITEE)
        .send()
        .await
        .unwrap();
    assert!(deleted.unprocessed_accounts().is_empty());
    let got = admin
        .get_members()
        .detector_id(&detector_id)
        .account_ids(INVITEE)
        .send()
        .await
        .unwrap();
    assert!(got.members().is_empty());
    assert_eq!(got.unprocessed_accounts().len(), 1);
}

#[tokio::test]
async fn decline_and_delete_as_the_invitee() {
    let sandbox = demo().await;
    let member = guardduty(&sandbox, MEMBER_KEY, "us-east-1").await;
    let before = member.list_invitations().send().await.unwrap();
    assert_eq!(before.invitations().len(), 1);
    let declined = member
        .decline_invitations()
        .account_ids(ADMIN)
        .account_ids(AUDIT)
        .send()
        .await
        .unwrap();
    let unprocessed: Vec<_> = declined
        .unprocessed_accounts()
        .iter()
        .map(|u| u.account_id())
        .collect();
    assert_eq!(
        unprocessed,
        [Some(AUDIT)],
        "no invitation from {AUDIT} in us-east-1"
    );
    assert!(
        member
            .list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .is_empty()
    );

    let sydney = guardduty(&sandbox, MEMBER_KEY, "ap-southeast-2").await;
    let deleted = sydney
        .delete_invitations()
        .account_ids(AUDIT)
        .send()
        .await
        .unwrap();
    assert!(deleted.unprocessed_accounts().is_empty());
    assert!(
        sydney
            .list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .is_empty()
    );
}

#[tokio::test]
async fn the_demo_shows_an_email_verification_failure_that_cannot_be_accepted() {
    let sandbox = demo().await;
    let member = guardduty(&sandbox, MEMBER_KEY, "eu-west-1").await;
    let invitations = member.list_invitations().send().await.unwrap();
    let failed = invitations
        .invitations()
        .iter()
        .find(|i| i.relationship_status() == Some("EmailVerificationFailed"))
        .expect("an EmailVerificationFailed invitation");
    let detector = member.create_detector().enable(true).send().await.unwrap();
    let error = member
        .accept_administrator_invitation()
        .detector_id(detector.detector_id().unwrap())
        .administrator_id(failed.account_id().unwrap())
        .invitation_id(failed.invitation_id().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "BadRequestException");
    assert!(
        message(&error).contains("EmailVerificationFailed"),
        "{}",
        message(&error)
    );
}

#[tokio::test]
async fn pagination_and_validation() {
    let sandbox = demo().await;
    let admin = guardduty(&sandbox, ADMIN_KEY, "us-east-1").await;
    let detector_id = admin.list_detectors().send().await.unwrap().detector_ids()[0].clone();
    let mut seen = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let page = admin
            .list_members()
            .detector_id(&detector_id)
            .only_associated("false")
            .max_results(20)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        pages += 1;
        seen.extend(
            page.members()
                .iter()
                .map(|m| m.account_id().unwrap().to_owned()),
        );
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert!(pages >= 3);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len());
    assert!(seen.len() >= 60);

    for size in [0, 51] {
        let error = admin
            .list_invitations()
            .max_results(size)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&error), "BadRequestException", "maxResults {size}");
    }
    let error = admin
        .list_invitations()
        .next_token("bogus")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "BadRequestException");
    let error = admin
        .create_members()
        .detector_id(&detector_id)
        .account_details(
            AccountDetail::builder()
                .account_id("210000000999")
                .email("nobody@")
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "BadRequestException");
    let error = admin
        .invite_members()
        .detector_id(&detector_id)
        .account_ids("21000000099x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "BadRequestException");

    let auth = authorization(ADMIN_KEY, "us-east-1", "guardduty");
    let headers = [("Authorization", auth.as_str())];
    let path = format!("/detector/{detector_id}/member/invite");
    let response = raw(&sandbox, "POST", &path, &headers, b"[1,2").await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.header("x-amzn-ErrorType"),
        Some("BadRequestException")
    );
    assert!(
        response.json()["message"].is_string(),
        "GuardDuty's lower-case message"
    );
    let response = raw(
        &sandbox,
        "POST",
        &path,
        &headers,
        b"{\"AccountIds\":[\"210000000001\"]}",
    )
    .await;
    assert_eq!(
        response.status, 400,
        "wire names are camelCase: {}",
        response.body
    );
}

#[tokio::test]
async fn an_administrator_stops_and_restarts_monitoring_and_members_name_their_own_detector() {
    let sandbox = empty().await;
    let admin = guardduty(&sandbox, ADMIN_A, REGION).await;
    let invitee = guardduty(&sandbox, INVITEE, REGION).await;
    let ours = admin.create_detector().enable(true).send().await.unwrap();
    let ours = ours.detector_id().unwrap().to_owned();
    let theirs = invitee.create_detector().enable(true).send().await.unwrap();
    let theirs = theirs.detector_id().unwrap().to_owned();
    admin
        .create_members()
        .detector_id(&ours)
        .account_details(detail(INVITEE))
        .send()
        .await
        .unwrap();
    admin
        .invite_members()
        .detector_id(&ours)
        .account_ids(INVITEE)
        .send()
        .await
        .unwrap();
    let invitation = invitee.list_invitations().send().await.unwrap();
    let invitation_id = invitation.invitations()[0]
        .invitation_id()
        .unwrap()
        .to_owned();
    invitee
        .accept_administrator_invitation()
        .detector_id(&theirs)
        .administrator_id(ADMIN_A)
        .invitation_id(invitation_id)
        .send()
        .await
        .unwrap();

    let status = || async {
        let members = admin
            .get_members()
            .detector_id(&ours)
            .account_ids(INVITEE)
            .send()
            .await
            .unwrap();
        let member = &members.members()[0];
        (
            member.relationship_status().unwrap_or_default().to_owned(),
            member.detector_id().unwrap_or_default().to_owned(),
        )
    };
    assert_eq!(
        status().await,
        ("Enabled".to_owned(), theirs.clone()),
        "its own detector"
    );
    let stopped = admin
        .stop_monitoring_members()
        .detector_id(&ours)
        .account_ids(INVITEE)
        .account_ids("300000000003")
        .send()
        .await
        .unwrap();
    assert_eq!(stopped.unprocessed_accounts().len(), 1, "not a member");
    assert_eq!(status().await.0, "Disabled");
    admin
        .start_monitoring_members()
        .detector_id(&ours)
        .account_ids(INVITEE)
        .send()
        .await
        .unwrap();
    assert_eq!(status().await.0, "Enabled");

    let detector = admin
        .get_detector()
        .detector_id(&ours)
        .send()
        .await
        .unwrap();
    assert_eq!(detector.status().map(|s| s.as_str()), Some("ENABLED"));
}
