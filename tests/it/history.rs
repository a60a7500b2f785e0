//! Who changed what: the sandbox records every membership call it serves as a CloudTrail
//! event and answers `LookupEvents`, with its paging, attributes and time windows; `guestlist
//! history` reads it and calls out what looks like hiding.

use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use aws_sdk_securityhub::types::AccountDetails;

use crate::common::*;

const ADMIN_A: &str = "100000000001";

fn attribute(key: LookupAttributeKey, value: &str) -> LookupAttribute {
    LookupAttribute::builder()
        .attribute_key(key)
        .attribute_value(value)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_membership_calls_are_looked_up_newest_first_in_pages_of_50() {
    let sandbox = empty().await;
    let hub = securityhub(&sandbox, ADMIN_A, "us-east-1").await;
    hub.enable_security_hub().send().await.unwrap();
    // A refused call leaves no event: the hub is already on.
    hub.enable_security_hub().send().await.unwrap_err();
    for i in 1..=55 {
        hub.create_members()
            .account_details(
                AccountDetails::builder()
                    .account_id(format!("2000000{i:05}"))
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    let trail = aws_sdk_cloudtrail::Client::new(&config(&sandbox, ADMIN_A, "us-east-1").await);
    let first = trail
        .lookup_events()
        .lookup_attributes(attribute(LookupAttributeKey::EventName, "CreateMembers"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.events().len(), 50);
    let newest = &first.events()[0];
    assert_eq!(newest.event_source(), Some("securityhub.amazonaws.com"));
    let detail: serde_json::Value =
        serde_json::from_str(newest.cloud_trail_event().unwrap()).unwrap();
    assert_eq!(
        detail["requestParameters"]["AccountDetails"][0]["AccountId"], "200000000055",
        "newest first"
    );
    assert_eq!(
        detail["userIdentity"]["arn"],
        format!("arn:aws:iam::{ADMIN_A}:user/sandbox")
    );
    let second = trail
        .lookup_events()
        .lookup_attributes(attribute(LookupAttributeKey::EventName, "CreateMembers"))
        .next_token(first.next_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(second.events().len(), 5);
    assert_eq!(second.next_token(), None);

    let by_source = trail
        .lookup_events()
        .lookup_attributes(attribute(
            LookupAttributeKey::EventSource,
            "securityhub.amazonaws.com",
        ))
        .max_results(10)
        .send()
        .await
        .unwrap();
    assert_eq!(by_source.events().len(), 10);

    // Another region's trail, another account's: empty.
    let elsewhere = aws_sdk_cloudtrail::Client::new(&config(&sandbox, ADMIN_A, "eu-west-1").await);
    let there = elsewhere.lookup_events().send().await.unwrap();
    assert!(there.events().is_empty());
    let other =
        aws_sdk_cloudtrail::Client::new(&config(&sandbox, "100000000002", "us-east-1").await);
    assert!(
        other
            .lookup_events()
            .send()
            .await
            .unwrap()
            .events()
            .is_empty()
    );

    // Time windows: none yet in the future, none before an hour ago.
    let now = std::time::SystemTime::now();
    let hour = std::time::Duration::from_secs(3600);
    let later = trail
        .lookup_events()
        .start_time(aws_smithy_types::DateTime::from(now + hour))
        .end_time(aws_smithy_types::DateTime::from(now + hour * 2))
        .send()
        .await
        .unwrap();
    assert!(later.events().is_empty());
    let earlier = trail
        .lookup_events()
        .end_time(aws_smithy_types::DateTime::from(now - hour))
        .send()
        .await
        .unwrap();
    assert!(earlier.events().is_empty());
    let all = trail
        .lookup_events()
        .start_time(aws_smithy_types::DateTime::from(now - hour))
        .send()
        .await
        .unwrap();
    assert_eq!(all.events().len(), 50, "56 events, a page of 50");

    // Its errors, as CloudTrail names them.
    let error = trail
        .lookup_events()
        .start_time(aws_smithy_types::DateTime::from(now))
        .end_time(aws_smithy_types::DateTime::from(now - hour))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "InvalidTimeRangeException");
    let error = trail
        .lookup_events()
        .max_results(51)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "InvalidMaxResultsException");
    let error = trail
        .lookup_events()
        .lookup_attributes(attribute(LookupAttributeKey::EventName, "CreateMembers"))
        .lookup_attributes(attribute(LookupAttributeKey::EventName, "InviteMembers"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "InvalidLookupAttributesException");
    let error = trail
        .lookup_events()
        .next_token("not-a-token")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "InvalidNextTokenException");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_calls_out_leaving_and_shows_what_guestlist_itself_did() {
    let sandbox = demo().await;
    let dir = std::env::temp_dir()
        .join(format!("guestlist-history-{}", fastrand::u64(..)))
        .to_string_lossy()
        .into_owned();
    let url = sandbox.endpoint_url();
    let env = [
        ("AWS_ACCESS_KEY_ID", MEMBER_KEY),
        ("AWS_SECRET_ACCESS_KEY", "anything"),
        ("AWS_MAX_ATTEMPTS", "2"),
        ("GUESTLIST_STATE_DIR", dir.as_str()),
    ];
    let regions = "us-east-1,us-west-2,eu-west-1,ap-southeast-2";
    let args = [
        "history",
        "--endpoint-url",
        url.as_str(),
        "--region",
        regions,
        "--output",
        "json",
    ];
    let before = guestlist(&args, &env).await;
    assert_eq!(
        before.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&before.stderr)
    );
    let events: Vec<serde_json::Value> = serde_json::from_slice(&before.stdout).unwrap();
    let left = events
        .iter()
        .find(|e| e["event"] == "DisassociateFromAdministratorAccount")
        .unwrap();
    assert_eq!(left["concern"], "a member left its administrator");
    assert_eq!(left["region"], "eu-west-1");
    // Macie's trail is `macie2.amazonaws.com`'s: asked for by that name, shown as Macie's.
    let macie = events.iter().find(|e| e["service"] == "macie").unwrap();
    assert_eq!(macie["event"], "DisassociateFromAdministratorAccount");
    assert_eq!(macie["concern"], "a member left its administrator");
    assert_eq!(macie["region"], "us-west-2");
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "AcceptInvitation" && e["concern"].is_null())
    );

    // What guestlist does is in the trail too.
    let declined = guestlist(
        &[
            "decline",
            "--endpoint-url",
            &url,
            "--region",
            "us-west-2",
            "--service",
            "securityhub",
            "--administrator",
            AUDIT,
            "--yes",
        ],
        &env,
    )
    .await;
    assert!(
        declined.status.success(),
        "{}",
        String::from_utf8_lossy(&declined.stderr)
    );
    let after: Vec<serde_json::Value> =
        serde_json::from_slice(&guestlist(&args, &env).await.stdout).unwrap();
    let newest = &after[0];
    assert_eq!(newest["event"], "DeclineInvitations");
    assert_eq!(newest["region"], "us-west-2");
    assert!(newest["parameters"].as_str().unwrap().contains(AUDIT));

    // Only as far back as asked.
    let recent = guestlist(
        &[
            "history",
            "--endpoint-url",
            &url,
            "--region",
            regions,
            "--days",
            "7",
            "--output",
            "json",
        ],
        &env,
    )
    .await;
    let recent: Vec<serde_json::Value> = serde_json::from_slice(&recent.stdout).unwrap();
    assert!(recent.iter().all(|e| e["event"] != "AcceptInvitation"));
    let _ = std::fs::remove_dir_all(&dir);
}
