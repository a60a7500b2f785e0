//! The main screens rendered with ratatui's `TestBackend`, as insta snapshots.

use crate::common::app::*;
use crossterm::event::KeyCode;
use guestlist::app::{AppState, Msg};
use guestlist::model::ErrorKind;
use guestlist::model::ServiceKind::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn render(state: &mut AppState, width: u16, height: u16) -> Terminal<TestBackend> {
    send(state, Msg::Resize(width, height));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| guestlist::ui::render(frame, state))
        .unwrap();
    terminal
}

#[test]
fn loading_before_any_page() {
    let mut state = state();
    insta::assert_snapshot!(render(&mut state, 80, 24).backend());
}

#[test]
fn list_while_pages_stream_in() {
    let mut state = state();
    let id = source(SecurityHub, "us-east-1");
    page(
        &mut state,
        &id,
        vec![invitation(SecurityHub, "us-east-1", "111122223333", 2)],
    );
    let gd = source(GuardDuty, "eu-west-1");
    page(
        &mut state,
        &gd,
        vec![invitation(GuardDuty, "eu-west-1", "555566667777", 30)],
    );
    finish(&mut state, &gd);
    insta::assert_snapshot!(render(&mut state, 80, 24).backend());
}

#[test]
fn list_at_80_by_24() {
    let mut state = loaded();
    insta::assert_snapshot!(render(&mut state, 80, 24).backend());
}

#[test]
fn list_at_250_by_70() {
    let mut state = loaded();
    insta::assert_snapshot!(render(&mut state, 250, 70).backend());
}

#[test]
fn narrow_terminal() {
    let mut state = loaded();
    insta::assert_snapshot!(render(&mut state, 60, 16).backend());
}

#[test]
fn detail_of_a_disabled_detective_membership() {
    let mut state = loaded();
    press(&mut state, "4");
    let position = state
        .invitations
        .visible_rows()
        .position(|r| r.invitation.status_raw == "ACCEPTED_BUT_DISABLED")
        .unwrap();
    for _ in 0..position {
        press(&mut state, "j");
    }
    send(&mut state, key(KeyCode::Enter));
    insta::assert_snapshot!("detail_80x24", render(&mut state, 80, 24).backend());
    insta::assert_snapshot!("detail_120x40", render(&mut state, 120, 40).backend());
}

#[test]
fn help_overlay() {
    let mut state = loaded();
    press(&mut state, "?");
    insta::assert_snapshot!(render(&mut state, 80, 24).backend());
}

#[test]
fn filter_being_typed() {
    let mut state = loaded();
    press(&mut state, "/guard");
    insta::assert_snapshot!(render(&mut state, 80, 24).backend());
}

#[test]
fn filter_matching_nothing() {
    let mut state = loaded();
    press(&mut state, "/zzz");
    send(&mut state, key(KeyCode::Enter));
    insta::assert_snapshot!(render(&mut state, 80, 24).backend());
}

#[test]
fn errors_next_to_results() {
    let mut state = state();
    for id in all_sources() {
        match (id.service, id.region.as_str()) {
            (GuardDuty, _) => fail(
                &mut state,
                &id,
                ErrorKind::AccessDenied,
                "AccessDeniedException",
                "User is not authorized to perform: guardduty:ListInvitations",
            ),
            (Detective, "eu-west-1") => fail(
                &mut state,
                &id,
                ErrorKind::RegionNotEnabled,
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            ),
            (service, region) => {
                page(
                    &mut state,
                    &id,
                    vec![invitation(service, region, "111122223333", 5)],
                );
                finish(&mut state, &id);
            }
        }
    }
    insta::assert_snapshot!(render(&mut state, 100, 30).backend());
}

#[test]
fn empty_when_nothing_is_pending() {
    let mut state = state();
    for id in all_sources() {
        page(&mut state, &id, Vec::new());
        finish(&mut state, &id);
    }
    insta::assert_snapshot!(render(&mut state, 80, 24).backend());
}

#[test]
fn marked_rows_and_outcomes_on_rows() {
    use guestlist::app::Note;
    use guestlist::model::Response;
    let mut state = loaded();
    send(&mut state, key(KeyCode::Char(' ')));
    send(&mut state, key(KeyCode::Char(' ')));
    let keys: Vec<String> = state
        .invitations
        .visible_rows()
        .map(|r| r.invitation.key())
        .collect();
    state.invitations.set_note(
        keys[2].clone(),
        Note::Failed(
            Response::Accept,
            "InvalidAccessException: not subscribed".into(),
        ),
    );
    state
        .invitations
        .set_note(keys[3].clone(), Note::Working(Response::Decline));
    insta::assert_snapshot!(render(&mut state, 100, 24).backend());
}

#[test]
fn confirm_dialog_asking_then_ready() {
    use guestlist::app::Msg;
    use guestlist::model::{Readiness, Response, Step};
    let mut state = loaded();
    press(&mut state, " ");
    press(&mut state, "j ");
    press(&mut state, "a");
    insta::assert_snapshot!(
        "confirm_dialog_asking",
        render(&mut state, 100, 30).backend()
    );
    let dialog = state.dialog().unwrap();
    let results = dialog
        .sources()
        .into_iter()
        .map(|source| {
            let steps = match source.service {
                SecurityHub => vec![Step::EnableSecurityHub],
                _ => vec![Step::CreateDetector],
            };
            (source, Ok(Readiness { steps }))
        })
        .collect();
    let id = dialog.id;
    send(
        &mut state,
        Msg::Readiness {
            dialog: id,
            results,
        },
    );
    assert_eq!(state.dialog().unwrap().response, Response::Accept);
    insta::assert_snapshot!(
        "confirm_dialog_ready",
        render(&mut state, 100, 30).backend()
    );
}

#[test]
fn read_only_header() {
    let mut state = loaded();
    state.settings.read_only = true;
    press(&mut state, "a");
    insta::assert_snapshot!(render(&mut state, 100, 24).backend());
}

/// The main screens and dialogs at the three sizes people use, looked at one by one.
mod every_size {
    use super::*;
    use guestlist::app::{Msg, Overlay, Proposal};
    use guestlist::model::{Invitee, Readiness, Step};

    const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

    fn screen(state: &mut AppState, name: &str) {
        for (width, height) in SIZES {
            let drawn = render(state, width, height);
            insta::assert_snapshot!(format!("{name}_{width}x{height}"), drawn.backend());
        }
    }

    /// Every size shows the dialog's keys, however long its lines.
    fn keys_show(state: &mut AppState) {
        for (width, height) in SIZES {
            let drawn = render(state, width, height).backend().to_string();
            assert!(drawn.contains("Esc cancel"), "{width}x{height}:\n{drawn}");
        }
    }

    #[test]
    fn invitations() {
        let mut state = loaded();
        screen(&mut state, "invitations");
    }

    /// With a trust policy, each sender carries its mark (✓ trusted, ✗ not), which survives
    /// without colour; the detail says why.
    #[test]
    fn invitations_judged_by_a_trust_policy() {
        let mut state = loaded_trusting(&["111122223333"]);
        screen(&mut state, "trusted_and_not");
        // `t`: only the untrusted; Enter: the detail of the first, with why.
        press(&mut state, "t");
        let rows = shown(&state);
        assert!(
            !rows.is_empty() && rows.iter().all(|r| !r.ends_with("111122223333")),
            "{rows:?}"
        );
        send(&mut state, key(KeyCode::Enter));
        screen(&mut state, "untrusted_detail");
    }

    /// The history overlay: newest first, leaving called out.
    #[test]
    fn history() {
        let mut state = loaded();
        press(&mut state, "h");
        let event = |hours: i64, name: &str, by: &str| guestlist::model::HistoryEvent {
            time: now() - chrono::Duration::hours(hours),
            service: guestlist::model::ServiceKind::GuardDuty,
            region: "eu-west-1".into(),
            profile: "demo".into(),
            event: name.into(),
            by: by.into(),
            parameters: r#"{"detectorId":"6ab5c1f2e9d04a7b8c3d2e1f0a9b8c7d"}"#.into(),
        };
        send(
            &mut state,
            Msg::History {
                events: vec![
                    event(
                        144,
                        "DisassociateFromAdministratorAccount",
                        "arn:aws:sts::444455556666:assumed-role/DevOps/jsmith",
                    ),
                    event(
                        900,
                        "AcceptAdministratorInvitation",
                        "arn:aws:sts::444455556666:assumed-role/SecurityAdmin/alee",
                    ),
                ],
                failures: vec!["me-south-1 as demo: AccessDenied".into()],
            },
        );
        screen(&mut state, "history");
    }

    /// `c`: the coverage matrix over the members listed, a roster account no one lists
    /// absent everywhere; the cursor's cell told in full; arrows move it.
    #[test]
    fn coverage() {
        let mut state = super::administering::members_screen();
        state.settings.roster = [
            "210000000001",
            "210000000002",
            "210000000003",
            "210000000009",
        ]
        .map(|id| guestlist::model::RosterAccount {
            id: id.into(),
            email: None,
            name: (id == "210000000009").then(|| "payments-prod".to_owned()),
        })
        .to_vec();
        let effects = press(&mut state, "c");
        assert!(effects.is_empty(), "members already listed: {effects:?}");
        assert!(matches!(state.overlay, Overlay::Coverage));
        screen(&mut state, "coverage");
        let view = state.coverage.as_ref().unwrap();
        let last = view.coverage.rows.last().unwrap();
        assert_eq!(
            last.account.id, "210000000001",
            "enabled somewhere: fewest gaps, last"
        );
        let named = view
            .coverage
            .rows
            .iter()
            .find(|r| r.account.id == "210000000009");
        assert_eq!(
            named.unwrap().gaps(),
            all_sources().len(),
            "on the roster, listed nowhere"
        );
        assert_eq!(view.coverage.columns.len(), all_sources().len());
        // Right then down: the next column's cell of the next account.
        send(&mut state, key(crossterm::event::KeyCode::Right));
        press(&mut state, "j");
        let view = state.coverage.as_ref().unwrap();
        assert_eq!((view.row, view.column), (1, 1));
        let account = view.coverage.rows[1].account.id.clone();
        let drawn = render(&mut state, 120, 40).backend().to_string();
        assert!(drawn.contains(&account), "{drawn}");
        send(&mut state, key(crossterm::event::KeyCode::Esc));
        assert!(matches!(state.overlay, Overlay::Table));
        assert!(state.coverage.is_none());
    }

    /// Enter on a row of the matrix: the steps that close its gaps, in the confirm dialog;
    /// `y` sends them and goes back to the matrix; Esc goes back sending nothing.
    #[test]
    fn coverage_reconciles_a_row() {
        let mut state = super::administering::members_screen();
        state.settings.roster = vec![guestlist::model::RosterAccount {
            id: "210000000001".into(),
            email: Some("ops@example.com".into()),
            name: Some("identity-prod".into()),
        }];
        press(&mut state, "c");
        send(&mut state, key(crossterm::event::KeyCode::Enter));
        assert!(
            matches!(state.overlay, Overlay::Proposal(_)),
            "{:?}",
            state.overlay
        );
        screen(&mut state, "coverage_reconcile");
        send(&mut state, key(crossterm::event::KeyCode::Esc));
        assert!(matches!(state.overlay, Overlay::Coverage));
        send(&mut state, key(crossterm::event::KeyCode::Enter));
        let effects = press(&mut state, "y");
        let fixes = effects
            .iter()
            .find_map(|e| match e {
                guestlist::app::Effect::Reconcile { fixes } => Some(fixes.clone()),
                _ => None,
            })
            .expect("a reconcile effect");
        // Enabled in Security Hub us-east-1; its GuardDuty email failed there (recreate);
        // absent in the four other places (create and invite).
        assert_eq!(fixes.len(), all_sources().len() - 1);
        assert!(
            fixes
                .iter()
                .any(|(fix, _, batch)| *fix == guestlist::model::Fix::Recreate
                    && batch.source.service == GuardDuty)
        );
        assert!(
            fixes
                .iter()
                .all(|(_, invitee, _)| invitee.email.as_deref() == Some("ops@example.com"))
        );
        assert!(matches!(state.overlay, Overlay::Coverage));
    }

    /// Space marks cells, across rows: Enter plans only those, for every account they are
    /// in; the marks go once the plan is sent.
    #[test]
    fn coverage_plans_the_cells_marked() {
        let mut state = super::administering::members_screen();
        state.settings.roster = ["210000000001", "210000000009"]
            .map(|id| guestlist::model::RosterAccount {
                id: id.into(),
                email: Some(format!("{id}@example.com")),
                name: None,
            })
            .to_vec();
        press(&mut state, "c");
        // The first row's second cell, and the second row's third.
        send(&mut state, key(crossterm::event::KeyCode::Right));
        send(&mut state, key(crossterm::event::KeyCode::Char(' ')));
        press(&mut state, "j");
        send(&mut state, key(crossterm::event::KeyCode::Right));
        send(&mut state, key(crossterm::event::KeyCode::Char(' ')));
        let view = state.coverage.as_ref().unwrap();
        assert_eq!(view.marked.len(), 2);
        let marked = view.marked.clone();
        screen(&mut state, "coverage_marked");
        send(&mut state, key(crossterm::event::KeyCode::Enter));
        let Overlay::Proposal(guestlist::app::Proposal::Reconcile { steps }) = &state.overlay
        else {
            panic!("{:?}", state.overlay);
        };
        let planned: std::collections::BTreeSet<_> = steps
            .iter()
            .map(|s| (s.source.clone(), s.account.id.clone()))
            .collect();
        assert_eq!(planned, marked, "only the cells marked");
        screen(&mut state, "coverage_reconcile_marked");
        let effects = press(&mut state, "y");
        let fixes = effects
            .iter()
            .find_map(|e| match e {
                guestlist::app::Effect::Reconcile { fixes } => Some(fixes.clone()),
                _ => None,
            })
            .expect("a reconcile effect");
        assert_eq!(fixes.len(), 2);
        assert!(state.coverage.as_ref().unwrap().marked.is_empty());
    }

    /// `o` on a row of the matrix: both sides of its gaps in the confirm dialog; `y` starts
    /// onboarding, each cell marked under way until it ends; another administrator's member
    /// shows as such, and its place is listed again.
    #[test]
    fn coverage_onboards_a_row() {
        use guestlist::app::state::coverage::Onboarding;
        use guestlist::onboarding::{Finish, Stage};
        let mut state = super::administering::members_screen();
        state.settings.roster = vec![guestlist::model::RosterAccount {
            id: "210000000001".into(),
            email: Some("ops@example.com".into()),
            name: Some("identity-prod".into()),
        }];
        press(&mut state, "c");
        press(&mut state, "o");
        assert!(
            matches!(state.overlay, Overlay::Coverage),
            "no role: not offered"
        );
        assert!(
            state
                .notice
                .as_deref()
                .unwrap_or_default()
                .contains("--assume-role"),
            "{:?}",
            state.notice
        );
        state.settings.onboard_role = Some("OrganizationAccountAccessRole".into());
        press(&mut state, "o");
        assert!(
            matches!(state.overlay, Overlay::Proposal(_)),
            "{:?}",
            state.overlay
        );
        screen(&mut state, "coverage_onboard");
        let effects = press(&mut state, "y");
        let steps = effects
            .iter()
            .find_map(|e| match e {
                guestlist::app::Effect::Onboard { steps } => Some(steps.clone()),
                _ => None,
            })
            .expect("an onboarding effect");
        assert_eq!(steps.len(), all_sources().len() - 1, "every gap of the row");
        assert!(matches!(state.overlay, Overlay::Coverage));
        assert_eq!(state.onboarding.len(), steps.len());
        // A second o on the same row has nothing left to start.
        press(&mut state, "o");
        assert!(matches!(state.overlay, Overlay::Coverage));

        let first = &steps[0];
        send(
            &mut state,
            Msg::Onboarding {
                source: first.source.clone(),
                account: first.account.id.clone(),
                progress: Onboarding::At(Stage::Waiting),
            },
        );
        let drawn = render(&mut state, 120, 40).backend().to_string();
        assert!(drawn.contains('↻'), "{drawn}");
        assert!(drawn.contains("onboarding"), "{drawn}");
        let effects = send(
            &mut state,
            Msg::Onboarding {
                source: first.source.clone(),
                account: first.account.id.clone(),
                progress: Onboarding::Ended(Finish::OtherAdministrator("999999999999".into())),
            },
        );
        assert!(
            effects.iter().any(|e| matches!(e,
                guestlist::app::Effect::ListMembers { sources } if sources == &vec![first.source.clone()])),
            "{effects:?}"
        );
        let view = state.coverage.as_ref().unwrap();
        let column = view
            .coverage
            .columns
            .iter()
            .position(|c| *c == first.source)
            .unwrap();
        assert_eq!(
            view.coverage.rows[0].cells[column].state,
            guestlist::model::CellState::OtherAdministrator
        );
        screen(&mut state, "coverage_onboarding");
    }

    /// Opened before the members screen ever was, the matrix asks for the members and fills
    /// in as they arrive.
    #[test]
    fn coverage_lists_the_members_first() {
        let mut state = loaded();
        let effects = press(&mut state, ":");
        assert!(effects.is_empty());
        for c in "coverage".chars() {
            send(&mut state, key(crossterm::event::KeyCode::Char(c)));
        }
        let effects = send(&mut state, key(crossterm::event::KeyCode::Enter));
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, guestlist::app::Effect::ListMembers { .. })),
            "{effects:?}"
        );
        assert_eq!(
            state.coverage.as_ref().unwrap().loading,
            all_sources().len()
        );
        let drawn = render(&mut state, 80, 24).backend().to_string();
        assert!(drawn.contains("Listing the members"), "{drawn}");
        let source = all_sources().remove(0);
        send(
            &mut state,
            Msg::MembersListed {
                source,
                result: Ok(vec![super::administering::member(
                    guestlist::model::ServiceKind::SecurityHub,
                    "210000000004",
                    "Resigned",
                )]),
            },
        );
        let view = state.coverage.as_ref().unwrap();
        assert_eq!(view.loading, all_sources().len() - 1);
        assert_eq!(view.coverage.rows.len(), 1, "the member arrived");
    }

    #[test]
    fn members() {
        let mut state = super::administering::members_screen();
        screen(&mut state, "members");
    }

    #[test]
    fn detail() {
        let mut state = loaded();
        press(&mut state, "G");
        send(&mut state, key(KeyCode::Enter));
        screen(&mut state, "detail");
    }

    #[test]
    fn accept_dialog_with_long_steps() {
        let mut state = loaded();
        press(&mut state, " ");
        press(&mut state, " ");
        press(&mut state, "a");
        let dialog = state.dialog().unwrap();
        let results = dialog
            .sources()
            .into_iter()
            .map(|source| {
                let steps = vec![Step::LeaveAdministrator {
                    administrator: "999988887777".into(),
                }];
                (source, Ok(Readiness { steps }))
            })
            .collect();
        let id = dialog.id;
        send(
            &mut state,
            Msg::Readiness {
                dialog: id,
                results,
            },
        );
        keys_show(&mut state);
        screen(&mut state, "accept_dialog");
        // Smaller than anyone should use: the head, the steps and the keys still show.
        let tiny = render(&mut state, 40, 10).backend().to_string();
        assert!(
            tiny.contains("y or Enter accept") && tiny.contains("not listed"),
            "{tiny}"
        );
    }

    #[test]
    fn invite_proposal_over_many_places() {
        let mut state = loaded();
        press(&mut state, "m");
        let invitees = (0..20)
            .map(|n| Invitee {
                account_id: format!("2100000000{n:02}"),
                email: Some(format!("security+{n}@example.com")),
            })
            .collect();
        let regions = [
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "eu-west-1",
            "eu-west-2",
        ];
        let sources = [SecurityHub, GuardDuty, Detective]
            .into_iter()
            .flat_map(|service| regions.map(|region| source(service, region)))
            .collect();
        state.overlay = Overlay::Proposal(Proposal::Invite {
            invitees,
            message: Some("Welcome to the security organisation".into()),
            sources,
        });
        keys_show(&mut state);
        screen(&mut state, "invite_proposal");
    }
}

#[test]
fn a_choice_where_only_one_can_be_accepted() {
    use guestlist::model::{Readiness, Response};
    let mut state = loaded();
    let sh = source(SecurityHub, "us-east-1");
    page(
        &mut state,
        &sh,
        vec![
            invitation(SecurityHub, "us-east-1", "111122223333", 2),
            invitation(SecurityHub, "us-east-1", "999988887777", 30),
        ],
    );
    finish(&mut state, &sh);
    press(&mut state, "/");
    press(&mut state, "region:us-east-1 service:securityhub");
    send(&mut state, key(KeyCode::Enter));
    press(&mut state, "  a");
    let dialog = state.dialog().unwrap();
    assert_eq!(dialog.response, Response::Accept);
    let results = dialog
        .sources()
        .into_iter()
        .map(|s| (s, Ok(Readiness { steps: Vec::new() })))
        .collect();
    let id = dialog.id;
    send(
        &mut state,
        Msg::Readiness {
            dialog: id,
            results,
        },
    );
    insta::assert_snapshot!(render(&mut state, 100, 30).backend());
}

#[test]
fn nothing_could_be_listed_is_not_empty() {
    let mut state = state();
    for id in all_sources() {
        fail(
            &mut state,
            &id,
            ErrorKind::Credentials,
            "NoCredentials",
            "no credentials found in chain",
        );
    }
    let drawn = render(&mut state, 80, 24).backend().to_string();
    assert!(!drawn.contains("No pending invitations"), "{drawn}");
    insta::assert_snapshot!(drawn);
}

#[test]
fn help_is_per_screen_and_scrolls() {
    let mut state = loaded();
    press(&mut state, "?");
    let invitations = render(&mut state, 100, 40).backend().to_string();
    assert!(invitations.contains("accept (asks first)"));
    assert!(!invitations.contains("remove member"));
    send(&mut state, key(KeyCode::Esc));
    press(&mut state, "m?");
    let members = render(&mut state, 100, 40).backend().to_string();
    assert!(!members.contains("accept (asks first)"), "{members}");
    assert!(members.contains("remove member"));
    // Too small for every key: j scrolls, and the last keys come into view.
    let small = render(&mut state, 40, 12).backend().to_string();
    assert!(!small.contains("quit"), "{small}");
    press(&mut state, "jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj");
    insta::assert_snapshot!("help_40x12_scrolled", render(&mut state, 40, 12).backend());
}

#[test]
fn the_detail_scrolls_when_it_does_not_fit() {
    let mut state = loaded();
    press(&mut state, "G");
    send(&mut state, key(KeyCode::Enter));
    let top = render(&mut state, 60, 12).backend().to_string();
    assert!(top.contains("Service"), "{top}");
    for _ in 0..5 {
        send(&mut state, key(KeyCode::PageDown));
    }
    let scrolled = render(&mut state, 60, 12).backend().to_string();
    assert!(!scrolled.contains("Service  Detective"), "{scrolled}");
    assert!(scrolled.contains("By package"), "{scrolled}");
}

#[test]
fn a_fan_out_counts_accounts_in_the_header() {
    let mut state = loaded();
    state.settings.fan_out = true;
    let drawn = render(&mut state, 100, 24).backend().to_string();
    assert!(
        drawn.lines().next().unwrap().contains(" 1 account │"),
        "{drawn}"
    );
    for profile in ["210000000001", "210000000002"] {
        state.identities.insert(
            profile.to_owned(),
            guestlist::app::IdentityState::Account(profile.to_owned()),
        );
    }
    let drawn = render(&mut state, 100, 24).backend().to_string();
    assert!(
        drawn.lines().next().unwrap().contains("3 accounts"),
        "{drawn}"
    );
}

#[test]
fn message_log() {
    use guestlist::model::{Outcome, Response};
    let mut state = loaded();
    let sh = source(SecurityHub, "us-east-1");
    let accepted = state.shown(&sh)[0].invitation.key();
    send(
        &mut state,
        Msg::Answered {
            source: sh,
            response: Response::Accept,
            outcomes: vec![Outcome {
                key: accepted,
                result: Ok(()),
            }],
        },
    );
    fail(
        &mut state,
        &source(GuardDuty, "eu-west-1"),
        ErrorKind::AccessDenied,
        "AccessDeniedException",
        "User: arn:aws:iam::444455556666:user/ops is not authorized to perform: guardduty:ListInvitations with an explicit deny in a service control policy",
    );
    press(&mut state, "l");
    insta::assert_snapshot!(render(&mut state, 80, 24).backend());
}

mod administering {
    use super::*;
    use guestlist::app::Msg;
    use guestlist::model::Member;

    pub(super) fn member(
        service: guestlist::model::ServiceKind,
        account: &str,
        status: &str,
    ) -> Member {
        Member {
            service,
            profile: "demo".into(),
            region: "us-east-1".into(),
            administrator_id: "111122223333".into(),
            account_id: account.into(),
            email: Some(format!("{account}@example.com")),
            status: status.into(),
            invited_at: Some(now() - chrono::Duration::days(3)),
            updated_at: Some(now() - chrono::Duration::days(1)),
            resource: None,
            disabled_reason: None,
            managed: false,
        }
    }

    pub(super) fn members_screen() -> AppState {
        let mut state = loaded();
        press(&mut state, "m");
        for id in all_sources() {
            let members = match (id.service, id.region.as_str()) {
                (SecurityHub, "us-east-1") => vec![
                    member(SecurityHub, "210000000001", "Enabled"),
                    member(SecurityHub, "210000000002", "Invited"),
                ],
                (GuardDuty, "us-east-1") => {
                    vec![member(GuardDuty, "210000000001", "EmailVerificationFailed")]
                }
                (Detective, "us-east-1") => {
                    vec![member(Detective, "210000000003", "ACCEPTED_BUT_DISABLED")]
                }
                _ => Vec::new(),
            };
            send(
                &mut state,
                Msg::MembersListed {
                    source: id,
                    result: Ok(members),
                },
            );
        }
        state
    }

    #[test]
    fn members_view() {
        let mut state = members_screen();
        insta::assert_snapshot!(render(&mut state, 100, 24).backend());
    }

    #[test]
    fn members_with_a_region_off_a_failure_and_the_detail() {
        use guestlist::app::MemberNote;
        use guestlist::model::AwsError;
        let mut state = loaded();
        press(&mut state, "m");
        for id in all_sources() {
            let result = match (id.service, id.region.as_str()) {
                (SecurityHub, "us-east-1") => {
                    Ok(vec![member(SecurityHub, "210000000001", "Enabled")])
                }
                (GuardDuty, "eu-west-1") => Err(AwsError::new(
                    ErrorKind::RegionNotEnabled,
                    "UnrecognizedClientException",
                    "The security token included in the request is invalid",
                )),
                (Detective, "eu-west-1") => Err(AwsError::new(
                    ErrorKind::AccessDenied,
                    "AccessDeniedException",
                    "not authorized to perform detective:ListGraphs",
                )),
                _ => Ok(Vec::new()),
            };
            send(&mut state, Msg::MembersListed { source: id, result });
        }
        // The panel is as tall as what it names, not half the screen.
        let areas = guestlist::ui::layout::areas(ratatui::layout::Rect::new(0, 0, 100, 40), &state);
        assert_eq!(areas.sources.height, 5, "three listings and the borders");
        let first = state.members.table.visible_row(0).unwrap().member.key();
        state.members.table.set_note(
            first,
            MemberNote::Failed("InvalidInputException: The request is rejected because the member account 210000000001 is associated with another administrator account in this Region".into()),
        );
        insta::assert_snapshot!(
            "members_region_off_and_failure",
            render(&mut state, 100, 24).backend()
        );
        send(&mut state, key(KeyCode::Enter));
        assert_eq!(state.mode(), guestlist::app::Mode::Detail);
        insta::assert_snapshot!("member_detail", render(&mut state, 100, 24).backend());
    }

    #[test]
    fn invite_form_with_errors() {
        let mut state = members_screen();
        press(&mut state, "i");
        press(&mut state, "111111111111 12345");
        send(&mut state, key(KeyCode::Enter));
        insta::assert_snapshot!(render(&mut state, 100, 30).backend());
    }

    #[test]
    fn remove_members_dialog() {
        let mut state = members_screen();
        press(&mut state, " ");
        press(&mut state, "x");
        insta::assert_snapshot!(render(&mut state, 100, 24).backend());
    }

    /// The dialog names the calls of the services of the members chosen, and no others.
    #[test]
    fn remove_members_dialog_names_the_calls_of_the_services_chosen() {
        let mut state = members_screen();
        press(&mut state, " ");
        press(&mut state, "G");
        press(&mut state, " ");
        press(&mut state, "x");
        let screen = format!("{:?}", render(&mut state, 100, 30).backend());
        assert!(screen.contains("2 member(s)?"), "{screen}");
        for said in [
            "Security Hub: DisassociateMembers then DeleteMembers",
            "Detective: DeleteMembers, in batches of at most 50",
        ] {
            assert!(screen.contains(said), "{said}: {screen}");
        }
        assert!(
            !screen.contains("GuardDuty:") && !screen.contains("Macie:"),
            "{screen}"
        );
    }
}

#[test]
fn every_source_state_is_named_with_what_to_do() {
    let mut state = state();
    let states = [
        (
            SecurityHub,
            "us-east-1",
            ErrorKind::CredentialsRejected,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
        (
            SecurityHub,
            "eu-west-1",
            ErrorKind::TokenNotValidInRegion,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ),
        (
            GuardDuty,
            "us-east-1",
            ErrorKind::AccessDenied,
            "AccessDeniedException",
            "User is not authorized to perform: guardduty:ListInvitations with an explicit deny in a service control policy",
        ),
        (
            GuardDuty,
            "eu-west-1",
            ErrorKind::RegionNotEnabled,
            "RegionDisabledException",
            "not enabled",
        ),
        (
            Detective,
            "us-east-1",
            ErrorKind::Throttled,
            "TooManyRequestsException",
            "Rate exceeded",
        ),
        (
            Detective,
            "eu-west-1",
            ErrorKind::NotEnabled,
            "InvalidAccessException",
            "not subscribed",
        ),
    ];
    for (service, region, kind, code, message) in states {
        fail(&mut state, &source(service, region), kind, code, message);
    }
    // Compact: counts by state, problems first, and the first failure named.
    insta::assert_snapshot!("sources_compact", render(&mut state, 200, 30).backend());
    // e: every source, failures first; Enter opens one whole.
    press(&mut state, "e");
    insta::assert_snapshot!(render(&mut state, 200, 30).backend());
    send(&mut state, key(KeyCode::Enter));
    insta::assert_snapshot!("sources_one_opened", render(&mut state, 120, 30).backend());
    send(&mut state, key(KeyCode::Esc));
    send(&mut state, key(KeyCode::Esc));
    assert_eq!(state.mode(), guestlist::app::Mode::Table);
}
