//! Logs go to a file in the state directory, never to the terminal the dashboard draws on.
//!
//! Only guestlist's own events follow `--log-level` all the way down: the SDK's layers are held
//! at `info`, because at `debug` and below they print requests, and a request can carry a
//! session token.

use std::path::PathBuf;
use std::sync::Mutex;

use clap::ValueEnum;
use tracing::level_filters::LevelFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum LogLevel {
    Off,
    Error,
    Warn,
    #[default]
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    fn filter(self) -> LevelFilter {
        match self {
            LogLevel::Off => LevelFilter::OFF,
            LogLevel::Error => LevelFilter::ERROR,
            LogLevel::Warn => LevelFilter::WARN,
            LogLevel::Info => LevelFilter::INFO,
            LogLevel::Debug => LevelFilter::DEBUG,
            LogLevel::Trace => LevelFilter::TRACE,
        }
    }
}

pub fn default_path() -> PathBuf {
    crate::audit::state_dir().join("guestlist.log")
}

/// Starts logging to the log file; returns its path, or why it could not be opened.
pub fn init(level: LogLevel) -> Result<Option<PathBuf>, String> {
    if level == LogLevel::Off {
        return Ok(None);
    }
    let path = default_path();
    // Owner-only, like the audit log: it names accounts, profiles and regions.
    let file = crate::audit::private_append(&path)
        .map_err(|e| format!("cannot open the log {}: {e}", path.display()))?;
    let ours = level.filter();
    let theirs = ours.min(LevelFilter::INFO);
    let targets = Targets::new()
        .with_target("guestlist", ours)
        .with_default(theirs);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_target(true);
    tracing_subscriber::registry()
        .with(layer.with_filter(targets))
        .try_init()
        .map_err(|e| format!("cannot start logging: {e}"))?;
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        ?level,
        "guestlist started"
    );
    Ok(Some(path))
}
