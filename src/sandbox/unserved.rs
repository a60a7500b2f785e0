//! Operations routed but not served yet: Organizations' creating ones (awsJson1_1, the
//! operation in `X-Amz-Target`). A request for one of
//! their operations is counted by name and answered, in the service's own error shape, as not
//! served; one that names no operation of theirs is an unknown route.

use super::wire::{Request, Service};

/// Organizations' operations not served (those that are are in `organizations`), as
/// `X-Amz-Target: AWSOrganizationsV20161128.NAME` names them.
const ORGANIZATIONS: [&str; 3] = [
    "CreateOrganization",
    "CreateAccount",
    "DescribeCreateAccountStatus",
];
const ORGANIZATIONS_TARGET: &str = "AWSOrganizationsV20161128.";

/// The operation `request` names, for a service that is routed but not served.
pub fn route(service: Service, request: &Request) -> Option<&'static str> {
    let by_target = |prefix: &str, names: &[&'static str]| {
        let name = request.target.as_deref()?.strip_prefix(prefix)?;
        names.iter().copied().find(|n| *n == name)
    };
    match service {
        Service::Organizations => by_target(ORGANIZATIONS_TARGET, &ORGANIZATIONS),
        // CloudTrail's one operation is served (`cloudtrail`), and Macie's (`macie`).
        Service::SecurityHub
        | Service::GuardDuty
        | Service::Detective
        | Service::Sts
        | Service::CloudTrail
        | Service::Macie2 => None,
    }
}
