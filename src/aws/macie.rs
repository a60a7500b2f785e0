//! Macie: Security Hub's model in camelCase — invitations by administrator and id, members by
//! account — but members made and removed one account at a time, invitations sent with
//! `CreateInvitations`, and Macie itself enabled per account and region (`EnableMacie`).

use aws_sdk_macie2::Client;
use aws_sdk_macie2::types::{AccountDetail, Invitation as SdkInvitation};

use super::adapter::prelude::*;

const MAX_PAGE: i32 = 25;

/// The Macie adapter.
pub(crate) type Macie = Adapter<Client>;

impl Macie {
    fn received(&self, invitation: &SdkInvitation) -> Result<Invitation, AwsError> {
        self.scope
            .invitation(Received::from(invitation), Details::Macie {})
    }

    /// Whether Macie is on for this account here (`GetMacieSession`).
    async fn enabled(&self) -> Result<bool, AwsError> {
        let request = self.client.get_macie_session().send();
        nothing_where_off(self.scope.read(request).await.map(|_| true))
    }

    async fn current_administrator(&self) -> Result<Option<String>, AwsError> {
        let request = self.client.get_administrator_account().send();
        let current = self.scope.read(request).await?;
        Ok(current
            .administrator()
            .filter(|a| a.relationship_status().map(|s| s.as_str()) == Some("Enabled"))
            .and_then(|a| a.account_id())
            .map(str::to_owned))
    }

    async fn accept(&self, target: &Target, actor: &Actor) -> Result<(), AwsError> {
        let (administrator, invitation) = (&target.administrator_id, target.invitation_id());
        let parameters =
            json!({ "administratorAccountId": administrator, "invitationId": invitation });
        let request = self.client.accept_invitation();
        let request = request
            .administrator_account_id(administrator)
            .invitation_id(invitation);
        let scope = &self.scope;
        scope
            .act(actor, "AcceptInvitation", parameters, request.send())
            .await
    }

    async fn create_member(&self, invitee: &Invitee, actor: &Actor) -> Result<(), AwsError> {
        let account = &invitee.account_id;
        let email = invitee.email.clone().unwrap_or_default();
        let parameters = json!({ "account": { "accountId": account, "email": email } });
        let detail = AccountDetail::builder()
            .account_id(account)
            .email(email)
            .build();
        let request = self.client.create_member().account(detail).send();
        let scope = &self.scope;
        scope.act(actor, "CreateMember", parameters, request).await
    }

    async fn disassociate_member(&self, account: &str, actor: &Actor) -> Result<(), AwsError> {
        let request = self.client.disassociate_member().id(account).send();
        let parameters = json!({ "id": account });
        let scope = &self.scope;
        scope
            .act(actor, "DisassociateMember", parameters, request)
            .await
    }

    async fn delete_member(&self, account: &str, actor: &Actor) -> Result<(), AwsError> {
        let request = self.client.delete_member().id(account).send();
        let parameters = json!({ "id": account });
        let scope = &self.scope;
        scope.act(actor, "DeleteMember", parameters, request).await
    }
}

impl ByAccount for Macie {
    fn send<'a>(&'a self, call: AccountCall<'a>, actor: &'a Actor) -> Pending<'a, Unprocessed> {
        Box::pin(async move {
            let AccountCall { op, accounts, .. } = call;
            let parameters = json!({ "accountIds": accounts });
            let (scope, client) = (&self.scope, &self.client);
            let ids = Some(accounts.clone());
            match op {
                AccountOp::DeclineInvitations => {
                    let request = client.decline_invitations().set_account_ids(ids).send();
                    scope
                        .batch(actor, op.name(), parameters, &accounts, request)
                        .await
                }
                AccountOp::DeleteInvitations => {
                    let request = client.delete_invitations().set_account_ids(ids).send();
                    scope
                        .batch(actor, op.name(), parameters, &accounts, request)
                        .await
                }
                AccountOp::DisassociateMembers => {
                    batch::one_call_each(&accounts, String::as_str, |account| {
                        self.disassociate_member(account, actor)
                    })
                    .await
                }
                AccountOp::DeleteMembers => {
                    batch::one_call_each(&accounts, String::as_str, |account| {
                        self.delete_member(account, actor)
                    })
                    .await
                }
            }
        })
    }
}

impl Invitations for Macie {
    fn list_invitations(&self, next_token: Option<String>) -> Pending<'_, InvitationPage> {
        Box::pin(async move {
            let request = self.client.list_invitations().max_results(MAX_PAGE);
            let request = request.set_next_token(next_token).send();
            let output = self.scope.read(request).await?;
            let rows = output.invitations().iter().map(|row| self.received(row));
            InvitationPage::read(rows, output.next_token())
        })
    }

    /// Accepting needs Macie on, and no other administrator.
    fn before_accepting(&self) -> Pending<'_, Readiness> {
        Box::pin(async move {
            if !self.enabled().await? {
                return Ok(Readiness {
                    steps: vec![Step::EnableMacie],
                });
            }
            let administrator = self.current_administrator().await?;
            Ok(Readiness::leaving(administrator.as_deref()))
        })
    }

    fn administrator(&self) -> Pending<'_, Option<String>> {
        // Macie off, no administrator.
        Box::pin(async move { nothing_where_off(self.current_administrator().await) })
    }

    fn take_step<'a>(&'a self, step: &'a Step, actor: &'a Actor) -> Pending<'a, ()> {
        Box::pin(async move {
            match step {
                Step::EnableMacie => {
                    let request = self.client.enable_macie().send();
                    let scope = &self.scope;
                    scope
                        .enable(actor, "EnableMacie", "ConflictException", request)
                        .await
                }
                Step::LeaveAdministrator { administrator } => {
                    let request = self.client.disassociate_from_administrator_account().send();
                    let scope = &self.scope;
                    scope.leave(actor, json!({}), administrator, request).await
                }
                Step::EnableSecurityHub | Step::CreateDetector => Err(unsupported(
                    ServiceKind::Macie,
                    format!("is enabled with EnableMacie, not: {}", step.describe()),
                )),
            }
        })
    }

    fn respond<'a>(&'a self, answers: Answers<'a>, actor: &'a Actor) -> Outcomes<'a> {
        let accept = batch::one_by_one(answers.targets, |target| self.accept(target, actor));
        Box::pin(batch::respond(self, answers, actor, accept))
    }
}

impl Members for Macie {
    fn list_members(&self, next_token: Option<String>) -> Pending<'_, MemberPage> {
        Box::pin(async move {
            let request = self.client.list_members().only_associated("false");
            let request = request.max_results(MAX_PAGE).set_next_token(next_token);
            let page = async {
                let output = self.scope.read(request.send()).await?;
                let members = output.members().iter();
                let members = members.map(|m| self.scope.member(Listed::from(m)));
                MemberPage::read(members, output.next_token())
            };
            // Macie off here: this identity administers nothing in this region.
            nothing_where_off(page.await)
        })
    }

    /// `CreateMember` for each invitee, then one `CreateInvitations` for those created, with
    /// the message.
    fn invite<'a>(&'a self, invites: Invites<'a>, actor: &'a Actor) -> Outcomes<'a> {
        let Invites { invitees, message } = invites;
        let create = move |chunk: &'a [Invitee]| {
            batch::one_call_each(chunk, Invitee::account, move |invitee| {
                self.create_member(invitee, actor)
            })
        };
        let invite = move |accounts: Vec<String>| async move {
            let parameters = json!({ "accountIds": accounts, "message": message });
            let request = self.client.create_invitations();
            let request = request.set_account_ids(Some(accounts.clone()));
            let sent = request.set_message(message.map(str::to_owned)).send();
            let scope = &self.scope;
            scope
                .batch(actor, "CreateInvitations", parameters, &accounts, sent)
                .await
        };
        Box::pin(batch::two_steps(invitees, Invitee::account, create, invite))
    }

    fn withdraw<'a>(&'a self, accounts: &'a [String], _: &'a Actor) -> Outcomes<'a> {
        let error = unsupported(
            ServiceKind::Macie,
            "deletes invitations only from the invitee's side: remove the member (x) instead",
        );
        Box::pin(async move { Outcome::all_failed(accounts.iter().cloned(), &error) })
    }

    fn remove_members<'a>(&'a self, accounts: &'a [String], actor: &'a Actor) -> Outcomes<'a> {
        Box::pin(batch::remove(self, None, accounts, actor))
    }

    fn delete_members<'a>(&'a self, accounts: &'a [String], actor: &'a Actor) -> Outcomes<'a> {
        Box::pin(batch::delete(self, None, accounts, actor))
    }

    fn before_administering(&self) -> Pending<'_, Vec<Step>> {
        Box::pin(async move {
            Ok(match self.enabled().await? {
                true => Vec::new(),
                false => vec![Step::EnableMacie],
            })
        })
    }
}
