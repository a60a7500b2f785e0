//! An account an administrator invites.

/// One account to invite, with the email GuardDuty and Detective need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    pub account_id: String,
    pub email: Option<String>,
}

/// What an administrator sends: the accounts to invite, and the message that goes with the
/// invitations where the service sends one.
#[derive(Debug, Clone, Copy)]
pub struct Invites<'a> {
    pub invitees: &'a [Invitee],
    pub message: Option<&'a str>,
}
