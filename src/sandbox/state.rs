//! The sandbox's world: accounts, their keys, and per-region state of each service.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::scenario::{OrganizationSpec, RoleSpec, Scenario};
use super::wire::{Caller, Tokens, is_account_id};
use super::{detective, guardduty, macie, securityhub};

pub type Time = DateTime<Utc>;

/// The earliest moment a pending email verification ends: a request before it settles nothing,
/// instead of walking every member of the region on every request.
#[derive(Debug, Default)]
pub struct NextVerification(Option<Time>);

impl NextVerification {
    /// A verification that ends at `at` is pending.
    pub fn expect(&mut self, at: Time) {
        self.0 = Some(self.0.map_or(at, |next| next.min(at)));
    }

    /// Whether some verification may have ended by `now`; if so, forgets the moment, for the
    /// walk that settles them to `expect` again the ones still pending.
    pub fn due(&mut self, now: Time) -> bool {
        let due = self.0.is_some_and(|next| next <= now);
        if due {
            self.0 = None;
        }
        due
    }
}

/// Each region is a separate world for every service, as on AWS.
#[derive(Default)]
pub struct RegionState {
    pub securityhub: securityhub::State,
    pub guardduty: guardduty::State,
    pub detective: detective::State,
    pub macie: macie::State,
}

/// Ids that look like the services' own (32 lowercase hex characters), deterministic per world
/// so that a scenario always starts with the same ids.
pub struct IdGen {
    state: u64,
}

impl IdGen {
    fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        // splitmix64: cheap, well distributed, and reproducible.
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn hex32(&mut self) -> String {
        format!("{:016x}{:016x}", self.next_u64(), self.next_u64())
    }
}

/// What a handler works with besides its service's state.
pub struct Ctx<'a> {
    pub caller: &'a Caller,
    pub now: Time,
    pub ids: &'a mut IdGen,
    pub tokens: &'a Tokens,
    pub verification: Verification<'a>,
    /// How long an invitation takes to reach the invitee's `ListInvitations`.
    pub propagation: chrono::TimeDelta,
}

impl Ctx<'_> {
    /// Whether an invitation sent at `invited_at` has reached its invitee yet.
    pub fn has_arrived(&self, invited_at: Option<Time>) -> bool {
        invited_at.is_none_or(|sent| sent + self.propagation <= self.now)
    }
}

/// Delays `/_sandbox/faults` sets instead of the scenario's.
#[derive(Clone, Copy, Default)]
pub struct Delays {
    pub verification: Option<chrono::TimeDelta>,
    pub propagation: Option<chrono::TimeDelta>,
}

/// How an invitee's email is verified: against the root email the scenario gives its account,
/// after a delay.
#[derive(Clone, Copy)]
pub struct Verification<'a> {
    pub delay: chrono::TimeDelta,
    emails: &'a HashMap<String, String>,
}

impl Verification<'_> {
    /// An account the scenario does not describe, or describes without an email, verifies.
    pub fn passes(&self, account: &str, email: &str) -> bool {
        self.emails
            .get(account)
            .is_none_or(|root| root.eq_ignore_ascii_case(email.trim()))
    }
}

/// Temporary credentials STS handed out.
pub struct Session {
    pub account: String,
    pub token: String,
    pub expires: Time,
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    pub arn: String,
}

/// Why an access key does not name a caller.
pub enum KeyProblem {
    Unknown,
    /// Temporary credentials without their session token, or with another.
    WrongToken,
    Expired,
}

pub struct World {
    key_ids: HashMap<String, String>,
    sessions: HashMap<String, Session>,
    roles: Vec<RoleSpec>,
    organization: Option<OrganizationSpec>,
    /// The organization's suspended accounts, asked of every request: kept as a set, since
    /// scanning a thousand accounts on every request showed in the sandbox's profile at scale.
    suspended_accounts: HashSet<String>,
    disabled_regions: HashSet<(String, String)>,
    regions: HashMap<String, RegionState>,
    ids: IdGen,
    pub tokens: Tokens,
    /// Each described account's root email, which invitations are verified against.
    emails: HashMap<String, String>,
    /// The scenario's delays, unless `/_sandbox/faults` sets others.
    verification_delay: chrono::TimeDelta,
    propagation_delay: chrono::TimeDelta,
    /// Organizations `CreateAccount` requests, in the order made.
    creations: Vec<super::organizations::Creation>,
    /// CloudTrail's record of the membership calls served, oldest first.
    trail: Vec<super::cloudtrail::TrailEvent>,
}

/// The accounts of `organization` whose status is `SUSPENDED`.
fn suspended_in(organization: Option<&OrganizationSpec>) -> HashSet<String> {
    organization
        .into_iter()
        .flat_map(|org| &org.accounts)
        .filter(|a| a.is_suspended())
        .map(|a| a.id.clone())
        .collect()
}

impl World {
    pub fn set_organization(&mut self, organization: OrganizationSpec) {
        self.suspended_accounts = suspended_in(Some(&organization));
        self.organization = Some(organization);
    }

    pub fn creations(&self) -> &[super::organizations::Creation] {
        &self.creations
    }

    pub fn trail(&self) -> &[super::cloudtrail::TrailEvent] {
        &self.trail
    }

    /// Records the event `made` makes with a fresh event id.
    pub fn record(&mut self, made: impl FnOnce(String) -> super::cloudtrail::TrailEvent) {
        let hex = self.ids.hex32();
        let id = format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        );
        self.trail.push(made(id));
    }

    pub fn add_creation(&mut self, creation: super::organizations::Creation) {
        self.creations.push(creation);
    }

    pub fn creation_mut(&mut self, at: usize) -> &mut super::organizations::Creation {
        &mut self.creations[at]
    }

    pub fn add_org_account(&mut self, account: super::scenario::OrgAccount) {
        if let Some(org) = &mut self.organization {
            if account.is_suspended() {
                self.suspended_accounts.insert(account.id.clone());
            }
            org.accounts.push(account);
        }
    }

    pub fn set_email(&mut self, account: &str, email: &str) {
        self.emails.insert(account.to_owned(), email.to_owned());
    }

    /// A role only matters where roles are declared: with none, any role may be assumed.
    pub fn add_role(&mut self, role: RoleSpec) {
        if !self.roles.is_empty() {
            self.roles.push(role);
        }
    }

    /// The organization the scenario declares, if any.
    pub fn organization(&self) -> Option<&OrganizationSpec> {
        self.organization.as_ref()
    }

    pub fn from_scenario(scenario: &Scenario) -> Self {
        let now = Utc::now();
        let mut world = World {
            key_ids: HashMap::new(),
            sessions: HashMap::new(),
            roles: scenario.roles.clone(),
            organization: scenario.organization.clone(),
            suspended_accounts: suspended_in(scenario.organization.as_ref()),
            disabled_regions: HashSet::new(),
            regions: HashMap::new(),
            ids: IdGen::new(0x6775_6573_746c_6973),
            tokens: Tokens::default(),
            emails: HashMap::new(),
            verification_delay: chrono::TimeDelta::seconds(scenario.verification_seconds.into()),
            propagation_delay: chrono::TimeDelta::seconds(scenario.propagation_seconds.into()),
            creations: Vec::new(),
            trail: Vec::new(),
        };
        for account in &scenario.accounts {
            if let Some(email) = &account.email {
                world.emails.insert(account.id.clone(), email.clone());
            }
            for key in &account.access_keys {
                world.key_ids.insert(key.clone(), account.id.clone());
            }
            for region in &account.disabled_regions {
                world
                    .disabled_regions
                    .insert((account.id.clone(), region.clone()));
            }
        }
        for hub in &scenario.securityhub {
            let region = world.regions.entry(hub.region.clone()).or_default();
            region.securityhub.seed(hub, now, &mut world.ids);
        }
        for detector in &scenario.guardduty {
            let region = world.regions.entry(detector.region.clone()).or_default();
            region.guardduty.seed(detector, now, &mut world.ids);
        }
        for graph in &scenario.detective {
            let region = world.regions.entry(graph.region.clone()).or_default();
            region.detective.seed(graph, now, &mut world.ids);
        }
        for session in &scenario.macie {
            let region = world.regions.entry(session.region.clone()).or_default();
            region.macie.seed(session, now, &mut world.ids);
        }
        for event in &scenario.events {
            world.record(|id| super::cloudtrail::TrailEvent {
                id,
                name: event.name.clone(),
                source: format!("{}.amazonaws.com", event.service),
                account: event.account.clone(),
                region: event.region.clone(),
                time: event.at.resolve(now),
                arn: event
                    .by
                    .clone()
                    .unwrap_or_else(|| format!("arn:aws:iam::{}:user/sandbox", event.account)),
                parameters: event.parameters.clone(),
            });
        }
        world
    }

    /// A 12-digit key id acts as that account; other ids only as the scenario maps them.
    pub fn account_for_key(&self, key_id: &str) -> Option<String> {
        if is_account_id(key_id) {
            return Some(key_id.to_owned());
        }
        self.key_ids.get(key_id).cloned()
    }

    /// The account and, for temporary credentials, the assumed role of a request signed with
    /// `key_id` and carrying `token`.
    pub fn caller_for(
        &self,
        key_id: &str,
        token: Option<&str>,
        now: Time,
    ) -> Result<(String, Option<String>), KeyProblem> {
        if let Some(session) = self.sessions.get(key_id) {
            if token != Some(session.token.as_str()) {
                return Err(KeyProblem::WrongToken);
            }
            if now >= session.expires {
                return Err(KeyProblem::Expired);
            }
            return Ok((session.account.clone(), Some(session.arn.clone())));
        }
        self.account_for_key(key_id)
            .map(|account| (account, None))
            .ok_or(KeyProblem::Unknown)
    }

    /// Whether `caller` may assume `role` in `account` with `external_id`: any caller any role
    /// when the scenario declares none, else as the role's trust says.
    pub fn may_assume(
        &self,
        caller: &str,
        account: &str,
        role: &str,
        external_id: Option<&str>,
        mfa: bool,
    ) -> bool {
        if self.roles.is_empty() {
            return true;
        }
        self.roles.iter().any(|r| {
            r.account == account
                && r.name == role
                && r.trusts.iter().any(|t| t == caller)
                && r.external_id
                    .as_deref()
                    .is_none_or(|id| Some(id) == external_id)
                && (mfa || !r.mfa)
        })
    }

    /// New temporary credentials for `account` as `arn`, until `expires`: key id, secret, token.
    pub fn start_session(
        &mut self,
        account: &str,
        arn: String,
        expires: Time,
    ) -> (String, String, String) {
        let key_id = format!("ASIA{}", &self.ids.hex32()[..16].to_ascii_uppercase());
        let secret = format!("{}{}", self.ids.hex32(), &self.ids.hex32()[..8]);
        let token = format!("FwoGZXIvYXdzE{}{}", self.ids.hex32(), self.ids.hex32());
        self.sessions.insert(
            key_id.clone(),
            Session {
                account: account.to_owned(),
                token: token.clone(),
                expires,
                arn,
            },
        );
        (key_id, secret, token)
    }

    /// Whether `account` is closed: by the faults' list, or by its organization's record.
    pub fn suspended(&self, account: &str, faults: &[String]) -> bool {
        faults.iter().any(|s| s == account) || self.suspended_accounts.contains(account)
    }

    pub fn region_disabled(&self, account: &str, region: &str) -> bool {
        self.disabled_regions
            .contains(&(account.to_owned(), region.to_owned()))
    }

    /// The caller's region, created blank on first use, and the context to act in it.
    pub fn enter<'a>(
        &'a mut self,
        caller: &'a Caller,
        now: Time,
        delays: Delays,
    ) -> (&'a mut RegionState, Ctx<'a>) {
        let region = self.regions.entry(caller.region.clone()).or_default();
        let ctx = Ctx {
            caller,
            now,
            ids: &mut self.ids,
            tokens: &self.tokens,
            verification: Verification {
                delay: delays.verification.unwrap_or(self.verification_delay),
                emails: &self.emails,
            },
            propagation: delays.propagation.unwrap_or(self.propagation_delay),
        };
        (region, ctx)
    }
}
