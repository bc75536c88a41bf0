//! The one HTTP client of the harness. Every request gets connect and total timeouts, a cap on
//! the response body, no automatic redirects, and is recorded as an [`Exchange`].

use std::time::{Duration, Instant};

use base64::Engine as _;
use bytes::Bytes;
use serde_json::Value;

use super::exchange::{Exchange, RecordedRequest, RecordedResponse};
use super::redact::Secrets;

#[derive(Debug, Clone)]
pub struct DriverConfig {
    pub connect_timeout: Duration,
    pub total_timeout: Duration,
    pub max_body_bytes: usize,
    /// Extra PEM trust anchors (private CAs of a target or of the built-in mocks).
    pub extra_roots_pem: Vec<Vec<u8>>,
}

impl Default for DriverConfig {
    fn default() -> Self {
        DriverConfig {
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(30),
            max_body_bytes: 1024 * 1024,
            extra_roots_pem: Vec::new(),
        }
    }
}

/// How a request authenticates.
#[derive(Debug, Clone)]
pub enum Auth {
    Bearer(String),
    /// A raw `Authorization` header value, for probing malformed credentials.
    Raw(String),
    Basic {
        user: String,
        password: String,
    },
}

#[derive(Debug, Clone)]
pub enum RequestBody {
    Json(Value),
    Form(Vec<(String, String)>),
    Raw {
        content_type: Option<String>,
        bytes: Vec<u8>,
    },
}

#[derive(Debug, Clone)]
pub struct Request {
    pub method: http::Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub auth: Option<Auth>,
    pub body: Option<RequestBody>,
}

impl Request {
    pub fn new(method: http::Method, url: impl Into<String>) -> Request {
        Request {
            method,
            url: url.into(),
            headers: Vec::new(),
            auth: None,
            body: None,
        }
    }
    pub fn get(url: impl Into<String>) -> Request {
        Request::new(http::Method::GET, url)
    }
    pub fn post(url: impl Into<String>) -> Request {
        Request::new(http::Method::POST, url)
    }
    pub fn put(url: impl Into<String>) -> Request {
        Request::new(http::Method::PUT, url)
    }
    pub fn delete(url: impl Into<String>) -> Request {
        Request::new(http::Method::DELETE, url)
    }
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Request {
        self.headers.push((name.to_string(), value.into()));
        self
    }
    pub fn auth(mut self, auth: Option<Auth>) -> Request {
        self.auth = auth;
        self
    }
    pub fn bearer(self, token: &str) -> Request {
        self.auth(Some(Auth::Bearer(token.to_string())))
    }
    pub fn json(mut self, body: Value) -> Request {
        self.body = Some(RequestBody::Json(body));
        self
    }
    pub fn form(mut self, fields: Vec<(String, String)>) -> Request {
        self.body = Some(RequestBody::Form(fields));
        self
    }
    pub fn raw(mut self, content_type: Option<&str>, bytes: impl Into<Vec<u8>>) -> Request {
        self.body = Some(RequestBody::Raw {
            content_type: content_type.map(str::to_string),
            bytes: bytes.into(),
        });
        self
    }
}

/// A complete response, its body read up to the cap.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names lower-cased, in arrival order; repeated headers appear repeatedly.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    pub elapsed: Duration,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The media type of `Content-Type`, lower-cased, without parameters.
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Parses the body as JSON, with an error a vendor can act on.
    pub fn json(&self) -> Result<Value, String> {
        if self.body.is_empty() {
            return Err("the body is empty, expected JSON".to_string());
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            let media = self
                .media_type()
                .unwrap_or_else(|| "no Content-Type".to_string());
            format!("the body is not valid JSON ({e}); Content-Type was {media}")
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("invalid URL {0:?}")]
    InvalidUrl(String),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("no complete answer within {0:?}")]
    Timeout(Duration),
    #[error("response body exceeds the cap of {limit} bytes")]
    BodyTooLarge { limit: usize },
    #[error("{0}")]
    Other(String),
}

#[derive(Clone)]
pub struct HttpDriver {
    client: reqwest::Client,
    config: DriverConfig,
    secrets: Secrets,
}

impl HttpDriver {
    pub fn new(config: DriverConfig, secrets: Secrets) -> Result<HttpDriver, String> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.total_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(USER_AGENT);
        for pem in &config.extra_roots_pem {
            let cert = reqwest::Certificate::from_pem(pem)
                .map_err(|e| format!("bad CA certificate: {e}"))?;
            builder = builder.add_root_certificate(cert);
        }
        let client = builder
            .build()
            .map_err(|e| format!("building the HTTP client: {e}"))?;
        Ok(HttpDriver {
            client,
            config,
            secrets,
        })
    }

    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    pub fn config(&self) -> &DriverConfig {
        &self.config
    }

    /// Sends `request`; always returns the exchange, complete or not.
    pub async fn send(&self, request: Request) -> (Exchange, Result<HttpResponse, TransportError>) {
        let started_at = now_rfc3339();
        let started = Instant::now();
        let (recorded, built) = self.build(&request);
        let mut exchange = Exchange {
            step: None,
            started_at,
            elapsed_ms: 0,
            request: recorded,
            response: None,
            error: None,
        };
        let result = match built {
            Ok(req) => self.execute(req, started, &mut exchange).await,
            Err(e) => Err(e),
        };
        exchange.elapsed_ms = started.elapsed().as_millis() as u64;
        if let Err(e) = &result {
            exchange.error = Some(e.to_string());
        }
        (exchange, result)
    }

    fn build(
        &self,
        request: &Request,
    ) -> (RecordedRequest, Result<reqwest::Request, TransportError>) {
        let mut headers: Vec<(String, String)> = request.headers.clone();
        match &request.auth {
            Some(Auth::Bearer(token)) => {
                self.secrets.register(token);
                headers.push(("Authorization".into(), format!("Bearer {token}")));
            }
            Some(Auth::Raw(value)) => headers.push(("Authorization".into(), value.clone())),
            Some(Auth::Basic { user, password }) => {
                self.secrets.register(password);
                // RFC 6749 2.3.1: form-encode both parts before joining them.
                let enc = |s: &str| {
                    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
                };
                let joined = format!("{}:{}", enc(user), enc(password));
                let b64 = base64::engine::general_purpose::STANDARD.encode(joined);
                self.secrets.register(&b64);
                headers.push(("Authorization".into(), format!("Basic {b64}")));
            }
            None => {}
        }
        let (body_bytes, content_type): (Option<Vec<u8>>, Option<String>) = match &request.body {
            None => (None, None),
            Some(RequestBody::Json(v)) => (
                Some(serde_json::to_vec_pretty(v).unwrap_or_default()),
                Some("application/json".into()),
            ),
            Some(RequestBody::Form(fields)) => {
                let encoded = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(fields.iter())
                    .finish();
                (
                    Some(encoded.into_bytes()),
                    Some("application/x-www-form-urlencoded".into()),
                )
            }
            Some(RequestBody::Raw {
                content_type,
                bytes,
            }) => (Some(bytes.clone()), content_type.clone()),
        };
        if let Some(ct) = &content_type {
            if !headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            {
                headers.push(("Content-Type".into(), ct.clone()));
            }
        }
        if matches!(
            request.body,
            Some(RequestBody::Json(_)) | Some(RequestBody::Form(_))
        ) && !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("accept"))
        {
            headers.push(("Accept".into(), "application/json".into()));
        }
        let recorded = RecordedRequest {
            method: request.method.to_string(),
            url: request.url.clone(),
            headers: headers.clone(),
            body: body_bytes
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned()),
        };
        let url = match reqwest::Url::parse(&request.url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => u,
            _ => {
                return (
                    recorded,
                    Err(TransportError::InvalidUrl(request.url.clone())),
                );
            }
        };
        let mut builder = self.client.request(request.method.clone(), url);
        for (name, value) in &headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some(bytes) = body_bytes {
            builder = builder.body(bytes);
        }
        let built = builder
            .build()
            .map_err(|e| TransportError::Other(format!("building the request: {e}")));
        (recorded, built)
    }

    async fn execute(
        &self,
        request: reqwest::Request,
        started: Instant,
        exchange: &mut Exchange,
    ) -> Result<HttpResponse, TransportError> {
        let mut response = self
            .client
            .execute(request)
            .await
            .map_err(|e| self.classify(e))?;
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let limit = self.config.max_body_bytes;
        let mut body: Vec<u8> = Vec::new();
        let mut outcome = Ok(());
        if response
            .content_length()
            .is_some_and(|len| len as usize > limit)
        {
            outcome = Err(TransportError::BodyTooLarge { limit });
        } else {
            loop {
                match response.chunk().await {
                    Ok(Some(chunk)) => {
                        if body.len() + chunk.len() > limit {
                            let room = limit - body.len();
                            body.extend_from_slice(&chunk[..room]);
                            outcome = Err(TransportError::BodyTooLarge { limit });
                            break;
                        }
                        body.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Err(e) => {
                        outcome = Err(self.classify(e));
                        break;
                    }
                }
            }
        }
        self.learn_secrets(&headers, &body);
        exchange.response = Some(RecordedResponse {
            status,
            headers: headers.clone(),
            body: recorded_text(&body),
        });
        outcome?;
        Ok(HttpResponse {
            status,
            headers,
            body: Bytes::from(body),
            elapsed: started.elapsed(),
        })
    }

    /// Registers every token a response hands out, whatever its status, before the exchange is
    /// recorded: a token in an unexpected answer must not reach a report either.
    fn learn_secrets(&self, headers: &[(String, String)], body: &[u8]) {
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
            for member in TOKEN_MEMBERS {
                if let Some(Value::String(token)) = map.get(*member) {
                    self.secrets.register(token);
                }
            }
        }
        for (name, value) in headers {
            if name == "www-authenticate" {
                if let Ok(challenges) = super::challenge::parse(value) {
                    for challenge in challenges {
                        if let Some(ticket) = challenge.param("ticket") {
                            self.secrets.register(ticket);
                        }
                    }
                }
            }
        }
    }

    fn classify(&self, error: reqwest::Error) -> TransportError {
        if error.is_timeout() {
            TransportError::Timeout(self.config.total_timeout)
        } else if error.is_connect() {
            TransportError::Connect(error_chain(&error))
        } else {
            TransportError::Other(error_chain(&error))
        }
    }
}

/// What the harness calls itself on the wire; its own servers tell its requests from those of
/// the party under test by it.
pub const USER_AGENT: &str = concat!("uma-conformance/", env!("CARGO_PKG_VERSION"));

/// JSON members whose values are credentials, in OAuth and UMA answers.
const TOKEN_MEMBERS: &[&str] = &[
    "access_token",
    "refresh_token",
    "id_token",
    "pct",
    "ticket",
    "rpt",
    "client_secret",
    "registration_access_token",
];

/// Evidence keeps at most this much of a body: enough to judge, not enough to bloat reports.
pub const RECORDED_BODY_CAP: usize = 64 * 1024;

fn recorded_text(body: &[u8]) -> String {
    if body.len() <= RECORDED_BODY_CAP {
        return String::from_utf8_lossy(body).into_owned();
    }
    let mut text = String::from_utf8_lossy(&body[..RECORDED_BODY_CAP]).into_owned();
    text.push_str(&format!(
        "\n[truncated: {} more bytes]",
        body.len() - RECORDED_BODY_CAP
    ));
    text
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
