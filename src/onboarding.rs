//! Onboarding both sides: the administrator's reconcile steps, then, as each member through
//! its assumed role, what it needs first (a hub, a detector) and its acceptance, then the
//! administrator's own list confirming it enabled. Every cell at once, within the adapters'
//! pace; every wait bounded. It reports through [`Event`]s and never prints: the command and
//! the dashboard show them their own way.
//!
//! Nothing is kept between runs: a second run reads where every cell stands (from both
//! sides) and takes only what is left, so a stopped run resumes and nothing is done twice.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc, watch};
use tokio::time::Instant;

use crate::answering::{self, Batch};
use crate::aws::ServiceAdapter;
use crate::model::{
    Actor, AwsError, CellState, ErrorKind, Fix, Response, ServiceKind, SourceId, Status,
    Step as Needed, Target,
};
use crate::plan::{Plan, PlannedSource};
use crate::reconciling::{self, Step};

/// How long to wait, how often to look again, and the role the members are reached through.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The longest any cell waits for an invitation to arrive or its member to be confirmed.
    pub wait: Duration,
    /// How long between two looks while waiting.
    pub poll: Duration,
    /// How many cells are worked on at once.
    pub concurrency: usize,
    /// The role's name, for what to do when it could not be assumed.
    pub role: String,
}

/// Where a cell is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// The administrator's step is being sent (invite, recreate, start monitoring).
    Administrator,
    /// As the member: what accepting needs first (a hub, a detector).
    Preparing,
    /// As the member: waiting for the invitation to arrive.
    Waiting,
    /// As the member: accepting.
    Accepting,
    /// Waiting for the administrator's list to show the member enabled.
    Confirming,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Administrator,
        Stage::Preparing,
        Stage::Waiting,
        Stage::Accepting,
        Stage::Confirming,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Stage::Administrator => "inviting",
            Stage::Preparing => "preparing",
            Stage::Waiting => "waiting for invitations",
            Stage::Accepting => "accepting",
            Stage::Confirming => "confirming",
        }
    }
}

/// How a cell ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Finish {
    /// The administrator lists it enabled.
    Enabled,
    /// Enabled through AWS Organizations, which sends no invitation.
    Organization,
    /// A member of another administrator here.
    OtherAdministrator(String),
    /// Could not be finished: why, and what to do.
    Failed(String),
    /// Still waiting when the time was up: for what.
    TimedOut(String),
    /// The plan could not close it from here.
    Blocked(String),
}

impl Finish {
    pub fn is_enabled(&self) -> bool {
        matches!(self, Finish::Enabled | Finish::Organization)
    }

    /// Its name in JSON.
    pub fn id(&self) -> &'static str {
        match self {
            Finish::Enabled => "enabled",
            Finish::Organization => "enabled_by_organization",
            Finish::OtherAdministrator(_) => "other_administrator",
            Finish::Failed(_) => "failed",
            Finish::TimedOut(_) => "timed_out",
            Finish::Blocked(_) => "blocked",
        }
    }

    /// Why it ended so, and what to do, in a sentence; empty when enabled.
    pub fn describe(&self) -> String {
        match self {
            Finish::Enabled => "enabled".into(),
            Finish::Organization => {
                "enabled through AWS Organizations: it never receives invitations".into()
            }
            Finish::OtherAdministrator(administrator) => format!(
                "a member of another administrator, {administrator}: it must leave that one first (guestlist does not leave for it)"
            ),
            Finish::Failed(why) | Finish::TimedOut(why) | Finish::Blocked(why) => why.clone(),
        }
    }

    /// The cell state it leaves in the matrix, where it says more than the listing did.
    pub fn state(&self) -> Option<CellState> {
        match self {
            Finish::Enabled | Finish::Organization => Some(CellState::Enabled),
            Finish::OtherAdministrator(_) => Some(CellState::OtherAdministrator),
            _ => None,
        }
    }
}

/// What onboarding reports as it goes: cell `n` of the plan's steps.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Stage(usize, Stage),
    Finished(usize, Finish),
}

/// What the administrators list, by source and account, as of the last look.
type View = HashMap<(SourceId, String), CellState>;

/// Everything a cell's work needs, shared by all of them.
struct Shared<'a> {
    members: &'a Plan,
    accounts: &'a HashMap<String, String>,
    settings: &'a Settings,
    deadline: Instant,
    view: watch::Receiver<Arc<View>>,
    /// Asks the administrators' lists to be read again.
    look: Arc<Notify>,
    events: mpsc::UnboundedSender<Event>,
}

impl<'a> Shared<'a> {
    fn stage(&self, cell: usize, stage: Stage) {
        let _ = self.events.send(Event::Stage(cell, stage));
    }

    /// The administrator's current word on a cell, as last read.
    fn listed(&self, step: &Step) -> Option<CellState> {
        let key = (step.source.clone(), step.account.id.clone());
        self.view.borrow().get(&key).copied()
    }

    /// Waits for the administrators' lists to be read again, or the deadline; false when the
    /// time is up.
    async fn next_look(&mut self) -> bool {
        self.look.notify_one();
        tokio::select! {
            changed = self.view.changed() => changed.is_ok(),
            () = tokio::time::sleep_until(self.deadline) => false,
        }
    }

    /// Runs `call` again after a pause while it fails in passing (the SDK's own retries
    /// spent), until it succeeds, fails for good, or the time is up.
    async fn patiently<'c, T>(
        &self,
        mut call: impl FnMut() -> futures_util::future::BoxFuture<'c, Result<T, AwsError>>,
    ) -> Result<T, AwsError> {
        loop {
            match call().await {
                Err(error) if error.is_passing() && self.pause().await => continue,
                other => return other,
            }
        }
    }

    /// Waits one poll, or until the deadline; false when the time is up.
    async fn pause(&self) -> bool {
        let until = (Instant::now() + self.settings.poll).min(self.deadline);
        tokio::time::sleep_until(until).await;
        Instant::now() < self.deadline
    }

    fn member_source(&self, step: &Step) -> Option<&'a PlannedSource> {
        let members: &'a Plan = self.members;
        members.sources.iter().find(|s| {
            s.id.profile == step.account.id
                && s.id.region == step.source.region
                && s.id.service == step.source.service
        })
    }

    fn administrator(&self, step: &Step) -> String {
        self.accounts
            .get(&step.source.profile)
            .cloned()
            .unwrap_or_default()
    }

    /// What to say when acting as the member failed with `error`.
    fn as_member_failed(&self, error: &AwsError) -> Finish {
        match error.kind {
            ErrorKind::RoleNotAssumed | ErrorKind::Credentials => Finish::Failed(format!(
                "could not act as the member through the role {}: {}; create the role there, or let it trust the administrator",
                self.settings.role, error.message
            )),
            _ => Finish::Failed(format!(
                "as the member: {error}{}",
                error
                    .next_step(ServiceKind::SecurityHub)
                    .filter(|_| error.kind != ErrorKind::NotEnabled)
                    .map(|s| format!(": {s}"))
                    .unwrap_or_default()
            )),
        }
    }
}

/// Onboards every step's cell: the administrators' steps at once, then each member's side,
/// then the confirmation; one finish per step, in the steps' order.
pub async fn run(
    admin: &Plan,
    accounts: &HashMap<String, String>,
    members: &Plan,
    steps: &[Step],
    firsts: &BTreeMap<SourceId, Vec<Needed>>,
    settings: &Settings,
    events: mpsc::UnboundedSender<Event>,
) -> Vec<Finish> {
    let deadline = Instant::now() + settings.wait;
    for (cell, step) in steps.iter().enumerate() {
        if step.fix.acts() {
            let _ = events.send(Event::Stage(cell, Stage::Administrator));
        }
    }
    let mut sent = reconciling::apply(admin, accounts, steps, firsts)
        .await
        .steps;
    // What failed in passing is sent again, alone, after a pause (first steps included: they
    // are no-ops once taken).
    loop {
        let again: Vec<usize> = (0..steps.len())
            .filter(|&i| matches!(&sent[i], Some(Err(error)) if error.is_passing()))
            .collect();
        let until = (Instant::now() + settings.poll).min(deadline);
        if again.is_empty() || Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep_until(until).await;
        let retried: Vec<Step> = again.iter().map(|&i| steps[i].clone()).collect();
        let firsts: BTreeMap<SourceId, Vec<Needed>> = firsts
            .iter()
            .filter(|(source, _)| retried.iter().any(|s| s.source == **source))
            .map(|(source, needed)| (source.clone(), needed.clone()))
            .collect();
        let resent = reconciling::apply(admin, accounts, &retried, &firsts).await;
        for (i, result) in again.into_iter().zip(resent.steps) {
            sent[i] = result;
        }
    }
    let (publish, view) = watch::channel(Arc::new(View::new()));
    let look = Arc::new(Notify::new());
    let watching = watch_administrators(admin, steps, publish, look.clone(), settings.poll);
    let shared = Shared {
        members,
        accounts,
        settings,
        deadline,
        view,
        look,
        events: events.clone(),
    };
    // A future per cell, made in a loop (not by a closure over an iterator: that future
    // would not be `Send` for every lifetime, and the dashboard spawns this).
    let gate = tokio::sync::Semaphore::new(settings.concurrency.max(1));
    let mut work = Vec::with_capacity(steps.len());
    for (cell, (step, sent)) in steps.iter().zip(sent).enumerate() {
        let mut shared = Shared {
            view: shared.view.clone(),
            look: shared.look.clone(),
            events: shared.events.clone(),
            ..shared
        };
        let gate = &gate;
        work.push(async move {
            let _turn = gate.acquire().await;
            let finish = onboard(&mut shared, cell, step, sent).await;
            let _ = shared.events.send(Event::Finished(cell, finish.clone()));
            finish
        });
    }
    let finishes = futures_util::future::join_all(work);
    tokio::select! {
        finishes = finishes => finishes,
        () = watching => unreachable!("the administrators are watched until every cell ends"),
    }
}

/// Reads the administrators' lists each time a cell asks (at most once a poll), and publishes
/// what they say of the plan's cells.
async fn watch_administrators(
    admin: &Plan,
    steps: &[Step],
    publish: watch::Sender<Arc<View>>,
    look: Arc<Notify>,
    poll: Duration,
) {
    let mut sources: Vec<&PlannedSource> = Vec::new();
    for step in steps {
        if let Some(source) = admin.sources.iter().find(|s| s.id == step.source)
            && !sources.iter().any(|s| s.id == source.id)
        {
            sources.push(source);
        }
    }
    loop {
        look.notified().await;
        let listed = futures_util::future::join_all(sources.iter().map(|source| async move {
            let identity = admin
                .identities
                .iter()
                .find(|i| i.profile == source.id.profile)
                .map(|i| &i.config);
            (
                source.id.clone(),
                crate::fetch::all_members(source, identity, admin.limits).await,
            )
        }))
        .await;
        let mut view: View = (**publish.borrow()).clone();
        for (source, members) in listed {
            // A list that could not be read leaves what was last known.
            for member in members.into_iter().flatten() {
                let state = CellState::of(member.service, &member.status);
                view.insert((source.clone(), member.account_id), state);
            }
        }
        publish.send_replace(Arc::new(view));
        tokio::time::sleep(poll).await;
    }
}

/// One cell from its plan step to its end.
async fn onboard(
    shared: &mut Shared<'_>,
    cell: usize,
    step: &Step,
    sent: Option<Result<(), AwsError>>,
) -> Finish {
    match (&step.fix, sent) {
        (Fix::Blocked(why), _) => return Finish::Blocked(why.clone()),
        (_, Some(Err(error))) => {
            // Why the administrator was refused may be on the member's side.
            return match elsewhere(shared, step).await {
                Some(finish) => finish,
                None => Finish::Failed(format!(
                    "could not {}: {}",
                    step.fix.describe(),
                    error.message
                )),
            };
        }
        (Fix::StartMonitoring, _) => return confirm(shared, cell, step).await,
        _ => {}
    }
    let administrator = shared.administrator(step);
    let Some(source) = shared.member_source(step) else {
        return Finish::Failed("the member's account could not be reached".into());
    };
    let adapter = source.adapter();
    shared.stage(cell, Stage::Preparing);
    let ready = shared.patiently(|| adapter.readiness(Response::Accept));
    let readiness = match ready.await {
        Ok(readiness) => readiness,
        Err(error) => return shared.as_member_failed(&error),
    };
    let mut first = Vec::new();
    for needed in readiness.steps {
        match needed {
            Needed::LeaveAdministrator { administrator: a } if a == administrator => {
                // Already this administrator's member, with no invitation open: accepted
                // before, or made a member by Organizations.
                return confirm_joined(shared, cell, step).await;
            }
            Needed::LeaveAdministrator { administrator } => {
                return Finish::OtherAdministrator(administrator);
            }
            other => first.push(other),
        }
    }
    let actor = Actor {
        account: Some(step.account.id.clone()),
    };
    for needed in &first {
        let taking = shared.patiently(|| adapter.take_step(needed, &actor));
        if let Err(error) = taking.await {
            return Finish::Failed(format!(
                "could not {} as the member: {}",
                needed.describe(),
                error.message
            ));
        }
    }
    shared.stage(cell, Stage::Waiting);
    let invitation = loop {
        match shared.listed(step) {
            Some(CellState::Enabled) => return Finish::Enabled,
            Some(CellState::VerificationFailed) => {
                return Finish::Failed(format!(
                    "the email {} failed verification: put the account's root email in the roster and run onboard again (the member is recreated with it)",
                    step.account.email.as_deref().unwrap_or("(none)")
                ));
            }
            _ => {}
        }
        let found = crate::fetch::find_invitation(source, shared.members.limits, |i| {
            i.administrator_id == administrator
                && matches!(
                    i.status,
                    Status::Pending | Status::Accepted | Status::Disabled
                )
        });
        match found.await {
            Ok(Some(invitation)) => break invitation,
            Ok(None) => {}
            Err(error) if error.is_passing() => {}
            Err(error) => return shared.as_member_failed(&error),
        }
        // Not there yet: the administrator's list says whether it is still being verified.
        if !shared.next_look().await || !shared.pause().await {
            let waited = humantime::format_duration(shared.settings.wait);
            return Finish::TimedOut(match shared.listed(step) {
                Some(CellState::Verifying) => format!(
                    "its email was still being verified after {waited}: run onboard again later to resume"
                ),
                _ => format!(
                    "the invitation did not reach the member within {waited}: run onboard again to resume"
                ),
            });
        }
    };
    if invitation.status == Status::Pending {
        shared.stage(cell, Stage::Accepting);
        let batch = Batch {
            source: source.id.clone(),
            adapter: adapter.clone(),
            steps: Vec::new(),
            targets: vec![Target::of(&invitation)],
            actor,
        };
        let accepting = shared.patiently(|| {
            Box::pin(async {
                let outcomes = answering::execute(Response::Accept, &batch).await;
                outcomes.into_iter().try_for_each(|o| o.result)
            })
        });
        if let Err(error) = accepting.await {
            // An accept that went through before its answer was lost: the member answers to
            // this administrator now.
            let joined = adapter.administrator().await;
            if joined.ok().flatten().as_deref() != Some(administrator.as_str()) {
                return Finish::Failed(format!("could not accept as the member: {error}"));
            }
        }
    }
    confirm(shared, cell, step).await
}

/// A member with no invitation open that already answers to this administrator: confirmed
/// from the administrator's side; Organizations' doing when no invitation was ever sent.
async fn confirm_joined(shared: &mut Shared<'_>, cell: usize, step: &Step) -> Finish {
    match confirm(shared, cell, step).await {
        Finish::Enabled if step.fix == Fix::Invite => Finish::Organization,
        other => other,
    }
}

/// Waits for the administrator's list to show the cell enabled.
async fn confirm(shared: &mut Shared<'_>, cell: usize, step: &Step) -> Finish {
    shared.stage(cell, Stage::Confirming);
    loop {
        if !shared.next_look().await {
            return Finish::TimedOut(format!(
                "done on the member's side, but the administrator did not list it enabled within {}: run onboard again to see",
                humantime::format_duration(shared.settings.wait)
            ));
        }
        if shared.listed(step) == Some(CellState::Enabled) {
            return Finish::Enabled;
        }
    }
}

/// Whether the member answers to another administrator: why an invitation could not be sent.
async fn elsewhere(shared: &Shared<'_>, step: &Step) -> Option<Finish> {
    let administrator = shared.administrator(step);
    let adapter: Arc<dyn ServiceAdapter> = shared.member_source(step)?.adapter();
    match adapter.administrator().await {
        Ok(Some(other)) if other != administrator => Some(Finish::OtherAdministrator(other)),
        _ => None,
    }
}
