//! Answers that are not what they claim: an SDK takes a 2xx whose body is an error's shape as
//! a success with every field absent, which reads as "nothing there". An interceptor on every
//! client refuses it, so the source fails, named as malformed.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Marks the refusal, so errors can be told apart from AWS's own.
pub const MALFORMED: &str = "malformed answer";

/// Whether a 2xx body is an error: `__type`, or a code beside a message, at its top level.
/// None of the operations guestlist calls answers with those fields.
pub fn is_error_shape(body: &[u8]) -> bool {
    // Every answer passes here. One that names none of the fields, even escaped (`\u`), cannot
    // be an error's shape, and is not parsed into a tree at all.
    let named = |name: &[u8]| memchr::memmem::find(body, name).is_some();
    let names = [&b"__type"[..], b"code", b"Code", b"\\u"];
    if !names.iter().any(|name| named(name)) {
        return false;
    }
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice(body) else {
        return false;
    };
    let has = |names: &[&str]| names.iter().any(|n| fields.contains_key(*n));
    has(&["__type"]) || (has(&["code", "Code"]) && has(&["message", "Message"]))
}

#[derive(Debug, Default, Clone, Copy)]
pub struct WellFormed;

impl Intercept for WellFormed {
    fn name(&self) -> &'static str {
        "guestlist::WellFormed"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response();
        let body = response.body().bytes().unwrap_or_default();
        if response.status().is_success() && is_error_shape(body) {
            let shown: String = String::from_utf8_lossy(body).chars().take(200).collect();
            return Err(format!(
                "{MALFORMED}: status {} with an error's body: {shown}",
                response.status().as_u16()
            )
            .into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_shapes_are_told_from_answers() {
        assert!(is_error_shape(
            br#"{"__type":"InternalException","message":"no"}"#
        ));
        assert!(is_error_shape(
            br#"{"Code":"Throttled","Message":"slow down"}"#
        ));
        assert!(!is_error_shape(br#"{"Invitations":[]}"#));
        assert!(!is_error_shape(br#"{"invitations":[],"nextToken":"x"}"#));
        assert!(!is_error_shape(b"not json"));
        // Nested, the fields are an answer's own.
        assert!(!is_error_shape(
            br#"{"Members":[{"__type":"x","code":"y","message":"z"}]}"#
        ));
        assert!(is_error_shape(
            br#"{"code":"Bad","x":[1,{"a":2}],"message":"no"}"#
        ));
        // Escaped names are names too, and both spellings together are still an error.
        assert!(is_error_shape(br#"{"\u0063ode":"Bad","message":"no"}"#));
        assert!(is_error_shape(br#"{"code":"a","Code":"b","message":"no"}"#));
    }
}
