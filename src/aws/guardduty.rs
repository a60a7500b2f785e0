//! GuardDuty: everything goes through the caller's detector in the region; invitations by
//! administrator and invitation id, members by account.

use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::types::{AccountDetail, Invitation as SdkInvitation};

use super::adapter::prelude::*;

const MAX_PAGE: i32 = 50;

/// The GuardDuty adapter.
pub(crate) type GuardDuty = Adapter<Client>;

impl GuardDuty {
    /// The caller's own detector in this region, if GuardDuty is enabled.
    async fn detector(&self) -> Result<Option<String>, AwsError> {
        if let Some(known) = self.detector.get() {
            return Ok(Some(known.clone()));
        }
        let detectors = self.scope.read(self.client.list_detectors().send()).await?;
        let found = detectors.detector_ids().first().cloned();
        if let Some(id) = &found {
            let _ = self.detector.set(id.clone());
        }
        Ok(found)
    }

    /// The administrator whose membership is enabled, as the account's detector sees it.
    async fn current_administrator(&self, detector: &str) -> Result<Option<String>, AwsError> {
        let request = self
            .client
            .get_administrator_account()
            .detector_id(detector)
            .send();
        let current = self.scope.read(request).await?;
        Ok(current
            .administrator()
            .filter(|a| a.relationship_status() == Some("Enabled"))
            .and_then(|a| a.account_id())
            .map(str::to_owned))
    }

    /// The caller's detector, which the operation needs.
    async fn needed_detector(&self) -> Result<String, AwsError> {
        let region = &self.scope.region;
        let why = format!("GuardDuty is not enabled in {region}: create a detector first");
        self.detector()
            .await?
            .ok_or_else(|| missing("NoDetector", why))
    }

    /// GuardDuty's invitation, with its time as GuardDuty wrote it (a string, not a timestamp).
    fn received(&self, invitation: &SdkInvitation) -> Result<Invitation, AwsError> {
        let invited_at_raw = invitation.invited_at().map(str::to_owned);
        let details = Details::GuardDuty { invited_at_raw };
        self.scope.invitation(Received::from(invitation), details)
    }

    async fn accept(&self, detector: &str, target: &Target, actor: &Actor) -> Result<(), AwsError> {
        let (administrator, invitation) = (&target.administrator_id, target.invitation_id());
        let request = self
            .client
            .accept_administrator_invitation()
            .detector_id(detector);
        let request = request
            .administrator_id(administrator)
            .invitation_id(invitation);
        let parameters = json!({ "DetectorId": detector, "administratorId": administrator, "invitationId": invitation });
        let current = ("AcceptAdministratorInvitation", parameters, request.send());
        // The older name calls the administrator the master.
        #[allow(deprecated)]
        let request = self.client.accept_invitation().detector_id(detector);
        let request = request.master_id(administrator).invitation_id(invitation);
        let parameters = json!({ "DetectorId": detector, "masterId": administrator, "invitationId": invitation });
        self.scope
            .change_or_older(
                actor,
                current,
                ("AcceptInvitation", parameters, request.send()),
            )
            .await
    }

    /// Creates the invitees as members of `detector`, then invites them with the message.
    async fn invite_on<'a>(
        &self,
        detector: &str,
        invites: Invites<'a>,
        actor: &Actor,
    ) -> Vec<Outcome> {
        let Invites { invitees, message } = invites;
        let create = move |chunk: &'a [Invitee]| async move {
            let accounts = batch::accounts_of(chunk);
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
        batch::two_steps(invitees, Invitee::account, create, invite).await
    }

    async fn accept_all(&self, targets: &[Target], actor: &Actor) -> Vec<Outcome> {
        let detector = match self.needed_detector().await {
            Ok(detector) => detector,
            Err(error) => {
                return Outcome::all_failed(targets.iter().map(|t| t.key.clone()), &error);
            }
        };
        batch::one_by_one(targets, |target| self.accept(&detector, target, actor)).await
    }
}

impl ByAccount for GuardDuty {
    fn send<'a>(&'a self, call: AccountCall<'a>, actor: &'a Actor) -> Pending<'a, Unprocessed> {
        // Answering names no detector; changing members acts on the administrator's.
        let accounts = &call.accounts;
        let parameters = match call.on {
            None => json!({ "accountIds": accounts }),
            Some(detector) => json!({ "DetectorId": detector, "accountIds": accounts }),
        };
        let detector = call.on.unwrap_or_default();
        Box::pin(async move {
            batch::send_account_op!(self, actor, call, parameters, |m| m.detector_id(detector))
        })
    }
}

impl Invitations for GuardDuty {
    list_invitations!();

    fn before_accepting(&self) -> Pending<'_, Readiness> {
        Box::pin(async move {
            let Some(detector) = self.detector().await? else {
                return Ok(Readiness {
                    steps: vec![Step::CreateDetector],
                });
            };
            let administrator = self.current_administrator(&detector).await?;
            Ok(Readiness::leaving(administrator.as_deref()))
        })
    }

    fn administrator(&self) -> Pending<'_, Option<String>> {
        Box::pin(async move {
            match self.detector().await? {
                Some(detector) => self.current_administrator(&detector).await,
                // No detector, no administrator.
                None => Ok(None),
            }
        })
    }

    fn take_step<'a>(&'a self, step: &'a Step, actor: &'a Actor) -> Pending<'a, ()> {
        Box::pin(async move {
            match step {
                Step::CreateDetector => {
                    if self.detector().await?.is_some() {
                        return Ok(()); // created meanwhile
                    }
                    let request = self.client.create_detector().enable(true).send();
                    let parameters = json!({ "enable": true });
                    let created = self
                        .scope
                        .change(actor, "CreateDetector", parameters, request);
                    if let Some(id) = created.await?.detector_id() {
                        let _ = self.detector.set(id.to_owned());
                    }
                    Ok(())
                }
                Step::LeaveAdministrator { administrator } => {
                    let detector = self.needed_detector().await?;
                    let request = self.client.disassociate_from_administrator_account();
                    let request = request.detector_id(&detector).send();
                    let parameters = json!({ "DetectorId": detector });
                    let scope = &self.scope;
                    scope.leave(actor, parameters, administrator, request).await
                }
                Step::EnableSecurityHub | Step::EnableMacie => Err(unsupported(
                    ServiceKind::GuardDuty,
                    format!("is enabled with a detector, not: {}", step.describe()),
                )),
            }
        })
    }

    fn respond<'a>(&'a self, answers: Answers<'a>, actor: &'a Actor) -> Outcomes<'a> {
        let accept = self.accept_all(answers.targets, actor);
        Box::pin(batch::respond(self, answers, actor, accept))
    }
}

impl Members for GuardDuty {
    fn list_members(&self, next_token: Option<String>) -> Pending<'_, MemberPage> {
        // Without a detector, this identity administers nothing in this region.
        Box::pin(MemberPage::on_resource(
            self.detector(),
            async move |detector| {
                let request = self.client.list_members().detector_id(detector);
                let request = request.only_associated("false").max_results(MAX_PAGE);
                let output = self.scope.read(request.set_next_token(next_token).send());
                let output = output.await?;
                let members = output.members().iter().map(Listed::from);
                MemberPage::read(
                    members.map(|m| self.scope.member(m.on(detector))),
                    output.next_token(),
                )
            },
        ))
    }

    fn invite<'a>(&'a self, invites: Invites<'a>, actor: &'a Actor) -> Outcomes<'a> {
        let invite = async move |detector: &str| self.invite_on(detector, invites, actor).await;
        let detector = self.needed_detector();
        Box::pin(batch::needing(detector, invites.accounts(), invite))
    }

    fn withdraw<'a>(&'a self, accounts: &'a [String], _: &'a Actor) -> Outcomes<'a> {
        let error = unsupported(
            ServiceKind::GuardDuty,
            "deletes invitations only from the invitee's side: remove the member (x) instead",
        );
        Box::pin(async move { Outcome::all_failed(accounts.iter().cloned(), &error) })
    }

    fn remove_members<'a>(&'a self, accounts: &'a [String], actor: &'a Actor) -> Outcomes<'a> {
        Box::pin(batch::needing(
            self.needed_detector(),
            accounts.iter().cloned(),
            async move |detector| batch::remove(self, Some(detector), accounts, actor).await,
        ))
    }

    fn before_administering(&self) -> Pending<'_, Vec<Step>> {
        Box::pin(async move {
            Ok(match self.detector().await? {
                Some(_) => Vec::new(),
                None => vec![Step::CreateDetector],
            })
        })
    }

    fn delete_members<'a>(&'a self, accounts: &'a [String], actor: &'a Actor) -> Outcomes<'a> {
        Box::pin(batch::needing(
            self.needed_detector(),
            accounts.iter().cloned(),
            async move |detector| batch::delete(self, Some(detector), accounts, actor).await,
        ))
    }

    /// A member its administrator stopped monitoring (`Disabled`) is started again.
    fn start_monitoring<'a>(&'a self, accounts: &'a [String], actor: &'a Actor) -> Outcomes<'a> {
        Box::pin(batch::needing(
            self.needed_detector(),
            accounts.iter().cloned(),
            async move |detector| {
                batch::accounts_in_batches(accounts, |chunk| {
                    let parameters = json!({ "DetectorId": detector, "accountIds": chunk });
                    let request = self.client.start_monitoring_members().detector_id(detector);
                    let request = request.set_account_ids(Some(chunk.to_vec()));
                    self.scope.batch(
                        actor,
                        "StartMonitoringMembers",
                        parameters,
                        chunk,
                        request.send(),
                    )
                })
                .await
            },
        ))
    }
}
