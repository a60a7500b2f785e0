//! The `:` prompt: commands that jump, with Tab completion.

use crossterm::event::{KeyCode, KeyEvent};

use super::text::{change_filter, edit_text};
use super::{Action, Effect, members, navigation, perform};
use crate::app::state::overlay::Overlay;
use crate::app::state::{AppState, Screen, ServiceTab};
use crate::model::ServiceKind;

pub(super) fn edit(state: &mut AppState, key: KeyEvent) {
    if key.code == KeyCode::Tab {
        complete(state);
    } else if let Overlay::Prompt(text) = &mut state.overlay {
        edit_text(text, key);
    }
}

const PROMPT_COMMANDS: [&str; 7] = [
    "region",
    "service",
    "profile",
    "members",
    "invitations",
    "refresh",
    "quit",
];

/// What each prompt command's argument can be.
fn prompt_candidates(state: &AppState, command: &str) -> Vec<String> {
    match command {
        "region" => state.regions.clone(),
        "service" => std::iter::once("all".to_owned())
            .chain(ServiceKind::ALL.iter().map(|s| s.id().to_owned()))
            .collect(),
        "profile" => state.identities.keys().cloned().collect(),
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
        [] => state.notice = Some(format!("nothing completes '{partial}'")),
        [only] => {
            let space = if prefix.is_empty() && !prompt_candidates(state, only).is_empty() {
                " "
            } else {
                ""
            };
            state.overlay = Overlay::Prompt(format!("{prefix}{only}{space}"));
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
            state.overlay = Overlay::Prompt(format!("{prefix}{}", &first[..common]));
            state.notice = Some(
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
        Overlay::Prompt(input) => input,
        _ => String::new(),
    };
    let mut words = input.split_whitespace();
    let command = words.next().unwrap_or("");
    let argument = words.next().unwrap_or("");
    let jump_filter = |state: &mut AppState, text: &str| {
        change_filter(state, |filter| *filter = text.to_owned());
    };
    match (command, argument) {
        ("", _) => {}
        ("region" | "profile", "") => {
            state.notice = Some(format!(":{command} needs a name (Tab completes)"))
        }
        ("region", region) if state.regions.iter().any(|r| r == region) => {
            jump_filter(state, region)
        }
        ("region", region) => {
            state.notice = Some(format!("{region} is not a region guestlist is looking at"))
        }
        ("profile", profile) if state.identities.contains_key(profile) => {
            jump_filter(state, profile)
        }
        ("profile", profile) => {
            state.notice = Some(format!("{profile} is not a profile guestlist is using"))
        }
        ("service", "all" | "") => navigation::set_tab(state, ServiceTab::All),
        ("service", service) => match service.parse::<ServiceKind>() {
            Ok(service) => navigation::set_tab(state, ServiceTab::Only(service)),
            Err(error) => state.notice = Some(error),
        },
        ("members", _) => {
            if state.screen == Screen::Invitations {
                return members::toggle_screen(state);
            }
        }
        ("invitations", _) => state.screen = Screen::Invitations,
        ("refresh", _) => return perform(state, Action::Refresh),
        ("quit" | "q", _) => return vec![Effect::Quit],
        (other, _) => {
            state.notice = Some(format!(
                "unknown command :{other}; try {}",
                PROMPT_COMMANDS.join(", ")
            ))
        }
    }
    Vec::new()
}
