//! The background fetcher: one task per source (identity × region × service), all in flight at
//! once within a bound, each streaming its pages over a channel as they arrive.
//!
//! Every event carries the generation of the fetch that produced it, so the app can drop what a
//! superseded refresh still delivers; dropping the [`Fetch`] aborts its tasks.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use futures_util::{StreamExt, TryStreamExt};

use crate::aws;
use crate::aws::paging::{self, Limits};
use aws_config::SdkConfig;

use crate::model::{AwsError, ErrorKind, Invitation, Member, SourceId};
use crate::plan::{Identity, PlannedSource};

/// Enough for 3 services in every region of one identity to run together.
pub const DEFAULT_CONCURRENCY: u16 = 128;

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
}

impl Fetch {
    pub fn is_finished(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Waits until every task has ended (for `list`, which wants everything).
    pub async fn finish(mut self) {
        while self.tasks.join_next().await.is_some() {}
    }
}

/// Starts listing every source, and asking STS who each identity is.
pub fn start(
    generation: u64,
    sources: &[PlannedSource],
    identities: &[Identity],
    events: mpsc::Sender<FetchEvent>,
    concurrency: u16,
    limits: Limits,
) -> Fetch {
    let mut tasks = JoinSet::new();
    for identity in identities {
        let events = events.clone();
        let identity = identity.clone();
        tasks.spawn(async move {
            let outcome = aws::caller_account(&identity.config).await;
            let _ = events
                .send(FetchEvent::Identity {
                    generation,
                    profile: identity.profile,
                    outcome,
                })
                .await;
        });
    }
    // Each identity's configuration once, shared by its sources: to ask STS what a rejected
    // token means.
    let configs: HashMap<&str, Arc<SdkConfig>> = identities
        .iter()
        .map(|i| (i.profile.as_str(), Arc::new(i.config.clone())))
        .collect();
    let work: Vec<(PlannedSource, Option<Arc<SdkConfig>>)> = sources
        .iter()
        .map(|s| (s.clone(), configs.get(s.id.profile.as_str()).cloned()))
        .collect();
    // One task starts the listings, at most `concurrency` at a time: a source waiting for its
    // turn is a line in a list, not a task, so fifty thousand sources cost little until they
    // run. Dropping the fetch drops this task, and with it every listing it started.
    let most = usize::from(concurrency.max(1));
    tasks.spawn(async move {
        let mut running = JoinSet::new();
        for (source, identity) in work {
            while running.len() >= most {
                running.join_next().await;
            }
            running.spawn(list_source(
                generation,
                source,
                identity,
                events.clone(),
                limits,
            ));
        }
        while running.join_next().await.is_some() {}
    });
    Fetch { tasks }
}

/// Pages through one source until the end, an error, or a token seen before.
async fn list_source(
    generation: u64,
    source: PlannedSource,
    identity: Option<Arc<SdkConfig>>,
    events: mpsc::Sender<FetchEvent>,
    limits: Limits,
) {
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
        return;
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
                    return;
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
    let event = match outcome {
        Ok(()) => FetchEvent::Finished {
            generation,
            source: id,
            elapsed,
        },
        Err(error) => FetchEvent::Failed {
            generation,
            source: id,
            error,
            elapsed,
        },
    };
    let _ = events.send(event).await;
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
