//! The command line, as clap derives it.

use std::net::IpAddr;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::aws::paging::Limits;
use crate::fetch::DEFAULT_CONCURRENCY;
use crate::model::{ServiceKind, Status};
use crate::plan::parse_region;

#[derive(Debug, Parser)]
#[command(
    name = "guestlist",
    version,
    about = "Membership invitations of AWS Security Hub, GuardDuty, Detective and Macie, across accounts and regions",
    after_help = "Without a command, opens the dashboard. Try `guestlist --demo`: no AWS account needed."
)]
pub struct Cli {
    #[command(flatten)]
    pub selection: Selection,
    #[command(flatten)]
    pub dashboard: DashboardArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What only the dashboard does.
#[derive(Debug, Clone, Default, Args)]
pub struct DashboardArgs {
    /// Live mode: refresh every interval (30s, 5m, 1h); 0 or off disables it. Default: off,
    /// or the config file's.
    #[arg(long, value_name = "INTERVAL", value_parser = parse_refresh)]
    pub refresh: Option<Refresh>,
    /// Ring the terminal bell when a new invitation arrives.
    #[arg(long)]
    pub bell: bool,
    /// The accounts that should be members, the rows of the coverage matrix (`c`): `org`, a
    /// file (`AccountId,Email[,Name]` rows, or one id per line), or ids separated by commas.
    /// Default: the current members.
    #[arg(long, value_name = "org|FILE|IDS")]
    pub roster: Option<String>,
}

/// Where to look and how: the same for the dashboard and every command that looks. Given
/// before a command's name (`guestlist --profile prod list`) or after it, alike.
#[derive(Debug, Clone, Default, Args)]
pub struct Selection {
    /// Run against a built-in sandbox with a demo organisation: no AWS account needed.
    #[arg(long)]
    pub demo: bool,
    /// An AWS profile to act as; repeat for several identities. Default: the default credential chain.
    #[arg(long = "profile", value_name = "PROFILE")]
    pub profiles: Vec<String>,
    /// Regions to look in, repeated or comma-separated; `all` for every region where each
    /// service exists. Default: each profile's region.
    #[arg(long = "region", value_name = "REGION", value_delimiter = ',', value_parser = parse_region)]
    pub regions: Vec<String>,
    /// Services to look at: securityhub, guardduty, detective, macie (repeated or comma-separated). Default: all four.
    #[arg(long = "service", value_name = "SERVICE", value_delimiter = ',', value_parser = ServiceParser)]
    pub services: Vec<ServiceKind>,
    /// Fan out to these accounts, by assuming --assume-role in each: ids separated by commas,
    /// or a file (one id per line, or a CSV with an AccountId column).
    #[arg(long = "accounts", value_name = "IDS|FILE", requires = "assume_role")]
    pub accounts_from: Option<String>,
    /// The role to assume in each of --accounts (for `onboard`, in each roster account): a
    /// name, or an ARN with {account} in it.
    #[arg(long, value_name = "ROLE")]
    pub assume_role: Option<String>,
    /// The external id the role's trust policy asks for.
    #[arg(long, value_name = "ID", requires = "assume_role")]
    pub external_id: Option<String>,
    /// The session name each assumed role carries (CloudTrail shows it).
    #[arg(long, value_name = "NAME", default_value = "guestlist")]
    pub role_session_name: String,
    /// The MFA device the role's trust policy asks for (its ARN, or a hardware serial); its
    /// code is asked once, before anything starts, and sent with every AssumeRole.
    #[arg(long, value_name = "ARN", requires = "assume_role")]
    pub mfa_serial: Option<String>,
    /// The code of --mfa-serial, as asked for: never an argument.
    #[arg(skip)]
    pub mfa_code: Option<String>,
    /// An administrator this organization accepts invitations from: ACCOUNT for every service,
    /// SERVICE:ACCOUNT for one (repeated or comma-separated). Invitations from others are
    /// untrusted. Default: the configuration file's [trust].
    #[arg(long = "trust", value_name = "[SERVICE:]ACCOUNT", value_delimiter = ',', value_parser = parse_trust)]
    pub trust: Vec<String>,
    /// Send every request to this endpoint instead of AWS (e.g. a `guestlist sandbox`).
    #[arg(long, value_name = "URL", value_parser = parse_endpoint)]
    pub endpoint_url: Option<String>,
    /// The configuration file (default: config.toml in the platform config directory).
    #[arg(long, value_name = "PATH")]
    pub config: Option<std::path::PathBuf>,
    /// Refuse every request that would change anything (checked where requests are sent).
    #[arg(long)]
    pub read_only: bool,
    /// How much to write to the log file in the state directory (never to the terminal).
    #[arg(long, value_enum, default_value_t = crate::logging::LogLevel::Info)]
    pub log_level: crate::logging::LogLevel,
    /// Seconds one request may take before it is abandoned and retried (reported as a timeout).
    #[arg(long, value_name = "SECONDS", default_value_t = 20.0, value_parser = parse_seconds)]
    pub request_timeout: f64,
    /// The most pages one source may have before guestlist stops following its NextToken.
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT_MAX_PAGES, value_parser = parse_max_pages)]
    pub max_pages: usize,
    /// Seconds one source's whole listing may take, retries included, before it is reported
    /// as timed out.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::DEFAULT_PER_SOURCE.as_secs_f64(), value_parser = parse_source_timeout)]
    pub source_timeout: f64,
    /// How many sources are listed at once.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,
}

impl Command {
    /// The selection a command takes, if it looks anywhere.
    pub fn selection_mut(&mut self) -> Option<&mut Selection> {
        match self {
            Command::List(args) | Command::Members(args) => Some(&mut args.selection),
            Command::Accept(args) | Command::Decline(args) | Command::Delete(args) => {
                Some(&mut args.selection)
            }
            Command::Invite(args) => Some(&mut args.selection),
            Command::Remove(args) => Some(&mut args.selection),
            Command::Check(args) => Some(&mut args.selection),
            Command::Coverage(args) => Some(&mut args.selection),
            Command::Reconcile(args) => Some(&mut args.selection),
            Command::Onboard(args) => Some(&mut args.selection),
            Command::History(args) => Some(&mut args.selection),
            Command::IamPolicy(_)
            | Command::Sandbox(_)
            | Command::Config { .. }
            | Command::Completions { .. }
            | Command::Man => None,
        }
    }
}

/// Arguments of `command` given on the command line in `matches`, by id: the rest are
/// defaults (and groups, which are not arguments).
fn given(command: &clap::Command, matches: &clap::ArgMatches) -> Vec<String> {
    command
        .get_arguments()
        .map(|arg| arg.get_id().as_str())
        .filter(|id| matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine))
        .map(str::to_owned)
        .collect()
}

impl Cli {
    /// Parses the command line: what is given before a command's name serves the command as
    /// if given after it; what means nothing to the command is refused, in one line.
    pub fn parse_from_args<I, T>(args: I) -> Result<Cli, ParseFailure>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::{CommandFactory, FromArgMatches};
        let mut command = Cli::command();
        let matches = command
            .try_get_matches_from_mut(args)
            .map_err(ParseFailure::Clap)?;
        let mut cli = Cli::from_arg_matches(&matches).map_err(ParseFailure::Clap)?;
        let before = given(&command, &matches);
        let Some((name, sub)) = matches.subcommand() else {
            return Ok(cli);
        };
        let after = match command.find_subcommand(name) {
            Some(subcommand) => given(subcommand, sub),
            None => Vec::new(),
        };
        let refuse = |id: &str| {
            ParseFailure::Refused(format!(
                "--{} means nothing to `guestlist {name}`",
                id.replace('_', "-")
            ))
        };
        if let Some(id) = before
            .iter()
            .find(|id| ["refresh", "bell"].contains(&id.as_str()))
        {
            return Err(ParseFailure::Refused(format!(
                "--{id} is for the dashboard, not `guestlist {name}`"
            )));
        }
        let top = cli.selection.clone();
        match cli.command.as_mut().and_then(Command::selection_mut) {
            Some(selection) => {
                for id in before.iter().filter(|id| !after.contains(id)) {
                    if !selection.take(&top, id) {
                        return Err(refuse(id));
                    }
                }
            }
            None => {
                // `config` takes the configuration file's path, before or after its name.
                if let Some(Command::Config { config, .. }) = cli.command.as_mut() {
                    *config = config.take().or(top.config.clone());
                }
                if let Some(id) = before.iter().find(|id| id.as_str() != "config") {
                    return Err(refuse(id));
                }
                if before.iter().any(|id| id == "config")
                    && !matches!(cli.command, Some(Command::Config { .. }))
                {
                    return Err(refuse("config"));
                }
            }
        }
        Ok(cli)
    }

    /// The selection the command runs with: its own, or the dashboard's.
    pub fn selection(&self) -> &Selection {
        let command = self.command.as_ref();
        let own = command.and_then(|c| match c {
            Command::List(args) | Command::Members(args) => Some(&args.selection),
            Command::Accept(args) | Command::Decline(args) | Command::Delete(args) => {
                Some(&args.selection)
            }
            Command::Invite(args) => Some(&args.selection),
            Command::Remove(args) => Some(&args.selection),
            Command::Check(args) => Some(&args.selection),
            Command::Coverage(args) => Some(&args.selection),
            Command::Reconcile(args) => Some(&args.selection),
            Command::Onboard(args) => Some(&args.selection),
            Command::History(args) => Some(&args.selection),
            _ => None,
        });
        own.unwrap_or(&self.selection)
    }
}

/// Why the command line was not run.
#[derive(Debug)]
pub enum ParseFailure {
    /// Help, a version, or clap's own error, printed as clap prints it.
    Clap(clap::Error),
    /// An option given where it means nothing.
    Refused(String),
}

impl Selection {
    /// Takes the argument `id` from `other`; false for an id that is not a selection's.
    fn take(&mut self, other: &Selection, id: &str) -> bool {
        match id {
            "demo" => self.demo |= other.demo,
            "profiles" => self.profiles.extend(other.profiles.iter().cloned()),
            "regions" => self.regions.extend(other.regions.iter().cloned()),
            "services" => self.services.extend(other.services.iter().copied()),
            "endpoint_url" => self.endpoint_url = other.endpoint_url.clone(),
            "config" => self.config = other.config.clone(),
            "read_only" => self.read_only |= other.read_only,
            "log_level" => self.log_level = other.log_level,
            "request_timeout" => self.request_timeout = other.request_timeout,
            "max_pages" => self.max_pages = other.max_pages,
            "source_timeout" => self.source_timeout = other.source_timeout,
            "concurrency" => self.concurrency = other.concurrency,
            "accounts_from" => self.accounts_from = other.accounts_from.clone(),
            "assume_role" => self.assume_role = other.assume_role.clone(),
            "external_id" => self.external_id = other.external_id.clone(),
            "role_session_name" => self.role_session_name = other.role_session_name.clone(),
            "mfa_serial" => self.mfa_serial = other.mfa_serial.clone(),
            "trust" => self.trust.extend(other.trust.iter().cloned()),
            _ => return false,
        }
        true
    }

    /// The administrators trusted, from `--trust` (or the configuration's `[trust]`).
    pub fn trust_policy(&self) -> crate::model::TrustPolicy {
        let mut policy = crate::model::TrustPolicy::default();
        for entry in &self.trust {
            // Checked as the argument was parsed.
            let _ = policy.add_arg(entry);
        }
        policy
    }

    /// How far each source's listing may go.
    pub fn limits(&self) -> Limits {
        Limits {
            max_pages: self.max_pages,
            per_source: std::time::Duration::from_secs_f64(self.source_timeout),
        }
    }
}

fn parse_trust(text: &str) -> Result<String, String> {
    crate::model::TrustPolicy::default().add_arg(text)?;
    Ok(text.trim().to_owned())
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

/// Services as `--service` takes them: leniently (`Security-Hub` is `securityhub`), while
/// help and shell completions offer the names.
#[derive(Debug, Clone, Copy)]
struct ServiceParser;

impl clap::builder::TypedValueParser for ServiceParser {
    type Value = ServiceKind;

    fn parse_ref(
        &self,
        command: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<ServiceKind, clap::Error> {
        let text = value.to_string_lossy();
        text.parse::<ServiceKind>().map_err(|reason| {
            let arg = arg.map_or_else(|| "--service".to_owned(), ToString::to_string);
            clap::Error::raw(
                clap::error::ErrorKind::InvalidValue,
                format!("invalid value '{text}' for '{arg}': {reason}\n"),
            )
            .with_cmd(command)
        })
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let names = ServiceKind::ALL
            .iter()
            .map(|s| clap::builder::PossibleValue::new(s.id()));
        Some(Box::new(names))
    }
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
    /// Accept an invitation: Security Hub, GuardDuty and Macie by administrator, Detective by
    /// graph ARN.
    Accept(AnswerArgs),
    /// Decline an invitation (Detective: reject it).
    Decline(AnswerArgs),
    /// Delete an invitation (Security Hub, GuardDuty and Macie; Detective has none).
    Delete(AnswerArgs),
    /// Invite accounts as members: Security Hub and GuardDuty CreateMembers then InviteMembers,
    /// Detective CreateMembers on the behavior graph, Macie CreateMember then CreateInvitations.
    Invite(InviteArgs),
    /// Print the members of every identity that administers, for scripts.
    Members(ListArgs),
    /// Remove members: disassociate them, then delete them (Detective: DeleteMembers; Macie one
    /// account at a time).
    Remove(RemoveArgs),
    /// For cron and CI: exit 0 when no pending invitation is from an untrusted sender or older
    /// than --max-age, 3 when some are (each printed, with why), 1 when some sources could not
    /// be listed (each named).
    Check(CheckArgs),
    /// The administrator's coverage matrix: one row per roster account, one column per
    /// service and region. Exit 0 when every cell is enabled, 3 when some are gaps, 1 when
    /// some could not be read.
    Coverage(CoverageArgs),
    /// Close the coverage matrix's gaps: print the plan (per cell, the step that closes it),
    /// and with --apply take it. Exit 3 when the plan has steps, 0 when it has none.
    Reconcile(ReconcileArgs),
    /// Both sides at once: reconcile as the administrator, then, as each roster account through
    /// --assume-role, enable what accepting needs, accept, and confirm from the administrator's
    /// side; every wait bounded, a rerun resumes.
    Onboard(OnboardArgs),
    /// Who invited, who accepted, who left: membership calls from CloudTrail's event history
    /// (last 90 days), the ones that look like hiding called out.
    History(HistoryArgs),
    /// Print a least-privilege IAM policy for what guestlist does as a member, an
    /// administrator, or read-only; legacy action names are included beside the new ones.
    IamPolicy(IamPolicyArgs),
    /// Serve a local AWS-compatible endpoint for the three services' membership APIs, and the
    /// STS, Organizations and CloudTrail calls guestlist makes.
    Sandbox(SandboxArgs),
    /// Where the configuration file is, or write a commented default one.
    Config {
        /// The configuration file (default: config.toml in the platform config directory).
        #[arg(long, value_name = "PATH")]
        config: Option<std::path::PathBuf>,
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
    #[command(flatten)]
    pub selection: Selection,
    /// An account to invite; repeat, or separate with commas.
    #[arg(long = "account", value_name = "ACCOUNT_ID", value_delimiter = ',')]
    pub accounts: Vec<String>,
    /// A file of accounts: ids separated by spaces, commas or newlines, or `AccountId,Email` lines.
    #[arg(long, value_name = "CSV")]
    pub accounts_file: Option<std::path::PathBuf>,
    /// The email for accounts without one of their own (GuardDuty, Detective and Macie need one).
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,
    /// A message sent with the invitation (GuardDuty, Detective, Macie).
    #[arg(long, value_name = "TEXT")]
    pub message: Option<String>,
    /// Do not ask: for scripts. Without it, guestlist asks on the terminal and refuses without one.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// A member account to remove; repeat, or separate with commas.
    #[arg(long = "account", value_name = "ACCOUNT_ID", value_delimiter = ',')]
    pub accounts: Vec<String>,
    /// Do not ask: for scripts. Without it, guestlist asks on the terminal and refuses without one.
    #[arg(long)]
    pub yes: bool,
}

/// Which invitation to answer; with exactly one `--service` and one `--region`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("invitation").required(true).args(["administrator", "graph_arn", "untrusted"])))]
pub struct AnswerArgs {
    #[command(flatten)]
    pub selection: Selection,
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
    /// Decline every pending invitation whose sender the trust policy (--trust, [trust]) does
    /// not name, over the whole selection (profiles, --accounts, regions, services).
    #[arg(long, conflicts_with_all = ["administrator", "graph_arn", "prepare"])]
    pub untrusted: bool,
    /// With --untrusted: then delete them, where the service can (Detective's decline is its
    /// reject).
    #[arg(long, requires = "untrusted")]
    pub delete: bool,
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
    #[command(flatten)]
    pub selection: Selection,
    /// How to print.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Only rows in these states: pending, verifying, accepted, disabled, failed, other
    /// (repeated or comma-separated).
    #[arg(long = "status", value_name = "STATE", value_delimiter = ',', value_parser = state_parser())]
    pub states: Vec<Status>,
}

/// `--status`: one of the states, offered by name to help and completions.
fn state_parser() -> impl clap::builder::TypedValueParser<Value = Status> {
    use clap::builder::TypedValueParser;
    let names = Status::ALL.map(|s| s.label());
    clap::builder::PossibleValuesParser::new(names)
        .map(|label: String| Status::from_label(&label).unwrap_or(Status::Other))
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// A pending invitation older than this fails the check too (14d, 36h).
    #[arg(long, value_name = "AGE", value_parser = parse_age)]
    pub max_age: Option<std::time::Duration>,
    /// How to print: table (a line per finding) or json.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

#[derive(Debug, Clone, Args)]
pub struct CoverageArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// The accounts that should be members: `org` (the organization's active accounts, with
    /// names and emails), a file (`AccountId,Email[,Name]` rows, or one id per line), or ids
    /// separated by commas. Default: the current members.
    #[arg(long, value_name = "org|FILE|IDS")]
    pub roster: Option<String>,
    /// How to print: table (the matrix), json or csv (one record per cell).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

#[derive(Debug, Clone, Args)]
pub struct ReconcileArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// The accounts that should be members, as for `coverage`: `org`, a file, or ids.
    #[arg(long, value_name = "org|FILE|IDS")]
    pub roster: Option<String>,
    /// Take the plan's steps (asks first, unless --yes).
    #[arg(long)]
    pub apply: bool,
    /// Do not ask before applying: for scripts.
    #[arg(long, requires = "apply")]
    pub yes: bool,
    /// How to print the plan: table, or json (one object per step); csv is as table.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

#[derive(Debug, Clone, Args)]
pub struct OnboardArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// The accounts that should be members, as for `coverage`: `org`, a file, or ids.
    #[arg(long, value_name = "org|FILE|IDS", required = true)]
    pub roster: Option<String>,
    /// Do not ask before starting: for scripts.
    #[arg(long)]
    pub yes: bool,
    /// The longest to wait for invitations to reach members and for the administrator to list
    /// them enabled; what is still waiting then is reported, and a rerun picks it up.
    #[arg(long, value_name = "SECONDS", default_value_t = 300.0, value_parser = parse_seconds)]
    pub wait: f64,
    /// Seconds between two looks while waiting.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0, value_parser = parse_seconds)]
    pub poll: f64,
    /// How to print the plan and the results: table, or json (one object per cell); csv is
    /// as table.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// How many days back, 1 to 90 (CloudTrail's event history keeps 90).
    #[arg(long, value_name = "N", default_value_t = 90, value_parser = clap::value_parser!(u16).range(1..=90))]
    pub days: u16,
    /// How to print: table or json (csv is as table).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

fn parse_age(text: &str) -> Result<std::time::Duration, String> {
    humantime::parse_duration(text.trim())
        .map_err(|e| format!("'{text}' is not an age like 14d or 36h: {e}"))
}

/// Whose work the policy allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyRole {
    /// Answer invitations: list, accept (with the steps first), decline, delete.
    Member,
    /// Invite and remove members, and list them.
    Administrator,
    /// Only look: list invitations and members, and who the current administrator is.
    ReadOnly,
}

#[derive(Debug, Clone, Args)]
pub struct IamPolicyArgs {
    /// Whose policy: member, administrator or read-only.
    #[arg(long = "for", value_enum)]
    pub role: PolicyRole,
    /// Only these services (repeated or comma-separated). Default: all three.
    #[arg(long = "service", value_name = "SERVICE", value_delimiter = ',', value_parser = ServiceParser)]
    pub services: Vec<ServiceKind>,
    /// Add what a fan-out needs: sts:AssumeRole and organizations:ListAccounts.
    #[arg(long)]
    pub fan_out: bool,
}

impl ListArgs {
    /// Whether a row in `state` is printed.
    pub fn shows(&self, state: Status) -> bool {
        self.states.is_empty() || self.states.contains(&state)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn every_selection_argument_carries_from_before_a_command_name() {
        let command = Selection::augment_args(clap::Command::new("any"));
        let mut selection = Selection::default();
        for arg in command.get_arguments() {
            let id = arg.get_id().as_str();
            assert!(
                selection.take(&Selection::default(), id),
                "--{id} given before a command's name would be refused"
            );
        }
    }
}
