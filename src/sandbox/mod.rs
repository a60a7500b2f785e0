//! A local endpoint that speaks the wire protocol of the Security Hub, GuardDuty and Detective
//! membership APIs (restJson1) and of STS `GetCallerIdentity` (query protocol).
//!
//! Any AWS SDK pointed at it with `endpoint_url` works unchanged: the service and region are read
//! from the SigV4 credential scope, and the caller's account from the access key id. Signatures
//! are not verified, since nothing here is secret.

mod cloudtrail;
mod controls;
mod detective;
mod dialect;
mod guardduty;
mod macie;
mod membership;
mod organizations;
mod scenario;
mod securityhub;
mod state;
mod sts;
mod unserved;
mod wire;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::response::Response;
use http_body_util::BodyExt;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

pub use controls::FaultSettings;
pub use scenario::{
    AccountSpec, DetectiveUsage, MemberSpec, RoleSpec, RosterSpec, Scenario, ScenarioError,
    TimeSpec,
};
pub use wire::Service;

use controls::Controls;
use state::World;
use wire::{ApiError, Caller, Request};

/// Where and what the sandbox serves.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub scenario: Scenario,
    /// How long a client may take to send a request's headers, and then its body.
    pub read_timeout: Duration,
}

impl SandboxConfig {
    /// Loopback, a free port.
    pub fn local(scenario: Scenario) -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            scenario,
            read_timeout: READ_TIMEOUT,
        }
    }
}

/// A client that sends nothing for this long loses its connection.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// On stop, connections still open get this long to finish.
const GRACE: Duration = Duration::from_secs(2);
/// The most one request body may hold; AWS's own limits are far lower for these operations.
const MAX_BODY: usize = 2 * 1024 * 1024;

/// Everything the request handler needs; the world sits behind one mutex because every
/// operation is a short, non-blocking state change.
struct Shared {
    scenario: Scenario,
    world: Mutex<World>,
    controls: Controls,
    read_timeout: Duration,
}

impl Shared {
    fn world(&self) -> MutexGuard<'_, World> {
        // A panic while holding the lock cannot leave the world half-updated in a way that
        // matters more than refusing every later request would.
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A running sandbox; dropping it without `stop` leaves it serving until the runtime ends.
pub struct SandboxHandle {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl SandboxHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL to give an SDK as `endpoint_url`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.task.await {
            Ok(result) => result,
            Err(join_error) => Err(std::io::Error::other(join_error)),
        }
    }

    /// Resolves when the server ends, which it does only on `stop` or an I/O error.
    pub async fn wait(&mut self) -> std::io::Result<()> {
        match (&mut self.task).await {
            Ok(result) => result,
            Err(join_error) => Err(std::io::Error::other(join_error)),
        }
    }
}

/// Binds and starts serving in the current tokio runtime.
pub async fn start(config: SandboxConfig) -> std::io::Result<SandboxHandle> {
    let listener = TcpListener::bind((config.bind, config.port)).await?;
    let addr = listener.local_addr()?;
    let read_timeout = config.read_timeout;
    let shared = Arc::new(Shared {
        world: Mutex::new(World::from_scenario(&config.scenario)),
        scenario: config.scenario,
        controls: Controls::default(),
        read_timeout,
    });
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, shared, read_timeout, rx));
    Ok(SandboxHandle {
        addr,
        shutdown: Some(tx),
        task,
    })
}

/// Serves each connection until `stop`; a client must send its headers within `read_timeout`.
/// On stop, open connections finish what they were doing within [`GRACE`], then are dropped,
/// so a client holding a half-sent request cannot keep the sandbox up.
async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    read_timeout: Duration,
    mut stop: oneshot::Receiver<()>,
) -> std::io::Result<()> {
    let (closing, closed) = watch::channel(false);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    // Out of descriptors, or a connection reset before it was taken: the
                    // listener itself is fine.
                    Err(error) => {
                        tracing::warn!(%error, "sandbox accept failed");
                        continue;
                    }
                };
                // Every request goes to `handle`, served as hyper hands it over: a router and
                // its extractors (which cloned every request's headers) cost a twentieth of
                // the sandbox's CPU in a fan-out.
                let shared = shared.clone();
                let service = hyper::service::service_fn(move |request| {
                    let shared = shared.clone();
                    async move { Ok::<_, std::convert::Infallible>(handle(shared, request).await) }
                });
                let mut closed = closed.clone();
                connections.spawn(async move {
                    let mut builder = http1::Builder::new();
                    builder.timer(TokioTimer::new()).header_read_timeout(read_timeout);
                    let connection = builder.serve_connection(TokioIo::new(stream), service);
                    tokio::pin!(connection);
                    tokio::select! {
                        _ = connection.as_mut() => {}
                        _ = closed.changed() => {
                            connection.as_mut().graceful_shutdown();
                            let _ = connection.await;
                        }
                    }
                });
            }
        }
    }
    let _ = closing.send(true);
    let drained = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(GRACE, drained).await;
    connections.abort_all();
    Ok(())
}

/// The body of a request, within the size limit and the read timeout, or an error in the
/// shape of `service` (the request's, once known).
async fn read_body(body: Body, timeout: Duration, service: Service) -> Result<Bytes, Response> {
    let limited = http_body_util::Limited::new(body, MAX_BODY);
    let refuse = |status: StatusCode, message: String| {
        let mut error = ApiError::validation(service, message);
        error.status = status;
        error.into_response(service)
    };
    match tokio::time::timeout(timeout, limited.collect()).await {
        Err(_) => Err(refuse(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the request body did not arrive within {} s",
                timeout.as_secs()
            ),
        )),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => Err(refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than {} bytes", MAX_BODY),
        )),
        Ok(Err(error)) => Err(refuse(
            StatusCode::BAD_REQUEST,
            format!("the request body could not be read: {error}"),
        )),
    }
}

async fn handle(shared: Arc<Shared>, request: hyper::Request<hyper::body::Incoming>) -> Response {
    let (parts, body) = request.into_parts();
    let (method, uri, headers, body) = (parts.method, parts.uri, parts.headers, Body::new(body));
    let path = uri.path();
    if let Some(control) = path.strip_prefix("/_sandbox/") {
        let body = match read_body(body, shared.read_timeout, Service::SecurityHub).await {
            Ok(body) => body,
            Err(response) => return response,
        };
        return controls::handle(&shared, &method, control, &body);
    }

    let now = shared.controls.now();
    let caller = match wire::identify(&headers, &shared.world(), now) {
        Ok(caller) => caller,
        Err(rejection) => return rejection.into_response(),
    };
    let body = match read_body(body, shared.read_timeout, caller.service).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let request = Request::parse(&method, &uri, &body).with_target(&headers);
    let operation = Operation::route(&caller, &request);
    let name = operation.map(Operation::name);
    shared.controls.count(caller.service, name);
    tracing::trace!(service = %caller.service, region = %caller.region, account = %caller.account, operation = name.unwrap_or("?"), "sandbox request");

    // A closed account's own keys stop working. AWS documents no answer of its own for it; the
    // sandbox gives the one for a key that is valid nowhere, the nearest it does document.
    let edges = shared.controls.edges();
    if shared.world().suspended(&caller.account, &edges.suspended) {
        return ApiError::global_token(caller.service).into_response(caller.service);
    }
    // A region the account has not enabled says so first: no request gets further there.
    if shared
        .world()
        .region_disabled(&caller.account, &caller.region)
    {
        let error = match caller.service {
            Service::Sts => ApiError::sts_region_disabled(&caller.account, &caller.region),
            _ => ApiError::region_not_enabled(),
        };
        return error.into_response(caller.service);
    }
    if edges.global_tokens && wire::OPT_IN_REGIONS.contains(&caller.region.as_str()) {
        return ApiError::global_token(caller.service).into_response(caller.service);
    }
    let action = format!(
        "{}:{}",
        caller.service.signing_name(),
        name.unwrap_or("Unknown")
    );
    if caller.service != Service::Sts
        && let Some(deny) = edges.denial(&caller.account, &caller.region, &action)
    {
        let scp = deny.by.as_deref() != Some("iam");
        return ApiError::denied(&caller, &action, scp).into_response(caller.service);
    }
    if edges.rate_limit
        && caller.service == Service::SecurityHub
        && !shared
            .controls
            .within_rate(&caller.account, &caller.region, now)
    {
        return ApiError::fault(caller.service, controls::Fault::Throttle)
            .into_response(caller.service);
    }
    let faults = shared.controls.faults_for(caller.service);
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    if let Some(fault) = faults.draw() {
        return ApiError::fault(caller.service, fault).into_response(caller.service);
    }

    let Some(operation) = operation else {
        return ApiError::unknown_route(&method, path).into_response(caller.service);
    };
    let outcome = {
        let mut world = shared.world();
        world.tokens.repeat = edges.repeat_tokens;
        dispatch(&mut world, &caller, operation, &request, now, &edges)
    };
    match outcome {
        Ok(response) => response,
        Err(error) => error.into_response(caller.service),
    }
}

/// An operation of one of the services, as its route names it: STS's, global to the account,
/// or a regional service's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    Sts(sts::Op),
    Organizations(organizations::Op),
    /// CloudTrail's `LookupEvents`.
    LookupEvents,
    Regional(Regional),
    /// Named by the models, not served yet.
    Unserved(Service, &'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Regional {
    SecurityHub(securityhub::Op),
    GuardDuty(guardduty::Op),
    Detective(detective::Op),
    Macie(macie::Op),
}

impl Operation {
    fn route(caller: &Caller, request: &Request) -> Option<Operation> {
        let regional = |op| Some(Operation::Regional(op));
        match caller.service {
            Service::SecurityHub => {
                regional(Regional::SecurityHub(securityhub::Op::route(request)?))
            }
            Service::GuardDuty => regional(Regional::GuardDuty(guardduty::Op::route(request)?)),
            Service::Detective => regional(Regional::Detective(detective::Op::route(request)?)),
            Service::Macie2 => regional(Regional::Macie(macie::Op::route(request)?)),
            Service::Sts => sts::Op::route(request).map(Operation::Sts),
            Service::Organizations if organizations::Op::route(request).is_some() => {
                organizations::Op::route(request).map(Operation::Organizations)
            }
            Service::CloudTrail if cloudtrail::is_lookup(request) => Some(Operation::LookupEvents),
            Service::Organizations | Service::CloudTrail => {
                unserved::route(caller.service, request)
                    .map(|name| Operation::Unserved(caller.service, name))
            }
        }
    }

    fn name(self) -> &'static str {
        match self {
            Operation::Sts(op) => op.name(),
            Operation::Organizations(op) => op.name(),
            Operation::LookupEvents => "LookupEvents",
            Operation::Unserved(_, name) => name,
            Operation::Regional(Regional::SecurityHub(op)) => op.name(),
            Operation::Regional(Regional::GuardDuty(op)) => op.name(),
            Operation::Regional(Regional::Detective(op)) => op.name(),
            Operation::Regional(Regional::Macie(op)) => op.name(),
        }
    }
}

fn dispatch(
    world: &mut World,
    caller: &Caller,
    operation: Operation,
    request: &Request,
    now: chrono::DateTime<chrono::Utc>,
    edges: &controls::Edges,
) -> Result<Response, ApiError> {
    let regional = match operation {
        Operation::Sts(op) => {
            return sts::handle(world, caller, op, request, now, &edges.suspended);
        }
        Operation::Organizations(op) => {
            return organizations::handle(world, caller, op, request, now, edges.repeat_tokens);
        }
        Operation::LookupEvents => return cloudtrail::lookup(world, caller, request, now),
        Operation::Unserved(service, name) => return Err(ApiError::not_served(service, name)),
        Operation::Regional(regional) => regional,
    };
    let (region, ctx) = world.enter(caller, now, edges.delays());
    let served = match regional {
        Regional::SecurityHub(op) => securityhub::handle(region, ctx, op, request),
        Regional::GuardDuty(op) => guardduty::handle(region, ctx, op, request),
        Regional::Detective(op) => detective::handle(region, ctx, op, request),
        Regional::Macie(op) => macie::handle(region, ctx, op, request),
    };
    // What a membership call did is left in the trail, as CloudTrail would have it.
    let name = operation.name();
    if served.is_ok() && cloudtrail::records(caller.service, name) {
        world.record(|id| cloudtrail::event(id, caller, name, request, now));
    }
    served
}
