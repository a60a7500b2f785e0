//! An account an administrator invites.

/// One account to invite, with the email GuardDuty and Detective need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    pub account_id: String,
    pub email: Option<String>,
}
