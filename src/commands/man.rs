//! `guestlist man`: the man page (roff), generated from the command line's definition.

use std::process::ExitCode;

use clap::CommandFactory;

use super::output;
use crate::cli::Cli;

pub fn run() -> std::io::Result<ExitCode> {
    output::to_stdout(|out| clap_mangen::Man::new(Cli::command()).render(out))?;
    Ok(ExitCode::SUCCESS)
}
