//! `guestlist completions SHELL`: a completion script generated from the command line's definition.

use std::process::ExitCode;

use clap::CommandFactory;

use super::output;
use crate::cli::Cli;

pub fn run(shell: clap_complete::Shell) -> std::io::Result<ExitCode> {
    output::to_stdout(|out| {
        clap_complete::generate(shell, &mut Cli::command(), "guestlist", out);
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
