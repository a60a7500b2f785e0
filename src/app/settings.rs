//! How the dashboard was started: decided once, before the first frame, never changed by `update`.

use std::path::PathBuf;
use std::time::Duration;

use super::{DateStyle, KeyMap};
use crate::format::Clock;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Running against the demo sandbox.
    pub demo: bool,
    /// Every action that changes something is refused (`--read-only`).
    pub read_only: bool,
    pub audit_path: Option<PathBuf>,
    pub log_path: Option<PathBuf>,
    pub keymap: KeyMap,
    pub clock: Clock,
    pub dates: DateStyle,
    /// False under NO_COLOR or the mono theme: styles keep their weight, lose their colour.
    pub color: bool,
    /// Live mode's interval; None is off.
    pub refresh: Option<Duration>,
    /// Ring the terminal bell when a new invitation arrives.
    pub bell: bool,
    /// Fanned out to accounts by assuming a role in each: identities are accounts.
    pub fan_out: bool,
    /// Whom to trust (`--trust`, `[trust]`): every row is judged by it.
    pub trust: crate::model::TrustPolicy,
    /// The accounts that should be members (`--roster`): the coverage matrix's rows. Empty:
    /// the members are the roster.
    pub roster: Vec<crate::model::RosterAccount>,
    /// The role each roster account is reached through to onboard it from the matrix
    /// (`--assume-role` with `--roster`); none: the matrix cannot onboard.
    pub onboard_role: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            demo: false,
            read_only: false,
            audit_path: None,
            log_path: None,
            keymap: KeyMap::default(),
            clock: Clock::Local,
            dates: DateStyle::default(),
            color: true,
            refresh: None,
            bell: false,
            fan_out: false,
            trust: crate::model::TrustPolicy::default(),
            roster: Vec::new(),
            onboard_role: None,
        }
    }
}
