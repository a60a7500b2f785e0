//! Organizations in the sandbox, through the real SDK: the demo's organization listed to its
//! management account in pages of 20, and refused to everyone else as AWS refuses.

use crate::common::*;
use aws_sdk_organizations::error::ProvideErrorMetadata;

async fn organizations(
    sandbox: &guestlist::sandbox::SandboxHandle,
    key: &str,
) -> aws_sdk_organizations::Client {
    let config = guestlist::aws::sandbox_config(&sandbox.endpoint_url(), key, "us-east-1").await;
    aws_sdk_organizations::Client::new(&config)
}

#[tokio::test]
async fn the_management_account_lists_every_account_in_pages_of_twenty() {
    let sandbox = demo().await;
    let client = organizations(&sandbox, ADMIN_KEY).await;
    let org = client.describe_organization().send().await.unwrap();
    let org = org.organization().unwrap();
    assert_eq!(org.master_account_id(), Some(ADMIN));
    assert!(org.id().unwrap().starts_with("o-"));

    let mut pages = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_accounts()
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        pages.push(page.accounts().len());
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
        let all: Vec<_> = page.accounts().iter().map(|a| a.id().unwrap()).collect();
        assert!(all.iter().all(|id| id.len() == 12));
    }
    // The management account, workload-prod, 40 more and one suspended: 43.
    assert_eq!(pages, [20, 20, 3]);

    let member = client
        .describe_account()
        .account_id(MEMBER)
        .send()
        .await
        .unwrap();
    let member = member.account().unwrap();
    assert_eq!(
        member.name(),
        Some("workload-prod"),
        "a described account keeps its name"
    );
    #[allow(deprecated)]
    let status = client
        .describe_account()
        .account_id("299900000009")
        .send()
        .await
        .unwrap()
        .account()
        .unwrap()
        .status()
        .map(|s| s.as_str().to_owned());
    assert_eq!(status.as_deref(), Some("SUSPENDED"));
    let missing = client
        .describe_account()
        .account_id("999999999999")
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Some("AccountNotFoundException"));
    let bad = client
        .list_accounts()
        .max_results(21)
        .send()
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Some("InvalidInputException"));
}

#[tokio::test]
async fn members_and_strangers_are_refused_as_aws_refuses_them() {
    let sandbox = demo().await;
    // A member account may describe its organization, not list it.
    let member = organizations(&sandbox, MEMBER_KEY).await;
    assert!(member.describe_organization().send().await.is_ok());
    let denied = member.list_accounts().send().await.unwrap_err();
    assert_eq!(denied.code(), Some("AccessDeniedException"));
    // An account outside any organization.
    let stranger = organizations(&sandbox, "777788889999").await;
    let none = stranger.describe_organization().send().await.unwrap_err();
    assert_eq!(none.code(), Some("AWSOrganizationsNotInUseException"));
    // Only the management account creates accounts.
    let create = member
        .create_account()
        .account_name("new")
        .email("new@example.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(create.code(), Some("AccessDeniedException"));
    // A bad email is refused at once, not in the request's status.
    let bad = organizations(&sandbox, ADMIN_KEY)
        .await
        .create_account()
        .account_name("new")
        .email("not-an-email")
        .send()
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Some("ConstraintViolationException"));
}

/// An organization made from nothing, through the real SDK: `CreateOrganization`, then
/// `CreateAccount`, which succeeds some seconds later on the sandbox clock (polled with
/// `DescribeCreateAccountStatus`), and the new account has `OrganizationAccountAccessRole`
/// trusting the management account — and no other role, and no other truster.
#[tokio::test]
async fn accounts_are_created_a_few_seconds_later_with_the_access_role() {
    // Roles declared: only those exist, so the new account's role is the one it was given.
    let text =
        "[[role]]\naccount = \"999999999999\"\nname = \"Other\"\ntrusts = [\"111122223333\"]\n";
    let sandbox = start(guestlist::sandbox::Scenario::parse(text, "roles.toml").unwrap()).await;
    let client = organizations(&sandbox, ADMIN).await;

    let refused = client
        .create_account()
        .email("new@example.com")
        .account_name("new")
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some("AWSOrganizationsNotInUseException"));
    let org = client.create_organization().send().await.unwrap();
    assert_eq!(org.organization().unwrap().master_account_id(), Some(ADMIN));
    let again = client.create_organization().send().await.unwrap_err();
    assert_eq!(again.code(), Some("AlreadyInOrganizationException"));

    let created = client
        .create_account()
        .email("payments@example.com")
        .account_name("payments-prod")
        .send()
        .await
        .unwrap();
    let status = created.create_account_status().unwrap();
    assert_eq!(status.state().unwrap().as_str(), "IN_PROGRESS");
    let request = status.id().unwrap().to_owned();
    let described = client
        .describe_create_account_status()
        .create_account_request_id(&request)
        .send()
        .await
        .unwrap();
    let status = described.create_account_status().unwrap();
    assert_eq!(status.state().unwrap().as_str(), "IN_PROGRESS");
    assert_eq!(status.account_id(), None);

    control(
        &sandbox,
        "POST",
        "/_sandbox/clock",
        r#"{"advance_seconds": 6}"#,
    )
    .await;
    let described = client
        .describe_create_account_status()
        .create_account_request_id(&request)
        .send()
        .await
        .unwrap();
    let status = described.create_account_status().unwrap();
    assert_eq!(status.state().unwrap().as_str(), "SUCCEEDED");
    let account = status.account_id().unwrap().to_owned();
    assert_eq!(account.len(), 12);
    let listed = client.list_accounts().send().await.unwrap();
    let names: Vec<_> = listed
        .accounts()
        .iter()
        .map(|a| a.name().unwrap())
        .collect();
    assert!(names.contains(&"payments-prod"), "{names:?}");

    // The management account reaches it through the role; another role, or another caller,
    // does not.
    let base = guestlist::aws::sandbox_config(&sandbox.endpoint_url(), ADMIN, "us-east-1").await;
    let assume = |role: &str, base: &aws_config::SdkConfig| {
        let arn = format!("arn:aws:iam::{account}:role/{role}");
        let base = base.clone();
        async move {
            let config =
                guestlist::aws::assume::assumed(&base, &base, &arn, "guestlist", None).await;
            guestlist::aws::caller_account(&config).await
        }
    };
    assert_eq!(
        assume("OrganizationAccountAccessRole", &base)
            .await
            .unwrap(),
        account
    );
    assert!(assume("Audit", &base).await.is_err());
    let stranger =
        guestlist::aws::sandbox_config(&sandbox.endpoint_url(), "444455556666", "us-east-1").await;
    assert!(
        assume("OrganizationAccountAccessRole", &stranger)
            .await
            .is_err()
    );

    // An email in use fails the request, in its status.
    let taken = client
        .create_account()
        .email("payments@example.com")
        .account_name("payments-again")
        .send()
        .await
        .unwrap();
    let status = taken.create_account_status().unwrap();
    assert_eq!(status.state().unwrap().as_str(), "FAILED");
    assert_eq!(
        status.failure_reason().unwrap().as_str(),
        "EMAIL_ALREADY_EXISTS"
    );
    let unknown = client
        .describe_create_account_status()
        .create_account_request_id("car-00000000000000000000000000000099")
        .send()
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Some("CreateAccountStatusNotFoundException"));
}
