use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use color_eyre::eyre::{Result, WrapErr};
use std::sync::Arc;

use guestlist::actions::Response;
use guestlist::app::AppState;
use guestlist::audit::{self, AuditLog};
use guestlist::aws::AdapterOptions;
use guestlist::cli::{
    AnswerArgs, Cli, Command, ConfigAction, InviteArgs, ListArgs, SandboxArgs, Selection,
};
use guestlist::config::{self, Config};
use guestlist::sandbox::{self, SandboxConfig, Scenario};
use guestlist::{answer, list, members, session, tui};

fn main() -> Result<ExitCode> {
    color_eyre::install()?;
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Bad arguments mean nothing was done: exit 1, as `list` does; 2 means partial results.
        Err(error) if error.use_stderr() => {
            let _ = error.print();
            return Ok(ExitCode::from(1));
        }
        Err(help_or_version) => {
            help_or_version.print()?;
            return Ok(ExitCode::SUCCESS);
        }
    };
    // Commands that need neither configuration nor network.
    match &cli.command {
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "guestlist", &mut script);
            return print_all(&script);
        }
        Some(Command::Man) => {
            use clap::CommandFactory;
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut page)?;
            return print_all(&page);
        }
        Some(Command::Config { action }) => return config_command(&cli.selection, action),
        _ => {}
    }
    let config_path = cli
        .selection
        .config
        .clone()
        .unwrap_or_else(config::default_path);
    let config = match Config::load(&config_path) {
        Ok(config) => config,
        Err(error) => return Ok(refuse(error)),
    };
    let mut cli = cli;
    apply_config(&mut cli.selection, &config);
    // Logging is a help, not a requirement: a log that cannot be opened is said once, and ignored.
    let log_path = match guestlist::logging::init(cli.selection.log_level) {
        Ok(path) => path,
        Err(error) => {
            eprintln!("guestlist: {error}; continuing without a log");
            None
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .wrap_err("cannot start the async runtime")?;
    runtime.block_on(async move {
        match cli.command {
            Some(Command::Sandbox(args)) => run_sandbox(args).await,
            Some(Command::List(args)) => run_list(&cli.selection, args).await,
            Some(Command::Accept(args)) => {
                run_answer(&cli.selection, Response::Accept, &args).await
            }
            Some(Command::Decline(args)) => {
                run_answer(&cli.selection, Response::Decline, &args).await
            }
            Some(Command::Delete(args)) => {
                run_answer(&cli.selection, Response::Delete, &args).await
            }
            Some(Command::Invite(args)) => run_invite(&cli.selection, &args).await,
            Some(Command::Members(args)) => run_members(&cli.selection, args).await,
            None => run_dashboard(&cli.selection, &config, log_path).await,
            Some(Command::Config { .. } | Command::Completions { .. } | Command::Man) => {
                unreachable!("answered before the runtime starts")
            }
        }
    })
}

/// Says why a command cannot go on; it ends with exit 1, nothing having been sent.
fn refuse(reason: impl std::fmt::Display) -> ExitCode {
    eprintln!("guestlist: {reason}");
    ExitCode::from(1)
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
fn print_all(bytes: &[u8]) -> Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Read-only needs no audit log; anything that may change something must have one.
fn adapter_options(selection: &Selection) -> Result<AdapterOptions, String> {
    if selection.read_only {
        return Ok(AdapterOptions {
            read_only: true,
            audit: None,
        });
    }
    let path = audit::default_path();
    match AuditLog::open(&path) {
        Ok(log) => Ok(AdapterOptions {
            read_only: false,
            audit: Some(Arc::new(log)),
        }),
        Err(error) => Err(format!(
            "cannot open the audit log {}: {error}; run with --read-only to change nothing",
            path.display()
        )),
    }
}

/// Where the command line says nothing, the configuration file does.
fn apply_config(selection: &mut Selection, config: &Config) {
    if selection.profiles.is_empty() {
        selection.profiles = config.profiles.clone();
    }
    if selection.regions.is_empty() {
        selection.regions = config.regions.clone();
    }
    if selection.services.is_empty() {
        selection.services = config.services.clone();
    }
    if selection.refresh.is_none() {
        selection.refresh = config.refresh.map(guestlist::cli::Refresh);
    }
    selection.bell |= config.bell;
}

fn config_command(selection: &Selection, action: &ConfigAction) -> Result<ExitCode> {
    let path = selection
        .config
        .clone()
        .unwrap_or_else(config::default_path);
    match action {
        ConfigAction::Path => println!("{}", path.display()),
        ConfigAction::Init { force } => {
            if path.exists() && !force {
                eprintln!(
                    "guestlist: {} exists; --force overwrites it",
                    path.display()
                );
                return Ok(ExitCode::from(1));
            }
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, config::TEMPLATE)?;
            println!("wrote {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn run_dashboard(
    selection: &Selection,
    config: &Config,
    log_path: Option<std::path::PathBuf>,
) -> Result<ExitCode> {
    if !std::io::stdout().is_terminal() {
        eprintln!("guestlist: the dashboard needs a terminal; for scripts use `guestlist list`");
        return Ok(ExitCode::from(1));
    }
    let options = match adapter_options(selection) {
        Ok(options) => options,
        Err(error) => return Ok(refuse(error)),
    };
    // Resolving profiles and regions may ask the network: the first frame does not wait for it.
    let prepare = async {
        let session = session::prepare(selection, &options)
            .await
            .map_err(|e| e.to_string())?;
        let plan = session.plan.clone();
        let mut state = AppState::new(
            plan.sources.iter().map(|s| s.id.clone()),
            plan.identities.iter().map(|i| i.profile.clone()),
            plan.services.clone(),
            plan.regions.clone(),
            plan.demo,
            chrono::Utc::now(),
        );
        state.read_only = options.read_only;
        state.audit_path = options.audit.as_ref().map(|log| log.path().to_owned());
        state.log_path = log_path;
        state.keymap = config.keymap.clone();
        state.clock = config.clock;
        state.dates = config.dates;
        // NO_COLOR (any non-empty value) wins over the theme: https://no-color.org
        state.color = config.color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        state.live.interval = selection.refresh.and_then(|r| r.0);
        state.live.bell = selection.bell;
        Ok((session, plan, state))
    };
    match tui::run(prepare, selection.concurrency).await? {
        Ok(()) | Err(tui::Stopped::Quit) => Ok(ExitCode::SUCCESS),
        Err(tui::Stopped::Refused(message)) => {
            eprintln!("guestlist: {message}");
            Ok(ExitCode::from(1))
        }
    }
}

async fn run_answer(
    selection: &Selection,
    response: Response,
    args: &AnswerArgs,
) -> Result<ExitCode> {
    let options = match adapter_options(selection) {
        Ok(options) => options,
        Err(error) => return Ok(refuse(error)),
    };
    match answer::run(selection, response, args, &options).await {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(failure) => {
            if !failure.message.is_empty() {
                eprintln!("guestlist {response}: {}", failure.message);
            }
            Ok(ExitCode::from(failure.code))
        }
    }
}

async fn run_invite(selection: &Selection, args: &InviteArgs) -> Result<ExitCode> {
    // Everything is checked before the first request, even before the audit log is opened.
    let invitees = match members::invitees(selection, args) {
        Ok(invitees) => invitees,
        Err(error) => {
            eprintln!("guestlist invite: {error}");
            return Ok(ExitCode::from(1));
        }
    };
    if selection.regions.iter().any(|r| r == "all") && !args.yes {
        eprintln!("guestlist invite: inviting in every region needs --yes");
        return Ok(ExitCode::from(1));
    }
    let options = match adapter_options(selection) {
        Ok(options) => options,
        Err(error) => return Ok(refuse(error)),
    };
    let session = match session::prepare(selection, &options).await {
        Ok(session) => session,
        Err(error) => return Ok(refuse(error)),
    };
    let places: Vec<String> = session
        .plan
        .sources
        .iter()
        .map(|s| format!("{} {} ({})", s.id.service, s.id.region, s.id.profile))
        .collect();
    let question = format!(
        "Invite {} account(s) as members in {}?",
        invitees.len(),
        places.join(", ")
    );
    if !args.yes {
        match answer::ask(&question) {
            Ok(true) => {}
            Ok(false) => {
                eprintln!("cancelled: nothing was sent");
                return Ok(ExitCode::from(1));
            }
            Err(failure) => {
                eprintln!("guestlist invite: {}", failure.message);
                return Ok(ExitCode::from(1));
            }
        }
    }
    let code = members::invite(&session.plan, &invitees, args.message.as_deref()).await;
    Ok(ExitCode::from(code))
}

async fn run_members(selection: &Selection, args: ListArgs) -> Result<ExitCode> {
    let options = AdapterOptions {
        read_only: true,
        audit: None,
    };
    let session = match session::prepare(selection, &options).await {
        Ok(session) => session,
        Err(error) => return Ok(refuse(error)),
    };
    let listing = members::collect(&session.plan).await;
    for (source, error) in &listing.failures {
        eprintln!(
            "error: {} {} (profile {}): {}: {}",
            source.service.id(),
            source.region,
            source.profile,
            error.code,
            error.message
        );
    }
    let mut stdout = std::io::stdout().lock();
    match members::print(&listing, args.output, &mut stdout).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(ExitCode::from(listing.exit_code()))
}

async fn run_list(selection: &Selection, args: ListArgs) -> Result<ExitCode> {
    // Listing changes nothing, so it never may.
    let options = AdapterOptions {
        read_only: true,
        audit: None,
    };
    let session = match session::prepare(selection, &options).await {
        Ok(session) => session,
        Err(error) => return Ok(refuse(error)),
    };
    let listing = list::collect(&session.plan, selection.concurrency).await;
    list::report_problems(&listing, &mut std::io::stderr().lock())?;
    let mut stdout = std::io::stdout().lock();
    let printed = list::print(&listing, args.output, &mut stdout).and_then(|()| stdout.flush());
    match printed {
        // The reader went away (`| head`): what it wanted, it has.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(ExitCode::from(listing.exit_code()))
}

async fn run_sandbox(args: SandboxArgs) -> Result<ExitCode> {
    let scenario = match Scenario::named_or_path(&args.scenario) {
        Ok(scenario) => scenario,
        Err(error) => {
            eprintln!("guestlist sandbox: {error}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut handle = sandbox::start(SandboxConfig {
        bind: args.bind,
        port: args.port,
        scenario,
    })
    .await
    .wrap_err_with(|| format!("cannot listen on {}:{}", args.bind, args.port))?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on {}", handle.endpoint_url())?;
        stdout.flush()?;
    }
    tokio::select! {
        result = handle.wait() => result.wrap_err("the sandbox stopped")?,
        () = shutdown_signal() => handle.stop().await?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C, or SIGTERM where there is one.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
