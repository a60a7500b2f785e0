//! The invite form: moving between fields, choosing services, and submitting it for confirmation.

use crossterm::event::{KeyCode, KeyEvent};

use crate::app::state::AppState;
use crate::app::state::dialogs::Proposal;
use crate::app::state::form::{CheckedInvite, Field};
use crate::app::state::line;
use crate::app::state::overlay::Overlay;
use crate::model::{ServiceKind, SourceId};

pub(super) fn edit(state: &mut AppState, key: KeyEvent) {
    let Some(form) = state.form_mut() else {
        return;
    };
    match key.code {
        KeyCode::Tab => form.next_field(1),
        KeyCode::BackTab => form.next_field(-1),
        KeyCode::Down if form.field != Field::Services => form.next_field(1),
        KeyCode::Up if form.field != Field::Services => form.next_field(-1),
        KeyCode::Left if form.field == Field::Services => {
            let count = ServiceKind::ALL.len();
            form.service_cursor = (form.service_cursor + count - 1) % count;
        }
        KeyCode::Right if form.field == Field::Services => {
            form.service_cursor = (form.service_cursor + 1) % ServiceKind::ALL.len();
        }
        KeyCode::Char(' ') if form.field == Field::Services => {
            let at = form.service_cursor;
            form.services[at] = !form.services[at];
            // What was wrong is checked again on Enter; until then it would mislead.
            form.errors.clear();
        }
        _ => {
            let mut cursor = form.cursor;
            if let Some(text) = form.text_mut()
                && line::edit(text, &mut cursor, key)
            {
                form.errors.clear();
            }
            form.cursor = cursor;
        }
    }
}

/// Checks the form; what is wrong stays in it, what is right becomes a proposal to confirm.
pub(super) fn submit(state: &mut AppState) {
    let sources = state.source_ids();
    let regions = state.regions.clone();
    let Some(form) = state.form_mut() else {
        return;
    };
    match form.check(&regions) {
        Err(errors) => form.errors = errors,
        Ok(CheckedInvite {
            invitees,
            services,
            regions,
        }) => {
            let profile = form.profile.clone();
            let message = Some(form.message.trim().to_owned()).filter(|m| !m.is_empty());
            let sources: Vec<SourceId> = sources
                .into_iter()
                .filter(|s| {
                    s.profile == profile
                        && services.contains(&s.service)
                        && regions.contains(&s.region)
                })
                .collect();
            state.overlay = Overlay::Proposal(Proposal::Invite {
                invitees,
                message,
                sources,
            });
        }
    }
}
