//! `guestlist accept|decline|delete`: answer one invitation from a script or a shell, with the
//! same adapters, readiness checks and audit log as the dashboard.

use std::io::{BufRead, IsTerminal, Write};

use crate::actions::{self, Actor, Batch, Response, Target};
use crate::aws::{self, AdapterOptions};
use crate::cli::{AnswerArgs, Selection};
use crate::fetch::PlannedSource;
use crate::model::{Invitation, ServiceKind};
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
            "{response} needs exactly one --service: securityhub, guardduty or detective"
        )));
    };
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
        (ServiceKind::Detective, _, Some(_)) if response == Response::Delete => Err(fail(
            "Detective has no delete for invitations: use `guestlist decline` to reject it",
        )),
        (ServiceKind::SecurityHub | ServiceKind::GuardDuty, None, _) => Err(fail(format!(
            "{} invitations are named by --administrator ACCOUNT_ID",
            service.display_name()
        ))),
        _ => Ok(*service),
    }
}

async fn find(
    source: &PlannedSource,
    args: &AnswerArgs,
) -> Result<Option<Invitation>, aws::AwsError> {
    let mut token = None;
    loop {
        let page = source.adapter.list_invitations(token).await?;
        let found =
            page.invitations
                .into_iter()
                .find(|i| match (&args.graph_arn, &args.administrator) {
                    (Some(arn), _) => i.graph_arn.as_deref() == Some(arn.as_str()),
                    (None, Some(admin)) => &i.administrator_id == admin,
                    (None, None) => false,
                });
        if found.is_some() || page.next_token.is_none() {
            return Ok(found);
        }
        token = page.next_token;
    }
}

/// Asks on the terminal; refuses when there is none.
pub fn ask(question: &str) -> Result<bool, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(fail(
            "refusing to change anything without --yes: there is no terminal to ask on",
        ));
    }
    let mut stderr = std::io::stderr();
    let _ = write!(stderr, "{question} [y/N] ");
    let _ = stderr.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| fail(format!("cannot read the answer: {e}")))?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Answers the invitation for every identity selected; prints what happened.
pub async fn run(
    selection: &Selection,
    response: Response,
    args: &AnswerArgs,
    options: &AdapterOptions,
) -> Result<(), Failure> {
    let service = validate(selection, response, args)?;
    let session = session::prepare(selection, options)
        .await
        .map_err(|e| fail(e.to_string()))?;
    let accounts = session.plan.accounts().await;
    let mut failed = 0;
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
        let invitation = match find(source, args).await {
            Ok(Some(invitation)) => invitation,
            Ok(None) => {
                eprintln!(
                    "error: no {} invitation from {wanted} in {} for {whom}",
                    service.display_name(),
                    source.id.region
                );
                failed += 1;
                continue;
            }
            Err(error) => {
                eprintln!(
                    "error: cannot list {} invitations in {} for {whom}: {error}",
                    service.display_name(),
                    source.id.region
                );
                failed += 1;
                continue;
            }
        };
        if let Err(reason) = response.applies_to(&invitation) {
            eprintln!("error: cannot {response}: {reason}");
            failed += 1;
            continue;
        }
        let readiness = source.adapter.readiness(response).await.unwrap_or_default();
        if !readiness.steps.is_empty() && !args.prepare {
            let steps: Vec<String> = readiness.steps.iter().map(|s| s.describe()).collect();
            eprintln!(
                "error: before it can {response}, AWS needs: {}; add --prepare to take these steps too",
                steps.join("; ")
            );
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
        if !args.yes && !ask(&question)? {
            eprintln!("cancelled: nothing was sent");
            return Err(Failure {
                message: String::new(),
                code: 1,
            });
        }
        let batch = Batch {
            source: source.id.clone(),
            adapter: source.adapter.clone(),
            steps: readiness.steps,
            targets: vec![Target::of(&invitation)],
            actor: Actor { account },
        };
        for outcome in actions::execute(response, &batch).await {
            match outcome.result {
                Ok(()) => println!(
                    "{}: {} invitation from {} in {} for {whom}",
                    past(response),
                    service.display_name(),
                    invitation.administrator_id,
                    source.id.region
                ),
                Err(reason) => {
                    eprintln!("error: {response} failed: {reason}");
                    failed += 1;
                }
            }
        }
    }
    match crate::list::exit_code(failed, session.plan.sources.len()) {
        0 => Ok(()),
        code => Err(Failure {
            message: String::new(),
            code,
        }),
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn past(response: Response) -> &'static str {
    match response {
        Response::Accept => "accepted",
        Response::Decline => "declined",
        Response::Delete => "deleted",
    }
}
