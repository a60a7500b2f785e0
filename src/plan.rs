//! From the command line's selectors to the sources to list: identities × services × regions.

use std::fmt;

use std::sync::Arc;

use aws_config::SdkConfig;
use aws_credential_types::provider::SharedCredentialsProvider;

use crate::aws::paging::Limits;
use crate::aws::regions::{self, Partition};
use crate::aws::{self, AdapterOptions, ServiceAdapter};
use crate::model::{ServiceKind, SourceId};

/// The profile name shown for the default credential chain.
pub const DEFAULT_PROFILE: &str = "default";

/// An identity to list as: a profile name and its configuration.
#[derive(Clone)]
pub struct Identity {
    pub profile: String,
    pub config: SdkConfig,
    /// Whose regions `--region all` means: from the configured region until STS says.
    pub partition: Partition,
    /// The account's name, where it is known (its organization lists it).
    pub name: Option<String>,
    /// The clients it shares with the rest of its fan-out, and its own credentials for them.
    pub fleet: Option<Fleet>,
}

/// What the identities of one fan-out share: one client per service and region, each request
/// signed with the sending identity's own (cached) credentials.
#[derive(Clone)]
pub struct Fleet {
    pub clients: Arc<aws::clients::Clients>,
    pub signer: SharedCredentialsProvider,
}

impl Identity {
    /// Its profile and the account's name, where the organization gives one.
    pub fn named(&self) -> Option<(String, String)> {
        Some((self.profile.clone(), self.name.clone()?))
    }

    pub fn new(profile: String, config: SdkConfig) -> Identity {
        let partition = config
            .region()
            .map_or(Partition::Aws, |r| Partition::of_region(r.as_ref()));
        Identity {
            profile,
            config,
            partition,
            name: None,
            fleet: None,
        }
    }
}

/// Each identity's partition from STS, all at once. One STS cannot answer keeps the partition
/// of its configured region: its sources then say why they could not be listed.
pub async fn with_partitions(identities: Vec<Identity>) -> Result<Vec<Identity>, PlanError> {
    let lookups = identities.into_iter().map(|identity| async move {
        match aws::caller_partition(&identity.config).await {
            Ok(partition) => Ok(Identity {
                partition,
                ..identity
            }),
            Err(error) if error.code == "UnknownPartition" => Err(PlanError(format!(
                "profile '{}': {}",
                identity.profile, error.message
            ))),
            Err(error) => {
                tracing::info!(profile = %identity.profile, %error, "partition from the configured region");
                Ok(identity)
            }
        }
    });
    futures_util::future::join_all(lookups)
        .await
        .into_iter()
        .collect()
}

/// A source and how its adapter is had.
#[derive(Clone)]
pub struct PlannedSource {
    pub id: SourceId,
    adapter: AdapterSource,
}

/// An adapter holds an SDK client, tens of kilobytes: a plan of many thousand sources builds
/// each when it is used and lets it go after, so memory follows what is in flight, not the plan.
#[derive(Clone)]
enum AdapterSource {
    Built(Arc<dyn ServiceAdapter>),
    /// The identity's configuration, shared by all its sources; the region is the source's.
    OnUse(Arc<(SdkConfig, AdapterOptions)>),
    /// A client of the identity's fan-out, shared with its other identities.
    Fleet(Arc<(Fleet, AdapterOptions)>),
}

impl PlannedSource {
    /// A source listed through `adapter` (a test's, say).
    pub fn with_adapter(id: SourceId, adapter: Arc<dyn ServiceAdapter>) -> Self {
        Self {
            id,
            adapter: AdapterSource::Built(adapter),
        }
    }

    /// Its adapter: hold it for as long as the work that needs it.
    pub fn adapter(&self) -> Arc<dyn ServiceAdapter> {
        match &self.adapter {
            AdapterSource::Built(adapter) => adapter.clone(),
            AdapterSource::OnUse(identity) => {
                let (config, options) = &**identity;
                let config = aws::with_region(config, &self.id.region);
                aws::adapter_for(self.id.service, &config, &self.id.profile, options)
            }
            AdapterSource::Fleet(identity) => {
                let (fleet, options) = &**identity;
                let id = &self.id;
                let signer = fleet.signer.clone();
                aws::shared_adapter(
                    id.service,
                    &id.region,
                    &id.profile,
                    &fleet.clients,
                    signer,
                    options,
                )
            }
        }
    }
}
/// Which regions to look in.
#[derive(Debug, Clone, PartialEq)]
pub enum RegionChoice {
    /// Each identity's configured region.
    Default,
    /// Every region where each service exists.
    All,
    These(Vec<String>),
}

impl RegionChoice {
    /// From the values of `--region`: `all` anywhere means all.
    pub fn from_args(regions: &[String]) -> Self {
        if regions.is_empty() {
            RegionChoice::Default
        } else if regions.iter().any(|r| r == "all") {
            RegionChoice::All
        } else {
            let mut unique = Vec::new();
            for region in regions {
                if !unique.contains(region) {
                    unique.push(region.clone());
                }
            }
            RegionChoice::These(unique)
        }
    }
}

/// What to list, resolved.
#[derive(Clone)]
pub struct Plan {
    pub identities: Vec<Identity>,
    pub sources: Vec<PlannedSource>,
    pub services: Vec<ServiceKind>,
    pub regions: Vec<String>,
    /// The regions as chosen, for identities that arrive later.
    pub choice: RegionChoice,
    pub demo: bool,
    /// How far each source's listing may go.
    pub limits: Limits,
    /// How its adapters were built: a plan made again at runtime builds them alike.
    pub options: AdapterOptions,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanError(pub String);

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PlanError {}

/// The services asked for, in a stable order, all three when none.
pub fn services_or_all(services: &[ServiceKind]) -> Vec<ServiceKind> {
    if services.is_empty() {
        return ServiceKind::ALL.to_vec();
    }
    ServiceKind::ALL
        .into_iter()
        .filter(|s| services.contains(s))
        .collect()
}

/// Identities for real AWS: one per `--profile`, or the default chain.
pub async fn aws_identities(profiles: &[String], endpoint_url: Option<&str>) -> Vec<Identity> {
    if profiles.is_empty() {
        let profile = std::env::var("AWS_PROFILE").unwrap_or_else(|_| DEFAULT_PROFILE.to_owned());
        let config = aws::profile_config(None, endpoint_url).await;
        return vec![Identity::new(profile, config)];
    }
    let files = aws::profile_files::ProfileSections::read();
    let mut identities = Vec::new();
    for profile in profiles {
        if identities.iter().any(|i: &Identity| &i.profile == profile) {
            continue;
        }
        let config = aws::profile_config(Some((profile, &files)), endpoint_url).await;
        identities.push(Identity::new(profile.clone(), config));
    }
    identities
}

impl Plan {
    /// The same identities, adapters built alike, for other regions, services or fewer
    /// profiles: what the dashboard's `:region`, `:service` and `:profile` change at runtime.
    pub fn again(
        &self,
        profiles: &[String],
        services: &[ServiceKind],
        regions: &[String],
    ) -> Result<Plan, PlanError> {
        let identities: Vec<Identity> = self
            .identities
            .iter()
            .filter(|i| profiles.contains(&i.profile))
            .cloned()
            .collect();
        if identities.is_empty() {
            return Err(PlanError("no profile left to look as".into()));
        }
        let regions = RegionChoice::from_args(regions);
        let mut plan = plan(identities, services, &regions, self.demo, &self.options)?;
        plan.limits = self.limits;
        Ok(plan)
    }

    /// The account of each identity, from STS, asked once per identity and all at once.
    /// An identity STS cannot name is left out: its changes are audited without an account.
    pub async fn accounts(&self) -> std::collections::HashMap<String, String> {
        let lookups = self.identities.iter().map(|identity| async move {
            let account = aws::caller_account(&identity.config).await.ok();
            account.map(|account| (identity.profile.clone(), account))
        });
        futures_util::future::join_all(lookups)
            .await
            .into_iter()
            .flatten()
            .collect()
    }
}

/// Every source to list: each identity, in each region where each service is looked at.
pub fn plan(
    identities: Vec<Identity>,
    services: &[ServiceKind],
    regions: &RegionChoice,
    demo: bool,
    options: &AdapterOptions,
) -> Result<Plan, PlanError> {
    let mut plan = Plan {
        identities: Vec::new(),
        sources: Vec::new(),
        services: services_or_all(services),
        regions: Vec::new(),
        choice: regions.clone(),
        demo,
        limits: Limits::default(),
        options: options.clone(),
    };
    plan.extend(identities)?;
    Ok(plan)
}

impl Plan {
    /// Adds `identities` and their sources, planned as the rest were (accounts of an
    /// organization arrive a page at a time); returns the sources added.
    pub fn extend(&mut self, identities: Vec<Identity>) -> Result<Vec<PlannedSource>, PlanError> {
        let mut added = Vec::new();
        for identity in &identities {
            let adapters = match &identity.fleet {
                Some(fleet) => {
                    AdapterSource::Fleet(Arc::new((fleet.clone(), self.options.clone())))
                }
                None => {
                    AdapterSource::OnUse(Arc::new((identity.config.clone(), self.options.clone())))
                }
            };
            for &service in &self.services {
                let regions: Vec<String> = match &self.choice {
                    RegionChoice::All => regions::all(identity.partition, service)
                        .map_err(PlanError)?
                        .into_iter()
                        .map(str::to_owned)
                        .collect(),
                    RegionChoice::These(regions) => regions.clone(),
                    RegionChoice::Default => match identity.config.region() {
                        Some(region) => vec![region.to_string()],
                        None => {
                            return Err(PlanError(format!(
                                "no region for profile '{}': pass --region (e.g. --region us-east-1 or --region all) or set one in the profile or AWS_REGION",
                                identity.profile
                            )));
                        }
                    },
                };
                for region in regions {
                    if !self.regions.contains(&region) {
                        self.regions.push(region.clone());
                    }
                    let id = SourceId {
                        profile: identity.profile.clone(),
                        region,
                        service,
                    };
                    let adapter = adapters.clone();
                    added.push(PlannedSource { id, adapter });
                }
            }
        }
        self.sources.extend(added.iter().cloned());
        self.identities.extend(identities);
        Ok(added)
    }
}

/// `--region` values: `all`, or well-formed region names, comma-separated or repeated.
pub fn parse_region(text: &str) -> Result<String, String> {
    let region = text.trim().to_ascii_lowercase();
    if region == "all" || regions::is_well_formed(&region) {
        Ok(region)
    } else {
        Err(format!(
            "'{text}' is not a region name: use names like us-east-1 or eu-west-2, or 'all'"
        ))
    }
}
