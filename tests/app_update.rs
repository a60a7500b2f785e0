//! The dashboard driven headless by messages: no terminal, no network.

mod common;

use common::app::*;
use crossterm::event::{KeyCode, MouseEvent, MouseEventKind};
use guestlist::app::{Column, Command, IdentityState, Mode, Msg, Phase, View};
use guestlist::aws::ErrorKind;
use guestlist::fetch::FetchEvent;
use guestlist::model::ServiceKind::*;

#[test]
fn rows_appear_with_the_first_page_of_any_source() {
    let mut state = state();
    assert!(state.is_loading());
    assert_eq!(state.visible_len(), 0);
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
    let selected_before = state.selected_row().unwrap().invitation.key();
    // Newer invitations sort above (Invited, newest first): the selection follows its row.
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
    assert_eq!(
        state.selected_row().unwrap().invitation.key(),
        selected_before
    );
    finish(&mut state, &sh);
    assert_eq!(
        state.visible_len(),
        3,
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
        state.visible_len(),
        4,
        "Security Hub and Detective rows are all there"
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
    assert_eq!(commands, [Command::Fetch { generation: 2 }]);
    assert_eq!(state.visible_len(), 6, "a refresh keeps the rows on screen");
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
    let selected = state.selected_row().unwrap().invitation.key();
    press(&mut state, "r");
    let sh = source(SecurityHub, "us-east-1");
    page(
        &mut state,
        &sh,
        vec![invitation(SecurityHub, "us-east-1", "123456789012", 1)],
    );
    assert_eq!(
        state.visible_len(),
        6,
        "half a listing does not replace a whole one"
    );
    finish(&mut state, &sh);
    assert!(shown(&state).contains(&"securityhub us-east-1 123456789012".to_owned()));
    assert!(!shown(&state).contains(&"securityhub us-east-1 111122223333".to_owned()));
    assert_eq!(
        state.selected_row().unwrap().invitation.key(),
        selected,
        "selection kept"
    );
}

#[test]
fn the_filter_narrows_rows_case_insensitively_and_selects_the_first() {
    let mut state = loaded();
    press(&mut state, "jj");
    assert_eq!(state.selected, 2);
    press(&mut state, "/");
    assert_eq!(state.mode, Mode::Filter);
    press(&mut state, "EU-W");
    assert_eq!(state.selected, 0);
    assert!(shown(&state).iter().all(|r| r.contains("eu-west-1")));
    assert_eq!(state.visible_len(), 3);
    // Typed characters are text, not actions.
    press(&mut state, "q");
    assert_eq!(state.filter, "EU-Wq");
    assert_eq!(state.visible_len(), 0);
    send(&mut state, key(KeyCode::Backspace));
    send(&mut state, key(KeyCode::Enter));
    assert_eq!(state.mode, Mode::Table);
    assert_eq!(state.filter, "EU-W", "Enter keeps it");
    assert_eq!(state.count(View::All), 3);
    assert_eq!(state.count(View::Only(Detective)), 1);

    // Any column: a status, an account.
    press(&mut state, "/");
    send(&mut state, ctrl('u'));
    press(&mut state, "emailverification");
    assert_eq!(shown(&state), ["guardduty eu-west-1 555566667777"]);
    send(&mut state, key(KeyCode::Esc));
    assert_eq!(state.filter, "", "Esc clears it");
    assert_eq!(state.visible_len(), 6);
}

#[test]
fn views_show_one_service_and_count_each() {
    let mut state = loaded();
    assert_eq!(state.count(View::All), 6);
    assert_eq!(state.count(View::Only(SecurityHub)), 2);
    send(&mut state, key(KeyCode::Tab));
    assert_eq!(state.view, View::Only(SecurityHub));
    assert!(shown(&state).iter().all(|r| r.starts_with("securityhub")));
    press(&mut state, "4");
    assert_eq!(state.view, View::Only(Detective));
    assert_eq!(state.visible_len(), 2);
    send(&mut state, key(KeyCode::BackTab));
    assert_eq!(state.view, View::Only(GuardDuty));
    press(&mut state, "1");
    assert_eq!(state.visible_len(), 6);
}

#[test]
fn sorting_by_column_and_reversing() {
    let mut state = loaded();
    assert_eq!(state.sort.column, Column::Invited);
    assert_eq!(
        shown(&state)[0],
        "securityhub us-east-1 111122223333",
        "newest first"
    );
    press(&mut state, "s");
    assert_eq!(
        state.sort.column,
        Column::Status,
        "Account is skipped with one identity"
    );
    press(&mut state, "s");
    assert_eq!(state.sort.column, Column::Service);
    let services: Vec<_> = state.visible_rows().map(|r| r.invitation.service).collect();
    let mut sorted = services.clone();
    sorted.sort();
    assert_eq!(services, sorted);
    press(&mut state, "S");
    let reversed: Vec<_> = state.visible_rows().map(|r| r.invitation.service).collect();
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
    assert_eq!(state.selected, 0);
    send(&mut state, key(KeyCode::PageDown));
    let page_size = state.selected;
    assert!(page_size >= 5, "{page_size}");
    assert!(state.offset > 0, "scrolled to keep the selection in sight");
    send(&mut state, key(KeyCode::End));
    assert_eq!(state.selected, 99);
    press(&mut state, "j");
    assert_eq!(state.selected, 99);
    send(&mut state, key(KeyCode::Home));
    assert_eq!((state.selected, state.offset), (0, 0));
    let wheel = |kind| {
        Msg::Mouse(MouseEvent {
            kind,
            column: 10,
            row: 10,
            modifiers: crossterm::event::KeyModifiers::NONE,
        })
    };
    send(&mut state, wheel(MouseEventKind::ScrollDown));
    assert_eq!(state.selected, 3);
    send(&mut state, wheel(MouseEventKind::ScrollUp));
    send(&mut state, wheel(MouseEventKind::ScrollUp));
    assert_eq!(state.selected, 0);
}

#[test]
fn overlays_open_and_close_and_quit_is_a_command() {
    let mut state = loaded();
    send(&mut state, key(KeyCode::Enter));
    assert_eq!(state.mode, Mode::Detail);
    press(&mut state, "j");
    assert_eq!(state.selected, 1, "the detail follows the selection");
    send(&mut state, key(KeyCode::Esc));
    assert_eq!(state.mode, Mode::Table);
    press(&mut state, "?");
    assert_eq!(state.mode, Mode::Help);
    assert_eq!(
        press(&mut state, "q"),
        Vec::<Command>::new(),
        "q closes help"
    );
    assert_eq!(state.mode, Mode::Table);
    assert_eq!(press(&mut state, "q"), [Command::Quit]);
    assert_eq!(send(&mut state, ctrl('c')), [Command::Quit]);
}

#[test]
fn the_detail_needs_a_row() {
    let mut state = state();
    send(&mut state, key(KeyCode::Enter));
    assert_eq!(state.mode, Mode::Table);
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
