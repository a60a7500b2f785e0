//! `h` and `:history`: membership calls from CloudTrail — for the selected invitation's
//! account and service, or for everything listed.

use crate::app::effect::Effect;
use crate::app::state::overlay::Overlay;
use crate::app::state::{AppState, HistoryView};

/// CloudTrail's event history keeps 90 days: all of it.
const DAYS: u16 = 90;

/// Opens the history: of the selected invitation's account and service when `selected` and
/// there is one, else of every identity, region and service listed.
pub(super) fn open(state: &mut AppState, selected: bool) -> Vec<Effect> {
    let chosen = selected
        .then(|| state.invitations.selected_row())
        .flatten()
        .map(|row| (row.invitation.profile.clone(), row.invitation.service));
    let sources = state
        .sources
        .iter()
        .map(|s| &s.id)
        .filter(|id| match &chosen {
            Some((profile, service)) => id.profile == *profile && id.service == *service,
            None => true,
        });
    let trails = crate::model::trails(sources);
    if trails.is_empty() {
        state.tell("nothing listed, so no trail to read");
        return Vec::new();
    }
    let scope = match &chosen {
        Some((profile, service)) => {
            let account = state.account_of(profile).unwrap_or_else(|| profile.clone());
            let name = state
                .account_names
                .get(profile)
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            format!("account {account}{name} · {}", service.display_name())
        }
        None => "every account, region and service listed".to_owned(),
    };
    state.history = Some(HistoryView {
        scope,
        events: None,
        failures: Vec::new(),
    });
    state.overlay = Overlay::History(0);
    vec![Effect::LookupHistory { trails, days: DAYS }]
}
