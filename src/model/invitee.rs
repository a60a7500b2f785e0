//! An account an administrator invites.

/// One account to invite, with the email GuardDuty, Detective and Macie need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    pub account_id: String,
    pub email: Option<String>,
}

impl Invitee {
    pub fn account(&self) -> &str {
        &self.account_id
    }
}

/// What an administrator sends: the accounts to invite, and the message that goes with the
/// invitations where the service sends one.
#[derive(Debug, Clone, Copy)]
pub struct Invites<'a> {
    pub invitees: &'a [Invitee],
    pub message: Option<&'a str>,
}

impl<'a> Invites<'a> {
    /// The invitees' accounts, for outcomes that fail them all.
    pub fn accounts(self) -> impl Iterator<Item = String> + 'a {
        self.invitees.iter().map(|i| i.account_id.clone())
    }
}
