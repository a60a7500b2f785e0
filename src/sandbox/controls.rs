//! The test controls under `/_sandbox/`: reset, fault injection and request statistics.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::Shared;
use super::state::World;
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

#[derive(Default)]
pub struct Controls {
    faults: Mutex<HashMap<Service, FaultSettings>>,
    edges: Mutex<Edges>,
    requests: Mutex<BTreeMap<String, u64>>,
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

    fn clear(&self) {
        lock(&self.faults).clear();
        *lock(&self.edges) = Edges::default();
        lock(&self.requests).clear();
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
        (&Method::GET, "stats") => {
            let requests = lock(&shared.controls.requests).clone();
            json_response(StatusCode::OK, &serde_json::json!({ "requests": requests }))
        }
        _ => control_error(
            StatusCode::NOT_FOUND,
            format!(
                "unknown sandbox control {method} /_sandbox/{control}; there are \
                 POST /_sandbox/reset, POST|GET /_sandbox/faults and GET /_sandbox/stats"
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
