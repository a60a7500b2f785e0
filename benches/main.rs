//! Every benchmark in one binary, so the SDK is linked once: `cargo bench` runs every group,
//! `cargo bench -- GROUP` one of them (sandbox, ui, fetch, footprint, organization, onboarding).

// Measuring code: a failed setup should stop the run where it failed.
#![allow(clippy::unwrap_used)]

/// The allocator guestlist ships with (see `src/main.rs`), so what is measured in-process
/// (frames, filters, merges) is what the binary does, and the sandbox standing in for AWS
/// takes less of the two cores the organization benchmark shares with guestlist.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod fetch;
mod footprint;
mod onboarding;
mod organization;
mod sandbox;
mod ui;

const GROUPS: [(&str, fn()); 6] = [
    ("sandbox", sandbox::run),
    ("ui", ui::run),
    ("fetch", fetch::run),
    ("footprint", footprint::run),
    ("organization", organization::run),
    ("onboarding", onboarding::run),
];

fn main() {
    // Cargo passes `--bench`; a word that is not a flag names the groups to run.
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if let Some(unknown) = named.iter().find(|n| !GROUPS.iter().any(|(g, _)| g == n)) {
        let groups: Vec<&str> = GROUPS.iter().map(|(g, _)| *g).collect();
        eprintln!(
            "no benchmark group '{unknown}': the groups are {}",
            groups.join(", ")
        );
        std::process::exit(2);
    }
    for (group, run) in GROUPS {
        if named.is_empty() || named.iter().any(|n| n == group) {
            run();
        }
    }
}
