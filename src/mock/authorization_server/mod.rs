//! The reference UMA 2.0 authorization server: a spec-faithful mock of the AS side of UMA Grant and
//! FedAuthz, with switchable [deviations](deviations()) that break chosen requirements on purpose.
//!
//! It is split into a domain core (`core`: clients, tokens, registered resources, tickets,
//! policies, claims, PCTs, clock; no HTTP) and an HTTP adapter (`http`: routes, parsing, error
//! mapping). Fixtures come from `mocks/authorization-server/` (see `mocks/README.md`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), uma_conformance::mock::authorization_server::MockError> {
//! use uma_conformance::mock::authorization_server::{MockAs, MockAsConfig};
//! let mock = MockAs::start(MockAsConfig::new("127.0.0.1:0".parse().unwrap())?).await?;
//! println!("{}", mock.issuer());
//! mock.stop().await;
//! # Ok(()) }
//! ```

mod core;
mod deviations;
mod error;
mod fixtures;
mod http;
mod tls;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use core::policy::ClaimHint;
pub use deviations::{DeviationInfo, deviations};
pub use error::MockError;
pub use fixtures::{
    ClientFixture, Fixtures, IdentityProviderFixture, OutcomeFixture, PolicyFixture,
    RequestingPartyFixture, ResourceOwnerFixture, RptFormat, ServerFixture, TimeOfDayFixture,
};
pub use tls::TlsMode;

use deviations::DeviationSet;
use http::app::App;
use http::urls::Urls;
// The reference resource server serves TLS the same way; only the listener is shared, never the
// AS's protocol code.
pub(crate) use tls::{HANDSHAKE_TIMEOUT, ServerTls, TlsListener};

/// How long [`MockAs::stop`] waits for in-flight requests before cutting them off.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// How to start a mock authorization server.
#[derive(Debug, Clone)]
pub struct MockAsConfig {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The issuer to publish. `None` means `http://{local address}`, or `https://{local address}`
    /// with TLS on. With a path, every route lives under that path. Given, it is published as is,
    /// whatever [`tls`](Self::tls) says.
    pub issuer: Option<String>,
    pub fixtures: Fixtures,
    /// Names from [`deviations()`].
    pub deviations: Vec<String>,
    /// Plain HTTP or HTTPS, and with which certificate.
    pub tls: TlsMode,
}

impl MockAsConfig {
    /// The embedded fixtures, no deviations, plain HTTP, the issuer derived from the bound
    /// address.
    pub fn new(listen: SocketAddr) -> Result<Self, MockError> {
        Ok(MockAsConfig {
            listen,
            issuer: None,
            fixtures: Fixtures::embedded()?,
            deviations: Vec::new(),
            tls: TlsMode::Off,
        })
    }
}

/// A running mock authorization server. Dropping it shuts the server down.
#[derive(Debug)]
pub struct MockAs {
    issuer: String,
    local_addr: SocketAddr,
    ca_pem: Option<String>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl MockAs {
    /// Binds, spawns the server and returns once it accepts connections.
    pub async fn start(config: MockAsConfig) -> Result<MockAs, MockError> {
        let deviations = DeviationSet::parse(&config.deviations)?;
        // The issuer is checked before binding so that a bad one does not hold a port.
        let configured = config
            .issuer
            .as_deref()
            .map(Urls::from_issuer)
            .transpose()?;
        // So is the certificate: generating one or reading the files needs no socket.
        let tls = ServerTls::from_mode(&config.tls)?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|source| MockError::Bind {
                addr: config.listen,
                source,
            })?;
        let local_addr = listener.local_addr().map_err(|source| MockError::Bind {
            addr: config.listen,
            source,
        })?;
        let urls = match configured {
            Some(urls) => urls,
            None => {
                let scheme = if tls.is_some() { "https" } else { "http" };
                Urls::from_issuer(&format!("{scheme}://{local_addr}"))?
            }
        };
        let issuer = urls.issuer().to_string();
        let app = Arc::new(App::new(&config.fixtures, urls, deviations)?);
        let router = http::router(app);
        let (shutdown, signal) = oneshot::channel::<()>();
        // Either an explicit stop or the handle being dropped ends the server.
        let signal = async move {
            let _ = signal.await;
        };
        let (task, ca_pem) = match tls {
            None => (
                tokio::spawn(async move {
                    // axum's serve only returns an error if accepting stops for good; there is no
                    // caller left to tell, and the task ending is the signal.
                    let _ = axum::serve(listener, router)
                        .with_graceful_shutdown(signal)
                        .await;
                }),
                None,
            ),
            Some(ServerTls { acceptor, ca_pem }) => {
                let listener = TlsListener::new(listener, acceptor, tls::HANDSHAKE_TIMEOUT)
                    .map_err(|source| MockError::Bind {
                        addr: config.listen,
                        source,
                    })?;
                let task = tokio::spawn(async move {
                    let _ = axum::serve(listener, router)
                        .with_graceful_shutdown(signal)
                        .await;
                });
                (task, ca_pem)
            }
        };
        Ok(MockAs {
            issuer,
            local_addr,
            ca_pem,
            shutdown: Some(shutdown),
            task,
        })
    }

    /// The issuer published in discovery, without a trailing slash.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The PEM certificate of the CA generated for [`TlsMode::Generated`], for clients to trust;
    /// `None` with plain HTTP or with certificate files.
    pub fn ca_certificate_pem(&self) -> Option<String> {
        self.ca_pem.clone()
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

    /// Serves until the server task ends. Dropping this future (say, on ctrl-c) drops the
    /// handle, which shuts the server down.
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }
}
