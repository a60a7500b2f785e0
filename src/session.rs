//! What every command needs before it can list: the sandbox for `--demo`, the identities, and
//! the plan of sources.

use crate::aws::AdapterOptions;
use crate::cli::Selection;
use crate::sandbox::{self, SandboxConfig, SandboxHandle, Scenario};
use crate::sources::{self, Plan, PlanError, RegionChoice};

pub struct Session {
    pub plan: Plan,
    /// Serving while the session lives, for `--demo`.
    pub sandbox: Option<SandboxHandle>,
}

pub async fn prepare(
    selection: &Selection,
    options: &AdapterOptions,
) -> Result<Session, PlanError> {
    let regions = RegionChoice::from_args(&selection.regions);
    if selection.demo {
        if selection.endpoint_url.is_some() {
            return Err(PlanError(
                "--demo runs against its own sandbox: leave out --endpoint-url".into(),
            ));
        }
        let scenario = Scenario::demo();
        let sandbox = sandbox::start(SandboxConfig::local(scenario.clone()))
            .await
            .map_err(|e| PlanError(format!("cannot start the demo sandbox: {e}")))?;
        let identities =
            sources::demo_identities(&scenario, &selection.profiles, &sandbox.endpoint_url())
                .await?;
        let identities = with_timeout(identities, selection);
        let plan = sources::plan(identities, &selection.services, &regions, true, options)?;
        tracing::info!(sandbox = %sandbox.endpoint_url(), sources = plan.sources.len(), "demo plan ready");
        return Ok(Session {
            plan,
            sandbox: Some(sandbox),
        });
    }
    let identities =
        sources::aws_identities(&selection.profiles, selection.endpoint_url.as_deref()).await;
    let identities = with_timeout(identities, selection);
    let plan = sources::plan(identities, &selection.services, &regions, false, options)?;
    tracing::info!(
        sources = plan.sources.len(),
        identities = plan.identities.len(),
        read_only = options.read_only,
        "plan ready"
    );
    Ok(Session {
        plan,
        sandbox: None,
    })
}

fn with_timeout(
    identities: Vec<crate::fetch::Identity>,
    selection: &Selection,
) -> Vec<crate::fetch::Identity> {
    let timeout = std::time::Duration::from_secs_f64(selection.request_timeout);
    identities
        .into_iter()
        .map(|identity| crate::fetch::Identity {
            config: crate::aws::with_timeout(&identity.config, timeout),
            ..identity
        })
        .collect()
}
