use aws_config::SdkConfig;
use aws_sdk_detective::Client;
use aws_sdk_detective::types::MemberDetail;
use futures_util::future::BoxFuture;
use serde_json::json;

use super::adapter::{
    InvitationPage, MemberPage, Scope, ServiceAdapter, account_outcomes, all_failed,
};
use super::{AwsError, ErrorKind, to_chrono};
use crate::model::Invitee;
use crate::model::{Actor, BATCH, Outcome, Readiness, Response, Step, Target};
use crate::model::{Details, Invitation, Member, PackageUsage, ServiceKind, Status};

/// Unprocessed accounts as (account, reason) pairs.
fn unprocessed(accounts: &[aws_sdk_detective::types::UnprocessedAccount]) -> Vec<(String, String)> {
    accounts
        .iter()
        .map(|u| {
            (
                u.account_id().unwrap_or_default().to_owned(),
                u.reason().unwrap_or("not processed").to_owned(),
            )
        })
        .collect()
}

const MAX_PAGE: i32 = 200;

pub struct Detective {
    client: Client,
    scope: Scope,
}

impl Detective {
    pub(crate) fn new(config: &SdkConfig, scope: Scope) -> Self {
        let builder = scope.guard(aws_sdk_detective::config::Builder::from(config), |b, g| {
            b.interceptor(g)
        });
        Self {
            client: Client::from_conf(builder.build()),
            scope,
        }
    }

    /// The caller's own behavior graph in this region, if it administers one.
    async fn graph(&self) -> Result<Option<String>, AwsError> {
        let graphs = self
            .client
            .list_graphs()
            .send()
            .await
            .map_err(AwsError::from_sdk)?;
        Ok(graphs
            .graph_list()
            .first()
            .and_then(|g| g.arn())
            .map(str::to_owned))
    }

    fn no_graph(&self) -> String {
        format!(
            "no behavior graph in {}: this account administers none here",
            self.scope.region
        )
    }

    async fn answer(
        &self,
        response: Response,
        target: &Target,
        actor: &Actor,
    ) -> Result<(), AwsError> {
        let Some(graph_arn) = target.graph_arn.clone() else {
            return Err(AwsError::new(
                ErrorKind::Service,
                "NoGraphArn",
                "the invitation has no graph ARN",
            ));
        };
        let result = match response {
            Response::Accept => self
                .client
                .accept_invitation()
                .graph_arn(&graph_arn)
                .send()
                .await
                .map(|_| ())
                .map_err(AwsError::from_sdk),
            Response::Decline => self
                .client
                .reject_invitation()
                .graph_arn(&graph_arn)
                .send()
                .await
                .map(|_| ())
                .map_err(AwsError::from_sdk),
            Response::Delete => {
                // Nothing is sent: Detective has no such operation, so nothing to audit.
                return Err(AwsError::new(
                    ErrorKind::Service,
                    "NotSupported",
                    "Detective has no delete for invitations: decline (reject) it instead",
                ));
            }
        };
        self.scope.audited(
            actor,
            response.operation(ServiceKind::Detective),
            json!({ "GraphArn": graph_arn }),
            result,
        )
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

    fn list_members(
        &self,
        next_token: Option<String>,
    ) -> BoxFuture<'_, Result<MemberPage, AwsError>> {
        Box::pin(async move {
            let Some(graph) = self.graph().await? else {
                return Ok(MemberPage::default());
            };
            let output = self
                .client
                .list_members()
                .graph_arn(&graph)
                .max_results(MAX_PAGE)
                .set_next_token(next_token)
                .send()
                .await
                .map_err(AwsError::from_sdk)?;
            let members = output
                .member_details()
                .iter()
                .map(|m| Member {
                    service: ServiceKind::Detective,
                    profile: self.scope.profile.clone(),
                    region: self.scope.region.clone(),
                    administrator_id: m.administrator_id().unwrap_or_default().to_owned(),
                    account_id: m.account_id().unwrap_or_default().to_owned(),
                    email: m.email_address().map(str::to_owned),
                    status: m
                        .status()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                    invited_at: m.invited_time().and_then(to_chrono),
                    updated_at: m.updated_time().and_then(to_chrono),
                    resource: Some(graph.clone()),
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
            let graph = match self.graph().await {
                Ok(Some(graph)) => graph,
                Ok(None) => return all_failed(&accounts, &self.no_graph()),
                Err(error) => return all_failed(&accounts, &error.to_string()),
            };
            let mut outcomes = Vec::new();
            for chunk in invitees.chunks(BATCH) {
                let accounts: Vec<String> = chunk.iter().map(|i| i.account_id.clone()).collect();
                let details: Result<Vec<_>, _> = chunk
                    .iter()
                    .map(|i| {
                        aws_sdk_detective::types::Account::builder()
                            .account_id(&i.account_id)
                            .email_address(i.email.clone().unwrap_or_default())
                            .build()
                    })
                    .collect();
                let result = match details {
                    Err(error) => Err(AwsError::new(
                        ErrorKind::Service,
                        "InvalidInput",
                        error.to_string(),
                    )),
                    Ok(details) => self
                        .client
                        .create_members()
                        .graph_arn(&graph)
                        .set_accounts(Some(details))
                        .set_message(message.map(str::to_owned))
                        .send()
                        .await
                        .map(|o| unprocessed(o.unprocessed_accounts()))
                        .map_err(AwsError::from_sdk),
                };
                let result = self.scope.audited(
                    actor,
                    "CreateMembers",
                    json!({ "GraphArn": graph, "AccountIds": accounts }),
                    result,
                );
                outcomes.extend(account_outcomes(&accounts, result));
            }
            outcomes
        })
    }

    fn withdraw_invitations<'a>(
        &'a self,
        accounts: &'a [String],
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        // Detective withdraws an invitation by deleting the member.
        self.remove_members(accounts, actor)
    }

    fn remove_members<'a>(
        &'a self,
        accounts: &'a [String],
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        Box::pin(async move {
            let graph = match self.graph().await {
                Ok(Some(graph)) => graph,
                Ok(None) => return all_failed(accounts, &self.no_graph()),
                Err(error) => return all_failed(accounts, &error.to_string()),
            };
            let mut outcomes = Vec::new();
            for chunk in accounts.chunks(BATCH) {
                let result = self
                    .client
                    .delete_members()
                    .graph_arn(&graph)
                    .set_account_ids(Some(chunk.to_vec()))
                    .send()
                    .await
                    .map(|o| unprocessed(o.unprocessed_accounts()))
                    .map_err(AwsError::from_sdk);
                let result = self.scope.audited(
                    actor,
                    "DeleteMembers",
                    json!({ "GraphArn": graph, "AccountIds": chunk }),
                    result,
                );
                outcomes.extend(account_outcomes(chunk, result));
            }
            outcomes
        })
    }

    fn readiness(&self, _: Response) -> BoxFuture<'_, Result<Readiness, AwsError>> {
        // A member needs nothing enabled to accept a behavior graph invitation.
        Box::pin(async { Ok(Readiness::default()) })
    }

    fn take_step<'a>(
        &'a self,
        step: &'a Step,
        _: &'a Actor,
    ) -> BoxFuture<'a, Result<(), AwsError>> {
        Box::pin(async move {
            Err(AwsError::new(
                ErrorKind::Service,
                "NotApplicable",
                format!("Detective needs no step to {}", step.describe()),
            ))
        })
    }

    fn respond<'a>(
        &'a self,
        response: Response,
        targets: &'a [Target],
        actor: &'a Actor,
    ) -> BoxFuture<'a, Vec<Outcome>> {
        Box::pin(async move {
            let mut outcomes = Vec::new();
            for target in targets {
                let result = self
                    .answer(response, target, actor)
                    .await
                    .map_err(|e| e.to_string());
                outcomes.push(Outcome {
                    key: target.key.clone(),
                    result,
                });
            }
            outcomes
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
