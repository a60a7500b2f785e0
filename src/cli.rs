//! The command line, as clap derives it.

use std::net::IpAddr;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::aws::paging::Limits;
use crate::fetch::DEFAULT_CONCURRENCY;
use crate::model::ServiceKind;
use crate::plan::parse_region;

#[derive(Debug, Parser)]
#[command(
    name = "guestlist",
    version,
    about = "Membership invitations of AWS Security Hub, GuardDuty and Detective, across accounts and regions",
    after_help = "Without a command, opens the dashboard. Try `guestlist --demo`: no AWS account needed."
)]
pub struct Cli {
    #[command(flatten)]
    pub selection: Selection,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where to look: the same for the dashboard and every command.
#[derive(Debug, Clone, Default, Args)]
pub struct Selection {
    /// Run against a built-in sandbox with a demo organisation: no AWS account needed.
    #[arg(long, global = true)]
    pub demo: bool,
    /// An AWS profile to act as; repeat for several identities. Default: the default credential chain.
    #[arg(long = "profile", value_name = "PROFILE", global = true)]
    pub profiles: Vec<String>,
    /// Regions to look in, repeated or comma-separated; `all` for every region where each
    /// service exists. Default: each profile's region.
    #[arg(long = "region", value_name = "REGION", value_delimiter = ',', value_parser = parse_region, global = true)]
    pub regions: Vec<String>,
    /// Services to look at: securityhub, guardduty, detective (repeated or comma-separated). Default: all three.
    #[arg(long = "service", value_name = "SERVICE", value_delimiter = ',', value_parser = parse_service, global = true)]
    pub services: Vec<ServiceKind>,
    /// Send every request to this endpoint instead of AWS (e.g. a `guestlist sandbox`).
    #[arg(long, value_name = "URL", value_parser = parse_endpoint, global = true)]
    pub endpoint_url: Option<String>,
    /// Live mode: refresh every interval (30s, 5m, 1h); 0 or off disables it. Default: off,
    /// or the config file's.
    #[arg(long, value_name = "INTERVAL", value_parser = parse_refresh, global = true)]
    pub refresh: Option<Refresh>,
    /// Ring the terminal bell when a new invitation arrives.
    #[arg(long, global = true)]
    pub bell: bool,
    /// The configuration file (default: config.toml in the platform config directory).
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<std::path::PathBuf>,
    /// Refuse every request that would change anything (checked where requests are sent).
    #[arg(long, global = true)]
    pub read_only: bool,
    /// How much to write to the log file in the state directory (never to the terminal).
    #[arg(long, value_enum, default_value_t = crate::logging::LogLevel::Info, global = true)]
    pub log_level: crate::logging::LogLevel,
    /// Seconds one request may take before it is abandoned and retried (reported as a timeout).
    #[arg(long, value_name = "SECONDS", default_value_t = 20.0, value_parser = parse_seconds, global = true)]
    pub request_timeout: f64,
    /// The most pages one source may have before guestlist stops following its NextToken.
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT_MAX_PAGES, value_parser = parse_max_pages, global = true)]
    pub max_pages: usize,
    /// Seconds one source's whole listing may take, retries included, before it is reported
    /// as timed out.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::DEFAULT_PER_SOURCE.as_secs_f64(), value_parser = parse_source_timeout, global = true)]
    pub source_timeout: f64,
    /// How many sources are listed at once.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY, value_parser = clap::value_parser!(u16).range(1..), global = true)]
    pub concurrency: u16,
}

impl Selection {
    /// How far each source's listing may go.
    pub fn limits(&self) -> Limits {
        Limits {
            max_pages: self.max_pages,
            per_source: std::time::Duration::from_secs_f64(self.source_timeout),
        }
    }
}

fn parse_max_pages(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(pages) if (1..=1_000_000).contains(&pages) => Ok(pages),
        _ => Err(format!(
            "'{text}' is not a number of pages from 1 to 1000000"
        )),
    }
}

fn parse_source_timeout(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && (1.0..=86_400.0).contains(&seconds) => Ok(seconds),
        _ => Err(format!(
            "'{text}' is not a number of seconds between 1 and 86400"
        )),
    }
}

/// `--refresh`: an interval, or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refresh(pub Option<std::time::Duration>);

fn parse_refresh(text: &str) -> Result<Refresh, String> {
    crate::config::parse_refresh(text).map(Refresh)
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && (0.05..=3600.0).contains(&seconds) => Ok(seconds),
        _ => Err(format!(
            "'{text}' is not a number of seconds between 0.05 and 3600"
        )),
    }
}

fn parse_service(text: &str) -> Result<ServiceKind, String> {
    text.parse()
}

fn parse_endpoint(text: &str) -> Result<String, String> {
    let rest = text
        .strip_prefix("http://")
        .or_else(|| text.strip_prefix("https://"))
        .ok_or_else(|| format!("'{text}' is not a URL: it starts with http:// or https://"))?;
    if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
        return Err(format!("'{text}' has no host"));
    }
    Ok(text.trim_end_matches('/').to_owned())
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print every invitation, for scripts: exit 0 when every source answered, 2 when some
    /// failed (the rest are printed), 1 when nothing could be listed.
    List(ListArgs),
    /// Accept an invitation: Security Hub and GuardDuty by administrator, Detective by graph ARN.
    Accept(AnswerArgs),
    /// Decline an invitation (Detective: reject it).
    Decline(AnswerArgs),
    /// Delete an invitation (Security Hub and GuardDuty; Detective has none).
    Delete(AnswerArgs),
    /// Invite accounts as members: Security Hub and GuardDuty CreateMembers then InviteMembers,
    /// Detective CreateMembers on the behavior graph.
    Invite(InviteArgs),
    /// Print the members of every identity that administers, for scripts.
    Members(ListArgs),
    /// Serve a local AWS-compatible endpoint for the three services' membership APIs (and STS).
    Sandbox(SandboxArgs),
    /// Where the configuration file is, or write a commented default one.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Print shell completions.
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff).
    Man,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the configuration file's path.
    Path,
    /// Write a commented default configuration (refuses to overwrite one).
    Init {
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub struct InviteArgs {
    /// An account to invite; repeat, or separate with commas.
    #[arg(long = "account", value_name = "ACCOUNT_ID", value_delimiter = ',')]
    pub accounts: Vec<String>,
    /// A file of accounts: ids separated by spaces, commas or newlines, or `AccountId,Email` lines.
    #[arg(long, value_name = "CSV")]
    pub accounts_file: Option<std::path::PathBuf>,
    /// The email for accounts without one of their own (GuardDuty and Detective need one).
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,
    /// A message sent with the invitation (GuardDuty, Detective).
    #[arg(long, value_name = "TEXT")]
    pub message: Option<String>,
    /// Do not ask: for scripts. Without it, guestlist asks on the terminal and refuses without one.
    #[arg(long)]
    pub yes: bool,
}

/// Which invitation to answer; with exactly one `--service` and one `--region`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("invitation").required(true).args(["administrator", "graph_arn"])))]
pub struct AnswerArgs {
    /// The administrator account that sent it (Security Hub, GuardDuty).
    #[arg(long, value_name = "ACCOUNT_ID", value_parser = parse_account_id)]
    pub administrator: Option<String>,
    /// The behavior graph it invites to (Detective).
    #[arg(long, value_name = "ARN", value_parser = parse_graph_arn)]
    pub graph_arn: Option<String>,
    /// Do not ask: for scripts. Without it, guestlist asks on the terminal and refuses without one.
    #[arg(long)]
    pub yes: bool,
    /// Also take the steps AWS needs first: enable Security Hub, create a GuardDuty detector,
    /// or leave the current administrator.
    #[arg(long)]
    pub prepare: bool,
}

pub fn parse_account_id(text: &str) -> Result<String, String> {
    if crate::validate::is_account_id(text) {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "'{text}' is not an account id of exactly 12 digits"
        ))
    }
}

fn parse_graph_arn(text: &str) -> Result<String, String> {
    let parts: Vec<&str> = text.split(':').collect();
    let well_formed = matches!(parts.as_slice(), ["arn", partition, "detective", region, account, "graph", id]
        if partition.starts_with("aws")
            && crate::aws::regions::is_well_formed(region)
            && parse_account_id(account).is_ok()
            && id.len() == 32
            && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    if well_formed {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "'{text}' is not a behavior graph ARN: arn:aws:detective:REGION:ACCOUNT:graph:32-hex-id"
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// How to print.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
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
