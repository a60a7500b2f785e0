//! Batch calls: at most [`BATCH`] accounts each, and one outcome per account from what each
//! call answered, its own unprocessed accounts included.

use std::future::Future;

use crate::model::{Actor, AwsError, BATCH, ErrorKind, Invitee, Outcome, Target};

/// The accounts a batch call did not process, each with the service's reason.
pub(crate) type Unprocessed = Vec<(String, String)>;

/// One account a batch call did not process, in any service's shape.
pub(crate) trait UnprocessedAccount {
    fn account(&self) -> &str;
    fn reason(&self) -> &str;
}

macro_rules! unprocessed_account {
    ($($entry:ty => $reason:ident),* $(,)?) => {$(
        impl UnprocessedAccount for $entry {
            fn account(&self) -> &str {
                self.account_id().unwrap_or_default()
            }
            fn reason(&self) -> &str {
                self.$reason().unwrap_or("not processed")
            }
        }
    )*};
}

unprocessed_account! {
    aws_sdk_securityhub::types::Result => processing_result,
    aws_sdk_guardduty::types::UnprocessedAccount => result,
    aws_sdk_detective::types::UnprocessedAccount => reason,
}

/// What a batch call answers: the accounts it did not process.
pub(crate) trait BatchOutput {
    fn unprocessed(&self) -> Unprocessed;
}

macro_rules! batch_output {
    ($($output:ty),* $(,)?) => {$(
        impl BatchOutput for $output {
            fn unprocessed(&self) -> Unprocessed {
                self.unprocessed_accounts()
                    .iter()
                    .map(|u| {
                        let account = UnprocessedAccount::account(u).to_owned();
                        (account, UnprocessedAccount::reason(u).to_owned())
                    })
                    .collect()
            }
        }
    )*};
}

batch_output! {
    aws_sdk_securityhub::operation::create_members::CreateMembersOutput,
    aws_sdk_securityhub::operation::invite_members::InviteMembersOutput,
    aws_sdk_securityhub::operation::decline_invitations::DeclineInvitationsOutput,
    aws_sdk_securityhub::operation::delete_invitations::DeleteInvitationsOutput,
    aws_sdk_securityhub::operation::delete_members::DeleteMembersOutput,
    aws_sdk_guardduty::operation::create_members::CreateMembersOutput,
    aws_sdk_guardduty::operation::invite_members::InviteMembersOutput,
    aws_sdk_guardduty::operation::decline_invitations::DeclineInvitationsOutput,
    aws_sdk_guardduty::operation::delete_invitations::DeleteInvitationsOutput,
    aws_sdk_guardduty::operation::delete_members::DeleteMembersOutput,
    aws_sdk_guardduty::operation::disassociate_members::DisassociateMembersOutput,
    aws_sdk_detective::operation::create_members::CreateMembersOutput,
    aws_sdk_detective::operation::delete_members::DeleteMembersOutput,
}

/// Security Hub's `DisassociateMembers` says nothing of accounts it did not process.
impl BatchOutput
    for aws_sdk_securityhub::operation::disassociate_members::DisassociateMembersOutput
{
    fn unprocessed(&self) -> Unprocessed {
        Unprocessed::new()
    }
}

/// The outcome of each `(key, account)`: the call's error, the account's unprocessed reason,
/// or done.
fn outcomes<'a>(
    items: impl Iterator<Item = (&'a str, &'a str)>,
    result: &Result<Unprocessed, AwsError>,
) -> Vec<Outcome> {
    items
        .map(|(key, account)| Outcome {
            key: key.to_owned(),
            result: match result {
                Err(error) => Err(error.clone()),
                Ok(unprocessed) => match unprocessed.iter().find(|(a, _)| a == account) {
                    Some((_, reason)) => Err(AwsError::new(
                        ErrorKind::Service,
                        "UnprocessedAccount",
                        reason.clone(),
                    )),
                    None => Ok(()),
                },
            },
        })
        .collect()
}

/// An invitation's row key, and the administrator account a batch call names it by.
pub(crate) fn target_ids(target: &Target) -> (&str, &str) {
    (&target.key, &target.administrator_id)
}

/// An invitee is keyed by its account.
pub(crate) fn invitee_ids(invitee: &Invitee) -> (&str, &str) {
    (&invitee.account_id, &invitee.account_id)
}

/// Runs `then` with what the calls need (GuardDuty's detector, Detective's graph); without it,
/// every key fails with why it is missing.
pub(crate) async fn needing<Fut>(
    needed: Result<String, AwsError>,
    keys: impl IntoIterator<Item = String>,
    then: impl FnOnce(String) -> Fut,
) -> Vec<Outcome>
where
    Fut: Future<Output = Vec<Outcome>>,
{
    match needed {
        Ok(resource) => then(resource).await,
        Err(error) => Outcome::all_failed(keys, &error),
    }
}

/// Calls `call` once per batch of `items`; `ids` says each item's key and account.
pub(crate) async fn in_batches<'a, I, Fut>(
    items: &'a [I],
    ids: impl Fn(&'a I) -> (&'a str, &'a str),
    mut call: impl FnMut(&'a [I]) -> Fut,
) -> Vec<Outcome>
where
    Fut: Future<Output = Result<Unprocessed, AwsError>>,
{
    let mut all = Vec::with_capacity(items.len());
    for chunk in items.chunks(BATCH) {
        let result = call(chunk).await;
        all.extend(outcomes(chunk.iter().map(&ids), &result));
    }
    all
}

/// Batches of account ids, each its own key.
pub(crate) async fn accounts_in_batches<'a, Fut>(
    accounts: &'a [String],
    call: impl FnMut(&'a [String]) -> Fut,
) -> Vec<Outcome>
where
    Fut: Future<Output = Result<Unprocessed, AwsError>>,
{
    in_batches(accounts, |a| (a.as_str(), a.as_str()), call).await
}

/// Two calls per batch, the second only for the accounts the first processed: create then
/// invite, disassociate then delete. Outcomes are keyed by account.
pub(crate) async fn two_steps<'a, I, F1, F2>(
    items: &'a [I],
    account: impl Fn(&I) -> &str,
    mut first: impl FnMut(&'a [I]) -> F1,
    mut second: impl FnMut(Vec<String>) -> F2,
) -> Vec<Outcome>
where
    F1: Future<Output = Result<Unprocessed, AwsError>>,
    F2: Future<Output = Result<Unprocessed, AwsError>>,
{
    let mut all = Vec::with_capacity(items.len());
    for chunk in items.chunks(BATCH) {
        let accounts: Vec<String> = chunk.iter().map(|i| account(i).to_owned()).collect();
        let firsts = outcomes(
            accounts.iter().map(|a| (a.as_str(), a.as_str())),
            &first(chunk).await,
        );
        let done: Vec<String> = firsts
            .iter()
            .filter(|o| o.result.is_ok())
            .map(|o| o.key.clone())
            .collect();
        all.extend(firsts.into_iter().filter(|o| o.result.is_err()));
        if done.is_empty() {
            continue;
        }
        let result = second(done.clone()).await;
        all.extend(outcomes(
            done.iter().map(|a| (a.as_str(), a.as_str())),
            &result,
        ));
    }
    all
}

/// The batch operations by account id that Security Hub and GuardDuty both have, and send
/// alike. (Inviting differs: GuardDuty sends a message with it.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AccountOp {
    DeclineInvitations,
    DeleteInvitations,
    DisassociateMembers,
    DeleteMembers,
}

impl AccountOp {
    pub fn name(self) -> &'static str {
        match self {
            AccountOp::DeclineInvitations => "DeclineInvitations",
            AccountOp::DeleteInvitations => "DeleteInvitations",
            AccountOp::DisassociateMembers => "DisassociateMembers",
            AccountOp::DeleteMembers => "DeleteMembers",
        }
    }
}

/// A service that has the [`AccountOp`]s: each adapter says how it sends one; the flows that
/// combine them are written once, below.
pub(crate) trait ByAccount: Sync {
    /// Sends `op` for `accounts`; `on` is what the call acts on where the service needs it
    /// (GuardDuty's detector).
    fn by_accounts<'a>(
        &'a self,
        op: AccountOp,
        on: Option<&'a str>,
        accounts: Vec<String>,
        actor: &'a Actor,
    ) -> futures_util::future::BoxFuture<'a, Result<Unprocessed, AwsError>>;
}

/// Declines or deletes (`op`) invitations, named by their administrators, in batches.
pub(crate) async fn answer<A: ByAccount>(
    adapter: &A,
    op: AccountOp,
    targets: &[Target],
    actor: &Actor,
) -> Vec<Outcome> {
    in_batches(targets, target_ids, |chunk| {
        let administrators = chunk.iter().map(|t| t.administrator_id.clone()).collect();
        adapter.by_accounts(op, None, administrators, actor)
    })
    .await
}

/// Deletes the invitations an administrator sent.
pub(crate) async fn withdraw<A: ByAccount>(
    adapter: &A,
    accounts: &[String],
    actor: &Actor,
) -> Vec<Outcome> {
    accounts_in_batches(accounts, |chunk| {
        adapter.by_accounts(AccountOp::DeleteInvitations, None, chunk.to_vec(), actor)
    })
    .await
}

/// Disassociates members, then deletes those disassociated.
pub(crate) async fn remove<A: ByAccount>(
    adapter: &A,
    on: Option<&str>,
    accounts: &[String],
    actor: &Actor,
) -> Vec<Outcome> {
    let disassociate = |chunk: &[String]| {
        adapter.by_accounts(AccountOp::DisassociateMembers, on, chunk.to_vec(), actor)
    };
    let delete = |accounts| adapter.by_accounts(AccountOp::DeleteMembers, on, accounts, actor);
    two_steps(accounts, String::as_str, disassociate, delete).await
}
