//! CloudTrail's event history (`LookupEvents`): the membership calls of one identity in one
//! region, by each service's event source, paged and paced at CloudTrail's two requests a
//! second per account and region.

use aws_config::SdkConfig;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use chrono::{DateTime, Utc};

use super::pace::Pace;
use crate::model::{AwsError, HistoryEvent, MEMBERSHIP_EVENTS, ServiceKind};

/// The most pages read per service: 50 events a page, far beyond a membership history.
const MAX_PAGES: usize = 200;

/// Every membership event of `services` since `since`, as `profile` in the configuration's
/// region, newest first.
pub async fn history(
    config: &SdkConfig,
    profile: &str,
    services: &[ServiceKind],
    since: DateTime<Utc>,
    pace: &Pace,
) -> Result<Vec<HistoryEvent>, AwsError> {
    let region = config.region().map(|r| r.to_string()).unwrap_or_default();
    let client = aws_sdk_cloudtrail::Client::new(config);
    let mut events = Vec::new();
    for service in services {
        // CloudTrail names the service as its endpoint does: Macie is `macie2`.
        let source = format!("{}.amazonaws.com", service.iam_prefix());
        let attribute = LookupAttribute::builder()
            .attribute_key(LookupAttributeKey::EventSource)
            .attribute_value(&source)
            .build()
            .map_err(|e| AwsError::new(crate::model::ErrorKind::Service, "Build", e.to_string()))?;
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            pace.lookup_events(profile, &region).await;
            let page = client
                .lookup_events()
                .lookup_attributes(attribute.clone())
                .start_time(aws_smithy_types::DateTime::from_secs(since.timestamp()))
                .max_results(50)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(AwsError::from_sdk)?;
            for event in page.events() {
                let name = event.event_name().unwrap_or_default();
                if !MEMBERSHIP_EVENTS.contains(&name) {
                    continue;
                }
                let detail: serde_json::Value = event
                    .cloud_trail_event()
                    .and_then(|text| serde_json::from_str(text).ok())
                    .unwrap_or_default();
                let by = detail["userIdentity"]["arn"]
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| event.username().map(str::to_owned))
                    .unwrap_or_default();
                let parameters = match &detail["requestParameters"] {
                    serde_json::Value::Null => "{}".to_owned(),
                    value => value.to_string(),
                };
                events.push(HistoryEvent {
                    // To the second, as CloudTrail's own record has it.
                    time: event
                        .event_time()
                        .and_then(|t| DateTime::from_timestamp(t.secs(), 0))
                        .unwrap_or_default(),
                    service: *service,
                    region: region.clone(),
                    profile: profile.to_owned(),
                    event: name.to_owned(),
                    by,
                    parameters,
                });
            }
            match page.next_token() {
                Some(next) => token = Some(next.to_owned()),
                None => break,
            }
        }
    }
    events.sort_by_key(|e| std::cmp::Reverse(e.time));
    Ok(events)
}
