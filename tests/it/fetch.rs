//! The fetcher and the service adapters, through the real SDK clients, against the sandbox.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::*;
use aws_config::retry::RetryConfig;
use futures_util::future::BoxFuture;
use guestlist::aws::paging::Limits;
use guestlist::aws::regions::Partition;
use guestlist::aws::{AdapterOptions, InvitationPage, Invitations, MemberPage, Members, Service};
use guestlist::commands::list;
use guestlist::fetch::{self, FetchEvent};
use guestlist::model::{AwsError, Details, ErrorKind, ServiceKind, SourceId, Status};
use guestlist::plan::{self, Identity, PlannedSource, RegionChoice};
use guestlist::sandbox::{MemberSpec, RosterSpec, Scenario, TimeSpec};
use tokio::sync::mpsc;

const MEMBER_A: &str = "200000000001";
const MEMBER_B: &str = "200000000002";

fn member(account: &str, status: &str) -> MemberSpec {
    MemberSpec {
        account: account.into(),
        email: Some(format!("{account}@example.com")),
        status: status.into(),
        invitation_id: None,
        invited_at: Some(TimeSpec::Ago(chrono::Duration::hours(3))),
        updated_at: None,
        usage: Default::default(),
        organization: false,
    }
}

fn roster(region: &str, admin: &str, members: Vec<MemberSpec>) -> RosterSpec {
    RosterSpec {
        region: region.into(),
        account: admin.into(),
        since: TimeSpec::Ago(chrono::Duration::days(30)),
        resource_id: None,
        members,
    }
}

/// Member A is invited by 120 administrators in Security Hub us-east-1 (three pages of 50), by
/// 60 in GuardDuty us-east-1 (two pages), and by 3 Detective graphs; in eu-west-1 by one each.
/// Member B has one Security Hub invitation in eu-west-1.
fn crowded() -> Scenario {
    let admin = |i: usize| format!("1{i:011}");
    let mut scenario = Scenario::empty();
    for i in 0..120 {
        scenario.securityhub.push(roster(
            "us-east-1",
            &admin(i),
            vec![member(MEMBER_A, "Invited")],
        ));
    }
    for i in 0..60 {
        scenario.guardduty.push(roster(
            "us-east-1",
            &admin(i),
            vec![member(MEMBER_A, "Invited")],
        ));
    }
    for i in 0..3 {
        scenario.detective.push(roster(
            "us-east-1",
            &admin(i),
            vec![member(MEMBER_A, "INVITED")],
        ));
    }
    scenario.securityhub.push(roster(
        "eu-west-1",
        &admin(500),
        vec![member(MEMBER_A, "Invited"), member(MEMBER_B, "Invited")],
    ));
    scenario.guardduty.push(roster(
        "eu-west-1",
        &admin(501),
        vec![member(MEMBER_A, "EmailVerificationFailed")],
    ));
    scenario.detective.push(roster(
        "eu-west-1",
        &admin(502),
        vec![member(MEMBER_A, "ENABLED")],
    ));
    scenario
}

async fn identity(sandbox: &guestlist::sandbox::SandboxHandle, account: &str) -> Identity {
    let config = config(sandbox, account, "us-east-1").await;
    // Few retries: a failing service should fail fast here.
    let config = config
        .to_builder()
        .retry_config(RetryConfig::standard().with_max_attempts(2))
        .build();
    Identity::new(format!("member-{}", &account[10..]), config)
}

async fn events_of(sources: &[PlannedSource], identities: &[Identity]) -> Vec<FetchEvent> {
    let (tx, mut rx) = mpsc::channel(64);
    let fetch = fetch::start(7, sources, identities, tx, 16, Limits::default());
    let mut events = Vec::new();
    while let Some(event) = rx.recv().await {
        events.push(event);
    }
    fetch.finish().await;
    events
}

#[tokio::test]
async fn every_page_of_every_source_streams_in_with_its_generation() {
    let sandbox = start(crowded()).await;
    let identities = vec![
        identity(&sandbox, MEMBER_A).await,
        identity(&sandbox, MEMBER_B).await,
    ];
    let regions = RegionChoice::These(vec!["us-east-1".into(), "eu-west-1".into()]);
    let plan = plan::plan(
        identities.clone(),
        &[],
        &regions,
        false,
        &AdapterOptions::default(),
    )
    .unwrap();
    assert_eq!(plan.sources.len(), 2 * 4 * 2);
    let events = events_of(&plan.sources, &plan.identities).await;
    assert!(events.iter().all(|e| e.generation() == 7));

    let mut pages: BTreeMap<String, usize> = BTreeMap::new();
    let mut items: BTreeMap<String, usize> = BTreeMap::new();
    let mut finished = 0;
    let mut accounts = BTreeMap::new();
    for event in &events {
        match event {
            FetchEvent::Page {
                source,
                invitations,
                ..
            } => {
                let key = format!(
                    "{} {} {}",
                    source.profile,
                    source.service.id(),
                    source.region
                );
                *pages.entry(key.clone()).or_default() += 1;
                *items.entry(key).or_default() += invitations.len();
                assert!(invitations.iter().all(|i| i.source() == *source));
            }
            FetchEvent::Finished { .. } => finished += 1,
            FetchEvent::Failed { source, error, .. } => panic!("{source}: {error}"),
            FetchEvent::Identity {
                profile, outcome, ..
            } => {
                accounts.insert(profile.clone(), outcome.clone().unwrap());
            }
            FetchEvent::Started { .. } => {}
        }
    }
    assert_eq!(finished, 16);
    assert_eq!(accounts["member-01"], MEMBER_A);
    assert_eq!(accounts["member-02"], MEMBER_B);
    assert_eq!(pages["member-01 securityhub us-east-1"], 3, "50 + 50 + 20");
    assert_eq!(items["member-01 securityhub us-east-1"], 120);
    assert_eq!(pages["member-01 guardduty us-east-1"], 2);
    assert_eq!(items["member-01 guardduty us-east-1"], 60);
    assert_eq!(
        pages["member-01 detective us-east-1"], 1,
        "Detective pages hold 200"
    );
    assert_eq!(items["member-01 detective us-east-1"], 3);
    assert_eq!(items["member-02 securityhub eu-west-1"], 1);
    assert_eq!(items["member-02 guardduty us-east-1"], 0);

    // The largest page each service allows was asked for.
    assert_eq!(
        request_count(&sandbox, "securityhub:ListInvitations").await,
        3 + 1 + 1 + 1
    );
}

#[tokio::test]
async fn adapters_fill_the_model_from_each_service() {
    let sandbox = start(crowded()).await;
    let identities = vec![identity(&sandbox, MEMBER_A).await];
    let regions = RegionChoice::These(vec!["eu-west-1".into()]);
    let plan = plan::plan(identities, &[], &regions, false, &AdapterOptions::default()).unwrap();
    let listing = list::collect(&plan, 8).await;
    assert_eq!(listing.exit_code(), 0);
    let by_service: BTreeMap<ServiceKind, _> =
        listing.invitations.iter().map(|i| (i.service, i)).collect();

    let sh = by_service[&ServiceKind::SecurityHub];
    assert_eq!(sh.administrator_id, "100000000500");
    assert_eq!(sh.invitation_id.as_ref().unwrap().len(), 32);
    assert_eq!(sh.status, Status::Pending);
    assert!(sh.invited_at.is_some());

    let gd = by_service[&ServiceKind::GuardDuty];
    assert_eq!(gd.status_raw, "EmailVerificationFailed");
    assert_eq!(gd.status, Status::Failed);
    assert!(matches!(
        &gd.details,
        Details::GuardDuty {
            invited_at_raw: Some(_)
        }
    ));
    assert!(
        gd.invited_at.is_some(),
        "GuardDuty's string timestamp is parsed"
    );

    let det = by_service[&ServiceKind::Detective];
    assert_eq!(det.status, Status::Accepted);
    assert_eq!(det.account_id.as_deref(), Some(MEMBER_A));
    assert!(
        det.graph_arn
            .as_ref()
            .unwrap()
            .starts_with("arn:aws:detective:eu-west-1:100000000502:graph:")
    );
    assert!(det.invitation_id.is_none());
    assert_eq!(listing.accounts["member-01"], MEMBER_A);
}

#[tokio::test]
async fn a_failing_service_fails_its_sources_and_no_other() {
    let sandbox = start(crowded()).await;
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"service": "guardduty", "error_rate": 1.0}"#,
    )
    .await;
    let identities = vec![identity(&sandbox, MEMBER_A).await];
    let regions = RegionChoice::These(vec!["us-east-1".into(), "eu-west-1".into()]);
    let plan = plan::plan(identities, &[], &regions, false, &AdapterOptions::default()).unwrap();
    let listing = list::collect(&plan, 8).await;
    assert_eq!(listing.failures.len(), 2);
    assert!(listing.failures.iter().all(|(source, error)| {
        source.service == ServiceKind::GuardDuty && error.code == "InternalServerErrorException"
    }));
    let services: std::collections::BTreeSet<_> =
        listing.invitations.iter().map(|i| i.service).collect();
    assert_eq!(services.len(), 2, "Security Hub and Detective listed");
    assert_eq!(listing.invitations.len(), 120 + 1 + 3 + 1);
    assert_eq!(listing.exit_code(), 2);
}

#[tokio::test]
async fn a_region_the_account_has_not_enabled_is_not_a_failure() {
    let sandbox = demo().await;
    let identities = vec![Identity::new(
        "demo".into(),
        config(&sandbox, MEMBER_KEY, "us-east-1").await,
    )];
    let regions = RegionChoice::These(vec!["us-east-1".into(), "af-south-1".into()]);
    let plan = plan::plan(
        identities,
        &[ServiceKind::SecurityHub],
        &regions,
        false,
        &AdapterOptions::default(),
    )
    .unwrap();
    let listing = list::collect(&plan, 8).await;
    assert_eq!(listing.regions_not_enabled.len(), 1);
    assert_eq!(listing.regions_not_enabled[0].0.region, "af-south-1");
    assert!(listing.failures.is_empty());
    assert_eq!(listing.exit_code(), 0);
}

/// A service that sends the same token forever.
struct RepeatingTokens {
    calls: AtomicUsize,
}

impl Service for RepeatingTokens {
    fn service(&self) -> ServiceKind {
        ServiceKind::GuardDuty
    }
}

impl Invitations for RepeatingTokens {
    fn list_invitations(
        &self,
        _: Option<String>,
    ) -> BoxFuture<'_, Result<InvitationPage, AwsError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(async {
            Ok(InvitationPage {
                invitations: Vec::new(),
                next_token: Some("same-token".into()),
            })
        })
    }
}

impl Members for RepeatingTokens {
    fn list_members(&self, _: Option<String>) -> BoxFuture<'_, Result<MemberPage, AwsError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(async {
            Ok(MemberPage {
                members: Vec::new(),
                next_token: Some("same-token".into()),
            })
        })
    }
}

fn repeating_source() -> (Arc<RepeatingTokens>, PlannedSource) {
    let adapter = Arc::new(RepeatingTokens {
        calls: AtomicUsize::new(0),
    });
    let source = PlannedSource::with_adapter(
        SourceId {
            profile: "p".into(),
            region: "us-east-1".into(),
            service: ServiceKind::GuardDuty,
        },
        adapter.clone(),
    );
    (adapter, source)
}

#[tokio::test]
async fn the_members_pager_and_the_answer_command_stop_at_a_repeated_token() {
    let (adapter, source) = repeating_source();
    let error = fetch::all_members(&source, None, Limits::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::RepeatedToken);
    assert_eq!(adapter.calls.load(Ordering::SeqCst), 2);

    // `guestlist accept` looks for its invitation page by page: it stops too.
    let (adapter, source) = repeating_source();
    let error = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        fetch::find_invitation(&source, Limits::default(), |_| false),
    )
    .await
    .expect("stops instead of following the token forever")
    .unwrap_err();
    assert_eq!(error.kind, ErrorKind::RepeatedToken);
    assert_eq!(adapter.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_repeated_next_token_stops_the_source_with_an_error() {
    let (adapter, source) = repeating_source();
    let events = events_of(&[source], &[]).await;
    let Some(FetchEvent::Failed { error, .. }) = events.last() else {
        panic!("{events:?}");
    };
    assert_eq!(error.kind, ErrorKind::RepeatedToken);
    assert_eq!(
        adapter.calls.load(Ordering::SeqCst),
        2,
        "stopped at the first repeat"
    );
}

#[tokio::test]
async fn dropping_a_fetch_cancels_it() {
    let sandbox = demo().await;
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"latency_ms": 400}"#,
    )
    .await;
    let identities = vec![Identity::new(
        "demo".into(),
        config(&sandbox, MEMBER_KEY, "us-east-1").await,
    )];
    let plan = plan::plan(
        identities,
        &[],
        &RegionChoice::These(vec!["us-east-1".into()]),
        false,
        &AdapterOptions::default(),
    )
    .unwrap();
    let (tx, mut rx) = mpsc::channel(64);
    let fetch = fetch::start(1, &plan.sources, &plan.identities, tx, 8, plan.limits);
    drop(fetch);
    // Every sender went with the aborted tasks: the channel closes without a page.
    let mut pages = 0;
    while let Some(event) = rx.recv().await {
        if matches!(event, FetchEvent::Page { .. }) {
            pages += 1;
        }
    }
    assert_eq!(pages, 0);
}

/// `--region all` follows the partition STS names, not a guess from the configured region.
#[tokio::test]
async fn region_all_follows_the_partition_sts_names() {
    let sandbox = demo().await;
    let guessed_wrong = Identity {
        partition: Partition::Aws,
        ..Identity::new(
            "gov".into(),
            config(&sandbox, MEMBER_KEY, "us-gov-west-1").await,
        )
    };
    let china = Identity::new(
        "cn".into(),
        config(&sandbox, MEMBER_KEY, "cn-north-1").await,
    );
    let identities = plan::with_partitions(vec![guessed_wrong, china])
        .await
        .unwrap();
    assert_eq!(identities[0].partition, Partition::GovCloud);
    assert_eq!(identities[1].partition, Partition::China);
    let plan = plan::plan(
        identities,
        &[],
        &RegionChoice::All,
        false,
        &AdapterOptions::default(),
    )
    .unwrap();
    let of = |profile: &str, service: ServiceKind| -> Vec<String> {
        plan.sources
            .iter()
            .filter(|s| s.id.profile == profile && s.id.service == service)
            .map(|s| s.id.region.clone())
            .collect()
    };
    assert_eq!(
        of("gov", ServiceKind::Detective),
        ["us-gov-east-1", "us-gov-west-1"]
    );
    assert_eq!(
        of("cn", ServiceKind::GuardDuty),
        ["cn-north-1", "cn-northwest-1"]
    );
    // Detective is not offered in China: no source rather than a failing one.
    assert!(of("cn", ServiceKind::Detective).is_empty());
    assert_eq!(plan.sources.len(), 6 + 4);
}

/// A fan-out's identities share one client per service and region, and each request is
/// signed as the identity that sends it: the administrator and the member, on the same
/// client, each see their own invitations, at the same time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_clients_sign_each_request_as_its_identity() {
    use guestlist::aws::clients::{Cached, Clients};
    let sandbox = demo().await;
    let admin = config(&sandbox, ADMIN_KEY, "us-east-1").await;
    let member = config(&sandbox, MEMBER_KEY, "us-east-1").await;
    let clients = Clients::like(&admin);
    let options = guestlist::aws::AdapterOptions::default();
    let adapter = |profile: &str, config: &aws_config::SdkConfig, region: &str| {
        let signer = Cached::of(config).unwrap();
        guestlist::aws::shared_adapter(
            guestlist::model::ServiceKind::SecurityHub,
            region,
            profile,
            &clients,
            signer,
            &options,
        )
    };
    let (as_admin, as_member) = (
        adapter("admin", &admin, "us-east-1"),
        adapter("member", &member, "us-east-1"),
    );
    let (admins, members) = tokio::join!(
        as_admin.list_invitations(None),
        as_member.list_invitations(None)
    );
    let (admins, members) = (admins.unwrap(), members.unwrap());
    assert!(
        !members.invitations.is_empty(),
        "the member has invitations"
    );
    assert!(
        members.invitations.iter().all(|i| i.profile == "member"),
        "stamped with the identity that listed"
    );
    let ids = |page: &guestlist::aws::InvitationPage| -> Vec<String> {
        page.invitations.iter().map(|i| i.key()).collect()
    };
    assert_ne!(ids(&admins), ids(&members), "each signed as itself");
    assert_eq!(clients.len(), 1, "one client for both");
    let _ = adapter("member", &member, "eu-west-1")
        .list_invitations(None)
        .await;
    assert_eq!(clients.len(), 2, "one more for another region");
}
