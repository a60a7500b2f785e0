//! Security Hub: invitations by administrator and invitation id; members by account.

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::types::{AccountDetails, Invitation as SdkInvitation};

use super::adapter::prelude::*;

const MAX_PAGE: i32 = 50;

/// The SecurityHub adapter.
pub(crate) type SecurityHub = Adapter<Client>;

impl SecurityHub {
    fn received(&self, invitation: &SdkInvitation) -> Result<Invitation, AwsError> {
        let received = Received::from(invitation);
        self.scope.invitation(received, Details::SecurityHub {})
    }

    async fn accept(&self, target: &Target, actor: &Actor) -> Result<(), AwsError> {
        let (administrator, invitation) = (&target.administrator_id, target.invitation_id());
        let parameters = json!({ "AdministratorId": administrator, "InvitationId": invitation });
        let request = self.client.accept_administrator_invitation();
        let request = request
            .administrator_id(administrator)
            .invitation_id(invitation);
        let current = ("AcceptAdministratorInvitation", parameters, request.send());
        #[allow(deprecated)]
        let request = self.client.accept_invitation().master_id(administrator);
        let parameters = json!({ "MasterId": administrator, "InvitationId": invitation });
        let older = (
            "AcceptInvitation",
            parameters,
            request.invitation_id(invitation).send(),
        );
        self.scope.change_or_older(actor, current, older).await
    }
}

impl ByAccount for SecurityHub {
    fn send<'a>(&'a self, call: AccountCall<'a>, actor: &'a Actor) -> Pending<'a, Unprocessed> {
        let parameters = json!({ "AccountIds": call.accounts });
        Box::pin(async move { batch::send_account_op!(self, actor, call, parameters, |m| m) })
    }
}

impl SecurityHub {
    async fn current_administrator(&self) -> Result<Option<String>, AwsError> {
        let request = self.client.get_administrator_account().send();
        let current = self.scope.read(request).await?;
        Ok(current
            .administrator()
            .and_then(|a| a.account_id())
            .map(str::to_owned))
    }
}

impl Invitations for SecurityHub {
    list_invitations!();

    /// Accepting needs a hub, and no other administrator.
    fn before_accepting(&self) -> Pending<'_, Readiness> {
        Box::pin(async move {
            match self.scope.read(self.client.describe_hub().send()).await {
                Err(error) if error.kind == ErrorKind::NotEnabled => Ok(Readiness {
                    steps: vec![Step::EnableSecurityHub],
                }),
                Err(error) => Err(error),
                Ok(_) => Ok(Readiness::leaving(
                    self.current_administrator().await?.as_deref(),
                )),
            }
        })
    }

    fn administrator(&self) -> Pending<'_, Option<String>> {
        // No hub, no administrator.
        Box::pin(async move { nothing_where_off(self.current_administrator().await) })
    }

    fn take_step<'a>(&'a self, step: &'a Step, actor: &'a Actor) -> Pending<'a, ()> {
        Box::pin(async move {
            match step {
                Step::EnableSecurityHub => {
                    let request = self.client.enable_security_hub().send();
                    let conflict = "ResourceConflictException";
                    let scope = &self.scope;
                    scope
                        .enable(actor, "EnableSecurityHub", conflict, request)
                        .await
                }
                Step::LeaveAdministrator { administrator } => {
                    let request = self.client.disassociate_from_administrator_account().send();
                    let scope = &self.scope;
                    scope.leave(actor, json!({}), administrator, request).await
                }
                Step::CreateDetector | Step::EnableMacie => Err(unsupported(
                    ServiceKind::SecurityHub,
                    format!(
                        "is enabled with EnableSecurityHub, not: {}",
                        step.describe()
                    ),
                )),
            }
        })
    }

    fn respond<'a>(&'a self, answers: Answers<'a>, actor: &'a Actor) -> Outcomes<'a> {
        let accept = batch::one_by_one(answers.targets, |target| self.accept(target, actor));
        Box::pin(batch::respond(self, answers, actor, accept))
    }
}

impl Members for SecurityHub {
    fn list_members(&self, next_token: Option<String>) -> Pending<'_, MemberPage> {
        Box::pin(async move {
            let request = self
                .client
                .list_members()
                .only_associated(false)
                .max_results(MAX_PAGE)
                .set_next_token(next_token)
                .send();
            let page = async {
                let output = self.scope.read(request).await?;
                let members = output.members().iter();
                let members = members.map(|m| self.scope.member(Listed::from(m)));
                MemberPage::read(members, output.next_token())
            };
            // No hub here: this identity administers nothing in this region.
            nothing_where_off(page.await)
        })
    }

    fn invite<'a>(&'a self, invites: Invites<'a>, actor: &'a Actor) -> Outcomes<'a> {
        let invitees = invites.invitees;
        let create = move |chunk: &'a [Invitee]| async move {
            let accounts = batch::accounts_of(chunk);
            let parameters = json!({ "AccountIds": accounts });
            let details = chunk.iter().map(|i| {
                AccountDetails::builder()
                    .account_id(&i.account_id)
                    .set_email(i.email.clone())
                    .build()
            });
            let request = self
                .client
                .create_members()
                .set_account_details(Some(details.collect()));
            let sent = request.send();
            self.scope
                .batch(actor, "CreateMembers", parameters, &accounts, sent)
                .await
        };
        let invite = move |accounts: Vec<String>| async move {
            let parameters = json!({ "AccountIds": accounts });
            let request = self
                .client
                .invite_members()
                .set_account_ids(Some(accounts.clone()));
            let sent = request.send();
            self.scope
                .batch(actor, "InviteMembers", parameters, &accounts, sent)
                .await
        };
        Box::pin(batch::two_steps(invitees, Invitee::account, create, invite))
    }

    fn withdraw<'a>(&'a self, accounts: &'a [String], actor: &'a Actor) -> Outcomes<'a> {
        Box::pin(batch::withdraw(self, accounts, actor))
    }

    fn remove_members<'a>(&'a self, accounts: &'a [String], actor: &'a Actor) -> Outcomes<'a> {
        Box::pin(batch::remove(self, None, accounts, actor))
    }

    fn delete_members<'a>(&'a self, accounts: &'a [String], actor: &'a Actor) -> Outcomes<'a> {
        Box::pin(batch::delete(self, None, accounts, actor))
    }

    fn before_administering(&self) -> Pending<'_, Vec<Step>> {
        Box::pin(async move {
            match self.scope.read(self.client.describe_hub().send()).await {
                Err(error) if error.kind == ErrorKind::NotEnabled => {
                    Ok(vec![Step::EnableSecurityHub])
                }
                other => other.map(|_| Vec::new()),
            }
        })
    }
}
