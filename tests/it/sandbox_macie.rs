//! Macie's membership API in the sandbox, through the real `aws-sdk-macie2`: Security Hub's
//! model with camelCase names, one member created at a time, Macie enabled first.

use crate::common::*;
use aws_sdk_macie2::types::{AccountDetail, RelationshipStatus};

const REGION: &str = "us-east-1";
const ADMIN_A: &str = "100000000001";
const ADMIN_B: &str = "100000000002";
const INVITEE: &str = "200000000001";

fn account(id: &str) -> AccountDetail {
    AccountDetail::builder()
        .account_id(id)
        .email(format!("{id}@example.com"))
        .build()
}

#[tokio::test]
async fn create_invite_accept_and_the_administrator_sees_the_member_enabled() {
    let sandbox = empty().await;
    let admin = macie(&sandbox, ADMIN_A, REGION).await;
    let invitee = macie(&sandbox, INVITEE, REGION).await;

    let error = admin
        .create_member()
        .account(account(INVITEE))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(&error),
        "AccessDeniedException",
        "Macie not enabled yet"
    );
    let error = admin.get_macie_session().send().await.unwrap_err();
    assert_eq!(code(&error), "AccessDeniedException");

    admin.enable_macie().send().await.unwrap();
    let error = admin.enable_macie().send().await.unwrap_err();
    assert_eq!(code(&error), "ConflictException");
    let session = admin.get_macie_session().send().await.unwrap();
    assert_eq!(session.status().map(|s| s.as_str()), Some("ENABLED"));

    let created = admin
        .create_member()
        .account(account(INVITEE))
        .send()
        .await
        .unwrap();
    assert_eq!(
        created.arn(),
        Some("arn:aws:macie2:us-east-1:100000000001:member/200000000001")
    );
    let member = admin.get_member().id(INVITEE).send().await.unwrap();
    assert_eq!(
        member.relationship_status(),
        Some(&RelationshipStatus::Created)
    );
    assert_eq!(member.administrator_account_id(), Some(ADMIN_A));

    let sent = admin
        .create_invitations()
        .account_ids(INVITEE)
        .account_ids("200000000999")
        .send()
        .await
        .unwrap();
    let unprocessed = sent.unprocessed_accounts();
    assert_eq!(unprocessed.len(), 1, "not a member: not invited");
    assert_eq!(unprocessed[0].account_id(), Some("200000000999"));
    assert_eq!(
        unprocessed[0].error_code().map(|c| c.as_str()),
        Some("ClientError")
    );

    let listed = invitee.list_invitations().send().await.unwrap();
    let [invitation] = listed.invitations() else {
        panic!("{listed:?}");
    };
    assert_eq!(invitation.account_id(), Some(ADMIN_A));
    assert_eq!(
        invitation.relationship_status(),
        Some(&RelationshipStatus::Invited)
    );
    let count = invitee.get_invitations_count().send().await.unwrap();
    assert_eq!(count.invitations_count(), Some(1));

    let id = invitation.invitation_id().unwrap().to_owned();
    let error = invitee
        .accept_invitation()
        .administrator_account_id(ADMIN_A)
        .invitation_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "AccessDeniedException", "Macie first");
    invitee.enable_macie().send().await.unwrap();
    invitee
        .accept_invitation()
        .administrator_account_id(ADMIN_A)
        .invitation_id(&id)
        .send()
        .await
        .unwrap();

    let administrator = invitee.get_administrator_account().send().await.unwrap();
    assert_eq!(
        administrator.administrator().and_then(|a| a.account_id()),
        Some(ADMIN_A)
    );
    let members = admin.list_members().send().await.unwrap();
    let [member] = members.members() else {
        panic!("{members:?}");
    };
    assert_eq!(
        member.relationship_status(),
        Some(&RelationshipStatus::Enabled)
    );
    assert!(
        invitee
            .list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .is_empty()
    );

    // The member leaves; the administrator then removes it.
    invitee
        .disassociate_from_administrator_account()
        .send()
        .await
        .unwrap();
    let member = admin.get_member().id(INVITEE).send().await.unwrap();
    assert_eq!(
        member.relationship_status(),
        Some(&RelationshipStatus::Resigned)
    );
    admin.delete_member().id(INVITEE).send().await.unwrap();
    let error = admin.get_member().id(INVITEE).send().await.unwrap_err();
    assert_eq!(code(&error), "ResourceNotFoundException");
}

#[tokio::test]
async fn decline_delete_and_the_older_accept_field() {
    let sandbox = empty().await;
    let invitee = macie(&sandbox, INVITEE, REGION).await;
    for admin in [ADMIN_A, ADMIN_B] {
        let admin = macie(&sandbox, admin, REGION).await;
        admin.enable_macie().send().await.unwrap();
        admin
            .create_member()
            .account(account(INVITEE))
            .send()
            .await
            .unwrap();
        admin
            .create_invitations()
            .account_ids(INVITEE)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(
        invitee
            .list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .len(),
        2
    );
    let declined = invitee
        .decline_invitations()
        .account_ids(ADMIN_B)
        .account_ids("100000000009")
        .send()
        .await
        .unwrap();
    assert_eq!(
        declined.unprocessed_accounts().len(),
        1,
        "no invitation from 9"
    );
    invitee
        .delete_invitations()
        .account_ids(ADMIN_B)
        .send()
        .await
        .unwrap();
    let left = invitee.list_invitations().send().await.unwrap();
    let [from_a] = left.invitations() else {
        panic!("{left:?}");
    };
    invitee.enable_macie().send().await.unwrap();
    // `masterAccount`, the older field, is still taken.
    invitee
        .accept_invitation()
        .master_account(ADMIN_A)
        .invitation_id(from_a.invitation_id().unwrap())
        .send()
        .await
        .unwrap();
    let admin = macie(&sandbox, ADMIN_A, REGION).await;
    let page = admin
        .list_members()
        .max_results(26)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&page), "ValidationException", "25 at most");
}
