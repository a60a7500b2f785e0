//! Answering invitations: the steps AWS needs first, then the answers, through an adapter.

use std::sync::Arc;

use crate::aws::ServiceAdapter;
use crate::model::{Actor, Answers, AwsError, Outcome, Response, SourceId, Step, Target};

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
