//! The `:` prompt: commands that jump, with Tab completion.

use crossterm::event::{KeyCode, KeyEvent};

use super::text::change_filter;
use super::{Action, Effect, members, navigation, perform};
use crate::app::state::line::LineInput;
use crate::app::state::overlay::Overlay;
use crate::app::state::table::TableColumn;
use crate::app::state::{AppState, Screen, ServiceTab};
use crate::model::ServiceKind;

pub(super) fn edit(state: &mut AppState, key: KeyEvent) {
    match key.code {
        KeyCode::Tab => complete(state),
        KeyCode::Up | KeyCode::Down => recall(state, key.code == KeyCode::Up),
        _ => {
            if let Overlay::Prompt(line) = &mut state.overlay {
                line.edit(key);
            }
        }
    }
}

/// ↑: the command run before the one shown; ↓: the one after, then an empty line.
fn recall(state: &mut AppState, older: bool) {
    let history = &state.prompt_history;
    let at = match (state.prompt_recalled, older) {
        (None, true) => history.len().checked_sub(1),
        (Some(at), true) => Some(at.saturating_sub(1)),
        (Some(at), false) if at + 1 < history.len() => Some(at + 1),
        (_, false) => None,
    };
    state.prompt_recalled = at;
    let text = at
        .and_then(|at| history.get(at))
        .cloned()
        .unwrap_or_default();
    state.overlay = Overlay::Prompt(LineInput::new(text));
}

const PROMPT_COMMANDS: [&str; 12] = [
    "region",
    "service",
    "profile",
    "sort",
    "save",
    "members",
    "invitations",
    "log",
    "history",
    "coverage",
    "refresh",
    "quit",
];

/// Short names k9s users type: `:sh`, `:gd`, `:dt`, `:mc`.
fn alias(command: &str) -> Option<ServiceKind> {
    match command {
        "sh" | "securityhub" => Some(ServiceKind::SecurityHub),
        "gd" | "guardduty" => Some(ServiceKind::GuardDuty),
        "dt" | "detective" => Some(ServiceKind::Detective),
        "mc" | "macie" => Some(ServiceKind::Macie),
        _ => None,
    }
}

/// The columns on screen, by their lowercase titles: what `:sort` takes.
fn sort_columns(state: &AppState) -> Vec<String> {
    match state.screen {
        Screen::Invitations => state
            .invitations
            .columns()
            .iter()
            .map(|c| c.title().to_lowercase())
            .collect(),
        Screen::Members => state
            .members
            .table
            .columns()
            .iter()
            .map(|c| c.title().to_lowercase())
            .collect(),
    }
}

/// What each prompt command's argument can be.
fn prompt_candidates(state: &AppState, command: &str) -> Vec<String> {
    match command {
        "region" => state.regions.clone(),
        "service" => std::iter::once("all".to_owned())
            .chain(ServiceKind::ALL.iter().map(|s| s.id().to_owned()))
            .collect(),
        "profile" => state.identities.keys().cloned().collect(),
        "sort" => sort_columns(state),
        _ => Vec::new(),
    }
}

/// Tab: completes a command or its argument as far as the candidates agree.
fn complete(state: &mut AppState) {
    let Some(input) = state.prompt().map(str::to_owned) else {
        return;
    };
    let (prefix, candidates, partial) = match input.split_once(' ') {
        None => (
            String::new(),
            PROMPT_COMMANDS.iter().map(|c| c.to_string()).collect(),
            input.as_str(),
        ),
        Some((command, argument)) => (
            format!("{command} "),
            prompt_candidates(state, command),
            argument.trim_start(),
        ),
    };
    let matching: Vec<&String> = candidates
        .iter()
        .filter(|c| c.starts_with(partial))
        .collect();
    match matching.as_slice() {
        [] => state.tell(format!("nothing completes '{partial}'")),
        [only] => {
            let space = if prefix.is_empty() && !prompt_candidates(state, only).is_empty() {
                " "
            } else {
                ""
            };
            state.overlay = Overlay::Prompt(LineInput::new(format!("{prefix}{only}{space}")));
        }
        many => {
            let first = many[0].as_str();
            let common = many.iter().fold(first.len(), |len, c| {
                first
                    .chars()
                    .zip(c.chars())
                    .take(len)
                    .take_while(|(a, b)| a == b)
                    .count()
            });
            state.overlay =
                Overlay::Prompt(LineInput::new(format!("{prefix}{}", &first[..common])));
            state.tell(
                many.iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join("  "),
            );
        }
    }
}

/// Enter: runs what was typed.
pub(super) fn run(state: &mut AppState) -> Vec<Effect> {
    let input = match std::mem::replace(&mut state.overlay, Overlay::Table) {
        Overlay::Prompt(input) => input.text,
        _ => String::new(),
    };
    state.prompt_recalled = None;
    let input = input.trim().to_owned();
    if !input.is_empty() && state.prompt_history.last() != Some(&input) {
        state.prompt_history.push(input.clone());
    }
    let mut words = input.split_whitespace();
    let command = words.next().unwrap_or("");
    let mut argument = words.next().unwrap_or("").to_owned();
    // `:region add eu-central-1` is `:region +eu-central-1`; `remove` is `-`.
    match argument.as_str() {
        "add" => argument = format!("+{}", words.next().unwrap_or("")),
        "remove" => argument = format!("-{}", words.next().unwrap_or("")),
        _ => {}
    }
    let argument = argument.as_str();
    if ["region", "service", "profile"].contains(&command)
        && (argument.starts_with(['+', '-']) || (argument == "all" && command != "service"))
    {
        return replan(state, command, argument);
    }
    let jump_filter = |state: &mut AppState, text: &str| {
        change_filter(state, |filter| *filter = text.to_owned());
    };
    if let Some(service) = alias(command) {
        navigation::set_tab(state, ServiceTab::Only(service));
        return Vec::new();
    }
    match (command, argument) {
        ("", _) => {}
        ("region" | "profile", "") => {
            state.tell(format!(":{command} needs a name (Tab completes)"))
        }
        ("region", region) if state.regions.iter().any(|r| r == region) => {
            jump_filter(state, region)
        }
        ("region", region) => state.tell(format!(
            "{region} is not a region guestlist is looking at: :region +{region} adds it"
        )),
        ("profile", profile) if state.identities.contains_key(profile) => {
            jump_filter(state, profile)
        }
        ("profile", profile) => {
            state.tell(format!("{profile} is not a profile guestlist is using"))
        }
        ("service", "") => navigation::set_tab(state, ServiceTab::All),
        ("service", "all") if state.services.len() < ServiceKind::ALL.len() => {
            return replan(state, command, "all");
        }
        ("service", "all") => navigation::set_tab(state, ServiceTab::All),
        ("service", service) => match service.parse::<ServiceKind>() {
            Ok(service) => navigation::set_tab(state, ServiceTab::Only(service)),
            Err(error) => state.tell(error),
        },
        ("sort", "") => state.tell(format!(
            ":sort needs a column: {}",
            sort_columns(state).join(", ")
        )),
        ("sort", column) => sort_by_title(state, column),
        ("log", _) => state.overlay = Overlay::Log(0),
        ("history", _) => return super::history::open(state, false),
        ("coverage", _) => return super::coverage::open(state),
        ("save", path) => return save(state, path),
        ("members", _) => {
            if state.screen == Screen::Invitations {
                return members::toggle_screen(state);
            }
        }
        ("invitations", _) => state.screen = Screen::Invitations,
        ("refresh", _) => return perform(state, Action::Refresh),
        ("quit" | "q", _) => return vec![Effect::Quit],
        (other, _) => state.tell(format!(
            "unknown command :{other}; try {}",
            PROMPT_COMMANDS.join(", ")
        )),
    }
    Vec::new()
}

/// `:sort status`: that column, if it is on screen.
fn sort_by_title(state: &mut AppState, title: &str) {
    let title = title.to_lowercase();
    let found = match state.screen {
        Screen::Invitations => {
            let shown = state.invitations.columns();
            let column = shown.iter().find(|c| c.title().to_lowercase() == title);
            column
                .copied()
                .map(|c| navigation::sort_by_column(state, c))
        }
        Screen::Members => {
            let shown = state.members.table.columns();
            let column = shown.iter().find(|c| c.title().to_lowercase() == title);
            column
                .copied()
                .map(|c| navigation::sort_members_by(state, c))
        }
    };
    if found.is_none() {
        state.tell(format!(
            "no column '{title}' on screen; :sort takes {}",
            sort_columns(state).join(", ")
        ));
    }
}

/// `:save [path]`: the rows on screen, as JSON or CSV by the file's extension; by default a
/// new JSON file named for the screen and the time.
fn save(state: &mut AppState, path: &str) -> Vec<Effect> {
    use crate::export::{self, Format};
    use crate::model::{InvitationRecord, MemberRecord};
    let screen = match state.screen {
        Screen::Invitations => "invitations",
        Screen::Members => "members",
    };
    let path = match path {
        "" => std::path::PathBuf::from(format!(
            "guestlist-{screen}-{}.json",
            state.now.format("%Y%m%dT%H%M%SZ")
        )),
        path => std::path::PathBuf::from(path),
    };
    let Some(format) = Format::of_path(&path) else {
        state.tell(format!(
            "{} is neither .json nor .csv: :save writes one of those",
            path.display()
        ));
        return Vec::new();
    };
    let (contents, rows) = match state.screen {
        Screen::Invitations => {
            let records: Vec<InvitationRecord> = state
                .invitations
                .visible_rows()
                .map(|r| {
                    let account = match state.identities.get(&r.invitation.profile) {
                        Some(crate::app::IdentityState::Account(account)) => Some(account.as_str()),
                        _ => None,
                    };
                    InvitationRecord::new(&r.invitation, account)
                })
                .collect();
            (export::invitations(&records, format), records.len())
        }
        Screen::Members => {
            let records: Vec<MemberRecord> = state
                .members
                .table
                .visible_rows()
                .map(|r| MemberRecord::new(&r.member))
                .collect();
            (export::members(&records, format), records.len())
        }
    };
    match contents {
        Ok(contents) => vec![Effect::Save {
            path,
            contents,
            rows,
        }],
        Err(error) => {
            state.tell(format!("could not write the rows: {error}"));
            Vec::new()
        }
    }
}

/// `:region +R`, `:region -R`, `:region all`; `:service +S`, `-S`, `all`; `:profile -P`,
/// `:profile all`: what is listed changes, and the sources are planned again.
fn replan(state: &mut AppState, command: &str, argument: &str) -> Vec<Effect> {
    let (sign, name) = match argument {
        "all" => ('=', ""),
        other => (other.chars().next().unwrap_or('+'), &other[1..]),
    };
    let mut regions = state.regions.clone();
    let mut services = state.services.clone();
    let mut profiles: Vec<String> = state.identities.keys().cloned().collect();
    let refused = |state: &mut AppState, why: String| {
        state.tell(why);
        Vec::new()
    };
    match (command, sign) {
        ("region", '=') => regions = vec!["all".into()],
        ("region", sign) => {
            let region = match crate::plan::parse_region(name) {
                Ok(region) if region != "all" => region,
                Ok(_) => return refused(state, ":region all takes no sign".into()),
                Err(error) => return refused(state, error),
            };
            if sign == '+' && !regions.contains(&region) {
                regions.push(region);
            } else if sign == '-' {
                regions.retain(|r| *r != region);
            }
        }
        ("service", '=') => services = ServiceKind::ALL.to_vec(),
        ("service", sign) => {
            let service = match alias(name).map_or_else(|| name.parse(), Ok) {
                Ok(service) => service,
                Err(error) => return refused(state, error),
            };
            if sign == '+' && !services.contains(&service) {
                services.push(service);
            } else if sign == '-' {
                services.retain(|s| *s != service);
            }
        }
        ("profile", '=') => profiles = state.planned_profiles.clone(),
        ("profile", '-') => profiles.retain(|p| p != name),
        ("profile", _) => {
            return refused(
                state,
                format!(
                    "profiles are those guestlist started with ({}): :profile all brings them back",
                    state.planned_profiles.join(", ")
                ),
            );
        }
        _ => return Vec::new(),
    }
    if regions.is_empty() || services.is_empty() || profiles.is_empty() {
        return refused(
            state,
            format!("nothing would be left to list: :{command} {argument} is not done"),
        );
    }
    services.sort();
    state.tell(format!("planning again for :{command} {argument}…"));
    vec![Effect::Replan {
        profiles,
        services,
        regions,
    }]
}
