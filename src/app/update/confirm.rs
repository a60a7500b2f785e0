//! Enter and Esc: what confirming or closing means for whatever is up.

use super::{Effect, form, invitations, members, prompt};
use crate::app::state::AppState;
use crate::app::state::dialogs::Proposal;
use crate::app::state::overlay::Overlay;

pub(super) fn confirm(state: &mut AppState) -> Vec<Effect> {
    match std::mem::replace(&mut state.overlay, Overlay::Table) {
        Overlay::Form(form) => {
            state.overlay = Overlay::Form(form);
            form::submit(state);
            Vec::new()
        }
        Overlay::Prompt(text) => {
            state.overlay = Overlay::Prompt(text);
            prompt::run(state)
        }
        Overlay::Proposal(proposal) => members::confirm(state, proposal),
        Overlay::Answer(dialog) if dialog.readiness.is_none() => {
            state.overlay = Overlay::Answer(dialog);
            state.tell("still asking AWS what is needed first…");
            Vec::new()
        }
        Overlay::Answer(dialog) => invitations::confirm(state, dialog),
        overlay @ (Overlay::Log(_)
        | Overlay::History(_)
        | Overlay::Sources { .. }
        | Overlay::Coverage) => {
            state.overlay = overlay;
            Vec::new()
        }
        Overlay::Table | Overlay::Filter(_) | Overlay::Detail(_) | Overlay::Help(_) => Vec::new(),
    }
}

pub(super) fn close(state: &mut AppState) {
    match std::mem::replace(&mut state.overlay, Overlay::Table) {
        Overlay::Proposal(Proposal::Reconcile { .. }) if state.coverage.is_some() => {
            state.overlay = Overlay::Coverage;
            state.tell("cancelled: nothing was sent");
        }
        Overlay::Answer(_) | Overlay::Proposal(_) => {
            state.tell("cancelled: nothing was sent");
        }
        Overlay::Form(form) => {
            if form.back_to_invitations {
                state.screen = crate::app::state::Screen::Invitations;
            }
            state.tell("invite cancelled: nothing was sent");
        }
        // Esc in the filter, or on the table, clears the filter.
        Overlay::Filter(_) | Overlay::Table => super::text::change_filter(state, String::clear),
        Overlay::Prompt(_)
        | Overlay::Detail(_)
        | Overlay::Help(_)
        | Overlay::Log(_)
        | Overlay::History(_)
        | Overlay::Sources { .. }
        | Overlay::Coverage => {}
    }
}
