//! The terminal: set up, the event loop, and restored on every way out.
//!
//! One `select!` over terminal events, fetch results and (only while something moves) a tick;
//! a frame is drawn only after something changed.

use std::io::stdout;
use std::time::Duration;

use color_eyre::eyre::Result;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event, EventStream};
use futures_util::StreamExt;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc;

use std::collections::HashMap;
use std::sync::Arc;

use crate::actions::{self, Batch};
use crate::app::{AppState, Command, Msg, update};
use crate::aws::ServiceAdapter;
use crate::fetch::{self, Fetch, FetchEvent};
use crate::model::SourceId;
use crate::sources::Plan;
use crate::ui;

/// Spinners turn at this rate while anything loads.
const SPIN: Duration = Duration::from_millis(250);
/// Ages ("3m ago") are recomputed this often when nothing else happens.
const CLOCK: Duration = Duration::from_secs(30);

pub async fn run(plan: Plan, state: AppState, concurrency: u16) -> Result<()> {
    let mut terminal = ratatui::init();
    install_mouse_restore_hook();
    let _ = crossterm::execute!(stdout(), EnableMouseCapture);
    let result = event_loop(&mut terminal, plan, state, concurrency).await;
    let _ = crossterm::execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}

/// `ratatui::init` restores the screen on panic; mouse capture is ours to undo.
fn install_mouse_restore_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(stdout(), DisableMouseCapture);
        previous(info);
    }));
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    plan: Plan,
    mut state: AppState,
    concurrency: u16,
) -> Result<()> {
    let size = terminal.size()?;
    update(&mut state, Msg::Resize(size.width, size.height));
    // The first frame goes out before any request can have returned.
    terminal.draw(|frame| ui::render(frame, &state))?;

    let (tx, mut rx) = mpsc::channel::<FetchEvent>(1024);
    // Results of actions come back as messages too.
    let (results_tx, mut results) = mpsc::unbounded_channel::<Msg>();
    let adapters: HashMap<SourceId, Arc<dyn ServiceAdapter>> = plan
        .sources
        .iter()
        .map(|s| (s.id.clone(), s.adapter.clone()))
        .collect();
    // Held for their drop: replacing them aborts what they held.
    let mut _in_flight = fetch::start(
        state.generation,
        &plan.sources,
        &plan.identities,
        tx.clone(),
        concurrency,
    );
    let mut refetches: Vec<Fetch> = Vec::new();
    let mut events = EventStream::new();
    let mut spin = tokio::time::interval(SPIN);
    spin.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut clock = tokio::time::interval(CLOCK);
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    clock.reset();

    loop {
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => Msg::Key(key),
                Some(Ok(Event::Mouse(mouse))) => Msg::Mouse(mouse),
                Some(Ok(Event::Resize(width, height))) => Msg::Resize(width, height),
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Err(error.into()),
                None => return Ok(()),
            },
            Some(event) = rx.recv() => Msg::Fetch(event),
            Some(msg) = results.recv() => msg,
            _ = spin.tick(), if state.is_loading() => Msg::Tick(chrono::Utc::now()),
            _ = clock.tick() => Msg::Tick(chrono::Utc::now()),
        };
        for command in update(&mut state, msg) {
            match command {
                Command::Quit => return Ok(()),
                Command::Fetch { generation } => {
                    // Dropping the old fetch aborts its tasks; stragglers carry its generation.
                    refetches.clear();
                    _in_flight = fetch::start(
                        generation,
                        &plan.sources,
                        &plan.identities,
                        tx.clone(),
                        concurrency,
                    );
                }
                Command::Refetch { source } => {
                    if let Some(planned) = plan.sources.iter().find(|s| s.id == source) {
                        refetches.retain(|f| !f.is_finished());
                        refetches.push(fetch::start(
                            state.generation,
                            std::slice::from_ref(planned),
                            &[],
                            tx.clone(),
                            1,
                        ));
                    }
                }
                Command::CheckReadiness {
                    dialog,
                    response,
                    sources,
                } => {
                    let adapters: Vec<_> = sources
                        .into_iter()
                        .filter_map(|s| adapters.get(&s).map(|a| (s, a.clone())))
                        .collect();
                    let results_tx = results_tx.clone();
                    tokio::spawn(async move {
                        let checks = adapters.into_iter().map(|(source, adapter)| async move {
                            let readiness = adapter.readiness(response).await;
                            (source, readiness)
                        });
                        let results = futures_util::future::join_all(checks).await;
                        let _ = results_tx.send(Msg::Readiness { dialog, results });
                    });
                }
                Command::Answer { response, answers } => {
                    for answer in answers {
                        let Some(adapter) = adapters.get(&answer.source).cloned() else {
                            continue;
                        };
                        let batch = Batch {
                            source: answer.source,
                            adapter,
                            steps: answer.steps,
                            targets: answer.targets,
                            actor: (&answer.actor).into(),
                        };
                        let results_tx = results_tx.clone();
                        tokio::spawn(async move {
                            let outcomes = actions::execute(response, &batch).await;
                            let _ = results_tx.send(Msg::Answered {
                                source: batch.source,
                                response,
                                outcomes,
                            });
                        });
                    }
                }
            }
        }
        terminal.draw(|frame| ui::render(frame, &state))?;
    }
}
