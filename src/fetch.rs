//! The background fetcher: one task per source (identity × region × service), in flight at
//! once within a window that adapts, each streaming its pages over a channel as they arrive.
//!
//! Every event carries the generation of the fetch that produced it, so the app can drop what a
//! superseded refresh still delivers; dropping the [`Fetch`] aborts its tasks.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use futures_util::{StreamExt, TryStreamExt};

use crate::aws;
use crate::aws::paging::{self, Limits};
use crate::lanes::Lanes;
use aws_config::SdkConfig;

use crate::model::{AwsError, ErrorKind, Invitation, Member, SourceId};
use crate::plan::{Identity, PlannedSource};

/// The most listings in flight at once: a fan-out of a thousand accounts, at a tenth of a
/// second a request, needs hundreds to finish in seconds.
pub const DEFAULT_CONCURRENCY: u16 = 1024;

/// Where the window of listings in flight starts before it grows: a fan-out's first listings
/// are spread over accounts, each paced to its own quotas, and a narrower start left the
/// cores idle for the first half second of a thousand accounts.
const FIRST_WINDOW: usize = 256;
/// The narrowest it shrinks to when services throttle.
const NARROWEST_WINDOW: usize = 4;

#[derive(Debug, Clone)]
pub enum FetchEvent {
    /// The account an identity is, from STS.
    Identity {
        generation: u64,
        profile: String,
        outcome: Result<String, AwsError>,
    },
    /// A source started listing (it may have waited for a slot).
    Started { generation: u64, source: SourceId },
    Page {
        generation: u64,
        source: SourceId,
        invitations: Vec<Invitation>,
    },
    Finished {
        generation: u64,
        source: SourceId,
        elapsed: Duration,
    },
    Failed {
        generation: u64,
        source: SourceId,
        error: AwsError,
        elapsed: Duration,
    },
}

impl FetchEvent {
    pub fn generation(&self) -> u64 {
        match self {
            FetchEvent::Identity { generation, .. }
            | FetchEvent::Started { generation, .. }
            | FetchEvent::Page { generation, .. }
            | FetchEvent::Finished { generation, .. }
            | FetchEvent::Failed { generation, .. } => *generation,
        }
    }
}

/// A fetch in flight; dropping it cancels every task.
pub struct Fetch {
    tasks: JoinSet<()>,
    generation: u64,
    /// `None` once closed: no more sources, and the channel ends when the last task does.
    events: Option<mpsc::Sender<FetchEvent>>,
    limits: Limits,
    /// Where listings run: the installed lanes, or (without) the runtime that started them.
    lanes: Option<&'static Lanes>,
    /// Each lane's listings in flight, shared by every batch of sources the fetch was given.
    slots: Vec<Arc<Slots>>,
    /// The lane the next identity is asked about on.
    next_lane: usize,
}

impl Fetch {
    pub fn is_finished(&self) -> bool {
        self.tasks.is_empty()
    }

    /// The generation its events carry.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Waits until every task has ended (for `list`, which wants everything).
    pub async fn finish(mut self) {
        self.close();
        while self.tasks.join_next().await.is_some() {}
    }

    /// No more sources will be added: the events channel closes when the last listing ends.
    pub fn close(&mut self) {
        self.events = None;
    }

    fn spawn(&mut self, lane: usize, task: impl Future<Output = ()> + Send + 'static) {
        match self.lanes {
            Some(lanes) => self.tasks.spawn_on(task, lanes.handle(lane)),
            None => self.tasks.spawn(task),
        };
    }

    /// Lists `sources` too, in the same generation and within the same bound, and asks STS who
    /// `identities` are: accounts that arrived after the fetch started.
    pub fn extend(&mut self, sources: &[PlannedSource], identities: &[Identity]) {
        let generation = self.generation;
        let Some(events) = self.events.clone() else {
            debug_assert!(false, "sources added to a closed fetch");
            return;
        };
        for identity in identities {
            let events = events.clone();
            let identity = identity.clone();
            let lane = self.next_lane;
            self.next_lane = (lane + 1) % self.slots.len();
            self.spawn(lane, async move {
                // A fan-out's identities are named by the account they reach.
                let outcome = match &identity.fleet {
                    Some(fleet) => aws::reached_account(&identity.profile, &fleet.signer).await,
                    None => aws::caller_account(&identity.config).await,
                };
                let _ = events
                    .send(FetchEvent::Identity {
                        generation,
                        profile: identity.profile,
                        outcome,
                    })
                    .await;
            });
        }
        if sources.is_empty() {
            return;
        }
        // Each identity's configuration once, shared by its sources: to ask STS what a
        // rejected token means.
        let configs: HashMap<&str, Arc<SdkConfig>> = identities
            .iter()
            .map(|i| (i.profile.as_str(), Arc::new(i.config.clone())))
            .collect();
        let work: Vec<(PlannedSource, Option<Arc<SdkConfig>>)> = sources
            .iter()
            .map(|s| (s.clone(), configs.get(s.id.profile.as_str()).cloned()))
            .collect();
        // On each lane, one task starts listings as its slots free up, taking the next source
        // from the batch they share: a source waiting for its turn is a line in a list, not a
        // task, so fifty thousand sources cost little until they run, and a lane given less
        // of the CPU takes fewer (split in advance, one lane sat idle while the other still
        // had half a second of work). Dropping the fetch drops these tasks, and with them
        // every listing.
        let work = Arc::new(std::sync::Mutex::new(work.into_iter()));
        for lane in 0..self.slots.len() {
            let limits = self.limits;
            let slots = self.slots[lane].clone();
            let events = events.clone();
            let work = work.clone();
            self.spawn(lane, async move {
                let mut running = JoinSet::new();
                loop {
                    let slot = slots.take().await;
                    let next = work
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .next();
                    let Some((source, identity)) = next else {
                        break;
                    };
                    let events = events.clone();
                    let slots = slots.clone();
                    running.spawn(async move {
                        let outcome =
                            list_source(generation, source, identity, events, limits).await;
                        slots.give_back(slot, outcome);
                    });
                    // Reap what ended, so a long batch holds only what is in flight.
                    while running.try_join_next().is_some() {}
                }
                while running.join_next().await.is_some() {}
            });
        }
    }
}

/// Starts listing every source, and asking STS who each identity is; the events channel
/// ends when they all have.
pub fn start(
    generation: u64,
    sources: &[PlannedSource],
    identities: &[Identity],
    events: mpsc::Sender<FetchEvent>,
    concurrency: u16,
    limits: Limits,
) -> Fetch {
    let mut fetch = start_open(generation, sources, identities, events, concurrency, limits);
    fetch.close();
    fetch
}

/// [`start`], open for more sources ([`Fetch::extend`]) until [`Fetch::close`].
pub fn start_open(
    generation: u64,
    sources: &[PlannedSource],
    identities: &[Identity],
    events: mpsc::Sender<FetchEvent>,
    concurrency: u16,
    limits: Limits,
) -> Fetch {
    let lanes = Lanes::installed();
    let mut fetch = Fetch {
        tasks: JoinSet::new(),
        generation,
        events: Some(events),
        limits,
        lanes,
        slots: split(
            FIRST_WINDOW,
            usize::from(concurrency.max(1)),
            lanes.map_or(1, Lanes::len),
        )
        .into_iter()
        .map(|(first, ceiling)| Arc::new(Slots::new(first, ceiling)))
        .collect(),
        next_lane: 0,
    };
    fetch.extend(sources, identities);
    fetch
}

/// The window split between `lanes`, each lane's first size and ceiling: the ceilings add up to
/// `concurrency` exactly (`--concurrency 1` is one listing at a time, however many lanes), so
/// fewer lanes are used than there are when it is smaller.
fn split(first: usize, concurrency: usize, lanes: usize) -> Vec<(usize, usize)> {
    let used = lanes.clamp(1, concurrency.max(1));
    (0..used)
        .map(|lane| {
            let share = |total: usize| total / used + usize::from(lane < total % used);
            (share(first).max(1), share(concurrency))
        })
        .collect()
}

/// How a listing ended, for the window of listings in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Listed,
    /// Throttled still after the SDK's retries: too much is in flight.
    Throttled,
    /// Failed otherwise, or stopped because nobody listens any more.
    Other,
}

/// How many listings may be in flight. The window starts narrow and grows by one with each
/// listing that ends well — doubling every round trip, as TCP's slow start does — up to a
/// ceiling; a listing throttled to the end halves it. So a fan-out runs as wide as latency
/// allows and backs off when a service pushes back, with no latency figure to tune.
pub struct Slots {
    permits: Arc<tokio::sync::Semaphore>,
    window: std::sync::Mutex<Window>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    size: usize,
    ceiling: usize,
    /// Permits to take out of circulation as they come back, after the window shrank.
    owed: usize,
}

/// A place in the window, held while a listing runs.
pub type Slot = tokio::sync::OwnedSemaphorePermit;

impl Slots {
    /// A window that starts `first` wide and grows to `ceiling`.
    pub fn new(first: usize, ceiling: usize) -> Self {
        let size = first.min(ceiling).max(1);
        Self {
            permits: Arc::new(tokio::sync::Semaphore::new(size)),
            window: std::sync::Mutex::new(Window {
                size,
                ceiling,
                owed: 0,
            }),
        }
    }

    /// Waits for a place in the window.
    pub async fn take(&self) -> Slot {
        match self.permits.clone().acquire_owned().await {
            Ok(slot) => slot,
            // Never closed while `self` lives.
            Err(_) => unreachable!("the window's semaphore is never closed"),
        }
    }

    /// Gives a place back, widening or narrowing the window by how the listing ended.
    pub fn give_back(&self, slot: Slot, ended: Ended) {
        let mut window = self
            .window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match ended {
            Ended::Listed if window.size < window.ceiling => {
                window.size += 1;
                if window.owed > 0 {
                    window.owed -= 1;
                } else {
                    self.permits.add_permits(1);
                }
            }
            Ended::Throttled => {
                let narrower = (window.size / 2).max(NARROWEST_WINDOW.min(window.ceiling));
                window.owed += window.size.saturating_sub(narrower);
                window.size = narrower.min(window.size);
            }
            Ended::Listed | Ended::Other => {}
        }
        if window.owed > 0 {
            window.owed -= 1;
            slot.forget();
        }
    }

    /// How many listings may be in flight now.
    pub fn size(&self) -> usize {
        self.window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .size
    }
}

/// Pages through one source until the end, an error, or a token seen before.
async fn list_source(
    generation: u64,
    source: PlannedSource,
    identity: Option<Arc<SdkConfig>>,
    events: mpsc::Sender<FetchEvent>,
    limits: Limits,
) -> Ended {
    let started = Instant::now();
    let adapter = source.adapter();
    let id = source.id;
    if events
        .send(FetchEvent::Started {
            generation,
            source: id.clone(),
        })
        .await
        .is_err()
    {
        return Ended::Other;
    }
    let mut listing =
        std::pin::pin!(paging::pages(limits, |token| adapter.list_invitations(token)));
    let mut pages = 0usize;
    let outcome = loop {
        match listing.next().await {
            None => break Ok(()),
            Some(Err(error)) => break Err(error),
            Some(Ok(page)) => {
                pages += 1;
                let sent = events
                    .send(FetchEvent::Page {
                        generation,
                        source: id.clone(),
                        invitations: page.invitations,
                    })
                    .await;
                if sent.is_err() {
                    return Ended::Other;
                }
            }
        }
    };
    let outcome = match outcome {
        Err(error) => Err(explained(error, identity.as_deref(), &id.region).await),
        ok => ok,
    };
    let elapsed = started.elapsed();
    match &outcome {
        Ok(()) => tracing::debug!(source = %id, pages, ?elapsed, "listed"),
        Err(error) => tracing::warn!(source = %id, pages, ?elapsed, %error, "listing failed"),
    }
    let (event, ended) = match outcome {
        Ok(()) => (
            FetchEvent::Finished {
                generation,
                source: id,
                elapsed,
            },
            Ended::Listed,
        ),
        Err(error) => {
            let ended = match error.kind {
                ErrorKind::Throttled => Ended::Throttled,
                _ => Ended::Other,
            };
            let event = FetchEvent::Failed {
                generation,
                source: id,
                error,
                elapsed,
            };
            (event, ended)
        }
    };
    let _ = events.send(event).await;
    ended
}

/// A service's error, with a rejected token explained by asking STS as `identity`.
async fn explained(error: AwsError, identity: Option<&SdkConfig>, region: &str) -> AwsError {
    match identity {
        Some(identity) if error.kind == ErrorKind::TokenRejected => {
            explain_rejection(error, identity, region).await
        }
        _ => error,
    }
}

/// What a token a service rejected in `region` means, from what STS says: in that region (a
/// region the account has not enabled says so), and as the identity anywhere (a key STS
/// rejects everywhere is not valid at all; one it accepts elsewhere is a global-endpoint
/// token an opt-in region does not take). A service's word alone never decides.
async fn explain_rejection(error: AwsError, identity: &SdkConfig, region: &str) -> AwsError {
    let here = aws::caller_account(&aws::with_region(identity, region)).await;
    let kind = match here {
        Ok(_) => return error,
        Err(sts) if sts.kind == ErrorKind::RegionNotEnabled => ErrorKind::RegionNotEnabled,
        Err(sts) if sts.kind == ErrorKind::TokenRejected => {
            match aws::caller_account(identity).await {
                Ok(_) => ErrorKind::TokenNotValidInRegion,
                Err(_) => ErrorKind::CredentialsRejected,
            }
        }
        Err(_) => return error,
    };
    AwsError { kind, ..error }
}

/// Trails read at once; CloudTrail's own pace (2 a second per account and region) is kept
/// per account and region besides.
const TRAILS_AT_ONCE: usize = 32;

/// Reads each trail's membership calls since `since` as its identity, a rejected token
/// explained as a listing's is (a region not enabled is then no failure), newest first.
pub async fn read_trails(
    trails: Vec<crate::model::Trail>,
    identities: &[Identity],
    since: chrono::DateTime<chrono::Utc>,
    pace: &aws::pace::Pace,
) -> Vec<(
    crate::model::Trail,
    Result<Vec<crate::model::HistoryEvent>, AwsError>,
)> {
    futures_util::stream::iter(trails.into_iter().map(|trail| async move {
        let Some(identity) = identities.iter().find(|i| i.profile == trail.profile) else {
            return (trail, Ok(Vec::new()));
        };
        let config = aws::with_region(&identity.config, &trail.region);
        let found =
            aws::history::history(&config, &trail.profile, &trail.services, since, pace).await;
        let found = match found {
            Err(error) => Err(explained(error, Some(&identity.config), &trail.region).await),
            ok => ok,
        };
        (trail, found)
    }))
    .buffer_unordered(TRAILS_AT_ONCE)
    .collect()
    .await
}

/// Every page of one source's members.
/// Every page of one source's members; a rejected token is explained as the invitations'
/// listing explains it, by asking STS as `identity`.
pub async fn all_members(
    source: &PlannedSource,
    identity: Option<&SdkConfig>,
    limits: Limits,
) -> Result<Vec<Member>, AwsError> {
    let adapter = source.adapter();
    let listed = paging::pages(limits, |token| adapter.list_members(token))
        .try_fold(Vec::new(), |mut members, page| async move {
            members.extend(page.members);
            Ok(members)
        })
        .await;
    match listed {
        Err(error) => Err(explained(error, identity, &source.id.region).await),
        ok => ok,
    }
}

/// The first invitation of a source that `wanted` picks, reading only as many pages as needed.
pub async fn find_invitation(
    source: &PlannedSource,
    limits: Limits,
    wanted: impl Fn(&Invitation) -> bool,
) -> Result<Option<Invitation>, AwsError> {
    let adapter = source.adapter();
    let mut listing =
        std::pin::pin!(paging::pages(limits, |token| adapter.list_invitations(token)));
    while let Some(page) = listing.next().await {
        if let Some(found) = page?.invitations.into_iter().find(&wanted) {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes every place the window has free now, without waiting.
    fn take_free(slots: &Slots) -> Vec<Slot> {
        std::iter::from_fn(|| slots.permits.clone().try_acquire_owned().ok()).collect()
    }

    #[test]
    fn the_window_is_split_between_lanes_to_the_concurrency_asked() {
        assert_eq!(split(256, 1024, 2), [(128, 512), (128, 512)]);
        assert_eq!(split(256, 5, 2), [(128, 3), (128, 2)]);
        // One listing at a time is one lane.
        assert_eq!(split(256, 1, 2), [(256, 1)]);
        assert_eq!(split(256, 1024, 1), [(256, 1024)]);
        assert_eq!(split(3, 8, 4), [(1, 2), (1, 2), (1, 2), (1, 2)]);
    }

    #[tokio::test]
    async fn the_window_grows_with_each_listing_and_stops_at_its_ceiling() {
        let slots = Slots::new(32, 100);
        let first = take_free(&slots);
        assert_eq!(first.len(), 32);
        for slot in first {
            slots.give_back(slot, Ended::Listed);
        }
        // Each listing that ended well made room for two: the window doubled.
        assert_eq!(slots.size(), 2 * 32);
        assert_eq!(take_free(&slots).len(), 2 * 32);

        let slots = Slots::new(32, 40);
        for _ in 0..5 {
            for slot in take_free(&slots) {
                slots.give_back(slot, Ended::Listed);
            }
        }
        assert_eq!(slots.size(), 40);
        assert_eq!(take_free(&slots).len(), 40, "never more than the ceiling");
    }

    #[tokio::test]
    async fn throttling_halves_the_window_and_failures_leave_it() {
        let slots = Slots::new(32, 1000);
        let mut held = take_free(&slots);
        assert_eq!(held.len(), 32);
        slots.give_back(
            held.pop().unwrap_or_else(|| unreachable!()),
            Ended::Throttled,
        );
        assert_eq!(slots.size(), 16);
        // The 31 still out come back; only as many return to circulation as the window has.
        for slot in held {
            slots.give_back(slot, Ended::Other);
        }
        assert_eq!(take_free(&slots).len(), 16);

        let slots = Slots::new(32, 1000);
        for _ in 0..10 {
            let held = take_free(&slots);
            let mut held = held.into_iter();
            if let Some(slot) = held.next() {
                slots.give_back(slot, Ended::Throttled);
            }
            drop(held);
        }
        assert_eq!(slots.size(), NARROWEST_WINDOW, "never narrower than this");
    }
}
