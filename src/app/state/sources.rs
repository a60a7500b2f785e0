//! Where invitations come from: each source's listing as it streams, completes or fails; live
//! mode's schedule and backoff; and what a refresh changed.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::AppState;
use super::dialogs::Note;
use super::invitations::Row;
use super::table::TableRow;
use crate::model::{AwsError, ErrorKind};
use crate::model::{Invitation, Response, ServiceKind, SourceId, Status};

/// Longest a failing source waits between automatic refreshes, in intervals.
const MAX_BACKOFF: u32 = 8;

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

#[derive(Debug, Clone)]
pub struct SourceState {
    pub id: SourceId,
    pub phase: Phase,
    /// Pages and items received in the current fetch.
    pub pages: usize,
    pub items: usize,
    /// Whether a listing ever completed; until then, rows are shown as they stream in.
    listed: bool,
    /// What the current fetch has delivered so far, once a listing is on screen.
    incoming: Vec<Row>,
    /// When its last complete listing landed.
    pub listed_at: Option<DateTime<Utc>>,
    /// Failures in a row, for backing off.
    pub failures: u32,
    /// Automatic refreshes leave it alone until then.
    pub backoff_until: Option<DateTime<Utc>>,
    /// The listing it takes events from: at most one is in flight, and a newer one (a refresh,
    /// or the re-listing that confirms an action) supersedes the older, whose pages are dropped.
    pub generation: u64,
}

impl SourceState {
    pub(super) fn new(id: SourceId) -> Self {
        Self {
            id,
            phase: Phase::Queued,
            pages: 0,
            items: 0,
            listed: false,
            incoming: Vec::new(),
            listed_at: None,
            failures: 0,
            backoff_until: None,
            generation: 1,
        }
    }

    pub fn is_busy(&self) -> bool {
        matches!(self.phase, Phase::Queued | Phase::Loading)
    }
}

impl SourceState {
    /// Where it goes when sources are listed for a person: what needs eyes first.
    pub fn need(&self) -> u8 {
        match &self.phase {
            Phase::Failed { error, .. } if error.kind != ErrorKind::RegionNotEnabled => 0,
            Phase::Loading => 1,
            Phase::Queued => 2,
            Phase::Done { .. } => 3,
            Phase::Failed { .. } => 4,
        }
    }
}

impl AppState {
    /// Adds the sources of accounts that arrived after the dashboard started (an
    /// organization's, a page at a time), queued; everything else stays as it is.
    pub fn add_sources(&mut self, arrived: crate::app::Arrived) {
        let fresh: Vec<SourceId> = arrived
            .sources
            .into_iter()
            .filter(|s| !self.source_index.contains_key(s))
            .collect();
        for source in &fresh {
            self.source_index.insert(source.clone(), self.sources.len());
            self.sources.push(SourceState::new(source.clone()));
            if !self.regions.contains(&source.region) {
                self.regions.push(source.region.clone());
            }
        }
        self.invitations.add_groups(fresh.len());
        self.members.add_sources(&fresh);
        for (profile, name) in arrived.names {
            self.account_names.insert(profile, name);
        }
        for profile in arrived.profiles {
            if !self.identities.contains_key(&profile) {
                self.identities
                    .insert(profile.clone(), crate::app::IdentityState::Resolving);
                self.planned_profiles.push(profile);
            }
        }
    }

    /// Looks at other sources from now on (`:region`, `:service`, `:profile` at runtime): the
    /// sources kept keep their rows and states, the new ones are queued, and how the person
    /// looks at the tables — filters, sorts, tab, screen, marks aside — stays. Returns the
    /// generation the new sources (and those whose listing was in flight) are listed as, and
    /// which they are.
    pub fn replan(
        &mut self,
        sources: Vec<SourceId>,
        services: Vec<ServiceKind>,
        regions: Vec<String>,
    ) -> (u64, Vec<SourceId>) {
        let profiles: Vec<String> = self
            .identities
            .keys()
            .filter(|p| sources.iter().any(|s| &s.profile == *p))
            .cloned()
            .collect();
        let mut next = AppState::new(
            sources,
            profiles,
            services,
            regions,
            self.settings.clone(),
            self.now,
        );
        next.identities = std::mem::take(&mut self.identities);
        next.identities
            .retain(|profile, _| next.sources.iter().any(|s| &s.id.profile == profile));
        next.log = std::mem::take(&mut self.log);
        next.prompt_history = std::mem::take(&mut self.prompt_history);
        next.planned_profiles = std::mem::take(&mut self.planned_profiles);
        next.account_names = std::mem::take(&mut self.account_names);
        next.live = self.live.clone();
        next.tab = self.tab;
        next.screen = self.screen;
        next.size = self.size;
        next.table_rows = self.table_rows;
        next.generations_issued = self.generations_issued;
        next.generation = self.generation;
        next.dialogs_opened = self.dialogs_opened;
        // Kept sources keep their state and rows, put in place at once: one sort, not one
        // per source.
        let mut fresh = Vec::new();
        let mut groups = Vec::with_capacity(next.sources.len());
        for source in next.sources.iter_mut() {
            match self.group_of(&source.id) {
                Some(old) => {
                    *source = self.sources[old].clone();
                    groups.push(self.invitations.group(old).to_vec());
                    // A listing in flight stops with the fetch it belongs to: it starts again.
                    if source.is_busy() {
                        fresh.push(source.id.clone());
                    }
                }
                None => {
                    groups.push(Vec::new());
                    fresh.push(source.id.clone());
                }
            }
        }
        next.invitations.replace_all(groups, &next.identities);
        next.invitations
            .set_sort(self.invitations.sort(), &next.identities);
        next.invitations.set_tab(self.tab);
        next.invitations
            .set_filter(self.invitations.filter().to_owned());
        next.members.table.set_sort(self.members.table.sort(), &());
        next.members.table.set_tab(self.tab);
        next.members
            .table
            .set_filter(self.members.table.filter().to_owned());
        *self = next;
        let generation = self.begin_generation_of(&fresh);
        (generation, fresh)
    }

    /// The sources, failures first, then what runs, then what is done (those that found
    /// something first), then regions not enabled: as the sources list shows them.
    pub fn sources_by_need(&self) -> Vec<&SourceState> {
        let mut ordered: Vec<&SourceState> = self.sources.iter().collect();
        ordered.sort_by_key(|s| (s.need(), std::cmp::Reverse(s.items)));
        ordered
    }

    fn group_of(&self, id: &SourceId) -> Option<usize> {
        self.source_index.get(id).copied()
    }

    /// The rows a source shows now.
    pub fn shown(&self, id: &SourceId) -> &[Row] {
        self.group_of(id)
            .map_or(&[], |group| self.invitations.group(group))
    }

    /// A fetch of every source begins: every source is queued again. Rows already complete
    /// stay on screen until their source's new listing completes. Returns its generation.
    pub fn begin_generation(&mut self) -> u64 {
        let all: Vec<SourceId> = self.source_ids();
        self.begin_generation_of(&all)
    }

    /// A fetch of `which` begins as a new generation, returned; the other sources keep what
    /// they have, and any listing of `which` still in flight is superseded.
    pub fn begin_generation_of(&mut self, which: &[SourceId]) -> u64 {
        let generation = self.new_generation();
        self.generation = generation;
        self.changes.gone = 0;
        self.begin_listings(generation, which);
        generation
    }

    /// One source is listed again (to confirm what an action changed), as a new generation of
    /// its own: a listing of it still in flight is superseded, the others go on.
    pub fn begin_listing(&mut self, source: &SourceId) -> u64 {
        let generation = self.new_generation();
        self.begin_listings(generation, std::slice::from_ref(source));
        generation
    }

    fn begin_listings(&mut self, generation: u64, which: &[SourceId]) {
        for (group, source) in self.sources.iter_mut().enumerate() {
            if !which.contains(&source.id) {
                continue;
            }
            source.generation = generation;
            source.phase = Phase::Queued;
            source.pages = 0;
            source.items = 0;
            source.incoming.clear();
            // A first listing that never completed starts again from nothing.
            if !source.listed && !self.invitations.group(group).is_empty() {
                self.invitations
                    .replace(group, Vec::new(), &self.identities);
            }
        }
    }

    pub fn source_started(&mut self, id: &SourceId) {
        if let Some(source) = self.source_mut(id) {
            source.phase = Phase::Loading;
        }
    }

    pub fn source_page(&mut self, id: &SourceId, invitations: Vec<Invitation>) {
        let Some(group) = self.group_of(id) else {
            return;
        };
        let source = &mut self.sources[group];
        source.phase = Phase::Loading;
        source.pages += 1;
        source.items += invitations.len();
        let name: Option<std::sync::Arc<str>> = self
            .account_names
            .get(&id.profile)
            .map(|n| n.as_str().into());
        let trust = &self.settings.trust;
        let rows = invitations.into_iter().map(|i| {
            let judged = trust.judge(i.service, &i.administrator_id);
            Row::named(i, name.clone(), judged)
        });
        if source.listed {
            source.incoming.extend(rows);
        } else {
            self.invitations.append(group, rows, &self.identities);
        }
    }

    pub fn source_finished(&mut self, id: &SourceId, elapsed: Duration) {
        let Some(group) = self.group_of(id) else {
            return;
        };
        let now = self.now;
        let source = &mut self.sources[group];
        source.phase = Phase::Done { elapsed };
        source.failures = 0;
        source.backoff_until = None;
        let previous_listing = source.listed_at.replace(now);
        // A first listing was already shown as it streamed.
        if std::mem::replace(&mut source.listed, true) {
            let incoming = std::mem::take(&mut source.incoming);
            let previous = self.invitations.replace(group, incoming, &self.identities);
            self.record_changes(group, &previous, previous_listing);
        }
    }

    /// Compares a source's new listing with its previous one.
    fn record_changes(&mut self, group: usize, previous: &[Row], since: Option<DateTime<Utc>>) {
        let before: HashMap<&str, &str> = previous
            .iter()
            .map(|r| (r.key(), r.invitation.status_raw.as_str()))
            .collect();
        for key in before.keys() {
            self.changes.new.remove(*key);
            self.changes.changed.remove(*key);
        }
        let mut still_there = HashSet::new();
        for row in self.invitations.group(group) {
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
        // What the person answered here left by their doing: the log says so, not "gone".
        let answered = |key: &str| matches!(self.invitations.note(key), Some(Note::Done(_)));
        let gone = before
            .keys()
            .filter(|k| !still_there.contains(**k) && !answered(k))
            .count();
        if gone > 0 {
            self.changes.gone += gone;
            self.changes.gone_since = match (self.changes.gone_since, since) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
    }

    /// Whether `generation` is the listing `id` takes events from now.
    pub fn is_current(&self, id: &SourceId, generation: u64) -> bool {
        self.group_of(id)
            .is_some_and(|group| self.sources[group].generation == generation)
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
        let Some(group) = self.group_of(id) else {
            return;
        };
        let interval = self.live.interval;
        let now = self.now;
        let source = &mut self.sources[group];
        // A throttled or failing source waits longer before its next automatic refresh.
        if let Some(interval) = interval
            && error.kind != ErrorKind::RegionNotEnabled
        {
            source.failures = source.failures.saturating_add(1);
            let factor = 2u32.saturating_pow(source.failures).min(MAX_BACKOFF);
            // Saturating: a huge interval times the factor must not overflow.
            let wait = interval.saturating_mul(factor);
            source.backoff_until = chrono::Duration::from_std(wait)
                .ok()
                .and_then(|wait| now.checked_add_signed(wait))
                .or(Some(DateTime::<Utc>::MAX_UTC));
        }
        source.phase = Phase::Failed { error, elapsed };
        // Keep what a first listing delivered before it failed: partial, but real.
        source.listed = true;
        source.incoming.clear();
    }

    /// Shows an answer's success at once: an accepted invitation turns accepted, a declined or
    /// deleted one goes. The source is then fetched again to confirm.
    pub fn apply_success(&mut self, source: &SourceId, key: &str, response: Response) {
        let Some(group) = self.group_of(source) else {
            return;
        };
        let names = &self.account_names;
        let trust = &self.settings.trust;
        self.invitations
            .edit(group, &self.identities, |rows| match response {
                Response::Accept => {
                    for row in rows.iter_mut().filter(|r| r.key() == key) {
                        let mut invitation = row.invitation.clone();
                        invitation.status = Status::Accepted;
                        invitation.status_raw = match invitation.service {
                            ServiceKind::Detective => "ENABLED".into(),
                            _ => "Enabled".into(),
                        };
                        let name = names.get(&invitation.profile).map(|n| n.as_str().into());
                        let judged = trust.judge(invitation.service, &invitation.administrator_id);
                        *row = Row::named(invitation, name, judged);
                    }
                }
                Response::Decline | Response::Delete => rows.retain(|r| r.key() != key),
            });
        self.invitations.unmark(key);
    }
}
