//! What is over the table and has the keyboard. One value, carrying its own state, so a dialog
//! without a question or a form without fields cannot be built.

use super::dialogs::{Dialog, Proposal};
use super::form::InviteForm;
use super::line::LineInput;
use crate::app::Mode;

#[derive(Debug, Clone)]
pub enum Overlay {
    /// Nothing: the table has the keyboard.
    Table,
    /// Typing into the filter (the table's own), the cursor at this byte.
    Filter(usize),
    /// The `:` prompt, with what is typed so far.
    Prompt(LineInput),
    /// Every field of the selected row, scrolled down this many lines.
    Detail(usize),
    /// The keys of the screen, scrolled down this many lines.
    Help(usize),
    /// Asks before answering invitations.
    Answer(Dialog),
    /// Asks before changing members or inviting.
    Proposal(Proposal),
    /// The invite form.
    Form(InviteForm),
    /// The message log, scrolled up this many lines from its newest.
    Log(usize),
    /// Every source, failures first: the one selected, and whether its whole story is open.
    Sources { selected: usize, open: bool },
    /// Membership calls from CloudTrail, newest first, scrolled down this many lines.
    History(usize),
    /// The coverage matrix (its cursor is in `AppState::coverage`).
    Coverage,
}

impl Overlay {
    /// How keys are resolved while it is up.
    pub fn mode(&self) -> Mode {
        match self {
            Overlay::Table => Mode::Table,
            Overlay::Filter(_) => Mode::Filter,
            Overlay::Prompt(_) => Mode::Prompt,
            Overlay::Detail(_) => Mode::Detail,
            Overlay::Help(_) => Mode::Help,
            Overlay::Answer(_) | Overlay::Proposal(_) => Mode::Confirm,
            Overlay::Form(_) => Mode::Form,
            // A pager, as the log is.
            Overlay::Log(_) | Overlay::History(_) => Mode::Log,
            Overlay::Sources { .. } => Mode::Sources,
            Overlay::Coverage => Mode::Coverage,
        }
    }
}
