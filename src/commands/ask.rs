//! Asking on the terminal before a command changes anything.

use std::io::{BufRead, IsTerminal, Write};

/// Asks `question`; only `y` or `yes` is a yes. Refuses when there is no terminal to ask on.
pub fn yes(question: &str) -> Result<bool, String> {
    if !std::io::stdin().is_terminal() {
        return Err(
            "refusing to change anything without --yes: there is no terminal to ask on".into(),
        );
    }
    let mut stderr = std::io::stderr();
    let _ = write!(stderr, "{question} [y/N] ");
    let _ = stderr.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| format!("cannot read the answer: {e}"))?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Before `command` changes members in every source of `plan`: asks `what … in PLACES?` unless
/// `yes`. None to go on; the exit code when it must not (cancelled, or no terminal to ask on).
pub fn before_changing(
    command: &str,
    what: &str,
    plan: &crate::plan::Plan,
    yes: bool,
) -> Option<std::process::ExitCode> {
    if yes {
        return None;
    }
    let places: Vec<String> = plan
        .sources
        .iter()
        .map(|s| format!("{} {} ({})", s.id.service, s.id.region, s.id.profile))
        .collect();
    go_on(command, &format!("{what} in {}?", places.join(", ")))
}

/// Asks `question` before `command` sends anything: None to go on; the exit code when it must
/// not (cancelled, or no terminal to ask on), said on stderr.
pub fn go_on(command: &str, question: &str) -> Option<std::process::ExitCode> {
    match yes(question) {
        Ok(true) => None,
        Ok(false) => {
            super::output::warn(format_args!("cancelled: nothing was sent"));
            Some(std::process::ExitCode::from(1))
        }
        Err(error) => {
            super::output::warn(format_args!("guestlist {command}: {error}"));
            Some(std::process::ExitCode::from(1))
        }
    }
}

/// The current code of the MFA device `serial`, asked once on stderr and read from stdin (a
/// terminal, or a pipe from a script). Six digits, as STS takes them.
pub fn mfa_code(serial: &str) -> Result<String, String> {
    let mut stderr = std::io::stderr();
    let _ = write!(stderr, "MFA code for {serial}: ");
    let _ = stderr.flush();
    let mut code = String::new();
    let read = std::io::stdin()
        .lock()
        .read_line(&mut code)
        .map_err(|e| format!("cannot read the MFA code: {e}"))?;
    if !std::io::stdin().is_terminal() {
        // Piped: the prompt's line has no echo to end it.
        let _ = writeln!(stderr);
    }
    let code = code.trim();
    if read == 0 {
        return Err(format!(
            "--mfa-serial {serial}: no MFA code was given (type it, or pipe it on stdin)"
        ));
    }
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "--mfa-serial {serial}: '{code}' is not an MFA code: six digits, as the device shows"
        ));
    }
    Ok(code.to_owned())
}
