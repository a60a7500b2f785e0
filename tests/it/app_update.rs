//! The dashboard driven headless by messages: no terminal, no network.

use crate::common::app::*;
use crossterm::event::{KeyCode, MouseEvent, MouseEventKind};
use guestlist::app::{Column, Effect, IdentityState, Mode, Msg, Phase, ServiceTab};
use guestlist::fetch::FetchEvent;
use guestlist::model::ServiceKind::*;
use guestlist::model::{AwsError, ErrorKind};

#[test]
fn rows_appear_with_the_first_page_of_any_source() {
    let mut state = state();
    assert!(state.is_loading());
    assert_eq!(state.invitations.visible_len(), 0);
    let first = source(GuardDuty, "eu-west-1");
    page(
        &mut state,
        &first,
        vec![invitation(GuardDuty, "eu-west-1", "111122223333", 1)],
    );
    assert_eq!(shown(&state), ["guardduty eu-west-1 111122223333"]);
    assert!(matches!(
        state.sources.iter().find(|s| s.id == first).unwrap().phase,
        Phase::Loading
    ));
    assert!(state.is_loading(), "the other sources are still out");
    assert_eq!(
        state.identities.get("demo"),
        Some(&IdentityState::Account("444455556666".into()))
    );
}

#[test]
fn pages_merge_in_sort_order_and_the_selection_stays_on_its_invitation() {
    let mut state = state();
    let sh = source(SecurityHub, "us-east-1");
    page(
        &mut state,
        &sh,
        vec![invitation(SecurityHub, "us-east-1", "100000000010", 10)],
    );
    // Newer invitations sort above (Invited, newest first); until the person moves, the
    // cursor stays on the first row, whichever row arrived first.
    page(
        &mut state,
        &sh,
        vec![
            invitation(SecurityHub, "us-east-1", "100000000001", 1),
            invitation(SecurityHub, "us-east-1", "100000000020", 20),
        ],
    );
    assert_eq!(
        shown(&state),
        [
            "securityhub us-east-1 100000000001",
            "securityhub us-east-1 100000000010",
            "securityhub us-east-1 100000000020"
        ]
    );
    assert_eq!(state.invitations.selected(), 0);
    // Once moved, the cursor follows its row as rows land above it.
    press(&mut state, "j");
    let selected_before = state.invitations.selected_row().unwrap().invitation.key();
    page(
        &mut state,
        &sh,
        vec![invitation(SecurityHub, "us-east-1", "100000000000", 0)],
    );
    assert_eq!(state.invitations.selected(), 2);
    assert_eq!(
        state.invitations.selected_row().unwrap().invitation.key(),
        selected_before
    );
    // g goes back to the top, and stays there.
    press(&mut state, "g");
    page(
        &mut state,
        &sh,
        vec![invitation(SecurityHub, "us-east-1", "100000000030", 0)],
    );
    assert_eq!(state.invitations.selected(), 0);
    finish(&mut state, &sh);
    assert_eq!(
        state.invitations.visible_len(),
        5,
        "finishing a first listing keeps its rows"
    );
}

#[test]
fn a_failing_source_is_reported_and_hides_nothing_else() {
    let mut state = state();
    for id in all_sources() {
        if id.service == GuardDuty {
            fail(
                &mut state,
                &id,
                ErrorKind::AccessDenied,
                "AccessDeniedException",
                "not allowed",
            );
        } else {
            page(
                &mut state,
                &id,
                vec![invitation(id.service, &id.region, "111122223333", 3)],
            );
            finish(&mut state, &id);
        }
    }
    assert_eq!(
        state.invitations.visible_len(),
        6,
        "Security Hub, Detective and Macie rows are all there"
    );
    let failed = state
        .sources
        .iter()
        .filter(|s| matches!(&s.phase, Phase::Failed { error, .. } if error.code == "AccessDeniedException"))
        .count();
    assert_eq!(failed, 2);
    assert!(!state.is_loading());
}

#[test]
fn results_of_a_superseded_fetch_are_dropped() {
    let mut state = loaded();
    let commands = press(&mut state, "r");
    assert_eq!(commands, [Effect::Fetch { generation: 2 }]);
    assert_eq!(
        state.invitations.visible_len(),
        6,
        "a refresh keeps the rows on screen"
    );
    send(
        &mut state,
        Msg::Fetch(FetchEvent::Page {
            generation: 1,
            source: source(SecurityHub, "us-east-1"),
            invitations: vec![invitation(SecurityHub, "us-east-1", "999999999999", 1)],
        }),
    );
    assert!(!shown(&state).iter().any(|r| r.contains("999999999999")));
}

#[test]
fn a_refresh_replaces_a_source_only_when_its_new_listing_is_complete() {
    let mut state = loaded();
    press(&mut state, "G");
    let selected = state.invitations.selected_row().unwrap().invitation.key();
    press(&mut state, "r");
    let sh = source(SecurityHub, "us-east-1");
    page(
        &mut state,
        &sh,
        vec![invitation(SecurityHub, "us-east-1", "123456789012", 1)],
    );
    assert_eq!(
        state.invitations.visible_len(),
        6,
        "half a listing does not replace a whole one"
    );
    finish(&mut state, &sh);
    assert!(shown(&state).contains(&"securityhub us-east-1 123456789012".to_owned()));
    assert!(!shown(&state).contains(&"securityhub us-east-1 111122223333".to_owned()));
    assert_eq!(
        state.invitations.selected_row().unwrap().invitation.key(),
        selected,
        "selection kept"
    );
}

#[test]
fn a_refresh_with_fewer_rows_keeps_a_valid_selection() {
    let mut state = state();
    let sh = source(SecurityHub, "us-east-1");
    let three = (1..=3)
        .map(|i| invitation(SecurityHub, "us-east-1", &format!("10000000000{i}"), i))
        .collect();
    page(&mut state, &sh, three);
    finish(&mut state, &sh);
    press(&mut state, "G");
    assert_eq!(state.invitations.selected(), 2);
    press(&mut state, "r");
    page(
        &mut state,
        &sh,
        vec![invitation(SecurityHub, "us-east-1", "100000000001", 1)],
    );
    finish(&mut state, &sh);
    assert_eq!(state.invitations.visible_len(), 1);
    assert_eq!(
        state.invitations.selected(),
        0,
        "the selected row went; the selection stays in range"
    );
    assert!(state.invitations.selected_row().is_some());
}

#[test]
fn the_filter_narrows_rows_case_insensitively_and_selects_the_first() {
    let mut state = loaded();
    press(&mut state, "jj");
    assert_eq!(state.invitations.selected(), 2);
    press(&mut state, "/");
    assert_eq!(state.mode(), Mode::Filter);
    press(&mut state, "EU-W");
    assert_eq!(state.invitations.selected(), 0);
    assert!(shown(&state).iter().all(|r| r.contains("eu-west-1")));
    assert_eq!(state.invitations.visible_len(), 3);
    // Typed characters are text, not actions.
    press(&mut state, "q");
    assert_eq!(state.invitations.filter(), "EU-Wq");
    assert_eq!(state.invitations.visible_len(), 0);
    send(&mut state, key(KeyCode::Backspace));
    send(&mut state, key(KeyCode::Enter));
    assert_eq!(state.mode(), Mode::Table);
    assert_eq!(state.invitations.filter(), "EU-W", "Enter keeps it");
    assert_eq!(state.invitations.count(ServiceTab::All), 3);
    assert_eq!(state.invitations.count(ServiceTab::Only(Detective)), 1);

    // Several words: each must appear, in any column.
    press(&mut state, "/");
    send(&mut state, ctrl('u'));
    press(&mut state, "guardduty 555566667777");
    assert_eq!(shown(&state), ["guardduty eu-west-1 555566667777"]);
    send(&mut state, key(KeyCode::Enter));

    // Any column: a status, an account.
    press(&mut state, "/");
    send(&mut state, ctrl('u'));
    press(&mut state, "emailverification");
    assert_eq!(shown(&state), ["guardduty eu-west-1 555566667777"]);
    send(&mut state, key(KeyCode::Esc));
    assert_eq!(state.invitations.filter(), "", "Esc clears it");
    assert_eq!(state.invitations.visible_len(), 6);
}

/// Types `text` as the filter, from an empty one, and returns to the table.
pub fn filter_rows(state: &mut guestlist::app::AppState, text: &str) {
    filter_by(state, text);
}

fn filter_by(state: &mut guestlist::app::AppState, text: &str) {
    press(state, "/");
    send(state, ctrl('u'));
    press(state, text);
    send(state, key(KeyCode::Enter));
}

#[test]
fn text_fields_edit_like_a_shell_line() {
    let mut state = loaded();
    press(&mut state, "/");
    press(&mut state, "west");
    send(&mut state, key(KeyCode::Home));
    press(&mut state, "eu-");
    assert_eq!(state.invitations.filter(), "eu-west");
    assert_eq!(state.invitations.visible_len(), 3);
    send(&mut state, key(KeyCode::Left));
    send(&mut state, key(KeyCode::Delete));
    assert_eq!(state.invitations.filter(), "euwest");
    send(&mut state, ctrl('e'));
    send(&mut state, ctrl('w'));
    assert_eq!(state.invitations.filter(), "");
    send(&mut state, key(KeyCode::Esc));
    // The prompt and the form's fields edit the same way.
    press(&mut state, ":");
    press(&mut state, "sevice");
    for _ in 0..4 {
        send(&mut state, key(KeyCode::Left));
    }
    press(&mut state, "r");
    assert_eq!(state.prompt(), Some("service"));
    send(&mut state, ctrl('u'));
    assert_eq!(state.prompt(), Some("vice"), "Ctrl-U kills to the start");
    send(&mut state, key(KeyCode::Esc));
    press(&mut state, "i");
    press(&mut state, "111111111111 22222222222");
    send(&mut state, key(KeyCode::Left));
    press(&mut state, "2");
    assert_eq!(state.form().unwrap().accounts, "111111111111 222222222222");
}

#[test]
fn the_prompt_remembers_its_commands_and_saves_what_is_shown() {
    let mut state = loaded();
    for command in ["sort status", "gd", "service all"] {
        press(&mut state, ":");
        press(&mut state, command);
        send(&mut state, key(KeyCode::Enter));
    }
    press(&mut state, ":");
    send(&mut state, key(KeyCode::Up));
    assert_eq!(state.prompt(), Some("service all"));
    send(&mut state, key(KeyCode::Up));
    send(&mut state, key(KeyCode::Up));
    send(&mut state, key(KeyCode::Up));
    assert_eq!(state.prompt(), Some("sort status"), "stops at the oldest");
    send(&mut state, key(KeyCode::Down));
    assert_eq!(state.prompt(), Some("gd"));
    send(&mut state, key(KeyCode::Down));
    send(&mut state, key(KeyCode::Down));
    assert_eq!(state.prompt(), Some(""), "past the newest: an empty line");
    send(&mut state, key(KeyCode::Esc));
    // :save writes the rows on screen, as the extension says; anything else is refused.
    filter_by(&mut state, "service:guardduty");
    press(&mut state, ":");
    press(&mut state, "save out/rows.csv");
    let effects = send(&mut state, key(KeyCode::Enter));
    let [
        Effect::Save {
            path,
            contents,
            rows,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(path, &std::path::PathBuf::from("out/rows.csv"));
    assert_eq!(*rows, 2);
    assert!(contents.starts_with("service,region,profile,account_id"));
    assert_eq!(contents.lines().count(), 3);
    press(&mut state, ":");
    press(&mut state, "save rows.txt");
    assert!(send(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(
        state
            .notice
            .as_deref()
            .unwrap()
            .contains("neither .json nor .csv")
    );
}

#[test]
fn regions_and_services_change_at_runtime_and_rows_stay() {
    use guestlist::app::Replanned;
    let mut state = loaded();
    filter_by(&mut state, "service:securityhub");
    press(&mut state, ":");
    press(&mut state, "region add ap-northeast-1");
    let effects = send(&mut state, key(KeyCode::Enter));
    let [
        Effect::Replan {
            regions,
            services,
            profiles,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(regions, &["us-east-1", "eu-west-1", "ap-northeast-1"]);
    assert_eq!(services.len(), 4);
    assert_eq!(profiles, &["demo"]);
    // The runtime planned it: the old sources keep their rows, the new are listed.
    let mut sources = all_sources();
    let tokyo: Vec<_> = [SecurityHub, GuardDuty, Detective, Macie]
        .into_iter()
        .map(|s| source(s, "ap-northeast-1"))
        .collect();
    sources.extend(tokyo.clone());
    let effects = send(
        &mut state,
        Msg::Replanned(Ok(Replanned {
            sources,
            services: services.clone(),
            regions: regions.clone(),
        })),
    );
    let [
        Effect::FetchSome {
            sources: fetched, ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(fetched, &tokyo, "only the new sources are listed");
    assert_eq!(state.sources.len(), 12);
    assert_eq!(state.invitations.total(), 6, "the rows already listed stay");
    assert_eq!(
        state.invitations.filter(),
        "service:securityhub",
        "the filter stays"
    );
    assert_eq!(state.invitations.visible_len(), 2);
    // Removing a region plans without it; what nothing would be left of is refused.
    press(&mut state, ":");
    press(&mut state, "region -us-east-1");
    let effects = send(&mut state, key(KeyCode::Enter));
    assert!(
        matches!(effects.as_slice(), [Effect::Replan { regions, .. }] if regions == &["eu-west-1", "ap-northeast-1"])
    );
    for service in ["-securityhub", "-gd", "-detective"] {
        press(&mut state, ":");
        press(&mut state, &format!("service {service}"));
        send(&mut state, key(KeyCode::Enter));
    }
    // The state did not change (no Replanned came back), so the last one still had two left.
    press(&mut state, ":");
    press(&mut state, "profile -demo");
    assert!(send(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(
        state
            .notice
            .as_deref()
            .unwrap()
            .contains("nothing would be left")
    );
    send(
        &mut state,
        Msg::Replanned(Err("no region named nowhere-1".into())),
    );
    assert!(
        state
            .notice
            .as_deref()
            .unwrap()
            .contains("could not plan again")
    );
}

#[test]
fn sorting_and_filtering_follow_the_columns_on_screen() {
    let mut state = loaded();
    send(&mut state, Msg::Resize(80, 24));
    let on_screen = state.invitations.columns().to_vec();
    assert!(!on_screen.contains(&Column::Invitation), "{on_screen:?}");
    // Sorting walks only the columns with a header to show the arrow.
    for _ in 0..2 * on_screen.len() {
        press(&mut state, "s");
        let column = state.invitations.sort().column.unwrap();
        assert!(on_screen.contains(&column), "{column:?} is not shown");
    }
    // Unnamed words look at what is shown: the hidden reference matches nothing...
    filter_by(&mut state, "aaaabbbb");
    assert_eq!(state.invitations.visible_len(), 0);
    // ...unless named; `!` negates; ARNs, with colons, stay text.
    filter_by(&mut state, "invitation:aaaabbbb");
    assert_eq!(state.invitations.visible_len(), 2);
    filter_by(&mut state, "!service:detective");
    assert_eq!(state.invitations.visible_len(), 4);
    filter_by(&mut state, "state:pending !securityhub");
    assert_eq!(state.invitations.visible_len(), 2, "{:?}", shown(&state));
    // Wider, the reference is on screen, and found.
    filter_by(&mut state, "aaaabbbb");
    send(&mut state, Msg::Resize(200, 60));
    assert_eq!(state.invitations.visible_len(), 2);
    filter_by(&mut state, "arn:aws:detective:eu-west-1");
    assert_eq!(state.invitations.visible_len(), 1);
}

#[test]
fn views_show_one_service_and_count_each() {
    let mut state = loaded();
    assert_eq!(state.invitations.count(ServiceTab::All), 6);
    assert_eq!(state.invitations.count(ServiceTab::Only(SecurityHub)), 2);
    send(&mut state, key(KeyCode::Tab));
    assert_eq!(state.tab, ServiceTab::Only(SecurityHub));
    assert!(shown(&state).iter().all(|r| r.starts_with("securityhub")));
    press(&mut state, "4");
    assert_eq!(state.tab, ServiceTab::Only(Detective));
    assert_eq!(state.invitations.visible_len(), 2);
    send(&mut state, key(KeyCode::BackTab));
    assert_eq!(state.tab, ServiceTab::Only(GuardDuty));
    press(&mut state, "1");
    assert_eq!(state.invitations.visible_len(), 6);
}

#[test]
fn sorting_by_column_and_reversing() {
    let mut state = loaded();
    assert_eq!(state.invitations.sort().column, Some(Column::Invited));
    assert_eq!(
        shown(&state)[0],
        "securityhub us-east-1 111122223333",
        "newest first"
    );
    press(&mut state, "s");
    assert_eq!(
        state.invitations.sort().column,
        Some(Column::Status),
        "Account is skipped with one identity"
    );
    press(&mut state, "s");
    assert_eq!(state.invitations.sort().column, Some(Column::Service));
    let services: Vec<_> = state
        .invitations
        .visible_rows()
        .map(|r| r.invitation.service)
        .collect();
    let mut sorted = services.clone();
    sorted.sort();
    assert_eq!(services, sorted);
    press(&mut state, "S");
    let reversed: Vec<_> = state
        .invitations
        .visible_rows()
        .map(|r| r.invitation.service)
        .collect();
    sorted.reverse();
    assert_eq!(reversed, sorted);
}

#[test]
fn moving_paging_and_the_wheel_stay_in_range() {
    let mut state = state();
    let id = source(SecurityHub, "us-east-1");
    let many = (0..100)
        .map(|i| invitation(SecurityHub, "us-east-1", &format!("1000000{i:05}"), i))
        .collect();
    page(&mut state, &id, many);
    finish(&mut state, &id);
    send(&mut state, Msg::Resize(80, 24));
    press(&mut state, "k");
    assert_eq!(state.invitations.selected(), 0);
    send(&mut state, key(KeyCode::PageDown));
    let page_size = state.invitations.selected();
    assert!(page_size >= 5, "{page_size}");
    assert!(
        state.invitations.offset() > 0,
        "scrolled to keep the selection in sight"
    );
    send(&mut state, key(KeyCode::End));
    assert_eq!(state.invitations.selected(), 99);
    press(&mut state, "j");
    assert_eq!(state.invitations.selected(), 99);
    send(&mut state, key(KeyCode::Home));
    assert_eq!(
        (state.invitations.selected(), state.invitations.offset()),
        (0, 0)
    );
    let wheel = |kind| {
        Msg::Mouse(MouseEvent {
            kind,
            column: 10,
            row: 10,
            modifiers: crossterm::event::KeyModifiers::NONE,
        })
    };
    send(&mut state, wheel(MouseEventKind::ScrollDown));
    assert_eq!(state.invitations.selected(), 3);
    send(&mut state, wheel(MouseEventKind::ScrollUp));
    send(&mut state, wheel(MouseEventKind::ScrollUp));
    assert_eq!(state.invitations.selected(), 0);
}

#[test]
fn overlays_open_and_close_and_quit_is_a_command() {
    let mut state = loaded();
    send(&mut state, key(KeyCode::Enter));
    assert_eq!(state.mode(), Mode::Detail);
    press(&mut state, "j");
    assert_eq!(
        state.invitations.selected(),
        1,
        "the detail follows the selection"
    );
    send(&mut state, key(KeyCode::Esc));
    assert_eq!(state.mode(), Mode::Table);
    press(&mut state, "?");
    assert_eq!(state.mode(), Mode::Help);
    assert_eq!(
        press(&mut state, "q"),
        Vec::<Effect>::new(),
        "q closes help"
    );
    assert_eq!(state.mode(), Mode::Table);
    assert_eq!(press(&mut state, "q"), [Effect::Quit]);
    assert_eq!(send(&mut state, ctrl('c')), [Effect::Quit]);
}

#[test]
fn the_detail_needs_a_row() {
    let mut state = state();
    send(&mut state, key(KeyCode::Enter));
    assert_eq!(state.mode(), Mode::Table);
}

#[test]
fn copying_an_id_with_control_characters_copies_them_escaped() {
    let mut state = state();
    let id = source(SecurityHub, "us-east-1");
    let mut hostile = invitation(SecurityHub, "us-east-1", "111122223333", 1);
    hostile.invitation_id = Some("abc\u{1b}]52;c;ZXZpbA==\u{7}".into());
    page(&mut state, &id, vec![hostile]);
    finish(&mut state, &id);
    let effects = press(&mut state, "y");
    let [Effect::Copy(text)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(text.starts_with("abc"));
}

#[test]
fn a_huge_refresh_interval_times_the_backoff_does_not_overflow() {
    let mut state = state();
    state.live.interval = Some(std::time::Duration::from_secs(u64::MAX / 4));
    let id = source(GuardDuty, "us-east-1");
    for _ in 0..3 {
        fail(
            &mut state,
            &id,
            ErrorKind::Throttled,
            "ThrottlingException",
            "slow down",
        );
    }
    let failing = state.sources.iter().find(|s| s.id == id).unwrap();
    assert!(
        failing.backoff_until.is_some(),
        "backing off, as far as a date goes"
    );
}

#[test]
fn ticks_turn_the_spinner_only_while_loading() {
    let mut state = state();
    send(&mut state, Msg::Tick(now()));
    assert_eq!(state.spinner, 1);
    let mut done = loaded();
    send(&mut done, Msg::Tick(now() + chrono::Duration::minutes(1)));
    assert_eq!(done.spinner, 0);
    assert_eq!(done.now, now() + chrono::Duration::minutes(1));
}

mod answering {
    use super::*;
    use guestlist::app::{Answer, Note};
    use guestlist::model::{Outcome, Readiness, Response, Step};

    fn ready(state: &mut guestlist::app::AppState, steps: Vec<Step>) {
        let dialog = state.dialog().unwrap();
        let id = dialog.id;
        let results = dialog
            .sources()
            .into_iter()
            .map(|s| {
                (
                    s,
                    Ok(Readiness {
                        steps: steps.clone(),
                    }),
                )
            })
            .collect();
        send(
            state,
            Msg::Readiness {
                dialog: id,
                results,
            },
        );
    }

    /// The targets an `Effect::Answer` carries, as (region, administrator).
    fn answered_targets(effects: &[Effect]) -> Vec<String> {
        match effects {
            [Effect::Answer { answers, .. }] => answers
                .iter()
                .flat_map(|a| a.targets.iter().map(|t| t.administrator_id.clone()))
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn only_one_security_hub_administrator_per_place_is_offered_as_a_choice() {
        let mut state = loaded();
        let sh = source(SecurityHub, "us-east-1");
        // A second administrator invites the same account in the same region, older.
        page(
            &mut state,
            &sh,
            vec![
                invitation(SecurityHub, "us-east-1", "111122223333", 2),
                invitation(SecurityHub, "us-east-1", "999988887777", 30),
            ],
        );
        finish(&mut state, &sh);
        filter_rows(&mut state, "service:securityhub region:us-east-1");
        assert_eq!(state.invitations.visible_len(), 2);
        press(&mut state, "  ");
        press(&mut state, "a");
        let dialog = state.dialog().unwrap();
        assert!(dialog.targets.is_empty());
        assert_eq!(dialog.choices.len(), 1, "said before anything is sent");
        ready(&mut state, Vec::new());
        // The newest is picked first; Tab picks the other.
        send(&mut state, key(KeyCode::Tab));
        let sent = press(&mut state, "y");
        assert_eq!(
            answered_targets(&sent),
            ["999988887777"],
            "exactly one, the one picked"
        );
    }

    #[test]
    fn marks_act_on_what_is_shown_and_hidden_ones_are_named() {
        let mut state = loaded();
        send(
            &mut state,
            Msg::Key(crossterm::event::KeyEvent::new(
                KeyCode::Char('a'),
                crossterm::event::KeyModifiers::CONTROL,
            )),
        );
        assert_eq!(
            state.invitations.marked_count(),
            6,
            "Ctrl-a marks every row shown"
        );
        press(&mut state, "u");
        assert_eq!(state.invitations.marked_count(), 0, "u clears them");
        // Mark two Security Hub rows, then show only GuardDuty: the marks are hidden.
        press(&mut state, "2");
        press(&mut state, "  ");
        press(&mut state, "3");
        press(&mut state, "d");
        let dialog = state.dialog().unwrap();
        let regions: Vec<&str> = dialog.targets.iter().map(|t| t.0.region.as_str()).collect();
        assert_eq!(
            regions.len(),
            1,
            "the row under the cursor, not the hidden marks"
        );
        assert_eq!(dialog.targets[0].0.service, GuardDuty);
        assert!(
            dialog
                .skipped
                .iter()
                .any(|s| s.contains("2 marked rows hidden")),
            "{:?}",
            dialog.skipped
        );
        send(&mut state, key(KeyCode::Esc));
        // V marks from the last mark to the cursor.
        press(&mut state, "1");
        press(&mut state, "ug ");
        press(&mut state, "jjV");
        assert_eq!(state.invitations.marked_count(), 4);
    }

    #[test]
    fn every_outcome_is_said_and_kept_in_the_log() {
        let mut state = loaded();
        let sh = source(SecurityHub, "us-east-1");
        let key_of = |state: &guestlist::app::AppState| state.shown(&sh)[0].invitation.key();
        let accepted = key_of(&state);
        let effects = send(
            &mut state,
            Msg::Answered {
                source: sh.clone(),
                response: Response::Accept,
                outcomes: vec![Outcome {
                    key: accepted,
                    result: Ok(()),
                }],
            },
        );
        let notice = state.notice.clone().unwrap();
        assert_eq!(
            notice,
            "accepted the Security Hub us-east-1 invitation from 111122223333"
        );
        // The confirming listing no longer has it: that is the person's doing, not "gone".
        let generation = match effects.as_slice() {
            [Effect::Refetch { generation, .. }] => *generation,
            other => panic!("{other:?}"),
        };
        send(
            &mut state,
            Msg::Fetch(FetchEvent::Finished {
                generation,
                source: sh.clone(),
                elapsed: std::time::Duration::from_millis(5),
            }),
        );
        assert_eq!(state.changes.gone, 0);
        assert!(state.notice.as_deref().is_none_or(|n| !n.contains("gone")));
        // A refusal and a failing source are kept too.
        state.settings.read_only = true;
        press(&mut state, "a");
        fail(
            &mut state,
            &source(GuardDuty, "eu-west-1"),
            ErrorKind::AccessDenied,
            "AccessDeniedException",
            "not allowed",
        );
        let texts: Vec<&str> = state.log.entries().map(|e| e.text.as_str()).collect();
        assert!(
            texts[0].starts_with("accepted the Security Hub"),
            "{texts:?}"
        );
        assert!(
            texts.iter().any(|t| t.starts_with("read-only")),
            "{texts:?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.contains("GuardDuty eu-west-1") && t.contains("not allowed")),
            "{texts:?}"
        );
        // l shows them; Esc closes.
        state.settings.read_only = false;
        press(&mut state, "l");
        assert_eq!(state.mode(), Mode::Log);
        press(&mut state, "kkj");
        send(&mut state, key(KeyCode::Esc));
        assert_eq!(state.mode(), Mode::Table);
    }

    #[test]
    fn nothing_is_sent_until_confirmed_and_cancel_sends_nothing() {
        let mut state = loaded();
        let commands = press(&mut state, "a");
        let [
            Effect::CheckReadiness {
                response: Response::Accept,
                sources,
                ..
            },
        ] = commands.as_slice()
        else {
            panic!("{commands:?}");
        };
        assert_eq!(sources.len(), 1);
        assert_eq!(state.mode(), Mode::Confirm);
        // While AWS is asked what is needed, yes waits.
        assert!(press(&mut state, "y").is_empty());
        assert_eq!(state.mode(), Mode::Confirm);
        // Keys that mean something elsewhere mean nothing here.
        assert!(press(&mut state, "aqdD").is_empty());
        assert_eq!(state.mode(), Mode::Confirm);
        send(&mut state, key(KeyCode::Esc));
        assert_eq!(state.mode(), Mode::Table);
        assert!(state.dialog().is_none());
        assert!(!state.invitations.has_notes());
    }

    #[test]
    fn confirming_sends_the_steps_and_answers_grouped_by_source() {
        let mut state = loaded();
        // Mark the two us-east-1 invitations of Security Hub and GuardDuty.
        let keys: Vec<String> = state
            .invitations
            .visible_rows()
            .filter(|r| r.invitation.region == "us-east-1" && r.invitation.service != Detective)
            .map(|r| r.invitation.key())
            .collect();
        for key in &keys {
            state.invitations.mark(key.clone());
        }
        press(&mut state, "a");
        ready(&mut state, vec![Step::EnableSecurityHub]);
        let commands = press(&mut state, "y");
        let [
            Effect::Answer {
                response: Response::Accept,
                answers,
                then_delete: false,
            },
        ] = commands.as_slice()
        else {
            panic!("{commands:?}");
        };
        assert_eq!(answers.len(), 2, "one per source");
        assert!(
            answers
                .iter()
                .all(|a: &Answer| a.targets.len() == 1 && a.steps == [Step::EnableSecurityHub])
        );
        assert_eq!(answers[0].actor.account.as_deref(), Some("444455556666"));
        assert!(keys.iter().all(|k| matches!(
            state.invitations.note(k),
            Some(Note::Working(Response::Accept))
        )));
        assert!((state.invitations.marked_count() == 0));
        assert_eq!(state.mode(), Mode::Table);
    }

    #[test]
    fn outcomes_change_rows_at_once_and_ask_for_a_confirming_fetch() {
        let mut state = loaded();
        let gd = source(GuardDuty, "us-east-1");
        let sh = source(SecurityHub, "eu-west-1");
        let gd_key = state
            .invitations
            .visible_rows()
            .find(|r| r.invitation.source() == gd)
            .unwrap()
            .invitation
            .key();
        let sh_key = state
            .invitations
            .visible_rows()
            .find(|r| r.invitation.source() == sh)
            .unwrap()
            .invitation
            .key();
        let commands = send(
            &mut state,
            Msg::Answered {
                source: gd.clone(),
                response: Response::Decline,
                outcomes: vec![Outcome {
                    key: gd_key.clone(),
                    result: Ok(()),
                }],
            },
        );
        assert!(
            matches!(commands.as_slice(), [Effect::Refetch { source, .. }] if *source == gd),
            "{commands:?}"
        );
        assert!(
            state
                .invitations
                .visible_rows()
                .all(|r| r.invitation.key() != gd_key),
            "declined: gone"
        );
        send(
            &mut state,
            Msg::Answered {
                source: sh.clone(),
                response: Response::Accept,
                outcomes: vec![Outcome {
                    key: sh_key.clone(),
                    result: Err(AwsError::new(
                        ErrorKind::NotEnabled,
                        "InvalidAccessException",
                        "not subscribed",
                    )),
                }],
            },
        );
        let row = state
            .invitations
            .visible_rows()
            .find(|r| r.invitation.key() == sh_key)
            .unwrap();
        assert_eq!(
            row.invitation.status_raw, "Invited",
            "a failure changes nothing"
        );
        assert!(
            matches!(state.invitations.note(&sh_key), Some(Note::Failed(Response::Accept, reason)) if reason.contains("InvalidAccess"))
        );
    }

    /// What a confirming re-listing asks for: its generation.
    fn refetch(effects: &[Effect]) -> u64 {
        match effects {
            [Effect::Refetch { generation, .. }] => *generation,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_newer_listing_of_a_source_supersedes_the_older_and_drops_its_pages() {
        let mut state = loaded();
        let sh = source(SecurityHub, "us-east-1");
        let answered = |state: &mut guestlist::app::AppState| {
            send(
                state,
                Msg::Answered {
                    source: sh.clone(),
                    response: Response::Decline,
                    outcomes: Vec::new(),
                },
            )
        };
        // Two actions on one source, quickly: each asks for a confirming re-listing.
        let first = refetch(&answered(&mut state));
        let second = refetch(&answered(&mut state));
        assert_ne!(first, second);
        let rows = |admin: &str, n: usize| -> Vec<_> {
            (0..n)
                .map(|i| invitation(SecurityHub, "us-east-1", &format!("{admin}{i:02}"), 1))
                .collect()
        };
        let page = |generation, invitations| {
            Msg::Fetch(FetchEvent::Page {
                generation,
                source: sh.clone(),
                invitations,
            })
        };
        let finished = |generation| {
            Msg::Fetch(FetchEvent::Finished {
                generation,
                source: sh.clone(),
                elapsed: std::time::Duration::from_millis(5),
            })
        };
        // The older listing's pages arrive interleaved with the newer one's, and it finishes last.
        send(&mut state, page(second, rows("1000000000", 50)));
        send(&mut state, page(first, rows("2000000000", 50)));
        send(&mut state, page(second, rows("1000000001", 10)));
        send(&mut state, finished(second));
        send(&mut state, page(first, rows("2000000001", 20)));
        send(&mut state, finished(first));
        let shown: Vec<_> = state
            .invitations
            .visible_rows()
            .filter(|r| r.invitation.source() == sh)
            .collect();
        assert_eq!(shown.len(), 60, "exactly the newer listing");
        assert!(
            shown
                .iter()
                .all(|r| r.invitation.administrator_id.starts_with('1'))
        );
        assert_eq!(state.changes.gone, 1, "only the old invitation went");
        let source = state.sources.iter().find(|s| s.id == sh).unwrap();
        assert_eq!((source.pages, source.items), (2, 60));
    }

    #[test]
    fn a_row_with_an_answer_in_flight_cannot_be_answered_again() {
        let mut state = loaded();
        press(&mut state, "a");
        ready(&mut state, Vec::new());
        let sent = press(&mut state, "y");
        assert!(
            matches!(sent.as_slice(), [Effect::Answer { .. }]),
            "{sent:?}"
        );
        // Still on the same row, still in flight: nothing opens, and it says why.
        let again = press(&mut state, "a");
        assert!(again.is_empty(), "{again:?}");
        assert!(state.dialog().is_none());
        let notice = state.notice.clone().unwrap_or_default();
        assert!(notice.contains("still in flight"), "{notice}");
    }

    #[test]
    fn what_cannot_be_done_is_said_not_sent() {
        let mut state = loaded();
        press(&mut state, "4");
        // The first Detective row is INVITED; delete is not a Detective operation.
        assert!(press(&mut state, "D").is_empty());
        assert!(
            state
                .notice
                .as_ref()
                .unwrap()
                .contains("Detective has no delete")
        );
        assert_eq!(state.mode(), Mode::Table);
        // An accepted-but-disabled membership cannot be accepted again.
        press(&mut state, "j");
        assert!(press(&mut state, "a").is_empty());
        assert!(
            state
                .notice
                .as_ref()
                .unwrap()
                .contains("only a pending invitation")
        );
        // Read-only refuses in the key handler too.
        state.settings.read_only = true;
        press(&mut state, "k");
        assert!(press(&mut state, "a").is_empty());
        assert!(state.notice.as_ref().unwrap().contains("read-only"));
    }

    #[test]
    fn space_marks_and_moves_on() {
        let mut state = loaded();
        press(&mut state, "  ");
        assert_eq!(state.invitations.marked_count(), 2);
        assert_eq!(state.invitations.selected(), 2);
        press(&mut state, "k ");
        assert_eq!(state.invitations.marked_count(), 1, "Space again unmarks");
    }
}

/// `h`: the selected invitation's account and service, in every region listed; `:history`:
/// everything. The answer fills the overlay; `h` or Esc closes it.
#[test]
fn history_is_asked_for_the_selected_account_and_service_or_everything() {
    use guestlist::app::Overlay;
    let mut state = loaded();
    let selected = state.invitations.selected_row().unwrap().invitation.clone();
    let effects = press(&mut state, "h");
    let [Effect::LookupHistory { trails, days: 90 }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(trails.len(), REGIONS.len());
    assert!(
        trails
            .iter()
            .all(|t| t.profile == selected.profile && t.services == vec![selected.service])
    );
    assert!(matches!(state.overlay, Overlay::History(0)));
    assert!(state.history.as_ref().unwrap().events.is_none());
    let event = guestlist::model::HistoryEvent {
        time: now(),
        service: selected.service,
        region: "eu-west-1".into(),
        profile: "demo".into(),
        event: "DisassociateFromAdministratorAccount".into(),
        by: "arn:aws:sts::444455556666:assumed-role/DevOps/jsmith".into(),
        parameters: "{}".into(),
    };
    send(
        &mut state,
        Msg::History {
            events: vec![event.clone()],
            failures: Vec::new(),
        },
    );
    assert_eq!(state.history.as_ref().unwrap().events, Some(vec![event]));
    press(&mut state, "h");
    assert!(matches!(state.overlay, Overlay::Table));

    press(&mut state, ":history");
    let effects = send(&mut state, key(KeyCode::Enter));
    let [Effect::LookupHistory { trails, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        trails.len(),
        REGIONS.len(),
        "one trail per identity and region"
    );
    assert!(trails.iter().all(|t| t.services.len() == 4));
    send(&mut state, key(KeyCode::Esc));
    assert!(matches!(state.overlay, Overlay::Table));
}

/// Opening an invitation's detail asks once who its account answers to there (not for
/// Detective); the answer shows in the detail.
#[test]
fn the_detail_asks_whom_the_account_answers_to_once() {
    let mut state = loaded();
    let effects = send(&mut state, key(KeyCode::Enter));
    let source = state
        .invitations
        .selected_row()
        .unwrap()
        .invitation
        .source();
    assert_ne!(source.service, Detective);
    assert!(
        matches!(effects.as_slice(), [Effect::LookupAdministrator { source: asked }] if *asked == source),
        "{effects:?}"
    );
    assert_eq!(state.current_administrators.get(&source), Some(&None));
    // Closed and opened again: not asked twice.
    send(&mut state, key(KeyCode::Enter));
    let again = send(&mut state, key(KeyCode::Enter));
    assert!(
        !again
            .iter()
            .any(|e| matches!(e, Effect::LookupAdministrator { .. }))
    );
    send(
        &mut state,
        Msg::Administrator {
            source: source.clone(),
            result: Ok(Some("999988887777".into())),
        },
    );
    assert_eq!(
        state.current_administrators.get(&source),
        Some(&Some(Ok(Some("999988887777".into()))))
    );
}

/// `T`: every untrusted invitation on screen still waiting, marked alone, in a dialog that
/// declines then deletes; without a policy it says how to make one and does nothing.
#[test]
fn triage_marks_the_untrusted_and_asks_to_decline_and_delete_them() {
    use guestlist::model::{Readiness, Response};
    let mut untrusting = loaded();
    assert!(press(&mut untrusting, "T").is_empty());
    assert!(
        untrusting
            .notice
            .as_deref()
            .unwrap()
            .contains("no trust policy")
    );
    assert!(press(&mut untrusting, "t").is_empty());
    assert_eq!(untrusting.invitations.filter(), "");

    // 777788889999's Detective membership is accepted, 555566667777's GuardDuty one failed:
    // only pending invitations are triaged.
    let mut state = loaded_trusting(&["111122223333", "detective:999999999999"]);
    let mut extra = invitation(SecurityHub, "us-east-1", "123412341234", 30);
    extra.invitation_id = Some("f".repeat(32));
    // Listed again, with a stranger's invitation beside the administrator's.
    let again = vec![
        invitation(SecurityHub, "us-east-1", "111122223333", 2),
        extra,
    ];
    page(&mut state, &source(SecurityHub, "us-east-1"), again);
    finish(&mut state, &source(SecurityHub, "us-east-1"));
    // Marks on other rows are replaced.
    send(&mut state, key(KeyCode::Char(' ')));
    let effects = press(&mut state, "T");
    let [
        Effect::CheckReadiness {
            dialog,
            response: Response::Decline,
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    let open = state.dialog().unwrap();
    assert!(open.then_delete);
    let targets: Vec<&str> = open
        .targets
        .iter()
        .map(|(_, _, i)| i.administrator_id.as_str())
        .collect();
    assert_eq!(targets, ["123412341234"]);
    let results = open
        .sources()
        .into_iter()
        .map(|s| (s, Ok(Readiness::default())))
        .collect();
    send(
        &mut state,
        Msg::Readiness {
            dialog: *dialog,
            results,
        },
    );
    let sent = press(&mut state, "y");
    let [
        Effect::Answer {
            response: Response::Decline,
            then_delete: true,
            answers,
        },
    ] = sent.as_slice()
    else {
        panic!("{sent:?}");
    };
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].targets[0].administrator_id, "123412341234");

    // `t` shows only them.
    press(&mut state, "t");
    assert_eq!(state.invitations.filter(), "trust:untrusted");
    assert!(shown(&state).iter().all(|r| !r.ends_with("111122223333")));
}

mod administering {
    use super::*;
    use guestlist::app::{Field, MemberAction, MemberNote};
    use guestlist::app::{MemberChange, Proposal, Screen};
    use guestlist::model::Member;
    use guestlist::model::Outcome;

    pub fn member(
        service: guestlist::model::ServiceKind,
        region: &str,
        account: &str,
        status: &str,
    ) -> Member {
        Member {
            service,
            profile: "demo".into(),
            region: region.into(),
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

    /// The members screen, opened and listed: two Security Hub members and one Detective.
    pub fn with_members() -> guestlist::app::AppState {
        let mut state = loaded();
        let commands = press(&mut state, "m");
        assert!(
            matches!(commands.as_slice(), [Effect::ListMembers { sources }] if sources.len() == 8)
        );
        assert_eq!(state.screen, Screen::Members);
        for id in all_sources() {
            let members = match (id.service, id.region.as_str()) {
                (SecurityHub, "us-east-1") => vec![
                    member(SecurityHub, "us-east-1", "210000000001", "Enabled"),
                    member(SecurityHub, "us-east-1", "210000000002", "Invited"),
                ],
                (Detective, "us-east-1") => {
                    vec![member(Detective, "us-east-1", "210000000003", "INVITED")]
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
    fn every_invite_outcome_leaves_a_trace_even_without_a_row() {
        let mut state = with_members();
        let gd = source(GuardDuty, "eu-west-1");
        send(
            &mut state,
            Msg::MembersChanged {
                source: gd,
                action: MemberAction::Invited,
                outcomes: vec![
                    Outcome {
                        key: "299900000001".into(),
                        result: Ok(()),
                    },
                    Outcome {
                        key: "299900000002".into(),
                        result: Err(AwsError::new(
                            ErrorKind::NotEnabled,
                            "NoDetector",
                            "GuardDuty is not enabled in eu-west-1: create a detector first",
                        )),
                    },
                ],
            },
        );
        assert_eq!(
            state.notice.as_deref(),
            Some("GuardDuty eu-west-1: invited 1, 1 failed — l shows each")
        );
        let texts: Vec<&str> = state.log.entries().map(|e| e.text.as_str()).collect();
        assert!(
            texts.contains(&"invited 299900000001 in GuardDuty eu-west-1"),
            "{texts:?}"
        );
        assert!(
            texts.iter().any(|t| t
                .starts_with("could not invite 299900000002 in GuardDuty eu-west-1")
                && t.contains("create a detector first")),
            "{texts:?}"
        );
        // An invitation to several places: the footer sums every place, not the last one.
        state.members.outcome = (0, 0, 2);
        for (region, ok) in [("us-east-1", true), ("eu-west-1", false)] {
            let result = if ok {
                Ok(())
            } else {
                Err(AwsError::new(
                    ErrorKind::NotEnabled,
                    "NoGraph",
                    "no behavior graph",
                ))
            };
            send(
                &mut state,
                Msg::MembersChanged {
                    source: source(Detective, region),
                    action: MemberAction::Invited,
                    outcomes: vec![Outcome {
                        key: "299900000003".into(),
                        result,
                    }],
                },
            );
        }
        assert_eq!(
            state.notice.as_deref(),
            Some("invited: 1 done, 1 failed — l shows each")
        );
    }

    #[test]
    fn the_members_table_sorts_and_filters_what_it_shows() {
        let mut state = with_members();
        send(&mut state, Msg::Resize(80, 24));
        // The header shows the arrow the tab bar speaks of from the first frame.
        assert_eq!(
            state.members.table.sort().column,
            Some(guestlist::app::MemberColumn::Service)
        );
        let on_screen = state.members.table.columns().to_vec();
        assert!(!on_screen.contains(&guestlist::app::MemberColumn::Administrator));
        // Every member's administrator is 111122223333, hidden at 80 columns.
        press(&mut state, "/");
        press(&mut state, "3333");
        assert_eq!(state.members.table.visible_len(), 0);
        send(&mut state, ctrl('u'));
        press(&mut state, "admin:3333");
        assert_eq!(state.members.table.visible_len(), 3);
        // The tabs count what the filter lets through, as on the invitations screen.
        send(&mut state, ctrl('u'));
        press(&mut state, "invited");
        assert_eq!(state.members.table.count(ServiceTab::All), 2);
        assert_eq!(state.members.table.count(ServiceTab::Only(SecurityHub)), 1);
        assert_eq!(state.members.table.count(ServiceTab::Only(Detective)), 1);
    }

    #[test]
    fn m_lists_members_once_and_toggles_back() {
        let mut state = with_members();
        assert_eq!(state.members.table.visible_len(), 3);
        assert!(press(&mut state, "m").is_empty());
        assert_eq!(state.screen, Screen::Invitations);
        assert!(
            press(&mut state, "m").is_empty(),
            "already listed: no second listing"
        );
        press(&mut state, "/");
        press(&mut state, "invited");
        assert_eq!(state.members.table.visible_len(), 2);
        assert_eq!(
            state.invitations.filter(),
            "",
            "the invitations' filter is its own"
        );
        send(&mut state, key(KeyCode::Esc));
        assert_eq!(state.members.table.visible_len(), 3);
        press(&mut state, "4");
        assert_eq!(state.members.table.visible_len(), 1);
    }

    #[test]
    fn removing_and_withdrawing_ask_first_and_report_per_account() {
        let mut state = with_members();
        press(&mut state, "1");
        press(&mut state, " j");
        assert_eq!(state.members.table.marked_count(), 1);
        assert!(press(&mut state, "x").is_empty(), "asks first");
        assert!(
            matches!(state.proposal(), Some(Proposal::ChangeMembers { change: MemberChange::Remove, targets }) if targets.len() == 1)
        );
        let commands = press(&mut state, "y");
        let [
            Effect::ChangeMembers {
                change: MemberChange::Remove,
                batches,
            },
        ] = commands.as_slice()
        else {
            panic!("{commands:?}");
        };
        assert_eq!(batches[0].accounts, ["210000000001"]);
        assert_eq!(batches[0].actor.account.as_deref(), Some("444455556666"));
        let source = batches[0].source.clone();
        let commands = send(
            &mut state,
            Msg::MembersChanged {
                source: source.clone(),
                action: MemberAction::Removed,
                outcomes: vec![Outcome {
                    key: "210000000001".into(),
                    result: Err(AwsError::new(
                        ErrorKind::Service,
                        "UnprocessedAccount",
                        "not a member",
                    )),
                }],
            },
        );
        assert_eq!(
            commands,
            [Effect::ListMembers {
                sources: vec![source]
            }],
            "listed again to confirm"
        );
        let key = state.members.table.visible_row(0).unwrap().member.key();
        assert_eq!(
            state.members.table.note(&key),
            Some(&MemberNote::Failed(
                "UnprocessedAccount: not a member".into()
            ))
        );

        // Cancelling a proposal sends nothing.
        press(&mut state, "D");
        assert!(state.proposal().is_some());
        assert!(press(&mut state, "n").is_empty());
        assert!(state.proposal().is_none());
    }

    #[test]
    fn guardduty_invitations_cannot_be_withdrawn_by_the_administrator() {
        let mut state = loaded();
        press(&mut state, "m");
        send(
            &mut state,
            Msg::MembersListed {
                source: source(GuardDuty, "us-east-1"),
                result: Ok(vec![member(
                    GuardDuty,
                    "us-east-1",
                    "210000000009",
                    "Invited",
                )]),
            },
        );
        assert!(press(&mut state, "D").is_empty());
        assert!(state.proposal().is_none());
        assert!(
            state
                .notice
                .as_ref()
                .unwrap()
                .contains("x removes the member instead")
        );
    }

    #[test]
    fn the_invite_form_checks_everything_before_proposing() {
        let mut state = with_members();
        press(&mut state, "i");
        assert_eq!(state.mode(), Mode::Form);
        // Typed keys are text: 'q' does not quit.
        press(&mut state, "12345 q");
        send(&mut state, key(KeyCode::Enter));
        let form = state.form().unwrap();
        assert!(
            form.errors.iter().any(|e| e.contains("'12345'")),
            "{:?}",
            form.errors
        );
        assert!(state.proposal().is_none());

        send(
            &mut state,
            // Terminals paste lines ending in CR.
            Msg::Paste("\r299900000001,a@example.com\r299900000002".into()),
        );
        let form = state.form_mut().unwrap();
        form.accounts = form.accounts.replace("12345 q", "");
        send(&mut state, key(KeyCode::Enter));
        let errors = &state.form().unwrap().errors;
        assert!(
            errors
                .iter()
                .any(|e| e.contains("needs an email") && e.contains("299900000002")),
            "{errors:?}"
        );
        send(&mut state, key(KeyCode::Tab));
        assert_eq!(state.form().unwrap().field, Field::Email);
        press(&mut state, "ops@example.com");
        send(&mut state, key(KeyCode::Tab));
        send(&mut state, key(KeyCode::Tab));
        // Services: Space toggles GuardDuty off.
        send(&mut state, key(KeyCode::Right));
        press(&mut state, " ");
        send(&mut state, key(KeyCode::Tab));
        send(&mut state, ctrl('u'));
        press(&mut state, "us-east-1");
        send(&mut state, key(KeyCode::Enter));
        let Some(Proposal::Invite {
            invitees, sources, ..
        }) = state.proposal()
        else {
            panic!("{:?}", state.form().map(|f| &f.errors));
        };
        assert_eq!(invitees.len(), 2);
        assert_eq!(invitees[0].email.as_deref(), Some("a@example.com"));
        assert_eq!(invitees[1].email.as_deref(), Some("ops@example.com"));
        let services: Vec<_> = sources.iter().map(|s| s.service).collect();
        assert_eq!(services, [SecurityHub, Detective, Macie]);
        let commands = press(&mut state, "y");
        let [Effect::Invite { batches, .. }] = commands.as_slice() else {
            panic!("{commands:?}");
        };
        assert_eq!(batches.len(), 3);
    }

    #[test]
    fn the_invite_form_goes_back_where_it_came_from_and_forgets_stale_errors() {
        // Read-only: `i` is refused where it is pressed, without moving.
        let mut state = loaded();
        state.settings.read_only = true;
        assert!(press(&mut state, "i").is_empty());
        assert_eq!(state.screen, Screen::Invitations);
        assert_eq!(state.mode(), Mode::Table);
        assert!(state.notice.as_ref().unwrap().contains("read-only"));

        // Esc from a form opened on the invitations screen goes back there.
        state.settings.read_only = false;
        press(&mut state, "i");
        assert_eq!((state.screen, state.mode()), (Screen::Members, Mode::Form));
        send(&mut state, key(KeyCode::Esc));
        assert_eq!(
            (state.screen, state.mode()),
            (Screen::Invitations, Mode::Table)
        );
        assert!(state.notice.as_ref().unwrap().contains("nothing was sent"));

        // Opened on the members screen, it stays there; an edit clears what Enter found wrong.
        press(&mut state, "m");
        press(&mut state, "i");
        press(&mut state, "1234");
        send(&mut state, key(KeyCode::Enter));
        assert!(!state.form().unwrap().errors.is_empty());
        press(&mut state, "5");
        assert!(
            state.form().unwrap().errors.is_empty(),
            "edited: no stale errors"
        );
        send(&mut state, key(KeyCode::Esc));
        assert_eq!((state.screen, state.mode()), (Screen::Members, Mode::Table));
    }

    #[test]
    fn a_region_outside_the_selection_is_refused_in_the_form() {
        let mut state = with_members();
        press(&mut state, "i");
        press(&mut state, "299900000001");
        let form = state.form_mut().unwrap();
        form.services = [true, false, false, false];
        form.regions = "eu-north-1".into();
        send(&mut state, key(KeyCode::Enter));
        let errors = &state.form().unwrap().errors;
        assert!(
            errors.iter().any(|e| e.contains("--region eu-north-1")),
            "{errors:?}"
        );
        send(&mut state, key(KeyCode::Esc));
        assert!(state.form().is_none());
        assert_eq!(state.mode(), Mode::Table);
    }
}

/// An organization's accounts arrive a page at a time while the dashboard runs: their sources
/// are queued and fetched in the fetch in flight, their rows found by the accounts' names, and
/// the end of the list is said.
#[test]
fn accounts_that_arrive_later_join_the_dashboard_and_are_found_by_name() {
    let mut state = state();
    let sources_before = state.sources.len();
    let arrived = |account: &str| guestlist::model::SourceId {
        profile: account.into(),
        region: "us-east-1".into(),
        service: GuardDuty,
    };
    let effects = send(
        &mut state,
        Msg::Arrived(Some(Ok(guestlist::app::Arrived {
            sources: vec![arrived("210000000001"), arrived("210000000002")],
            profiles: vec!["210000000001".into(), "210000000002".into()],
            names: vec![("210000000001".into(), "payments-prod".into())],
        }))),
    );
    assert_eq!(
        effects,
        [Effect::FetchMore {
            generation: state.generation,
            sources: vec![arrived("210000000001"), arrived("210000000002")],
        }],
        "listed in the fetch in flight, not a new one"
    );
    assert_eq!(state.sources.len(), sources_before + 2);
    assert_eq!(
        state.identities.get("210000000001"),
        Some(&IdentityState::Resolving)
    );
    assert!(state.is_loading());

    for account in ["210000000001", "210000000002"] {
        let mut row = invitation(GuardDuty, "us-east-1", "111122223333", 2);
        row.profile = account.into();
        page(&mut state, &arrived(account), vec![row]);
    }
    page(
        &mut state,
        &source(GuardDuty, "eu-west-1"),
        vec![invitation(GuardDuty, "eu-west-1", "555566667777", 1)],
    );
    assert_eq!(state.invitations.visible_len(), 3);
    filter_by(&mut state, "payments");
    let found: Vec<&str> = state
        .invitations
        .visible_rows()
        .map(|r| r.invitation.profile.as_str())
        .collect();
    assert_eq!(found, ["210000000001"], "found by the account's name");
    filter_by(&mut state, "account:payments-prod");
    assert_eq!(state.invitations.visible_len(), 1);

    // The Account column sorts as it shows: by name where there is one, else by account.
    filter_by(&mut state, "");
    press(&mut state, ":");
    press(&mut state, "sort account");
    send(&mut state, key(KeyCode::Enter));
    let order: Vec<&str> = state
        .invitations
        .visible_rows()
        .map(|r| r.invitation.profile.as_str())
        .collect();
    assert_eq!(order, ["210000000002", "demo", "210000000001"]);

    // An arrival that fails is said, and what arrived stays.
    send(
        &mut state,
        Msg::Arrived(Some(Err(
            "--accounts org: the organization's accounts stopped arriving after 20: throttled"
                .into(),
        ))),
    );
    assert!(
        state
            .notice
            .as_deref()
            .unwrap_or_default()
            .contains("stopped arriving")
    );
    assert_eq!(state.sources.len(), sources_before + 2);
    send(&mut state, Msg::Arrived(None));
    assert!(
        state
            .notice
            .as_deref()
            .unwrap_or_default()
            .contains("every account has arrived: 3 accounts"),
        "{:?}",
        state.notice
    );
}
