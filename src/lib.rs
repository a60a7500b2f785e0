//! guestlist: a terminal dashboard for the membership invitations of AWS Security Hub,
//! GuardDuty and Detective, and the local sandbox that speaks their wire protocol.

pub mod actions;
pub mod answer;
pub mod app;
pub mod audit;
pub mod aws;
pub mod cli;
pub mod config;
pub mod fetch;
pub mod invite;
pub mod list;
pub mod logging;
pub mod members;
pub mod model;
pub mod sandbox;
pub mod session;
pub mod sources;
pub mod tui;
pub mod ui;
pub mod validate;
