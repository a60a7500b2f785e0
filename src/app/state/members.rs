//! The administrator's screen: every member of every identity that administers, and where each
//! source's member listing stands.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::table::{Browser, RowIndex, Sort, TableColumn, TableRow};
use crate::model::AwsError;
use crate::model::{Member, ServiceKind, SourceId};

/// What a source's member listing has come to.
#[derive(Debug, Clone, PartialEq)]
pub enum Listing {
    Loading,
    Done(usize),
    Failed(AwsError),
}

/// What an administrator did to members, as it is said on their rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberAction {
    Invited,
    InvitationDeleted,
    Removed,
    /// Deleted, created again with the roster's email, and invited.
    Recreated,
    MonitoringStarted,
}

impl MemberAction {
    /// What failed, said before the account: "could not {verb} 111122223333".
    pub fn verb(self) -> &'static str {
        match self {
            MemberAction::Invited => "invite",
            MemberAction::InvitationDeleted => "delete the invitation of",
            MemberAction::Removed => "remove",
            MemberAction::Recreated => "recreate and invite",
            MemberAction::MonitoringStarted => "start monitoring",
        }
    }

    pub fn past(self) -> &'static str {
        match self {
            MemberAction::Invited => "invited",
            MemberAction::InvitationDeleted => "invitation deleted",
            MemberAction::Removed => "removed",
            MemberAction::Recreated => "recreated and invited",
            MemberAction::MonitoringStarted => "monitoring started",
        }
    }
}

/// What happened to a member the person acted on.
#[derive(Debug, Clone, PartialEq)]
pub enum MemberNote {
    Working,
    Done(MemberAction),
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberColumn {
    Service,
    Region,
    Administrator,
    Member,
    Email,
    Status,
    Updated,
}

impl MemberColumn {
    pub const ALL: [MemberColumn; 7] = [
        MemberColumn::Service,
        MemberColumn::Region,
        MemberColumn::Administrator,
        MemberColumn::Member,
        MemberColumn::Email,
        MemberColumn::Status,
        MemberColumn::Updated,
    ];
}

impl TableColumn for MemberColumn {
    const FIELDS: &'static str = "Service svc|Region|profile|Administrator admin from\
        |Member account acct|Email|Status|state|Updated";

    /// The profile's field comes before the administrator's column, the state's before the
    /// last.
    fn field(self) -> usize {
        match self {
            MemberColumn::Service | MemberColumn::Region => self as usize,
            MemberColumn::Updated => 8,
            MemberColumn::Administrator
            | MemberColumn::Member
            | MemberColumn::Email
            | MemberColumn::Status => self as usize + 1,
        }
    }
}

/// A member and what the table engine keeps of it.
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub member: Member,
    index: RowIndex,
}

impl MemberRow {
    pub fn new(member: Member) -> Self {
        let m = &member;
        let updated = m.updated_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string());
        let fields = [
            format!("{} {}", m.service.display_name(), m.service.id()),
            m.region.clone(),
            m.profile.clone(),
            m.administrator_id.clone(),
            m.account_id.clone(),
            m.email.clone().unwrap_or_default(),
            m.status.clone(),
            m.normalised().label().to_owned(),
            updated.unwrap_or_default(),
        ];
        let index = RowIndex::new(member.key(), fields);
        Self { member, index }
    }
}

impl TableRow for MemberRow {
    type Column = MemberColumn;
    type Context = ();

    fn index(&self) -> &RowIndex {
        &self.index
    }

    fn service(&self) -> ServiceKind {
        self.member.service
    }

    fn compare(&self, other: &Self, column: Option<MemberColumn>, (): &()) -> Ordering {
        let (a, b) = (&self.member, &other.member);
        match column {
            None | Some(MemberColumn::Service) => a.service.cmp(&b.service),
            Some(MemberColumn::Region) => a.region.cmp(&b.region),
            Some(MemberColumn::Administrator) => a.administrator_id.cmp(&b.administrator_id),
            Some(MemberColumn::Member) => a.account_id.cmp(&b.account_id),
            Some(MemberColumn::Email) => a.email.cmp(&b.email),
            Some(MemberColumn::Status) => a.status.cmp(&b.status),
            Some(MemberColumn::Updated) => a.updated_at.cmp(&b.updated_at),
        }
    }

    /// Where the member was listed, then which account it is.
    fn tie_break(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.member, &other.member);
        (a.service, &a.region, &a.profile, &a.account_id).cmp(&(
            b.service,
            &b.region,
            &b.profile,
            &b.account_id,
        ))
    }
}

/// The members screen: one table group per source, in the order of the sources.
#[derive(Debug, Clone)]
pub struct MembersView {
    /// Per source, once the screen was first opened.
    pub listings: BTreeMap<SourceId, Listing>,
    groups: BTreeMap<SourceId, usize>,
    pub table: Browser<MemberRow, MemberNote>,
    /// What the last change or invitation came to so far, over every source it went to:
    /// accounts done, accounts failed, sources still to answer.
    pub outcome: (usize, usize, usize),
}

impl MembersView {
    pub fn new(sources: &[SourceId]) -> Self {
        Self {
            listings: BTreeMap::new(),
            groups: sources
                .iter()
                .enumerate()
                .map(|(i, s)| (s.clone(), i))
                .collect(),
            outcome: (0, 0, 0),
            table: Browser::new(
                sources.len(),
                // Named, so that the header shows the arrow the tab bar speaks of.
                Sort {
                    column: Some(MemberColumn::Service),
                    descending: false,
                },
            ),
        }
    }

    /// Room for sources that arrived later, listed when the screen is next refreshed.
    pub fn add_sources(&mut self, sources: &[SourceId]) {
        for source in sources {
            let at = self.groups.len();
            self.groups.insert(source.clone(), at);
        }
        self.table.add_groups(sources.len());
    }

    pub fn opened(&self) -> bool {
        !self.listings.is_empty()
    }

    pub fn is_loading(&self) -> bool {
        self.listings.values().any(|l| *l == Listing::Loading)
    }

    pub fn begin(&mut self, sources: impl IntoIterator<Item = SourceId>) {
        for source in sources {
            self.listings.insert(source, Listing::Loading);
        }
    }

    pub fn listed(&mut self, source: SourceId, result: Result<Vec<Member>, AwsError>) {
        match result {
            Ok(members) => {
                self.listings
                    .insert(source.clone(), Listing::Done(members.len()));
                if let Some(&group) = self.groups.get(&source) {
                    let rows = members.into_iter().map(MemberRow::new).collect();
                    self.table.replace(group, rows, &());
                }
            }
            Err(error) => {
                self.listings.insert(source, Listing::Failed(error));
            }
        }
    }

    pub fn selected_member(&self) -> Option<&Member> {
        self.table.selected_row().map(|r| &r.member)
    }

    /// The marked members, or the selected one.
    pub fn chosen(&self) -> Vec<Member> {
        self.table
            .chosen()
            .into_iter()
            .map(|r| r.member.clone())
            .collect()
    }
}
