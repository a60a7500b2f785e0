//! One file per subcommand, each `run(...) -> ExitCode`; `main` only dispatches.

pub mod answer;
pub mod ask;
pub mod check;
pub mod completions;
pub mod config;
pub mod coverage;
pub mod dashboard;
pub mod history;
pub mod iam_policy;
pub mod invite;
pub mod list;
pub mod man;
pub mod members;
pub mod onboard;
pub mod output;
pub mod reconcile;
pub mod remove;
pub mod sandbox;

use std::sync::Arc;

use crate::audit::{self, AuditLog};
use crate::aws::AdapterOptions;
use crate::cli::Selection;

/// For commands that only look: every change refused, so nothing to audit.
fn looking() -> AdapterOptions {
    AdapterOptions {
        read_only: true,
        audit: None,
        ..AdapterOptions::default()
    }
}

/// Read-only needs no audit log; anything that may change something must have one.
fn adapter_options(selection: &Selection) -> Result<AdapterOptions, String> {
    if selection.read_only {
        return Ok(looking());
    }
    let path = audit::default_path();
    match AuditLog::open(&path) {
        Ok(log) => Ok(AdapterOptions {
            read_only: false,
            audit: Some(Arc::new(log)),
            ..AdapterOptions::default()
        }),
        Err(error) => Err(format!(
            "cannot open the audit log {}: {error}; run with --read-only to change nothing",
            path.display()
        )),
    }
}
