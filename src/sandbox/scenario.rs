//! Scenarios: the accounts and per-region state a sandbox starts from, written in TOML.
//!
//! Times are absolute (RFC 3339) or relative to the moment the sandbox starts or resets
//! (`"-3d"`, `"-5h"`, `"-20m"`, `"now"`), so a demo never grows stale.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use toml::Spanned;

use super::state::Time;
use super::wire::{is_account_id, is_email};

const DEMO: &str = include_str!("../../assets/scenarios/demo.toml");

/// A point in time, fixed or relative to when the world is built.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimeSpec {
    At(DateTime<Utc>),
    Ago(Duration),
}

impl TimeSpec {
    pub fn resolve(self, now: Time) -> Time {
        match self {
            TimeSpec::At(time) => time,
            TimeSpec::Ago(age) => now - age,
        }
    }

    fn parse(text: &str) -> Result<Self, String> {
        if text == "now" {
            return Ok(TimeSpec::Ago(Duration::zero()));
        }
        if let Some(relative) = text.strip_prefix('-') {
            let split = relative
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(relative.len());
            let (amount, unit) = relative.split_at(split);
            let amount: i64 = amount
                .parse()
                .map_err(|_| format!("'{text}' is not a relative time like -3d"))?;
            let age = match unit {
                "s" => Duration::seconds(amount),
                "m" => Duration::minutes(amount),
                "h" => Duration::hours(amount),
                "d" => Duration::days(amount),
                "w" => Duration::weeks(amount),
                _ => {
                    return Err(format!(
                        "'{text}' has unit '{unit}'; use s, m, h, d or w (e.g. -3d)"
                    ));
                }
            };
            return Ok(TimeSpec::Ago(age));
        }
        DateTime::parse_from_rfc3339(text)
            .map(|t| TimeSpec::At(t.with_timezone(&Utc)))
            .map_err(|e| format!("'{text}' is neither RFC 3339 nor a relative time like -3d: {e}"))
    }
}

#[derive(Debug, Clone)]
pub struct AccountSpec {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub access_keys: Vec<String>,
    pub disabled_regions: Vec<String>,
}

/// An organization: its management account first among its accounts.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationSpec {
    pub id: String,
    pub management: String,
    pub accounts: Vec<OrgAccount>,
}

/// An account of an organization, as `ListAccounts` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgAccount {
    pub id: String,
    pub name: String,
    pub email: String,
    /// `ACTIVE` or `SUSPENDED`.
    pub status: String,
}

impl OrgAccount {
    pub fn is_suspended(&self) -> bool {
        self.status == "SUSPENDED"
    }
}

impl OrganizationSpec {
    pub fn has(&self, account: &str) -> bool {
        self.account(account).is_some()
    }

    pub fn account(&self, id: &str) -> Option<&OrgAccount> {
        self.accounts.iter().find(|a| a.id == id)
    }
}

/// A role in an account, whom it trusts, and the external id it requires.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleSpec {
    pub account: String,
    pub name: String,
    /// Accounts whose callers may assume it.
    pub trusts: Vec<String>,
    pub external_id: Option<String>,
    /// Assumed only with an MFA device's serial and code.
    pub mfa: bool,
}

/// Detective's per-member usage fields, reported once a member has accepted.
#[derive(Debug, Clone, Default)]
pub struct DetectiveUsage {
    pub disabled_reason: Option<String>,
    pub volume_usage_bytes: Option<i64>,
    pub percent_of_graph_utilization: Option<f64>,
    pub ingest_states: BTreeMap<String, String>,
    pub volume_by_package: BTreeMap<String, i64>,
}

#[derive(Debug, Clone)]
pub struct MemberSpec {
    pub account: String,
    pub email: Option<String>,
    pub status: String,
    pub invitation_id: Option<String>,
    pub invited_at: Option<TimeSpec>,
    pub updated_at: Option<TimeSpec>,
    pub usage: DetectiveUsage,
    /// Made a member by AWS Organizations: it never sees an invitation.
    pub organization: bool,
}

/// A Security Hub hub, GuardDuty detector or Detective graph of one account in one region,
/// with its members.
#[derive(Debug, Clone)]
pub struct RosterSpec {
    pub region: String,
    pub account: String,
    pub since: TimeSpec,
    /// The detector id or graph id, when the scenario fixes it.
    pub resource_id: Option<String>,
    pub members: Vec<MemberSpec>,
}

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: Option<String>,
    pub accounts: Vec<AccountSpec>,
    /// Roles STS lets callers assume; with none declared, any caller may assume any role.
    pub roles: Vec<RoleSpec>,
    /// The organization its accounts belong to, if the scenario declares one.
    pub organization: Option<OrganizationSpec>,
    pub securityhub: Vec<RosterSpec>,
    pub guardduty: Vec<RosterSpec>,
    pub detective: Vec<RosterSpec>,
    /// Macie administrators and their members, per region.
    pub macie: Vec<RosterSpec>,
    /// How long GuardDuty and Detective take to verify an invitee's email; 0 verifies at once.
    pub verification_seconds: u32,
    /// How long an invitation takes to reach the invitee's `ListInvitations`; 0: at once.
    pub propagation_seconds: u32,
    /// CloudTrail events already in the trail when the sandbox starts.
    pub events: Vec<EventSpec>,
}

/// `[[event]]`: a membership call CloudTrail recorded before the sandbox started.
#[derive(Debug, Clone)]
pub struct EventSpec {
    /// The account whose trail it is in.
    pub account: String,
    pub region: String,
    /// The event source's name: `securityhub`, `guardduty`, `detective` or `macie2` (`macie`
    /// in the file).
    pub service: String,
    pub name: String,
    pub at: TimeSpec,
    /// Who called; the account's own user by default.
    pub by: Option<String>,
    pub parameters: serde_json::Value,
}

/// A scenario that could not be read: where, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    pub origin: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "{}:{line}:{column}: {}", self.origin, self.message)
            }
            _ => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

impl std::error::Error for ScenarioError {}

impl Scenario {
    /// The built-in demonstration organisation.
    pub fn demo() -> Self {
        Self::parse(DEMO, "demo")
            .unwrap_or_else(|e| panic!("the built-in demo scenario is invalid: {e}"))
    }

    /// No accounts named, nothing enabled: every 12-digit account is blank.
    pub fn empty() -> Self {
        Self {
            name: "empty".into(),
            description: None,
            accounts: Vec::new(),
            roles: Vec::new(),
            organization: None,
            securityhub: Vec::new(),
            guardduty: Vec::new(),
            detective: Vec::new(),
            macie: Vec::new(),
            verification_seconds: 0,
            propagation_seconds: 0,
            events: Vec::new(),
        }
    }

    /// One member invited by `per_source` administrators in each of the three services in each
    /// region: a listing of known size, for load and fault tests. Administrator `i` is account
    /// `1` followed by `i` in 11 digits; invitation `i` is `i` hours old.
    pub fn crowd(member: &str, regions: &[&str], per_source: usize) -> Self {
        let mut scenario = Self::empty();
        scenario.name = "crowd".into();
        scenario.invite_in_every_service(&[member.to_owned()], regions, per_source);
        scenario
    }

    /// `members` invited by `per_source` administrators (`1` followed by `i` in 11 digits,
    /// invitation `i` being `i` hours old) in each of the three services in each region.
    fn invite_in_every_service(&mut self, members: &[String], regions: &[&str], per_source: usize) {
        for region in regions {
            for i in 0..per_source {
                let roster = |status: &str| RosterSpec {
                    region: (*region).to_owned(),
                    account: format!("1{i:011}"),
                    since: TimeSpec::Ago(Duration::days(30)),
                    resource_id: None,
                    members: members
                        .iter()
                        .map(|account| MemberSpec {
                            account: account.clone(),
                            email: Some("member@example.com".into()),
                            status: status.into(),
                            invitation_id: None,
                            invited_at: Some(TimeSpec::Ago(Duration::hours(i as i64))),
                            updated_at: None,
                            usage: DetectiveUsage::default(),
                            organization: false,
                        })
                        .collect(),
                };
                self.securityhub.push(roster("Invited"));
                self.guardduty.push(roster("Invited"));
                self.detective.push(roster("INVITED"));
            }
        }
    }

    /// An organization of `accounts` member accounts besides its management account, each
    /// invited by the same `per_source` administrators in the three services in each region:
    /// the fan-out at scale, for benchmarks. Member `i` is account `3` followed by `i` in 11
    /// digits, administrator `i` account `1` followed by `i`; any caller may assume any role.
    pub fn organization_crowd(
        management: &str,
        accounts: usize,
        regions: &[&str],
        per_source: usize,
    ) -> Self {
        let mut scenario = Self::empty();
        scenario.name = "organization crowd".into();
        let members = scenario.organize(management, accounts);
        scenario.invite_in_every_service(&members, regions, per_source);
        scenario
    }

    /// An organization of `accounts` member accounts that are members of nothing yet, and its
    /// management account, which administers all three services in each region with no
    /// member: what `onboard` starts from, for benchmarks. Member `i` is account `3` followed
    /// by `i` in 11 digits; any caller may assume any role.
    pub fn organization_to_onboard(management: &str, accounts: usize, regions: &[&str]) -> Self {
        let mut scenario = Self::empty();
        scenario.name = "organization to onboard".into();
        scenario.organize(management, accounts);
        for region in regions {
            let roster = || RosterSpec {
                region: (*region).to_owned(),
                account: management.to_owned(),
                since: TimeSpec::Ago(Duration::days(30)),
                resource_id: None,
                members: Vec::new(),
            };
            scenario.securityhub.push(roster());
            scenario.guardduty.push(roster());
            scenario.detective.push(roster());
        }
        scenario
    }

    /// Declares an organization of `management` and `accounts` members (`3` followed by `i`
    /// in 11 digits, each with a name and an email); returns the members' ids.
    fn organize(&mut self, management: &str, accounts: usize) -> Vec<String> {
        let members: Vec<String> = (1..=accounts).map(|i| format!("3{i:011}")).collect();
        let mut listed = vec![OrgAccount {
            id: management.to_owned(),
            name: "management".into(),
            email: "management@example.com".into(),
            status: "ACTIVE".into(),
        }];
        listed.extend(members.iter().enumerate().map(|(i, id)| OrgAccount {
            id: id.clone(),
            name: format!("account-{}", i + 1),
            email: format!("account-{}@example.com", i + 1),
            status: "ACTIVE".into(),
        }));
        self.organization = Some(OrganizationSpec {
            id: "o-crowd00000".into(),
            management: management.to_owned(),
            accounts: listed,
        });
        members
    }

    /// `demo`, `empty`, or the path of a scenario file.
    pub fn named_or_path(name: &str) -> Result<Self, ScenarioError> {
        match name {
            "demo" => Ok(Self::demo()),
            "empty" => Ok(Self::empty()),
            path => Self::load(Path::new(path)),
        }
    }

    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
            origin: origin.clone(),
            line: None,
            column: None,
            message: format!("cannot read the scenario: {e}"),
        })?;
        Self::parse(&text, &origin)
    }

    pub fn parse(text: &str, origin: &str) -> Result<Self, ScenarioError> {
        let at = |span: Option<Range<usize>>, message: String| {
            let (line, column) = match span {
                Some(span) => {
                    let (line, column) = line_and_column(text, span.start);
                    (Some(line), Some(column))
                }
                None => (None, None),
            };
            ScenarioError {
                origin: origin.to_owned(),
                line,
                column,
                message,
            }
        };
        let file: ScenarioFile =
            toml::from_str(text).map_err(|e| at(e.span(), e.message().trim().to_owned()))?;
        file.resolve(origin)
            .map_err(|Invalid { span, message }| at(Some(span), message))
    }

    /// The account a scenario names for this access key id.
    pub fn account_for_key(&self, key_id: &str) -> Option<&AccountSpec> {
        self.accounts
            .iter()
            .find(|a| a.access_keys.iter().any(|k| k == key_id))
    }
}

fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

struct Invalid {
    span: Range<usize>,
    message: String,
}

fn invalid<T>(value: &Spanned<T>, message: impl Into<String>) -> Invalid {
    Invalid {
        span: value.span(),
        message: message.into(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    name: Option<String>,
    description: Option<String>,
    #[serde(default)]
    account: Vec<AccountDef>,
    #[serde(default)]
    role: Vec<RoleDef>,
    organization: Option<OrganizationDef>,
    #[serde(default)]
    securityhub: Vec<RosterDef>,
    #[serde(default)]
    guardduty: Vec<RosterDef>,
    #[serde(default)]
    detective: Vec<RosterDef>,
    #[serde(default)]
    macie: Vec<RosterDef>,
    #[serde(default)]
    verification_seconds: u32,
    #[serde(default)]
    propagation_seconds: u32,
    #[serde(default)]
    event: Vec<EventDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventDef {
    account: Spanned<String>,
    region: Spanned<String>,
    service: Spanned<String>,
    name: Spanned<String>,
    at: Spanned<String>,
    by: Option<String>,
    parameters: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountDef {
    id: Spanned<String>,
    name: Option<String>,
    email: Option<Spanned<String>>,
    #[serde(default)]
    access_keys: Vec<Spanned<String>>,
    #[serde(default)]
    disabled_regions: Vec<Spanned<String>>,
}

/// `[organization]`: the management account, and the members by id, or by a range of ids
/// (`"210000000001..210000000040"`); `suspended` ones are listed as `SUSPENDED`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationDef {
    management: Spanned<String>,
    #[serde(default)]
    members: Vec<Spanned<String>>,
    #[serde(default)]
    suspended: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleDef {
    account: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    trusts: Vec<Spanned<String>>,
    external_id: Option<String>,
    /// Its trust policy asks for MFA (`aws:MultiFactorAuthPresent`).
    #[serde(default)]
    mfa: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RosterDef {
    region: Spanned<String>,
    account: Spanned<String>,
    since: Option<Spanned<String>>,
    #[serde(alias = "detector_id", alias = "graph_id")]
    id: Option<Spanned<String>>,
    #[serde(default)]
    members: Vec<MemberDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberDef {
    account: Spanned<String>,
    email: Option<Spanned<String>>,
    status: Spanned<String>,
    invitation_id: Option<Spanned<String>>,
    invited_at: Option<Spanned<String>>,
    updated_at: Option<Spanned<String>>,
    disabled_reason: Option<Spanned<String>>,
    volume_usage_bytes: Option<Spanned<i64>>,
    percent_of_graph_utilization: Option<Spanned<f64>>,
    ingest_states: Option<Spanned<BTreeMap<String, String>>>,
    volume_by_package: Option<Spanned<BTreeMap<String, i64>>>,
    /// Made a member through AWS Organizations (never invited).
    #[serde(default)]
    organization: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    SecurityHub,
    GuardDuty,
    Detective,
    Macie,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::SecurityHub => "securityhub",
            Kind::GuardDuty => "guardduty",
            Kind::Detective => "detective",
            Kind::Macie => "macie",
        }
    }

    fn statuses(self) -> &'static [&'static str] {
        match self {
            Kind::SecurityHub => &["Created", "Invited", "Enabled", "Removed", "Resigned"],
            Kind::GuardDuty => &[
                "Created",
                "Invited",
                "Enabled",
                "Disabled",
                "Removed",
                "Resigned",
                "EmailVerificationInProgress",
                "EmailVerificationFailed",
            ],
            Kind::Detective => &[
                "INVITED",
                "VERIFICATION_IN_PROGRESS",
                "VERIFICATION_FAILED",
                "ENABLED",
                "ACCEPTED_BUT_DISABLED",
            ],
            Kind::Macie => &[
                "Enabled",
                "Paused",
                "Invited",
                "Created",
                "Removed",
                "Resigned",
                "EmailVerificationInProgress",
                "EmailVerificationFailed",
                "RegionDisabled",
                "AccountSuspended",
            ],
        }
    }

    /// Statuses an invitation id belongs to.
    fn invited(self, status: &str) -> bool {
        match self {
            Kind::SecurityHub | Kind::Macie => status == "Invited",
            Kind::GuardDuty => {
                matches!(
                    status,
                    "Invited" | "EmailVerificationInProgress" | "EmailVerificationFailed"
                )
            }
            Kind::Detective => false,
        }
    }
}

const DATASOURCE_PACKAGES: [&str; 3] = ["DETECTIVE_CORE", "EKS_AUDIT", "ASFF_SECURITYHUB_FINDING"];
const INGEST_STATES: [&str; 3] = ["STARTED", "STOPPED", "DISABLED"];

fn is_hex32(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The organization `def` declares: described accounts keep their names and emails; the
/// others get ones made from their ids.
fn organization(
    def: &OrganizationDef,
    described: &[AccountSpec],
) -> Result<OrganizationSpec, Invalid> {
    let management = account_id(&def.management)?;
    let mut ids = vec![management.clone()];
    for member in &def.members {
        let text = member.get_ref();
        match text.split_once("..") {
            Some((from, to)) => {
                let (Ok(from), Ok(to)) = (from.parse::<u64>(), to.parse::<u64>()) else {
                    return Err(invalid(
                        member,
                        format!("'{text}' is not a range of account ids"),
                    ));
                };
                if from > to || to - from > 10_000 || to > 999_999_999_999 {
                    return Err(invalid(
                        member,
                        format!("'{text}' is not a range of at most 10,000 account ids"),
                    ));
                }
                ids.extend((from..=to).map(|n| format!("{n:012}")));
            }
            None => ids.push(account_id(member)?),
        }
    }
    let suspended: Vec<String> = def
        .suspended
        .iter()
        .map(account_id)
        .collect::<Result<_, _>>()?;
    let mut seen = HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    let accounts = ids
        .into_iter()
        .map(|id| {
            let spec = described.iter().find(|a| a.id == id);
            let name = spec
                .and_then(|a| a.name.clone())
                .unwrap_or_else(|| format!("account-{}", &id[8..]));
            let email = spec
                .and_then(|a| a.email.clone())
                .unwrap_or_else(|| format!("aws+{id}@example.com"));
            let status = if suspended.contains(&id) {
                "SUSPENDED"
            } else {
                "ACTIVE"
            };
            OrgAccount {
                id,
                name,
                email,
                status: status.into(),
            }
        })
        .collect();
    Ok(OrganizationSpec {
        id: format!("o-{}", &management[2..12]),
        management,
        accounts,
    })
}

fn account_id(value: &Spanned<String>) -> Result<String, Invalid> {
    if is_account_id(value.get_ref()) {
        Ok(value.get_ref().clone())
    } else {
        Err(invalid(
            value,
            format!(
                "'{}' is not an account id of exactly 12 digits",
                value.get_ref()
            ),
        ))
    }
}

fn region(value: &Spanned<String>) -> Result<String, Invalid> {
    let name = value.get_ref();
    let parts: Vec<&str> = name.split('-').collect();
    let well_formed = parts.len() >= 3
        && parts.iter().all(|p| !p.is_empty())
        && parts
            .last()
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if well_formed {
        Ok(name.clone())
    } else {
        Err(invalid(
            value,
            format!("'{name}' is not a region name like us-east-1"),
        ))
    }
}

fn email(value: &Spanned<String>) -> Result<String, Invalid> {
    if is_email(value.get_ref()) {
        Ok(value.get_ref().clone())
    } else {
        Err(invalid(
            value,
            format!("'{}' is not a valid email address", value.get_ref()),
        ))
    }
}

fn time(value: &Spanned<String>) -> Result<TimeSpec, Invalid> {
    TimeSpec::parse(value.get_ref()).map_err(|message| invalid(value, message))
}

fn optional<T, U>(
    value: &Option<Spanned<T>>,
    check: impl Fn(&Spanned<T>) -> Result<U, Invalid>,
) -> Result<Option<U>, Invalid> {
    value.as_ref().map(check).transpose()
}

impl ScenarioFile {
    fn resolve(self, origin: &str) -> Result<Scenario, Invalid> {
        let mut accounts = Vec::new();
        let mut seen_keys = HashSet::new();
        for def in &self.account {
            let id = account_id(&def.id)?;
            let mut access_keys = Vec::new();
            for key in &def.access_keys {
                if key.get_ref().is_empty() || !seen_keys.insert(key.get_ref().clone()) {
                    return Err(invalid(key, "access key ids must be non-empty and unique"));
                }
                access_keys.push(key.get_ref().clone());
            }
            accounts.push(AccountSpec {
                id,
                name: def.name.clone(),
                email: optional(&def.email, email)?,
                access_keys,
                disabled_regions: def
                    .disabled_regions
                    .iter()
                    .map(region)
                    .collect::<Result<_, _>>()?,
            });
        }
        let mut roles = Vec::new();
        for def in &self.role {
            let name = def.name.get_ref();
            let valid = (1..=64).contains(&name.len())
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
            if !valid {
                return Err(invalid(
                    &def.name,
                    "a role name is 1 to 64 of A-Z a-z 0-9 +=,.@_-",
                ));
            }
            roles.push(RoleSpec {
                account: account_id(&def.account)?,
                name: name.clone(),
                trusts: def
                    .trusts
                    .iter()
                    .map(account_id)
                    .collect::<Result<_, _>>()?,
                external_id: def.external_id.clone(),
                mfa: def.mfa,
            });
        }
        let organization = match &self.organization {
            None => None,
            Some(def) => Some(organization(def, &accounts)?),
        };
        Ok(Scenario {
            name: self.name.unwrap_or_else(|| origin.to_owned()),
            description: self.description,
            accounts,
            roles,
            organization,
            securityhub: resolve_rosters(&self.securityhub, Kind::SecurityHub)?,
            guardduty: resolve_rosters(&self.guardduty, Kind::GuardDuty)?,
            detective: resolve_rosters(&self.detective, Kind::Detective)?,
            macie: resolve_rosters(&self.macie, Kind::Macie)?,
            verification_seconds: self.verification_seconds,
            propagation_seconds: self.propagation_seconds,
            events: self
                .event
                .iter()
                .map(|def| {
                    if !["securityhub", "guardduty", "detective", "macie"]
                        .contains(&def.service.get_ref().as_str())
                    {
                        return Err(invalid(
                            &def.service,
                            "an event's service is securityhub, guardduty, detective or macie",
                        ));
                    }
                    Ok(EventSpec {
                        account: account_id(&def.account)?,
                        region: region(&def.region)?,
                        // CloudTrail names Macie by its endpoint, `macie2`.
                        service: match def.service.get_ref().as_str() {
                            "macie" => "macie2".to_owned(),
                            other => other.to_owned(),
                        },
                        name: def.name.get_ref().clone(),
                        at: TimeSpec::parse(def.at.get_ref()).map_err(|e| invalid(&def.at, e))?,
                        by: def.by.clone(),
                        parameters: def
                            .parameters
                            .as_ref()
                            .and_then(|p| serde_json::to_value(p).ok())
                            .unwrap_or_else(|| serde_json::json!({})),
                    })
                })
                .collect::<Result<_, _>>()?,
        })
    }
}

fn resolve_rosters(defs: &[RosterDef], kind: Kind) -> Result<Vec<RosterSpec>, Invalid> {
    let mut seen = HashSet::new();
    let mut rosters = Vec::new();
    for def in defs {
        let region = region(&def.region)?;
        let account = account_id(&def.account)?;
        if !seen.insert((region.clone(), account.clone())) {
            return Err(invalid(
                &def.account,
                format!(
                    "account {account} already has a {} entry in {region}: one per account and region",
                    kind.table()
                ),
            ));
        }
        let resource_id = match &def.id {
            Some(id) if kind == Kind::SecurityHub => {
                return Err(invalid(id, "a Security Hub hub has no id to set"));
            }
            Some(id) if !is_hex32(id.get_ref()) => {
                return Err(invalid(id, "ids are 32 lowercase hexadecimal characters"));
            }
            other => other.as_ref().map(|id| id.get_ref().clone()),
        };
        let mut members = Vec::new();
        let mut member_ids = HashSet::new();
        for member in &def.members {
            let spec = resolve_member(member, kind)?;
            if spec.account == account {
                return Err(invalid(
                    &member.account,
                    "an account cannot be its own member",
                ));
            }
            if !member_ids.insert(spec.account.clone()) {
                return Err(invalid(
                    &member.account,
                    format!("member {} is listed twice", spec.account),
                ));
            }
            members.push(spec);
        }
        rosters.push(RosterSpec {
            region,
            account,
            since: optional(&def.since, time)?.unwrap_or(TimeSpec::Ago(Duration::days(365))),
            resource_id,
            members,
        });
    }
    Ok(rosters)
}

fn resolve_member(def: &MemberDef, kind: Kind) -> Result<MemberSpec, Invalid> {
    let status = def.status.get_ref();
    if !kind.statuses().contains(&status.as_str()) {
        return Err(invalid(
            &def.status,
            format!(
                "'{status}' is not a {} member status; use one of {}",
                kind.table(),
                kind.statuses().join(", ")
            ),
        ));
    }
    let email = optional(&def.email, email)?;
    if email.is_none() && kind != Kind::SecurityHub {
        return Err(invalid(
            &def.account,
            format!("{} members need an email", kind.table()),
        ));
    }
    if let Some(id) = &def.invitation_id {
        if !kind.invited(status) {
            return Err(invalid(
                id,
                format!("a member with status {status} has no invitation id"),
            ));
        }
        if !is_hex32(id.get_ref()) {
            return Err(invalid(id, "ids are 32 lowercase hexadecimal characters"));
        }
    }
    let usage = if kind == Kind::Detective {
        detective_usage(def)?
    } else {
        let detective_only = [
            def.disabled_reason.as_ref().map(|v| v.span()),
            def.volume_usage_bytes.as_ref().map(|v| v.span()),
            def.percent_of_graph_utilization.as_ref().map(|v| v.span()),
            def.ingest_states.as_ref().map(|v| v.span()),
            def.volume_by_package.as_ref().map(|v| v.span()),
        ];
        if let Some(span) = detective_only.into_iter().flatten().next() {
            return Err(Invalid {
                span,
                message: "usage fields belong to Detective members only".into(),
            });
        }
        DetectiveUsage::default()
    };
    Ok(MemberSpec {
        account: account_id(&def.account)?,
        email,
        status: status.clone(),
        invitation_id: def.invitation_id.as_ref().map(|id| id.get_ref().clone()),
        invited_at: optional(&def.invited_at, time)?,
        updated_at: optional(&def.updated_at, time)?,
        usage,
        organization: def.organization,
    })
}

fn detective_usage(def: &MemberDef) -> Result<DetectiveUsage, Invalid> {
    let status = def.status.get_ref().as_str();
    let disabled_reason = match &def.disabled_reason {
        None if status == "ACCEPTED_BUT_DISABLED" => {
            return Err(invalid(
                &def.status,
                "an ACCEPTED_BUT_DISABLED member needs a disabled_reason",
            ));
        }
        None => None,
        Some(reason) if status != "ACCEPTED_BUT_DISABLED" => {
            return Err(invalid(
                reason,
                "only ACCEPTED_BUT_DISABLED members have a disabled_reason",
            ));
        }
        Some(reason)
            if !["VOLUME_TOO_HIGH", "VOLUME_UNKNOWN"].contains(&reason.get_ref().as_str()) =>
        {
            return Err(invalid(
                reason,
                "disabled_reason is VOLUME_TOO_HIGH or VOLUME_UNKNOWN",
            ));
        }
        Some(reason) => Some(reason.get_ref().clone()),
    };
    if let Some(bytes) = &def.volume_usage_bytes
        && *bytes.get_ref() < 0
    {
        return Err(invalid(bytes, "volume_usage_bytes cannot be negative"));
    }
    if let Some(percent) = &def.percent_of_graph_utilization
        && !(percent.get_ref().is_finite() && *percent.get_ref() >= 0.0)
    {
        // Above 100 is real: a member over the graph's volume limit.
        return Err(invalid(
            percent,
            "percent_of_graph_utilization cannot be negative",
        ));
    }
    if let Some(states) = &def.ingest_states {
        for (package, state) in states.get_ref() {
            if !DATASOURCE_PACKAGES.contains(&package.as_str())
                || !INGEST_STATES.contains(&state.as_str())
            {
                return Err(invalid(
                    states,
                    format!(
                        "ingest state {package} = {state}: packages are {}, states {}",
                        DATASOURCE_PACKAGES.join(", "),
                        INGEST_STATES.join(", ")
                    ),
                ));
            }
        }
    }
    if let Some(volumes) = &def.volume_by_package
        && let Some((package, _)) = volumes.get_ref().iter().find(|(package, bytes)| {
            !DATASOURCE_PACKAGES.contains(&package.as_str()) || **bytes < 0
        })
    {
        return Err(invalid(
            volumes,
            format!(
                "volume_by_package {package}: packages are {} and volumes not negative",
                DATASOURCE_PACKAGES.join(", ")
            ),
        ));
    }
    Ok(DetectiveUsage {
        disabled_reason,
        volume_usage_bytes: def.volume_usage_bytes.as_ref().map(|v| *v.get_ref()),
        percent_of_graph_utilization: def
            .percent_of_graph_utilization
            .as_ref()
            .map(|v| *v.get_ref()),
        ingest_states: def
            .ingest_states
            .as_ref()
            .map(|v| v.get_ref().clone())
            .unwrap_or_default(),
        volume_by_package: def
            .volume_by_package
            .as_ref()
            .map(|v| v.get_ref().clone())
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_scenario_is_valid() {
        let demo = Scenario::demo();
        assert!(demo.securityhub.iter().any(|hub| hub.members.len() >= 120));
    }

    #[test]
    fn an_organization_takes_ids_and_ranges_and_names_the_bad_one() {
        let text = "[[account]]\nid = \"444455556666\"\nname = \"prod\"\n\n[organization]\nmanagement = \"111122223333\"\nmembers = [\"444455556666\", \"210000000001..210000000003\"]\nsuspended = [\"210000000002\"]\n";
        let org = Scenario::parse(text, "org.toml")
            .unwrap()
            .organization
            .unwrap();
        let ids: Vec<&str> = org.accounts.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "111122223333",
                "444455556666",
                "210000000001",
                "210000000002",
                "210000000003"
            ]
        );
        assert_eq!(org.account("444455556666").unwrap().name, "prod");
        assert_eq!(org.account("210000000002").unwrap().status, "SUSPENDED");
        let bad = text.replace("210000000001..210000000003", "210000000003..210000000001");
        let error = Scenario::parse(&bad, "org.toml").unwrap_err();
        assert_eq!(error.line, Some(7), "{error}");
    }

    #[test]
    fn relative_and_absolute_times() {
        let now = Utc::now();
        assert_eq!(
            TimeSpec::parse("-3d").unwrap().resolve(now),
            now - Duration::days(3)
        );
        assert_eq!(TimeSpec::parse("now").unwrap().resolve(now), now);
        assert!(matches!(
            TimeSpec::parse("2026-01-02T03:04:05Z"),
            Ok(TimeSpec::At(_))
        ));
        assert!(TimeSpec::parse("-3y").is_err());
        assert!(TimeSpec::parse("yesterday").is_err());
    }

    #[test]
    fn errors_name_the_line_and_reason() {
        let text = "[[account]]\nid = \"111122223333\"\n\n[[securityhub]]\nregion = \"us-east-1\"\naccount = \"12345\"\n";
        let error = Scenario::parse(text, "bad.toml").unwrap_err();
        assert_eq!(error.line, Some(6));
        assert_eq!(
            error.to_string(),
            "bad.toml:6:11: '12345' is not an account id of exactly 12 digits"
        );

        let error =
            Scenario::parse("[[guardduty]]\nregion = \"us-east-1\"\n", "x.toml").unwrap_err();
        assert!(error.message.contains("missing field `account`"), "{error}");

        let text = "[[detective]]\nregion = \"us-east-1\"\naccount = \"111122223333\"\nmembers = [{ account = \"222233334444\", email = \"a@example.com\", status = \"Invited\" }]\n";
        let error = Scenario::parse(text, "x.toml").unwrap_err();
        assert_eq!(error.line, Some(4));
        assert!(error.message.contains("INVITED"), "{error}");
    }
}
