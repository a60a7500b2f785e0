//! What every command shares when it prints: aligned columns, the exit rule, printing that a
//! closed pipe does not fail, and refusing with one line.

use std::io::{self, Write};
use std::process::ExitCode;

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
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let padded: Vec<String> = cells
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        padded.join("  ").trim_end().to_owned()
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

/// Says why a command cannot go on; it ends with exit 1, nothing having been sent.
pub fn refuse(reason: impl std::fmt::Display) -> ExitCode {
    eprintln!("guestlist: {reason}");
    ExitCode::from(1)
}
