//! `guestlist accept|decline|delete`: answer one invitation from a script or a shell, with the
//! same adapters, readiness checks and audit log as the dashboard.

use std::process::ExitCode;

use super::{ask, output};
use crate::answering::{self, Batch};
use crate::aws::AdapterOptions;
use crate::cli::{AnswerArgs, Selection};
use crate::fetch;
use crate::format::capitalised;
use crate::model::{Actor, Invitation, Response, ServiceKind, Target};
use crate::session;

/// What went wrong, and the exit code it deserves.
pub struct Failure {
    pub message: String,
    pub code: u8,
}

fn fail(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        code: 1,
    }
}

/// Checks the arguments before anything is sent.
pub fn validate(
    selection: &Selection,
    response: Response,
    args: &AnswerArgs,
) -> Result<ServiceKind, Failure> {
    let [service] = selection.services.as_slice() else {
        return Err(fail(format!(
            "{response} needs exactly one --service: securityhub, guardduty, detective or macie"
        )));
    };
    // Said first and once: no other argument makes a Detective delete possible.
    if *service == ServiceKind::Detective && response == Response::Delete {
        return Err(fail(
            "Detective has no delete for invitations: reject one instead, with `guestlist \
             decline --service detective --region REGION --graph-arn ARN`",
        ));
    }
    match selection.regions.as_slice() {
        [region] if region != "all" => {}
        _ => {
            return Err(fail(format!(
                "{response} needs exactly one --region, such as --region us-east-1"
            )));
        }
    }
    match (service, &args.administrator, &args.graph_arn) {
        (ServiceKind::Detective, _, None) => {
            Err(fail("Detective invitations are named by --graph-arn"))
        }
        (ServiceKind::SecurityHub | ServiceKind::GuardDuty, None, _) => Err(fail(format!(
            "{} invitations are named by --administrator ACCOUNT_ID",
            service.display_name()
        ))),
        _ => Ok(*service),
    }
}

/// Whether `invitation` is the one the arguments name.
fn named(args: &AnswerArgs, invitation: &Invitation) -> bool {
    match (&args.graph_arn, &args.administrator) {
        (Some(arn), _) => invitation.graph_arn.as_deref() == Some(arn.as_str()),
        (None, Some(admin)) => &invitation.administrator_id == admin,
        (None, None) => false,
    }
}

/// Answers the invitation for every identity selected; prints what happened.
async fn answer(
    selection: &Selection,
    response: Response,
    args: &AnswerArgs,
    options: &AdapterOptions,
) -> Result<(), Failure> {
    let service = validate(selection, response, args)?;
    let session = session::prepare_whole(selection, options)
        .await
        .map_err(|e| fail(e.to_string()))?;
    let accounts = session.plan.accounts().await;
    // Across a fan-out, an account without the invitation is no failure: it is said, and the
    // run fails only when no account had it.
    let fanned_out = selection.accounts_from.is_some();
    let (mut failed, mut missing) = (0, 0);
    for source in &session.plan.sources {
        let account = accounts.get(&source.id.profile).cloned();
        let whom = format!(
            "profile {}{}",
            source.id.profile,
            account
                .as_ref()
                .map(|a| format!(" ({a})"))
                .unwrap_or_default()
        );
        let wanted = args
            .graph_arn
            .clone()
            .or_else(|| args.administrator.clone())
            .unwrap_or_default();
        let found = fetch::find_invitation(source, session.plan.limits, |i| named(args, i));
        let invitation = match found.await {
            Ok(Some(invitation)) => invitation,
            Ok(None) if fanned_out => {
                output::warn(format_args!(
                    "note: no {} invitation from {wanted} in {} for {whom}",
                    service.display_name(),
                    source.id.region
                ));
                missing += 1;
                continue;
            }
            Ok(None) => {
                output::warn(format_args!(
                    "error: no {} invitation from {wanted} in {} for {whom}",
                    service.display_name(),
                    source.id.region
                ));
                failed += 1;
                continue;
            }
            Err(error) => {
                output::warn(format_args!(
                    "error: cannot list {} invitations in {} for {whom}: {error}",
                    service.display_name(),
                    source.id.region
                ));
                failed += 1;
                continue;
            }
        };
        if let Err(reason) = response.applies_to(&invitation) {
            output::warn(format_args!("error: cannot {response}: {reason}"));
            failed += 1;
            continue;
        }
        let readiness = source
            .adapter()
            .readiness(response)
            .await
            .unwrap_or_default();
        if !readiness.steps.is_empty() && !args.prepare {
            let steps: Vec<String> = readiness.steps.iter().map(|s| s.describe()).collect();
            output::warn(format_args!(
                "error: before it can {response}, AWS needs: {}; add --prepare to take these steps too",
                steps.join("; ")
            ));
            failed += 1;
            continue;
        }
        let mut question = format!(
            "{} the {} invitation from {} in {} for {whom}?",
            capitalised(response.verb()),
            service.display_name(),
            invitation.administrator_id,
            source.id.region
        );
        for step in &readiness.steps {
            question.push_str(&format!("\n  first: {}", step.describe()));
        }
        if !args.yes && !ask::yes(&question).map_err(fail)? {
            output::warn(format_args!("cancelled: nothing was sent"));
            return Err(Failure {
                message: String::new(),
                code: 1,
            });
        }
        let batch = Batch {
            source: source.id.clone(),
            adapter: source.adapter(),
            steps: readiness.steps,
            targets: vec![Target::of(&invitation)],
            actor: Actor { account },
        };
        for outcome in answering::execute(response, &batch).await {
            match outcome.result {
                Ok(()) => output::say(format_args!(
                    "{}: {} invitation from {} in {} for {whom}",
                    past(response),
                    service.display_name(),
                    invitation.administrator_id,
                    source.id.region
                )),
                Err(reason) => {
                    output::warn(format_args!("error: {response} failed: {reason}"));
                    failed += 1;
                }
            }
        }
    }
    // When no account had it, nothing was there to answer: that is a failure after all.
    let sources = session.plan.sources.len();
    let code = match missing == sources {
        true => 1,
        false => output::exit_code(failed, sources - missing),
    };
    match code {
        0 => Ok(()),
        code => Err(Failure {
            message: String::new(),
            code,
        }),
    }
}

fn past(response: Response) -> &'static str {
    match response {
        Response::Accept => "accepted",
        Response::Decline => "declined",
        Response::Delete => "deleted",
    }
}

/// `decline --untrusted [--delete]`: every pending invitation from a sender the trust policy
/// does not name, over the whole selection, declined (then deleted), after one question.
async fn dismiss_untrusted(
    selection: &Selection,
    args: &AnswerArgs,
    options: &AdapterOptions,
) -> Result<(), Failure> {
    let policy = selection.trust_policy();
    if policy.is_empty() {
        return Err(fail(
            "--untrusted needs a trust policy: name the administrators you accept with --trust ACCOUNT or [trust] in the configuration",
        ));
    }
    let session = session::prepare_whole(selection, options)
        .await
        .map_err(|e| fail(e.to_string()))?;
    let listing = super::list::collect(&session.plan, selection.concurrency).await;
    // Not seen is not clean: a source that could not be listed is said, and fails the run.
    for (source, error) in &listing.failures {
        output::warn(format_args!(
            "error: could not list {} in {} for profile {}: {error}",
            source.service, source.region, source.profile
        ));
    }
    let strangers: Vec<&Invitation> = listing
        .invitations
        .iter()
        .filter(|i| i.status == crate::model::Status::Pending)
        .filter(|i| policy.judge(i.service, &i.administrator_id) == crate::model::Trust::Untrusted)
        .collect();
    let what = if args.delete {
        "decline and delete"
    } else {
        "decline"
    };
    if strangers.is_empty() {
        output::say(format_args!(
            "no pending invitation from an untrusted sender in the {} listed",
            crate::format::plural(listing.sources - listing.failures.len(), "source")
        ));
        return match listing.failures.is_empty() {
            true => Ok(()),
            false => Err(Failure {
                message: String::new(),
                code: output::exit_code(listing.failures.len(), listing.sources),
            }),
        };
    }
    let mut question = format!(
        "{} {} from untrusted senders?",
        capitalised(what),
        crate::format::plural(strangers.len(), "invitation")
    );
    for i in &strangers {
        question.push_str(&format!(
            "\n  {} {} for profile {}: from {}",
            i.service, i.region, i.profile, i.administrator_id
        ));
    }
    if !args.yes && !ask::yes(&question).map_err(fail)? {
        output::warn(format_args!("cancelled: nothing was sent"));
        return Err(Failure {
            message: String::new(),
            code: 1,
        });
    }
    let accounts = session.plan.accounts().await;
    let mut by_source: std::collections::BTreeMap<crate::model::SourceId, Vec<&Invitation>> =
        std::collections::BTreeMap::new();
    for invitation in &strangers {
        by_source
            .entry(invitation.source())
            .or_default()
            .push(invitation);
    }
    let mut failed = 0;
    for (id, invitations) in by_source {
        let Some(source) = session.plan.sources.iter().find(|s| s.id == id) else {
            continue;
        };
        let batch = Batch {
            source: id.clone(),
            adapter: source.adapter(),
            steps: Vec::new(),
            targets: invitations.iter().map(|i| Target::of(i)).collect(),
            actor: Actor {
                account: accounts.get(&id.profile).cloned(),
            },
        };
        let outcomes = match args.delete {
            true => answering::dismiss(&batch).await,
            false => answering::execute(Response::Decline, &batch).await,
        };
        for (outcome, invitation) in outcomes.iter().zip(&invitations) {
            match &outcome.result {
                Ok(()) => output::say(format_args!(
                    "{}: {} invitation from {} in {} for profile {}",
                    if args.delete {
                        "declined and deleted"
                    } else {
                        "declined"
                    },
                    id.service,
                    invitation.administrator_id,
                    id.region,
                    id.profile
                )),
                Err(reason) => {
                    failed += 1;
                    output::warn(format_args!(
                        "error: could not {what} the {} invitation from {} in {} for profile {}: {reason}",
                        id.service, invitation.administrator_id, id.region, id.profile
                    ));
                }
            }
        }
    }
    let failed_listings = listing.failures.len();
    let code = match (failed, failed_listings) {
        (0, 0) => 0,
        (failed, _) if failed == strangers.len() => 1,
        _ => 2,
    };
    match code {
        0 => Ok(()),
        code => Err(Failure {
            message: String::new(),
            code,
        }),
    }
}

/// Answers, and says what happened; exit 0, 2 when some failed, 1 when nothing was done.
pub async fn run(selection: &Selection, response: Response, args: &AnswerArgs) -> ExitCode {
    let options = match super::adapter_options(selection) {
        Ok(options) => options,
        Err(error) => return output::refuse(error),
    };
    let outcome = match (args.untrusted, response) {
        (true, Response::Decline) => dismiss_untrusted(selection, args, &options).await,
        (true, _) => Err(fail(format!(
            "--untrusted is for decline: `guestlist decline --untrusted [--delete]`, not {response}"
        ))),
        (false, _) => answer(selection, response, args, &options).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if !failure.message.is_empty() {
                output::warn(format_args!("guestlist {response}: {}", failure.message));
            }
            ExitCode::from(failure.code)
        }
    }
}
