//! Where the accounts of a fan-out come from (`--accounts`), and the role assumed into each
//! (`--assume-role`).

use crate::validate::is_account_id;

/// What `--accounts` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountSource {
    /// Ids on the command line: `111122223333,444455556666`.
    List(Vec<String>),
    /// A file: one id per line, or a CSV with an `AccountId` column.
    File(std::path::PathBuf),
    /// Every active account of the caller's organization (`org`).
    Organization,
}

impl AccountSource {
    /// `--accounts`: ids separated by commas, or else the path of a file.
    pub fn parse(text: &str) -> Result<AccountSource, String> {
        let text = text.trim();
        if text == "org" {
            return Ok(AccountSource::Organization);
        }
        let words: Vec<&str> = text.split(',').map(str::trim).collect();
        if words.iter().all(|w| is_account_id(w)) {
            return Ok(AccountSource::List(
                words.iter().map(|w| (*w).to_owned()).collect(),
            ));
        }
        if words.len() > 1 || text.chars().all(|c| c.is_ascii_digit()) {
            let bad = words.iter().find(|w| !is_account_id(w)).unwrap_or(&text);
            return Err(format!("'{bad}' is not an account id of exactly 12 digits"));
        }
        Ok(AccountSource::File(text.into()))
    }

    /// The account ids, in order, each once; `org` is listed by the caller, not read here.
    pub fn read(&self) -> Result<Vec<String>, String> {
        match self {
            AccountSource::Organization => {
                Err("the organization's accounts are listed, not read".into())
            }
            AccountSource::List(ids) => Ok(unique(ids.clone())),
            AccountSource::File(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                parse_file(&text).map_err(|e| format!("{}: {e}", path.display()))
            }
        }
    }
}

fn unique(ids: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    ids.into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect()
}

/// One id per line, or a CSV whose header has an `AccountId` column (the AWS multi-account
/// scripts' `AccountId,Email` files work as they are); `#` starts a comment; lines end in
/// CR, LF or CRLF.
pub fn parse_file(text: &str) -> Result<Vec<String>, String> {
    let lines: Vec<(usize, &str)> = text
        .split(['\n', '\r'])
        .enumerate()
        .map(|(n, line)| (n + 1, line.split('#').next().unwrap_or("").trim()))
        .filter(|(_, line)| !line.is_empty())
        .collect();
    let column = lines.first().and_then(|(_, header)| {
        header
            .split(',')
            .position(|name| name.trim().eq_ignore_ascii_case("accountid"))
    });
    let rows = if column.is_some() {
        &lines[1..]
    } else {
        &lines[..]
    };
    let mut ids = Vec::new();
    for (line, row) in rows {
        let field = row.split(',').nth(column.unwrap_or(0)).unwrap_or("").trim();
        if !is_account_id(field) {
            return Err(format!(
                "line {line}: '{field}' is not an account id of exactly 12 digits"
            ));
        }
        ids.push(field.to_owned());
    }
    if ids.is_empty() {
        return Err("no account in it".into());
    }
    Ok(unique(ids))
}

/// The role to assume in `account`: a role name, or an ARN with `{account}` in it.
pub fn role_arn(role: &str, account: &str, partition: &str) -> String {
    if role.starts_with("arn:") {
        role.replace("{account}", account)
    } else {
        format!("arn:{partition}:iam::{account}:role/{role}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_come_as_ids_or_files_in_the_scripts_formats() {
        assert_eq!(
            AccountSource::parse("111122223333, 444455556666"),
            Ok(AccountSource::List(vec![
                "111122223333".into(),
                "444455556666".into()
            ]))
        );
        assert!(
            AccountSource::parse("1111,2222")
                .unwrap_err()
                .contains("'1111'")
        );
        assert_eq!(
            AccountSource::parse("accounts.csv"),
            Ok(AccountSource::File("accounts.csv".into()))
        );
        for end in ["\n", "\r\n", "\r"] {
            let csv = [
                "AccountId,Email",
                "111122223333,a@example.com",
                "# a comment",
                "444455556666,b@example.com",
                "",
            ]
            .join(end);
            assert_eq!(
                parse_file(&csv).unwrap(),
                ["111122223333", "444455556666"],
                "{end:?}"
            );
        }
        assert_eq!(
            parse_file("Email,AccountId\na@example.com,111122223333\n").unwrap(),
            ["111122223333"]
        );
        assert_eq!(
            parse_file("111122223333\n111122223333 # again\n444455556666").unwrap(),
            ["111122223333", "444455556666"]
        );
        assert!(
            parse_file("111122223333\nnope\n")
                .unwrap_err()
                .contains("line 2")
        );
    }

    #[test]
    fn roles_by_name_or_arn_template() {
        assert_eq!(
            role_arn("OrganizationAccountAccessRole", "111122223333", "aws"),
            "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole"
        );
        assert_eq!(
            role_arn(
                "arn:aws-us-gov:iam::{account}:role/audit/Reader",
                "111122223333",
                "aws"
            ),
            "arn:aws-us-gov:iam::111122223333:role/audit/Reader"
        );
    }
}
