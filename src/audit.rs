//! The audit log: every call that changes something, one JSON line each, appended to a file in
//! the platform state directory. Parameters are ids and ARNs only: no credential ever goes there.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

/// Where guestlist keeps its state: `$GUESTLIST_STATE_DIR`, else the platform state directory
/// (`~/.local/state/guestlist` on Linux), else the local data directory.
pub fn state_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("GUESTLIST_STATE_DIR") {
        return PathBuf::from(dir);
    }
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("guestlist")
}

pub fn default_path() -> PathBuf {
    state_dir().join("audit.jsonl")
}

#[derive(Debug, Serialize)]
pub struct Entry<'a> {
    pub time: String,
    pub profile: &'a str,
    pub account: Option<&'a str>,
    pub region: &'a str,
    pub service: &'a str,
    pub operation: &'a str,
    pub parameters: serde_json::Value,
    /// `ok`, or the error.
    pub outcome: String,
}

#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    file: Mutex<File>,
}

impl AuditLog {
    pub fn open(path: &Path) -> std::io::Result<Self> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self {
            path: path.to_owned(),
            file: Mutex::new(file),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line; a failure to write is reported, never silently dropped.
    pub fn record(&self, entry: &Entry) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(&line)?;
        file.flush()
    }
}
