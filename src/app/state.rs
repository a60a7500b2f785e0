//! The dashboard's state: every source, the invitations each has returned, and how a person is
//! looking at them (view, filter, sort, selection).
//!
//! The rows shown are kept sorted incrementally, so a page arriving into ten thousand rows costs
//! a binary search per row, not a re-sort.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

pub use crate::format::Clock;

use super::keymap::{KeyMap, Mode};
use crate::aws::AwsError;
use crate::model::{Invitation, ServiceKind, SourceId, Status};
use crate::model::{Readiness, Response, Target};

/// What happened to a row the person acted on; it stays on the row until the next action.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    Working(Response),
    Done(Response),
    Failed(Response, String),
}

/// Live mode: refresh on an interval, unless paused.
#[derive(Debug, Clone, Default)]
pub struct Live {
    /// None: live mode is off (`--refresh 0`).
    pub interval: Option<Duration>,
    pub paused: bool,
    /// When the next automatic refresh is due; set when a refresh completes.
    pub next_at: Option<DateTime<Utc>>,
    /// Ring the terminal bell when a new invitation arrives.
    pub bell: bool,
}

impl Live {
    pub fn active(&self) -> bool {
        self.interval.is_some() && !self.paused
    }
}

/// What the last refresh changed: rows new or changed since the previous listing of their
/// source, and how many went. Kept until the source's next listing.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub new: HashSet<String>,
    pub changed: HashSet<String>,
    pub gone: usize,
    pub gone_since: Option<DateTime<Utc>>,
}

/// Longest a failing source waits between automatic refreshes, in intervals.
const MAX_BACKOFF: u32 = 8;

/// Which table is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Invitations,
    Members,
}

/// What an administrator can do to members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberChange {
    /// Delete the invitation sent to the member (Security Hub `DeleteInvitations`).
    WithdrawInvitation,
    /// Disassociate and delete the member.
    Remove,
}

impl MemberChange {
    pub fn describe(self) -> &'static str {
        match self {
            MemberChange::WithdrawInvitation => "delete the invitation sent to",
            MemberChange::Remove => "remove (disassociate and delete)",
        }
    }
}

/// A change to members awaiting confirmation.
#[derive(Debug, Clone)]
pub enum Proposal {
    ChangeMembers {
        change: MemberChange,
        targets: Vec<crate::model::Member>,
    },
    Invite {
        invitees: Vec<crate::model::Invitee>,
        message: Option<String>,
        sources: Vec<SourceId>,
    },
}

/// A question before anything changes: what, where, and what AWS needs first.
#[derive(Debug, Clone)]
pub struct Dialog {
    pub id: u64,
    pub response: Response,
    /// Each target with the source it belongs to and the row it came from.
    pub targets: Vec<(SourceId, Target, Invitation)>,
    /// Rows that were marked but cannot be answered this way, and why.
    pub skipped: Vec<String>,
    /// None while asking AWS what each source needs.
    pub readiness: Option<BTreeMap<SourceId, Result<Readiness, AwsError>>>,
}

impl Dialog {
    pub fn sources(&self) -> Vec<SourceId> {
        let mut sources: Vec<SourceId> = self.targets.iter().map(|(s, _, _)| s.clone()).collect();
        sources.sort();
        sources.dedup();
        sources
    }
}

/// Which services the table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    All,
    Only(ServiceKind),
}

impl View {
    pub const ALL: [View; 4] = [
        View::All,
        View::Only(ServiceKind::SecurityHub),
        View::Only(ServiceKind::GuardDuty),
        View::Only(ServiceKind::Detective),
    ];

    pub fn label(self) -> &'static str {
        match self {
            View::All => "All",
            View::Only(service) => service.display_name(),
        }
    }

    fn index(self) -> usize {
        View::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }

    pub(super) fn shows(self, service: ServiceKind) -> bool {
        match self {
            View::All => true,
            View::Only(only) => only == service,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Service,
    Region,
    Account,
    From,
    Invitation,
    Invited,
    Status,
}

impl Column {
    pub const ALL: [Column; 7] = [
        Column::Service,
        Column::Region,
        Column::Account,
        Column::From,
        Column::Invitation,
        Column::Invited,
        Column::Status,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Column::Service => "Service",
            Column::Region => "Region",
            Column::Account => "Account",
            Column::From => "From",
            Column::Invitation => "Invitation",
            Column::Invited => "Invited",
            Column::Status => "Status",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: Column,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Waiting for a slot.
    Queued,
    Loading,
    Done {
        elapsed: Duration,
    },
    Failed {
        error: AwsError,
        elapsed: Duration,
    },
}

/// An invitation, its key, and the lowercase text the filter searches; both derived once,
/// since a row is rebuilt whenever its invitation changes.
#[derive(Debug, Clone)]
pub struct Row {
    pub invitation: Invitation,
    key: String,
    haystack: String,
}

/// Whether every word of `needle_lowercase` appears somewhere in `haystack`.
pub fn contains_every_word(haystack: &str, needle_lowercase: &str) -> bool {
    needle_lowercase
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

impl Row {
    pub fn new(invitation: Invitation) -> Self {
        let i = &invitation;
        let invited = i
            .invited_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let haystack = [
            i.service.display_name(),
            i.service.id(),
            &i.region,
            &i.profile,
            i.account_id.as_deref().unwrap_or(""),
            &i.administrator_id,
            i.reference(),
            &invited,
            &i.status_raw,
            i.status.label(),
        ]
        .join("\u{1f}")
        .to_lowercase();
        Row {
            key: invitation.key(),
            invitation,
            haystack,
        }
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// Every word of the filter must appear somewhere in the row.
    pub fn matches(&self, needle_lowercase: &str) -> bool {
        contains_every_word(&self.haystack, needle_lowercase)
    }
}

#[derive(Debug, Clone)]
pub struct SourceState {
    pub id: SourceId,
    pub phase: Phase,
    /// Pages and items received in the current fetch.
    pub pages: usize,
    pub items: usize,
    /// The last complete listing, once there is one.
    complete: Option<Vec<Row>>,
    /// What the current fetch has delivered so far.
    incoming: Vec<Row>,
    /// When its last complete listing landed.
    pub listed_at: Option<DateTime<Utc>>,
    /// Failures in a row, for backing off.
    pub failures: u32,
    /// Automatic refreshes leave it alone until then.
    pub backoff_until: Option<DateTime<Utc>>,
}

impl SourceState {
    fn new(id: SourceId) -> Self {
        Self {
            id,
            phase: Phase::Queued,
            pages: 0,
            items: 0,
            complete: None,
            incoming: Vec::new(),
            listed_at: None,
            failures: 0,
            backoff_until: None,
        }
    }

    /// Until a listing completes, rows are shown as they stream in; after that, the last
    /// complete listing stays until the next one replaces it.
    pub fn shown(&self) -> &[Row] {
        self.complete.as_deref().unwrap_or(&self.incoming)
    }

    pub fn is_busy(&self) -> bool {
        matches!(self.phase, Phase::Queued | Phase::Loading)
    }
}

/// Who an identity is, once STS has said.
#[derive(Debug, Clone, PartialEq)]
pub enum IdentityState {
    Resolving,
    Account(String),
    Failed(AwsError),
}

/// Where a shown row lives: which source, which of its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRef {
    source: u32,
    index: u32,
}

#[derive(Clone)]
pub struct AppState {
    pub demo: bool,
    pub services: Vec<ServiceKind>,
    pub regions: Vec<String>,
    pub identities: BTreeMap<String, IdentityState>,
    pub sources: Vec<SourceState>,
    source_index: HashMap<SourceId, usize>,
    pub generation: u64,
    pub view: View,
    pub filter: String,
    pub mode: Mode,
    pub sort: Sort,
    /// Every row, in sort order.
    sorted: Vec<RowRef>,
    /// The rows the view and filter let through, in sort order.
    visible: Vec<RowRef>,
    /// Rows matching the filter, per view (All first).
    counts: [usize; 4],
    pub selected: usize,
    pub offset: usize,
    /// The terminal size.
    pub size: (u16, u16),
    /// How many rows the table shows, for paging and keeping the selection in sight.
    pub table_rows: usize,
    pub now: DateTime<Utc>,
    pub clock: Clock,
    pub spinner: usize,
    pub keymap: KeyMap,
    /// Keys of the rows marked with Space.
    pub marked: HashSet<String>,
    pub notes: HashMap<String, Note>,
    pub dialog: Option<Dialog>,
    dialogs_opened: u64,
    pub read_only: bool,
    pub audit_path: Option<PathBuf>,
    pub log_path: Option<PathBuf>,
    /// A one-line message for the footer, until the next key.
    pub notice: Option<String>,
    pub screen: Screen,
    pub members: super::members::MembersView,
    pub form: Option<super::members::InviteForm>,
    /// A change to members awaiting confirmation.
    pub proposal: Option<Proposal>,
    pub live: Live,
    pub changes: Changes,
    /// How ages and times are written.
    pub dates: DateStyle,
    /// False under NO_COLOR or the mono theme: styles keep their weight, lose their colour.
    pub color: bool,
    /// What is typed after `:`.
    pub prompt: String,
}

/// How the Invited column writes a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateStyle {
    /// "3d ago"
    Relative,
    /// "2026-11-21 10:40"
    Absolute,
    /// Both, where there is room.
    #[default]
    Both,
}

impl AppState {
    pub fn new(
        sources: impl IntoIterator<Item = SourceId>,
        profiles: impl IntoIterator<Item = String>,
        services: Vec<ServiceKind>,
        regions: Vec<String>,
        demo: bool,
        now: DateTime<Utc>,
    ) -> Self {
        let sources: Vec<SourceState> = sources.into_iter().map(SourceState::new).collect();
        let source_index = sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        Self {
            demo,
            services,
            regions,
            identities: profiles
                .into_iter()
                .map(|p| (p, IdentityState::Resolving))
                .collect(),
            sources,
            source_index,
            generation: 1,
            view: View::All,
            filter: String::new(),
            mode: Mode::Table,
            sort: Sort {
                column: Column::Invited,
                descending: true,
            },
            sorted: Vec::new(),
            visible: Vec::new(),
            counts: [0; 4],
            selected: 0,
            offset: 0,
            size: (80, 24),
            table_rows: 0,
            now,
            clock: Clock::Local,
            spinner: 0,
            keymap: KeyMap::default(),
            marked: HashSet::new(),
            notes: HashMap::new(),
            dialog: None,
            dialogs_opened: 0,
            read_only: false,
            audit_path: None,
            log_path: None,
            notice: None,
            screen: Screen::Invitations,
            members: Default::default(),
            form: None,
            proposal: None,
            live: Live::default(),
            changes: Changes::default(),
            dates: DateStyle::default(),
            color: true,
            prompt: String::new(),
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

    pub fn next_dialog_id(&mut self) -> u64 {
        self.dialogs_opened += 1;
        self.dialogs_opened
    }

    /// Shows an answer's success at once: an accepted invitation turns accepted, a declined or
    /// deleted one goes. The source is then fetched again to confirm.
    pub fn apply_success(&mut self, source: &SourceId, key: &str, response: Response) {
        let Some(&index) = self.source_index.get(source) else {
            return;
        };
        let keep = self.selected_key();
        let state = &mut self.sources[index];
        let rows = match state.complete.as_mut() {
            Some(rows) => rows,
            None => &mut state.incoming,
        };
        match response {
            Response::Accept => {
                for row in rows.iter_mut().filter(|r| r.key() == key) {
                    let mut invitation = row.invitation.clone();
                    invitation.status = Status::Accepted;
                    invitation.status_raw = match invitation.service {
                        ServiceKind::Detective => "ENABLED".into(),
                        _ => "Enabled".into(),
                    };
                    *row = Row::new(invitation);
                }
            }
            Response::Decline | Response::Delete => rows.retain(|r| r.key() != key),
        }
        self.marked.remove(key);
        self.rebuild_keeping(keep);
    }

    pub fn source_mut(&mut self, id: &SourceId) -> Option<&mut SourceState> {
        let index = *self.source_index.get(id)?;
        self.sources.get_mut(index)
    }

    pub fn row(&self, at: RowRef) -> &Row {
        &self.sources[at.source as usize].shown()[at.index as usize]
    }

    /// The rows on screen, in order.
    pub fn visible_rows(&self) -> impl ExactSizeIterator<Item = &Row> + '_ {
        self.visible.iter().map(|r| self.row(*r))
    }

    pub fn visible_len(&self) -> usize {
        self.visible.len()
    }

    pub fn visible_row(&self, position: usize) -> Option<&Row> {
        self.visible.get(position).map(|r| self.row(*r))
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.visible_row(self.selected)
    }

    pub fn count(&self, view: View) -> usize {
        self.counts[view.index()]
    }

    pub fn total_rows(&self) -> usize {
        self.sorted.len()
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
            || self.dialog.as_ref().is_some_and(|d| d.readiness.is_none())
    }

    /// The account an identity is, or its profile name while unknown.
    pub fn account_label<'a>(&'a self, invitation: &'a Invitation) -> &'a str {
        if let Some(account) = invitation.account_id.as_deref() {
            return account;
        }
        match self.identities.get(&invitation.profile) {
            Some(IdentityState::Account(account)) => account,
            _ => &invitation.profile,
        }
    }

    fn compare(&self, a: RowRef, b: RowRef) -> Ordering {
        let (x, y) = (&self.row(a).invitation, &self.row(b).invitation);
        let primary = match self.sort.column {
            Column::Service => x.service.cmp(&y.service),
            Column::Region => x.region.cmp(&y.region),
            Column::Account => self.account_label(x).cmp(self.account_label(y)),
            Column::From => x.administrator_id.cmp(&y.administrator_id),
            Column::Invitation => x.reference().cmp(y.reference()),
            Column::Invited => x.invited_at.cmp(&y.invited_at),
            Column::Status => x
                .status
                .cmp(&y.status)
                .then_with(|| x.status_raw.cmp(&y.status_raw)),
        };
        let primary = if self.sort.descending {
            primary.reverse()
        } else {
            primary
        };
        // A total order, so equal keys never swap places between frames.
        primary
            .then_with(|| x.service.cmp(&y.service))
            .then_with(|| x.region.cmp(&y.region))
            .then_with(|| x.profile.cmp(&y.profile))
            .then_with(|| x.administrator_id.cmp(&y.administrator_id))
            .then_with(|| x.reference().cmp(y.reference()))
            .then_with(|| (a.source, a.index).cmp(&(b.source, b.index)))
    }

    fn passes(&self, at: RowRef, needle: &str) -> (bool, bool) {
        let row = self.row(at);
        let matches = row.matches(needle);
        (matches, matches && self.view.shows(row.invitation.service))
    }

    fn count_row(&mut self, at: RowRef) {
        let service = self.row(at).invitation.service;
        self.counts[0] += 1;
        self.counts[View::Only(service).index()] += 1;
    }

    pub fn selected_key(&self) -> Option<String> {
        self.selected_row().map(|r| r.key().to_owned())
    }

    /// Re-sorts everything and rebuilds the shown rows, keeping the selected invitation.
    /// Only for when no source's rows changed: the shown rows are read to find the selection.
    pub fn rebuild(&mut self) {
        let keep = self.selected_key();
        self.rebuild_keeping(keep);
    }

    /// Rebuilds after rows changed; `keep` was taken before they did, while it was readable.
    fn rebuild_keeping(&mut self, keep: Option<String>) {
        let mut sorted: Vec<RowRef> = self
            .sources
            .iter()
            .enumerate()
            .flat_map(|(s, source)| {
                (0..source.shown().len()).map(move |i| RowRef {
                    source: s as u32,
                    index: i as u32,
                })
            })
            .collect();
        sorted.sort_by(|a, b| self.compare(*a, *b));
        self.sorted = sorted;
        self.refilter();
        if let Some(key) = keep {
            self.select_key(&key);
        }
    }

    /// Applies view and filter to the sorted rows; the sort itself is unchanged.
    pub fn refilter(&mut self) {
        let needle = self.filter.to_lowercase();
        self.counts = [0; 4];
        let mut visible = Vec::with_capacity(self.sorted.len());
        for index in 0..self.sorted.len() {
            let at = self.sorted[index];
            let (matches, shown) = self.passes(at, &needle);
            if matches {
                self.count_row(at);
            }
            if shown {
                visible.push(at);
            }
        }
        self.visible = visible;
        self.clamp_selection();
    }

    /// Adds rows a source has just appended to what it shows, each at its sorted place.
    fn insert_appended(&mut self, source: usize, from: usize) {
        let needle = self.filter.to_lowercase();
        let until = self.sources[source].shown().len();
        for index in from..until {
            let at = RowRef {
                source: source as u32,
                index: index as u32,
            };
            let position = self
                .sorted
                .partition_point(|other| self.compare(*other, at) == Ordering::Less);
            self.sorted.insert(position, at);
            let (matches, shown) = self.passes(at, &needle);
            if matches {
                self.count_row(at);
            }
            if shown {
                let position = self
                    .visible
                    .partition_point(|other| self.compare(*other, at) == Ordering::Less);
                // Keep the same invitation selected when a row lands above it.
                if position <= self.selected && !self.visible.is_empty() {
                    self.selected += 1;
                }
                self.visible.insert(position, at);
            }
        }
        self.clamp_selection();
    }

    pub fn select_key(&mut self, key: &str) {
        let found = self.visible_rows().position(|r| r.key() == key);
        if let Some(position) = found {
            self.selected = position;
        }
        self.clamp_selection();
    }

    fn clamp_selection(&mut self) {
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
    }

    /// A fetch for `generation` begins: every source is queued again. Rows already complete
    /// stay on screen until their source's new listing completes.
    pub fn begin_generation(&mut self, generation: u64) {
        let all: Vec<SourceId> = self.source_ids();
        self.begin_generation_of(generation, &all);
    }

    /// A fetch of `which` begins as `generation`; the other sources keep what they have.
    pub fn begin_generation_of(&mut self, generation: u64, which: &[SourceId]) {
        self.generation = generation;
        self.changes.gone = 0;
        let keep = self.selected_key();
        let mut shown_changed = false;
        for source in self.sources.iter_mut().filter(|s| which.contains(&s.id)) {
            shown_changed |= source.complete.is_none() && !source.incoming.is_empty();
            source.phase = Phase::Queued;
            source.pages = 0;
            source.items = 0;
            source.incoming.clear();
        }
        if shown_changed {
            self.rebuild_keeping(keep);
        }
    }

    pub fn source_started(&mut self, id: &SourceId) {
        if let Some(source) = self.source_mut(id) {
            source.phase = Phase::Loading;
        }
    }

    pub fn source_page(&mut self, id: &SourceId, invitations: Vec<Invitation>) {
        let Some(&index) = self.source_index.get(id) else {
            return;
        };
        let source = &mut self.sources[index];
        source.phase = Phase::Loading;
        source.pages += 1;
        source.items += invitations.len();
        let streaming = source.complete.is_none();
        let from = source.incoming.len();
        source
            .incoming
            .extend(invitations.into_iter().map(Row::new));
        if streaming {
            self.insert_appended(index, from);
        }
    }

    pub fn source_finished(&mut self, id: &SourceId, elapsed: Duration) {
        let Some(&index) = self.source_index.get(id) else {
            return;
        };
        let keep = self.selected_key();
        let now = self.now;
        let source = &mut self.sources[index];
        source.phase = Phase::Done { elapsed };
        source.failures = 0;
        source.backoff_until = None;
        let previous_listing = source.listed_at.replace(now);
        let was_streaming = source.complete.is_none();
        let previous = source
            .complete
            .replace(std::mem::take(&mut source.incoming));
        // A first listing was already shown as it streamed, at the same indices.
        if !was_streaming {
            if let Some(previous) = previous {
                self.record_changes(index, &previous, previous_listing);
            }
            self.rebuild_keeping(keep);
        }
    }

    /// Compares a source's new listing with its previous one.
    fn record_changes(&mut self, index: usize, previous: &[Row], since: Option<DateTime<Utc>>) {
        let before: HashMap<&str, &str> = previous
            .iter()
            .map(|r| (r.key(), r.invitation.status_raw.as_str()))
            .collect();
        for key in before.keys() {
            self.changes.new.remove(*key);
            self.changes.changed.remove(*key);
        }
        let mut still_there = HashSet::new();
        for row in self.sources[index].shown() {
            let key = row.key();
            match before.get(key) {
                None => {
                    self.changes.new.insert(key.to_owned());
                }
                Some(status) if *status != row.invitation.status_raw => {
                    self.changes.changed.insert(key.to_owned());
                }
                Some(_) => {}
            }
            still_there.insert(key);
        }
        let gone = before.keys().filter(|k| !still_there.contains(**k)).count();
        if gone > 0 {
            self.changes.gone += gone;
            self.changes.gone_since = match (self.changes.gone_since, since) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
    }

    /// Sources an automatic refresh should list: all but those backing off.
    pub fn due_sources(&self) -> Vec<SourceId> {
        self.sources
            .iter()
            .filter(|s| s.backoff_until.is_none_or(|until| until <= self.now))
            .map(|s| s.id.clone())
            .collect()
    }

    pub fn source_failed(&mut self, id: &SourceId, error: AwsError, elapsed: Duration) {
        let Some(&index) = self.source_index.get(id) else {
            return;
        };
        let interval = self.live.interval;
        let now = self.now;
        let source = &mut self.sources[index];
        // A throttled or failing source waits longer before its next automatic refresh.
        if let Some(interval) = interval
            && !matches!(error.kind, crate::aws::ErrorKind::RegionNotEnabled)
        {
            source.failures = source.failures.saturating_add(1);
            let factor = 2u32.saturating_pow(source.failures).min(MAX_BACKOFF);
            source.backoff_until = chrono::Duration::from_std(interval * factor)
                .ok()
                .map(|wait| now + wait);
        }
        source.phase = Phase::Failed { error, elapsed };
        if source.complete.is_none() {
            // Keep what a first listing delivered before it failed: partial, but real.
            source.complete = Some(std::mem::take(&mut source.incoming));
        } else {
            source.incoming.clear();
        }
    }
}
