//! Which account an identity is: STS `GetCallerIdentity`.

use aws_config::SdkConfig;

use crate::model::AwsError;

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
