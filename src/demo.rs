//! `--demo`: the built-in sandbox with the demo scenario, and who guestlist acts as in it.

use crate::aws;
use crate::plan::{Identity, PlanError};
use crate::sandbox::{self, SandboxConfig, SandboxHandle, Scenario};

/// The identity `--demo` acts as unless `--profile` names another demo account.
pub const DEMO_PROFILE: &str = "demo";
pub const DEMO_MEMBER_ACCOUNT: &str = "444455556666";
/// The demo's regions, and one its member has not enabled.
pub const DEMO_REGIONS: [&str; 5] = [
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "ap-southeast-2",
    "me-south-1",
];

/// Starts the demo sandbox on loopback.
pub async fn start() -> Result<(Scenario, SandboxHandle), PlanError> {
    let scenario = Scenario::demo();
    let sandbox = sandbox::start(SandboxConfig::local(scenario.clone()))
        .await
        .map_err(|e| PlanError(format!("cannot start the demo sandbox: {e}")))?;
    Ok((scenario, sandbox))
}

/// Identities in the demo sandbox: `demo` is the member; other names are the demo's accounts.
pub async fn identities(
    scenario: &Scenario,
    profiles: &[String],
    endpoint_url: &str,
) -> Result<Vec<Identity>, PlanError> {
    let names: Vec<String> = if profiles.is_empty() {
        vec![DEMO_PROFILE.to_owned()]
    } else {
        profiles.to_vec()
    };
    let mut identities = Vec::new();
    for name in names {
        let account = if name == DEMO_PROFILE {
            DEMO_MEMBER_ACCOUNT.to_owned()
        } else {
            scenario
                .accounts
                .iter()
                .find(|a| a.name.as_deref() == Some(name.as_str()) || a.id == name)
                .map(|a| a.id.clone())
                .ok_or_else(|| {
                    let known: Vec<&str> = scenario
                        .accounts
                        .iter()
                        .filter_map(|a| a.name.as_deref())
                        .collect();
                    PlanError(format!(
                        "with --demo, --profile names a demo account ({}), not '{name}'",
                        known.join(", ")
                    ))
                })?
        };
        // A 12-digit access key id acts as that account in the sandbox.
        let config = aws::sandbox_config(endpoint_url, &account, DEMO_REGIONS[0]).await;
        identities.push(Identity::new(name, config));
    }
    Ok(identities)
}
