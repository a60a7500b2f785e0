//! `guestlist sandbox`: serve the local endpoint until Ctrl-C or SIGTERM.

use std::io::Write;
use std::process::ExitCode;

use super::output;
use crate::cli::SandboxArgs;
use crate::sandbox::{self, SandboxConfig, Scenario};

pub async fn run(args: &SandboxArgs) -> std::io::Result<ExitCode> {
    // Nothing was served: exit 1, as every command does when it could do nothing.
    let scenario = match Scenario::named_or_path(&args.scenario) {
        Ok(scenario) => scenario,
        Err(error) => return Ok(output::refuse(format_args!("sandbox: {error}"))),
    };
    if !args.bind.is_loopback() {
        output::warn(format_args!(
            "guestlist sandbox: warning: listening on {}, not loopback: anyone who can reach it can \
             read and change the sandbox, which checks no signature",
            args.bind
        ));
    }
    let stop = shutdown_signal()?;
    let started = sandbox::start(SandboxConfig {
        bind: args.bind,
        port: args.port,
        scenario,
        read_timeout: sandbox::READ_TIMEOUT,
    })
    .await;
    let mut handle = match started {
        Ok(handle) => handle,
        Err(error) => {
            return Ok(output::refuse(format_args!(
                "sandbox: cannot listen on {}:{}: {error}",
                args.bind, args.port
            )));
        }
    };
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on {}", handle.endpoint_url())?;
        stdout.flush()?;
    }
    tokio::select! {
        result = handle.wait() => result?,
        () = stop => handle.stop().await?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C, or SIGTERM where there is one. The handlers are registered when this is called, so
/// a signal sent as soon as the sandbox says where it listens is not lost.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = interrupt.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
