//! Reconcile steps ([`Fix`]) for the gaps of the coverage matrix, and taking them through the
//! adapters: what `guestlist reconcile --apply`, `guestlist onboard` and the dashboard's
//! coverage matrix all send.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::aws::ServiceAdapter;
use crate::model::{
    Actor, AwsError, CellState, Fix, Invitee, Invites, Outcome, RosterAccount, SourceId,
    Step as Needed,
};
use crate::plan::Plan;

/// One cell's gap and what closes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub source: SourceId,
    pub account: RosterAccount,
    pub from: CellState,
    pub fix: Fix,
}

/// Takes `fix` for `invitees` (each with the roster's email); one outcome per account.
pub async fn take(
    adapter: &dyn ServiceAdapter,
    fix: &Fix,
    invitees: &[Invitee],
    actor: &Actor,
) -> Vec<Outcome> {
    let ids: Vec<String> = invitees.iter().map(|i| i.account_id.clone()).collect();
    let invites = |invitees| Invites {
        invitees,
        message: None,
    };
    match fix {
        Fix::Invite => adapter.invite(invites(invitees), actor).await,
        Fix::Recreate => {
            // Only what was deleted is created again: a delete that failed says why.
            let deleted = adapter.delete_members(&ids, actor).await;
            let (gone, mut outcomes): (Vec<Outcome>, Vec<Outcome>) =
                deleted.into_iter().partition(|o| o.result.is_ok());
            let again: Vec<Invitee> = invitees
                .iter()
                .filter(|i| gone.iter().any(|o| o.key == i.account_id))
                .cloned()
                .collect();
            outcomes.extend(adapter.invite(invites(&again), actor).await);
            outcomes
        }
        Fix::StartMonitoring => adapter.start_monitoring(&ids, actor).await,
        Fix::Wait | Fix::Blocked(_) => Vec::new(),
    }
}

/// Whether a step creates members, which the administrator may have to get ready for.
fn creates(fix: &Fix) -> bool {
    matches!(fix, Fix::Invite | Fix::Recreate)
}

/// The steps an administrator must take in a source before creating members there: asked
/// only where the plan creates some. Where it cannot have members at all (Detective without
/// a graph), those steps are blocked, with why.
pub async fn firsts(plan: &Plan, steps: &mut [Step]) -> BTreeMap<SourceId, Vec<Needed>> {
    let sources: BTreeSet<SourceId> = steps
        .iter()
        .filter(|s| creates(&s.fix))
        .map(|s| s.source.clone())
        .collect();
    let asked = futures_util::future::join_all(sources.into_iter().filter_map(|source| {
        let planned = plan.sources.iter().find(|p| p.id == source)?;
        let adapter = planned.adapter();
        Some(async move {
            let first = adapter.before_administering().await;
            let ask = || adapter.before_administering();
            let settled = |a: &Result<_, crate::model::AwsError>| {
                !matches!(a, Err(error) if error.is_passing())
            };
            (source, crate::aws::asked_again(first, 3, ask, settled).await)
        })
    }))
    .await;
    let mut firsts = BTreeMap::new();
    for (source, answer) in asked {
        match answer {
            Ok(needed) if needed.is_empty() => {}
            Ok(needed) => {
                firsts.insert(source, needed);
            }
            Err(error) => {
                for step in steps
                    .iter_mut()
                    .filter(|s| s.source == source && creates(&s.fix))
                {
                    step.fix = Fix::Blocked(error.message.clone());
                }
            }
        }
    }
    firsts
}

/// What applying a plan did: each administrator's first steps, then one result per plan step
/// (none for a step that sends nothing).
pub struct Applied {
    pub firsts: Vec<(SourceId, Needed, Result<(), AwsError>)>,
    pub steps: Vec<Option<Result<(), AwsError>>>,
}

/// Takes the steps that send something, grouped by source and action (one call for up to 50
/// accounts), every group at once; a source whose administrator could not get ready first
/// sends nothing and says why for each of its steps.
pub async fn apply(
    plan: &Plan,
    accounts: &HashMap<String, String>,
    steps: &[Step],
    firsts: &BTreeMap<SourceId, Vec<Needed>>,
) -> Applied {
    let actor = |source: &SourceId| Actor {
        account: accounts.get(&source.profile).cloned(),
    };
    let adapter = |source: &SourceId| {
        let planned = plan.sources.iter().find(|s| s.id == *source)?;
        Some(planned.adapter())
    };
    let readying = firsts.iter().map(|(source, needed)| async move {
        let mut taken = Vec::new();
        let Some(adapter) = adapter(source) else {
            return taken;
        };
        let actor = actor(source);
        for step in needed {
            let result = adapter.take_step(step, &actor).await;
            let failed = result.is_err();
            taken.push((source.clone(), step.clone(), result));
            if failed {
                break;
            }
        }
        taken
    });
    let taken: Vec<_> = futures_util::future::join_all(readying)
        .await
        .into_iter()
        .flatten()
        .collect();
    let unready: BTreeMap<&SourceId, &AwsError> = taken
        .iter()
        .filter_map(|(source, _, result)| Some((source, result.as_ref().err()?)))
        .collect();
    let mut groups: Vec<((SourceId, Fix), Vec<usize>)> = Vec::new();
    for (index, step) in steps.iter().enumerate().filter(|(_, s)| s.fix.acts()) {
        let key = (step.source.clone(), step.fix.clone());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, group)) => group.push(index),
            None => groups.push((key, vec![index])),
        }
    }
    let mut results: Vec<Option<Result<(), AwsError>>> = vec![None; steps.len()];
    let sending = groups.into_iter().map(|((source, fix), group)| {
        let unready = unready.get(&source).copied();
        let adapter = adapter(&source);
        let actor = actor(&source);
        async move {
            let invitees: Vec<Invitee> = group
                .iter()
                .map(|&i| Invitee {
                    account_id: steps[i].account.id.clone(),
                    email: steps[i].account.email.clone(),
                })
                .collect();
            let outcomes = match (unready, adapter) {
                (Some(error), _) => {
                    let error = AwsError {
                        message: format!(
                            "the administrator's first step failed: {}",
                            error.message
                        ),
                        ..error.clone()
                    };
                    Outcome::all_failed(invitees.iter().map(|i| i.account_id.clone()), &error)
                }
                (None, Some(adapter)) => take(adapter.as_ref(), &fix, &invitees, &actor).await,
                (None, None) => Vec::new(),
            };
            (group, outcomes)
        }
    });
    for (group, outcomes) in futures_util::future::join_all(sending).await {
        for index in group {
            let account = &steps[index].account.id;
            // A recreate answers twice for an account (deleted, created): the last word holds.
            let result = outcomes.iter().rev().find(|o| o.key == *account);
            results[index] = result.map(|o| o.result.clone());
        }
    }
    Applied {
        firsts: taken,
        steps: results,
    }
}
