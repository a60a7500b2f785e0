//! The dashboard: `guestlist` without a subcommand.

use std::io::IsTerminal;
use std::process::ExitCode;

use super::output;
use crate::app::{AppState, Settings};
use crate::cli::{DashboardArgs, Selection};
use crate::config::Config;
use crate::roster::RosterSource;
use crate::{session, tui};

pub async fn run(
    selection: &Selection,
    dashboard: &DashboardArgs,
    config: &Config,
    log_path: Option<std::path::PathBuf>,
) -> color_eyre::Result<ExitCode> {
    if !std::io::stdout().is_terminal() {
        eprintln!("guestlist: the dashboard needs a terminal; for scripts use `guestlist list`");
        return Ok(ExitCode::from(1));
    }
    let options = match super::adapter_options(selection) {
        Ok(options) => options,
        Err(error) => return Ok(output::refuse(error)),
    };
    let roster = match dashboard
        .roster
        .as_deref()
        .map(RosterSource::parse)
        .transpose()
    {
        Ok(roster) => roster,
        Err(error) => return Ok(output::refuse(format!("--roster: {error}"))),
    };
    // `--assume-role` without `--accounts` is the role the matrix onboards members through;
    // the dashboard itself acts as the administrator.
    let onboarder = match (&selection.accounts_from, &selection.assume_role, &roster) {
        (None, Some(_), Some(_)) => Some(tui::Onboarder {
            selection: selection.clone(),
            options: options.clone(),
        }),
        (None, Some(_), None) => {
            return Ok(output::refuse(
                "--assume-role needs --accounts to fan out to, or --roster to onboard",
            ));
        }
        _ => None,
    };
    let administrator = match &onboarder {
        Some(_) => Selection {
            assume_role: None,
            external_id: None,
            mfa_serial: None,
            ..selection.clone()
        },
        None => selection.clone(),
    };
    let selection = &administrator;
    // Resolving profiles and regions may ask the network: the first frame does not wait for it.
    let prepare = async {
        let mut session = session::prepare(selection, &options)
            .await
            .map_err(|e| e.to_string())?;
        let roster = match &roster {
            Some(roster) => {
                let administrators = session.plan.accounts().await;
                crate::roster::load(Some(roster), &session.plan, &administrators).await?
            }
            None => Vec::new(),
        };
        let arriving = session.arriving.take();
        let plan = session.plan.clone();
        let settings = Settings {
            demo: plan.demo,
            read_only: options.read_only,
            audit_path: options.audit.as_ref().map(|log| log.path().to_owned()),
            log_path,
            keymap: config.keymap.clone(),
            clock: config.clock,
            dates: config.dates,
            // NO_COLOR (any non-empty value) wins over the theme: https://no-color.org
            color: config.color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            refresh: dashboard.refresh.and_then(|r| r.0),
            bell: dashboard.bell,
            fan_out: selection.accounts_from.is_some(),
            trust: selection.trust_policy(),
            roster,
            onboard_role: onboarder
                .as_ref()
                .and_then(|o| o.selection.assume_role.clone()),
        };
        let mut state = AppState::new(
            plan.sources.iter().map(|s| s.id.clone()),
            plan.identities.iter().map(|i| i.profile.clone()),
            plan.services.clone(),
            plan.regions.clone(),
            settings,
            chrono::Utc::now(),
        );
        state.account_names = plan
            .identities
            .iter()
            .filter_map(crate::plan::Identity::named)
            .collect();
        Ok(tui::Prepared {
            keep: session,
            plan,
            arriving,
            state,
            onboarder,
        })
    };
    match tui::run(prepare, selection.concurrency).await? {
        Ok(()) | Err(tui::Stopped::Quit) => Ok(ExitCode::SUCCESS),
        Err(tui::Stopped::Refused(message)) => Ok(output::refuse(message)),
        // As a shell reports a process a signal ended: 128 + its number.
        Err(tui::Stopped::Signal(signal)) => Ok(ExitCode::from(128 + signal as u8)),
    }
}
