//! The reference UMA 2.0 resource server: a small API of a patient's lab reports and
//! prescriptions, protected by an authorization server it reaches only over HTTP, like any
//! resource server would. With switchable [deviations](deviations()) that break chosen RS
//! requirements on purpose.
//!
//! At start it binds its listener, discovers the AS (`{issuer}/.well-known/uma2-configuration`),
//! gets its PAT with the client credentials grant, starts serving and registers each fixture
//! resource, keeping the `_id`s. Each description has the fixture's `name` and `type` and,
//! when the fixture gives them, `name#de`, `description`, `description#de` and `icon_uri`
//! (FedAuthz 3.1); its `resource_scopes` are `view`, `edit`, `download`, `delete` and the URI
//! `{base}/scopes/share`, which leads to a scope description (3.1.1). Then:
//!
//! | Request | Scope needed |
//! |---|---|
//! | `GET` or `HEAD /scopes/share` | none: the share scope's description (`name`, `name#de`, `description`, `description#de`, `icon_uri`); no request needs the scope itself |
//! | `GET` or `HEAD /patients/{patient}/{kind}/{n}` | `view` |
//! | `GET …?download` | `download` (the content as an attachment) |
//! | `PUT …` with a JSON body | `edit` (replaces the content) |
//! | `DELETE …` | `delete` (deregisters the resource at the AS, then forgets it) |
//! | `GET` or `HEAD /patients/{patient}/{kind}` | `view` on every resource of that kind of the patient (a JSON array of `{"path", "content"}`) |
//! | `GET` or `HEAD /patients/{patient}` | a permission, with any scopes, on every resource of the patient (a JSON array of their paths) |
//!
//! `{kind}` is `lab-reports` or `prescriptions`. An RPT is introspected at the AS with the PAT
//! (FedAuthz 5.1), unless it is a compact JWS and the AS's discovery document has `jwks_uri`:
//! then it is checked locally (FedAuthz 5), against the AS's JWK Set (fetched on first use and
//! kept, fetched again for an unknown `kid`): its signature, its `iss` (the AS's issuer) and an
//! integer `exp`, its claims then read like an active introspection answer, times against the
//! AS's clock. A request whose RPT holds no current permission for the resource's `_id` with that scope, or that has no
//! RPT, gets a new ticket for exactly that permission in a 401 `UMA` challenge (Grant 3.2.1,
//! 3.5); when the AS cannot be reached, answers 5xx or refuses the permission request, 403 with
//! the Warning of Grant 3.2.2. A collection asks for its permissions in one request holding an
//! array, one permission per resource (FedAuthz 4-b); the index asks likewise with empty
//! `resource_scopes` (4-c). Beside the API, a control API: `GET /_mock/health` and
//! `GET /_mock/exchanges?after=N` (every exchange of the API, see `mocks/README.md`). Fixtures
//! come from `mocks/resource-server/` (see `mocks/README.md`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use uma_conformance::mock::resource_server::{MockRs, MockRsConfig};
//! let rs = MockRs::start(MockRsConfig::new("127.0.0.1:0".parse()?, "http://127.0.0.1:8080")?).await?;
//! println!("{}", rs.base_url());
//! rs.stop().await;
//! # Ok(()) }
//! ```

mod access;
mod as_client;
mod deviations;
mod error;
mod fixtures;
mod http;
mod jwt;
mod permission_request;
mod scope_description;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, oneshot};
use tokio::task::JoinHandle;

pub use access::SCOPES;
pub use deviations::{DeviationInfo, deviations};
pub use error::RsError;
pub use fixtures::{KINDS, RsFixtures, RsResourceFixture, RsServerFixture};
pub use http::UNREACHABLE_WARNING;
pub use scope_description::SHARE_SCOPE_PATH;

use crate::mock::authorization_server::{HANDSHAKE_TIMEOUT, ServerTls, TlsListener, TlsMode};
use crate::mock::exchange_log::ExchangeLog;
use as_client::AsClient;
use deviations::{Deviation, DeviationSet};
use http::{BODY_LIMIT, CONTROL, Held, Rs};
use scope_description::registered_scopes;

/// How long [`MockRs::stop`] waits for in-flight requests before cutting them off.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Under the registration deviations, one more resource with a malformed description. Whatever
/// the AS answers, the server carries on: it serves only its fixture resources.
async fn register_deviant_extras(
    as_client: &AsClient,
    deviations: DeviationSet,
    scopes: &[String],
) {
    let mut with_empty_scope = scopes.to_vec();
    with_empty_scope.push(String::new());
    let extras = [
        (
            Deviation::RegistersScopesAsString,
            serde_json::json!({
                "name": "Extra record (scopes as one string)",
                "type": "urn:uma-conformance:type:extra",
                "resource_scopes": SCOPES.join(" "),
            }),
        ),
        (
            Deviation::RegistersBadOptionalMembers,
            serde_json::json!({
                "name": 42,
                "name#de": 43,
                "description": 44,
                "description#de": 45,
                "icon_uri": "not a URI",
                "type": 46,
                "resource_scopes": with_empty_scope,
            }),
        ),
    ];
    for (deviation, description) in extras {
        if deviations.has(deviation) {
            let _ = as_client.register_description(&description).await;
        }
    }
}

/// Registers every fixture resource with `scopes`, answering them by path with their `_id`s.
async fn register_fixtures(
    as_client: &AsClient,
    fixtures: &RsFixtures,
    scopes: &[String],
) -> Result<BTreeMap<String, Held>, RsError> {
    let mut resources = BTreeMap::new();
    for r in &fixtures.resources {
        let id = as_client
            .register_description(&r.description(scopes))
            .await
            .map_err(|e| RsError::AuthorizationServer {
                issuer: as_client.endpoints.issuer.clone(),
                reason: format!("registering {}: {e}", r.path()),
            })?;
        resources.insert(
            r.path(),
            Held {
                id,
                content: r.content.clone(),
            },
        );
    }
    Ok(resources)
}

/// Spawns the server on `listener` until `signal` fires (or its sender is dropped).
fn serve<L>(listener: L, router: axum::Router, signal: oneshot::Receiver<()>) -> JoinHandle<()>
where
    L: axum::serve::Listener,
    L::Addr: std::fmt::Debug,
{
    tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = signal.await;
            })
            .await;
    })
}

/// How to start a mock resource server.
#[derive(Debug, Clone)]
pub struct MockRsConfig {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The issuer of the authorization server protecting the resources.
    pub as_issuer: String,
    /// PEM CA certificates to trust when the AS serves https with a private CA.
    pub as_ca_pem: Option<String>,
    pub fixtures: RsFixtures,
    /// Names from [`deviations()`].
    pub deviations: Vec<String>,
    /// Plain HTTP or HTTPS for the resource API, and with which certificate.
    pub tls: TlsMode,
}

impl MockRsConfig {
    /// The embedded fixtures, no deviations, plain HTTP.
    pub fn new(listen: SocketAddr, as_issuer: &str) -> Result<Self, RsError> {
        Ok(MockRsConfig {
            listen,
            as_issuer: as_issuer.to_string(),
            as_ca_pem: None,
            fixtures: RsFixtures::embedded()?,
            deviations: Vec::new(),
            tls: TlsMode::Off,
        })
    }
}

/// A running mock resource server. Dropping it shuts the server down.
#[derive(Debug)]
pub struct MockRs {
    base_url: String,
    local_addr: SocketAddr,
    ca_pem: Option<String>,
    rs: Arc<Rs>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl MockRs {
    /// Binds (its base URL is part of the share scope's URI), connects to the AS (discovery,
    /// PAT), starts serving, registers the fixture resources and returns once they are
    /// registered and it accepts connections. It serves before it registers so that an AS that
    /// fetches scope description URIs at registration finds `/scopes/share`; until then the
    /// resource API holds no resource.
    pub async fn start(config: MockRsConfig) -> Result<MockRs, RsError> {
        let deviations = DeviationSet::parse(&config.deviations)?;
        let tls = ServerTls::from_mode(&config.tls).map_err(|e| RsError::Startup(e.to_string()))?;
        let bind_error = |source| RsError::Bind {
            addr: config.listen,
            source,
        };
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(bind_error)?;
        let local_addr = listener.local_addr().map_err(bind_error)?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let base_url = format!("{scheme}://{local_addr}");
        let as_client = AsClient::connect(
            &config.as_issuer,
            config.fixtures.server.clone(),
            config.as_ca_pem.as_deref(),
        )
        .await?;
        let rs = Arc::new(Rs {
            jwt_keys: as_client
                .endpoints
                .jwks_uri
                .is_some()
                .then(jwt::KeyCache::default),
            as_client,
            realm: config.fixtures.server.realm.clone(),
            deviations,
            resources: Mutex::new(BTreeMap::new()),
            exchanges: Arc::new(ExchangeLog::new(CONTROL, BODY_LIMIT)),
        });
        let router = http::router(Arc::clone(&rs));
        let (shutdown, signal) = oneshot::channel::<()>();
        let (task, ca_pem) = match tls {
            None => (serve(listener, router, signal), None),
            Some(ServerTls { acceptor, ca_pem }) => {
                let listener =
                    TlsListener::new(listener, acceptor, HANDSHAKE_TIMEOUT).map_err(bind_error)?;
                (serve(listener, router, signal), ca_pem)
            }
        };
        let mock = MockRs {
            base_url,
            local_addr,
            ca_pem,
            rs,
            shutdown: Some(shutdown),
            task,
        };
        let scopes = registered_scopes(&mock.base_url);
        match register_fixtures(&mock.rs.as_client, &config.fixtures, &scopes).await {
            Ok(resources) => *mock.rs.resources.lock().await = resources,
            Err(e) => {
                mock.stop().await;
                return Err(e);
            }
        }
        register_deviant_extras(&mock.rs.as_client, deviations, &scopes).await;
        Ok(mock)
    }

    /// Where the resource API is served, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The issuer of the AS it works with, as discovered.
    pub fn as_issuer(&self) -> &str {
        &self.rs.as_client.endpoints.issuer
    }

    /// The PEM certificate of the CA generated for [`TlsMode::Generated`]; `None` otherwise.
    pub fn ca_certificate_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// The resources it holds now: path and the `_id` the AS gave it, in path order.
    pub async fn resources(&self) -> Vec<(String, String)> {
        self.rs
            .resources
            .lock()
            .await
            .iter()
            .map(|(path, held)| (path.clone(), held.id.clone()))
            .collect()
    }

    /// Stops accepting, lets in-flight requests finish (a few seconds at most) and returns.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if tokio::time::timeout(STOP_GRACE, &mut self.task)
            .await
            .is_err()
        {
            self.task.abort();
        }
    }

    /// Serves until the server task ends.
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }
}
