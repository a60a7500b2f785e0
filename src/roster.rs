//! The accounts that should be members (`--roster`): the organization's, a file's, or ids on
//! the command line. Without one, the administrator's current members are the roster.

use std::collections::HashMap;

use crate::model::RosterAccount;
use crate::validate::{is_account_id, is_email};

/// What `--roster` names: the organization's accounts, listed once the administrators are
/// known, or accounts read from the command line or a file before anything is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RosterSource {
    /// Every active account of the administrator's organization, with names and emails.
    Organization,
    /// Ids on the command line, or a file's rows.
    Accounts(Vec<RosterAccount>),
}

impl RosterSource {
    /// `org`, ids separated by commas, or a file (read and checked here: a bad roster is
    /// refused before any request).
    pub fn parse(text: &str) -> Result<RosterSource, String> {
        Ok(match crate::accounts::AccountSource::parse(text)? {
            crate::accounts::AccountSource::Organization => RosterSource::Organization,
            crate::accounts::AccountSource::List(ids) => RosterSource::Accounts(
                ids.into_iter()
                    .map(|id| RosterAccount {
                        id,
                        ..RosterAccount::default()
                    })
                    .collect(),
            ),
            crate::accounts::AccountSource::File(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let accounts = parse_file(&text).map_err(|e| format!("{}: {e}", path.display()))?;
                RosterSource::Accounts(accounts)
            }
        })
    }
}

/// The roster `source` names, as the administrators of `plan` see it; none without one (the
/// administrators' current members are then the roster). `administrators` are the accounts
/// of `plan`'s identities, by profile, which the caller asks STS for once: they are left out,
/// as an account is not a member of itself.
pub async fn load(
    source: Option<&RosterSource>,
    plan: &crate::plan::Plan,
    administrators: &HashMap<String, String>,
) -> Result<Vec<RosterAccount>, String> {
    let Some(source) = source else {
        return Ok(Vec::new());
    };
    let accounts = match source {
        RosterSource::Organization => organization(plan).await?,
        RosterSource::Accounts(accounts) => accounts.clone(),
    };
    Ok(accounts
        .into_iter()
        .filter(|a| !administrators.values().any(|own| *own == a.id))
        .collect())
}

/// Every active account of the first administrator's organization, with name and email.
async fn organization(plan: &crate::plan::Plan) -> Result<Vec<RosterAccount>, String> {
    let Some(identity) = plan.identities.first() else {
        return Err("--roster org: no identity to list the organization as".into());
    };
    let first = plan.regions.first().map(String::as_str);
    let config = crate::aws::with_signing_region(&identity.config, first);
    let mut pages = crate::aws::organizations::AccountPages::new(&config);
    let mut roster = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| format!("--roster org: {e}"))?;
        roster.extend(
            page.into_iter()
                .filter(|a| a.status == "ACTIVE")
                .map(|a| RosterAccount {
                    id: a.id,
                    email: Some(a.email).filter(|e| !e.is_empty()),
                    name: Some(a.name).filter(|n| !n.is_empty()),
                }),
        );
    }
    Ok(roster)
}

/// `AccountId,Email[,Name]` rows (a header naming those columns, in any order, is optional:
/// the multi-account scripts' files have none), or one id per line; `#` comments; CR, LF or
/// CRLF. An account listed twice keeps its first row.
pub fn parse_file(text: &str) -> Result<Vec<RosterAccount>, String> {
    let lines: Vec<(usize, Vec<&str>)> = text
        .split(['\n', '\r'])
        .enumerate()
        .map(|(n, line)| (n + 1, line.split('#').next().unwrap_or("").trim()))
        .filter(|(_, line)| !line.is_empty())
        .map(|(n, line)| (n, line.split(',').map(str::trim).collect()))
        .collect();
    let header = lines.first().and_then(|(_, fields)| {
        let at = |name: &str| fields.iter().position(|f| f.eq_ignore_ascii_case(name));
        at("accountid").map(|id| (id, at("email"), at("name")))
    });
    let (columns, rows) = match header {
        Some(columns) => (columns, &lines[1..]),
        None => ((0, Some(1), Some(2)), &lines[..]),
    };
    let (id_at, email_at, name_at) = columns;
    let mut accounts: Vec<RosterAccount> = Vec::new();
    for (line, fields) in rows {
        let field = |at: Option<usize>| {
            at.and_then(|i| fields.get(i))
                .filter(|f| !f.is_empty())
                .map(|f| (*f).to_owned())
        };
        let id = field(Some(id_at)).unwrap_or_default();
        if !is_account_id(&id) {
            return Err(format!(
                "line {line}: '{id}' is not an account id of exactly 12 digits"
            ));
        }
        let email = field(email_at);
        if let Some(email) = &email
            && !is_email(email)
        {
            return Err(format!(
                "line {line}: '{email}' is not a valid email address"
            ));
        }
        if accounts.iter().any(|a| a.id == id) {
            continue;
        }
        accounts.push(RosterAccount {
            id,
            email,
            name: field(name_at),
        });
    }
    if accounts.is_empty() {
        return Err("no account in it".into());
    }
    Ok(accounts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scripts_files_and_plain_lists_read_alike() {
        let scripts = "111122223333,ops@example.com\r\n444455556666,dev@example.com\r\n";
        let read = parse_file(scripts).unwrap_or_default();
        assert_eq!(read.len(), 2);
        assert_eq!(read[1].email.as_deref(), Some("dev@example.com"));

        let headed = "Name,AccountId,Email\npayments,111122223333,pay@example.com # theirs\n";
        let read = parse_file(headed).unwrap_or_default();
        assert_eq!(read[0].name.as_deref(), Some("payments"));
        assert_eq!(read[0].email.as_deref(), Some("pay@example.com"));

        let ids = "111122223333\n111122223333\n444455556666";
        let read = parse_file(ids).unwrap_or_default();
        assert_eq!(read.len(), 2, "listed twice, kept once");
        assert!(read.iter().all(|a| a.email.is_none()));
    }

    #[test]
    fn a_bad_row_is_named_by_its_line() {
        let error = parse_file("111122223333,ops@example.com\n12345,x@example.com\n");
        assert_eq!(
            error,
            Err("line 2: '12345' is not an account id of exactly 12 digits".into())
        );
        let error = parse_file("111122223333,not-an-email\n");
        assert!(error.is_err_and(|e| e.contains("not a valid email")));
        assert!(parse_file("# nothing\n").is_err());
    }
}
