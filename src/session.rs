//! What every command needs before it can list: the sandbox for `--demo`, the identities, and
//! the plan of sources.

use crate::accounts::{self, AccountSource};
use crate::aws::AdapterOptions;
use crate::cli::Selection;
use crate::demo;
use crate::plan::{self, Identity, Plan, PlanError, RegionChoice};
use crate::sandbox::SandboxHandle;

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
        let (scenario, sandbox) = demo::start().await?;
        let identities =
            demo::identities(&scenario, &selection.profiles, &sandbox.endpoint_url()).await?;
        let identities = with_timeout(identities, selection);
        let identities = fan_out(identities, selection).await?;
        let identities = partitions_if_all(identities, &regions).await?;
        // The demo's accounts have no configured region: its own regions are the default.
        let regions = match regions {
            RegionChoice::Default => {
                RegionChoice::These(demo::DEMO_REGIONS.map(str::to_owned).to_vec())
            }
            chosen => chosen,
        };
        let mut plan = plan::plan(identities, &selection.services, &regions, true, options)?;
        plan.limits = selection.limits();
        tracing::info!(sandbox = %sandbox.endpoint_url(), sources = plan.sources.len(), "demo plan ready");
        return Ok(Session {
            plan,
            sandbox: Some(sandbox),
        });
    }
    let identities =
        plan::aws_identities(&selection.profiles, selection.endpoint_url.as_deref()).await;
    let identities = with_timeout(identities, selection);
    let identities = fan_out(identities, selection).await?;
    let identities = partitions_if_all(identities, &regions).await?;
    let mut plan = plan::plan(identities, &selection.services, &regions, false, options)?;
    plan.limits = selection.limits();
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

/// `--accounts` with `--assume-role`: one identity per account, each reached by assuming the
/// role as the base identity — except the base identity's own account, reached as itself (a
/// management account has no `OrganizationAccountAccessRole`). Each is named by its account.
async fn fan_out(
    identities: Vec<Identity>,
    selection: &Selection,
) -> Result<Vec<Identity>, PlanError> {
    let (Some(accounts), Some(role)) = (&selection.accounts_from, &selection.assume_role) else {
        return Ok(identities);
    };
    let [base] = identities.as_slice() else {
        return Err(PlanError(
            "--accounts fans out from one identity: pass at most one --profile".into(),
        ));
    };
    let source =
        AccountSource::parse(accounts).map_err(|e| PlanError(format!("--accounts: {e}")))?;
    let accounts: Vec<(String, Option<String>)> = match source {
        // Every active account of the organization, as its management account (or a delegated
        // administrator) lists them, with their names; suspended ones have nothing to list.
        AccountSource::Organization => crate::aws::organizations::accounts(&base.config)
            .await
            .map_err(|e| PlanError(format!("--accounts org: {e}")))?
            .into_iter()
            .filter(|a| a.status == "ACTIVE")
            .map(|a| (a.id, Some(a.name).filter(|n| !n.is_empty())))
            .collect(),
        source => source
            .read()
            .map_err(|e| PlanError(format!("--accounts: {e}")))?
            .into_iter()
            .map(|id| (id, None))
            .collect(),
    };
    let own = crate::aws::caller_account(&base.config)
        .await
        .map_err(|e| {
            PlanError(format!(
                "the identity to fan out from ({}): {e}",
                base.profile
            ))
        })?;
    let partition = base.partition.name();
    let mut fanned = Vec::with_capacity(accounts.len());
    for (account, name) in accounts {
        let config = if account == own {
            base.config.clone()
        } else {
            let arn = accounts::role_arn(role, &account, partition);
            crate::aws::assume::assumed(
                &base.config,
                &arn,
                &selection.role_session_name,
                selection.external_id.as_deref(),
            )
            .await
        };
        let mut identity = Identity::new(account, config);
        identity.partition = base.partition;
        identity.name = name;
        fanned.push(identity);
    }
    tracing::info!(accounts = fanned.len(), role = %role, "fanned out");
    Ok(fanned)
}

/// `--region all` means the regions of each identity's partition, which STS names.
async fn partitions_if_all(
    identities: Vec<Identity>,
    regions: &RegionChoice,
) -> Result<Vec<Identity>, PlanError> {
    if *regions == RegionChoice::All {
        plan::with_partitions(identities).await
    } else {
        Ok(identities)
    }
}

fn with_timeout(identities: Vec<Identity>, selection: &Selection) -> Vec<Identity> {
    let timeout = std::time::Duration::from_secs_f64(selection.request_timeout);
    identities
        .into_iter()
        .map(|identity| Identity {
            config: crate::aws::with_timeout(&identity.config, timeout),
            ..identity
        })
        .collect()
}
