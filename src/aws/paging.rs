//! Following `NextToken`: every page of a listing, as a stream, within bounds. It ends at the
//! last page, at an empty token (as the AWS SDKs' own paginators do), at an error, at a token
//! the service sent before (following it would never end), or at a bound: too many pages, or
//! too long for one source. Each bound says which it was.

use std::collections::HashSet;
use std::time::Duration;

use futures_util::Stream;
use futures_util::future::BoxFuture;
use tokio::time::Instant;

use crate::model::{AwsError, ErrorKind};

/// A page that may have a next.
pub trait Paged {
    fn next_token(&self) -> Option<&str>;
}

/// How far one source's listing may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Pages of one source (`--max-pages`).
    pub max_pages: usize,
    /// Time for one source's whole listing, retries included (`--source-timeout`).
    pub per_source: Duration,
}

impl Limits {
    /// 1,000 pages hold 50,000 to 200,000 rows: far beyond a real source.
    pub const DEFAULT_MAX_PAGES: usize = 1000;
    pub const DEFAULT_PER_SOURCE: Duration = Duration::from_secs(120);
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_pages: Self::DEFAULT_MAX_PAGES,
            per_source: Self::DEFAULT_PER_SOURCE,
        }
    }
}

enum Next {
    Ask(Option<String>),
    Fail(AwsError),
    Done,
}

struct Walk<F> {
    next: Next,
    seen: HashSet<String>,
    pages: usize,
    deadline: Instant,
    limits: Limits,
    fetch: F,
}

/// The pages `fetch` returns, from the first until one of the ends above; a repeated token or a
/// page bound ends the stream with an error after the page that reached it.
pub fn pages<'a, P, F>(
    limits: Limits,
    fetch: F,
) -> impl Stream<Item = Result<P, AwsError>> + Send + 'a
where
    P: Paged + Send + 'a,
    F: FnMut(Option<String>) -> BoxFuture<'a, Result<P, AwsError>> + Send + 'a,
{
    let start = Walk {
        next: Next::Ask(None),
        seen: HashSet::new(),
        pages: 0,
        deadline: Instant::now() + limits.per_source,
        limits,
        fetch,
    };
    futures_util::stream::unfold(start, |mut walk| async move {
        let token = match std::mem::replace(&mut walk.next, Next::Done) {
            Next::Done => return None,
            Next::Fail(error) => return Some((Err(error), walk)),
            Next::Ask(token) => token,
        };
        let page = match tokio::time::timeout_at(walk.deadline, (walk.fetch)(token)).await {
            Err(_) => Err(AwsError::new(
                ErrorKind::Bound,
                "SourceTimeout",
                format!(
                    "gave up after {} s, the time one source may take (--source-timeout), having read {} pages",
                    walk.limits.per_source.as_secs(),
                    walk.pages
                ),
            )),
            Ok(page) => page,
        };
        let page = match page {
            Err(error) => return Some((Err(error), walk)),
            Ok(page) => page,
        };
        walk.pages += 1;
        walk.next = match page.next_token() {
            None | Some("") => Next::Done,
            Some(token) if !walk.seen.insert(token.to_owned()) => Next::Fail(AwsError::new(
                ErrorKind::RepeatedToken,
                "RepeatedNextToken",
                format!(
                    "the service sent the same NextToken twice; stopped after {} pages",
                    walk.pages
                ),
            )),
            Some(_) if walk.pages >= walk.limits.max_pages => Next::Fail(AwsError::new(
                ErrorKind::Bound,
                "PageLimit",
                format!(
                    "stopped after {} pages, the most one source may have (--max-pages); the service still had more",
                    walk.pages
                ),
            )),
            Some(token) => Next::Ask(Some(token.to_owned())),
        };
        Some((Ok(page), walk))
    })
}
