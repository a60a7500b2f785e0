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

use crate::app::{AppState, Command, Msg, update};
use crate::fetch::{self, FetchEvent};
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
    // Held for its drop: replacing it aborts the fetch it held.
    let mut _in_flight = fetch::start(
        state.generation,
        &plan.sources,
        &plan.identities,
        tx.clone(),
        concurrency,
    );
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
            _ = spin.tick(), if state.is_loading() => Msg::Tick(chrono::Utc::now()),
            _ = clock.tick() => Msg::Tick(chrono::Utc::now()),
        };
        for command in update(&mut state, msg) {
            match command {
                Command::Quit => return Ok(()),
                Command::Fetch { generation } => {
                    // Dropping the old fetch aborts its tasks; stragglers carry its generation.
                    _in_flight = fetch::start(
                        generation,
                        &plan.sources,
                        &plan.identities,
                        tx.clone(),
                        concurrency,
                    );
                }
            }
        }
        terminal.draw(|frame| ui::render(frame, &state))?;
    }
}
