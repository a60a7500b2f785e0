//! Where each service exists, for `--region all`, and what a region name looks like.

use crate::model::ServiceKind;

/// Commercial regions where Security Hub and GuardDuty are offered.
const COMMERCIAL: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "sa-east-1",
];

/// Regions where Detective is not offered.
const WITHOUT_DETECTIVE: &[&str] = &[
    "ca-west-1",
    "ap-southeast-4",
    "ap-south-2",
    "eu-central-2",
    "eu-south-2",
];

/// Every region where `service` exists.
pub fn all(service: ServiceKind) -> Vec<&'static str> {
    COMMERCIAL
        .iter()
        .copied()
        .filter(|region| service != ServiceKind::Detective || !WITHOUT_DETECTIVE.contains(region))
        .collect()
}

/// `us-east-1`, `us-gov-west-1`, `eu-central-2`: area, optional qualifier, direction, number.
pub fn is_well_formed(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    let Some((number, words)) = parts.split_last() else {
        return false;
    };
    (3..=4).contains(&parts.len())
        && !number.is_empty()
        && number.len() <= 2
        && number.bytes().all(|b| b.is_ascii_digit())
        && words
            .iter()
            .all(|w| (2..=12).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names() {
        for good in [
            "us-east-1",
            "us-gov-west-1",
            "ap-southeast-2",
            "il-central-1",
        ] {
            assert!(is_well_formed(good), "{good}");
        }
        for bad in [
            "",
            "us-east",
            "US-EAST-1",
            "useast1",
            "us-east-1a",
            "us east 1",
            "a-b-1",
        ] {
            assert!(!is_well_formed(bad), "{bad}");
        }
    }

    #[test]
    fn detective_is_in_fewer_regions() {
        assert!(all(ServiceKind::Detective).len() < all(ServiceKind::GuardDuty).len());
        assert!(
            all(ServiceKind::SecurityHub)
                .iter()
                .all(|r| is_well_formed(r))
        );
    }
}
