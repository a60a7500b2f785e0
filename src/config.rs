//! The configuration file: defaults for where to look, live mode, how things look, and key
//! bindings. Command-line flags win over it; a mistake in it is reported with its line.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::app::{Action, DateStyle, Key, KeyMap};
use crate::format::Clock;
use crate::model::ServiceKind;

/// `$GUESTLIST_CONFIG`, else `config.toml` in the platform config directory.
pub fn default_path() -> PathBuf {
    if let Some(path) = std::env::var_os("GUESTLIST_CONFIG") {
        return PathBuf::from(path);
    }
    dirs::config_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("guestlist")
        .join("config.toml")
}

/// What `guestlist config init` writes: every setting, commented, at its default.
pub const TEMPLATE: &str = r#"# guestlist configuration. Command-line flags win over these.

# Profiles to act as, each one identity (default: the default credential chain).
# profiles = ["security-admin", "workloads"]

# Regions to look in; "all" means every region where each service is offered in the partition.
# regions = ["us-east-1", "eu-west-1"]

# Services to look at: securityhub, guardduty, detective, macie (default: all four).
# services = ["securityhub", "guardduty", "detective", "macie"]

# Live mode: refresh every interval ("30s", "5m", "1h"); "off" or "0" disables it.
# refresh = "off"

# Ring the terminal bell when a new invitation arrives.
# bell = false

# Fan out to these accounts, assuming a role in each (as --accounts and --assume-role):
# ids, or the path of a file (one id per line, or a CSV with an AccountId column).
# accounts = ["111122223333", "444455556666"]
# accounts = "accounts.csv"
# assume_role = "OrganizationAccountAccessRole"
# external_id = "..."
# role_session_name = "guestlist"
# mfa_serial = "arn:aws:iam::111122223333:mfa/me"

[trust]
# The administrators this organization accepts invitations from (as --trust): for every
# service, and per service. Invitations from anyone else are untrusted: marked ✗, shown
# alone with t, declined and deleted together with T, and `guestlist check` fails on them.
# administrators = ["111122223333"]
# securityhub = ["111122223333"]
# guardduty = ["111122223333"]
# detective = ["111122223333"]
# macie = ["111122223333"]

[display]
# Times in "local" time or "utc".
# time = "local"
# The Invited column: "relative" (3d ago), "absolute" (2026-11-21 10:40) or "both".
# dates = "both"
# "default", or "mono" for no colour (NO_COLOR is respected too).
# theme = "default"

[keys]
# Any action, bound to a key or a list of keys; its default keys are then replaced.
# Keys: a character (j, G, ?), a name (enter, esc, tab, backtab, backspace, up, down, left,
# right, pageup, pagedown, home, end, delete, insert, space) or f1-f12, with ctrl- or alt-.
# refresh = "r"
# toggle_live = "R"
# accept = ["a", "ctrl-a"]
# Actions: move_down, move_up, move_left, move_right, page_down, page_up, top, bottom,
# next_view, previous_view, view_all, view_security_hub, view_guard_duty, view_detective,
# view_macie, toggle_detail, filter, sort_next, sort_reverse, refresh, toggle_live, toggle_mark,
# mark_range, mark_all, clear_marks, pending_only, untrusted_only, triage, accept, decline,
# delete, members, invite, remove_member, copy, prompt, log, history, coverage, onboard,
# sources, confirm, help, close, quit.
"#;

/// The settings, resolved.
#[derive(Debug, Clone)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub profiles: Vec<String>,
    pub regions: Vec<String>,
    pub services: Vec<ServiceKind>,
    /// `Some(None)`: live mode explicitly off.
    pub refresh: Option<Option<Duration>>,
    pub bell: bool,
    pub clock: Clock,
    pub dates: DateStyle,
    pub color: bool,
    pub keymap: KeyMap,
    /// `accounts`: ids joined by commas, or a file's path, as `--accounts` takes them.
    pub accounts: Option<String>,
    pub assume_role: Option<String>,
    pub external_id: Option<String>,
    pub role_session_name: Option<String>,
    pub mfa_serial: Option<String>,
    /// `[trust]`, as `--trust` values: `ACCOUNT` or `SERVICE:ACCOUNT`.
    pub trust: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            path: None,
            profiles: Vec::new(),
            regions: Vec::new(),
            services: Vec::new(),
            refresh: None,
            bell: false,
            clock: Clock::Local,
            dates: DateStyle::Both,
            color: true,
            keymap: KeyMap::default(),
            accounts: None,
            assume_role: None,
            external_id: None,
            role_session_name: None,
            mfa_serial: None,
            trust: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub origin: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.origin, self.message),
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    profiles: Option<Vec<String>>,
    regions: Option<Vec<Spanned<String>>>,
    services: Option<Vec<Spanned<String>>>,
    refresh: Option<Spanned<String>>,
    bell: Option<bool>,
    accounts: Option<Accounts>,
    assume_role: Option<String>,
    external_id: Option<String>,
    role_session_name: Option<String>,
    mfa_serial: Option<String>,
    #[serde(default)]
    trust: TrustFile,
    #[serde(default)]
    display: Display,
    #[serde(default)]
    keys: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
}

/// `accounts`: a list of ids, or a file's path.
#[derive(Deserialize)]
#[serde(untagged)]
enum Accounts {
    Ids(Vec<String>),
    File(String),
}

/// `[trust]`: administrators for every service, and per service.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TrustFile {
    administrators: Option<Vec<Spanned<String>>>,
    securityhub: Option<Vec<Spanned<String>>>,
    guardduty: Option<Vec<Spanned<String>>>,
    detective: Option<Vec<Spanned<String>>>,
    macie: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Display {
    time: Option<Clock>,
    dates: Option<DateStyle>,
    theme: Option<Theme>,
}

/// `theme`: colours, or none.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Theme {
    Default,
    Mono,
}

/// Live mode's interval bounds.
const MIN_REFRESH: Duration = Duration::from_secs(5);
const MAX_REFRESH: Duration = Duration::from_secs(24 * 3600);

/// Live mode's interval: `off`/`0` for none, else a humane duration (`30s`, `5m`), 5s to 24h.
pub fn parse_refresh(text: &str) -> Result<Option<Duration>, String> {
    let text = text.trim();
    if text == "off" || text == "0" {
        return Ok(None);
    }
    let duration = humantime::parse_duration(text)
        .map_err(|e| format!("'{text}' is not a duration like 30s, 5m or 1h, nor off: {e}"))?;
    if duration < MIN_REFRESH {
        return Err(format!("'{text}' is too often: refresh at most every 5s"));
    }
    if duration > MAX_REFRESH {
        return Err(format!(
            "'{text}' is too long: refresh at least every 24h, or off"
        ));
    }
    Ok(Some(duration))
}

impl Config {
    /// The file at `path`; a missing file is the defaults, a broken one an error.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let origin = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, &origin).map(|mut config| {
                config.path = Some(path.to_owned());
                config
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(ConfigError {
                origin,
                line: None,
                message: format!("cannot read it: {e}"),
            }),
        }
    }

    pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let at = |span: Option<Range<usize>>, message: String| ConfigError {
            origin: origin.to_owned(),
            line: span.map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
            message,
        };
        let file: File =
            toml::from_str(text).map_err(|e| at(e.span(), e.message().trim().to_owned()))?;
        let mut config = Config {
            profiles: file.profiles.unwrap_or_default(),
            bell: file.bell.unwrap_or(false),
            accounts: file.accounts.map(|accounts| match accounts {
                Accounts::Ids(ids) => ids.join(","),
                Accounts::File(path) => path,
            }),
            assume_role: file.assume_role,
            external_id: file.external_id,
            role_session_name: file.role_session_name,
            mfa_serial: file.mfa_serial,
            ..Config::default()
        };
        let trust = &file.trust;
        for (service, accounts) in [
            (None, &trust.administrators),
            (Some(ServiceKind::SecurityHub), &trust.securityhub),
            (Some(ServiceKind::GuardDuty), &trust.guardduty),
            (Some(ServiceKind::Detective), &trust.detective),
            (Some(ServiceKind::Macie), &trust.macie),
        ] {
            for account in accounts.iter().flatten() {
                let entry = match service {
                    Some(service) => format!("{}:{}", service.id(), account.get_ref().trim()),
                    None => account.get_ref().trim().to_owned(),
                };
                crate::model::TrustPolicy::default()
                    .add_arg(&entry)
                    .map_err(|_| {
                        at(
                            Some(account.span()),
                            format!("'{}' is not a 12-digit account id", account.get_ref()),
                        )
                    })?;
                config.trust.push(entry);
            }
        }
        for region in file.regions.into_iter().flatten() {
            let parsed = crate::plan::parse_region(region.get_ref())
                .map_err(|e| at(Some(region.span()), e))?;
            config.regions.push(parsed);
        }
        for service in file.services.into_iter().flatten() {
            let parsed: ServiceKind = service
                .get_ref()
                .parse()
                .map_err(|e| at(Some(service.span()), e))?;
            config.services.push(parsed);
        }
        if let Some(refresh) = &file.refresh {
            config.refresh =
                Some(parse_refresh(refresh.get_ref()).map_err(|e| at(Some(refresh.span()), e))?);
        }
        config.clock = file.display.time.unwrap_or(config.clock);
        config.dates = file.display.dates.unwrap_or(config.dates);
        config.color = file.display.theme != Some(Theme::Mono);
        config.keymap = keymap(&file.keys).map_err(|(span, message)| at(Some(span), message))?;
        Ok(config)
    }
}

/// The default bindings with the file's replacing those of the actions it names.
fn keymap(
    keys: &BTreeMap<Spanned<String>, Spanned<toml::Value>>,
) -> Result<KeyMap, (Range<usize>, String)> {
    let mut map = KeyMap::default();
    let mut chosen: Vec<(Key, Action, Range<usize>)> = Vec::new();
    for (name, value) in keys {
        let action: Action = serde_json::from_value(serde_json::Value::String(
            name.get_ref().clone(),
        ))
        .map_err(|_| {
            (
                name.span(),
                format!(
                    "'{}' is not an action; actions are {}",
                    name.get_ref(),
                    Action::ALL
                        .iter()
                        .map(|a| serde_json::to_value(a)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        let texts: Vec<&str> = match value.get_ref() {
            toml::Value::String(key) => vec![key.as_str()],
            toml::Value::Array(keys) => keys
                .iter()
                .map(|k| {
                    k.as_str().ok_or_else(|| {
                        (
                            value.span(),
                            format!("keys for {} are strings", name.get_ref()),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
            _ => {
                return Err((
                    value.span(),
                    format!("{} takes a key or a list of keys", name.get_ref()),
                ));
            }
        };
        map.unbind(action);
        for text in texts {
            let key: Key = text.parse().map_err(|e| (value.span(), e))?;
            chosen.push((key, action, value.span()));
        }
    }
    for (i, (key, action, span)) in chosen.iter().enumerate() {
        if let Some((_, other, _)) = chosen[..i].iter().find(|(k, a, _)| k == key && a != action) {
            return Err((
                span.clone(),
                format!(
                    "'{key}' is bound to two actions: {} and {}",
                    name_of(*other),
                    name_of(*action)
                ),
            ));
        }
        if let Some(other) = map.action_of(key).filter(|other| other != action) {
            return Err((
                span.clone(),
                format!(
                    "'{key}' is bound to two actions: {} (by default) and {}; rebind {} too",
                    name_of(other),
                    name_of(*action),
                    name_of(other)
                ),
            ));
        }
        map.bind(*key, *action);
    }
    Ok(map)
}

fn name_of(action: Action) -> String {
    serde_json::to_value(action)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_a_valid_configuration_of_defaults() {
        let config = Config::parse(TEMPLATE, "template").unwrap();
        assert!(config.profiles.is_empty());
        assert_eq!(config.keymap, KeyMap::default());
        // It names every action a key can be bound to.
        for action in crate::app::Action::ALL {
            let name = serde_json::to_string(&action).unwrap();
            assert!(
                TEMPLATE.contains(name.trim_matches('"')),
                "{name} is missing"
            );
        }
    }

    #[test]
    fn the_fan_out_can_live_in_the_file() {
        let text = "accounts = [\"111122223333\", \"444455556666\"]\nassume_role = \"Audit\"\nexternal_id = \"x\"\n";
        let config = Config::parse(text, "test").unwrap();
        assert_eq!(
            config.accounts.as_deref(),
            Some("111122223333,444455556666")
        );
        assert_eq!(config.assume_role.as_deref(), Some("Audit"));
        let config = Config::parse("accounts = \"accounts.csv\"\n", "test").unwrap();
        assert_eq!(config.accounts.as_deref(), Some("accounts.csv"));
    }

    #[test]
    fn the_trust_policy_lives_in_the_file_and_a_wrong_id_is_named_by_its_line() {
        let text = "[trust]\nadministrators = [\"111122223333\"]\nguardduty = [\"444455556666\"]\n";
        let config = Config::parse(text, "test").unwrap();
        assert_eq!(config.trust, ["111122223333", "guardduty:444455556666"]);
        let error = Config::parse("[trust]\n\ndetective = [\"12345\"]\n", "c.toml").unwrap_err();
        assert_eq!(
            error.to_string(),
            "c.toml:3: '12345' is not a 12-digit account id"
        );
    }

    #[test]
    fn refresh_durations() {
        assert_eq!(parse_refresh("30s"), Ok(Some(Duration::from_secs(30))));
        assert_eq!(parse_refresh("5m"), Ok(Some(Duration::from_secs(300))));
        assert_eq!(parse_refresh("off"), Ok(None));
        assert_eq!(parse_refresh("0"), Ok(None));
        assert!(parse_refresh("1s").is_err());
        assert!(parse_refresh("24h").is_ok());
        let error = parse_refresh("300000y").unwrap_err();
        assert!(error.contains("at least every 24h"), "{error}");
        assert!(parse_refresh("soon").is_err());
    }
}
