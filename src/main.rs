use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use color_eyre::eyre::{Result, WrapErr};
use guestlist::cli::{Cli, Command, SandboxArgs};
use guestlist::sandbox::{self, SandboxConfig, Scenario};

fn main() -> Result<ExitCode> {
    color_eyre::install()?;
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .wrap_err("cannot start the async runtime")?;
    match cli.command {
        Some(Command::Sandbox(args)) => runtime.block_on(run_sandbox(args)),
        None => {
            use clap::CommandFactory;
            Cli::command().print_help()?;
            Ok(ExitCode::SUCCESS)
        }
    }
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
