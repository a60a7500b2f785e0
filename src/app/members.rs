//! The administrator's screen: every member of every identity that administers, and the form
//! that invites more.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::aws::AwsError;
use crate::invitees;
use crate::model::Invitee;
use crate::model::{Member, ServiceKind, SourceId};

use super::state::{View, contains_every_word};

/// What a source's member listing has come to.
#[derive(Debug, Clone, PartialEq)]
pub enum Listing {
    Loading,
    Done(usize),
    Failed(AwsError),
}

/// What happened to a member the person acted on.
#[derive(Debug, Clone, PartialEq)]
pub enum MemberNote {
    Working(&'static str),
    Done(&'static str),
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

    pub fn title(self) -> &'static str {
        match self {
            MemberColumn::Service => "Service",
            MemberColumn::Region => "Region",
            MemberColumn::Administrator => "Administrator",
            MemberColumn::Member => "Member",
            MemberColumn::Email => "Email",
            MemberColumn::Status => "Status",
            MemberColumn::Updated => "Updated",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct MembersView {
    /// Per source, once the view was first opened.
    pub listings: BTreeMap<SourceId, Listing>,
    rows: BTreeMap<SourceId, Vec<Member>>,
    visible: Vec<Member>,
    pub selected: usize,
    pub offset: usize,
    pub filter: String,
    pub sort_column: Option<MemberColumn>,
    pub descending: bool,
    pub marked: HashSet<String>,
    pub notes: HashMap<String, MemberNote>,
}

impl MembersView {
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

    pub fn listed(&mut self, source: SourceId, result: Result<Vec<Member>, AwsError>, view: View) {
        match result {
            Ok(members) => {
                self.listings
                    .insert(source.clone(), Listing::Done(members.len()));
                self.rows.insert(source, members);
            }
            Err(error) => {
                self.listings.insert(source, Listing::Failed(error));
            }
        }
        self.rebuild(view);
    }

    pub fn visible(&self) -> &[Member] {
        &self.visible
    }

    pub fn selected_member(&self) -> Option<&Member> {
        self.visible.get(self.selected)
    }

    pub fn total(&self) -> usize {
        self.rows.values().map(Vec::len).sum()
    }

    /// Applies view, filter and sort, keeping the selected member where it can.
    pub fn rebuild(&mut self, view: View) {
        let keep = self.selected_member().map(Member::key);
        let needle = self.filter.to_lowercase();
        let mut visible: Vec<Member> = self
            .rows
            .values()
            .flatten()
            .filter(|m| view.shows(m.service))
            .filter(|m| contains_every_word(&haystack(m), &needle))
            .cloned()
            .collect();
        let column = self.sort_column;
        let descending = self.descending;
        visible.sort_by(|a, b| {
            let order = compare(a, b, column);
            if descending { order.reverse() } else { order }
        });
        self.visible = visible;
        self.selected = keep
            .and_then(|key| self.visible.iter().position(|m| m.key() == key))
            .unwrap_or(self.selected)
            .min(self.visible.len().saturating_sub(1));
    }

    pub fn count(&self, service: Option<ServiceKind>) -> usize {
        self.rows
            .values()
            .flatten()
            .filter(|m| service.is_none_or(|s| m.service == s))
            .count()
    }

    /// The marked members, or the selected one.
    pub fn chosen(&self) -> Vec<Member> {
        let marked: Vec<Member> = self
            .rows
            .values()
            .flatten()
            .filter(|m| self.marked.contains(&m.key()))
            .cloned()
            .collect();
        if marked.is_empty() {
            self.selected_member().cloned().into_iter().collect()
        } else {
            marked
        }
    }
}

fn haystack(member: &Member) -> String {
    [
        member.service.display_name(),
        member.service.id(),
        &member.region,
        &member.profile,
        &member.administrator_id,
        &member.account_id,
        member.email.as_deref().unwrap_or(""),
        &member.status,
    ]
    .join("\u{1f}")
    .to_lowercase()
}

fn compare(a: &Member, b: &Member, column: Option<MemberColumn>) -> Ordering {
    let primary = match column {
        None | Some(MemberColumn::Service) => a.service.cmp(&b.service),
        Some(MemberColumn::Region) => a.region.cmp(&b.region),
        Some(MemberColumn::Administrator) => a.administrator_id.cmp(&b.administrator_id),
        Some(MemberColumn::Member) => a.account_id.cmp(&b.account_id),
        Some(MemberColumn::Email) => a.email.cmp(&b.email),
        Some(MemberColumn::Status) => a.status.cmp(&b.status),
        Some(MemberColumn::Updated) => a.updated_at.cmp(&b.updated_at),
    };
    primary
        .then_with(|| a.service.cmp(&b.service))
        .then_with(|| a.region.cmp(&b.region))
        .then_with(|| a.profile.cmp(&b.profile))
        .then_with(|| a.account_id.cmp(&b.account_id))
}

/// The fields of the invite form, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Accounts,
    Email,
    Message,
    Services,
    Regions,
}

impl Field {
    pub const ORDER: [Field; 5] = [
        Field::Accounts,
        Field::Email,
        Field::Message,
        Field::Services,
        Field::Regions,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Accounts => "Accounts",
            Field::Email => "Email",
            Field::Message => "Message",
            Field::Services => "Services",
            Field::Regions => "Regions",
        }
    }
}

/// A checked invitation: whom, in which services and regions.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedInvite {
    pub invitees: Vec<Invitee>,
    pub services: Vec<ServiceKind>,
    pub regions: Vec<String>,
}

/// What the administrator is typing to invite accounts.
#[derive(Debug, Clone)]
pub struct InviteForm {
    pub accounts: String,
    pub email: String,
    pub message: String,
    pub services: [bool; 3],
    /// Which service the cursor is on, in the services field.
    pub service_cursor: usize,
    pub regions: String,
    pub field: Field,
    /// The identity to invite as.
    pub profile: String,
    /// What is wrong, shown in the form; nothing is sent while there is something.
    pub errors: Vec<String>,
}

impl InviteForm {
    pub fn new(profile: String, regions: &[String]) -> Self {
        Self {
            accounts: String::new(),
            email: String::new(),
            message: String::new(),
            services: [true; 3],
            service_cursor: 0,
            regions: regions.join(", "),
            field: Field::Accounts,
            profile,
            errors: Vec::new(),
        }
    }

    pub fn text_mut(&mut self) -> Option<&mut String> {
        match self.field {
            Field::Accounts => Some(&mut self.accounts),
            Field::Email => Some(&mut self.email),
            Field::Message => Some(&mut self.message),
            Field::Regions => Some(&mut self.regions),
            Field::Services => None,
        }
    }

    pub fn next_field(&mut self, step: isize) {
        let at = Field::ORDER
            .iter()
            .position(|f| *f == self.field)
            .unwrap_or(0) as isize;
        let len = Field::ORDER.len() as isize;
        self.field = Field::ORDER[((at + step).rem_euclid(len)) as usize];
    }

    pub fn chosen_services(&self) -> Vec<ServiceKind> {
        ServiceKind::ALL
            .into_iter()
            .zip(self.services)
            .filter(|(_, on)| *on)
            .map(|(s, _)| s)
            .collect()
    }

    /// Checks everything; the invitees and the places to invite in, or what is wrong.
    pub fn check(&self, known_regions: &[String]) -> Result<CheckedInvite, Vec<String>> {
        let email = self.email.trim();
        let parsed = invitees::parse(&self.accounts, (!email.is_empty()).then_some(email));
        let mut errors = parsed.errors.clone();
        if parsed.invitees.is_empty() && errors.is_empty() {
            errors.push("no account to invite: type or paste account ids".into());
        }
        let services = self.chosen_services();
        if services.is_empty() {
            errors.push("choose at least one service (Space on Services)".into());
        }
        for service in &services {
            if let Err(error) = invitees::check_for(*service, &parsed.invitees) {
                errors.push(error);
            }
        }
        let message = self.message.trim();
        if message.chars().count() > 1000 {
            errors.push("the message is at most 1000 characters".into());
        }
        let regions: Vec<String> = self
            .regions
            .split([',', ' '])
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect();
        if regions.is_empty() {
            errors.push("name at least one region".into());
        }
        for region in &regions {
            if !known_regions.contains(region) {
                errors.push(format!(
                    "{region} is not a region guestlist is looking at ({}); start it with --region {region}",
                    known_regions.join(", ")
                ));
            }
        }
        if errors.is_empty() {
            Ok(CheckedInvite {
                invitees: parsed.invitees,
                services,
                regions,
            })
        } else {
            Err(errors)
        }
    }
}
