//! The message log: every action's outcome, every refusal and every source error, with its
//! time, so that what the footer said for a moment can be read again.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

/// How many messages are kept; the oldest go first.
pub const KEPT: usize = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Said to the person: a hint, a refusal, a count.
    Info,
    /// Something the person asked for happened.
    Done,
    /// Something failed.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub at: DateTime<Utc>,
    pub level: Level,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct MessageLog {
    entries: VecDeque<Entry>,
}

impl MessageLog {
    pub fn push(&mut self, at: DateTime<Utc>, level: Level, text: String) {
        if self.entries.len() == KEPT {
            self.entries.pop_front();
        }
        self.entries.push_back(Entry { at, level, text });
    }

    /// Oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &Entry> + ExactSizeIterator {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn failures(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.level == Level::Failed)
            .count()
    }
}
