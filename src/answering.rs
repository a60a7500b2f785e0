//! Answering invitations: the steps AWS needs first, then the answers, through an adapter.

use std::sync::Arc;

use crate::aws::ServiceAdapter;
use crate::model::{
    Actor, Answers, AwsError, Outcome, Response, ServiceKind, SourceId, Step, Target,
};

/// Answers for one source: the steps AWS needs first, then the targets.
#[derive(Clone)]
pub struct Batch {
    pub source: SourceId,
    pub adapter: Arc<dyn ServiceAdapter>,
    pub steps: Vec<Step>,
    pub targets: Vec<Target>,
    pub actor: Actor,
}

/// Takes the steps, then answers; a failed step fails every target with its reason.
pub async fn execute(response: Response, batch: &Batch) -> Vec<Outcome> {
    let answers = Answers {
        response,
        targets: &batch.targets,
    };
    for step in &batch.steps {
        if let Err(error) = batch.adapter.take_step(step, &batch.actor).await {
            let failed = AwsError {
                message: format!("could not {}: {}", step.describe(), error.message),
                ..error
            };
            return Outcome::all_failed(answers.keys(), &failed);
        }
    }
    let outcomes = batch.adapter.respond(answers, &batch.actor).await;
    for outcome in &outcomes {
        match &outcome.result {
            Ok(()) => {
                tracing::info!(source = %batch.source, %response, invitation = %outcome.key, "answered")
            }
            Err(reason) => {
                tracing::warn!(source = %batch.source, %response, invitation = %outcome.key, %reason, "not answered")
            }
        }
    }
    outcomes
}

/// Declines, then deletes what was declined where the service keeps declined invitations
/// (Security Hub, GuardDuty; Detective's decline is its reject and leaves nothing): what
/// triage does to an untrusted sender's invitation. A delete that finds the invitation already
/// gone is what was wanted, not a failure.
pub async fn dismiss(batch: &Batch) -> Vec<Outcome> {
    let declined = execute(Response::Decline, batch).await;
    if batch.source.service == ServiceKind::Detective {
        return declined;
    }
    let targets: Vec<Target> = batch
        .targets
        .iter()
        .filter(|t| declined.iter().any(|o| o.key == t.key && o.result.is_ok()))
        .cloned()
        .collect();
    if targets.is_empty() {
        return declined;
    }
    let deleting = Batch {
        steps: Vec::new(),
        targets,
        ..batch.clone()
    };
    let deleted = execute(Response::Delete, &deleting).await;
    declined
        .into_iter()
        .map(
            |outcome| match deleted.iter().find(|d| d.key == outcome.key) {
                Some(Outcome {
                    result: Err(error), ..
                }) if !already_gone(error) => Outcome {
                    key: outcome.key,
                    result: Err(AwsError {
                        message: format!("declined, but not deleted: {}", error.message),
                        ..error.clone()
                    }),
                },
                _ => outcome,
            },
        )
        .collect()
}

/// The service's word for an invitation that is not there to delete.
fn already_gone(error: &AwsError) -> bool {
    matches!(
        error.code.as_str(),
        "UnprocessedAccount" | "ResourceNotFoundException" | "NotFoundException"
    )
}
