//! The client's HTTP: no proxies, no redirects followed, every exchange timed out, bodies capped.

use std::time::Duration;

use reqwest::header::HeaderMap;

use super::error::ClientError;

/// Larger bodies are cut off: a resource or token answer of the mocks is a few kilobytes.
const MAX_BODY: usize = 1024 * 1024;

/// One answer, read whole (up to [`MAX_BODY`]).
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl Answer {
    /// The body as a JSON object, or why it is not one.
    pub(crate) fn json_object(
        &self,
        what: &str,
    ) -> Result<serde_json::Map<String, serde_json::Value>, ClientError> {
        match serde_json::from_str(&self.body) {
            Ok(serde_json::Value::Object(map)) => Ok(map),
            _ => Err(ClientError::Failure(format!(
                "{what}: the answer ({}) is not a JSON object",
                self.status
            ))),
        }
    }
}

/// A client trusting the system roots plus `ca_pem`.
pub(crate) fn client(ca_pem: &[String], timeout: Duration) -> Result<reqwest::Client, ClientError> {
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout);
    for pem in ca_pem {
        let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
            .map_err(|e| ClientError::Failure(format!("a CA certificate is not PEM: {e}")))?;
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder
        .build()
        .map_err(|e| ClientError::Failure(format!("cannot build an HTTP client: {e}")))
}

/// Sends and reads the answer; `what` names the exchange in messages.
pub(crate) async fn send(
    request: reqwest::RequestBuilder,
    what: &str,
) -> Result<Answer, ClientError> {
    let failure = |e: reqwest::Error| ClientError::Failure(format!("{what}: {e}"));
    let mut response = request.send().await.map_err(failure)?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(failure)? {
        let room = MAX_BODY.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= MAX_BODY {
            break;
        }
    }
    Ok(Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}
