//! What every command needs before it can list: the sandbox for `--demo`, the identities, and
//! the plan of sources.

use crate::accounts::{self, AccountSource};
use crate::aws::AdapterOptions;
use crate::cli::Selection;
use crate::demo;
use crate::plan::{self, Identity, Plan, PlanError, RegionChoice};
use crate::sandbox::SandboxHandle;
use tokio::sync::mpsc;

pub struct Session {
    pub plan: Plan,
    /// Serving while the session lives, for `--demo`.
    pub sandbox: Option<SandboxHandle>,
    /// The organization's accounts not listed yet; [`Session::complete`] waits for them.
    pub arriving: Option<Arriving>,
}

pub async fn prepare(
    selection: &Selection,
    options: &AdapterOptions,
) -> Result<Session, PlanError> {
    if selection.assume_role.is_some() && selection.accounts_from.is_none() {
        return Err(PlanError(
            "--assume-role needs --accounts: the accounts to assume it in".into(),
        ));
    }
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
        let identities = partitions_if_all(identities, &regions).await?;
        let (identities, arriving) = fan_out(identities, selection, options).await?;
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
            arriving,
        });
    }
    let identities =
        plan::aws_identities(&selection.profiles, selection.endpoint_url.as_deref()).await;
    let identities = with_timeout(identities, selection);
    let identities = partitions_if_all(identities, &regions).await?;
    let (identities, arriving) = fan_out(identities, selection, options).await?;
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
        arriving,
    })
}

/// Accounts still being listed when the session starts (`--accounts org`): each page's
/// identities as the page arrives, or why the listing stopped.
pub type Arriving = mpsc::Receiver<Result<Vec<Identity>, PlanError>>;

impl Session {
    /// Waits for every account still arriving and plans them: for commands that act on all
    /// of them at once.
    pub async fn complete(&mut self) -> Result<(), PlanError> {
        if let Some(mut arriving) = self.arriving.take() {
            while let Some(identities) = arriving.recv().await {
                self.plan.extend(identities?)?;
            }
        }
        Ok(())
    }
}

/// How the accounts of a fan-out are reached: as the base identity in its own account, by
/// assuming the role in every other.
struct Reach {
    base: Identity,
    /// STS as the base identity, with a region to sign for: one client for every account.
    sts: aws_sdk_sts::Client,
    own: String,
    role: String,
    session_name: String,
    external_id: Option<String>,
    mfa: Option<crate::aws::assume::Mfa>,
    /// Keeps the base identity's `AssumeRole`s within its STS quota.
    pace: crate::aws::assume::Paced,
    /// One client per service and region for every account reached.
    clients: std::sync::Arc<crate::aws::clients::Clients>,
}

impl Reach {
    async fn identities(&self, accounts: Vec<(String, Option<String>)>) -> Vec<Identity> {
        let mut fanned = Vec::with_capacity(accounts.len());
        for (account, name) in accounts {
            let config = if account == self.own {
                self.base.config.clone()
            } else {
                let arn = accounts::role_arn(&self.role, &account, self.base.partition.name());
                crate::aws::assume::assumed_with(
                    &self.base.config,
                    &self.sts,
                    &arn,
                    &self.session_name,
                    self.external_id.as_deref(),
                    self.mfa.as_ref(),
                    Some(self.pace.clone()),
                )
            };
            // One cache of the account's credentials, for the shared clients and for the
            // identity's own calls (STS, CloudTrail) alike: one AssumeRole, not one each.
            let signer = crate::aws::clients::Cached::of(&config);
            let config = match &signer {
                Some(signer) => config
                    .to_builder()
                    .credentials_provider(signer.clone())
                    .build(),
                None => config,
            };
            let mut identity = Identity::new(account, config);
            identity.partition = self.base.partition;
            identity.name = name;
            identity.fleet = signer.map(|signer| plan::Fleet {
                clients: self.clients.clone(),
                signer,
            });
            fanned.push(identity);
        }
        fanned
    }
}

/// The active accounts of a page, with their names; suspended ones have nothing to list.
fn active(accounts: Vec<crate::aws::organizations::OrgAccount>) -> Vec<(String, Option<String>)> {
    accounts
        .into_iter()
        .filter(|a| a.status == "ACTIVE")
        .map(|a| (a.id, Some(a.name).filter(|n| !n.is_empty())))
        .collect()
}

/// [`prepare`], with every account of an organization arrived and planned: for commands that
/// act on all of them at once.
pub async fn prepare_whole(
    selection: &Selection,
    options: &AdapterOptions,
) -> Result<Session, PlanError> {
    let mut session = prepare(selection, options).await?;
    session.complete().await?;
    Ok(session)
}

/// The roster's `accounts` reached through the role `selection` names, from the one
/// administrator of `administrator`, in the services and regions of its plan: the members'
/// side of onboarding.
pub async fn reach(
    administrator: &Plan,
    selection: &Selection,
    accounts: &[String],
    options: &AdapterOptions,
) -> Result<Plan, PlanError> {
    let Some(role) = &selection.assume_role else {
        return Err(PlanError(
            "--assume-role names the role to act as each member through".into(),
        ));
    };
    let fanning = Selection {
        accounts_from: Some(accounts.join(",")),
        assume_role: Some(role.clone()),
        ..selection.clone()
    };
    let mut identities = Vec::new();
    if !accounts.is_empty() {
        // STS is asked who the administrator is first: asked again when it cannot answer now.
        let ask = || Box::pin(fan_out(administrator.identities.clone(), &fanning, options));
        let settled = |fanned: &Result<_, PlanError>| match fanned {
            Ok(_) => true,
            Err(error) => {
                tracing::info!(%error, "reaching the members");
                false
            }
        };
        let (fanned, _) = crate::aws::asked_again(ask().await, 3, ask, settled).await?;
        identities = fanned;
    }
    let regions = RegionChoice::These(administrator.regions.clone());
    let mut plan = plan::plan(
        identities,
        &administrator.services,
        &regions,
        administrator.demo,
        options,
    )?;
    plan.limits = administrator.limits;
    Ok(plan)
}

/// `--accounts` with `--assume-role`: one identity per account, each reached by assuming the
/// role as the base identity — except the base identity's own account, reached as itself (a
/// management account has no `OrganizationAccountAccessRole`). Each is named by its account.
/// The organization's first page of accounts is waited for (a caller who may not list them
/// learns it at once); the rest arrive as they are listed.
async fn fan_out(
    identities: Vec<Identity>,
    selection: &Selection,
    options: &AdapterOptions,
) -> Result<(Vec<Identity>, Option<Arriving>), PlanError> {
    let (Some(accounts), Some(role)) = (&selection.accounts_from, &selection.assume_role) else {
        return Ok((identities, None));
    };
    let [base] = identities.as_slice() else {
        return Err(PlanError(
            "--accounts fans out from one identity: pass at most one --profile".into(),
        ));
    };
    let source =
        AccountSource::parse(accounts).map_err(|e| PlanError(format!("--accounts: {e}")))?;
    // STS and Organizations need a region to sign for, even where the profile names none.
    let first = selection.regions.iter().find(|r| *r != "all");
    let calls = crate::aws::with_signing_region(&base.config, first.map(String::as_str));
    let mut pages = crate::aws::organizations::AccountPages::new(&calls);
    let organization = matches!(source, AccountSource::Organization);
    let (own, first) = tokio::join!(crate::aws::caller_account(&calls), async {
        if organization {
            pages.next().await
        } else {
            None
        }
    });
    let own = own.map_err(|e| {
        PlanError(format!(
            "the identity to fan out from ({}): {e}",
            base.profile
        ))
    })?;
    let pace = crate::aws::assume::Paced {
        pace: options.pace.clone(),
        caller: own.clone(),
        region: calls
            .region()
            .map_or_else(|| "us-east-1".to_owned(), |r| r.to_string()),
    };
    let reach = Reach {
        clients: crate::aws::clients::Clients::like(&base.config),
        base: base.clone(),
        sts: aws_sdk_sts::Client::new(&calls),
        pace,
        own,
        role: role.clone(),
        session_name: selection.role_session_name.clone(),
        external_id: selection.external_id.clone(),
        mfa: selection
            .mfa_serial
            .clone()
            .zip(selection.mfa_code.clone())
            .map(|(serial, code)| crate::aws::assume::Mfa { serial, code }),
    };
    if !organization {
        let listed = source
            .read()
            .map_err(|e| PlanError(format!("--accounts: {e}")))?
            .into_iter()
            .map(|id| (id, None))
            .collect();
        let fanned = reach.identities(listed).await;
        tracing::info!(accounts = fanned.len(), role = %role, "fanned out");
        return Ok((fanned, None));
    }
    let first = first
        .unwrap_or(Ok(Vec::new()))
        .map_err(|e| PlanError(format!("--accounts org: {e}")))?;
    let fanned = reach.identities(active(first)).await;
    let (more, arriving) = mpsc::channel(64);
    let mut listed = fanned.len();
    tokio::spawn(async move {
        while let Some(page) = pages.next().await {
            let identities = match page {
                Ok(accounts) => Ok(reach.identities(active(accounts)).await),
                Err(e) => Err(PlanError(format!(
                    "--accounts org: the organization's accounts stopped arriving after {listed}: {e}"
                ))),
            };
            listed += identities.as_ref().map_or(0, Vec::len);
            if more.send(identities).await.is_err() {
                return;
            }
        }
        tracing::info!(
            accounts = listed,
            "every account of the organization listed"
        );
    });
    tracing::info!(accounts = fanned.len(), role = %role, "fanning out as accounts arrive");
    Ok((fanned, Some(arriving)))
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
