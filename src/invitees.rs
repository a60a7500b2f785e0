//! What an administrator types or pastes to invite accounts, checked before any request.

use std::collections::BTreeSet;

use crate::model::{Invitee, ServiceKind};
use crate::validate::{is_account_id, is_email};

/// What the input held: the accounts to invite and what was dropped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub invitees: Vec<Invitee>,
    pub duplicates: Vec<String>,
    pub errors: Vec<String>,
}

/// Account ids separated by spaces, commas or newlines, or `AccountId,Email` lines as the AWS
/// multi-account scripts take them; `default_email` serves accounts without their own.
pub fn parse(text: &str, default_email: Option<&str>) -> Parsed {
    let mut parsed = Parsed::default();
    let mut seen = BTreeSet::new();
    let mut push = |parsed: &mut Parsed, account: &str, email: Option<&str>| {
        if !is_account_id(account) {
            parsed.errors.push(format!(
                "'{account}' is not an account id of exactly 12 digits"
            ));
            return;
        }
        if let Some(email) = email
            && !is_email(email)
        {
            parsed
                .errors
                .push(format!("{account}: '{email}' is not a valid email address"));
            return;
        }
        if !seen.insert(account.to_owned()) {
            parsed.duplicates.push(account.to_owned());
            return;
        }
        parsed.invitees.push(Invitee {
            account_id: account.to_owned(),
            email: email.or(default_email).map(str::to_owned),
        });
    };
    // Lines end in LF, CRLF or a lone CR (what terminals send when pasting).
    for line in text.split(['\n', '\r']) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields[0].eq_ignore_ascii_case("accountid") {
            continue; // the scripts' CSV header
        }
        // `AccountId,Email`: two fields, the second not an account id.
        if fields.len() == 2 && !is_account_id(fields[1]) && !fields[1].is_empty() {
            push(&mut parsed, fields[0], Some(fields[1]));
            continue;
        }
        for account in line.split([',', ' ', '\t', ';']).filter(|s| !s.is_empty()) {
            push(&mut parsed, account, None);
        }
    }
    if let Some(email) = default_email
        && !is_email(email)
    {
        parsed
            .errors
            .push(format!("'{email}' is not a valid email address"));
    }
    parsed
}

/// Why these invitees cannot be invited in `service`, if they cannot.
pub fn check_for(service: ServiceKind, invitees: &[Invitee]) -> Result<(), String> {
    if service == ServiceKind::SecurityHub {
        return Ok(());
    }
    let missing: Vec<&str> = invitees
        .iter()
        .filter(|i| i.email.is_none())
        .map(|i| i.account_id.as_str())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} needs an email for every account; none for {}",
            service.display_name(),
            missing.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_pasted_with_spaces_commas_and_newlines() {
        let parsed = parse(
            "111111111111, 222222222222\n333333333333 111111111111\n\n",
            None,
        );
        let ids: Vec<&str> = parsed
            .invitees
            .iter()
            .map(|i| i.account_id.as_str())
            .collect();
        assert_eq!(ids, ["111111111111", "222222222222", "333333333333"]);
        assert_eq!(parsed.duplicates, ["111111111111"]);
        assert!(parsed.errors.is_empty());
    }

    #[test]
    fn account_and_email_lines_as_the_multi_account_scripts_take_them() {
        let parsed = parse(
            "AccountId,Email\n111111111111,a@example.com\n222222222222, b@example.org\n",
            Some("default@example.com"),
        );
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.invitees.len(), 2);
        assert_eq!(parsed.invitees[0].email.as_deref(), Some("a@example.com"));
        assert_eq!(parsed.invitees[1].email.as_deref(), Some("b@example.org"));
        let parsed = parse("333333333333", Some("default@example.com"));
        assert_eq!(
            parsed.invitees[0].email.as_deref(),
            Some("default@example.com")
        );
    }

    #[test]
    fn lines_ending_in_cr_crlf_or_lf_are_lines() {
        for end in ["\r", "\r\n", "\n"] {
            let text = [
                "AccountId,Email",
                "111111111111,alice@example.com",
                "210987654321,bob@example.com",
                "",
            ]
            .join(end);
            let parsed = parse(&text, None);
            assert!(parsed.errors.is_empty(), "{end:?}: {:?}", parsed.errors);
            let emails: Vec<_> = parsed.invitees.iter().map(|i| i.email.as_deref()).collect();
            assert_eq!(
                emails,
                [Some("alice@example.com"), Some("bob@example.com")],
                "{end:?}"
            );
        }
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let parsed = parse(
            "12345\n111111111111,not-an-email\n22222222222x",
            Some("bad@"),
        );
        assert!(parsed.invitees.is_empty());
        assert_eq!(parsed.errors.len(), 4, "{:?}", parsed.errors);
        assert!(parsed.errors[0].contains("'12345'"));
        assert!(parsed.errors[1].contains("not-an-email"));
    }

    #[test]
    fn guardduty_and_detective_need_emails() {
        let parsed = parse("111111111111", None);
        assert!(check_for(ServiceKind::SecurityHub, &parsed.invitees).is_ok());
        let error = check_for(ServiceKind::GuardDuty, &parsed.invitees).unwrap_err();
        assert!(error.contains("111111111111"));
    }
}
