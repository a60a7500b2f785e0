//! Every integration test in one binary, so the SDK is linked once: a module per kind.

// A test may unwrap: a panic there is a failure, with its line.
#![allow(clippy::unwrap_used)]

mod common;

mod actions;
mod admin_commands;
mod answer_command;
mod app_update;
mod coverage;
mod faults;
mod fetch;
mod history;
mod hostile;
mod list_command;
mod live_and_config;
mod macie;
mod onboard;
mod properties;
mod reconcile;
mod safety;
mod sandbox_detective;
mod sandbox_guardduty;
mod sandbox_macie;
mod sandbox_organizations;
mod sandbox_protocol;
mod sandbox_securityhub;
mod sandbox_time;
mod terminal;
mod trust;
mod ui_snapshots;
