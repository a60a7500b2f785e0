//! Live mode, the configuration file, and the habits of a well-made terminal app: the prompt,
//! copying, colour, completions and the man page.

use std::time::Duration;

use crate::common::app::*;
use crossterm::event::KeyCode;
use guestlist::app::{DateStyle, Effect, Mode, Msg, Screen, ServiceTab};
use guestlist::config::Config;
use guestlist::format::Clock;
use guestlist::model::ErrorKind;
use guestlist::model::ServiceKind::*;

fn live(interval_secs: u64) -> guestlist::app::AppState {
    let mut state = loaded();
    state.live.interval = Some(Duration::from_secs(interval_secs));
    // The first listing completes: the next refresh is scheduled.
    let generation = state.generation;
    press(&mut state, "r");
    assert_eq!(state.generation, generation + 1);
    for id in all_sources() {
        let rows = state
            .shown(&id)
            .iter()
            .map(|r| r.invitation.clone())
            .collect();
        page(&mut state, &id, rows);
        finish(&mut state, &id);
    }
    assert!(state.live.next_at.is_some());
    state
}

#[test]
fn a_refresh_marks_new_rows_counts_gone_ones_and_highlights_changed_statuses() {
    let mut state = live(30);
    let sh = source(SecurityHub, "us-east-1");
    let gd = source(GuardDuty, "us-east-1");
    press(&mut state, "G");
    let selected = state.invitations.selected_row().unwrap().invitation.key();
    press(&mut state, "r");
    // Security Hub: one new invitation beside the old one. GuardDuty: its invitation went.
    let old = state.shown(&sh)[0].invitation.clone();
    let new = invitation(SecurityHub, "us-east-1", "999988887777", 1);
    page(&mut state, &sh, vec![old.clone(), new.clone()]);
    finish(&mut state, &sh);
    page(&mut state, &gd, Vec::new());
    finish(&mut state, &gd);
    // Detective us-east-1: the same invitation, now accepted.
    let det = source(Detective, "us-east-1");
    let mut accepted = state.shown(&det)[0].invitation.clone();
    accepted.status_raw = "ENABLED".into();
    page(&mut state, &det, vec![accepted.clone()]);
    finish(&mut state, &det);
    for id in all_sources()
        .into_iter()
        .filter(|id| ![&sh, &gd, &det].contains(&id))
    {
        let rows = state
            .shown(&id)
            .iter()
            .map(|r| r.invitation.clone())
            .collect();
        page(&mut state, &id, rows);
        finish(&mut state, &id);
    }
    assert!(state.changes.new.contains(&new.key()));
    assert!(
        !state.changes.new.contains(&old.key()),
        "an invitation seen before is not new"
    );
    assert!(state.changes.changed.contains(&accepted.key()));
    assert_eq!(state.changes.gone, 1);
    assert!(
        state
            .notice
            .as_deref()
            .unwrap()
            .starts_with("1 invitation gone since"),
        "{:?}",
        state.notice
    );
    assert_eq!(
        state.invitations.selected_row().unwrap().invitation.key(),
        selected,
        "the selection stays on its invitation"
    );
}

#[test]
fn automatic_refreshes_come_when_due_and_r_pauses_them() {
    let mut state = live(30);
    let due = state.live.next_at.unwrap();
    assert!(send(&mut state, Msg::Tick(due - chrono::Duration::seconds(1))).is_empty());
    let commands = send(&mut state, Msg::Tick(due));
    let [Effect::FetchSome { sources, .. }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(sources.len(), 8);
    assert!(state.is_loading());
    // While one is in flight, no other starts.
    assert!(send(&mut state, Msg::Tick(due + chrono::Duration::minutes(5))).is_empty());

    let mut paused = live(30);
    press(&mut paused, "R");
    assert!(paused.live.paused);
    let due = paused.live.next_at.unwrap();
    assert!(
        send(&mut paused, Msg::Tick(due + chrono::Duration::minutes(1))).is_empty(),
        "paused"
    );
    press(&mut paused, "R");
    assert!(!paused.live.paused);
    assert!(
        !send(&mut paused, Msg::Tick(due + chrono::Duration::minutes(1))).is_empty(),
        "resumed"
    );

    let mut off = loaded();
    press(&mut off, "R");
    assert!(off.notice.as_deref().unwrap().contains("--refresh"));
}

#[test]
fn a_failing_source_backs_off_and_says_so() {
    let mut state = live(30);
    let gd = source(GuardDuty, "eu-west-1");
    press(&mut state, "r");
    for id in all_sources() {
        if id == gd {
            fail(
                &mut state,
                &id,
                ErrorKind::Throttled,
                "TooManyRequestsException",
                "Rate exceeded",
            );
        } else {
            finish(&mut state, &id);
        }
    }
    let backing_off = state.sources.iter().find(|s| s.id == gd).unwrap();
    let until = backing_off.backoff_until.expect("backing off");
    assert_eq!(
        until - state.now,
        chrono::Duration::seconds(60),
        "twice the interval after one failure"
    );
    let due = state.live.next_at.unwrap();
    let commands = send(&mut state, Msg::Tick(due));
    let [Effect::FetchSome { sources, .. }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert!(!sources.contains(&gd), "its next refresh waits longer");
    assert_eq!(sources.len(), 7);
    // Failing again doubles the wait, up to a cap.
    for _ in 0..6 {
        fail(
            &mut state,
            &gd,
            ErrorKind::Throttled,
            "TooManyRequestsException",
            "Rate exceeded",
        );
    }
    let source = state.sources.iter().find(|s| s.id == gd).unwrap();
    assert_eq!(
        source.backoff_until.unwrap() - state.now,
        chrono::Duration::seconds(240),
        "capped at 8 intervals"
    );
    // Success ends it.
    finish(&mut state, &gd);
    assert!(
        state
            .sources
            .iter()
            .find(|s| s.id == gd)
            .unwrap()
            .backoff_until
            .is_none()
    );
}

#[test]
fn the_bell_rings_for_a_new_invitation_only_when_asked() {
    for bell in [false, true] {
        let mut state = live(30);
        state.live.bell = bell;
        press(&mut state, "r");
        let sh = source(SecurityHub, "us-east-1");
        page(
            &mut state,
            &sh,
            vec![invitation(SecurityHub, "us-east-1", "999988887777", 1)],
        );
        let generation = state.generation;
        let commands = send(
            &mut state,
            Msg::Fetch(guestlist::fetch::FetchEvent::Finished {
                generation,
                source: sh,
                elapsed: Duration::ZERO,
            }),
        );
        assert_eq!(commands.contains(&Effect::Bell), bell);
    }
}

#[test]
fn the_prompt_jumps_and_completes() {
    let mut state = loaded();
    press(&mut state, ":");
    assert_eq!(state.mode(), Mode::Prompt);
    press(&mut state, "reg");
    send(&mut state, key(KeyCode::Tab));
    assert_eq!(state.prompt(), Some("region "));
    press(&mut state, "eu");
    send(&mut state, key(KeyCode::Tab));
    assert_eq!(state.prompt(), Some("region eu-west-1"));
    send(&mut state, key(KeyCode::Enter));
    assert_eq!(state.mode(), Mode::Table);
    assert!(shown(&state).iter().all(|r| r.contains("eu-west-1")));

    press(&mut state, ":service guardduty");
    send(&mut state, key(KeyCode::Enter));
    assert_eq!(state.tab, ServiceTab::Only(GuardDuty));
    press(&mut state, ":profile demo");
    send(&mut state, key(KeyCode::Enter));
    assert_eq!(state.invitations.filter(), "demo");
    let commands = press(&mut state, ":members");
    assert!(commands.is_empty());
    let commands = send(&mut state, key(KeyCode::Enter));
    assert!(matches!(commands.as_slice(), [Effect::ListMembers { .. }]));
    assert_eq!(state.screen, Screen::Members);
    press(&mut state, ":nonsense");
    send(&mut state, key(KeyCode::Enter));
    assert!(state.notice.as_deref().unwrap().contains("unknown command"));
    press(&mut state, ":quit");
    assert_eq!(send(&mut state, key(KeyCode::Enter)), [Effect::Quit]);
}

#[test]
fn y_copies_the_reference_of_the_selected_row() {
    let mut state = loaded();
    let reference = state
        .invitations
        .selected_row()
        .unwrap()
        .invitation
        .reference()
        .to_owned();
    assert_eq!(press(&mut state, "y"), [Effect::Copy(reference.clone())]);
    assert!(state.notice.as_deref().unwrap().contains(&reference));
}

#[test]
fn the_full_configuration_fixture() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/config-valid.toml"
    );
    let config = Config::load(path.as_ref()).unwrap();
    assert_eq!(config.profiles, ["security-admin", "workloads"]);
    assert_eq!(config.regions, ["us-east-1", "eu-west-1"]);
    assert_eq!(config.services, [SecurityHub, GuardDuty]);
    assert_eq!(config.refresh, Some(Some(Duration::from_secs(45))));
    assert!(config.bell);
    assert_eq!(config.clock, Clock::Utc);
    assert_eq!(config.dates, DateStyle::Absolute);
    assert!(!config.color);
    // Rebound: F5 refreshes, r no longer does, X removes, x is free.
    let mut state = loaded();
    state.settings.keymap = config.keymap.clone();
    assert!(press(&mut state, "r").is_empty());
    assert!(matches!(
        send(&mut state, key(KeyCode::F(5))).as_slice(),
        [Effect::Fetch { .. }]
    ));
    assert_eq!(state.settings.keymap.action_of(&"x".parse().unwrap()), None);
    assert_eq!(
        state.settings.keymap.action_of(&"ctrl-r".parse().unwrap()),
        Some(guestlist::app::Action::ToggleLive)
    );
    // A missing file is the defaults.
    let missing = Config::load("/nonexistent/config.toml".as_ref()).unwrap();
    assert!(missing.path.is_none());
}

#[test]
fn configuration_errors_name_file_line_and_reason() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    for (file, line, says) in [
        (
            "config-unknown-action.toml",
            3,
            "'refreshh' is not an action",
        ),
        ("config-unknown-key.toml", 5, "unknown key 'hyper-a'"),
        (
            "config-two-actions.toml",
            3,
            "'z' is bound to two actions: accept and decline",
        ),
        ("config-bad-value.toml", 1, "'whenever' is not a duration"),
    ] {
        let error = Config::load(format!("{dir}/{file}").as_ref()).unwrap_err();
        assert_eq!(error.line, Some(line), "{file}: {error}");
        assert!(error.message.contains(says), "{file}: {error}");
        assert!(
            error
                .to_string()
                .starts_with(&format!("{dir}/{file}:{line}: ")),
            "{error}"
        );
    }
}

#[test]
fn without_colour_every_cell_keeps_its_text_and_loses_its_colour() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::style::Color;
    let mut state = loaded();
    send(&mut state, Msg::Resize(100, 30));
    let mut coloured = Terminal::new(TestBackend::new(100, 30)).unwrap();
    coloured.draw(|f| guestlist::ui::render(f, &state)).unwrap();
    assert!(
        coloured
            .backend()
            .buffer()
            .content
            .iter()
            .any(|c| c.fg != Color::Reset)
    );
    state.settings.color = false;
    let mut mono = Terminal::new(TestBackend::new(100, 30)).unwrap();
    mono.draw(|f| guestlist::ui::render(f, &state)).unwrap();
    assert!(
        mono.backend()
            .buffer()
            .content
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
    let text = |t: &Terminal<TestBackend>| {
        t.backend()
            .buffer()
            .content
            .iter()
            .map(|c| c.symbol().to_owned())
            .collect::<String>()
    };
    assert_eq!(text(&coloured), text(&mono));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_man_page_and_config_commands() {
    for shell in ["bash", "zsh", "fish"] {
        let output = crate::common::guestlist(&["completions", shell], &[]).await;
        assert_eq!(output.status.code(), Some(0));
        let script = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(script.contains("guestlist"));
        // Completions know the services and the states by name.
        for name in ["securityhub", "guardduty", "detective", "pending", "remove"] {
            assert!(script.contains(name), "{shell} completions lack {name}");
        }
    }
    let output = crate::common::guestlist(&["man"], &[]).await;
    let man = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(man.contains(".TH guestlist 1"));
    // The keys, the configuration file and the exit statuses, not only the flags.
    for part in [
        "KEYS",
        "accept (asks first)",
        "CONFIGURATION",
        "refresh =",
        "EXIT STATUS",
    ] {
        assert!(man.contains(part), "the man page lacks {part}");
    }

    let path = std::env::temp_dir().join(format!(
        "guestlist-config-{}/config.toml",
        std::process::id()
    ));
    let path_text = path.to_string_lossy().into_owned();
    let env = [("GUESTLIST_CONFIG", path_text.as_str())];
    let output = crate::common::guestlist(&["config", "path"], &env).await;
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), path_text);
    let output = crate::common::guestlist(&["config", "init"], &env).await;
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        guestlist::config::TEMPLATE
    );
    let output = crate::common::guestlist(&["config", "init"], &env).await;
    assert_eq!(output.status.code(), Some(1), "never overwrites unasked");
    // A broken configuration stops every command, with the line.
    std::fs::write(&path, "[keys]\naccept = \"hyper-a\"\n").unwrap();
    let output = crate::common::guestlist(&["list", "--demo"], &env).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains(&format!("{path_text}:2:")));
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn the_members_screen_is_live_too() {
    let mut state = live(30);
    // Not opened: a tick lists only the invitations.
    let due = state.live.next_at.unwrap();
    let effects = send(&mut state, Msg::Tick(due));
    assert!(
        effects
            .iter()
            .all(|e| !matches!(e, Effect::ListMembers { .. })),
        "{effects:?}"
    );
    for id in all_sources() {
        finish(&mut state, &id);
    }
    // Opened once: each live refresh lists the members again.
    press(&mut state, "m");
    for id in all_sources() {
        send(
            &mut state,
            Msg::MembersListed {
                source: id,
                result: Ok(Vec::new()),
            },
        );
    }
    let due = state.live.next_at.unwrap();
    let effects = send(&mut state, Msg::Tick(due));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::ListMembers { sources } if sources.len() == 8)),
        "{effects:?}"
    );
}
