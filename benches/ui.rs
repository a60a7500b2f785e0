//! The dashboard's hot paths with 10,000 invitations from one identity, and with 100,000 from
//! an organization's fan-out (51,000 sources): drawing a frame, merging a page, filtering.
//!
//! `cargo bench -- ui`

use std::time::Duration;

use chrono::{TimeZone, Utc};
use criterion::{BatchSize, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use guestlist::app::{AppState, Msg, Settings, update};
use guestlist::fetch::FetchEvent;
use guestlist::model::{Details, Invitation, ServiceKind, SourceId, Status};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];

/// 3 services × 4 regions for each of `accounts` identities (`bench` when there is one).
fn sources(accounts: usize) -> Vec<SourceId> {
    let profiles: Vec<String> = match accounts {
        1 => vec!["bench".into()],
        n => (1..=n).map(|i| format!("3{i:011}")).collect(),
    };
    profiles
        .iter()
        .flat_map(|profile| {
            ServiceKind::ALL.into_iter().flat_map(move |service| {
                REGIONS.iter().map(move |region| SourceId {
                    profile: profile.clone(),
                    region: (*region).into(),
                    service,
                })
            })
        })
        .collect()
}

fn invitation(source: &SourceId, n: usize) -> Invitation {
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    Invitation {
        service: source.service,
        profile: source.profile.clone(),
        region: source.region.clone(),
        account_id: None,
        administrator_id: format!("1{n:011}"),
        invitation_id: Some(format!("{n:032x}")),
        graph_arn: None,
        invited_at: Some(now - chrono::Duration::minutes((n * 7 % 100_000) as i64)),
        status_raw: "Invited".into(),
        status: Status::Pending,
        details: Details::SecurityHub {},
    }
}

fn page(state: &mut AppState, source: &SourceId, invitations: Vec<Invitation>) {
    let generation = state.generation;
    update(
        state,
        Msg::Fetch(FetchEvent::Page {
            generation,
            source: source.clone(),
            invitations,
        }),
    );
}

/// `count` invitations over the complete sources of `accounts` identities, and one more source
/// that has started but sent nothing yet, for pages to stream into.
fn loaded(count: usize, accounts: usize) -> (AppState, SourceId) {
    let complete = sources(accounts);
    let streaming = SourceId {
        profile: "bench".into(),
        region: "eu-north-1".into(),
        service: ServiceKind::SecurityHub,
    };
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    let mut state = AppState::new(
        complete.iter().cloned().chain([streaming.clone()]),
        complete
            .iter()
            .map(|s| s.profile.clone())
            .chain(["bench".to_owned()])
            .collect::<std::collections::BTreeSet<_>>(),
        ServiceKind::ALL.to_vec(),
        REGIONS.iter().map(|r| r.to_string()).collect(),
        Settings::default(),
        now,
    );
    update(&mut state, Msg::Resize(120, 40));
    let mut n = 0;
    for (i, source) in complete.iter().enumerate() {
        let share = count / complete.len() + usize::from(i < count % complete.len());
        let invitations: Vec<Invitation> = (0..share)
            .map(|_| {
                n += 1;
                invitation(source, n)
            })
            .collect();
        for chunk in invitations.chunks(50) {
            page(&mut state, source, chunk.to_vec());
        }
        let generation = state.generation;
        update(
            &mut state,
            Msg::Fetch(FetchEvent::Finished {
                generation,
                source: source.clone(),
                elapsed: Duration::from_millis(300),
            }),
        );
    }
    assert_eq!(state.invitations.visible_len(), count);
    (state, streaming)
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    })
}

fn hot_paths(c: &mut Criterion, count: usize, accounts: usize) {
    let (state, streaming) = loaded(count, accounts);
    let rows = if count == 10_000 {
        "10,000".to_owned()
    } else {
        format!(
            "{},000 (over {} sources)",
            count / 1000,
            state.sources.len()
        )
    };

    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    c.bench_function(
        &format!("render one frame of {rows} invitations (120x40)"),
        |b| {
            b.iter(|| {
                terminal
                    .draw(|frame| guestlist::ui::render(frame, &state))
                    .unwrap();
            })
        },
    );
    let mut wide = Terminal::new(TestBackend::new(250, 70)).unwrap();
    let mut wide_state = state.clone();
    update(&mut wide_state, Msg::Resize(250, 70));
    c.bench_function(
        &format!("render one frame of {rows} invitations (250x70)"),
        |b| {
            b.iter(|| {
                wide.draw(|frame| guestlist::ui::render(frame, &wide_state))
                    .unwrap();
            })
        },
    );

    let next_page: Vec<Invitation> = (0..50)
        .map(|n| invitation(&streaming, 900_000 + n))
        .collect();
    c.bench_function(&format!("merge a page of 50 into {rows}"), |b| {
        b.iter_batched(
            || (state.clone(), next_page.clone()),
            |(mut state, invitations)| {
                page(&mut state, &streaming, invitations);
                state
            },
            BatchSize::LargeInput,
        )
    });

    let mut filtering = state.clone();
    update(&mut filtering, key('/'));
    update(&mut filtering, key('1'));
    c.bench_function(&format!("filter {rows} on a keystroke"), |b| {
        b.iter_batched(
            || filtering.clone(),
            |mut state| {
                update(&mut state, key('2'));
                state
            },
            BatchSize::LargeInput,
        )
    });
}

/// The group, for `benches/main.rs`.
pub fn run() {
    let mut c = Criterion::default()
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    hot_paths(&mut c, 10_000, 1);
    // An organization's fan-out: 1,000 accounts × 3 services × 17 regions would be 51,000
    // sources; 4,250 accounts × 12 make as many.
    hot_paths(&mut c, 100_000, 4_250);
}
