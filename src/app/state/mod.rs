//! The dashboard's state: every source, the rows each has returned, and how a person is looking
//! at them. Split by concern: sources and backoff, the table engine and its row kinds, the
//! members screen, the questions asked before anything changes, and the overlay.

pub mod columns;
pub mod coverage;
pub mod dialogs;
pub mod form;
pub mod invitations;
pub mod line;
pub mod log;
pub mod members;
pub mod overlay;
pub mod sources;
pub mod table;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::Mode;
use super::settings::Settings;
use crate::model::AwsError;
use crate::model::{Invitation, ServiceKind, SourceId};
use dialogs::{Dialog, Note, Proposal};
use form::InviteForm;
use invitations::{Column, Row};
use members::MembersView;
use overlay::Overlay;
use sources::{Changes, Live, SourceState};
use table::{Browser, Sort};

/// Which table is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Invitations,
    Members,
}

/// Which services a table shows: one tab each, and one for all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceTab {
    All,
    Only(ServiceKind),
}

impl ServiceTab {
    pub const ALL: [ServiceTab; 5] = [
        ServiceTab::All,
        ServiceTab::Only(ServiceKind::SecurityHub),
        ServiceTab::Only(ServiceKind::GuardDuty),
        ServiceTab::Only(ServiceKind::Detective),
        ServiceTab::Only(ServiceKind::Macie),
    ];

    pub fn label(self) -> &'static str {
        match self {
            ServiceTab::All => "All",
            ServiceTab::Only(service) => service.display_name(),
        }
    }

    /// Its place in [`ServiceTab::ALL`]; a match, since filtering asks it for every row.
    pub fn index(self) -> usize {
        match self {
            ServiceTab::All => 0,
            ServiceTab::Only(ServiceKind::SecurityHub) => 1,
            ServiceTab::Only(ServiceKind::GuardDuty) => 2,
            ServiceTab::Only(ServiceKind::Detective) => 3,
            ServiceTab::Only(ServiceKind::Macie) => 4,
        }
    }

    pub fn shows(self, service: ServiceKind) -> bool {
        match self {
            ServiceTab::All => true,
            ServiceTab::Only(only) => only == service,
        }
    }
}

/// How the Invited column writes a time; named in lowercase in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateStyle {
    /// "3d ago"
    Relative,
    /// "2026-11-21 10:40"
    Absolute,
    /// Both, where there is room.
    #[default]
    Both,
}

/// Who an identity is, once STS has said.
#[derive(Debug, Clone, PartialEq)]
pub enum IdentityState {
    Resolving,
    Account(String),
    Failed(AwsError),
}

/// Membership calls from CloudTrail, for one account and service or for everything.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryView {
    /// What was asked for: "workload-prod · GuardDuty" or "every account and region".
    pub scope: String,
    /// None while asking.
    pub events: Option<Vec<crate::model::HistoryEvent>>,
    /// Trails that could not be read, and why.
    pub failures: Vec<String>,
}

#[derive(Clone)]
pub struct AppState {
    pub settings: Settings,
    pub services: Vec<ServiceKind>,
    pub regions: Vec<String>,
    pub identities: BTreeMap<String, IdentityState>,
    pub sources: Vec<SourceState>,
    source_index: HashMap<SourceId, usize>,
    /// The generation of the last fetch of many sources: identities are resolved in it.
    pub generation: u64,
    /// Generations handed out so far; each new listing takes the next.
    generations_issued: u64,
    /// The service tab both screens show.
    pub tab: ServiceTab,
    pub screen: Screen,
    /// The invitations table: one group per source, in the order of `sources`.
    pub invitations: Browser<Row, Note>,
    pub members: MembersView,
    pub overlay: Overlay,
    /// The terminal size.
    pub size: (u16, u16),
    /// How many rows the table shows, for paging and keeping the selection in sight.
    pub table_rows: usize,
    pub now: DateTime<Utc>,
    pub spinner: usize,
    /// A one-line message for the footer, until the next key; kept in `log` too.
    pub notice: Option<String>,
    pub log: log::MessageLog,
    /// The profiles guestlist started with: `:profile all` brings back those removed.
    pub planned_profiles: Vec<String>,
    /// Account names by profile, where the organization names them (`--accounts org`).
    pub account_names: BTreeMap<String, String>,
    /// Commands run at the `:` prompt, oldest first, and which one ↑/↓ recalled.
    pub prompt_history: Vec<String>,
    pub prompt_recalled: Option<usize>,
    pub live: Live,
    pub changes: Changes,
    /// What the history overlay shows, once asked for.
    pub history: Option<HistoryView>,
    /// The coverage matrix, while it is up.
    pub coverage: Option<coverage::CoverageView>,
    /// Onboarding started from the matrix, cell by cell (kept while the matrix is closed).
    pub onboarding: coverage::OnboardingCells,
    /// Who each source's account answers to, asked when its detail is first opened: `None`
    /// while asking.
    pub current_administrators: BTreeMap<SourceId, Option<Result<Option<String>, String>>>,
    dialogs_opened: u64,
}

impl AppState {
    pub fn new(
        sources: impl IntoIterator<Item = SourceId>,
        profiles: impl IntoIterator<Item = String>,
        services: Vec<ServiceKind>,
        regions: Vec<String>,
        settings: Settings,
        now: DateTime<Utc>,
    ) -> Self {
        let ids: Vec<SourceId> = sources.into_iter().collect();
        let profiles: Vec<String> = profiles.into_iter().collect();
        let source_index = ids
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i))
            .collect();
        let live = Live {
            interval: settings.refresh,
            bell: settings.bell,
            ..Live::default()
        };
        Self {
            services,
            regions,
            identities: profiles
                .iter()
                .map(|p| (p.clone(), IdentityState::Resolving))
                .collect(),
            planned_profiles: profiles,
            account_names: BTreeMap::new(),
            invitations: Browser::new(
                ids.len(),
                Sort {
                    column: Some(Column::Invited),
                    descending: true,
                },
            ),
            members: MembersView::new(&ids),
            sources: ids.into_iter().map(SourceState::new).collect(),
            source_index,
            generation: 1,
            generations_issued: 1,
            tab: ServiceTab::All,
            screen: Screen::Invitations,
            overlay: Overlay::Table,
            size: (80, 24),
            table_rows: 0,
            now,
            spinner: 0,
            notice: None,
            log: log::MessageLog::default(),
            prompt_history: Vec::new(),
            prompt_recalled: None,
            live,
            changes: Changes::default(),
            current_administrators: BTreeMap::new(),
            history: None,
            coverage: None,
            onboarding: Default::default(),
            dialogs_opened: 0,
            settings,
        }
    }

    /// Says `text` in the footer, and keeps it in the message log.
    pub fn tell(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.log.push(self.now, log::Level::Info, text.clone());
        self.notice = Some(text);
    }

    /// Keeps `text` in the message log only: for each row of an outcome the footer sums up.
    pub fn record(&mut self, level: log::Level, text: impl Into<String>) {
        self.log.push(self.now, level, text.into());
    }

    pub fn mode(&self) -> Mode {
        self.overlay.mode()
    }

    /// The open question about answering invitations.
    pub fn dialog(&self) -> Option<&Dialog> {
        match &self.overlay {
            Overlay::Answer(dialog) => Some(dialog),
            _ => None,
        }
    }

    /// The open question about changing members or inviting.
    pub fn proposal(&self) -> Option<&Proposal> {
        match &self.overlay {
            Overlay::Proposal(proposal) => Some(proposal),
            _ => None,
        }
    }

    pub fn form(&self) -> Option<&InviteForm> {
        match &self.overlay {
            Overlay::Form(form) => Some(form),
            _ => None,
        }
    }

    pub fn form_mut(&mut self) -> Option<&mut InviteForm> {
        match &mut self.overlay {
            Overlay::Form(form) => Some(form),
            _ => None,
        }
    }

    /// What is typed after `:`, while the prompt is open.
    pub fn prompt(&self) -> Option<&str> {
        match &self.overlay {
            Overlay::Prompt(line) => Some(&line.text),
            _ => None,
        }
    }

    pub fn source_ids(&self) -> Vec<SourceId> {
        self.sources.iter().map(|s| s.id.clone()).collect()
    }

    pub fn account_of(&self, profile: &str) -> Option<String> {
        match self.identities.get(profile) {
            Some(IdentityState::Account(account)) => Some(account.clone()),
            _ => None,
        }
    }

    /// What the invitations of `profile`'s account say of its administrators: the ones it
    /// accepted, in each service and region.
    pub fn administrators_of(&self, profile: &str) -> crate::model::Administrators {
        let rows = self
            .sources
            .iter()
            .filter(|s| s.id.profile == profile)
            .flat_map(|s| self.shown(&s.id));
        crate::model::Administrators::from_invitations(rows.map(|r| &r.invitation))
    }

    /// The account an invitation was received by, or its profile name while unknown.
    pub fn account_label<'a>(&'a self, invitation: &'a Invitation) -> &'a str {
        invitations::account_label(&self.identities, invitation)
    }

    /// The account's name, where known, else its id: what the Account column shows.
    pub fn account_shown<'a>(&'a self, invitation: &'a Invitation) -> &'a str {
        match self.account_names.get(&invitation.profile) {
            Some(name) => name,
            None => self.account_label(invitation),
        }
    }

    fn new_generation(&mut self) -> u64 {
        self.generations_issued += 1;
        self.generations_issued
    }

    pub fn next_dialog_id(&mut self) -> u64 {
        self.dialogs_opened += 1;
        self.dialogs_opened
    }

    pub fn source_mut(&mut self, id: &SourceId) -> Option<&mut SourceState> {
        let index = *self.source_index.get(id)?;
        self.sources.get_mut(index)
    }

    pub fn several_identities(&self) -> bool {
        self.identities.len() > 1
    }

    pub fn is_loading(&self) -> bool {
        self.sources.iter().any(SourceState::is_busy)
    }

    /// Whether anything on screen moves: a loading source, a member listing, a readiness check.
    pub fn is_animating(&self) -> bool {
        self.is_loading()
            || self.members.is_loading()
            || self.dialog().is_some_and(|d| d.readiness.is_none())
    }
}
