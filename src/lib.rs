//! guestlist: a terminal dashboard for the membership invitations of AWS Security Hub,
//! GuardDuty, Detective and Macie, and the local sandbox that speaks their wire protocol.
//!
//! Dependencies run one way: `model` ← `aws` ← `plan`/`fetch`/`answering` ← `app` ← `ui` ←
//! `tui`/`commands`. `sandbox` depends on none of them.

pub mod accounts;
pub mod answering;
pub mod app;
pub mod audit;
pub mod aws;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod export;
pub mod fetch;
pub mod format;
pub mod invitees;
pub mod lanes;
pub mod logging;
pub mod model;
pub mod onboarding;
pub mod plan;
pub mod reconciling;
pub mod roster;
pub mod sandbox;
pub mod session;
pub mod tui;
pub mod ui;
pub mod validate;
