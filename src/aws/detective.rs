//! Detective: invitations are behavior graphs, answered by graph ARN; an administrator's
//! members are the accounts of its graph, and are invited by being created.

use aws_sdk_detective::Client;
use aws_sdk_detective::types::{Account, MemberDetail};

use super::adapter::prelude::*;
use super::batch::invitee_ids;
use super::to_chrono;
use crate::model::PackageUsage;

const MAX_PAGE: i32 = 200;

/// The Detective adapter.
pub(crate) type Detective = Adapter<Client>;

impl Detective {
    /// The caller's own behavior graph in this region, if it administers one.
    async fn graph(&self) -> Result<Option<String>, AwsError> {
        let graphs = self.scope.read(self.client.list_graphs().send()).await?;
        Ok(graphs
            .graph_list()
            .first()
            .and_then(|g| g.arn())
            .map(str::to_owned))
    }

    /// The caller's graph, which the operation needs.
    async fn needed_graph(&self) -> Result<String, AwsError> {
        let region = &self.scope.region;
        let why = format!("no behavior graph in {region}: this account administers none here");
        self.graph().await?.ok_or_else(|| missing("NoGraph", why))
    }

    /// Creates the invitees as members of `graph`, which invites them.
    async fn create_on(&self, graph: &str, invites: Invites<'_>, actor: &Actor) -> Vec<Outcome> {
        let Invites { invitees, message } = invites;
        batch::in_batches(invitees, invitee_ids, |chunk| async move {
            let accounts = batch::accounts_of(chunk);
            let details: Result<Vec<Account>, _> = chunk
                .iter()
                .map(|i| {
                    Account::builder()
                        .account_id(&i.account_id)
                        .email_address(i.email.clone().unwrap_or_default())
                        .build()
                })
                .collect();
            let details = details.map_err(|error| {
                AwsError::new(ErrorKind::Service, "InvalidInput", error.to_string())
            })?;
            let request = self
                .client
                .create_members()
                .graph_arn(graph)
                .set_accounts(Some(details))
                .set_message(message.map(str::to_owned))
                .send();
            let parameters = json!({ "GraphArn": graph, "AccountIds": accounts });
            self.scope
                .batch(actor, "CreateMembers", parameters, &accounts, request)
                .await
        })
        .await
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
        let operation = response.operation(ServiceKind::Detective);
        let parameters = json!({ "GraphArn": graph_arn });
        match response {
            Response::Accept => {
                let request = self.client.accept_invitation().graph_arn(&graph_arn).send();
                self.scope.act(actor, operation, parameters, request).await
            }
            Response::Decline => {
                let request = self.client.reject_invitation().graph_arn(&graph_arn).send();
                self.scope.act(actor, operation, parameters, request).await
            }
            // Nothing is sent: Detective has no such operation, so nothing to audit.
            Response::Delete => Err(unsupported(
                ServiceKind::Detective,
                "has no delete for invitations: decline (reject) it instead",
            )),
        }
    }

    /// An invitation is the member's side of a graph: its detail, as Detective lists it.
    fn received(&self, member: &MemberDetail) -> Result<Invitation, AwsError> {
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
        let received = Received {
            account_id: member.account_id().map(str::to_owned),
            administrator_id: member
                .administrator_id()
                .or_else(|| {
                    #[allow(deprecated)]
                    member.master_id()
                })
                .map(str::to_owned),
            graph_arn: member.graph_arn().map(str::to_owned),
            invited_at: member.invited_time().and_then(to_chrono),
            status: status_raw,
            ..Received::default()
        };
        self.scope.invitation(received, details)
    }
}

impl Invitations for Detective {
    list_invitations!();

    // A member needs nothing enabled to accept a behavior graph invitation: the default
    // readiness (none) and steps (none apply) hold.

    fn respond<'a>(&'a self, answers: Answers<'a>, actor: &'a Actor) -> Outcomes<'a> {
        let Answers { response, targets } = answers;
        let answer = move |target| self.answer(response, target, actor);
        Box::pin(batch::one_by_one(targets, answer))
    }
}

impl Members for Detective {
    fn list_members(&self, next_token: Option<String>) -> Pending<'_, MemberPage> {
        Box::pin(MemberPage::on_resource(self.graph(), async move |graph| {
            let request = self.client.list_members().graph_arn(graph);
            let request = request.max_results(MAX_PAGE).set_next_token(next_token);
            let output = self.scope.read(request.send()).await?;
            let members = output.member_details().iter().map(|m| Listed {
                disabled_reason: m.disabled_reason().map(|r| r.as_str()),
                managed: m.invitation_type()
                    == Some(&aws_sdk_detective::types::InvitationType::Organization),
                ..Listed::from(m)
            });
            let members = members.map(|m| self.scope.member(m.on(graph)));
            MemberPage::read(members, output.next_token())
        }))
    }

    /// Detective invites by creating the member on the graph.
    fn invite<'a>(&'a self, invites: Invites<'a>, actor: &'a Actor) -> Outcomes<'a> {
        let create = async move |graph: &str| self.create_on(graph, invites, actor).await;
        let graph = self.needed_graph();
        Box::pin(batch::needing(graph, invites.accounts(), create))
    }

    /// Detective withdraws an invitation by deleting the member.
    fn withdraw<'a>(&'a self, accounts: &'a [String], actor: &'a Actor) -> Outcomes<'a> {
        self.remove_members(accounts, actor)
    }

    /// A graph is needed to have members; guestlist does not create one (it starts billing
    /// for a whole account's data), so its absence is said, not fixed.
    fn before_administering(&self) -> Pending<'_, Vec<Step>> {
        Box::pin(async move { self.needed_graph().await.map(|_| Vec::new()) })
    }

    /// Detective's members leave by being deleted: deleting is removing.
    fn delete_members<'a>(&'a self, accounts: &'a [String], actor: &'a Actor) -> Outcomes<'a> {
        self.remove_members(accounts, actor)
    }

    /// An accepted-but-disabled member, one call each (`StartMonitoringMember`): Detective
    /// enables it when the graph can take its data now, and says why not when it cannot.
    fn start_monitoring<'a>(&'a self, accounts: &'a [String], actor: &'a Actor) -> Outcomes<'a> {
        Box::pin(batch::needing(
            self.needed_graph(),
            accounts.iter().cloned(),
            async move |graph| {
                let mut outcomes = Vec::with_capacity(accounts.len());
                for account in accounts {
                    let parameters = json!({ "GraphArn": graph, "AccountId": account });
                    let request = self.client.start_monitoring_member().graph_arn(graph);
                    let request = request.account_id(account).send();
                    let result = self
                        .scope
                        .act(actor, "StartMonitoringMember", parameters, request)
                        .await;
                    outcomes.push(Outcome {
                        key: account.clone(),
                        result,
                    });
                }
                outcomes
            },
        ))
    }

    fn remove_members<'a>(&'a self, accounts: &'a [String], actor: &'a Actor) -> Outcomes<'a> {
        Box::pin(batch::needing(
            self.needed_graph(),
            accounts.iter().cloned(),
            async move |graph| {
                batch::accounts_in_batches(accounts, |chunk| {
                    let parameters = json!({ "GraphArn": graph, "AccountIds": chunk });
                    let request = self.client.delete_members().graph_arn(graph);
                    let request = request.set_account_ids(Some(chunk.to_vec()));
                    self.scope
                        .batch(actor, "DeleteMembers", parameters, chunk, request.send())
                })
                .await
            },
        ))
    }
}
