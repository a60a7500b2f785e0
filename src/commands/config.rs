//! `guestlist config path|init`.

use std::process::ExitCode;

use crate::cli::ConfigAction;
use crate::config;

pub fn run(path: Option<&std::path::Path>, action: &ConfigAction) -> std::io::Result<ExitCode> {
    let path = path.map_or_else(config::default_path, ToOwned::to_owned);
    match action {
        ConfigAction::Path => println!("{}", path.display()),
        ConfigAction::Init { force } => {
            if path.exists() && !force {
                eprintln!(
                    "guestlist: {} exists; --force overwrites it",
                    path.display()
                );
                return Ok(ExitCode::from(1));
            }
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, config::TEMPLATE)?;
            println!("wrote {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
