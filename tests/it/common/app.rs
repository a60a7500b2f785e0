//! Building app state and messages by hand, for headless and rendering tests.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use guestlist::app::{AppState, Effect, Msg, Settings};
use guestlist::fetch::FetchEvent;
use guestlist::format::Clock;
use guestlist::model::{AwsError, ErrorKind};
use guestlist::model::{Details, Invitation, PackageUsage, ServiceKind, SourceId, Status};

pub const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
}

pub fn source(service: ServiceKind, region: &str) -> SourceId {
    SourceId {
        profile: "demo".into(),
        region: region.into(),
        service,
    }
}

pub fn all_sources() -> Vec<SourceId> {
    let mut sources = Vec::new();
    for service in ServiceKind::ALL {
        for region in REGIONS {
            sources.push(source(service, region));
        }
    }
    sources
}

/// A state for 4 services × 2 regions as one identity, at a fixed time, in UTC.
pub fn state() -> AppState {
    state_with(Settings {
        demo: true,
        clock: Clock::Utc,
        ..Settings::default()
    })
}

/// The demo's state, started with `settings`.
pub fn state_with(settings: Settings) -> AppState {
    let mut state = AppState::new(
        all_sources(),
        ["demo".to_owned()],
        ServiceKind::ALL.to_vec(),
        REGIONS.iter().map(|r| r.to_string()).collect(),
        settings,
        now(),
    );
    send(&mut state, Msg::Resize(100, 30));
    send(
        &mut state,
        Msg::Fetch(FetchEvent::Identity {
            generation: 1,
            profile: "demo".into(),
            outcome: Ok("444455556666".into()),
        }),
    );
    state
}

pub fn invitation(service: ServiceKind, region: &str, admin: &str, hours_ago: i64) -> Invitation {
    let (status_raw, details, invitation_id, graph_arn) = match service {
        ServiceKind::SecurityHub => (
            "Invited",
            Details::SecurityHub {},
            Some(format!("{admin}aaaabbbbccccddddeeee")),
            None,
        ),
        ServiceKind::Macie => (
            "Invited",
            Details::Macie {},
            Some(format!("{admin}99998888777766665555")),
            None,
        ),
        ServiceKind::GuardDuty => (
            "Invited",
            Details::GuardDuty {
                invited_at_raw: Some("2026-11-20T10:00:00.000Z".into()),
            },
            Some(format!("{admin}ffff0000111122223333")),
            None,
        ),
        ServiceKind::Detective => (
            "INVITED",
            Details::Detective {
                email: Some("member@example.com".into()),
                invitation_type: Some("INVITATION".into()),
                updated_at: Some(now() - chrono::Duration::hours(hours_ago)),
                disabled_reason: None,
                volume_usage_bytes: None,
                volume_usage_updated_at: None,
                percent_of_graph_utilization: None,
                percent_of_graph_utilization_updated_at: None,
                ingest_states: Default::default(),
                volume_usage_by_package: Default::default(),
            },
            None,
            Some(format!(
                "arn:aws:detective:{region}:{admin}:graph:0123456789abcdef0123456789abcdef"
            )),
        ),
    };
    Invitation {
        service,
        profile: "demo".into(),
        region: region.into(),
        account_id: None,
        administrator_id: admin.into(),
        invitation_id,
        graph_arn,
        invited_at: Some(now() - chrono::Duration::hours(hours_ago)),
        status: Status::normalise(service, status_raw),
        status_raw: status_raw.into(),
        details,
    }
}

/// A Detective membership over its volume limit, with every usage field.
pub fn disabled_detective(region: &str, admin: &str) -> Invitation {
    let mut invitation = invitation(ServiceKind::Detective, region, admin, 24 * 95);
    invitation.status_raw = "ACCEPTED_BUT_DISABLED".into();
    invitation.status = Status::Disabled;
    invitation.account_id = Some("444455556666".into());
    invitation.details = Details::Detective {
        email: Some("workload-prod@example.com".into()),
        invitation_type: Some("INVITATION".into()),
        updated_at: Some(now() - chrono::Duration::days(2)),
        disabled_reason: Some("VOLUME_TOO_HIGH".into()),
        volume_usage_bytes: Some(812_345_678_901),
        volume_usage_updated_at: Some(now() - chrono::Duration::days(2)),
        percent_of_graph_utilization: Some(137.5),
        percent_of_graph_utilization_updated_at: Some(now() - chrono::Duration::days(2)),
        ingest_states: [
            ("DETECTIVE_CORE".to_owned(), "STOPPED".to_owned()),
            ("EKS_AUDIT".to_owned(), "DISABLED".to_owned()),
        ]
        .into_iter()
        .collect(),
        volume_usage_by_package: [(
            "DETECTIVE_CORE".to_owned(),
            PackageUsage {
                volume_bytes: Some(790_123_456_789),
                updated_at: Some(now() - chrono::Duration::days(2)),
            },
        )]
        .into_iter()
        .collect(),
    };
    invitation
}

/// As the dashboard does: `update`, then the table's height from the layout.
pub fn send(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    guestlist::tui::apply(state, msg)
}

/// The listing a source takes events from now.
fn listing(state: &AppState, source: &SourceId) -> u64 {
    state
        .sources
        .iter()
        .find(|s| s.id == *source)
        .map_or(state.generation, |s| s.generation)
}

pub fn page(state: &mut AppState, source: &SourceId, invitations: Vec<Invitation>) {
    let generation = listing(state, source);
    send(
        state,
        Msg::Fetch(FetchEvent::Started {
            generation,
            source: source.clone(),
        }),
    );
    send(
        state,
        Msg::Fetch(FetchEvent::Page {
            generation,
            source: source.clone(),
            invitations,
        }),
    );
}

pub fn finish(state: &mut AppState, source: &SourceId) {
    let generation = listing(state, source);
    send(
        state,
        Msg::Fetch(FetchEvent::Finished {
            generation,
            source: source.clone(),
            elapsed: Duration::from_millis(120),
        }),
    );
}

pub fn fail(state: &mut AppState, source: &SourceId, kind: ErrorKind, code: &str, message: &str) {
    let generation = listing(state, source);
    send(
        state,
        Msg::Fetch(FetchEvent::Failed {
            generation,
            source: source.clone(),
            error: AwsError::new(kind, code, message),
            elapsed: Duration::from_millis(80),
        }),
    );
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent {
        code,
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    })
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    })
}

pub fn press(state: &mut AppState, keys: &str) -> Vec<Effect> {
    let mut commands = Vec::new();
    for c in keys.chars() {
        commands.extend(send(state, key(KeyCode::Char(c))));
    }
    commands
}

/// The demo-like data set: invitations in every service and region, every source done.
pub fn loaded() -> AppState {
    load(state())
}

/// [`loaded`], trusting only these administrators (as `--trust` takes them).
pub fn loaded_trusting(trusted: &[&str]) -> AppState {
    let mut trust = guestlist::model::TrustPolicy::default();
    for entry in trusted {
        trust.add_arg(entry).unwrap();
    }
    load(state_with(Settings {
        demo: true,
        clock: Clock::Utc,
        trust,
        ..Settings::default()
    }))
}

fn load(mut state: AppState) -> AppState {
    use ServiceKind::*;
    let data = [
        (
            SecurityHub,
            "us-east-1",
            vec![invitation(SecurityHub, "us-east-1", "111122223333", 2)],
        ),
        (
            SecurityHub,
            "eu-west-1",
            vec![invitation(SecurityHub, "eu-west-1", "111122223333", 72)],
        ),
        (
            GuardDuty,
            "us-east-1",
            vec![invitation(GuardDuty, "us-east-1", "111122223333", 24)],
        ),
        (GuardDuty, "eu-west-1", {
            let mut failed = invitation(GuardDuty, "eu-west-1", "555566667777", 288);
            failed.status_raw = "EmailVerificationFailed".into();
            failed.status = Status::Failed;
            vec![failed]
        }),
        (
            Detective,
            "us-east-1",
            vec![invitation(Detective, "us-east-1", "111122223333", 6)],
        ),
        (
            Detective,
            "eu-west-1",
            vec![disabled_detective("eu-west-1", "777788889999")],
        ),
        // Listed, and nothing there.
        (Macie, "us-east-1", Vec::new()),
        (Macie, "eu-west-1", Vec::new()),
    ];
    for (service, region, invitations) in data {
        let id = source(service, region);
        page(&mut state, &id, invitations);
        finish(&mut state, &id);
    }
    state
}

/// The references of the rows on screen, in order.
pub fn shown(state: &AppState) -> Vec<String> {
    state
        .invitations
        .visible_rows()
        .map(|r| {
            format!(
                "{} {} {}",
                r.invitation.service.id(),
                r.invitation.region,
                r.invitation.administrator_id
            )
        })
        .collect()
}
