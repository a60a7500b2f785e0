//! Where each service is offered, by partition, for `--region all`, and what a region name looks like.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::model::ServiceKind;

/// The AWS partitions guestlist knows the regions of: the second field of an ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Partition {
    Aws,
    China,
    GovCloud,
}

impl Partition {
    pub fn name(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::China => "aws-cn",
            Partition::GovCloud => "aws-us-gov",
        }
    }

    /// From a partition name as an ARN spells it.
    pub fn from_name(name: &str) -> Option<Partition> {
        [Partition::Aws, Partition::China, Partition::GovCloud]
            .into_iter()
            .find(|p| p.name() == name)
    }

    /// From an ARN (`arn:aws-cn:sts::123456789012:assumed-role/...`): `Err` names what was there.
    pub fn from_arn(arn: &str) -> Result<Partition, String> {
        let mut fields = arn.split(':');
        match (fields.next(), fields.next()) {
            (Some("arn"), Some(name)) => Partition::from_name(name).ok_or_else(|| name.to_owned()),
            _ => Err(arn.to_owned()),
        }
    }

    /// The partition a region belongs to, for when STS could not say.
    pub fn of_region(region: &str) -> Partition {
        if region.starts_with("cn-") {
            Partition::China
        } else if region.starts_with("us-gov-") {
            Partition::GovCloud
        } else {
            Partition::Aws
        }
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `regions.toml`: the lists, and when and where they were taken from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    taken: String,
    source: String,
    partitions: BTreeMap<String, ServiceRegions>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceRegions {
    securityhub: Vec<String>,
    guardduty: Vec<String>,
    detective: Vec<String>,
    macie: Vec<String>,
}

static TABLE: LazyLock<Result<Table, String>> = LazyLock::new(|| {
    toml::from_str(include_str!("regions.toml")).map_err(|e| format!("regions.toml: {e}"))
});

/// When the region lists were taken, and from what.
pub fn provenance() -> Result<(&'static str, &'static str), String> {
    let table = TABLE.as_ref().map_err(Clone::clone)?;
    Ok((&table.taken, &table.source))
}

/// Every region where `service` is offered in `partition`; empty where it is not offered at all.
pub fn all(partition: Partition, service: ServiceKind) -> Result<Vec<&'static str>, String> {
    let table = TABLE.as_ref().map_err(Clone::clone)?;
    let lists = table
        .partitions
        .get(partition.name())
        .ok_or_else(|| format!("regions.toml has no partition {partition}"))?;
    let list = match service {
        ServiceKind::SecurityHub => &lists.securityhub,
        ServiceKind::GuardDuty => &lists.guardduty,
        ServiceKind::Detective => &lists.detective,
        ServiceKind::Macie => &lists.macie,
    };
    Ok(list.iter().map(String::as_str).collect())
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
    fn the_region_lists_are_data_with_a_date() -> Result<(), String> {
        let (taken, source) = provenance()?;
        assert_eq!(taken.len(), "2026-11-25".len(), "{taken}");
        assert!(!source.is_empty());
        for partition in [Partition::Aws, Partition::China, Partition::GovCloud] {
            for service in ServiceKind::ALL {
                for region in all(partition, service)? {
                    assert!(is_well_formed(region), "{region}");
                    assert_eq!(Partition::of_region(region), partition, "{region}");
                }
            }
        }
        Ok(())
    }

    #[test]
    fn each_service_follows_its_partition() -> Result<(), String> {
        let detective = all(Partition::Aws, ServiceKind::Detective)?;
        let guardduty = all(Partition::Aws, ServiceKind::GuardDuty)?;
        assert!(detective.iter().all(|r| guardduty.contains(r)));
        assert!(!detective.contains(&"ca-west-1"));
        // What the General Reference page shows (see regions.toml): offered, and not.
        for offered in [
            "us-east-2",
            "af-south-1",
            "ap-east-1",
            "ap-south-1",
            "ap-northeast-2",
        ] {
            assert!(detective.contains(&offered), "{offered}");
        }
        for missing in [
            "ap-south-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-northeast-3",
        ] {
            assert!(!detective.contains(&missing), "{missing}");
        }
        assert!(detective.contains(&"il-central-1"));
        assert_eq!(
            all(Partition::GovCloud, ServiceKind::Detective)?,
            ["us-gov-east-1", "us-gov-west-1"]
        );
        assert!(all(Partition::China, ServiceKind::Detective)?.is_empty());
        assert_eq!(
            all(Partition::China, ServiceKind::SecurityHub)?,
            ["cn-north-1", "cn-northwest-1"]
        );
        // Macie: 22 commercial regions, every one where GuardDuty is, and no other partition.
        let macie = all(Partition::Aws, ServiceKind::Macie)?;
        assert_eq!(macie.len(), 22);
        assert!(macie.iter().all(|r| guardduty.contains(r)));
        assert!(macie.contains(&"ap-northeast-3") && !macie.contains(&"ca-west-1"));
        assert!(all(Partition::China, ServiceKind::Macie)?.is_empty());
        assert!(all(Partition::GovCloud, ServiceKind::Macie)?.is_empty());
        Ok(())
    }

    #[test]
    fn partitions_from_arns() {
        assert_eq!(
            Partition::from_arn("arn:aws-cn:sts::123456789012:assumed-role/r/s"),
            Ok(Partition::China)
        );
        assert_eq!(
            Partition::from_arn("arn:aws-us-gov:iam::123456789012:user/u"),
            Ok(Partition::GovCloud)
        );
        assert_eq!(
            Partition::from_arn("arn:aws:iam::123456789012:root"),
            Ok(Partition::Aws)
        );
        assert_eq!(
            Partition::from_arn("arn:aws-iso:iam::1:root"),
            Err("aws-iso".to_owned())
        );
        assert_eq!(Partition::of_region("us-gov-west-1"), Partition::GovCloud);
        assert_eq!(Partition::of_region("eu-west-1"), Partition::Aws);
    }
}
