//! What a run of the client is told: where the resource is, who the client is, and its bounds.

use std::path::PathBuf;
use std::time::Duration;

/// How the client authenticates at the token endpoint when it has a secret (RFC 6749 2.3.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_secret_basic`: HTTP Basic with the form-encoded id and secret.
    #[default]
    Basic,
    /// `client_secret_post`: client_id and client_secret in the request body.
    Post,
}

impl ClientAuth {
    /// From the registration metadata name.
    pub fn from_name(name: &str) -> Option<ClientAuth> {
        match name {
            "client_secret_basic" => Some(ClientAuth::Basic),
            "client_secret_post" => Some(ClientAuth::Post),
            _ => None,
        }
    }
}

/// Every wait of a run is bounded by these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Each HTTP exchange, connection included.
    pub http: Duration,
    /// How long the requesting party has to come back from claims interaction.
    pub claims_interaction: Duration,
    /// Token requests per run (refresh included), polls included.
    pub max_token_requests: u32,
    /// The longest wait between polls, whatever `interval` the AS asks for.
    pub max_poll_interval: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            http: Duration::from_secs(10),
            claims_interaction: Duration::from_secs(30),
            max_token_requests: 10,
            max_poll_interval: Duration::from_secs(30),
        }
    }
}

/// One run of the client.
#[derive(Clone)]
pub struct ClientOptions {
    pub resource_url: String,
    pub client_id: String,
    /// None: a public client, which identifies itself by client_id alone.
    pub client_secret: Option<String>,
    pub auth_method: ClientAuth,
    /// A loopback `http://127.0.0.1:PORT/path` the client listens on during claims interaction.
    pub claims_redirect_uri: Option<String>,
    /// (claim_token_format, claim_token) to push when the AS asks for claims.
    pub claim_token: Option<(String, String)>,
    /// Where PCTs, RPTs and refresh tokens are kept between runs; None keeps nothing.
    pub state_dir: Option<PathBuf>,
    /// Extra PEM root certificates to trust.
    pub ca_pem: Vec<String>,
    /// Scopes to request at the token endpoint (space-separated, registered beforehand).
    pub scope: Option<String>,
    /// HTTP method for the resource.
    pub method: String,
    /// Names from [`super::deviations()`].
    pub deviations: Vec<String>,
    pub timeouts: Timeouts,
}

impl ClientOptions {
    /// A confidential or public client asking GET for `resource_url`, with default bounds.
    pub fn new(resource_url: &str, client_id: &str, client_secret: Option<&str>) -> Self {
        ClientOptions {
            resource_url: resource_url.to_string(),
            client_id: client_id.to_string(),
            client_secret: client_secret.map(str::to_string),
            auth_method: ClientAuth::Basic,
            claims_redirect_uri: None,
            claim_token: None,
            state_dir: None,
            ca_pem: Vec::new(),
            scope: None,
            method: "GET".to_string(),
            deviations: Vec::new(),
            timeouts: Timeouts::default(),
        }
    }
}

// Secrets and tokens never show in debug output.
impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("resource_url", &self.resource_url)
            .field("client_id", &self.client_id)
            .field("public", &self.client_secret.is_none())
            .field("auth_method", &self.auth_method)
            .field("claims_redirect_uri", &self.claims_redirect_uri)
            .field(
                "claim_token_format",
                &self.claim_token.as_ref().map(|(f, _)| f),
            )
            .field("state_dir", &self.state_dir)
            .field("scope", &self.scope)
            .field("method", &self.method)
            .field("deviations", &self.deviations)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}
