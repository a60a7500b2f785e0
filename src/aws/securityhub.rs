//! Security Hub: invitations by administrator and invitation id; members by account.

use aws_config::SdkConfig;
use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::types::AccountDetails;
use futures_util::future::BoxFuture;
use serde_json::json;

use super::adapter::{InvitationPage, Invitations, MemberPage, Members, Service, unsupported};
use super::batch::{self, AccountOp, ByAccount, Unprocessed};
use super::call::{Listed, Received, Scope};
use super::to_chrono;
use crate::model::{
    Actor, AwsError, Details, ErrorKind, Invitee, Outcome, Readiness, Response, ServiceKind, Step,
    Target,
};

const MAX_PAGE: i32 = 50;

pub struct SecurityHub {
    client: Client,
    scope: Scope,
}

impl SecurityHub {
    pub(crate) fn new(config: &SdkConfig, scope: Scope) -> Self {
        let builder = scope.intercepted(
            aws_sdk_securityhub::config::Builder::from(config),
            |b, g| b.interceptor(g),
        );
        Self {
            client: Client::from_conf(builder.build()),
            scope,
        }
    }

    async fn accept(&self, target: &Target, actor: &Actor) -> Result<(), AwsError> {
        let invitation_id = target.invitation_id.clone().unwrap_or_default();
        let request = self
            .client
            .accept_administrator_invitation()
            .administrator_id(&target.administrator_id)
            .invitation_id(&invitation_id)
            .send();
        let parameters =
            json!({ "AdministratorId": target.administrator_id, "InvitationId": invitation_id });
        let accepted = self
            .scope
            .change(actor, "AcceptAdministratorInvitation", parameters, request)
            .await;
        let Err(denied) = accepted else {
            return Ok(());
        };
        if denied.kind != ErrorKind::AccessDenied {
            return Err(denied);
        }
        // Policies that allow only the older name exist (AWS asks them to allow both).
        tracing::warn!(region = %self.scope.region, administrator = %target.administrator_id, "AcceptAdministratorInvitation denied; accepting with the older AcceptInvitation");
        #[allow(deprecated)]
        let request = self
            .client
            .accept_invitation()
            .master_id(&target.administrator_id)
            .invitation_id(&invitation_id)
            .send();
        let parameters =
            json!({ "MasterId": target.administrator_id, "InvitationId": invitation_id });
        self.scope
            .change(actor, "AcceptInvitation", parameters, request)
            .await
            .map(|_| ())
            .map_err(|older| super::call::older_name_failed(denied, older))
    }
}

impl ByAccount for SecurityHub {
    fn by_accounts<'a>(
        &'a self,
        op: AccountOp,
        _: Option<&'a str>,
        accounts: Vec<String>,
        actor: &'a Actor,
    ) -> BoxFuture<'a, Result<Unprocessed, AwsError>> {
        let parameters = json!({ "AccountIds": accounts });
        let (scope, client, ids) = (&self.scope, &self.client, Some(accounts.clone()));
        let name = op.name();
        Box::pin(async move {
            match op {
                AccountOp::DeclineInvitations => {
                    let request = client.decline_invitations().set_account_ids(ids);
                    scope
                        .batch(actor, name, parameters, &accounts, request.send())
                        .await
                }
                AccountOp::DeleteInvitations => {
                    let request = client.delete_invitations().set_account_ids(ids);
                    scope
                        .batch(actor, name, parameters, &accounts, request.send())
                        .await
                }
                AccountOp::DisassociateMembers => {
                    let request = client.disassociate_members().set_account_ids(ids);
                    scope
                        .batch(actor, name, parameters, &accounts, request.send())
                        .await
                }
                AccountOp::DeleteMembers => {
                    let request = client.delete_members().set_account_ids(ids);
                    scope
                        .batch(actor, name, parameters, &accounts, request.send())
                        .await
                }
            }
        })
    }
}

impl Service for SecurityHub {
    fn service(&self) -> ServiceKind {
        ServiceKind::SecurityHub
    }
}

impl Invitations for SecurityHub {
    fn list_invitations(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, Result<InvitationPage, AwsError>> {
        Box::pin(async move {
            let request = self.client.list_invitations().max_results(MAX_PAGE);
            let output = self.scope.read(request.set_next_token(next_token).send());
            let output = output.await?;
            let invitation = |i: &aws_sdk_securityhub::types::Invitation| {
                let received = Received {
                    administrator_id: i.account_id().map(str::to_owned),
                    invitation_id: i.invitation_id().map(str::to_owned),
                    invited_at: i.invited_at().and_then(to_chrono),
                    status: i.member_status().unwrap_or_default().to_owned(),
                    ..Received::default()
                };
                self.scope.invitation(received, Details::SecurityHub {})
            };
            let invitations = output.invitations().iter().map(invitation);
            let invitations = invitations.collect::<Result<_, _>>()?;
            Ok(InvitationPage::new(invitations, output.next_token()))
        })
    }

    fn readiness(&self, response: Response) -> BoxFuture<'_, Result<Readiness, AwsError>> {
        Box::pin(async move {
            // Declining and deleting need no hub; accepting needs one, and no other administrator.
            if response != Response::Accept {
                return Ok(Readiness::default());
            }
            match self.scope.read(self.client.describe_hub().send()).await {
                Err(error) if error.kind == ErrorKind::NotEnabled => Ok(Readiness {
                    steps: vec![Step::EnableSecurityHub],
                }),
                Err(error) => Err(error),
                Ok(_) => {
                    let request = self.client.get_administrator_account().send();
                    let current = self.scope.read(request).await?;
                    let administrator = current.administrator().and_then(|a| a.account_id());
                    Ok(Readiness::leaving(administrator))
                }
            }
        })
    }

    fn take_step<'a>(
        &'a self,
        step: &'a Step,
        actor: &'a Actor,
    ) -> BoxFuture<'a, Result<(), AwsError>> {
        Box::pin(async move {
            match step {
                Step::EnableSecurityHub => {
                    let request = self.client.enable_security_hub().send();
                    match self
                        .scope
                        .change(actor, "EnableSecurityHub", json!({}), request)
                        .await
                    {
                        // Enabled meanwhile: what the step wanted.
                        Err(e) if e.code == "ResourceConflictException" => Ok(()),
                        other => other.map(|_| ()),
                    }
                }
                Step::LeaveAdministrator { administrator } => {
                    let request = self.client.disassociate_from_administrator_account().send();
                    let parameters = json!({ "Administrator": administrator });
                    self.scope
                        .change(
                            actor,
                            "DisassociateFromAdministratorAccount",
                            parameters,
                            request,
                        )
                        .await
                        .map(|_| ())
                }
                Step::CreateDetector => {
                    Err(unsupported(ServiceKind::SecurityHub, "has no detectors"))
                }
            }
        })
    }

    fn respond<'a>(
        &'a self,
        response: Response,
        targets: &'a [Target],
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        Box::pin(async move {
            match response {
                Response::Accept => {
                    let mut outcomes = Vec::new();
                    for target in targets {
                        outcomes.push(Outcome {
                            key: target.key.clone(),
                            result: self.accept(target, actor).await,
                        });
                    }
                    outcomes
                }
                Response::Decline => {
                    let op = AccountOp::DeclineInvitations;
                    batch::answer(self, op, targets, actor).await
                }
                Response::Delete => {
                    let op = AccountOp::DeleteInvitations;
                    batch::answer(self, op, targets, actor).await
                }
            }
        })
    }
}

impl Members for SecurityHub {
    fn list_members(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, Result<MemberPage, AwsError>> {
        Box::pin(async move {
            let request = self
                .client
                .list_members()
                .only_associated(false)
                .max_results(MAX_PAGE)
                .set_next_token(next_token)
                .send();
            let output = match self.scope.read(request).await {
                // No hub here: this identity administers nothing in this region.
                Err(error) if error.kind == ErrorKind::NotEnabled => {
                    return Ok(MemberPage::default());
                }
                other => other?,
            };
            let member = |m: &aws_sdk_securityhub::types::Member| {
                self.scope.member(Listed {
                    administrator_id: m.administrator_id(),
                    account_id: m.account_id(),
                    email: m.email(),
                    status: m.member_status(),
                    invited_at: m.invited_at().and_then(to_chrono),
                    updated_at: m.updated_at().and_then(to_chrono),
                    resource: None,
                })
            };
            let members = output.members().iter().map(member);
            let members = members.collect::<Result<_, _>>()?;
            Ok(MemberPage::new(members, output.next_token()))
        })
    }

    fn invite<'a>(
        &'a self,
        invitees: &'a [Invitee],
        _message: Option<&'a str>,
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        let create = move |chunk: &'a [Invitee]| async move {
            let accounts: Vec<String> = chunk.iter().map(|i| i.account_id.clone()).collect();
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
        Box::pin(batch::two_steps(
            invitees,
            |i| &i.account_id,
            create,
            invite,
        ))
    }

    fn withdraw_invitations<'a>(
        &'a self,
        accounts: &'a [String],
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        Box::pin(batch::withdraw(self, accounts, actor))
    }

    fn remove_members<'a>(
        &'a self,
        accounts: &'a [String],
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        Box::pin(batch::remove(self, None, accounts, actor))
    }
}
