//! What the services accept as an account id and an email, checked the same way on both sides:
//! by guestlist before it sends anything, and by the sandbox when it answers.

pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// The address shape the services accept (Detective's `EmailAddress` pattern, 64 characters at most).
pub fn is_email(email: &str) -> bool {
    if email.is_empty() || email.len() > 64 {
        return false;
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    if local.is_empty() {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let Some((tld, hosts)) = labels.split_last() else {
        return false;
    };
    let tld_ok = (2..=63).contains(&tld.len()) && tld.bytes().all(|b| b.is_ascii_alphabetic());
    let hosts_ok = !hosts.is_empty()
        && hosts.iter().all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    tld_ok && hosts_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_follow_the_service_pattern() {
        for good in ["a@example.com", "first.last+tag@sub.example.co", "x@a-b.io"] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "",
            "no-at-sign",
            "@example.com",
            "a@example",
            "a@-bad.com",
            "a@example.c0m",
            "a@.com",
            &format!("{}@example.com", "x".repeat(60)),
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
