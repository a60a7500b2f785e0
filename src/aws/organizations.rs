//! The accounts of the caller's organization (`--accounts org`): Organizations `ListAccounts`,
//! every page, as the management account or a delegated administrator.

use aws_config::SdkConfig;

use crate::model::{AwsError, ErrorKind};

/// An account of the organization, as `ListAccounts` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    pub id: String,
    pub name: String,
    /// The root user's email: what a member invitation is sent to.
    pub email: String,
    /// `ACTIVE`, `SUSPENDED` or `PENDING_CLOSURE`.
    pub status: String,
}

/// The caller's organization's accounts, a page at a time, in the order listed: a fan-out
/// starts on each page's accounts while the next page is asked for.
pub struct AccountPages {
    client: aws_sdk_organizations::Client,
    token: Option<String>,
    seen: std::collections::HashSet<String>,
    done: bool,
}

impl AccountPages {
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            client: aws_sdk_organizations::Client::new(config),
            token: None,
            seen: std::collections::HashSet::new(),
            done: false,
        }
    }

    /// The next page, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<Vec<OrgAccount>, AwsError>> {
        if self.done {
            return None;
        }
        let page = self
            .client
            .list_accounts()
            .set_next_token(self.token.clone())
            .send()
            .await;
        let page = match page {
            Ok(page) => page,
            Err(error) => {
                self.done = true;
                return Some(Err(AwsError::from_sdk(error)));
            }
        };
        #[allow(deprecated)] // `status` is deprecated upstream for `state`, still sent.
        let accounts = page
            .accounts()
            .iter()
            .map(|a| OrgAccount {
                id: a.id().unwrap_or_default().to_owned(),
                name: a.name().unwrap_or_default().to_owned(),
                email: a.email().unwrap_or_default().to_owned(),
                status: a
                    .status()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
            })
            .collect();
        self.token = page.next_token().map(str::to_owned);
        match &self.token {
            None => self.done = true,
            // A token seen before would page forever.
            Some(next) if !self.seen.insert(next.clone()) => {
                self.done = true;
                return Some(Err(AwsError::new(
                    ErrorKind::RepeatedToken,
                    "RepeatedNextToken",
                    "Organizations sent a NextToken it had sent before",
                )));
            }
            Some(_) => {}
        }
        Some(Ok(accounts))
    }
}
