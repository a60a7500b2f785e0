use aws_config::SdkConfig;
use aws_sdk_guardduty::Client;
use futures_util::future::BoxFuture;
use serde_json::json;

use super::adapter::{
    InvitationPage, MemberPage, Scope, ServiceAdapter, account_outcomes, all_failed, batch_outcomes,
};
use super::{AwsError, ErrorKind};
use crate::model::Invitee;
use crate::model::{Actor, BATCH, Outcome, Readiness, Response, Step, Target};
use crate::model::{Details, Invitation, Member, ServiceKind, Status};

/// Unprocessed accounts as (account, reason) pairs.
fn unprocessed(accounts: &[aws_sdk_guardduty::types::UnprocessedAccount]) -> Vec<(String, String)> {
    accounts
        .iter()
        .map(|u| {
            (
                u.account_id().unwrap_or_default().to_owned(),
                u.result().unwrap_or("not processed").to_owned(),
            )
        })
        .collect()
}

fn parse_time(text: Option<&str>) -> Option<chrono::DateTime<chrono::Utc>> {
    text.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
}

const MAX_PAGE: i32 = 50;

pub struct GuardDuty {
    client: Client,
    scope: Scope,
}

impl GuardDuty {
    pub(crate) fn new(config: &SdkConfig, scope: Scope) -> Self {
        let builder = scope.guard(aws_sdk_guardduty::config::Builder::from(config), |b, g| {
            b.interceptor(g)
        });
        Self {
            client: Client::from_conf(builder.build()),
            scope,
        }
    }

    /// The caller's own detector in this region, if GuardDuty is enabled.
    async fn detector(&self) -> Result<Option<String>, AwsError> {
        let detectors = self
            .client
            .list_detectors()
            .send()
            .await
            .map_err(AwsError::from_sdk)?;
        Ok(detectors.detector_ids().first().cloned())
    }

    fn no_detector(&self) -> AwsError {
        AwsError::new(
            ErrorKind::NotEnabled,
            "NoDetector",
            format!(
                "GuardDuty is not enabled in {}: create a detector first",
                self.scope.region
            ),
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
                response.operation(ServiceKind::GuardDuty),
                json!({ "accountIds": ids }),
                result,
            );
            outcomes.extend(batch_outcomes(chunk, result));
        }
        outcomes
    }

    async fn accept_all(&self, targets: &[Target], actor: &Actor) -> Vec<Outcome> {
        let detector = match self.detector().await {
            Ok(Some(detector)) => detector,
            Ok(None) => return batch_outcomes(targets, Err(self.no_detector())),
            Err(error) => return batch_outcomes(targets, Err(error)),
        };
        let mut outcomes = Vec::new();
        for target in targets {
            let invitation_id = target.invitation_id.clone().unwrap_or_default();
            let result = self
                .client
                .accept_administrator_invitation()
                .detector_id(&detector)
                .administrator_id(&target.administrator_id)
                .invitation_id(&invitation_id)
                .send()
                .await
                .map(|_| ())
                .map_err(AwsError::from_sdk);
            let result = self.scope.audited(
                actor,
                "AcceptAdministratorInvitation",
                json!({ "DetectorId": detector, "administratorId": target.administrator_id, "invitationId": invitation_id }),
                result,
            );
            outcomes.push(Outcome {
                key: target.key.clone(),
                result: result.map_err(|e| e.to_string()),
            });
        }
        outcomes
    }
}

impl ServiceAdapter for GuardDuty {
    fn service(&self) -> ServiceKind {
        ServiceKind::GuardDuty
    }

    fn list_members(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, Result<MemberPage, AwsError>> {
        Box::pin(async move {
            // No detector here: this identity administers nothing in this region.
            let Some(detector) = self.detector().await? else {
                return Ok(MemberPage::default());
            };
            let output = self
                .client
                .list_members()
                .detector_id(&detector)
                .only_associated("false")
                .max_results(MAX_PAGE)
                .set_next_token(next_token)
                .send()
                .await
                .map_err(AwsError::from_sdk)?;
            let members = output
                .members()
                .iter()
                .map(|m| Member {
                    service: ServiceKind::GuardDuty,
                    profile: self.scope.profile.clone(),
                    region: self.scope.region.clone(),
                    administrator_id: m.administrator_id().unwrap_or_default().to_owned(),
                    account_id: m.account_id().unwrap_or_default().to_owned(),
                    email: m.email().map(str::to_owned),
                    status: m.relationship_status().unwrap_or_default().to_owned(),
                    invited_at: parse_time(m.invited_at()),
                    updated_at: parse_time(m.updated_at()),
                    resource: Some(detector.clone()),
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
        message: Option<&'a str>,
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        Box::pin(async move {
            let accounts: Vec<String> = invitees.iter().map(|i| i.account_id.clone()).collect();
            let detector = match self.detector().await {
                Ok(Some(detector)) => detector,
                Ok(None) => return all_failed(&accounts, &self.no_detector().to_string()),
                Err(error) => return all_failed(&accounts, &error.to_string()),
            };
            let mut outcomes = Vec::new();
            for chunk in invitees.chunks(BATCH) {
                let accounts: Vec<String> = chunk.iter().map(|i| i.account_id.clone()).collect();
                let details: Vec<_> = chunk
                    .iter()
                    .map(|i| {
                        aws_sdk_guardduty::types::AccountDetail::builder()
                            .account_id(&i.account_id)
                            .email(i.email.clone().unwrap_or_default())
                            .build()
                    })
                    .collect();
                let created = self
                    .client
                    .create_members()
                    .detector_id(&detector)
                    .set_account_details(Some(details))
                    .send()
                    .await
                    .map(|o| unprocessed(o.unprocessed_accounts()))
                    .map_err(AwsError::from_sdk);
                let created = self.scope.audited(
                    actor,
                    "CreateMembers",
                    json!({ "DetectorId": detector, "accountIds": accounts }),
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
                    .detector_id(&detector)
                    .set_account_ids(Some(to_invite.clone()))
                    .set_message(message.map(str::to_owned))
                    .send()
                    .await
                    .map(|o| unprocessed(o.unprocessed_accounts()))
                    .map_err(AwsError::from_sdk);
                let invited = self.scope.audited(
                    actor,
                    "InviteMembers",
                    json!({ "DetectorId": detector, "accountIds": to_invite }),
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
        _: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        Box::pin(async move {
            all_failed(
                accounts,
                "GuardDuty deletes invitations only from the invitee's side: remove the member (x) instead",
            )
        })
    }

    fn remove_members<'a>(
        &'a self,
        accounts: &'a [String],
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        Box::pin(async move {
            let detector = match self.detector().await {
                Ok(Some(detector)) => detector,
                Ok(None) => return all_failed(accounts, &self.no_detector().to_string()),
                Err(error) => return all_failed(accounts, &error.to_string()),
            };
            let mut outcomes = Vec::new();
            for chunk in accounts.chunks(BATCH) {
                let disassociated = self
                    .client
                    .disassociate_members()
                    .detector_id(&detector)
                    .set_account_ids(Some(chunk.to_vec()))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(AwsError::from_sdk);
                if let Err(error) = self.scope.audited(
                    actor,
                    "DisassociateMembers",
                    json!({ "DetectorId": detector, "accountIds": chunk }),
                    disassociated,
                ) {
                    outcomes.extend(account_outcomes(chunk, Err(error)));
                    continue;
                }
                let deleted = self
                    .client
                    .delete_members()
                    .detector_id(&detector)
                    .set_account_ids(Some(chunk.to_vec()))
                    .send()
                    .await
                    .map(|o| unprocessed(o.unprocessed_accounts()))
                    .map_err(AwsError::from_sdk);
                let deleted = self.scope.audited(
                    actor,
                    "DeleteMembers",
                    json!({ "DetectorId": detector, "accountIds": chunk }),
                    deleted,
                );
                outcomes.extend(account_outcomes(chunk, deleted));
            }
            outcomes
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
            let current = self
                .client
                .get_administrator_account()
                .detector_id(detector)
                .send()
                .await
                .map_err(AwsError::from_sdk)?;
            let steps = current
                .administrator()
                .filter(|a| a.relationship_status() == Some("Enabled"))
                .and_then(|a| a.account_id())
                .map(|administrator| Step::LeaveAdministrator {
                    administrator: administrator.to_owned(),
                })
                .into_iter()
                .collect();
            Ok(Readiness { steps })
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
                    let result = self
                        .client
                        .create_detector()
                        .enable(true)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(AwsError::from_sdk);
                    self.scope
                        .audited(actor, "CreateDetector", json!({ "enable": true }), result)
                }
                Step::LeaveAdministrator { administrator } => {
                    let detector = self.detector().await?.ok_or_else(|| self.no_detector())?;
                    let result = self
                        .client
                        .disassociate_from_administrator_account()
                        .detector_id(&detector)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(AwsError::from_sdk);
                    self.scope.audited(
                        actor,
                        "DisassociateFromAdministratorAccount",
                        json!({ "DetectorId": detector, "Administrator": administrator }),
                        result,
                    )
                }
                Step::EnableSecurityHub => Err(AwsError::new(
                    ErrorKind::Service,
                    "NotApplicable",
                    "GuardDuty is enabled with a detector, not EnableSecurityHub",
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
                    let status_raw = i.relationship_status().unwrap_or_default().to_owned();
                    let invited_at_raw = i.invited_at().map(str::to_owned);
                    Invitation {
                        service: ServiceKind::GuardDuty,
                        profile: self.scope.profile.clone(),
                        region: self.scope.region.clone(),
                        account_id: None,
                        administrator_id: i.account_id().unwrap_or_default().to_owned(),
                        invitation_id: i.invitation_id().map(str::to_owned),
                        graph_arn: None,
                        // GuardDuty's `invitedAt` is a plain string; it is ISO 8601 in practice.
                        invited_at: invited_at_raw
                            .as_deref()
                            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                            .map(|t| t.with_timezone(&chrono::Utc)),
                        status: Status::normalise(ServiceKind::GuardDuty, &status_raw),
                        status_raw,
                        details: Details::GuardDuty { invited_at_raw },
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
