//! The binary: parse the command line, load the configuration, and dispatch to a command.

use std::process::ExitCode;

use color_eyre::eyre::{Result, WrapErr};

use guestlist::cli::{Cli, Command, DashboardArgs, ParseFailure, Selection};
use guestlist::commands::{self, output};
use guestlist::config::{self, Config};
use guestlist::model::Response;

/// mimalloc: an organization's fan-out spends a quarter less CPU than under glibc's malloc
/// (`cargo bench -- organization`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's defaults keep freed memory for a while and commit arenas whole: 78 MB resident for
/// the dashboard's 10,000 rows instead of 31 MB. Committing on demand and giving back at once
/// keeps it under 40 MB (`cargo bench -- footprint`). `MIMALLOC_*` variables still win.
///
/// mimalloc reads its options in its own constructor (priority 101), before `main`, so this runs
/// from an earlier slot of the ELF `.init_array`; elsewhere mimalloc's defaults stand.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array.00100")]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

// mimalloc.h's `mi_option_t`: the crate does not name these two.
#[cfg(target_os = "linux")]
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
#[cfg(target_os = "linux")]
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

#[cfg(target_os = "linux")]
extern "C" fn tune_allocator() {
    // SAFETY: options are plain integers, set before any thread exists, as mimalloc asks.
    unsafe {
        libmimalloc_sys::mi_option_set_default(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set_default(PURGE_DELAY, 0);
    }
}

/// A subcommand ends when its work does, so it gives memory back on mimalloc's own schedule
/// (10 ms): giving it back at once is for the dashboard's footprint, and cost an organization's
/// listing ~6% of its CPU in page faults and TLB flushes. `MIMALLOC_PURGE_DELAY` still wins.
fn purge_lazily() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: an option is a plain integer, set before the runtime's threads start.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 10) }
    }
}

fn main() -> Result<ExitCode> {
    color_eyre::install()?;
    let cli = match Cli::parse_from_args(std::env::args_os()) {
        Ok(cli) => cli,
        // Bad arguments mean nothing was done: exit 1, as `list` does; 2 means partial results.
        Err(ParseFailure::Clap(error)) if error.use_stderr() => {
            let _ = error.print();
            return Ok(ExitCode::from(1));
        }
        Err(ParseFailure::Clap(help_or_version)) => {
            help_or_version.print()?;
            return Ok(ExitCode::SUCCESS);
        }
        Err(ParseFailure::Refused(reason)) => return Ok(output::refuse(reason)),
    };
    // Commands that need neither configuration nor network.
    match &cli.command {
        Some(Command::Completions { shell }) => return Ok(commands::completions::run(*shell)?),
        Some(Command::Man) => return Ok(commands::man::run()?),
        Some(Command::Config { config, action }) => {
            return Ok(commands::config::run(config.as_deref(), action)?);
        }
        Some(Command::IamPolicy(args)) => return Ok(commands::iam_policy::run(args)?),
        _ => {}
    }
    let config_path = cli
        .selection()
        .config
        .clone()
        .unwrap_or_else(config::default_path);
    let config = match Config::load(&config_path) {
        Ok(config) => config,
        Err(error) => return Ok(output::refuse(error)),
    };
    let mut cli = cli;
    apply_config(&mut cli, &config);
    // The MFA code is asked before anything starts (the dashboard takes the terminal), once.
    let selection = selection_mut(&mut cli);
    if let Some(serial) = selection.mfa_serial.clone()
        && selection.assume_role.is_some()
    {
        match commands::ask::mfa_code(&serial) {
            Ok(code) => selection.mfa_code = Some(code),
            Err(error) => return Ok(output::refuse(error)),
        }
    }
    // Logging is a help, not a requirement: a log that cannot be opened is said once, and ignored.
    let log_path = match guestlist::logging::init(cli.selection().log_level) {
        Ok(path) => path,
        Err(error) => {
            eprintln!("guestlist: {error}; continuing without a log");
            None
        }
    };
    if cli.command.is_some() {
        purge_lazily();
    }
    // Listings run on a thread per core, each on its own (see guestlist::lanes).
    guestlist::lanes::Lanes::install().wrap_err("cannot start the listing threads")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .wrap_err("cannot start the async runtime")?;
    let cli = &cli;
    let selection = cli.selection();
    runtime.block_on(async move {
        Ok(match &cli.command {
            None => commands::dashboard::run(selection, &cli.dashboard, &config, log_path).await?,
            Some(Command::List(args)) => commands::list::run(selection, args).await?,
            Some(Command::Members(args)) => commands::members::run(selection, args).await?,
            Some(Command::Accept(args)) => {
                commands::answer::run(selection, Response::Accept, args).await
            }
            Some(Command::Decline(args)) => {
                commands::answer::run(selection, Response::Decline, args).await
            }
            Some(Command::Delete(args)) => {
                commands::answer::run(selection, Response::Delete, args).await
            }
            Some(Command::Invite(args)) => commands::invite::run(selection, args).await,
            Some(Command::Remove(args)) => commands::remove::run(selection, args).await,
            Some(Command::Sandbox(args)) => commands::sandbox::run(args).await?,
            Some(Command::Check(args)) => commands::check::run(selection, args).await?,
            Some(Command::Coverage(args)) => commands::coverage::run(selection, args).await?,
            Some(Command::Reconcile(args)) => commands::reconcile::run(selection, args).await?,
            Some(Command::Onboard(args)) => commands::onboard::run(selection, args).await?,
            Some(Command::History(args)) => commands::history::run(selection, args).await?,
            Some(
                Command::Config { .. }
                | Command::Completions { .. }
                | Command::Man
                | Command::IamPolicy(_),
            ) => {
                unreachable!("answered before the runtime starts")
            }
        })
    })
}

/// The selection the command acts on: its own, or the dashboard's.
fn selection_mut(cli: &mut Cli) -> &mut Selection {
    match cli.command.as_mut().and_then(Command::selection_mut) {
        Some(selection) => selection,
        None => &mut cli.selection,
    }
}

/// Where the command line says nothing, the configuration file does.
fn apply_config(cli: &mut Cli, config: &Config) {
    let dashboard: &mut DashboardArgs = &mut cli.dashboard;
    if dashboard.refresh.is_none() {
        dashboard.refresh = config.refresh.map(guestlist::cli::Refresh);
    }
    dashboard.bell |= config.bell;
    // A role without accounts is for onboarding: only the dashboard and `onboard` take it;
    // `onboard` reaches its roster, never the file's accounts.
    let onboard = matches!(cli.command, Some(Command::Onboard(_)));
    let onboards = onboard || (cli.command.is_none() && cli.dashboard.roster.is_some());
    let selection = selection_mut(cli);
    if selection.profiles.is_empty() {
        selection.profiles = config.profiles.clone();
    }
    if selection.regions.is_empty() {
        selection.regions = config.regions.clone();
    }
    if selection.services.is_empty() {
        selection.services = config.services.clone();
    }
    if selection.trust.is_empty() {
        selection.trust = config.trust.clone();
    }
    // The fan-out: the command line's, else the file's, as a whole.
    if selection.accounts_from.is_none()
        && selection.assume_role.is_none()
        && (config.accounts.is_some() || onboards)
    {
        selection.accounts_from = config.accounts.clone().filter(|_| !onboard);
        selection.assume_role = config.assume_role.clone();
        selection.external_id = config.external_id.clone();
        if let Some(name) = &config.role_session_name {
            selection.role_session_name = name.clone();
        }
        selection.mfa_serial = config.mfa_serial.clone();
    }
}
