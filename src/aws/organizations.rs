//! The accounts of the caller's organization (`--accounts org`): Organizations `ListAccounts`,
//! every page, as the management account or a delegated administrator.

use aws_config::SdkConfig;

use crate::model::{AwsError, ErrorKind};

/// An account of the organization, as `ListAccounts` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    pub id: String,
    pub name: String,
    /// `ACTIVE`, `SUSPENDED` or `PENDING_CLOSURE`.
    pub status: String,
}

/// Every account of the caller's organization, in the order listed.
pub async fn accounts(config: &SdkConfig) -> Result<Vec<OrgAccount>, AwsError> {
    let client = aws_sdk_organizations::Client::new(config);
    let mut accounts = Vec::new();
    let mut token: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    loop {
        let page = client
            .list_accounts()
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(AwsError::from_sdk)?;
        #[allow(deprecated)] // `status` is deprecated upstream for `state`, still sent.
        accounts.extend(page.accounts().iter().map(|a| {
            OrgAccount {
                id: a.id().unwrap_or_default().to_owned(),
                name: a.name().unwrap_or_default().to_owned(),
                status: a
                    .status()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
            }
        }));
        token = page.next_token().map(str::to_owned);
        match &token {
            None => return Ok(accounts),
            // A token seen before would page forever.
            Some(next) if !seen.insert(next.clone()) => {
                return Err(AwsError::new(
                    ErrorKind::RepeatedToken,
                    "RepeatedNextToken",
                    "Organizations sent a NextToken it had sent before",
                ));
            }
            Some(_) => {}
        }
    }
}
