//! What every command shares when it prints: aligned columns, the exit rule, printing that a
//! closed pipe does not fail, and refusing with one line.

use std::io::{self, Write};
use std::process::ExitCode;

use crate::format::terminal_safe;

/// The commands' exit rule: 0 when nothing failed, 1 when everything did (nothing could be
/// done), 2 when some failed and the rest was done.
pub fn exit_code(failed: usize, total: usize) -> u8 {
    match failed {
        0 => 0,
        failed if failed >= total => 1,
        _ => 2,
    }
}

/// Plain aligned columns, two spaces apart, for a terminal or a pager.
pub fn write_columns(
    out: &mut impl Write,
    header: &[&str],
    rows: &[Vec<String>],
) -> io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(terminal_safe(cell).chars().count());
        }
    }
    // Padded by hand: `format!("{cell:<width$}")` panics on widths over 65,535, and a field
    // from the network can be that long.
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut line = String::new();
        for (cell, width) in cells.zip(&widths) {
            let cell = terminal_safe(cell);
            line.push_str(&cell);
            let pad = width.saturating_sub(cell.chars().count());
            line.extend(std::iter::repeat_n(' ', pad + 2));
        }
        line.trim_end().to_owned()
    };
    writeln!(out, "{}", line(&mut header.iter().copied()))?;
    for row in rows {
        writeln!(out, "{}", line(&mut row.iter().map(String::as_str)))?;
    }
    Ok(())
}

/// Writes to stdout whatever `print` writes; a reader that went away (`| head`) has what it
/// wanted, so a broken pipe is not an error.
pub fn to_stdout(print: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match print(&mut stdout).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// A line for stderr that may hold text from the network, made safe for a terminal.
pub fn warn(line: impl std::fmt::Display) {
    eprintln!("{}", terminal_safe(&line.to_string()));
}

/// A line for stdout that may hold text from the network, made safe for a terminal.
pub fn say(line: impl std::fmt::Display) {
    println!("{}", terminal_safe(&line.to_string()));
}

/// Says why a command cannot go on; it ends with exit 1, nothing having been sent.
pub fn refuse(reason: impl std::fmt::Display) -> ExitCode {
    eprintln!("guestlist: {}", terminal_safe(&reason.to_string()));
    ExitCode::from(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_longer_than_any_format_width_is_written_whole() {
        let long = "7".repeat(70_000);
        let mut out = Vec::new();
        write_columns(&mut out, &["A", "B"], &[vec![long.clone(), "x".into()]]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(&format!("{long}  x")));
    }

    #[test]
    fn cells_from_the_network_cannot_drive_the_terminal() {
        let mut out = Vec::new();
        let hostile = "\u{1b}]0;owned\u{7}\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}1111";
        write_columns(&mut out, &["ID"], &[vec![hostile.into()]]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
        assert!(text.contains("1111"));
    }
}
