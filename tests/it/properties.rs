//! Property tests: the app under random input never panics and keeps its promises; the sandbox
//! answers whatever arrives.

use crate::common::app::*;
use crate::common::{ADMIN_KEY, MEMBER_KEY, authorization, demo, raw, securityhub};
use crossterm::event::KeyCode;
use guestlist::app::state::table::Query;
use guestlist::app::{AppState, Mode, Msg, ServiceTab};
use guestlist::model::{AwsError, ErrorKind, SourceId};
use guestlist::model::{Outcome, Readiness, Response};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[derive(Debug, Clone)]
enum Step {
    Key(char),
    Special(u8),
    Resize(u16, u16),
    Page {
        source: usize,
        count: usize,
        age: i64,
    },
    Finish(usize),
    Fail(usize),
    Refresh,
    Answered {
        source: usize,
        ok: bool,
    },
    Ready,
    Paste(String),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => prop::sample::select(vec!['j', 'k', 'g', 'G', '/', 'a', 'd', 'D', ' ', 's', 'S', '1', '2', '3', '4', 'm', 'i', 'x', 'y', 'n', '?', 'e', 'u', '0']).prop_map(Step::Key),
        3 => (0u8..8).prop_map(Step::Special),
        1 => (1u16..260, 1u16..80).prop_map(|(w, h)| Step::Resize(w, h)),
        3 => (0usize..6, 0usize..60, 0i64..2000).prop_map(|(source, count, age)| Step::Page { source, count, age }),
        1 => (0usize..6).prop_map(Step::Finish),
        1 => (0usize..6).prop_map(Step::Fail),
        1 => Just(Step::Refresh),
        1 => (0usize..6, any::<bool>()).prop_map(|(source, ok)| Step::Answered { source, ok }),
        1 => Just(Step::Ready),
        1 => "[0-9a-z ,@.\n]{0,40}".prop_map(Step::Paste),
    ]
}

fn apply(state: &mut AppState, step: &Step) {
    let sources = all_sources();
    match step {
        Step::Key(c) => {
            press(state, &c.to_string());
        }
        Step::Special(code) => {
            let code = match code {
                0 => KeyCode::Enter,
                1 => KeyCode::Esc,
                2 => KeyCode::Tab,
                3 => KeyCode::BackTab,
                4 => KeyCode::PageDown,
                5 => KeyCode::PageUp,
                6 => KeyCode::Backspace,
                _ => KeyCode::End,
            };
            send(state, key(code));
        }
        Step::Resize(w, h) => {
            send(state, Msg::Resize(*w, *h));
        }
        Step::Page { source, count, age } => {
            let id = &sources[*source];
            let invitations = (0..*count)
                .map(|n| {
                    invitation(
                        id.service,
                        &id.region,
                        &format!("1{:011}", n),
                        age + n as i64,
                    )
                })
                .collect();
            page(state, id, invitations);
        }
        Step::Finish(source) => finish(state, &sources[*source]),
        Step::Fail(source) => fail(
            state,
            &sources[*source],
            ErrorKind::Throttled,
            "TooManyRequestsException",
            "slow down",
        ),
        Step::Refresh => {
            press(state, "r");
        }
        Step::Answered { source, ok } => {
            let id: SourceId = sources[*source].clone();
            let key = state
                .invitations
                .visible_rows()
                .find(|r| r.invitation.source() == id)
                .map(|r| r.invitation.key());
            if let Some(key) = key {
                let result = if *ok {
                    Ok(())
                } else {
                    Err(AwsError::new(ErrorKind::Service, "No", "no"))
                };
                send(
                    state,
                    Msg::Answered {
                        source: id,
                        response: Response::Decline,
                        outcomes: vec![Outcome { key, result }],
                    },
                );
            }
        }
        Step::Ready => {
            if let Some(dialog) = state.dialog() {
                let results = dialog
                    .sources()
                    .into_iter()
                    .map(|s| (s, Ok(Readiness::default())))
                    .collect();
                let id = dialog.id;
                send(
                    state,
                    Msg::Readiness {
                        dialog: id,
                        results,
                    },
                );
            }
        }
        Step::Paste(text) => {
            send(state, Msg::Paste(text.clone()));
        }
    }
}

fn check(state: &AppState) {
    let len = state.invitations.visible_len();
    if len > 0 {
        assert!(
            state.invitations.selected() < len,
            "selection {} of {len}",
            state.invitations.selected()
        );
        assert!(state.invitations.offset() <= state.invitations.selected());
    }
    let query = Query::parse::<guestlist::app::Row>(state.invitations.filter());
    for row in state.invitations.visible_rows() {
        assert!(
            query.matches(row, state.invitations.columns()),
            "a shown row does not match “{}”",
            state.invitations.filter()
        );
        if let ServiceTab::Only(service) = state.tab {
            assert_eq!(row.invitation.service, service);
        }
    }
    assert_eq!(
        state.invitations.count(state.tab),
        len,
        "the view's count is what is shown"
    );
    // Pages merged one by one leave the rows where one sort of them all would.
    let mut resorted = state.invitations.clone();
    resorted.resort(&state.identities);
    let keys = |table: &guestlist::app::state::table::Browser<guestlist::app::Row, _>| {
        table
            .visible_rows()
            .map(|r| r.invitation.key())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(&state.invitations),
        keys(&resorted),
        "rows in sort order"
    );
    let members = state.members.table.visible_len();
    if members > 0 {
        assert!(state.members.table.selected() < members);
    }
    if state.mode() == Mode::Confirm {
        assert!(state.dialog().is_some() || state.proposal().is_some());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn the_app_never_panics_and_keeps_its_promises(steps in prop::collection::vec(step(), 1..60)) {
        let mut state = state();
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        send(&mut state, Msg::Resize(100, 30));
        for step in &steps {
            apply(&mut state, step);
            check(&state);
            let (w, h) = state.size;
            terminal.backend_mut().resize(w, h);
            terminal.autoresize().unwrap();
            terminal.draw(|frame| guestlist::ui::render(frame, &state)).unwrap();
        }
    }
}

#[derive(Debug, Clone)]
struct Raw {
    method: &'static str,
    path: String,
    authorization: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

fn raw_request() -> impl Strategy<Value = Raw> {
    let service = prop::sample::select(vec![
        "securityhub",
        "guardduty",
        "detective",
        "sts",
        "s3",
        "",
    ]);
    let key = prop::sample::select(vec![MEMBER_KEY, ADMIN_KEY, "123456789012", "nobody", ""]);
    let region = prop::sample::select(vec!["us-east-1", "eu-west-1", "af-south-1", "UPPER", ""]);
    let path = prop_oneof![
        prop::sample::select(vec![
            "/invitations",
            "/invitations/count",
            "/invitations/decline",
            "/invitations/delete",
            "/invitations/list",
            "/invitation",
            "/invitation/removal",
            "/members",
            "/members/get",
            "/graph/members",
            "/graph/members/list",
            "/detector",
            "/administrator",
            "/accounts",
            "/",
            "/_sandbox/stats",
            "/_sandbox/faults",
        ])
        .prop_map(str::to_owned),
        "/[a-z%0-9/._-]{0,40}(\\?[a-zA-Z=&%0-9]{0,30})?",
    ];
    let body = prop_oneof![
        Just(Vec::new()),
        Just(b"{}".to_vec()),
        "\\{\"[A-Za-z]{1,12}\": ?(\\[\"[0-9]{0,14}\"\\]|\"[a-z:0-9]{0,40}\"|[0-9-]{1,25}|null|true)\\}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..200),
    ];
    (
        prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "PATCH"]),
        path,
        (service, key, region, any::<bool>()),
        prop::option::of(prop::sample::select(vec!["application/json", "text/plain"])),
        body,
    )
        .prop_map(
            |(method, path, (service, key, region, signed), content_type, body)| Raw {
                method,
                path,
                authorization: signed.then(|| authorization(key, region, service)),
                content_type: content_type.map(str::to_owned),
                body,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_sandbox_always_answers_and_never_fails_on_its_own(requests in prop::collection::vec(raw_request(), 1..8)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let sandbox = demo().await;
            for request in &requests {
                // Faults must never come from the fuzzer: it may only read the settings.
                if request.path.starts_with("/_sandbox/") && request.method != "GET" {
                    continue;
                }
                let mut headers: Vec<(&str, &str)> = Vec::new();
                if let Some(auth) = &request.authorization {
                    headers.push(("Authorization", auth));
                }
                if let Some(content_type) = &request.content_type {
                    headers.push(("Content-Type", content_type));
                }
                let response = raw(&sandbox, request.method, &request.path, &headers, &request.body).await;
                prop_assert!((200..500).contains(&response.status), "{request:?} -> {} {}", response.status, response.body);
            }
            // Still serving, still consistent.
            let member = securityhub(&sandbox, MEMBER_KEY, "us-east-1").await;
            prop_assert!(member.get_invitations_count().send().await.is_ok());
            Ok(())
        })?;
    }
}

/// What one source of a fan-out does: lists this many rows over some pages, or fails after
/// some of them.
#[derive(Debug, Clone)]
struct SourcePlan {
    rows: usize,
    pages: usize,
    fails: bool,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// However the accounts of a fan-out fail, and in whatever order their pages and failures
    /// arrive, every row of a source that answered is shown, and none of one that failed
    /// half way is lost either (rows stream in until the first listing completes).
    #[test]
    fn no_mix_of_failing_accounts_loses_a_row(
        accounts in 1usize..6,
        outcomes in prop::collection::vec((0usize..4, 1usize..3, any::<bool>()), 24),
        order in prop::collection::vec(any::<u16>(), 64),
    ) {
        use guestlist::fetch::FetchEvent;
        use guestlist::model::ServiceKind;
        let profiles: Vec<String> = (0..accounts).map(|a| format!("21000000000{a}")).collect();
        let mut sources = Vec::new();
        for profile in &profiles {
            for service in ServiceKind::ALL {
                for region in ["us-east-1", "eu-west-1"] {
                    sources.push(SourceId { profile: profile.clone(), region: region.into(), service });
                }
            }
        }
        let plans: Vec<SourcePlan> = sources
            .iter()
            .zip(outcomes.iter().cycle())
            .map(|(_, (rows, pages, fails))| SourcePlan { rows: *rows, pages: *pages, fails: *fails })
            .collect();
        let mut state = AppState::new(
            sources.clone(),
            profiles.clone(),
            ServiceKind::ALL.to_vec(),
            vec!["us-east-1".into(), "eu-west-1".into()],
            guestlist::app::Settings::default(),
            now(),
        );
        // Every source's events, in its own order; the sources interleaved as `order` says.
        let mut queues: Vec<Vec<Msg>> = sources
            .iter()
            .zip(&plans)
            .map(|(id, plan)| {
                let mut events = Vec::new();
                let mut made = 0;
                for page in 0..plan.pages {
                    let count = if page + 1 == plan.pages { plan.rows - made.min(plan.rows) } else { plan.rows / plan.pages };
                    let invitations = (made..made + count)
                        .map(|n| {
                            let mut i = invitation(id.service, &id.region, &format!("1000000000{n:02}"), n as i64);
                            i.profile = id.profile.clone();
                            i
                        })
                        .collect();
                    made += count;
                    events.push(Msg::Fetch(FetchEvent::Page { generation: 1, source: id.clone(), invitations }));
                }
                events.push(Msg::Fetch(if plan.fails {
                    FetchEvent::Failed {
                        generation: 1,
                        source: id.clone(),
                        error: AwsError::new(ErrorKind::RoleNotAssumed, "RoleNotAssumed", "cannot assume"),
                        elapsed: std::time::Duration::from_millis(1),
                    }
                } else {
                    FetchEvent::Finished { generation: 1, source: id.clone(), elapsed: std::time::Duration::from_millis(1) }
                }));
                events.reverse();
                events
            })
            .collect();
        let mut turn = order.iter().cycle();
        while queues.iter().any(|q| !q.is_empty()) {
            let pick = usize::from(*turn.next().unwrap()) % queues.len();
            let at = (pick..queues.len()).chain(0..pick).find(|&q| !queues[q].is_empty()).unwrap();
            let msg = queues[at].pop().unwrap();
            guestlist::app::update(&mut state, msg);
        }
        for (id, plan) in sources.iter().zip(&plans) {
            let shown = state.shown(id).len();
            prop_assert_eq!(shown, plan.rows, "{:?} ({:?}) shows {} of its rows", id, plan, shown);
        }
        let total: usize = plans.iter().map(|p| p.rows).sum();
        prop_assert_eq!(state.invitations.visible_len(), total);
    }
}
