use aws_config::SdkConfig;
use aws_sdk_securityhub::Client;
use futures_util::future::BoxFuture;

use super::adapter::{InvitationPage, Scope, ServiceAdapter};
use super::{AwsError, to_chrono};
use crate::model::{Details, Invitation, ServiceKind, Status};

const MAX_PAGE: i32 = 50;

pub struct SecurityHub {
    client: Client,
    scope: Scope,
}

impl SecurityHub {
    pub(crate) fn new(config: &SdkConfig, scope: Scope) -> Self {
        Self {
            client: Client::new(config),
            scope,
        }
    }
}

impl ServiceAdapter for SecurityHub {
    fn service(&self) -> ServiceKind {
        ServiceKind::SecurityHub
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
