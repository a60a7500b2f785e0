//! `--read-only`, enforced where requests are sent: an SDK interceptor on every client refuses
//! any operation that is not a read, whatever code path asked for it.

use aws_sdk_securityhub::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_securityhub::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::Metadata;

/// Marks the refusal, so errors can be told apart from AWS's own.
pub const REFUSED: &str = "refused by --read-only";

/// Operations that only read.
pub fn is_read(operation: &str) -> bool {
    ["List", "Get", "Describe", "Lookup"]
        .iter()
        .any(|prefix| operation.starts_with(prefix))
}

#[derive(Debug, Default, Clone, Copy)]
pub struct ReadOnlyGuard;

impl Intercept for ReadOnlyGuard {
    fn name(&self) -> &'static str {
        "guestlist::ReadOnlyGuard"
    }

    // Not `read_before_execution`: a client's interceptors run that before the operation's
    // metadata is in the bag. Serialization comes later, and still before anything is sent.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg.load::<Metadata>().map(|m| m.name().to_owned());
        match operation {
            Some(operation) if is_read(&operation) => Ok(()),
            Some(operation) => Err(format!("{REFUSED}: {operation} would change something").into()),
            None => Err(format!("{REFUSED}: an operation without a name").into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_reads_pass() {
        for read in [
            "ListInvitations",
            "GetMembers",
            "DescribeHub",
            "GetCallerIdentity",
            "ListDetectors",
        ] {
            assert!(is_read(read), "{read}");
        }
        for write in [
            "AcceptAdministratorInvitation",
            "DeclineInvitations",
            "DeleteInvitations",
            "CreateMembers",
            "InviteMembers",
            "EnableSecurityHub",
            "CreateDetector",
            "RejectInvitation",
            "DisassociateMembership",
        ] {
            assert!(!is_read(write), "{write}");
        }
    }
}
