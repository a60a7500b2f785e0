//! How each SDK's rows read as guestlist's. The fields are named alike across the SDKs, but
//! each SDK has its own types, so a macro writes each reading once.

use chrono::{DateTime, Utc};

use super::call::{Listed, Received};

/// A time as an SDK gives it: a timestamp, or (GuardDuty) an ISO 8601 string.
pub(crate) trait SdkTime {
    fn to_utc(&self) -> Option<DateTime<Utc>>;
}

impl SdkTime for aws_smithy_types::DateTime {
    fn to_utc(&self) -> Option<DateTime<Utc>> {
        super::to_chrono(self)
    }
}

impl SdkTime for str {
    fn to_utc(&self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(self)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }
}

fn utc<T: SdkTime + ?Sized>(time: Option<&T>) -> Option<DateTime<Utc>> {
    time.and_then(SdkTime::to_utc)
}

/// Members: `type => email, status, invited, updated` name the SDK's accessors.
macro_rules! listed {
    ($($member:ty => $email:ident, $status:ident, $invited:ident, $updated:ident;)*) => {$(
        impl<'a> From<&'a $member> for Listed<'a> {
            fn from(m: &'a $member) -> Self {
                Listed {
                    administrator_id: m.administrator_id(),
                    account_id: m.account_id(),
                    email: m.$email(),
                    status: m.$status().map(|s| AsRef::<str>::as_ref(s)),
                    invited_at: utc(m.$invited()),
                    updated_at: utc(m.$updated()),
                    resource: None,
                    disabled_reason: None,
                    managed: false,
                }
            }
        }
    )*};
}

listed! {
    aws_sdk_securityhub::types::Member => email, member_status, invited_at, updated_at;
    aws_sdk_guardduty::types::Member => email, relationship_status, invited_at, updated_at;
    aws_sdk_detective::types::MemberDetail => email_address, status, invited_time, updated_time;
}

/// Invitations of the services that name them by administrator and id: `type => status`.
macro_rules! received {
    ($($invitation:ty => $status:ident;)*) => {$(
        impl From<&$invitation> for Received {
            fn from(i: &$invitation) -> Self {
                Received {
                    administrator_id: i.account_id().map(str::to_owned),
                    invitation_id: i.invitation_id().map(str::to_owned),
                    invited_at: utc(i.invited_at()),
                    status: i.$status().unwrap_or_default().to_owned(),
                    ..Received::default()
                }
            }
        }
    )*};
}

received! {
    aws_sdk_securityhub::types::Invitation => member_status;
    aws_sdk_guardduty::types::Invitation => relationship_status;
}

/// Macie names the administrator `administratorAccountId` and its statuses are an enum.
impl<'a> From<&'a aws_sdk_macie2::types::Member> for Listed<'a> {
    fn from(m: &'a aws_sdk_macie2::types::Member) -> Self {
        Listed {
            administrator_id: m.administrator_account_id(),
            account_id: m.account_id(),
            email: m.email(),
            status: m.relationship_status().map(|s| s.as_str()),
            invited_at: utc(m.invited_at()),
            updated_at: utc(m.updated_at()),
            resource: None,
            disabled_reason: None,
            managed: false,
        }
    }
}

impl From<&aws_sdk_macie2::types::Invitation> for Received {
    fn from(i: &aws_sdk_macie2::types::Invitation) -> Self {
        Received {
            administrator_id: i.account_id().map(str::to_owned),
            invitation_id: i.invitation_id().map(str::to_owned),
            invited_at: utc(i.invited_at()),
            status: i
                .relationship_status()
                .map_or_else(String::new, |s| s.as_str().to_owned()),
            ..Received::default()
        }
    }
}
