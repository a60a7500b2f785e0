//! Batch calls: at most [`BATCH`] accounts each, and one outcome per account from what each
//! call answered, its own unprocessed accounts included.

use std::future::Future;

use super::adapter::Pending;

use crate::model::{
    Actor, Answers, AwsError, BATCH, ErrorKind, Invitee, Outcome, Response, Target,
};

/// The accounts a batch call did not process, each with why: the service's reason, or where a
/// batch is made of one call per account, that call's own error (its kind kept, so a throttled
/// account can be tried again).
pub(crate) type Unprocessed = Vec<(String, AwsError)>;

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
    aws_sdk_macie2::types::UnprocessedAccount => error_message,
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
                        let reason = UnprocessedAccount::reason(u);
                        let error =
                            AwsError::new(ErrorKind::Service, "UnprocessedAccount", reason);
                        (account, error)
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
    aws_sdk_guardduty::operation::start_monitoring_members::StartMonitoringMembersOutput,
    aws_sdk_detective::operation::create_members::CreateMembersOutput,
    aws_sdk_detective::operation::delete_members::DeleteMembersOutput,
    aws_sdk_macie2::operation::create_invitations::CreateInvitationsOutput,
    aws_sdk_macie2::operation::decline_invitations::DeclineInvitationsOutput,
    aws_sdk_macie2::operation::delete_invitations::DeleteInvitationsOutput,
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
                    Some((_, error)) => Err(error.clone()),
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

/// The accounts of a batch of invitees, as the requests name them.
pub(crate) fn accounts_of(invitees: &[Invitee]) -> Vec<String> {
    invitees.iter().map(|i| i.account_id.clone()).collect()
}

/// Runs `then` with what the calls need (GuardDuty's detector, Detective's graph); without it,
/// every key fails with why it is missing.
pub(crate) async fn needing(
    needed: impl Future<Output = Result<String, AwsError>>,
    keys: impl IntoIterator<Item = String>,
    then: impl AsyncFnOnce(&str) -> Vec<Outcome>,
) -> Vec<Outcome> {
    match needed.await {
        Ok(resource) => then(&resource).await,
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

/// Sends an [`AccountOp`] for `$accounts` with one service's `$client`. The four requests read
/// alike in every SDK but are each SDK's own types, so only a macro writes them once;
/// `|$m| $members` finishes the two member requests (GuardDuty's name the detector).
macro_rules! send_account_op {
    ($adapter:expr, $actor:expr, $call:expr, $parameters:expr, |$m:ident| $members:expr) => {{
        let AccountCall { op, accounts, .. } = $call;
        let (scope, client) = (&$adapter.scope, &$adapter.client);
        let (ids, accounts) = (Some(accounts.clone()), &accounts);
        match op {
            AccountOp::DeclineInvitations => $crate::aws::batch::send!(
                scope,
                $actor,
                op,
                $parameters,
                accounts,
                ids,
                client.decline_invitations()
            ),
            AccountOp::DeleteInvitations => $crate::aws::batch::send!(
                scope,
                $actor,
                op,
                $parameters,
                accounts,
                ids,
                client.delete_invitations()
            ),
            AccountOp::DisassociateMembers => {
                let $m = client.disassociate_members();
                $crate::aws::batch::send!(scope, $actor, op, $parameters, accounts, ids, $members)
            }
            AccountOp::DeleteMembers => {
                let $m = client.delete_members();
                $crate::aws::batch::send!(scope, $actor, op, $parameters, accounts, ids, $members)
            }
        }
    }};
}
/// One [`send_account_op`] request: built, sent and recorded.
macro_rules! send {
    ($scope:expr, $actor:expr, $op:expr, $parameters:expr, $accounts:expr, $ids:expr, $request:expr) => {
        $scope
            .batch(
                $actor,
                $op.name(),
                $parameters,
                $accounts,
                $request.set_account_ids($ids).send(),
            )
            .await
    };
}
pub(crate) use send;
pub(crate) use send_account_op;

/// A service that has the [`AccountOp`]s: each adapter says how it sends one; the flows that
/// combine them are written once, below.
pub(crate) trait ByAccount: Sync {
    fn send<'a>(&'a self, call: AccountCall<'a>, actor: &'a Actor) -> Pending<'a, Unprocessed>;
}

/// One [`AccountOp`] for some accounts, as a [`ByAccount`] sends it.
pub(crate) struct AccountCall<'a> {
    pub op: AccountOp,
    /// What the call acts on where the service needs it (GuardDuty's detector).
    pub on: Option<&'a str>,
    pub accounts: Vec<String>,
}

impl<'a> AccountCall<'a> {
    pub fn new(op: AccountOp, on: Option<&'a str>, accounts: Vec<String>) -> Self {
        Self { op, on, accounts }
    }
}

/// A batch made of one call per item, for the operations a service takes one account at a
/// time (Macie's `CreateMember`, `DisassociateMember`, `DeleteMember`): the accounts whose call
/// failed, each with why, as a batch call answers. When every call failed, the batch failed,
/// with the first error and its kind (denied, the service off).
pub(crate) async fn one_call_each<'a, I, Fut>(
    items: &'a [I],
    account: impl Fn(&I) -> &str,
    call: impl Fn(&'a I) -> Fut,
) -> Result<Unprocessed, AwsError>
where
    Fut: Future<Output = Result<(), AwsError>>,
{
    let mut unprocessed = Unprocessed::new();
    for item in items {
        if let Err(error) = call(item).await {
            unprocessed.push((account(item).to_owned(), error));
        }
    }
    match unprocessed.first() {
        Some((_, error)) if unprocessed.len() == items.len() => Err(error.clone()),
        _ => Ok(unprocessed),
    }
}

/// Answers each target in turn, as the services accept: one invitation per call.
pub(crate) async fn one_by_one<'a, Fut>(
    targets: &'a [Target],
    answer: impl Fn(&'a Target) -> Fut,
) -> Vec<Outcome>
where
    Fut: Future<Output = Result<(), AwsError>>,
{
    let mut outcomes = Vec::with_capacity(targets.len());
    for target in targets {
        let result = answer(target).await;
        outcomes.push(Outcome {
            key: target.key.clone(),
            result,
        });
    }
    outcomes
}

/// Answers as Security Hub and GuardDuty do: `accept` one by one, decline and delete in
/// batches of administrators.
pub(crate) async fn respond<A: ByAccount>(
    adapter: &A,
    answers: Answers<'_>,
    actor: &Actor,
    accept: impl Future<Output = Vec<Outcome>>,
) -> Vec<Outcome> {
    let op = match answers.response {
        Response::Accept => return accept.await,
        Response::Decline => AccountOp::DeclineInvitations,
        Response::Delete => AccountOp::DeleteInvitations,
    };
    answer(adapter, op, answers.targets, actor).await
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
        adapter.send(AccountCall::new(op, None, administrators), actor)
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
        let call = AccountCall::new(AccountOp::DeleteInvitations, None, chunk.to_vec());
        adapter.send(call, actor)
    })
    .await
}

/// Deletes members, associated or not.
pub(crate) async fn delete<A: ByAccount>(
    adapter: &A,
    on: Option<&str>,
    accounts: &[String],
    actor: &Actor,
) -> Vec<Outcome> {
    accounts_in_batches(accounts, |chunk| {
        let call = AccountCall::new(AccountOp::DeleteMembers, on, chunk.to_vec());
        adapter.send(call, actor)
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
        let call = AccountCall::new(AccountOp::DisassociateMembers, on, chunk.to_vec());
        adapter.send(call, actor)
    };
    let delete = |accounts| {
        let call = AccountCall::new(AccountOp::DeleteMembers, on, accounts);
        adapter.send(call, actor)
    };
    two_steps(accounts, String::as_str, disassociate, delete).await
}
