//! A server that impersonates the services and misbehaves on purpose, and what the client does
//! about it: no answer may panic anything, fill memory, hang a source, or pass for an empty one.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::future::BoxFuture;
use guestlist::aws::paging::Limits;
use guestlist::aws::{
    AdapterOptions, InvitationPage, Invitations, Members, Service, ServiceAdapter, adapter_for,
};
use guestlist::fetch::{self, FetchEvent};
use guestlist::model::{AwsError, ErrorKind, ServiceKind, SourceId};
use guestlist::plan::PlannedSource;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// How the hostile server answers each request.
#[derive(Clone, Copy)]
enum Misbehaviour {
    /// A 200 whose body never ends (it stops after 64 MiB, or when the client goes).
    EndlessBody,
    /// A 200 whose body is an error's shape.
    ErrorAsSuccess,
    /// A 200 listing an invitation without its administrator.
    RowWithoutAdministrator,
}

/// Serves `how` on loopback until the test ends; the endpoint URL.
async fn hostile(how: Misbehaviour) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                // Read the request's head; these requests have small bodies.
                let mut buffer = vec![0u8; 16 * 1024];
                let _ =
                    tokio::time::timeout(Duration::from_secs(2), stream.read(&mut buffer)).await;
                let body = match how {
                    Misbehaviour::EndlessBody => {
                        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                                    Transfer-Encoding: chunked\r\n\r\n";
                        if stream.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
                        for _ in 0..1024 {
                            if stream.write_all(chunk.as_bytes()).await.is_err() {
                                return;
                            }
                        }
                        return;
                    }
                    Misbehaviour::ErrorAsSuccess => {
                        r#"{"__type":"InternalException","message":"all is well"}"#.to_owned()
                    }
                    Misbehaviour::RowWithoutAdministrator => {
                        r#"{"Invitations":[{"InvitationId":"abc","MemberStatus":"Invited"}]}"#
                            .to_owned()
                    }
                };
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    url
}

async fn security_hub_at(url: &str) -> Arc<dyn ServiceAdapter> {
    let config = guestlist::aws::sandbox_config(url, "444455556666", "us-east-1").await;
    adapter_for(
        ServiceKind::SecurityHub,
        &config,
        "test",
        &AdapterOptions::default(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_never_ends_fails_the_source_instead_of_filling_memory() {
    let url = hostile(Misbehaviour::EndlessBody).await;
    let adapter = security_hub_at(&url).await;
    let error = tokio::time::timeout(Duration::from_secs(60), adapter.list_invitations(None))
        .await
        .expect("fails instead of reading on")
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Bound, "{error}");
    assert_eq!(error.code, "ResponseTooLarge", "{error}");
}

#[tokio::test]
async fn an_error_sent_as_a_success_is_malformed_not_empty() {
    let url = hostile(Misbehaviour::ErrorAsSuccess).await;
    let error = security_hub_at(&url)
        .await
        .list_invitations(None)
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Malformed, "{error}");
}

#[tokio::test]
async fn a_row_the_service_could_not_have_sent_is_malformed() {
    let url = hostile(Misbehaviour::RowWithoutAdministrator).await;
    let error = security_hub_at(&url)
        .await
        .list_invitations(None)
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Malformed, "{error}");
    assert!(
        error.message.contains("without its administrator"),
        "{error}"
    );
}

/// A service whose pages are decided by `next`: the token after the `n`th call.
struct Pages {
    calls: AtomicUsize,
    next: fn(usize) -> Option<String>,
    /// Never answers at all.
    silent: bool,
}

impl Service for Pages {
    fn service(&self) -> ServiceKind {
        ServiceKind::GuardDuty
    }
}

impl Invitations for Pages {
    fn list_invitations(
        &self,
        _: Option<String>,
    ) -> BoxFuture<'_, Result<InvitationPage, AwsError>> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let next_token = (self.next)(n);
        let silent = self.silent;
        Box::pin(async move {
            if silent {
                std::future::pending::<()>().await;
            }
            Ok(InvitationPage {
                invitations: Vec::new(),
                next_token,
            })
        })
    }
}

impl Members for Pages {}

async fn listing_of(pages: Pages, limits: Limits) -> (Vec<FetchEvent>, Arc<Pages>) {
    let adapter = Arc::new(pages);
    let source = PlannedSource::with_adapter(
        SourceId {
            profile: "p".into(),
            region: "us-east-1".into(),
            service: ServiceKind::GuardDuty,
        },
        adapter.clone(),
    );
    let (tx, mut rx) = mpsc::channel(64);
    let listing = fetch::start(1, &[source], &[], tx, 1, limits);
    let mut events = Vec::new();
    while let Some(event) = rx.recv().await {
        events.push(event);
    }
    listing.finish().await;
    (events, adapter)
}

fn failure(events: &[FetchEvent]) -> Option<&AwsError> {
    events.iter().find_map(|e| match e {
        FetchEvent::Failed { error, .. } => Some(error),
        _ => None,
    })
}

#[tokio::test]
async fn new_tokens_forever_stop_at_the_page_bound_and_say_so() {
    let limits = Limits {
        max_pages: 25,
        ..Limits::default()
    };
    let pages = Pages {
        calls: AtomicUsize::new(0),
        next: |n| Some(format!("token-{n}")),
        silent: false,
    };
    let (events, adapter) = listing_of(pages, limits).await;
    let error = failure(&events).expect("the source failed");
    assert_eq!(
        (error.kind, error.code.as_str()),
        (ErrorKind::Bound, "PageLimit")
    );
    assert!(error.message.contains("--max-pages"), "{error}");
    assert_eq!(adapter.calls.load(Ordering::SeqCst), 25);
}

#[tokio::test(start_paused = true)]
async fn a_service_that_never_answers_stops_at_the_time_bound() {
    let limits = Limits {
        per_source: Duration::from_secs(30),
        ..Limits::default()
    };
    let pages = Pages {
        calls: AtomicUsize::new(0),
        next: |_| None,
        silent: true,
    };
    // Paused time: the 30 s pass at once, with no sleeping.
    let (events, _) = listing_of(pages, limits).await;
    let error = failure(&events).expect("the source failed");
    assert_eq!(
        (error.kind, error.code.as_str()),
        (ErrorKind::Bound, "SourceTimeout")
    );
    assert!(error.message.contains("--source-timeout"), "{error}");
}

#[tokio::test]
async fn an_empty_next_token_ends_the_listing_as_the_sdk_paginators_do() {
    let pages = Pages {
        calls: AtomicUsize::new(0),
        next: |_| Some(String::new()),
        silent: false,
    };
    let (events, adapter) = listing_of(pages, Limits::default()).await;
    assert!(failure(&events).is_none(), "{events:?}");
    assert!(matches!(events.last(), Some(FetchEvent::Finished { .. })));
    assert_eq!(
        adapter.calls.load(Ordering::SeqCst),
        1,
        "the empty token was not followed"
    );
}
