use aws_config::SdkConfig;
use aws_sdk_guardduty::Client;
use futures_util::future::BoxFuture;

use super::AwsError;
use super::adapter::{InvitationPage, Scope, ServiceAdapter};
use crate::model::{Details, Invitation, ServiceKind, Status};

const MAX_PAGE: i32 = 50;

pub struct GuardDuty {
    client: Client,
    scope: Scope,
}

impl GuardDuty {
    pub(crate) fn new(config: &SdkConfig, scope: Scope) -> Self {
        Self {
            client: Client::new(config),
            scope,
        }
    }
}

impl ServiceAdapter for GuardDuty {
    fn service(&self) -> ServiceKind {
        ServiceKind::GuardDuty
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
