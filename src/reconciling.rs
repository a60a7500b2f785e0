//! Taking a reconcile step ([`Fix`]) for some accounts of one source, through its adapter: what
//! `guestlist reconcile --apply` and the dashboard's coverage matrix both send.

use crate::aws::ServiceAdapter;
use crate::model::{Actor, Fix, Invitee, Invites, Outcome};

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
