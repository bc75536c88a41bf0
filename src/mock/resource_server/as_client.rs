//! The resource server's side of the protection API: discovery, the PAT, resource registration,
//! permission tickets, introspection and the AS's JWK Set (for JWT RPTs checked locally), all
//! over HTTP with timeouts and capped bodies. It knows the authorization server only by its
//! issuer URL, like any resource server would.

use std::time::Duration;

use serde_json::Value;
use tokio::sync::RwLock;

use super::error::RsError;
use super::fixtures::RsServerFixture;
use super::permission_request::PermissionBody;

/// How long one call to the AS may take, connection included.
pub const AS_TIMEOUT: Duration = Duration::from_secs(5);
/// How long connecting to the AS may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// The largest answer read from the AS.
const BODY_CAP: usize = 256 * 1024;

/// How introspection calls are made; anything but the default is a deviation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntrospectionStyle {
    /// The `token_type_hint` sent.
    pub hint: &'static str,
    /// The PAT goes in an `access_token` query parameter instead of the Authorization header.
    pub pat_in_query: bool,
}

impl Default for IntrospectionStyle {
    fn default() -> Self {
        IntrospectionStyle {
            hint: "access_token",
            pat_in_query: false,
        }
    }
}

/// Why a call to the AS gave nothing usable.
#[derive(Debug)]
pub enum AsFailure {
    /// No usable answer: connection refused or reset, timeout, unreadable or oversized body, or
    /// a 5xx (a server that says it cannot serve is as good as unreachable).
    Unreachable(String),
    /// An answer, but not the expected one.
    Refused { status: u16, body: String },
}

impl std::fmt::Display for AsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AsFailure::Unreachable(why) => write!(f, "unreachable: {why}"),
            AsFailure::Refused { status, body } => write!(f, "answered {status}: {body}"),
        }
    }
}

/// The endpoints of the AS, from its discovery document.
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub issuer: String,
    pub token: String,
    pub resource_registration: String,
    pub permission: String,
    pub introspection: String,
    /// The AS's JWK Set (`jwks_uri`), when its discovery document has one: then JWT RPTs are
    /// checked locally against it (FedAuthz 5).
    pub jwks_uri: Option<String>,
}

/// A client of one authorization server, holding the resource server's PAT.
#[derive(Debug)]
pub struct AsClient {
    http: reqwest::Client,
    pub endpoints: Endpoints,
    credentials: RsServerFixture,
    pat: RwLock<String>,
    /// `{issuer}/_mock/clock` when the AS answered it at start.
    clock: Option<String>,
}

struct Answer {
    status: u16,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    fn text(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        text.chars().take(300).collect()
    }
}

fn unreachable(e: impl std::fmt::Display) -> AsFailure {
    AsFailure::Unreachable(e.to_string())
}

/// Sends a request and reads at most [`BODY_CAP`] bytes of the answer.
async fn send(request: reqwest::RequestBuilder) -> Result<Answer, AsFailure> {
    let mut response = request.send().await.map_err(unreachable)?;
    let status = response.status().as_u16();
    if status >= 500 {
        return Err(AsFailure::Unreachable(format!("answered {status}")));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if body.len() + chunk.len() > BODY_CAP {
            return Err(AsFailure::Unreachable(format!(
                "answer larger than {BODY_CAP} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer { status, body })
}

fn refused(answer: &Answer) -> AsFailure {
    AsFailure::Refused {
        status: answer.status,
        body: answer.text(),
    }
}

impl AsClient {
    /// Discovers the AS, gets a PAT and finds out whether the AS publishes its clock.
    pub async fn connect(
        issuer: &str,
        credentials: RsServerFixture,
        ca_pem: Option<&str>,
    ) -> Result<AsClient, RsError> {
        let issuer = issuer.trim_end_matches('/').to_string();
        let bad = |reason: String| RsError::InvalidIssuer {
            issuer: issuer.clone(),
            reason,
        };
        let url = url::Url::parse(&issuer).map_err(|e| bad(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https")
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(bad("an http(s) URL without query or fragment".into()));
        }
        let mut builder = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(AS_TIMEOUT);
        if let Some(pem) = ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                .map_err(|e| RsError::Startup(format!("the AS CA certificate: {e}")))?;
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder
            .build()
            .map_err(|e| RsError::Startup(format!("cannot build an HTTP client: {e}")))?;
        let failed = |what: &str, e: AsFailure| RsError::AuthorizationServer {
            issuer: issuer.clone(),
            reason: format!("{what}: {e}"),
        };
        let discovery = send(http.get(format!("{issuer}/.well-known/uma2-configuration")))
            .await
            .map_err(|e| failed("discovery", e))?;
        let document = match discovery.json() {
            Some(doc) if discovery.status == 200 => doc,
            _ => return Err(failed("discovery", refused(&discovery))),
        };
        let member = |name: &str| -> Result<String, RsError> {
            document
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| RsError::AuthorizationServer {
                    issuer: issuer.clone(),
                    reason: format!("the discovery document has no {name}"),
                })
        };
        let endpoints = Endpoints {
            issuer: issuer.clone(),
            token: member("token_endpoint")?,
            resource_registration: member("resource_registration_endpoint")?,
            permission: member("permission_endpoint")?,
            introspection: member("introspection_endpoint")?,
            jwks_uri: document
                .get("jwks_uri")
                .and_then(Value::as_str)
                .filter(|uri| !uri.is_empty())
                .map(str::to_string),
        };
        let clock_url = format!("{issuer}/_mock/clock");
        let clock = match send(http.get(&clock_url)).await {
            Ok(a) if a.status == 200 && a.json().is_some_and(|v| v["now"].is_i64()) => {
                Some(clock_url)
            }
            _ => None,
        };
        let client = AsClient {
            http,
            endpoints,
            credentials,
            pat: RwLock::new(String::new()),
            clock,
        };
        client
            .renew_pat()
            .await
            .map_err(|e| failed("the PAT (client credentials grant)", e))?;
        Ok(client)
    }

    /// Gets a fresh PAT with the client credentials grant.
    async fn renew_pat(&self) -> Result<(), AsFailure> {
        let c = &self.credentials;
        let answer = send(
            self.http
                .post(&self.endpoints.token)
                .basic_auth(&c.pat_client_id, Some(&c.pat_client_secret))
                .form(&[
                    ("grant_type", "client_credentials"),
                    ("scope", &c.pat_scope),
                ]),
        )
        .await?;
        let token = answer
            .json()
            .filter(|_| answer.status == 200)
            .and_then(|v| {
                v.get("access_token")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .ok_or_else(|| refused(&answer))?;
        *self.pat.write().await = token;
        Ok(())
    }

    /// A protection API call with the PAT as bearer; a 401 renews the PAT and tries once more.
    async fn protected(
        &self,
        build: impl Fn(&str) -> reqwest::RequestBuilder,
    ) -> Result<Answer, AsFailure> {
        let pat = self.pat.read().await.clone();
        let answer = send(build(&pat)).await?;
        if answer.status != 401 {
            return Ok(answer);
        }
        self.renew_pat().await?;
        let pat = self.pat.read().await.clone();
        send(build(&pat)).await
    }

    /// Registers a resource description given as is; answers its `_id`.
    pub async fn register_description(&self, body: &Value) -> Result<String, AsFailure> {
        let answer = self
            .protected(|pat| {
                self.http
                    .post(&self.endpoints.resource_registration)
                    .bearer_auth(pat)
                    .json(body)
            })
            .await?;
        answer
            .json()
            .filter(|_| answer.status == 201)
            .and_then(|v| v.get("_id").and_then(Value::as_str).map(str::to_string))
            .ok_or_else(|| refused(&answer))
    }

    /// Deregisters a resource.
    pub async fn deregister(&self, id: &str) -> Result<(), AsFailure> {
        let mut url = url::Url::parse(&self.endpoints.resource_registration)
            .map_err(|e| AsFailure::Unreachable(format!("resource registration endpoint: {e}")))?;
        url.path_segments_mut()
            .map_err(|()| AsFailure::Unreachable("resource registration endpoint".into()))?
            .pop_if_empty()
            .push(id);
        let answer = self
            .protected(|pat| self.http.delete(url.clone()).bearer_auth(pat))
            .await?;
        match answer.status {
            200 | 204 => Ok(()),
            _ => Err(refused(&answer)),
        }
    }

    /// Asks the permission endpoint for a ticket.
    pub async fn ticket(&self, body: &PermissionBody) -> Result<String, AsFailure> {
        let answer = self
            .protected(|pat| {
                let request = self.http.post(&self.endpoints.permission).bearer_auth(pat);
                match body {
                    PermissionBody::Json(value) => request.json(value),
                    PermissionBody::Form(pairs) => request.form(pairs),
                }
            })
            .await?;
        answer
            .json()
            .filter(|_| answer.status == 201)
            .and_then(|v| v.get("ticket").and_then(Value::as_str).map(str::to_string))
            .filter(|t| !t.is_empty())
            .ok_or_else(|| refused(&answer))
    }

    /// Introspects an RPT (FedAuthz 5.1: the PAT as bearer, the RPT as `token`).
    pub async fn introspect(
        &self,
        rpt: &str,
        style: IntrospectionStyle,
    ) -> Result<Value, AsFailure> {
        let answer = self
            .protected(|pat| {
                let request = self.http.post(&self.endpoints.introspection);
                let request = if style.pat_in_query {
                    request.query(&[("access_token", pat)])
                } else {
                    request.bearer_auth(pat)
                };
                request.form(&[("token", rpt), ("token_type_hint", style.hint)])
            })
            .await?;
        answer
            .json()
            .filter(|v| answer.status == 200 && v.is_object())
            .ok_or_else(|| refused(&answer))
    }

    /// The AS's JWK Set document (RFC 7517 5), from `jwks_uri`; `None` when it publishes none.
    pub async fn jwks(&self) -> Option<Result<Value, AsFailure>> {
        let url = self.endpoints.jwks_uri.as_ref()?;
        Some(send(self.http.get(url)).await.and_then(|answer| {
            answer
                .json()
                .filter(|v| answer.status == 200 && v.is_object())
                .ok_or_else(|| refused(&answer))
        }))
    }

    /// The AS's notion of now when it publishes a clock, else the system's.
    pub async fn now(&self) -> i64 {
        if let Some(url) = &self.clock {
            if let Ok(answer) = send(self.http.get(url)).await {
                if let Some(now) = answer.json().and_then(|v| v["now"].as_i64()) {
                    return now;
                }
            }
        }
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}
