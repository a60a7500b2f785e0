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
