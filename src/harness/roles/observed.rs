//! What the harness's own servers saw. When the harness plays the AS (or the RS) for a party
//! under test, its server logs every request it handles; scenarios read that log through the
//! control API (`GET {control}/exchanges?after=N`) to judge what the party under test sent.

use serde::Deserialize;
use serde_json::Value;

use crate::harness::wire::exchange::{Exchange, RecordedRequest, RecordedResponse};
use crate::harness::wire::{HttpDriver, Request, Secrets};

/// One request a harness server handled, and its answer.
#[derive(Debug, Clone, Deserialize)]
pub struct Observed {
    pub seq: u64,
    pub at_ms: u64,
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    #[serde(default)]
    pub body: String,
    pub status: u16,
    #[serde(default)]
    pub response_headers: Vec<(String, String)>,
    #[serde(default)]
    pub response_body: String,
}

#[derive(Debug, Deserialize)]
struct Page {
    exchanges: Vec<Observed>,
    last_seq: u64,
}

impl Observed {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The bearer token of the Authorization header (scheme matched without case).
    pub fn bearer(&self) -> Option<&str> {
        let value = self.header("authorization")?;
        let (scheme, token) = value.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim())
            .filter(|t| !t.is_empty())
    }

    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
    }

    /// The body read as a form, when it is one.
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.body.as_bytes())
            .into_owned()
            .collect()
    }

    pub fn form_value(&self, name: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    pub fn response_json(&self) -> Option<Value> {
        serde_json::from_str(&self.response_body).ok()
    }

    /// The query parameters of the request.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .as_deref()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether the harness itself sent the request (as the client it plays, say).
    pub fn from_harness(&self) -> bool {
        self.header("user-agent") == Some(crate::harness::wire::driver::USER_AGENT)
    }

    /// Whether the request went to `url` (an endpoint of the server that logged it).
    pub fn is_to(&self, url: &str) -> bool {
        url::Url::parse(url)
            .is_ok_and(|u| u.path().trim_end_matches('/') == self.path.trim_end_matches('/'))
    }

    /// The exchange as evidence in a report, marked as seen by the harness's `server`.
    pub fn to_exchange(&self, base: &str, server: &str, step: Option<usize>) -> Exchange {
        let query = self
            .query
            .as_deref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        let mut headers = vec![("x-observed-by".to_string(), server.to_string())];
        headers.extend(self.headers.iter().cloned());
        Exchange {
            step,
            started_at: rfc3339_of_ms(self.at_ms),
            elapsed_ms: 0,
            request: RecordedRequest {
                method: self.method.clone(),
                url: format!("{}{}{query}", base.trim_end_matches('/'), self.path),
                headers,
                body: (!self.body.is_empty()).then(|| self.body.clone()),
            },
            response: Some(RecordedResponse {
                status: self.status,
                headers: self.response_headers.clone(),
                body: self.response_body.clone(),
            }),
            error: None,
        }
    }

    /// Registers every credential the exchange carries, so no report shows it: the party
    /// under test's tokens are not the harness's, yet they are just as secret.
    pub fn register_secrets(&self, secrets: &Secrets) {
        if let Some(value) = self.header("authorization") {
            if let Some((_, credential)) = value.split_once(' ') {
                secrets.register(credential.trim());
            }
        }
        let members = [
            "token",
            "access_token",
            "refresh_token",
            "pct",
            "rpt",
            "ticket",
            "client_secret",
            "claim_token",
            "id_token",
            // The client's state ties a return to its request: whoever reads it can forge one.
            "state",
        ];
        let mut fields = self.form();
        fields.extend(self.query_pairs());
        for (name, value) in fields {
            if members.contains(&name.as_str()) {
                secrets.register(&value);
            }
        }
        for body in [self.json(), self.response_json()].into_iter().flatten() {
            if let Value::Object(map) = body {
                for member in members {
                    if let Some(Value::String(value)) = map.get(member) {
                        secrets.register(value);
                    }
                }
            }
        }
    }
}

fn rfc3339_of_ms(ms: u64) -> String {
    let secs = (ms / 1000) as i64;
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// The log's position now: what is logged after it belongs to what the scenario does next.
pub async fn mark(driver: &HttpDriver, control_api: &str) -> Result<u64, String> {
    Ok(fetch_page(driver, control_api, u64::MAX).await?.last_seq)
}

/// Everything logged after `after`, oldest first, its credentials registered as secrets.
pub async fn since(
    driver: &HttpDriver,
    control_api: &str,
    after: u64,
) -> Result<Vec<Observed>, String> {
    let page = fetch_page(driver, control_api, after).await?;
    for observed in &page.exchanges {
        observed.register_secrets(driver.secrets());
    }
    Ok(page.exchanges)
}

async fn fetch_page(driver: &HttpDriver, control_api: &str, after: u64) -> Result<Page, String> {
    let url = format!(
        "{}/exchanges?after={after}",
        control_api.trim_end_matches('/')
    );
    let (_, answer) = driver.send(Request::get(url.clone())).await;
    let response = answer.map_err(|e| format!("the harness's server log at {url}: {e}"))?;
    if response.status != 200 {
        return Err(format!(
            "the harness's server log at {url} answered {}",
            response.status
        ));
    }
    serde_json::from_slice(&response.body)
        .map_err(|e| format!("the harness's server log at {url} is not readable: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(headers: &[(&str, &str)], body: &str) -> Observed {
        Observed {
            seq: 1,
            at_ms: 0,
            method: "POST".into(),
            path: "/introspect".into(),
            query: Some("access_token=q1q2q3q4q5".into()),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.into(),
            status: 200,
            response_headers: vec![],
            response_body: r#"{"pct":"pct-value-123"}"#.into(),
        }
    }

    #[test]
    fn bearer_and_form_are_read() {
        let o = observed(
            &[("Authorization", "bearer pat-123456")],
            "token=rpt-abcdef&token_type_hint=access_token",
        );
        assert_eq!(o.bearer(), Some("pat-123456"));
        assert_eq!(o.form_value("token").as_deref(), Some("rpt-abcdef"));
        assert!(o.is_to("http://127.0.0.1:1/introspect/"));
        assert!(!o.is_to("http://127.0.0.1:1/token"));
    }

    #[test]
    fn every_credential_is_registered() {
        let o = observed(
            &[("authorization", "Bearer pat-123456")],
            "token=rpt-abcdef",
        );
        let secrets = Secrets::new(false);
        o.register_secrets(&secrets);
        let text = secrets.redact("pat-123456 rpt-abcdef q1q2q3q4q5 pct-value-123");
        assert!(!text.contains("pat-") && !text.contains("rpt-") && !text.contains("q1q2"));
        assert!(!text.contains("pct-value"));
    }
}
