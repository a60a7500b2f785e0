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
    // Creating is routed, and answered as not served.
    let create = organizations(&sandbox, ADMIN_KEY)
        .await
        .create_account()
        .account_name("new")
        .email("new@example.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(create.code(), Some("UnsupportedAPIEndpointException"));
}
