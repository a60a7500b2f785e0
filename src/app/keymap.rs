//! Keys to actions. Actions have serde names, so a configuration can bind keys to them by name;
//! the help screen is the inverted map.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::{Deserialize, Serialize};

/// Everything a key can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    MoveDown,
    MoveUp,
    MoveLeft,
    MoveRight,
    PageDown,
    PageUp,
    Top,
    Bottom,
    NextView,
    PreviousView,
    ViewAll,
    ViewSecurityHub,
    ViewGuardDuty,
    ViewDetective,
    ViewMacie,
    ToggleDetail,
    Filter,
    SortNext,
    SortReverse,
    Refresh,
    ToggleLive,
    ToggleMark,
    MarkRange,
    MarkAll,
    ClearMarks,
    PendingOnly,
    UntrustedOnly,
    Triage,
    Accept,
    Decline,
    Delete,
    Members,
    Invite,
    RemoveMember,
    Copy,
    Prompt,
    Log,
    History,
    Coverage,
    Onboard,
    Sources,
    Confirm,
    Help,
    Close,
    Quit,
}

impl Action {
    /// In the order the help screen lists them.
    pub const ALL: [Action; 45] = [
        Action::MoveDown,
        Action::MoveUp,
        Action::MoveLeft,
        Action::MoveRight,
        Action::PageDown,
        Action::PageUp,
        Action::Top,
        Action::Bottom,
        Action::NextView,
        Action::PreviousView,
        Action::ViewAll,
        Action::ViewSecurityHub,
        Action::ViewGuardDuty,
        Action::ViewDetective,
        Action::ViewMacie,
        Action::ToggleDetail,
        Action::Filter,
        Action::SortNext,
        Action::SortReverse,
        Action::Refresh,
        Action::ToggleLive,
        Action::ToggleMark,
        Action::MarkRange,
        Action::MarkAll,
        Action::ClearMarks,
        Action::PendingOnly,
        Action::UntrustedOnly,
        Action::Triage,
        Action::Accept,
        Action::Decline,
        Action::Delete,
        Action::Members,
        Action::Invite,
        Action::RemoveMember,
        Action::Copy,
        Action::Prompt,
        Action::Log,
        Action::History,
        Action::Coverage,
        Action::Onboard,
        Action::Sources,
        Action::Confirm,
        Action::Help,
        Action::Close,
        Action::Quit,
    ];

    /// Whether it may change something in AWS: read-only refuses it before anything else.
    pub fn changes_something(self) -> bool {
        self.change().is_some()
    }

    /// What it would change, as a refusal names it.
    pub fn change(self) -> Option<&'static str> {
        match self {
            Action::Accept => Some("accept"),
            Action::Decline => Some("decline"),
            Action::Triage => Some("decline and delete"),
            Action::Delete => Some("delete"),
            Action::Invite => Some("invite"),
            Action::RemoveMember => Some("remove"),
            Action::Onboard => Some("onboarding"),
            _ => None,
        }
    }

    /// Whether it does anything on `screen`: the help lists only what does.
    pub fn on_screen(self, members: bool) -> bool {
        match self {
            Action::Accept
            | Action::Decline
            | Action::PendingOnly
            | Action::UntrustedOnly
            | Action::Triage => !members,
            Action::RemoveMember => members,
            _ => true,
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Action::MoveDown => "next row",
            Action::MoveUp => "previous row",
            Action::MoveLeft => "previous column (coverage)",
            Action::MoveRight => "next column (coverage)",
            Action::PageDown => "page down",
            Action::PageUp => "page up",
            Action::Top => "first row",
            Action::Bottom => "last row",
            Action::NextView => "next view",
            Action::PreviousView => "previous view",
            Action::ViewAll => "all services",
            Action::ViewSecurityHub => "Security Hub only",
            Action::ViewGuardDuty => "GuardDuty only",
            Action::ViewDetective => "Detective only",
            Action::ViewMacie => "Macie only",
            Action::ToggleDetail => "every field of the row",
            Action::Filter => "filter rows",
            Action::SortNext => "sort by the next column",
            Action::SortReverse => "reverse the sort order",
            Action::Refresh => "fetch everything again",
            Action::ToggleLive => "pause or resume live mode",
            Action::ToggleMark => "mark the row for an action",
            Action::MarkRange => "mark up to the last mark",
            Action::MarkAll => "mark every row shown",
            Action::ClearMarks => "clear every mark",
            Action::PendingOnly => "only pending, or all",
            Action::UntrustedOnly => "only untrusted, or all",
            Action::Triage => "decline+delete untrusted",
            Action::Accept => "accept (asks first)",
            Action::Decline => "decline (asks first)",
            Action::Delete => "delete (asks first)",
            Action::Members => "members you administer",
            Action::Invite => "invite accounts (members)",
            Action::RemoveMember => "remove member (asks first)",
            Action::Copy => "copy id, ARN or account",
            Action::Prompt => ":sort, :log, :gd… commands",
            Action::Log => "messages and errors",
            Action::History => "who changed what",
            Action::Coverage => "coverage: roster × places",
            Action::Onboard => "onboard a coverage row (asks first)",
            Action::Sources => "every source, its whole error",
            Action::Confirm => "confirm, in a dialog",
            Action::Help => "this help",
            Action::Close => "close, or clear filter",
            Action::Quit => "quit",
        }
    }
}

/// What has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Table,
    /// Typing into the filter: printable keys are text, not actions.
    Filter,
    Detail,
    Help,
    /// A dialog asks before anything changes.
    Confirm,
    /// The invite form has the keyboard: keys are text and field moves.
    Form,
    /// The `:` prompt has the keyboard.
    Prompt,
    /// The message log is up: moves scroll it.
    Log,
    /// The sources list is up: moves select, Enter opens one.
    Sources,
    /// The coverage matrix is up: moves go between cells.
    Coverage,
}

/// A key with its modifiers, as written in a configuration (`ctrl-c`, `shift-tab`, `pagedown`, `G`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCodeOrd,
    pub ctrl: bool,
    pub alt: bool,
}

/// `KeyCode` with an order, so maps of keys print in a stable order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeOrd {
    Char(char),
    F(u8),
    Named(NamedKey),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NamedKey {
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Delete,
    Insert,
    Space,
}

const NAMED: [(&str, NamedKey); 16] = [
    ("enter", NamedKey::Enter),
    ("esc", NamedKey::Esc),
    ("tab", NamedKey::Tab),
    ("backtab", NamedKey::BackTab),
    ("backspace", NamedKey::Backspace),
    ("up", NamedKey::Up),
    ("down", NamedKey::Down),
    ("left", NamedKey::Left),
    ("right", NamedKey::Right),
    ("pageup", NamedKey::PageUp),
    ("pagedown", NamedKey::PageDown),
    ("home", NamedKey::Home),
    ("end", NamedKey::End),
    ("delete", NamedKey::Delete),
    ("insert", NamedKey::Insert),
    ("space", NamedKey::Space),
];

impl Key {
    pub fn plain(code: KeyCodeOrd) -> Self {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub fn char(c: char) -> Self {
        Key::plain(KeyCodeOrd::Char(c))
    }

    pub fn named(named: NamedKey) -> Self {
        Key::plain(KeyCodeOrd::Named(named))
    }

    /// The key a terminal event stands for; Shift is folded into the character.
    pub fn from_event(event: &KeyEvent) -> Option<Key> {
        let code = match event.code {
            KeyCode::Char(' ') => KeyCodeOrd::Named(NamedKey::Space),
            KeyCode::Char(c) => KeyCodeOrd::Char(c),
            KeyCode::F(n) => KeyCodeOrd::F(n),
            KeyCode::Enter => KeyCodeOrd::Named(NamedKey::Enter),
            KeyCode::Esc => KeyCodeOrd::Named(NamedKey::Esc),
            KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => {
                KeyCodeOrd::Named(NamedKey::BackTab)
            }
            KeyCode::Tab => KeyCodeOrd::Named(NamedKey::Tab),
            KeyCode::BackTab => KeyCodeOrd::Named(NamedKey::BackTab),
            KeyCode::Backspace => KeyCodeOrd::Named(NamedKey::Backspace),
            KeyCode::Up => KeyCodeOrd::Named(NamedKey::Up),
            KeyCode::Down => KeyCodeOrd::Named(NamedKey::Down),
            KeyCode::Left => KeyCodeOrd::Named(NamedKey::Left),
            KeyCode::Right => KeyCodeOrd::Named(NamedKey::Right),
            KeyCode::PageUp => KeyCodeOrd::Named(NamedKey::PageUp),
            KeyCode::PageDown => KeyCodeOrd::Named(NamedKey::PageDown),
            KeyCode::Home => KeyCodeOrd::Named(NamedKey::Home),
            KeyCode::End => KeyCodeOrd::Named(NamedKey::End),
            KeyCode::Delete => KeyCodeOrd::Named(NamedKey::Delete),
            KeyCode::Insert => KeyCodeOrd::Named(NamedKey::Insert),
            _ => return None,
        };
        Some(Key {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        })
    }
}

impl FromStr for Key {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 1 && lower.starts_with("ctrl-") {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.len() > 1 && lower.starts_with("alt-") {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let lower = rest.to_ascii_lowercase();
        let code = if let Some((_, named)) = NAMED.iter().find(|(name, _)| *name == lower) {
            KeyCodeOrd::Named(*named)
        } else if lower == "shift-tab" {
            KeyCodeOrd::Named(NamedKey::BackTab)
        } else if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
            KeyCodeOrd::F(n)
        } else {
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_control() => KeyCodeOrd::Char(c),
                _ => {
                    return Err(format!(
                        "unknown key '{text}': use a character (j, G, ?), a name ({}), f1–f12, with ctrl- or alt- before it",
                        NAMED.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        };
        Ok(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCodeOrd::Char(c) => write!(f, "{c}"),
            KeyCodeOrd::F(n) => write!(f, "F{n}"),
            KeyCodeOrd::Named(named) => f.write_str(match named {
                NamedKey::Enter => "Enter",
                NamedKey::Esc => "Esc",
                NamedKey::Tab => "Tab",
                NamedKey::BackTab => "Shift-Tab",
                NamedKey::Backspace => "Backspace",
                NamedKey::Up => "↑",
                NamedKey::Down => "↓",
                NamedKey::Left => "←",
                NamedKey::Right => "→",
                NamedKey::PageUp => "PgUp",
                NamedKey::PageDown => "PgDn",
                NamedKey::Home => "Home",
                NamedKey::End => "End",
                NamedKey::Delete => "Del",
                NamedKey::Insert => "Ins",
                NamedKey::Space => "Space",
            }),
        }
    }
}

/// The bindings in force.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyMap {
    bindings: BTreeMap<Key, Action>,
}

impl Default for KeyMap {
    fn default() -> Self {
        use NamedKey::*;
        let c = Key::char;
        let n = Key::named;
        let bindings = [
            (c('j'), Action::MoveDown),
            (n(Down), Action::MoveDown),
            (c('k'), Action::MoveUp),
            (n(Up), Action::MoveUp),
            (n(Left), Action::MoveLeft),
            (n(Right), Action::MoveRight),
            (n(PageDown), Action::PageDown),
            (
                Key {
                    ctrl: true,
                    ..c('f')
                },
                Action::PageDown,
            ),
            (n(PageUp), Action::PageUp),
            (
                Key {
                    ctrl: true,
                    ..c('b')
                },
                Action::PageUp,
            ),
            (c('g'), Action::Top),
            (n(Home), Action::Top),
            (c('G'), Action::Bottom),
            (n(End), Action::Bottom),
            (n(Tab), Action::NextView),
            (n(BackTab), Action::PreviousView),
            (c('1'), Action::ViewAll),
            (c('2'), Action::ViewSecurityHub),
            (c('3'), Action::ViewGuardDuty),
            (c('4'), Action::ViewDetective),
            (c('5'), Action::ViewMacie),
            (n(Enter), Action::ToggleDetail),
            (c('/'), Action::Filter),
            (c('s'), Action::SortNext),
            (c('S'), Action::SortReverse),
            (c('r'), Action::Refresh),
            (c('R'), Action::ToggleLive),
            (n(Space), Action::ToggleMark),
            (c('V'), Action::MarkRange),
            (
                Key {
                    ctrl: true,
                    ..c('a')
                },
                Action::MarkAll,
            ),
            (c('u'), Action::ClearMarks),
            (c('p'), Action::PendingOnly),
            (c('t'), Action::UntrustedOnly),
            (c('T'), Action::Triage),
            (c('a'), Action::Accept),
            (c('d'), Action::Decline),
            (c('D'), Action::Delete),
            (c('m'), Action::Members),
            (c('i'), Action::Invite),
            (c('x'), Action::RemoveMember),
            (c('y'), Action::Copy),
            (c(':'), Action::Prompt),
            (c('l'), Action::Log),
            (c('h'), Action::History),
            (c('c'), Action::Coverage),
            (c('o'), Action::Onboard),
            (c('e'), Action::Sources),
            (c('?'), Action::Help),
            (n(Esc), Action::Close),
            (c('q'), Action::Quit),
        ]
        .into_iter()
        .collect();
        KeyMap { bindings }
    }
}

impl KeyMap {
    /// Replaces the binding of `key`.
    pub fn bind(&mut self, key: Key, action: Action) {
        self.bindings.insert(key, action);
    }

    /// Removes every key of `action`.
    pub fn unbind(&mut self, action: Action) {
        self.bindings.retain(|_, bound| *bound != action);
    }

    pub fn action_of(&self, key: &Key) -> Option<Action> {
        self.bindings.get(key).copied()
    }

    /// What `event` does in `mode`; Ctrl-C always quits, whatever the bindings.
    pub fn resolve(&self, event: &KeyEvent, mode: Mode) -> Option<Action> {
        let key = Key::from_event(event)?;
        if key.ctrl && key.code == KeyCodeOrd::Char('c') {
            return Some(Action::Quit);
        }
        match mode {
            Mode::Filter => match key.code {
                KeyCodeOrd::Named(NamedKey::Esc) => Some(Action::Close),
                KeyCodeOrd::Named(NamedKey::Enter) => Some(Action::Filter),
                KeyCodeOrd::Named(NamedKey::Up) => Some(Action::MoveUp),
                KeyCodeOrd::Named(NamedKey::Down) => Some(Action::MoveDown),
                _ => None,
            },
            // The dialog's keys are fixed: a rebinding must never turn a key into a yes.
            Mode::Confirm => match key.code {
                KeyCodeOrd::Char('y') | KeyCodeOrd::Named(NamedKey::Enter) => Some(Action::Confirm),
                KeyCodeOrd::Char('n') | KeyCodeOrd::Named(NamedKey::Esc) => Some(Action::Close),
                // Picks another invitation where only one can be accepted.
                KeyCodeOrd::Named(NamedKey::Tab) => Some(Action::NextView),
                _ => None,
            },
            Mode::Prompt => match key.code {
                KeyCodeOrd::Named(NamedKey::Esc) => Some(Action::Close),
                KeyCodeOrd::Named(NamedKey::Enter) => Some(Action::Confirm),
                _ => None,
            },
            Mode::Form => match key.code {
                KeyCodeOrd::Named(NamedKey::Esc) => Some(Action::Close),
                KeyCodeOrd::Named(NamedKey::Enter) => Some(Action::Confirm),
                _ => None,
            },
            Mode::Help => self.pager(&key, Action::Help, &[]),
            Mode::Log => self.pager(&key, Action::Log, &[Action::Bottom, Action::History]),
            Mode::Sources => self.pager(
                &key,
                Action::Sources,
                &[Action::Bottom, Action::ToggleDetail, Action::Copy],
            ),
            Mode::Coverage => self.pager(
                &key,
                Action::Coverage,
                &[
                    Action::Bottom,
                    Action::MoveLeft,
                    Action::MoveRight,
                    Action::NextView,
                    Action::PreviousView,
                    Action::ToggleDetail,
                    Action::Onboard,
                    Action::ToggleMark,
                    Action::ClearMarks,
                ],
            ),
            Mode::Table | Mode::Detail => self.bindings.get(&key).copied(),
        }
    }

    /// A list over the table (help, the log, the sources): `q`, Esc and its own key close
    /// it, moves scroll or select in it, and `more` do what they say; nothing else acts.
    fn pager(&self, key: &Key, own: Action, more: &[Action]) -> Option<Action> {
        match self.bindings.get(key).copied()? {
            Action::Quit | Action::Close => Some(Action::Close),
            action if action == own => Some(Action::Close),
            action @ (Action::MoveDown
            | Action::MoveUp
            | Action::PageDown
            | Action::PageUp
            | Action::Top) => Some(action),
            action if more.contains(&action) => Some(action),
            _ => None,
        }
    }

    /// Every action with the keys bound to it, for the help screen.
    pub fn inverted(&self) -> Vec<(Action, Vec<Key>)> {
        Action::ALL
            .into_iter()
            .map(|action| {
                let keys = self
                    .bindings
                    .iter()
                    .filter(|(_, a)| **a == action)
                    .map(|(k, _)| *k)
                    .collect();
                (action, keys)
            })
            .collect()
    }

    /// The first key bound to `action`, for hints.
    pub fn key_for(&self, action: Action) -> Option<Key> {
        self.bindings
            .iter()
            .find(|(_, a)| **a == action)
            .map(|(k, _)| *k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press,
            state: crossterm::event::KeyEventState::NONE,
        }
    }

    #[test]
    fn table_keys() {
        let map = KeyMap::default();
        let resolve = |code, modifiers| map.resolve(&press(code, modifiers), Mode::Table);
        assert_eq!(
            resolve(KeyCode::Char('j'), KeyModifiers::NONE),
            Some(Action::MoveDown)
        );
        assert_eq!(
            resolve(KeyCode::Down, KeyModifiers::NONE),
            Some(Action::MoveDown)
        );
        assert_eq!(
            resolve(KeyCode::Char('G'), KeyModifiers::SHIFT),
            Some(Action::Bottom)
        );
        assert_eq!(
            resolve(KeyCode::Tab, KeyModifiers::SHIFT),
            Some(Action::PreviousView)
        );
        assert_eq!(
            resolve(KeyCode::BackTab, KeyModifiers::SHIFT),
            Some(Action::PreviousView)
        );
        assert_eq!(
            resolve(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Action::Quit)
        );
        assert_eq!(
            resolve(KeyCode::Char('f'), KeyModifiers::CONTROL),
            Some(Action::PageDown)
        );
        assert_eq!(
            resolve(KeyCode::Char('x'), KeyModifiers::NONE),
            Some(Action::RemoveMember)
        );
        assert_eq!(resolve(KeyCode::Char('z'), KeyModifiers::NONE), None);
    }

    #[test]
    fn filter_mode_leaves_printable_keys_to_the_text() {
        let map = KeyMap::default();
        let resolve = |code| map.resolve(&press(code, KeyModifiers::NONE), Mode::Filter);
        assert_eq!(resolve(KeyCode::Char('q')), None);
        assert_eq!(resolve(KeyCode::Char('j')), None);
        assert_eq!(resolve(KeyCode::Esc), Some(Action::Close));
        assert_eq!(resolve(KeyCode::Enter), Some(Action::Filter));
        assert_eq!(
            map.resolve(
                &press(KeyCode::Char('c'), KeyModifiers::CONTROL),
                Mode::Filter
            ),
            Some(Action::Quit)
        );
    }

    #[test]
    fn help_mode_closes_on_q_esc_and_question_mark() {
        let map = KeyMap::default();
        for code in [KeyCode::Char('q'), KeyCode::Esc, KeyCode::Char('?')] {
            assert_eq!(
                map.resolve(&press(code, KeyModifiers::NONE), Mode::Help),
                Some(Action::Close)
            );
        }
        // j scrolls the help; an action key does nothing under it.
        assert_eq!(
            map.resolve(&press(KeyCode::Char('j'), KeyModifiers::NONE), Mode::Help),
            Some(Action::MoveDown)
        );
        assert_eq!(
            map.resolve(&press(KeyCode::Char('a'), KeyModifiers::NONE), Mode::Help),
            None
        );
    }

    #[test]
    fn the_dialog_answers_only_to_yes_and_no() {
        let map = KeyMap::default();
        let resolve = |code| map.resolve(&press(code, KeyModifiers::NONE), Mode::Confirm);
        assert_eq!(resolve(KeyCode::Char('y')), Some(Action::Confirm));
        assert_eq!(resolve(KeyCode::Enter), Some(Action::Confirm));
        assert_eq!(resolve(KeyCode::Char('n')), Some(Action::Close));
        assert_eq!(resolve(KeyCode::Esc), Some(Action::Close));
        assert_eq!(resolve(KeyCode::Char('a')), None);
        assert_eq!(resolve(KeyCode::Char('q')), None);
    }

    #[test]
    fn keys_parse_and_print() {
        for (text, printed) in [
            ("j", "j"),
            ("G", "G"),
            ("ctrl-c", "Ctrl-c"),
            ("Ctrl-Alt-x", "Ctrl-Alt-x"),
            ("pagedown", "PgDn"),
            ("shift-tab", "Shift-Tab"),
            ("f5", "F5"),
            ("space", "Space"),
            ("?", "?"),
        ] {
            let key: Key = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(key.to_string(), printed);
        }
        assert!("hyper-q".parse::<Key>().is_err());
        assert!("ctrl-".parse::<Key>().is_err());
        assert!("".parse::<Key>().is_err());
    }

    #[test]
    fn rebinding_moves_an_action_and_the_help_follows() {
        let mut map = KeyMap::default();
        map.bind("x".parse().unwrap(), Action::Refresh);
        let press_x = press(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(map.resolve(&press_x, Mode::Table), Some(Action::Refresh));
        let refresh_keys = map
            .inverted()
            .into_iter()
            .find(|(a, _)| *a == Action::Refresh)
            .unwrap()
            .1;
        assert_eq!(refresh_keys, vec![Key::char('r'), Key::char('x')]);
    }

    #[test]
    fn actions_have_serde_names() {
        let action: Action = serde_json::from_str("\"view_guard_duty\"").unwrap();
        assert_eq!(action, Action::ViewGuardDuty);
        assert_eq!(
            serde_json::to_string(&Action::ToggleDetail).unwrap(),
            "\"toggle_detail\""
        );
    }
}
