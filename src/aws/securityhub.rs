use aws_config::SdkConfig;
use aws_sdk_securityhub::Client;
use futures_util::future::BoxFuture;
use serde_json::json;

use super::adapter::{
    InvitationPage, MemberPage, Scope, ServiceAdapter, account_outcomes, batch_outcomes,
};
use super::{AwsError, ErrorKind, to_chrono};
use crate::model::Invitee;
use crate::model::{Actor, BATCH, Outcome, Readiness, Response, Step, Target};
use crate::model::{Details, Invitation, Member, ServiceKind, Status};

/// Unprocessed accounts as (account, reason) pairs.
fn unprocessed(results: &[aws_sdk_securityhub::types::Result]) -> Vec<(String, String)> {
    results
        .iter()
        .map(|u| {
            (
                u.account_id().unwrap_or_default().to_owned(),
                u.processing_result().unwrap_or("not processed").to_owned(),
            )
        })
        .collect()
}

const MAX_PAGE: i32 = 50;

pub struct SecurityHub {
    client: Client,
    scope: Scope,
}

impl SecurityHub {
    pub(crate) fn new(config: &SdkConfig, scope: Scope) -> Self {
        let builder = scope.guard(
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
        let result = self
            .client
            .accept_administrator_invitation()
            .administrator_id(&target.administrator_id)
            .invitation_id(&invitation_id)
            .send()
            .await
            .map(|_| ())
            .map_err(AwsError::from_sdk);
        self.scope.audited(
            actor,
            "AcceptAdministratorInvitation",
            json!({ "AdministratorId": target.administrator_id, "InvitationId": invitation_id }),
            result,
        )
    }

    async fn batch(&self, response: Response, targets: &[Target], actor: &Actor) -> Vec<Outcome> {
        let mut outcomes = Vec::with_capacity(targets.len());
        for chunk in targets.chunks(BATCH) {
            let ids: Vec<String> = chunk.iter().map(|t| t.administrator_id.clone()).collect();
            let result = if response == Response::Decline {
                self.client
                    .decline_invitations()
                    .set_account_ids(Some(ids.clone()))
                    .send()
                    .await
                    .map(|o| unprocessed(o.unprocessed_accounts()))
                    .map_err(AwsError::from_sdk)
            } else {
                self.client
                    .delete_invitations()
                    .set_account_ids(Some(ids.clone()))
                    .send()
                    .await
                    .map(|o| unprocessed(o.unprocessed_accounts()))
                    .map_err(AwsError::from_sdk)
            };
            let result = self.scope.audited(
                actor,
                response.operation(ServiceKind::SecurityHub),
                json!({ "AccountIds": ids }),
                result,
            );
            outcomes.extend(batch_outcomes(chunk, result));
        }
        outcomes
    }
}

impl ServiceAdapter for SecurityHub {
    fn service(&self) -> ServiceKind {
        ServiceKind::SecurityHub
    }

    fn list_members(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, Result<MemberPage, AwsError>> {
        Box::pin(async move {
            let output = match self
                .client
                .list_members()
                .only_associated(false)
                .max_results(MAX_PAGE)
                .set_next_token(next_token)
                .send()
                .await
                .map_err(AwsError::from_sdk)
            {
                // No hub here: this identity administers nothing in this region.
                Err(error) if error.kind == ErrorKind::NotEnabled => {
                    return Ok(MemberPage::default());
                }
                other => other?,
            };
            let members = output
                .members()
                .iter()
                .map(|m| Member {
                    service: ServiceKind::SecurityHub,
                    profile: self.scope.profile.clone(),
                    region: self.scope.region.clone(),
                    administrator_id: m.administrator_id().unwrap_or_default().to_owned(),
                    account_id: m.account_id().unwrap_or_default().to_owned(),
                    email: m.email().map(str::to_owned),
                    status: m.member_status().unwrap_or_default().to_owned(),
                    invited_at: m.invited_at().and_then(to_chrono),
                    updated_at: m.updated_at().and_then(to_chrono),
                    resource: None,
                })
                .collect();
            Ok(MemberPage {
                members,
                next_token: output.next_token().map(str::to_owned),
            })
        })
    }

    fn invite<'a>(
        &'a self,
        invitees: &'a [Invitee],
        _message: Option<&'a str>,
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        Box::pin(async move {
            let mut outcomes = Vec::new();
            for chunk in invitees.chunks(BATCH) {
                let accounts: Vec<String> = chunk.iter().map(|i| i.account_id.clone()).collect();
                let details: Vec<_> = chunk
                    .iter()
                    .map(|i| {
                        aws_sdk_securityhub::types::AccountDetails::builder()
                            .account_id(&i.account_id)
                            .set_email(i.email.clone())
                            .build()
                    })
                    .collect();
                let created = self
                    .client
                    .create_members()
                    .set_account_details(Some(details))
                    .send()
                    .await
                    .map(|o| unprocessed(o.unprocessed_accounts()))
                    .map_err(AwsError::from_sdk);
                let created = self.scope.audited(
                    actor,
                    "CreateMembers",
                    json!({ "AccountIds": accounts }),
                    created,
                );
                let created = account_outcomes(&accounts, created);
                let to_invite: Vec<String> = created
                    .iter()
                    .filter(|o| o.result.is_ok())
                    .map(|o| o.key.clone())
                    .collect();
                outcomes.extend(created.into_iter().filter(|o| o.result.is_err()));
                if to_invite.is_empty() {
                    continue;
                }
                let invited = self
                    .client
                    .invite_members()
                    .set_account_ids(Some(to_invite.clone()))
                    .send()
                    .await
                    .map(|o| unprocessed(o.unprocessed_accounts()))
                    .map_err(AwsError::from_sdk);
                let invited = self.scope.audited(
                    actor,
                    "InviteMembers",
                    json!({ "AccountIds": to_invite }),
                    invited,
                );
                outcomes.extend(account_outcomes(&to_invite, invited));
            }
            outcomes
        })
    }

    fn withdraw_invitations<'a>(
        &'a self,
        accounts: &'a [String],
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        Box::pin(async move {
            let mut outcomes = Vec::new();
            for chunk in accounts.chunks(BATCH) {
                let result = self
                    .client
                    .delete_invitations()
                    .set_account_ids(Some(chunk.to_vec()))
                    .send()
                    .await
                    .map(|o| unprocessed(o.unprocessed_accounts()))
                    .map_err(AwsError::from_sdk);
                let result = self.scope.audited(
                    actor,
                    "DeleteInvitations",
                    json!({ "AccountIds": chunk }),
                    result,
                );
                outcomes.extend(account_outcomes(chunk, result));
            }
            outcomes
        })
    }

    fn remove_members<'a>(
        &'a self,
        accounts: &'a [String],
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        Box::pin(async move {
            let mut outcomes = Vec::new();
            for chunk in accounts.chunks(BATCH) {
                let disassociated = self
                    .client
                    .disassociate_members()
                    .set_account_ids(Some(chunk.to_vec()))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(AwsError::from_sdk);
                if let Err(error) = self.scope.audited(
                    actor,
                    "DisassociateMembers",
                    json!({ "AccountIds": chunk }),
                    disassociated,
                ) {
                    outcomes.extend(account_outcomes(chunk, Err(error)));
                    continue;
                }
                let deleted = self
                    .client
                    .delete_members()
                    .set_account_ids(Some(chunk.to_vec()))
                    .send()
                    .await
                    .map(|o| unprocessed(o.unprocessed_accounts()))
                    .map_err(AwsError::from_sdk);
                let deleted = self.scope.audited(
                    actor,
                    "DeleteMembers",
                    json!({ "AccountIds": chunk }),
                    deleted,
                );
                outcomes.extend(account_outcomes(chunk, deleted));
            }
            outcomes
        })
    }

    fn readiness(&self, response: Response) -> BoxFuture<'_, Result<Readiness, AwsError>> {
        Box::pin(async move {
            // Declining and deleting need no hub; accepting needs one, and no other administrator.
            if response != Response::Accept {
                return Ok(Readiness::default());
            }
            match self
                .client
                .describe_hub()
                .send()
                .await
                .map_err(AwsError::from_sdk)
            {
                Err(error) if error.kind == ErrorKind::NotEnabled => Ok(Readiness {
                    steps: vec![Step::EnableSecurityHub],
                }),
                Err(error) => Err(error),
                Ok(_) => {
                    let current = self
                        .client
                        .get_administrator_account()
                        .send()
                        .await
                        .map_err(AwsError::from_sdk)?;
                    let steps = current
                        .administrator()
                        .and_then(|a| a.account_id())
                        .map(|administrator| Step::LeaveAdministrator {
                            administrator: administrator.to_owned(),
                        })
                        .into_iter()
                        .collect();
                    Ok(Readiness { steps })
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
                    let result = match self.client.enable_security_hub().send().await {
                        Ok(_) => Ok(()),
                        Err(error) => match AwsError::from_sdk(error) {
                            // Enabled meanwhile: what the step wanted.
                            e if e.code == "ResourceConflictException" => Ok(()),
                            e => Err(e),
                        },
                    };
                    self.scope
                        .audited(actor, "EnableSecurityHub", json!({}), result)
                }
                Step::LeaveAdministrator { administrator } => {
                    let result = self
                        .client
                        .disassociate_from_administrator_account()
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(AwsError::from_sdk);
                    self.scope.audited(
                        actor,
                        "DisassociateFromAdministratorAccount",
                        json!({ "Administrator": administrator }),
                        result,
                    )
                }
                Step::CreateDetector => Err(AwsError::new(
                    ErrorKind::Service,
                    "NotApplicable",
                    "Security Hub has no detectors",
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
                Response::Accept => {
                    let mut outcomes = Vec::new();
                    for target in targets {
                        let result = self.accept(target, actor).await.map_err(|e| e.to_string());
                        outcomes.push(Outcome {
                            key: target.key.clone(),
                            result,
                        });
                    }
                    outcomes
                }
                Response::Decline | Response::Delete => self.batch(response, targets, actor).await,
            }
        })
    }

    fn list_invitations(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, Result<InvitationPage, AwsError>> {
        Box::pin(async move {
            let output = self
                .client
                .list_invitations()
                .max_results(MAX_PAGE)
                .set_next_token(next_token)
                .send()
                .await
                .map_err(AwsError::from_sdk)?;
            let invitations = output
                .invitations()
                .iter()
                .map(|i| {
                    let status_raw = i.member_status().unwrap_or_default().to_owned();
                    Invitation {
                        service: ServiceKind::SecurityHub,
                        profile: self.scope.profile.clone(),
                        region: self.scope.region.clone(),
                        account_id: None,
                        administrator_id: i.account_id().unwrap_or_default().to_owned(),
                        invitation_id: i.invitation_id().map(str::to_owned),
                        graph_arn: None,
                        invited_at: i.invited_at().and_then(to_chrono),
                        status: Status::normalise(ServiceKind::SecurityHub, &status_raw),
                        status_raw,
                        details: Details::SecurityHub {},
                    }
                })
                .collect();
            Ok(InvitationPage {
                invitations,
                next_token: output.next_token().map(str::to_owned),
            })
        })
    }
}
