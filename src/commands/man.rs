//! `guestlist man`: the man page (roff), generated from the command line's definition, with
//! the keys (from the key map), the configuration file and the exit statuses after it.

use std::process::ExitCode;

use clap::CommandFactory;

use super::output;
use crate::app::KeyMap;
use crate::cli::Cli;

/// What the man page says after the options and commands.
fn extra() -> String {
    let mut text = String::from("KEYS (the dashboard; rebind them in the configuration file)\n\n");
    for (action, keys) in KeyMap::default().inverted() {
        if keys.is_empty() {
            continue;
        }
        let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
        text.push_str(&format!(
            "  {:<14} {}\n",
            keys.join(" "),
            action.description()
        ));
    }
    text.push_str("  Ctrl-c         quit, always\n");
    text.push_str(&format!(
        "\nCONFIGURATION\n\n{} (or --config PATH); `guestlist config init` writes this commented \
         default, and command-line flags win over it:\n\n{}\n",
        crate::config::default_path().display(),
        crate::config::TEMPLATE
    ));
    text.push_str(
        "EXIT STATUS\n\n  0  everything asked for was done (every source listed, every answer sent)\n  \
         1  nothing could be done: bad arguments, no credentials, every source failed, a refusal\n  \
         2  partly: some sources or accounts failed, the rest were listed or done\n  \
         128+N  the dashboard ended by signal N, the terminal restored\n",
    );
    text
}

pub fn run() -> std::io::Result<ExitCode> {
    let command = Cli::command().after_long_help(extra());
    output::to_stdout(|out| clap_mangen::Man::new(command).render(out))?;
    Ok(ExitCode::SUCCESS)
}
