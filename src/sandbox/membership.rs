//! The administrator ↔ member relationship that Security Hub and GuardDuty share.
//!
//! An invitation is not stored on its own: it is the administrator's member record in an
//! invited state, so what the administrator lists and what the invitee lists cannot disagree.

use std::collections::BTreeMap;

use super::state::{NextVerification, Time};

pub const CREATED: &str = "Created";
pub const INVITED: &str = "Invited";
pub const ENABLED: &str = "Enabled";
pub const REMOVED: &str = "Removed";
pub const RESIGNED: &str = "Resigned";
/// A member whose administrator stopped monitoring it (GuardDuty).
pub const DISABLED: &str = "Disabled";

#[derive(Debug, Clone)]
pub struct Membership {
    pub email: Option<String>,
    pub status: String,
    pub invitation_id: Option<String>,
    pub invited_at: Option<Time>,
    pub updated_at: Time,
    /// While its email is verified (GuardDuty): when that ends, and the status it ends in.
    pub verifying: Option<(Time, &'static str)>,
    /// Made a member by AWS Organizations: never an invitation to its account.
    pub managed: bool,
}

/// Why an accept was refused.
#[derive(Debug, PartialEq)]
pub enum AcceptError {
    /// No invitation from that administrator with that id.
    NotFound,
    /// The invitation exists but is in a state that cannot be accepted.
    NotAcceptable(String),
    /// The account already has another administrator.
    AlreadyAssociated(String),
}

pub struct Roster {
    /// Administrator → member account → record, ordered so listings are stable.
    admins: BTreeMap<String, BTreeMap<String, Membership>>,
    /// Which statuses the invitee sees as an invitation (GuardDuty lists more than `Invited`).
    listed: fn(&str) -> bool,
    next_verification: NextVerification,
}

impl Roster {
    pub fn new(listed: fn(&str) -> bool) -> Self {
        Self {
            admins: BTreeMap::new(),
            listed,
            next_verification: NextVerification::default(),
        }
    }

    /// Whether an invitee lists an invitation in `status`.
    pub fn lists(&self, status: &str) -> bool {
        (self.listed)(status)
    }

    pub fn insert(&mut self, admin: &str, account: &str, membership: Membership) {
        self.admins
            .entry(admin.to_owned())
            .or_default()
            .insert(account.to_owned(), membership);
    }

    pub fn members(&self, admin: &str) -> impl Iterator<Item = (&String, &Membership)> {
        self.admins.get(admin).into_iter().flatten()
    }

    pub fn member(&self, admin: &str, account: &str) -> Option<&Membership> {
        self.admins.get(admin)?.get(account)
    }

    /// Moves a member of `admin` from `from` to `to`; false when it is not a member in `from`.
    pub fn set_status(
        &mut self,
        admin: &str,
        account: &str,
        from: &str,
        to: &str,
        now: Time,
    ) -> bool {
        match self.member_mut(admin, account) {
            Some(member) if member.status == from => {
                member.status = to.to_owned();
                member.updated_at = now;
                true
            }
            _ => false,
        }
    }

    /// Ends the verifications whose time has come.
    pub fn settle(&mut self, now: Time) {
        if !self.next_verification.due(now) {
            return;
        }
        for member in self.admins.values_mut().flat_map(|m| m.values_mut()) {
            match member.verifying {
                Some((at, status)) if at <= now => {
                    member.status = status.to_owned();
                    member.updated_at = at;
                    member.verifying = None;
                }
                Some((at, _)) => self.next_verification.expect(at),
                None => {}
            }
        }
    }

    /// `admin`'s member `account` is in verification until `at`, then in `ends_in`.
    pub fn verifying(&mut self, admin: &str, account: &str, at: Time, ends_in: &'static str) {
        if let Some(member) = self.member_mut(admin, account) {
            member.verifying = Some((at, ends_in));
            self.next_verification.expect(at);
        }
    }

    pub fn member_mut(&mut self, admin: &str, account: &str) -> Option<&mut Membership> {
        self.admins.get_mut(admin)?.get_mut(account)
    }

    /// The invitations `account` has received, by administrator.
    pub fn invitations_to<'a>(
        &'a self,
        account: &'a str,
    ) -> impl Iterator<Item = (&'a String, &'a Membership)> + 'a {
        let listed = self.listed;
        self.admins.iter().filter_map(move |(admin, members)| {
            members
                .get(account)
                .filter(|m| !m.managed && listed(&m.status))
                .map(|m| (admin, m))
        })
    }

    pub fn administrator_of(&self, account: &str) -> Option<(&String, &Membership)> {
        self.admins.iter().find_map(|(admin, members)| {
            members
                .get(account)
                .filter(|m| m.status == ENABLED)
                .map(|m| (admin, m))
        })
    }

    /// Records `account` as a member of `admin`, or says why not.
    pub fn create(
        &mut self,
        admin: &str,
        account: &str,
        email: Option<String>,
        now: Time,
    ) -> Result<(), &'static str> {
        if admin == account {
            return Err("The administrator account cannot be added as its own member.");
        }
        if self
            .administrator_of(account)
            .is_some_and(|(other, _)| other != admin)
        {
            return Err("The account is already a member of another administrator.");
        }
        match self.member_mut(admin, account) {
            Some(existing) if existing.status == ENABLED || existing.status == INVITED => {
                if email.is_some() {
                    existing.email = email;
                }
            }
            _ => self.insert(
                admin,
                account,
                Membership {
                    email,
                    status: CREATED.to_owned(),
                    invitation_id: None,
                    invited_at: None,
                    updated_at: now,
                    verifying: None,
                    managed: false,
                },
            ),
        }
        Ok(())
    }

    pub fn invite(
        &mut self,
        admin: &str,
        account: &str,
        invitation_id: String,
        now: Time,
    ) -> Result<(), &'static str> {
        let other_admin = self
            .administrator_of(account)
            .is_some_and(|(other, _)| other != admin);
        let Some(member) = self.member_mut(admin, account) else {
            return Err(
                "The account is not a member of this administrator: create it as a member first.",
            );
        };
        if member.status == ENABLED {
            return Err("The account is already associated with this administrator.");
        }
        if other_admin {
            return Err("The account is already associated with another administrator.");
        }
        member.status = INVITED.to_owned();
        member.invitation_id = Some(invitation_id);
        member.invited_at = Some(now);
        member.updated_at = now;
        Ok(())
    }

    pub fn accept(
        &mut self,
        account: &str,
        admin: &str,
        invitation_id: &str,
        now: Time,
    ) -> Result<(), AcceptError> {
        let listed = self.listed;
        let current = self.administrator_of(account).map(|(a, _)| a.clone());
        let member = self
            .member_mut(admin, account)
            .filter(|m| listed(&m.status) && m.invitation_id.as_deref() == Some(invitation_id))
            .ok_or(AcceptError::NotFound)?;
        if member.status != INVITED {
            return Err(AcceptError::NotAcceptable(member.status.clone()));
        }
        if let Some(current) = current {
            return Err(AcceptError::AlreadyAssociated(current));
        }
        member.status = ENABLED.to_owned();
        member.updated_at = now;
        Ok(())
    }

    /// The invitee turns down `admin`'s invitation; the administrator sees the result as `status`.
    pub fn refuse(&mut self, account: &str, admin: &str, status: &str, now: Time) -> bool {
        let listed = self.listed;
        match self.member_mut(admin, account) {
            Some(member) if listed(&member.status) => {
                member.status = status.to_owned();
                member.invitation_id = None;
                member.updated_at = now;
                true
            }
            _ => false,
        }
    }

    /// The administrator withdraws the invitation it sent; the member record stays, as created.
    pub fn withdraw(&mut self, admin: &str, account: &str, now: Time) -> bool {
        let listed = self.listed;
        match self.member_mut(admin, account) {
            Some(member) if listed(&member.status) => {
                member.status = CREATED.to_owned();
                member.invitation_id = None;
                member.updated_at = now;
                true
            }
            _ => false,
        }
    }

    /// The administrator ends an association; false if `account` is not its member.
    pub fn disassociate(&mut self, admin: &str, account: &str, now: Time) -> bool {
        match self.member_mut(admin, account) {
            Some(member) => {
                if member.status == ENABLED {
                    member.status = REMOVED.to_owned();
                    member.updated_at = now;
                }
                true
            }
            None => false,
        }
    }

    /// The member leaves its administrator; returns who that was.
    pub fn resign(&mut self, account: &str, now: Time) -> Option<String> {
        let admin = self.administrator_of(account)?.0.clone();
        let member = self.member_mut(&admin, account)?;
        member.status = RESIGNED.to_owned();
        member.updated_at = now;
        Some(admin)
    }

    pub fn remove(&mut self, admin: &str, account: &str) -> bool {
        self.admins
            .get_mut(admin)
            .is_some_and(|members| members.remove(account).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roster() -> Roster {
        Roster::new(|status| status == INVITED)
    }

    #[test]
    fn an_invitation_is_the_administrators_record_seen_from_the_other_side() {
        let now = chrono::Utc::now();
        let mut roster = roster();
        roster
            .create("111111111111", "222222222222", None, now)
            .unwrap();
        assert_eq!(roster.invitations_to("222222222222").count(), 0);
        roster
            .invite("111111111111", "222222222222", "abc".into(), now)
            .unwrap();
        let (admin, invitation) = roster.invitations_to("222222222222").next().unwrap();
        assert_eq!(admin, "111111111111");
        assert_eq!(invitation.invitation_id.as_deref(), Some("abc"));

        assert_eq!(
            roster.accept("222222222222", "111111111111", "wrong", now),
            Err(AcceptError::NotFound)
        );
        roster
            .accept("222222222222", "111111111111", "abc", now)
            .unwrap();
        assert_eq!(roster.invitations_to("222222222222").count(), 0);
        assert_eq!(
            roster
                .member("111111111111", "222222222222")
                .unwrap()
                .status,
            ENABLED
        );
    }

    #[test]
    fn one_administrator_at_a_time() {
        let now = chrono::Utc::now();
        let mut roster = roster();
        for admin in ["111111111111", "333333333333"] {
            roster.create(admin, "222222222222", None, now).unwrap();
            roster
                .invite(admin, "222222222222", format!("id-{admin}"), now)
                .unwrap();
        }
        roster
            .accept("222222222222", "111111111111", "id-111111111111", now)
            .unwrap();
        assert_eq!(
            roster.accept("222222222222", "333333333333", "id-333333333333", now),
            Err(AcceptError::AlreadyAssociated("111111111111".into()))
        );
        assert_eq!(
            roster.resign("222222222222", now).as_deref(),
            Some("111111111111")
        );
        roster
            .accept("222222222222", "333333333333", "id-333333333333", now)
            .unwrap();
    }
}
