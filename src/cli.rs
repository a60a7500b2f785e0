//! The command line, as clap derives it.

use std::net::IpAddr;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "guestlist",
    version,
    about = "Membership invitations of AWS Security Hub, GuardDuty and Detective, across accounts and regions"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve a local AWS-compatible endpoint for the three services' membership APIs (and STS).
    Sandbox(SandboxArgs),
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 4580)]
    pub port: u16,
    /// Address to listen on. Anything but loopback exposes the sandbox to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// The state to start from: `demo`, `empty`, or the path of a scenario TOML file.
    #[arg(long, default_value = "demo", value_name = "demo|empty|PATH")]
    pub scenario: String,
}
