//! The test controls under `/_sandbox/`: reset, fault injection, the clock and request statistics.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use axum::http::{Method, StatusCode};
use axum::response::Response;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::Shared;
use super::state::{Delays, World};
use super::wire::{Service, json_response};

/// What `/_sandbox/faults` sets for a service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct FaultSettings {
    pub latency_ms: u64,
    pub throttle_rate: f64,
    pub error_rate: f64,
}

pub enum Fault {
    Throttle,
    Internal,
}

impl FaultSettings {
    /// Draws whether this request fails, and how.
    pub fn draw(&self) -> Option<Fault> {
        if self.throttle_rate > 0.0 && fastrand::f64() < self.throttle_rate {
            return Some(Fault::Throttle);
        }
        if self.error_rate > 0.0 && fastrand::f64() < self.error_rate {
            return Some(Fault::Internal);
        }
        None
    }
}

/// Edges AWS really has, switched on through `/_sandbox/faults`, for every service at once.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Edges {
    /// Callers' session tokens came from the global STS endpoint (version 1): AWS rejects
    /// them in opt-in regions, even where the account enabled the region.
    pub global_tokens: bool,
    /// Explicit denies in a service control policy, by account and region (either may be
    /// absent: every account, every region).
    pub deny: Vec<Deny>,
    /// Security Hub's documented rate limit: 10 requests a second, bursts of 30, per account
    /// and region; beyond it AWS answers `LimitExceededException` (429).
    pub rate_limit: bool,
    /// How long email verification takes, instead of the scenario's `verification_seconds`.
    pub verification_seconds: Option<u32>,
    /// How long an invitation takes to reach its invitee, instead of the scenario's
    /// `propagation_seconds`.
    pub propagation_seconds: Option<u32>,
    /// Every page after the first answers the `NextToken` it was given (a broken paginator).
    pub repeat_tokens: bool,
    /// Accounts that are suspended (closed, in their 90 days before removal): AWS refuses to let
    /// anyone assume a role into them, with the same `AccessDenied` as a role that does not trust
    /// the caller.
    pub suspended: Vec<String>,
}

impl Edges {
    pub fn delays(&self) -> Delays {
        let seconds = |s: Option<u32>| s.map(|s| TimeDelta::seconds(s.into()));
        Delays {
            verification: seconds(self.verification_seconds),
            propagation: seconds(self.propagation_seconds),
        }
    }
}

/// Security Hub's documented rate: a bucket of 30 requests, refilled at 10 a second.
const RATE_BURST: f64 = 30.0;
const RATE_PER_SECOND: f64 = 10.0;

/// One account and region's requests left, as of a time.
struct Bucket {
    tokens: f64,
    at: DateTime<Utc>,
}

impl Bucket {
    /// Takes one request from the bucket, refilled for the time since it was last looked at.
    fn take(&mut self, now: DateTime<Utc>) -> bool {
        let elapsed = (now - self.at).as_seconds_f64().max(0.0);
        self.tokens = (self.tokens + elapsed * RATE_PER_SECOND).min(RATE_BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deny {
    pub account: Option<String>,
    pub region: Option<String>,
    /// One action (`securityhub:AcceptAdministratorInvitation`); absent: every action.
    pub action: Option<String>,
    /// `scp` (the default) or `iam`: whose explicit deny it is.
    pub by: Option<String>,
}

impl Edges {
    /// The deny that refuses `action` to `account` in `region`, if one does.
    pub fn denial(&self, account: &str, region: &str, action: &str) -> Option<&Deny> {
        self.deny.iter().find(|d| {
            d.account.as_deref().is_none_or(|a| a == account)
                && d.region.as_deref().is_none_or(|r| r == region)
                && d.action.as_deref().is_none_or(|a| a == action)
        })
    }
}

/// The sandbox's time, as `POST /_sandbox/clock` has set it: the real time moved ahead by
/// `offset`, or, frozen, an instant that moves only when advanced.
#[derive(Default)]
struct Clock {
    offset: TimeDelta,
    frozen: Option<DateTime<Utc>>,
}

impl Clock {
    fn now(&self) -> DateTime<Utc> {
        self.frozen.unwrap_or_else(Utc::now) + self.offset
    }
}

#[derive(Default)]
pub struct Controls {
    faults: Mutex<HashMap<Service, FaultSettings>>,
    edges: Mutex<Edges>,
    requests: Mutex<BTreeMap<String, u64>>,
    clock: Mutex<Clock>,
    buckets: Mutex<HashMap<(String, String), Bucket>>,
}

impl Controls {
    pub fn faults_for(&self, service: Service) -> FaultSettings {
        lock(&self.faults)
            .get(&service)
            .copied()
            .unwrap_or_default()
    }

    pub fn edges(&self) -> Edges {
        lock(&self.edges).clone()
    }

    pub fn count(&self, service: Service, operation: Option<&str>) {
        let key = format!("{service}:{}", operation.unwrap_or("Unknown"));
        *lock(&self.requests).entry(key).or_default() += 1;
    }

    /// The sandbox's time: the real one, plus what the clock control has advanced it by.
    pub fn now(&self) -> DateTime<Utc> {
        lock(&self.clock).now()
    }

    /// Whether `account` may make one more request in `region` under the rate limit, at `now`.
    pub fn within_rate(&self, account: &str, region: &str, now: DateTime<Utc>) -> bool {
        lock(&self.buckets)
            .entry((account.to_owned(), region.to_owned()))
            .or_insert(Bucket {
                tokens: RATE_BURST,
                at: now,
            })
            .take(now)
    }

    fn clear(&self) {
        lock(&self.faults).clear();
        *lock(&self.edges) = Edges::default();
        lock(&self.requests).clear();
        *lock(&self.clock) = Clock::default();
        lock(&self.buckets).clear();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The body of `POST /_sandbox/faults`: the settings it names replace those of the service
/// (or of every service, when `service` is absent); the others are kept.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultRequest {
    service: Option<Service>,
    latency_ms: Option<u64>,
    throttle_rate: Option<f64>,
    error_rate: Option<f64>,
    /// See [`Edges::global_tokens`].
    global_tokens: Option<bool>,
    /// Replaces the SCP denies; `[]` lifts them.
    deny: Option<Vec<Deny>>,
    /// See [`Edges::rate_limit`].
    rate_limit: Option<bool>,
    /// See [`Edges::verification_seconds`].
    verification_seconds: Option<u32>,
    /// See [`Edges::propagation_seconds`].
    propagation_seconds: Option<u32>,
    /// See [`Edges::repeat_tokens`].
    repeat_tokens: Option<bool>,
    /// Replaces the suspended accounts; `[]` reinstates them.
    suspended: Option<Vec<String>>,
}

/// The body of `POST /_sandbox/clock`: whether time stands still (so a test decides every step)
/// and how far to move it ahead.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockRequest {
    frozen: Option<bool>,
    advance_seconds: Option<f64>,
}

pub fn handle(shared: &Shared, method: &Method, control: &str, body: &[u8]) -> Response {
    match (method, control.trim_end_matches('/')) {
        (&Method::POST, "reset") => {
            *shared.world() = World::from_scenario(&shared.scenario);
            shared.controls.clear();
            json_response(StatusCode::OK, &serde_json::json!({ "reset": true }))
        }
        (&Method::POST, "faults") => match set_faults(&shared.controls, body) {
            Ok(()) => json_response(StatusCode::OK, &current_faults(&shared.controls)),
            Err(message) => control_error(StatusCode::BAD_REQUEST, message),
        },
        (&Method::GET, "faults") => {
            json_response(StatusCode::OK, &current_faults(&shared.controls))
        }
        (&Method::POST, "clock") => match advance_clock(&shared.controls, body) {
            Ok(()) => json_response(StatusCode::OK, &current_clock(&shared.controls)),
            Err(message) => control_error(StatusCode::BAD_REQUEST, message),
        },
        (&Method::GET, "clock") => json_response(StatusCode::OK, &current_clock(&shared.controls)),
        (&Method::GET, "stats") => {
            let requests = lock(&shared.controls.requests).clone();
            json_response(StatusCode::OK, &serde_json::json!({ "requests": requests }))
        }
        _ => control_error(
            StatusCode::NOT_FOUND,
            format!(
                "unknown sandbox control {method} /_sandbox/{control}; there are \
                 POST /_sandbox/reset, POST|GET /_sandbox/faults, POST|GET /_sandbox/clock \
                 and GET /_sandbox/stats"
            ),
        ),
    }
}

fn set_faults(controls: &Controls, body: &[u8]) -> Result<(), String> {
    let request: FaultRequest =
        serde_json::from_slice(body).map_err(|e| format!("invalid faults request: {e}"))?;
    for (name, rate) in [
        ("throttle_rate", request.throttle_rate),
        ("error_rate", request.error_rate),
    ] {
        if let Some(rate) = rate
            && !(0.0..=1.0).contains(&rate)
        {
            return Err(format!("{name} must be between 0 and 1, got {rate}"));
        }
    }
    {
        let mut edges = lock(&controls.edges);
        if let Some(global) = request.global_tokens {
            edges.global_tokens = global;
        }
        if let Some(deny) = request.deny {
            edges.deny = deny;
        }
        if let Some(rate_limit) = request.rate_limit {
            edges.rate_limit = rate_limit;
        }
        if let Some(seconds) = request.verification_seconds {
            edges.verification_seconds = Some(seconds);
        }
        if let Some(seconds) = request.propagation_seconds {
            edges.propagation_seconds = Some(seconds);
        }
        if let Some(repeat) = request.repeat_tokens {
            edges.repeat_tokens = repeat;
        }
        if let Some(suspended) = request.suspended {
            edges.suspended = suspended;
        }
    }
    let services: Vec<Service> = match request.service {
        Some(service) => vec![service],
        None => Service::ALL.to_vec(),
    };
    let mut faults = lock(&controls.faults);
    for service in services {
        let settings = faults.entry(service).or_default();
        if let Some(latency) = request.latency_ms {
            settings.latency_ms = latency;
        }
        if let Some(rate) = request.throttle_rate {
            settings.throttle_rate = rate;
        }
        if let Some(rate) = request.error_rate {
            settings.error_rate = rate;
        }
    }
    Ok(())
}

fn advance_clock(controls: &Controls, body: &[u8]) -> Result<(), String> {
    let request: ClockRequest =
        serde_json::from_slice(body).map_err(|e| format!("invalid clock request: {e}"))?;
    let seconds = request.advance_seconds.unwrap_or(0.0);
    // Forward only, and by at most a year: time in the sandbox never runs back.
    if !(0.0..=31_536_000.0).contains(&seconds) {
        return Err(format!(
            "advance_seconds must be between 0 and 31536000, got {seconds}"
        ));
    }
    let mut clock = lock(&controls.clock);
    match request.frozen {
        Some(true) if clock.frozen.is_none() => clock.frozen = Some(Utc::now()),
        Some(false) => {
            // Thawing keeps the time it stood at, and runs on from there.
            if let Some(at) = clock.frozen.take() {
                clock.offset += at - Utc::now();
            }
        }
        _ => {}
    }
    clock.offset += TimeDelta::microseconds((seconds * 1_000_000.0).round() as i64);
    Ok(())
}

fn current_clock(controls: &Controls) -> serde_json::Value {
    let clock = lock(&controls.clock);
    serde_json::json!({
        "now": clock.now().to_rfc3339(),
        "frozen": clock.frozen.is_some(),
        "advanced_seconds": clock.offset.as_seconds_f64(),
    })
}

fn current_faults(controls: &Controls) -> serde_json::Value {
    let faults = lock(&controls.faults);
    let by_service: BTreeMap<String, FaultSettings> = Service::ALL
        .iter()
        .map(|s| (s.to_string(), faults.get(s).copied().unwrap_or_default()))
        .collect();
    serde_json::json!({ "faults": by_service, "edges": *lock(&controls.edges) })
}

fn control_error(status: StatusCode, message: String) -> Response {
    json_response(status, &serde_json::json!({ "message": message }))
}
