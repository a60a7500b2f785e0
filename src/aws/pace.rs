//! Each account's requests in each region, kept within the rate its service documents, so a
//! fan-out never throttles itself: Security Hub allows 10 requests a second with bursts of 30
//! per account and region, and guestlist keeps to 9 and 27 (GuardDuty, Detective and Macie
//! publish no figure, and are not paced). AWS STS allows 600 a second per account and region,
//! counted against the account that calls: the identity a fan-out assumes its role from keeps
//! to 540, so a thousand `AssumeRole`s are spread over two seconds instead of sent at once.
//!
//! A token bucket per account (identity), region and API: a request takes a token, and one
//! that finds none waits as long as the bucket needs to refill it. The clock is tokio's, so
//! tests pause and advance it instead of waiting.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::model::ServiceKind;

/// A documented request rate: so many a second, with bursts of so many.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: f64,
}

/// How much of a documented rate guestlist uses: requests sent a refill apart still arrive
/// closer together now and then, and the service's bucket did not start when ours did.
const HEADROOM: Rate = Rate {
    per_second: 0.9,
    burst: 0.9,
};

/// What a rate is kept for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Api {
    Service(ServiceKind),
    /// AWS STS's credential operations (`AssumeRole` among them), which share one quota.
    Sts,
    /// CloudTrail's `LookupEvents`.
    LookupEvents,
}

/// What each API documents, per account and region.
pub fn documented(api: Api) -> Option<Rate> {
    match api {
        Api::Service(ServiceKind::SecurityHub) => Some(Rate {
            per_second: 10.0,
            burst: 30.0,
        }),
        Api::Service(ServiceKind::GuardDuty | ServiceKind::Detective | ServiceKind::Macie) => None,
        // "IAM and AWS STS quotas": 600 requests per second per account per Region; its token
        // bucket refills every second, so a second's worth is the burst.
        Api::Sts => Some(Rate {
            per_second: 600.0,
            burst: 600.0,
        }),
        // CloudTrail: "two requests per second per account per Region".
        Api::LookupEvents => Some(Rate {
            per_second: 2.0,
            burst: 2.0,
        }),
    }
}

#[derive(Debug)]
struct Bucket {
    /// May fall below zero: requests waiting for tokens not yet refilled.
    tokens: f64,
    at: Instant,
}

/// Every bucket of a run, shared by all its adapters.
#[derive(Debug, Default)]
pub struct Pace {
    buckets: Mutex<HashMap<(String, String, Api), Bucket>>,
}

impl Pace {
    /// Waits until `identity` may send another request to `service` in `region`.
    pub async fn wait(&self, identity: &str, region: &str, service: ServiceKind) {
        self.wait_for(identity, region, Api::Service(service)).await;
    }

    /// Waits until `caller` may ask STS in `region` for another role's credentials.
    pub async fn assume_role(&self, caller: &str, region: &str) {
        self.wait_for(caller, region, Api::Sts).await;
    }

    /// Waits until `identity` may look up another page of CloudTrail's events in `region`.
    pub async fn lookup_events(&self, identity: &str, region: &str) {
        self.wait_for(identity, region, Api::LookupEvents).await;
    }

    async fn wait_for(&self, identity: &str, region: &str, api: Api) {
        let Some(rate) = documented(api) else {
            return;
        };
        let rate = Rate {
            per_second: rate.per_second * HEADROOM.per_second,
            burst: (rate.burst * HEADROOM.burst).floor(),
        };
        let delay = self.reserve(identity, region, api, rate, Instant::now());
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    }

    /// Takes a token at `now`, and says how long to wait until it is really there: requests
    /// queue in the order they asked, each a refill apart.
    fn reserve(
        &self,
        identity: &str,
        region: &str,
        api: Api,
        rate: Rate,
        now: Instant,
    ) -> Duration {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let bucket = buckets
            .entry((identity.to_owned(), region.to_owned(), api))
            .or_insert(Bucket {
                tokens: rate.burst,
                at: now,
            });
        let refilled = now.saturating_duration_since(bucket.at).as_secs_f64() * rate.per_second;
        bucket.tokens = (bucket.tokens + refilled).min(rate.burst) - 1.0;
        bucket.at = now;
        if bucket.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-bucket.tokens / rate.per_second)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn security_hub_gets_bursts_of_27_then_9_a_second_per_account_and_region() {
        let pace = Pace::default();
        let started = Instant::now();
        for _ in 0..27 {
            pace.wait("111122223333", "us-east-1", ServiceKind::SecurityHub)
                .await;
        }
        assert_eq!(
            started.elapsed(),
            Duration::ZERO,
            "a burst of 27 waits for nothing"
        );
        for _ in 0..18 {
            pace.wait("111122223333", "us-east-1", ServiceKind::SecurityHub)
                .await;
        }
        let waited = started.elapsed().as_secs_f64();
        assert!(
            (waited - 2.0).abs() < 0.01,
            "18 more at 9 a second: {waited}"
        );

        // Another region, another account, another service: buckets of their own.
        let again = Instant::now();
        for _ in 0..27 {
            pace.wait("111122223333", "eu-west-1", ServiceKind::SecurityHub)
                .await;
            pace.wait("444455556666", "us-east-1", ServiceKind::SecurityHub)
                .await;
        }
        for _ in 0..100 {
            pace.wait("111122223333", "us-east-1", ServiceKind::GuardDuty)
                .await;
        }
        assert_eq!(again.elapsed(), Duration::ZERO);

        // A quiet bucket refills, up to its burst and no further.
        tokio::time::advance(Duration::from_secs(60)).await;
        let refilled = Instant::now();
        for _ in 0..27 {
            pace.wait("111122223333", "us-east-1", ServiceKind::SecurityHub)
                .await;
        }
        assert_eq!(refilled.elapsed(), Duration::ZERO);
        pace.wait("111122223333", "us-east-1", ServiceKind::SecurityHub)
            .await;
        let waited = refilled.elapsed().as_secs_f64();
        assert!((waited - 1.0 / 9.0).abs() < 0.001, "{waited}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_callers_assume_roles_come_540_at_once_then_540_a_second() {
        let pace = Pace::default();
        let started = Instant::now();
        for _ in 0..540 {
            pace.assume_role("111122223333", "us-east-1").await;
        }
        assert_eq!(started.elapsed(), Duration::ZERO);
        for _ in 0..1080 {
            pace.assume_role("111122223333", "us-east-1").await;
        }
        let waited = started.elapsed().as_secs_f64();
        assert!((waited - 2.0).abs() < 0.01, "{waited}");
        // Security Hub's bucket for the same account is its own.
        let again = Instant::now();
        pace.wait("111122223333", "us-east-1", ServiceKind::SecurityHub)
            .await;
        assert_eq!(again.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn requests_that_wait_together_are_spaced_a_refill_apart() {
        let pace = std::sync::Arc::new(Pace::default());
        let started = Instant::now();
        let waits = (0..36).map(|_| {
            let pace = pace.clone();
            tokio::spawn(async move {
                pace.wait("111122223333", "us-east-1", ServiceKind::SecurityHub)
                    .await;
                Instant::now()
            })
        });
        let mut times: Vec<Duration> = futures_util::future::join_all(waits)
            .await
            .into_iter()
            .map(|t| t.unwrap_or_else(|e| panic!("{e}")) - started)
            .collect();
        times.sort();
        let seconds: Vec<f64> = times.iter().map(Duration::as_secs_f64).collect();
        assert_eq!(seconds[26], 0.0);
        assert!((seconds[27] - 1.0 / 9.0).abs() < 0.001, "{seconds:?}");
        assert!((seconds[35] - 1.0).abs() < 0.001, "{seconds:?}");
    }
}
