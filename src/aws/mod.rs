//! Everything that talks to AWS: configuration per identity, the caller's account, and one
//! adapter per service behind the [`Invitations`] and [`Members`] capabilities. One helper sends
//! a request ([`call`]), one batches ([`batch`]), one pages ([`paging`]).

mod adapter;
pub mod assume;
pub(crate) mod batch;
pub(crate) mod call;
pub mod clients;
mod config;
mod detective;
mod error;
mod guardduty;
pub mod history;
pub mod http;
mod identity;
mod macie;
pub mod operations;
pub mod organizations;
pub mod pace;
pub mod paging;
pub mod profile_files;
pub mod read_only;
pub mod regions;
mod rows;
mod securityhub;
pub mod well_formed;

pub use adapter::{
    AdapterOptions, InvitationPage, Invitations, MemberPage, Members, Service, ServiceAdapter,
    adapter_for, shared_adapter, unsupported,
};
pub use config::{
    profile_config, retry_config, sandbox_config, timeout_config, with_region, with_signing_region,
    with_timeout,
};
pub use identity::{caller_account, caller_partition, reached_account};

/// aws-smithy `DateTime` to chrono.
pub(crate) fn to_chrono(
    time: &aws_smithy_types::DateTime,
) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(time.secs(), time.subsec_nanos())
}

/// `answer`, asked for again by `ask` — 0.5 s later, then 1 s, 2 s… — while it is not
/// `settled`, at most `again` more times: the last answer, settled or not. For what may pass
/// if asked later (throttling, a server's error, an STS that cannot answer now).
pub async fn asked_again<T, F>(
    mut answer: T,
    again: u32,
    mut ask: impl FnMut() -> F,
    settled: impl Fn(&T) -> bool,
) -> T
where
    F: std::future::Future<Output = T>,
{
    for attempt in 0..again {
        if settled(&answer) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500 << attempt)).await;
        answer = ask().await;
    }
    answer
}
