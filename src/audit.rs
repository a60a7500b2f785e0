//! The audit log: every call that changes something, appended to a file in the platform state
//! directory as two JSON lines sharing an `id`: its intent, written before the request is sent
//! (when it cannot be written, nothing is sent), and its outcome, per account for batch calls.
//! Parameters are ids and ARNs only: no credential ever goes there. The file is created 0600
//! in a 0700 directory.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

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

/// Which half of a change a line records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// About to be sent.
    Intent,
    /// What came of it.
    Outcome,
}

#[derive(Debug, Serialize)]
pub struct Entry<'a> {
    pub time: String,
    /// The same on a change's intent and outcome.
    pub id: String,
    pub phase: Phase,
    pub profile: &'a str,
    pub account: Option<&'a str>,
    pub region: &'a str,
    pub service: &'a str,
    pub operation: &'a str,
    pub parameters: serde_json::Value,
    /// On an outcome: `ok`, `partial` (some accounts not processed), or the error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// On a batch call's outcome: each account, `ok` or the service's reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accounts: Option<BTreeMap<String, String>>,
}

#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    file: Mutex<File>,
    /// Changes recorded by this process, for their ids.
    changes: AtomicU64,
}

/// Creates `dir` and its parents, owner-only where they are new.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Opens `path` to append, creating it readable and writable by its owner only.
pub fn private_append(path: &Path) -> std::io::Result<File> {
    if let Some(parent) = path.parent() {
        private_dir(parent)?;
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

impl AuditLog {
    pub fn open(path: &Path) -> std::io::Result<Self> {
        Ok(Self {
            path: path.to_owned(),
            file: Mutex::new(private_append(path)?),
            changes: AtomicU64::new(0),
        })
    }

    /// An id for the next change, unique in this log: the process and a count.
    pub fn next_id(&self) -> String {
        let n = self.changes.fetch_add(1, Ordering::Relaxed) + 1;
        format!("{}-{n}", std::process::id())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_log_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("guestlist-audit-{}", std::process::id()));
        let path = dir.join("state").join("audit.jsonl");
        let log = AuditLog::open(&path).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_ne!(log.next_id(), log.next_id());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
