//! The terminal: set up, the event loop, and restored on every way out.
//!
//! One `select!` over terminal events, fetch results, action results and (only while something
//! moves) a tick; a frame is drawn only after something happened.

use std::collections::HashMap;
use std::io::stdout;
use std::sync::Arc;
use std::time::Duration;

use color_eyre::eyre::Result;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    EventStream,
};
use futures_util::StreamExt;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc;

use crate::answering::{self, Batch};
use crate::app::{AppState, Effect, MemberAction, MemberChange, Msg, update};
use crate::aws::ServiceAdapter;
use crate::fetch::{self, Fetch, FetchEvent};

use crate::app::state::coverage::Onboarding;
use crate::model::SourceId;
use crate::onboarding::Finish;
use crate::plan::Plan;
use crate::session::Arriving;
use crate::ui;

/// Spinners turn at this rate while anything loads.
const SPIN: Duration = Duration::from_millis(250);
/// Ages ("3m ago") are recomputed this often when nothing else happens.
const CLOCK: Duration = Duration::from_secs(30);
/// The live countdown ticks once a second.
const COUNTDOWN: Duration = Duration::from_secs(1);

/// Why the dashboard did not run.
pub enum Stopped {
    /// Setting up failed; the message is for stderr, after the terminal is restored.
    Refused(String),
    /// The person quit while it was still setting up.
    Quit,
    /// A signal ended it (SIGTERM, SIGHUP, SIGINT); the terminal was restored all the same.
    Signal(i32),
}

/// The signals that end the dashboard: each goes out the way `q` does, restoring the terminal.
struct Endings {
    #[cfg(unix)]
    streams: [(i32, tokio::signal::unix::Signal); 3],
}

impl Endings {
    fn new() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                streams: [
                    (15, signal(SignalKind::terminate())?),
                    (1, signal(SignalKind::hangup())?),
                    (2, signal(SignalKind::interrupt())?),
                ],
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// The next signal's number.
    async fn recv(&mut self) -> i32 {
        #[cfg(unix)]
        {
            let [(term, a), (hup, b), (int, c)] = &mut self.streams;
            tokio::select! {
                _ = a.recv() => *term,
                _ = b.recv() => *hup,
                _ = c.recv() => *int,
            }
        }
        #[cfg(not(unix))]
        std::future::pending().await
    }
}

/// What the dashboard starts from: the plan, the accounts still arriving, the state, and what
/// must live as long as it runs (`keep`: the demo's sandbox).
pub struct Prepared<K> {
    pub keep: K,
    pub plan: Plan,
    pub arriving: Option<Arriving>,
    pub state: AppState,
    /// How the matrix's `o` reaches each member; none: it cannot.
    pub onboarder: Option<Onboarder>,
}

/// What onboarding from the matrix needs besides the plan: the selection naming the role
/// (and its external id, MFA), and how adapters are built.
#[derive(Clone)]
pub struct Onboarder {
    pub selection: crate::cli::Selection,
    pub options: crate::aws::AdapterOptions,
}

/// Sets up the terminal and draws a first frame before `prepare` — which may resolve regions
/// over the network — then runs the dashboard it returns. `keep` lives as long as the loop (the
/// demo's sandbox).
pub async fn run<K, F>(prepare: F, concurrency: u16) -> Result<std::result::Result<(), Stopped>>
where
    F: std::future::Future<Output = std::result::Result<Prepared<K>, String>>,
{
    // Registered before the terminal changes, so no signal finds it changed and unhandled.
    let mut endings = Endings::new()?;
    let mut terminal = ratatui::init();
    install_restore_hook();
    let _ = crossterm::execute!(stdout(), EnableMouseCapture, EnableBracketedPaste);
    let result = prepare_then_loop(&mut terminal, prepare, concurrency, &mut endings).await;
    let _ = crossterm::execute!(stdout(), DisableBracketedPaste, DisableMouseCapture);
    ratatui::restore();
    result
}

async fn prepare_then_loop<K, F>(
    terminal: &mut DefaultTerminal,
    prepare: F,
    concurrency: u16,
    endings: &mut Endings,
) -> Result<std::result::Result<(), Stopped>>
where
    F: std::future::Future<Output = std::result::Result<Prepared<K>, String>>,
{
    terminal.draw(ui::render_starting)?;
    let mut events = EventStream::new();
    tokio::pin!(prepare);
    let prepared = loop {
        tokio::select! {
            prepared = &mut prepare => break prepared,
            signal = endings.recv() => return Ok(Err(Stopped::Signal(signal))),
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if is_quit(&key) => return Ok(Err(Stopped::Quit)),
                Some(Ok(Event::Resize(..))) => {
                    terminal.draw(ui::render_starting)?;
                }
                Some(Err(error)) => return Err(error.into()),
                None => return Ok(Err(Stopped::Quit)),
                Some(Ok(_)) => {}
            },
        }
    };
    let Prepared {
        keep: _keep,
        plan,
        arriving,
        state,
        onboarder,
    } = match prepared {
        Ok(prepared) => prepared,
        Err(message) => return Ok(Err(Stopped::Refused(message))),
    };
    let work = Work {
        plan,
        concurrency,
        onboarder,
    };
    match event_loop(terminal, work, arriving, state, events, endings).await? {
        None => Ok(Ok(())),
        Some(signal) => Ok(Err(Stopped::Signal(signal))),
    }
}

/// `q`, `Esc` or Ctrl-C while nothing else is on screen.
fn is_quit(key: &crossterm::event::KeyEvent) -> bool {
    use crossterm::event::{KeyCode, KeyModifiers};
    matches!(key.code, KeyCode::Char('q') | KeyCode::Esc)
        || (key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL))
}

/// `ratatui::init` restores the screen on panic; mouse capture and paste mode are ours to undo.
fn install_restore_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(stdout(), DisableBracketedPaste, DisableMouseCapture);
        previous(info);
    }));
}

fn source_index(plan: &Plan) -> HashMap<SourceId, usize> {
    plan.sources
        .iter()
        .enumerate()
        .map(|(at, s)| (s.id.clone(), at))
        .collect()
}

/// Carries out the effects `update` asks for: starts work in the background, and holds the
/// channels its results come back on.
struct Executor {
    plan: Plan,
    /// Where each source is in the plan; its adapter is built when an action needs it.
    sources: HashMap<SourceId, usize>,
    fetch_events: mpsc::Sender<FetchEvent>,
    results: mpsc::UnboundedSender<Msg>,
    concurrency: u16,
    /// Held for their drop: replacing them aborts what they held.
    in_flight: Option<Fetch>,
    /// At most one re-listing per source.
    refetches: HashMap<SourceId, Fetch>,
    onboarder: Option<Onboarder>,
}

impl Executor {
    fn adapter(&self, source: &SourceId) -> Option<Arc<dyn ServiceAdapter>> {
        let at = *self.sources.get(source)?;
        Some(self.plan.sources[at].adapter())
    }

    /// Onboards `steps` in the background, each cell's progress sent back as it goes: the
    /// administrator's steps, then each member through the role (reached once, here), then
    /// the administrator's list confirming.
    fn onboard(&self, steps: Vec<crate::reconciling::Step>) {
        let results = self.results.clone();
        let tell = move |step: &crate::reconciling::Step, progress| {
            let _ = results.send(Msg::Onboarding {
                source: step.source.clone(),
                account: step.account.id.clone(),
                progress,
            });
        };
        let Some(onboarder) = self.onboarder.clone() else {
            for step in &steps {
                let why = "no role to reach the member through: start with --assume-role";
                tell(step, Onboarding::Ended(Finish::Failed(why.into())));
            }
            return;
        };
        let plan = self.plan.clone();
        let concurrency = usize::from(self.concurrency).max(1);
        tokio::spawn(async move {
            let mut steps = steps;
            let (accounts, firsts) = tokio::join!(
                plan.accounts(),
                crate::reconciling::firsts(&plan, &mut steps)
            );
            let mut ids: Vec<String> = steps.iter().map(|s| s.account.id.clone()).collect();
            ids.dedup();
            let Onboarder { selection, options } = onboarder;
            let members = match crate::session::reach(&plan, &selection, &ids, &options).await {
                Ok(members) => members,
                Err(error) => {
                    for step in &steps {
                        let why = format!("could not reach the member: {error}");
                        tell(step, Onboarding::Ended(Finish::Failed(why)));
                    }
                    return;
                }
            };
            let settings = crate::onboarding::Settings {
                wait: std::time::Duration::from_secs(300),
                poll: std::time::Duration::from_secs(5),
                concurrency,
                role: selection.assume_role.clone().unwrap_or_default(),
            };
            let (events, mut progress) = mpsc::unbounded_channel();
            let forwarding = {
                let steps = steps.clone();
                async move {
                    while let Some(event) = progress.recv().await {
                        let (cell, progress) = match event {
                            crate::onboarding::Event::Stage(cell, stage) => {
                                (cell, Onboarding::At(stage))
                            }
                            crate::onboarding::Event::Finished(cell, finish) => {
                                (cell, Onboarding::Ended(finish))
                            }
                        };
                        if let Some(step) = steps.get(cell) {
                            tell(step, progress);
                        }
                    }
                }
            };
            let onboarding = crate::onboarding::run(
                &plan, &accounts, &members, &steps, &firsts, &settings, events,
            );
            tokio::join!(onboarding, forwarding);
        });
    }

    /// Plans accounts that arrived, and says which sources and names they brought.
    fn arrive(
        &mut self,
        identities: Vec<crate::plan::Identity>,
    ) -> Result<crate::app::Arrived, String> {
        let names = identities
            .iter()
            .filter_map(crate::plan::Identity::named)
            .collect();
        let profiles = identities.iter().map(|i| i.profile.clone()).collect();
        let added = self.plan.extend(identities).map_err(|e| e.to_string())?;
        let at = self.plan.sources.len() - added.len();
        for (offset, source) in added.iter().enumerate() {
            self.sources.insert(source.id.clone(), at + offset);
        }
        Ok(crate::app::Arrived {
            sources: added.into_iter().map(|s| s.id).collect(),
            profiles,
            names,
        })
    }

    fn fetch_all(&mut self, generation: u64) {
        let all = self.plan.sources.clone();
        self.fetch(generation, &all);
    }

    /// Replaces what is in flight with a fetch of `sources`; dropping the old fetch aborts its
    /// tasks, and whatever they still deliver carries the old generation.
    fn fetch(&mut self, generation: u64, sources: &[crate::plan::PlannedSource]) {
        // The new listing of these sources supersedes their re-listings.
        self.refetches
            .retain(|source, _| !sources.iter().any(|s| &s.id == source));
        self.in_flight = Some(fetch::start_open(
            generation,
            sources,
            &self.plan.identities,
            self.fetch_events.clone(),
            self.concurrency,
            self.plan.limits,
        ));
    }

    /// Starts what `effect` asks for; true when it is time to quit.
    fn execute(&mut self, effect: Effect) -> bool {
        match effect {
            Effect::Quit => return true,
            Effect::Fetch { generation } => self.fetch_all(generation),
            Effect::FetchMore {
                generation,
                sources,
            } => {
                let more: Vec<_> = sources
                    .iter()
                    .filter_map(|s| self.sources.get(s).map(|&at| self.plan.sources[at].clone()))
                    .collect();
                // Looked up by a set: a page of an organization brings a thousand sources.
                let profiles: std::collections::HashSet<&str> =
                    sources.iter().map(|s| s.profile.as_str()).collect();
                let identities: Vec<_> = self
                    .plan
                    .identities
                    .iter()
                    .filter(|i| profiles.contains(i.profile.as_str()))
                    .cloned()
                    .collect();
                match &mut self.in_flight {
                    Some(fetch) if fetch.generation() == generation => {
                        fetch.extend(&more, &identities);
                    }
                    _ => {
                        self.in_flight = Some(fetch::start_open(
                            generation,
                            &more,
                            &identities,
                            self.fetch_events.clone(),
                            self.concurrency,
                            self.plan.limits,
                        ));
                    }
                }
            }
            Effect::FetchSome {
                generation,
                sources,
            } => {
                let some: Vec<_> = self
                    .plan
                    .sources
                    .iter()
                    .filter(|s| sources.contains(&s.id))
                    .cloned()
                    .collect();
                self.fetch(generation, &some);
            }
            Effect::Copy(text) => {
                use base64::Engine;
                use std::io::Write;
                let encoded = base64::engine::general_purpose::STANDARD.encode(text);
                let mut out = stdout();
                let _ = write!(out, "\x1b]52;c;{encoded}\x07");
                let _ = out.flush();
            }
            Effect::Replan {
                profiles,
                services,
                regions,
            } => {
                let result = match self.plan.again(&profiles, &services, &regions) {
                    Ok(plan) => {
                        self.sources = source_index(&plan);
                        let planned = crate::app::Replanned {
                            sources: plan.sources.iter().map(|s| s.id.clone()).collect(),
                            services: plan.services.clone(),
                            regions: plan.regions.clone(),
                        };
                        // Listings of sources no longer planned stop; the rest go on.
                        self.refetches
                            .retain(|source, _| planned.sources.contains(source));
                        self.plan = plan;
                        Ok(planned)
                    }
                    Err(error) => Err(error.to_string()),
                };
                let _ = self.results.send(Msg::Replanned(result));
            }
            Effect::Save {
                path,
                contents,
                rows,
            } => {
                use std::io::Write;
                // A new file only: what is there already is never overwritten.
                let written = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
                    .and_then(|mut file| file.write_all(contents.as_bytes()))
                    .map(|()| rows)
                    .map_err(|error| match error.kind() {
                        std::io::ErrorKind::AlreadyExists => {
                            "it exists already; choose another name".to_owned()
                        }
                        _ => error.to_string(),
                    });
                let _ = self.results.send(Msg::Saved {
                    path,
                    result: written,
                });
            }
            Effect::Bell => {
                use std::io::Write;
                let mut out = stdout();
                let _ = out.write_all(b"\x07");
                let _ = out.flush();
            }
            Effect::Refetch { source, generation } => {
                if let Some(planned) = self.plan.sources.iter().find(|s| s.id == source) {
                    // Replacing a source's re-listing drops the older one, which aborts it.
                    self.refetches.retain(|_, f| !f.is_finished());
                    let listing = fetch::start(
                        generation,
                        std::slice::from_ref(planned),
                        &[],
                        self.fetch_events.clone(),
                        1,
                        self.plan.limits,
                    );
                    self.refetches.insert(source, listing);
                }
            }
            Effect::CheckReadiness {
                dialog,
                response,
                sources,
            } => {
                let adapters: Vec<_> = sources
                    .into_iter()
                    .filter_map(|s| self.adapter(&s).map(|a| (s, a)))
                    .collect();
                let results = self.results.clone();
                tokio::spawn(async move {
                    let checks = adapters.into_iter().map(|(source, adapter)| async move {
                        (source, adapter.readiness(response).await)
                    });
                    let results_of = futures_util::future::join_all(checks).await;
                    let _ = results.send(Msg::Readiness {
                        dialog,
                        results: results_of,
                    });
                });
            }
            Effect::Answer {
                response,
                answers,
                then_delete,
            } => {
                for answer in answers {
                    let Some(adapter) = self.adapter(&answer.source) else {
                        continue;
                    };
                    let batch = Batch {
                        source: answer.source,
                        adapter,
                        steps: answer.steps,
                        targets: answer.targets,
                        actor: answer.actor,
                    };
                    let results = self.results.clone();
                    tokio::spawn(async move {
                        let outcomes = match then_delete {
                            true => answering::dismiss(&batch).await,
                            false => answering::execute(response, &batch).await,
                        };
                        let _ = results.send(Msg::Answered {
                            source: batch.source,
                            response,
                            outcomes,
                        });
                    });
                }
            }
            Effect::LookupHistory { trails, days } => {
                let since = chrono::Utc::now() - chrono::Duration::days(i64::from(days));
                let identities = self.plan.identities.clone();
                let pace = self.plan.options.pace.clone();
                let results = self.results.clone();
                tokio::spawn(async move {
                    let read = crate::fetch::read_trails(trails, &identities, since, &pace).await;
                    let mut events = Vec::new();
                    let mut failures = Vec::new();
                    for (trail, found) in read {
                        match found {
                            Ok(found) => events.extend(found),
                            // A region not enabled has no trail to miss.
                            Err(error) if !error.is_failure() => {}
                            Err(error) => failures
                                .push(format!("{} as {}: {error}", trail.region, trail.profile)),
                        }
                    }
                    events.sort_by_key(|e| std::cmp::Reverse(e.time));
                    let _ = results.send(Msg::History { events, failures });
                });
            }
            Effect::LookupAdministrator { source } => {
                if let Some(adapter) = self.adapter(&source) {
                    let results = self.results.clone();
                    tokio::spawn(async move {
                        let result = adapter.administrator().await;
                        let _ = results.send(Msg::Administrator { source, result });
                    });
                }
            }
            Effect::ListMembers { sources } => {
                let limits = self.plan.limits;
                for source in sources {
                    let Some(planned) = self.plan.sources.iter().find(|s| s.id == source).cloned()
                    else {
                        continue;
                    };
                    let results = self.results.clone();
                    let identity = self
                        .plan
                        .identities
                        .iter()
                        .find(|i| i.profile == source.profile)
                        .map(|i| i.config.clone());
                    tokio::spawn(async move {
                        let result = fetch::all_members(&planned, identity.as_ref(), limits).await;
                        let _ = results.send(Msg::MembersListed {
                            source: planned.id,
                            result,
                        });
                    });
                }
            }
            Effect::ChangeMembers { change, batches } => {
                for batch in batches {
                    let Some(adapter) = self.adapter(&batch.source) else {
                        continue;
                    };
                    let results = self.results.clone();
                    tokio::spawn(async move {
                        let actor = &batch.actor;
                        let outcomes = match change {
                            MemberChange::WithdrawInvitation => {
                                adapter.withdraw(&batch.accounts, actor).await
                            }
                            MemberChange::Remove => {
                                adapter.remove_members(&batch.accounts, actor).await
                            }
                        };
                        let _ = results.send(Msg::MembersChanged {
                            source: batch.source,
                            action: change.action(),
                            outcomes,
                        });
                    });
                }
            }
            Effect::Onboard { steps } => self.onboard(steps),
            Effect::Reconcile { fixes } => {
                for (fix, invitee, batch) in fixes {
                    let Some(adapter) = self.adapter(&batch.source) else {
                        continue;
                    };
                    let results = self.results.clone();
                    tokio::spawn(async move {
                        let invitees = [invitee];
                        let outcomes = crate::reconciling::take(
                            adapter.as_ref(),
                            &fix,
                            &invitees,
                            &batch.actor,
                        )
                        .await;
                        let action = match fix {
                            crate::model::Fix::Recreate => MemberAction::Recreated,
                            crate::model::Fix::StartMonitoring => MemberAction::MonitoringStarted,
                            _ => MemberAction::Invited,
                        };
                        let _ = results.send(Msg::MembersChanged {
                            source: batch.source,
                            action,
                            outcomes,
                        });
                    });
                }
            }
            Effect::Invite {
                invitees,
                message,
                batches,
            } => {
                for batch in batches {
                    let Some(adapter) = self.adapter(&batch.source) else {
                        continue;
                    };
                    let results = self.results.clone();
                    let invitees = invitees.clone();
                    let message = message.clone();
                    tokio::spawn(async move {
                        let actor = &batch.actor;
                        let outcomes = adapter
                            .invite(
                                crate::model::Invites {
                                    invitees: &invitees,
                                    message: message.as_deref(),
                                },
                                actor,
                            )
                            .await;
                        let _ = results.send(Msg::MembersChanged {
                            source: batch.source,
                            action: MemberAction::Invited,
                            outcomes,
                        });
                    });
                }
            }
        }
        false
    }
}

/// What the executor works with: the plan, how many sources at once, and onboarding's reach.
struct Work {
    plan: Plan,
    concurrency: u16,
    onboarder: Option<Onboarder>,
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    work: Work,
    mut arriving: Option<Arriving>,
    mut state: AppState,
    mut events: EventStream,
    endings: &mut Endings,
) -> Result<Option<i32>> {
    let Work {
        plan,
        concurrency,
        onboarder,
    } = work;
    let size = terminal.size()?;
    apply(&mut state, Msg::Resize(size.width, size.height));
    terminal.draw(|frame| ui::render(frame, &state))?;
    // For the end-to-end test that the terminal is restored after a panic.
    if std::env::var_os("GUESTLIST_PANIC_AFTER_FIRST_FRAME").is_some() {
        panic!("forced by GUESTLIST_PANIC_AFTER_FIRST_FRAME");
    }

    let (fetch_events, mut fetched) = mpsc::channel::<FetchEvent>(1024);
    let (results, mut finished) = mpsc::unbounded_channel::<Msg>();
    let mut executor = Executor {
        sources: source_index(&plan),
        plan,
        fetch_events,
        results,
        concurrency,
        in_flight: None,
        refetches: HashMap::new(),
        onboarder,
    };
    executor.fetch_all(state.generation);

    let mut spin = tokio::time::interval(SPIN);
    spin.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut clock = tokio::time::interval(CLOCK);
    clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    clock.reset();
    let mut countdown = tokio::time::interval(COUNTDOWN);
    countdown.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    loop {
        let animating = state.is_animating();
        let counting = state.live.active() && state.live.next_at.is_some();
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if is_suspend(&key) => {
                    suspend(terminal)?;
                    let size = terminal.size()?;
                    Msg::Resize(size.width, size.height)
                }
                Some(Ok(Event::Key(key))) => Msg::Key(key),
                Some(Ok(Event::Mouse(mouse))) => Msg::Mouse(mouse),
                Some(Ok(Event::Resize(width, height))) => Msg::Resize(width, height),
                Some(Ok(Event::Paste(text))) => Msg::Paste(text),
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Err(error.into()),
                None => return Ok(None),
            },
            signal = endings.recv() => return Ok(Some(signal)),
            Some(event) = fetched.recv() => Msg::Fetch(event),
            Some(msg) = finished.recv() => msg,
            arrived = async { arriving.as_mut()?.recv().await }, if arriving.is_some() => {
                match arrived {
                    Some(Ok(identities)) => Msg::Arrived(Some(executor.arrive(identities))),
                    Some(Err(error)) => Msg::Arrived(Some(Err(error.to_string()))),
                    None => {
                        arriving = None;
                        Msg::Arrived(None)
                    }
                }
            }
            _ = spin.tick(), if animating => Msg::Tick(chrono::Utc::now()),
            _ = countdown.tick(), if counting && !animating => Msg::Tick(chrono::Utc::now()),
            _ = clock.tick() => Msg::Tick(chrono::Utc::now()),
        };
        // What already waits is applied before drawing: a burst of pages costs one frame.
        let mut next = Some(msg);
        while let Some(msg) = next {
            for effect in apply(&mut state, msg) {
                if executor.execute(effect) {
                    return Ok(None);
                }
            }
            next = match fetched.try_recv() {
                Ok(event) => Some(Msg::Fetch(event)),
                Err(_) => finished.try_recv().ok(),
            };
        }
        terminal.draw(|frame| ui::render(frame, &state))?;
    }
}

/// Ctrl-Z: in raw mode the terminal sends it as a key rather than stopping the process.
fn is_suspend(key: &crossterm::event::KeyEvent) -> bool {
    use crossterm::event::{KeyCode, KeyModifiers};
    key.code == KeyCode::Char('z') && key.modifiers.contains(KeyModifiers::CONTROL)
}

/// Gives the terminal back, stops as a shell's job control expects, and takes the terminal
/// again when continued (`fg`); the next frame is drawn whole.
fn suspend(terminal: &mut DefaultTerminal) -> Result<()> {
    use crossterm::terminal::{Clear, ClearType, EnterAlternateScreen, enable_raw_mode};
    let _ = crossterm::execute!(stdout(), DisableBracketedPaste, DisableMouseCapture);
    let _ = terminal.show_cursor();
    ratatui::restore();
    #[cfg(unix)]
    // SAFETY: raise only sends a signal to this process; SIGTSTP's default action stops it
    // until SIGCONT, and then raise returns.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    enable_raw_mode()?;
    crossterm::execute!(
        stdout(),
        EnterAlternateScreen,
        Clear(ClearType::All),
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    // A new terminal remembers no previous frame, so the next one is drawn whole (clear()
    // would ask the terminal where its cursor is, and not every terminal answers).
    *terminal = ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(stdout()))?;
    Ok(())
}

/// `update`, then the table's height as the layout now makes it, when that changed: paging and
/// scrolling need it, and the app cannot ask the drawing code.
pub fn apply(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    let mut effects = update(state, msg);
    if let Some(rows) = ui::layout::changed_table_rows(state) {
        effects.extend(update(state, Msg::TableRows(rows)));
    }
    effects
}
