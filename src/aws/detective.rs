use aws_config::SdkConfig;
use aws_sdk_detective::Client;
use aws_sdk_detective::types::MemberDetail;
use futures_util::future::BoxFuture;

use super::adapter::{InvitationPage, Scope, ServiceAdapter};
use super::{AwsError, to_chrono};
use crate::model::{Details, Invitation, PackageUsage, ServiceKind, Status};

const MAX_PAGE: i32 = 200;

pub struct Detective {
    client: Client,
    scope: Scope,
}

impl Detective {
    pub(crate) fn new(config: &SdkConfig, scope: Scope) -> Self {
        Self {
            client: Client::new(config),
            scope,
        }
    }

    fn invitation(&self, member: &MemberDetail) -> Invitation {
        let status_raw = member
            .status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default();
        #[allow(deprecated)] // Graph-wide usage is deprecated upstream but still reported.
        let details = Details::Detective {
            email: member.email_address().map(str::to_owned),
            invitation_type: member.invitation_type().map(|t| t.as_str().to_owned()),
            updated_at: member.updated_time().and_then(to_chrono),
            disabled_reason: member.disabled_reason().map(|r| r.as_str().to_owned()),
            volume_usage_bytes: member.volume_usage_in_bytes(),
            volume_usage_updated_at: member.volume_usage_updated_time().and_then(to_chrono),
            percent_of_graph_utilization: member.percent_of_graph_utilization(),
            percent_of_graph_utilization_updated_at: member
                .percent_of_graph_utilization_updated_time()
                .and_then(to_chrono),
            ingest_states: member
                .datasource_package_ingest_states()
                .into_iter()
                .flatten()
                .map(|(package, state)| (package.as_str().to_owned(), state.as_str().to_owned()))
                .collect(),
            volume_usage_by_package: member
                .volume_usage_by_datasource_package()
                .into_iter()
                .flatten()
                .map(|(package, usage)| {
                    (
                        package.as_str().to_owned(),
                        PackageUsage {
                            volume_bytes: usage.volume_usage_in_bytes(),
                            updated_at: usage.volume_usage_update_time().and_then(to_chrono),
                        },
                    )
                })
                .collect(),
        };
        Invitation {
            service: ServiceKind::Detective,
            profile: self.scope.profile.clone(),
            region: self.scope.region.clone(),
            account_id: member.account_id().map(str::to_owned),
            administrator_id: member
                .administrator_id()
                .or_else(|| {
                    #[allow(deprecated)]
                    member.master_id()
                })
                .unwrap_or_default()
                .to_owned(),
            invitation_id: None,
            graph_arn: member.graph_arn().map(str::to_owned),
            invited_at: member.invited_time().and_then(to_chrono),
            status: Status::normalise(ServiceKind::Detective, &status_raw),
            status_raw,
            details,
        }
    }
}

impl ServiceAdapter for Detective {
    fn service(&self) -> ServiceKind {
        ServiceKind::Detective
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
            Ok(InvitationPage {
                invitations: output
                    .invitations()
                    .iter()
                    .map(|m| self.invitation(m))
                    .collect(),
                next_token: output.next_token().map(str::to_owned),
            })
        })
    }
}
