//! Following `NextToken`: every page of a listing, as a stream, with the guard against a
//! service that sends a token it sent before (following it would never end).

use std::collections::HashSet;

use futures_util::Stream;
use futures_util::future::BoxFuture;

use crate::model::{AwsError, ErrorKind};

/// A page that may have a next.
pub trait Paged {
    fn next_token(&self) -> Option<&str>;
}

enum Next {
    Ask(Option<String>),
    Fail(AwsError),
    Done,
}

/// The pages `fetch` returns, from the first until the last, an error, or a repeated token; a
/// repeated token ends the stream with an error after the page that carried it.
pub fn pages<'a, P, F>(fetch: F) -> impl Stream<Item = Result<P, AwsError>> + Send + 'a
where
    P: Paged + Send + 'a,
    F: FnMut(Option<String>) -> BoxFuture<'a, Result<P, AwsError>> + Send + 'a,
{
    let start = (Next::Ask(None), HashSet::new(), 0usize, fetch);
    futures_util::stream::unfold(start, |(next, mut seen, pages, mut fetch)| async move {
        let token = match next {
            Next::Done => return None,
            Next::Fail(error) => return Some((Err(error), (Next::Done, seen, pages, fetch))),
            Next::Ask(token) => token,
        };
        match fetch(token).await {
            Err(error) => Some((Err(error), (Next::Done, seen, pages, fetch))),
            Ok(page) => {
                let pages = pages + 1;
                let next = match page.next_token() {
                    None => Next::Done,
                    Some(token) if !seen.insert(token.to_owned()) => Next::Fail(AwsError::new(
                        ErrorKind::RepeatedToken,
                        "RepeatedNextToken",
                        format!(
                            "the service sent the same NextToken twice; stopped after {pages} pages"
                        ),
                    )),
                    Some(token) => Next::Ask(Some(token.to_owned())),
                };
                Some((Ok(page), (next, seen, pages, fetch)))
            }
        }
    })
}
