//! The HTTP client every identity and region shares, with a connection pool per thread, built
//! as the SDK builds its default, with a cap on what one response may hold: an endpoint that
//! never ends its body fails that source at once instead of filling memory until a timeout.

use std::sync::OnceLock;

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::{Builder, ConnectorBuilder, tls};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use http_body_util::BodyExt;

/// Marks the refusal, so errors can be told apart from the network's own.
pub const TOO_LARGE: &str = "response too large";

/// The most one response may hold: a page of any listing guestlist asks for is a few hundred
/// kilobytes at most.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// The shared client.
pub fn client() -> SharedHttpClient {
    static CLIENT: OnceLock<SharedHttpClient> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            SharedHttpClient::new(Capped {
                max: MAX_RESPONSE_BYTES,
            })
        })
        .clone()
}

thread_local! {
    /// This thread's connections: a listing thread's requests never wait on another's pool,
    /// and a connection is served by the thread whose requests use it (see [`crate::lanes`]).
    static HTTPS: SharedHttpClient = https();
}

/// An HTTPS client with its own connection pool, built as the SDK builds its default.
fn https() -> SharedHttpClient {
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut builder = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ));
        builder.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            builder.set_sleep_impl(components.sleep_impl());
        }
        builder.set_proxy_config(Some(ProxyConfig::from_env()));
        builder.build()
    })
}

#[derive(Debug)]
struct Capped {
    max: usize,
}

impl HttpClient for Capped {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        let inner = HTTPS.with(|https| https.http_connector(settings, components));
        SharedHttpConnector::new(CappedConnector {
            inner,
            max: self.max,
        })
    }
}

#[derive(Debug)]
struct CappedConnector {
    inner: SharedHttpConnector,
    max: usize,
}

impl HttpConnector for CappedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let (inner, max) = (self.inner.clone(), self.max);
        HttpConnectorFuture::new(async move {
            let response = inner.call(request).await?;
            Ok(response.map(|body| capped(body, max)))
        })
    }
}

/// `body`, failing with [`TOO_LARGE`] once it has held more than `max` bytes.
fn capped(body: SdkBody, max: usize) -> SdkBody {
    let limited = http_body_util::Limited::new(body, max).map_err(move |_: BoxError| {
        BoxError::from(format!(
            "{TOO_LARGE}: more than {} MiB, far more than any page; stopped reading",
            max / (1024 * 1024)
        ))
    });
    SdkBody::from_body_1_x(limited)
}
