//! Which account an identity is: STS `GetCallerIdentity`.

use aws_config::SdkConfig;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput;

use crate::aws::regions::Partition;
use crate::model::AwsError;

async fn caller_identity(config: &SdkConfig) -> Result<GetCallerIdentityOutput, AwsError> {
    // STS answers in every region; a profile that names none still has an account to learn
    // (its sources' regions come from --region).
    let config = super::with_signing_region(config, None);
    aws_sdk_sts::Client::new(&config)
        .get_caller_identity()
        .send()
        .await
        .map_err(AwsError::from_sdk)
}

/// The partition the identity lives in, from the ARN STS names it by.
pub async fn caller_partition(config: &SdkConfig) -> Result<Partition, AwsError> {
    let identity = caller_identity(config).await?;
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
    let identity = caller_identity(config).await?;
    identity.account().map(str::to_owned).ok_or_else(|| {
        AwsError::new(
            crate::model::ErrorKind::Service,
            "NoAccount",
            "GetCallerIdentity answered without an account id",
        )
    })
}

/// The account a fan-out reached: the one it named, so STS need not be asked who it is. What
/// is left to learn is whether its credentials can be had (its role assumed): one clear answer
/// for the account, and the credentials its first request would have fetched anyway.
pub async fn reached_account(
    account: &str,
    credentials: &SharedCredentialsProvider,
) -> Result<String, AwsError> {
    match credentials.provide_credentials().await {
        Ok(_) => Ok(account.to_owned()),
        Err(error) => Err(AwsError::from_credentials(&error)),
    }
}
