//! GuardDuty: everything goes through the caller's detector in the region; invitations by
//! administrator and invitation id, members by account.

use aws_config::SdkConfig;
use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::types::AccountDetail;
use futures_util::future::BoxFuture;
use serde_json::json;

use super::adapter::{InvitationPage, Invitations, MemberPage, Members, Service, unsupported};
use super::batch::{self, AccountOp, ByAccount, Unprocessed};
use super::call::{Listed, Received, Scope};
use crate::model::{
    Actor, AwsError, Details, ErrorKind, Invitee, Outcome, Readiness, Response, ServiceKind, Step,
    Target,
};

const MAX_PAGE: i32 = 50;

/// GuardDuty's times are plain strings; they are ISO 8601 in practice.
fn parse_time(text: Option<&str>) -> Option<chrono::DateTime<chrono::Utc>> {
    text.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
}

pub struct GuardDuty {
    client: Client,
    scope: Scope,
}

impl GuardDuty {
    pub(crate) fn new(config: &SdkConfig, scope: Scope) -> Self {
        let builder = scope
            .intercepted(aws_sdk_guardduty::config::Builder::from(config), |b, g| {
                b.interceptor(g)
            });
        Self {
            client: Client::from_conf(builder.build()),
            scope,
        }
    }

    /// The caller's own detector in this region, if GuardDuty is enabled.
    async fn detector(&self) -> Result<Option<String>, AwsError> {
        let detectors = self.scope.read(self.client.list_detectors().send()).await?;
        Ok(detectors.detector_ids().first().cloned())
    }

    /// The caller's detector, which the operation needs.
    async fn needed_detector(&self) -> Result<String, AwsError> {
        self.detector().await?.ok_or_else(|| {
            AwsError::new(
                ErrorKind::NotEnabled,
                "NoDetector",
                format!(
                    "GuardDuty is not enabled in {}: create a detector first",
                    self.scope.region
                ),
            )
        })
    }

    async fn accept(&self, detector: &str, target: &Target, actor: &Actor) -> Result<(), AwsError> {
        let invitation_id = target.invitation_id.clone().unwrap_or_default();
        let request = self
            .client
            .accept_administrator_invitation()
            .detector_id(detector)
            .administrator_id(&target.administrator_id)
            .invitation_id(&invitation_id)
            .send();
        let parameters = json!({ "DetectorId": detector, "administratorId": target.administrator_id, "invitationId": invitation_id });
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
            .detector_id(detector)
            .master_id(&target.administrator_id)
            .invitation_id(&invitation_id)
            .send();
        let parameters = json!({ "DetectorId": detector, "masterId": target.administrator_id, "invitationId": invitation_id });
        self.scope
            .change(actor, "AcceptInvitation", parameters, request)
            .await
            .map(|_| ())
            .map_err(|older| super::call::older_name_failed(denied, older))
    }

    async fn accept_all(&self, targets: &[Target], actor: &Actor) -> Vec<Outcome> {
        let detector = match self.needed_detector().await {
            Ok(detector) => detector,
            Err(error) => {
                return Outcome::all_failed(targets.iter().map(|t| t.key.clone()), &error);
            }
        };
        let mut outcomes = Vec::new();
        for target in targets {
            outcomes.push(Outcome {
                key: target.key.clone(),
                result: self.accept(&detector, target, actor).await,
            });
        }
        outcomes
    }
}

impl ByAccount for GuardDuty {
    fn by_accounts<'a>(
        &'a self,
        op: AccountOp,
        detector: Option<&'a str>,
        accounts: Vec<String>,
        actor: &'a Actor,
    ) -> BoxFuture<'a, Result<Unprocessed, AwsError>> {
        // Answering names no detector; changing members acts on the administrator's.
        let parameters = match detector {
            None => json!({ "accountIds": accounts }),
            Some(detector) => json!({ "DetectorId": detector, "accountIds": accounts }),
        };
        let (scope, client, ids) = (&self.scope, &self.client, Some(accounts.clone()));
        let (name, detector) = (op.name(), detector.unwrap_or_default());
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
                    let request = client.disassociate_members().detector_id(detector);
                    scope
                        .batch(
                            actor,
                            name,
                            parameters,
                            &accounts,
                            request.set_account_ids(ids).send(),
                        )
                        .await
                }
                AccountOp::DeleteMembers => {
                    let request = client.delete_members().detector_id(detector);
                    scope
                        .batch(
                            actor,
                            name,
                            parameters,
                            &accounts,
                            request.set_account_ids(ids).send(),
                        )
                        .await
                }
            }
        })
    }
}

impl Service for GuardDuty {
    fn service(&self) -> ServiceKind {
        ServiceKind::GuardDuty
    }
}

impl Invitations for GuardDuty {
    fn list_invitations(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, Result<InvitationPage, AwsError>> {
        Box::pin(async move {
            let request = self.client.list_invitations().max_results(MAX_PAGE);
            let output = self.scope.read(request.set_next_token(next_token).send());
            let output = output.await?;
            let invitation = |i: &aws_sdk_guardduty::types::Invitation| {
                let received = Received {
                    administrator_id: i.account_id().map(str::to_owned),
                    invitation_id: i.invitation_id().map(str::to_owned),
                    invited_at: parse_time(i.invited_at()),
                    status: i.relationship_status().unwrap_or_default().to_owned(),
                    ..Received::default()
                };
                let invited_at_raw = i.invited_at().map(str::to_owned);
                self.scope
                    .invitation(received, Details::GuardDuty { invited_at_raw })
            };
            let invitations = output.invitations().iter().map(invitation);
            let invitations = invitations.collect::<Result<_, _>>()?;
            Ok(InvitationPage::new(invitations, output.next_token()))
        })
    }

    fn readiness(&self, response: Response) -> BoxFuture<'_, Result<Readiness, AwsError>> {
        Box::pin(async move {
            if response != Response::Accept {
                return Ok(Readiness::default());
            }
            let Some(detector) = self.detector().await? else {
                return Ok(Readiness {
                    steps: vec![Step::CreateDetector],
                });
            };
            let request = self
                .client
                .get_administrator_account()
                .detector_id(detector)
                .send();
            let current = self.scope.read(request).await?;
            let administrator = current
                .administrator()
                .filter(|a| a.relationship_status() == Some("Enabled"))
                .and_then(|a| a.account_id());
            Ok(Readiness::leaving(administrator))
        })
    }

    fn take_step<'a>(
        &'a self,
        step: &'a Step,
        actor: &'a Actor,
    ) -> BoxFuture<'a, Result<(), AwsError>> {
        Box::pin(async move {
            match step {
                Step::CreateDetector => {
                    if self.detector().await?.is_some() {
                        return Ok(()); // created meanwhile
                    }
                    let request = self.client.create_detector().enable(true).send();
                    self.scope
                        .change(actor, "CreateDetector", json!({ "enable": true }), request)
                        .await
                        .map(|_| ())
                }
                Step::LeaveAdministrator { administrator } => {
                    let detector = self.needed_detector().await?;
                    let request = self
                        .client
                        .disassociate_from_administrator_account()
                        .detector_id(&detector)
                        .send();
                    let parameters =
                        json!({ "DetectorId": detector, "Administrator": administrator });
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
                Step::EnableSecurityHub => Err(unsupported(
                    ServiceKind::GuardDuty,
                    "is enabled with a detector, not EnableSecurityHub",
                )),
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
                Response::Accept => self.accept_all(targets, actor).await,
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

impl Members for GuardDuty {
    fn list_members(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, Result<MemberPage, AwsError>> {
        Box::pin(async move {
            // No detector here: this identity administers nothing in this region.
            let Some(detector) = self.detector().await? else {
                return Ok(MemberPage::default());
            };
            let request = self
                .client
                .list_members()
                .detector_id(&detector)
                .only_associated("false")
                .max_results(MAX_PAGE)
                .set_next_token(next_token)
                .send();
            let output = self.scope.read(request).await?;
            let member = |m: &aws_sdk_guardduty::types::Member| {
                self.scope.member(Listed {
                    administrator_id: m.administrator_id(),
                    account_id: m.account_id(),
                    email: m.email(),
                    status: m.relationship_status(),
                    invited_at: parse_time(m.invited_at()),
                    updated_at: parse_time(m.updated_at()),
                    resource: Some(detector.clone()),
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
        message: Option<&'a str>,
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        let keys = invitees.iter().map(|i| i.account_id.clone());
        Box::pin(async move {
            let detector = self.needed_detector().await;
            batch::needing(detector, keys, |detector| async move {
                let detector = detector.as_str();
                let create = move |chunk: &'a [Invitee]| async move {
                    let accounts: Vec<String> =
                        chunk.iter().map(|i| i.account_id.clone()).collect();
                    let parameters = json!({ "DetectorId": detector, "accountIds": accounts });
                    let details = chunk.iter().map(|i| {
                        AccountDetail::builder()
                            .account_id(&i.account_id)
                            .email(i.email.clone().unwrap_or_default())
                            .build()
                    });
                    let request = self.client.create_members().detector_id(detector);
                    let request = request.set_account_details(Some(details.collect()));
                    let sent = request.send();
                    self.scope
                        .batch(actor, "CreateMembers", parameters, &accounts, sent)
                        .await
                };
                // GuardDuty sends the message with the invitation.
                let invite = move |accounts: Vec<String>| async move {
                    let parameters = json!({ "DetectorId": detector, "accountIds": accounts });
                    let request = self.client.invite_members().detector_id(detector);
                    let request = request.set_account_ids(Some(accounts.clone()));
                    let request = request.set_message(message.map(str::to_owned));
                    let sent = request.send();
                    self.scope
                        .batch(actor, "InviteMembers", parameters, &accounts, sent)
                        .await
                };
                batch::two_steps(invitees, |i| &i.account_id, create, invite).await
            })
            .await
        })
    }

    fn withdraw_invitations<'a>(
        &'a self,
        accounts: &'a [String],
        _: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        let error = unsupported(
            ServiceKind::GuardDuty,
            "deletes invitations only from the invitee's side: remove the member (x) instead",
        );
        Box::pin(async move { Outcome::all_failed(accounts.iter().cloned(), &error) })
    }

    fn remove_members<'a>(
        &'a self,
        accounts: &'a [String],
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        Box::pin(async move {
            let detector = self.needed_detector().await;
            batch::needing(detector, accounts.iter().cloned(), |detector| async move {
                batch::remove(self, Some(&detector), accounts, actor).await
            })
            .await
        })
    }
}
