//! Which account an identity is: STS `GetCallerIdentity`.

use aws_config::SdkConfig;

use crate::aws::regions::Partition;
use crate::model::AwsError;

/// The partition the identity lives in, from the ARN STS names it by.
pub async fn caller_partition(config: &SdkConfig) -> Result<Partition, AwsError> {
    let client = aws_sdk_sts::Client::new(config);
    let identity = client
        .get_caller_identity()
        .send()
        .await
        .map_err(AwsError::from_sdk)?;
    let arn = identity.arn().unwrap_or_default();
    Partition::from_arn(arn).map_err(|found| {
        AwsError::new(
            crate::model::ErrorKind::Service,
            "UnknownPartition",
            format!("GetCallerIdentity named partition '{found}', whose regions guestlist does not know: name them with --region"),
        )
    })
}

pub async fn caller_account(config: &SdkConfig) -> Result<String, AwsError> {
    let client = aws_sdk_sts::Client::new(config);
    let identity = client
        .get_caller_identity()
        .send()
        .await
        .map_err(AwsError::from_sdk)?;
    identity.account().map(str::to_owned).ok_or_else(|| {
        AwsError::new(
            crate::model::ErrorKind::Service,
            "NoAccount",
            "GetCallerIdentity answered without an account id",
        )
    })
}
