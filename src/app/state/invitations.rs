//! The invitations table's rows: an invitation with its key and filter text, derived once.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::IdentityState;
use super::table::{RowIndex, TableColumn, TableRow};
use crate::model::{Invitation, ServiceKind, Trust};

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
}

impl TableColumn for Column {
    const FIELDS: &'static str = "Service svc|Region|Account acct|profile\
        |From administrator admin|Invitation id graph|Invited|Status|state|trust";

    fn field(self) -> usize {
        // Every field but the profile is a column's, in the same order.
        let field = self as usize;
        field + usize::from(field > Column::Account as usize)
    }
}

/// An invitation and what the table engine keeps of it, derived once, since a row is rebuilt
/// whenever its invitation changes.
#[derive(Debug, Clone)]
pub struct Row {
    pub invitation: Invitation,
    /// What the trust policy makes of the sender.
    pub trust: Trust,
    index: RowIndex,
    /// The account's name, where its organization gives one: the Account column sorts by it.
    name: Option<std::sync::Arc<str>>,
}

impl Row {
    /// The account as the Account column shows it: its name where there is one.
    fn account<'a>(&'a self, identities: &'a BTreeMap<String, IdentityState>) -> &'a str {
        match &self.name {
            Some(name) => name,
            None => account_label(identities, &self.invitation),
        }
    }

    pub fn new(invitation: Invitation) -> Self {
        Self::named(invitation, None, Trust::Unknown)
    }

    /// A row whose account the organization names `name`: the filter finds it by that too,
    /// and the Account column sorts by it; `trust:untrusted` finds it by `trust`.
    pub fn named(invitation: Invitation, name: Option<std::sync::Arc<str>>, trust: Trust) -> Self {
        let i = &invitation;
        let invited = i
            .invited_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let fields = [
            format!("{} {}", i.service.display_name(), i.service.id()),
            i.region.clone(),
            // Shown as the account (or its name), or the profile while the account is unknown.
            format!(
                "{} {} {}",
                i.account_id.as_deref().unwrap_or(""),
                i.profile,
                name.as_deref().unwrap_or("")
            ),
            i.profile.clone(),
            i.administrator_id.clone(),
            i.reference().to_owned(),
            invited,
            i.status_raw.clone(),
            i.status.label().to_owned(),
            trust.label().to_owned(),
        ];
        let index = RowIndex::new(invitation.key(), fields);
        Row {
            invitation,
            trust,
            index,
            name,
        }
    }
}

/// The account an invitation was received by, or its profile name while unknown.
pub fn account_label<'a>(
    identities: &'a BTreeMap<String, IdentityState>,
    invitation: &'a Invitation,
) -> &'a str {
    if let Some(account) = invitation.account_id.as_deref() {
        return account;
    }
    match identities.get(&invitation.profile) {
        Some(IdentityState::Account(account)) => account,
        _ => &invitation.profile,
    }
}

impl TableRow for Row {
    type Column = Column;
    type Context = BTreeMap<String, IdentityState>;

    fn index(&self) -> &RowIndex {
        &self.index
    }

    fn service(&self) -> ServiceKind {
        self.invitation.service
    }

    fn compare(
        &self,
        other: &Self,
        column: Option<Column>,
        identities: &Self::Context,
    ) -> Ordering {
        let (x, y) = (&self.invitation, &other.invitation);
        match column {
            None | Some(Column::Service) => x.service.cmp(&y.service),
            Some(Column::Region) => x.region.cmp(&y.region),
            // As shown: the name where there is one, else the account.
            Some(Column::Account) => self.account(identities).cmp(other.account(identities)),
            Some(Column::From) => x.administrator_id.cmp(&y.administrator_id),
            Some(Column::Invitation) => x.reference().cmp(y.reference()),
            Some(Column::Invited) => x.invited_at.cmp(&y.invited_at),
            Some(Column::Status) => x
                .status
                .cmp(&y.status)
                .then_with(|| x.status_raw.cmp(&y.status_raw)),
        }
    }

    fn tie_break(&self, other: &Self) -> Ordering {
        let (x, y) = (&self.invitation, &other.invitation);
        x.service
            .cmp(&y.service)
            .then_with(|| x.region.cmp(&y.region))
            .then_with(|| x.profile.cmp(&y.profile))
            .then_with(|| x.administrator_id.cmp(&y.administrator_id))
            .then_with(|| x.reference().cmp(y.reference()))
    }
}
