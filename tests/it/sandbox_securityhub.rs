//! Security Hub's membership API in the sandbox, through the real `aws-sdk-securityhub`.

use std::collections::HashSet;

use crate::common::*;
use aws_sdk_securityhub::types::AccountDetails;

const REGION: &str = "us-east-1";
const ADMIN_A: &str = "100000000001";
const ADMIN_B: &str = "100000000002";
const INVITEE: &str = "200000000001";

fn details(account: &str) -> AccountDetails {
    AccountDetails::builder()
        .account_id(account)
        .email(format!("{account}@example.com"))
        .build()
}

#[tokio::test]
async fn invite_list_accept_and_the_administrator_sees_the_member_enabled() {
    let sandbox = empty().await;
    let admin = securityhub(&sandbox, ADMIN_A, REGION).await;
    let invitee = securityhub(&sandbox, INVITEE, REGION).await;

    let error = admin
        .create_members()
        .account_details(details(INVITEE))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "InvalidAccessException", "no hub yet");

    admin.enable_security_hub().send().await.unwrap();
    let error = admin.enable_security_hub().send().await.unwrap_err();
    assert_eq!(code(&error), "ResourceConflictException");
    let hub = admin.describe_hub().send().await.unwrap();
    assert_eq!(
        hub.hub_arn(),
        Some("arn:aws:securityhub:us-east-1:100000000001:hub/default")
    );

    let created = admin
        .create_members()
        .account_details(details(INVITEE))
        .send()
        .await
        .unwrap();
    assert!(created.unprocessed_accounts().is_empty());
    assert!(
        invitee
            .list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .is_empty()
    );

    let invited = admin
        .invite_members()
        .account_ids(INVITEE)
        .account_ids("299999999999")
        .send()
        .await
        .unwrap();
    let unprocessed: Vec<_> = invited
        .unprocessed_accounts()
        .iter()
        .map(|r| r.account_id().unwrap())
        .collect();
    assert_eq!(
        unprocessed,
        ["299999999999"],
        "not created as a member first"
    );

    let listed = invitee.list_invitations().send().await.unwrap();
    let [invitation] = listed.invitations() else {
        panic!("one invitation, got {listed:?}");
    };
    assert_eq!(invitation.account_id(), Some(ADMIN_A));
    assert_eq!(invitation.member_status(), Some("Invited"));
    let invitation_id = invitation.invitation_id().unwrap().to_owned();
    assert_eq!(invitation_id.len(), 32);
    assert!(invitation.invited_at().is_some());
    let count = invitee.get_invitations_count().send().await.unwrap();
    assert_eq!(count.invitations_count(), Some(1));

    let error = invitee
        .accept_administrator_invitation()
        .administrator_id(ADMIN_A)
        .invitation_id(&invitation_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "InvalidAccessException", "invitee has no hub");
    invitee.enable_security_hub().send().await.unwrap();

    let error = invitee
        .accept_administrator_invitation()
        .administrator_id(ADMIN_A)
        .invitation_id("0123456789abcdef0123456789abcdef")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "ResourceNotFoundException");

    invitee
        .accept_administrator_invitation()
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
    assert_eq!(
        invitee
            .get_invitations_count()
            .send()
            .await
            .unwrap()
            .invitations_count(),
        Some(0)
    );
    let administrator = invitee.get_administrator_account().send().await.unwrap();
    assert_eq!(
        administrator.administrator().and_then(|a| a.account_id()),
        Some(ADMIN_A)
    );
    let members = admin.list_members().send().await.unwrap();
    let [member] = members.members() else {
        panic!("one associated member: {members:?}");
    };
    assert_eq!(member.account_id(), Some(INVITEE));
    assert_eq!(member.member_status(), Some("Enabled"));
    assert_eq!(member.administrator_id(), Some(ADMIN_A));

    // Only one administrator at a time.
    let other = securityhub(&sandbox, ADMIN_B, REGION).await;
    other.enable_security_hub().send().await.unwrap();
    other
        .create_members()
        .account_details(details(INVITEE))
        .send()
        .await
        .unwrap();
    let refused = other
        .invite_members()
        .account_ids(INVITEE)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.unprocessed_accounts().len(), 1);

    // The member leaves; the administrator then disassociates and deletes.
    invitee
        .disassociate_from_administrator_account()
        .send()
        .await
        .unwrap();
    assert!(
        invitee
            .get_administrator_account()
            .send()
            .await
            .unwrap()
            .administrator()
            .is_none()
    );
    let all = admin
        .list_members()
        .only_associated(false)
        .send()
        .await
        .unwrap();
    assert_eq!(all.members()[0].member_status(), Some("Resigned"));
    admin
        .disassociate_members()
        .account_ids(INVITEE)
        .send()
        .await
        .unwrap();
    let deleted = admin
        .delete_members()
        .account_ids(INVITEE)
        .account_ids("288888888888")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.unprocessed_accounts().len(), 1);
    let got = admin
        .get_members()
        .account_ids(INVITEE)
        .send()
        .await
        .unwrap();
    assert!(got.members().is_empty());
    assert_eq!(got.unprocessed_accounts().len(), 1);
}

async fn invited_by(sandbox: &guestlist::sandbox::SandboxHandle, admin: &str) {
    let client = securityhub(sandbox, admin, REGION).await;
    client.enable_security_hub().send().await.unwrap();
    client
        .create_members()
        .account_details(details(INVITEE))
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
}

#[tokio::test]
async fn decline_and_delete_remove_the_invitation_and_report_what_matched_nothing() {
    let sandbox = empty().await;
    invited_by(&sandbox, ADMIN_A).await;
    invited_by(&sandbox, ADMIN_B).await;
    let invitee = securityhub(&sandbox, INVITEE, REGION).await;
    assert_eq!(
        invitee
            .get_invitations_count()
            .send()
            .await
            .unwrap()
            .invitations_count(),
        Some(2)
    );

    // Declining needs no hub of one's own.
    let declined = invitee
        .decline_invitations()
        .account_ids(ADMIN_A)
        .account_ids("177777777777")
        .send()
        .await
        .unwrap();
    let unprocessed: Vec<_> = declined
        .unprocessed_accounts()
        .iter()
        .map(|r| r.account_id().unwrap())
        .collect();
    assert_eq!(unprocessed, ["177777777777"]);
    let remaining = invitee.list_invitations().send().await.unwrap();
    assert_eq!(remaining.invitations().len(), 1);
    assert_eq!(remaining.invitations()[0].account_id(), Some(ADMIN_B));

    // The invitee deletes what is left.
    let deleted = invitee
        .delete_invitations()
        .account_ids(ADMIN_B)
        .send()
        .await
        .unwrap();
    assert!(deleted.unprocessed_accounts().is_empty());
    assert!(
        invitee
            .list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .is_empty()
    );
    let again = invitee
        .delete_invitations()
        .account_ids(ADMIN_B)
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.unprocessed_accounts().len(),
        1,
        "nothing left to delete"
    );

    // The administrator deletes an invitation it sent (the seed's direction), and can re-invite.
    let admin = securityhub(&sandbox, ADMIN_A, REGION).await;
    admin
        .invite_members()
        .account_ids(INVITEE)
        .send()
        .await
        .unwrap();
    assert_eq!(
        invitee
            .list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .len(),
        1
    );
    let withdrawn = admin
        .delete_invitations()
        .account_ids(INVITEE)
        .send()
        .await
        .unwrap();
    assert!(withdrawn.unprocessed_accounts().is_empty());
    assert!(
        invitee
            .list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .is_empty()
    );
    let member = admin
        .get_members()
        .account_ids(INVITEE)
        .send()
        .await
        .unwrap();
    assert_eq!(member.members()[0].member_status(), Some("Created"));
}

#[tokio::test]
async fn list_members_walks_three_or_more_pages_each_member_once() {
    let sandbox = demo().await;
    let admin = securityhub(&sandbox, ADMIN_KEY, REGION).await;
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = admin
            .list_members()
            .only_associated(false)
            .max_results(17)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        pages += 1;
        assert!(page.members().len() <= 17);
        seen.extend(
            page.members()
                .iter()
                .map(|m| m.account_id().unwrap().to_owned()),
        );
        match page.next_token() {
            Some(next) => token = Some(next.to_owned()),
            None => break,
        }
    }
    assert!(pages >= 3, "{pages} pages");
    assert!(seen.len() >= 120, "{} members", seen.len());
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "each member exactly once");
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(sorted, seen, "a stable order");

    // The SDK's own paginator agrees, at the largest page size.
    let paginated: Vec<_> = admin
        .list_members()
        .only_associated(false)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    assert_eq!(paginated.len(), seen.len());
}

#[tokio::test]
async fn validation_errors_are_invalid_input() {
    let sandbox = demo().await;
    let member = securityhub(&sandbox, MEMBER_KEY, REGION).await;
    for size in [0, 51] {
        let error = member
            .list_invitations()
            .max_results(size)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&error), "InvalidInputException", "MaxResults {size}");
    }
    let error = member
        .list_invitations()
        .next_token("not-a-token")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "InvalidInputException");

    // A token issued to one caller is refused for another, and for another operation.
    let admin = securityhub(&sandbox, ADMIN_KEY, REGION).await;
    let page = admin.list_members().max_results(1).send().await.unwrap();
    let token = page.next_token().unwrap().to_owned();
    let error = member
        .list_members()
        .next_token(&token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "InvalidInputException");
    let error = admin
        .list_invitations()
        .next_token(&token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "InvalidInputException");
    assert!(admin.list_members().next_token(&token).send().await.is_ok());

    let error = admin
        .invite_members()
        .account_ids("12345")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "InvalidInputException");
    assert!(message(&error).contains("12345"), "{}", message(&error));
    let error = admin
        .create_members()
        .account_details(
            AccountDetails::builder()
                .account_id("210000000999")
                .email("not-an-email")
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "InvalidInputException");
    let error = admin
        .decline_invitations()
        .set_account_ids(Some(Vec::new()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "InvalidInputException", "empty batch");
    let fifty_one: Vec<String> = (0..51).map(|i| format!("3000000000{i:02}")).collect();
    let error = admin
        .delete_members()
        .set_account_ids(Some(fifty_one))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "InvalidInputException", "over 50");
    let error = member
        .accept_administrator_invitation()
        .administrator_id(" ")
        .invitation_id("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "InvalidInputException");

    let auth = authorization(MEMBER_KEY, REGION, "securityhub");
    let headers = [("Authorization", auth.as_str())];
    let response = raw(
        &sandbox,
        "POST",
        "/invitations/decline",
        &headers,
        b"{not json",
    )
    .await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.header("x-amzn-ErrorType"),
        Some("InvalidInputException")
    );
    assert!(
        response.json()["Message"]
            .as_str()
            .unwrap()
            .contains("JSON")
    );
    let response = raw(&sandbox, "POST", "/invitations/decline", &headers, b"{}").await;
    assert_eq!(response.status, 400);
    assert!(response.body.contains("AccountIds"), "{}", response.body);
    let response = raw(
        &sandbox,
        "GET",
        "/members?OnlyAssociated=maybe",
        &headers,
        b"",
    )
    .await;
    assert_eq!(
        response.header("x-amzn-ErrorType"),
        Some("InvalidInputException")
    );
}

#[tokio::test]
async fn the_demo_member_has_pending_invitations_in_several_regions() {
    let sandbox = demo().await;
    let mut regions_with_invitations = 0;
    for region in ["us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"] {
        let member = securityhub(&sandbox, MEMBER_KEY, region).await;
        let invitations = member.list_invitations().send().await.unwrap();
        if !invitations.invitations().is_empty() {
            regions_with_invitations += 1;
        }
    }
    assert!(regions_with_invitations >= 2);
    // Each region is separate state.
    let member = securityhub(&sandbox, MEMBER_KEY, "sa-east-1").await;
    assert!(
        member
            .list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .is_empty()
    );
}
