//! The threads a fan-out's listings run on: one per core, each a single-threaded runtime with
//! its own HTTP connections, each listing whole on one of them (the next source goes to the
//! first with room). On one runtime shared by every core, a request's tasks, timers,
//! connections and memory passed between threads: an organization's 52,000 requests cost
//! 19 s of CPU that way, and 13 s on one thread.
//!
//! The binary installs them ([`Lanes::install`]); until then (in tests, whose clock may be
//! paused) listings run on the runtime that starts them.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::Handle;

/// The lanes of this process.
#[derive(Debug)]
pub struct Lanes {
    handles: Vec<Handle>,
}

static INSTALLED: OnceLock<Lanes> = OnceLock::new();

impl Lanes {
    /// Starts a lane per core, for every fetch from now on. Installing twice keeps the first.
    pub fn install() -> std::io::Result<()> {
        if INSTALLED.get().is_some() {
            return Ok(());
        }
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let handles = (0..cores).map(start).collect::<std::io::Result<Vec<_>>>()?;
        // A race lost to another install leaves its lanes idle, not wrong.
        let _ = INSTALLED.set(Lanes { handles });
        Ok(())
    }

    /// The installed lanes, if any.
    pub fn installed() -> Option<&'static Lanes> {
        INSTALLED.get()
    }

    pub fn len(&self) -> usize {
        self.handles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.handles.is_empty()
    }

    /// The runtime of lane `lane` (wrapping around).
    pub fn handle(&self, lane: usize) -> &Handle {
        &self.handles[lane % self.handles.len()]
    }
}

/// Runs `task` on the first lane where there are lanes, else on this runtime: for what gathers
/// the listings' events, which would otherwise wake another thread for each (a system call,
/// a quarter of a million of them in a fan-out), and on the first lane half of them are sent
/// from the thread that receives them.
pub fn spawn_first<F>(task: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    match Lanes::installed() {
        Some(lanes) => lanes.handle(0).spawn(task),
        None => tokio::spawn(task),
    }
}

/// A thread running a single-threaded runtime until the process ends; its handle.
fn start(lane: usize) -> std::io::Result<Handle> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(format!("guestlist-lane-{lane}"))
        .spawn(move || {
            match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => {
                    let _ = tx.send(Ok(runtime.handle().clone()));
                    // Tasks spawned through the handle run while this waits.
                    runtime.block_on(std::future::pending::<()>());
                }
                Err(error) => {
                    let _ = tx.send(Err(error));
                }
            }
        })?;
    rx.recv()
        .map_err(|_| std::io::Error::other("a listing thread ended as it started"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lane_runs_what_is_spawned_on_it_on_its_own_thread() {
        let handle = start(7).expect("a lane starts");
        let (tx, rx) = std::sync::mpsc::channel();
        handle.spawn(async move {
            tokio::task::yield_now().await;
            let _ = tx.send(std::thread::current().name().map(str::to_owned));
        });
        let name = rx.recv().expect("the task ran");
        assert_eq!(name.as_deref(), Some("guestlist-lane-7"));
    }
}
