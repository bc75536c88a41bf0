//! HTTPS for the mock: the server certificate (a throwaway CA generated at start, or files given by
//! the user) and a listener that completes TLS handshakes off the accept path, so that a client
//! that stalls or speaks plain HTTP delays no one else and takes nothing down.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SerialNumber,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::server::TlsStream;

use super::error::MockError;

/// How the mock serves: plain HTTP or HTTPS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain HTTP.
    #[default]
    Off,
    /// HTTPS with a certificate for `127.0.0.1`, `::1` and `localhost`, signed by a CA generated
    /// at start (see [`MockAs::ca_certificate_pem`](super::MockAs::ca_certificate_pem)).
    Generated,
    /// HTTPS with a PEM certificate chain (leaf first) and its private key (PKCS#8, RSA or SEC1,
    /// PEM).
    Files { cert_pem: PathBuf, key_pem: PathBuf },
}

/// How long a client has to complete the TLS handshake after connecting.
pub(crate) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Handshakes in progress at once; connections beyond that are closed at once.
const MAX_PENDING_HANDSHAKES: usize = 1024;

/// Validity of a generated CA and leaf certificate.
const GENERATED_VALIDITY: time::Duration = time::Duration::days(7);

/// Tolerance for a client whose clock is a little behind.
const BACKDATE: time::Duration = time::Duration::hours(1);

/// What the listener needs, and the CA to publish when one was generated.
pub(crate) struct ServerTls {
    pub(crate) acceptor: TlsAcceptor,
    pub(crate) ca_pem: Option<String>,
}

impl ServerTls {
    /// `None` for [`TlsMode::Off`].
    pub(crate) fn from_mode(mode: &TlsMode) -> Result<Option<ServerTls>, MockError> {
        match mode {
            TlsMode::Off => Ok(None),
            TlsMode::Generated => generated().map(Some),
            TlsMode::Files { cert_pem, key_pem } => from_files(cert_pem, key_pem).map(Some),
        }
    }
}

fn startup(message: String) -> MockError {
    MockError::Startup(message)
}

/// A fresh CA and a leaf certificate signed by it for the loopback names.
fn generated() -> Result<ServerTls, MockError> {
    let failed = |e: rcgen::Error| startup(format!("generating a TLS certificate: {e}"));
    let now = time::OffsetDateTime::now_utc();

    let ca_key = KeyPair::generate().map_err(failed)?;
    let mut ca_params = CertificateParams::default();
    ca_params.distinguished_name = distinguished_name("uma-conformance mock CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca_params.not_before = now - BACKDATE;
    ca_params.not_after = now + GENERATED_VALIDITY;
    ca_params.serial_number = Some(random_serial());
    let ca_cert = ca_params.self_signed(&ca_key).map_err(failed)?;
    let ca_pem = ca_cert.pem();
    let issuer = Issuer::new(ca_params, ca_key);

    let leaf_key = KeyPair::generate().map_err(failed)?;
    let mut leaf_params = CertificateParams::new(vec![
        "127.0.0.1".to_string(),
        "::1".to_string(),
        "localhost".to_string(),
    ])
    .map_err(failed)?;
    leaf_params.distinguished_name = distinguished_name("localhost");
    leaf_params.is_ca = IsCa::ExplicitNoCa;
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf_params.use_authority_key_identifier_extension = true;
    leaf_params.not_before = now - BACKDATE;
    leaf_params.not_after = now + GENERATED_VALIDITY;
    leaf_params.serial_number = Some(random_serial());
    let leaf_cert = leaf_params.signed_by(&leaf_key, &issuer).map_err(failed)?;

    let chain = vec![leaf_cert.der().clone(), ca_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    Ok(ServerTls {
        acceptor: acceptor(chain, key)?,
        ca_pem: Some(ca_pem),
    })
}

fn distinguished_name(common_name: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    name
}

fn random_serial() -> SerialNumber {
    let mut bytes: [u8; 16] = rand::random();
    // Positive and without a leading zero byte, as RFC 5280 4.1.2.2 wants.
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    SerialNumber::from_slice(&bytes)
}

/// A certificate chain and key from PEM files.
fn from_files(cert_path: &Path, key_path: &Path) -> Result<ServerTls, MockError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|e| startup(format!("cannot read {}: {e}", path.display())))
    };
    let cert_bytes = read(cert_path)?;
    let chain = CertificateDer::pem_slice_iter(&cert_bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            startup(format!(
                "{}: not a PEM certificate chain: {e}",
                cert_path.display()
            ))
        })?;
    if chain.is_empty() {
        return Err(startup(format!(
            "{}: no PEM certificate (\"BEGIN CERTIFICATE\") in the file",
            cert_path.display()
        )));
    }
    let key_bytes = read(key_path)?;
    let key = PrivateKeyDer::from_pem_slice(&key_bytes).map_err(|e| {
        let why = match e {
            rustls_pki_types::pem::Error::NoItemsFound => {
                "no PEM private key (PKCS#8, RSA or EC) in the file".to_string()
            }
            other => format!("not a PEM private key: {other}"),
        };
        startup(format!("{}: {why}", key_path.display()))
    })?;
    let acceptor = acceptor(chain, key).map_err(|e| match e {
        MockError::Startup(message) => startup(format!(
            "{} and {}: {message}",
            cert_path.display(),
            key_path.display()
        )),
        other => other,
    })?;
    Ok(ServerTls {
        acceptor,
        ca_pem: None,
    })
}

/// A TLS 1.2/1.3 server configuration speaking HTTP/1.1, on the aws-lc-rs provider that the rest
/// of the tree uses.
fn acceptor(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<TlsAcceptor, MockError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| startup(format!("TLS configuration: {e}")))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| startup(format!("unusable TLS certificate or key: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

type Accepted = (TlsStream<TcpStream>, SocketAddr);

/// An [`axum::serve::Listener`] yielding connections whose TLS handshake is complete. Each
/// handshake runs in its own task with a deadline; failed or late ones are dropped quietly.
/// Dropping the listener closes the socket and ends the handshakes in progress.
pub(crate) struct TlsListener {
    ready: mpsc::Receiver<Accepted>,
    local_addr: SocketAddr,
    acceptor_task: JoinHandle<()>,
}

impl TlsListener {
    pub(crate) fn new(
        listener: TcpListener,
        acceptor: TlsAcceptor,
        handshake_timeout: Duration,
    ) -> io::Result<TlsListener> {
        let local_addr = listener.local_addr()?;
        let (tx, ready) = mpsc::channel(64);
        let acceptor_task = tokio::spawn(accept_loop(listener, acceptor, handshake_timeout, tx));
        Ok(TlsListener {
            ready,
            local_addr,
            acceptor_task,
        })
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.acceptor_task.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(accepted) => accepted,
            // The accept loop only ends when this listener is dropped or the runtime shuts down:
            // no more connections will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local_addr)
    }
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    handshake_timeout: Duration,
    ready: mpsc::Sender<Accepted>,
) {
    // Dropped with this task, which aborts every handshake still running.
    let mut handshakes = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    if handshakes.len() >= MAX_PENDING_HANDSHAKES {
                        drop(stream);
                        continue;
                    }
                    let acceptor = acceptor.clone();
                    let ready = ready.clone();
                    handshakes.spawn(async move {
                        let handshake = tokio::time::timeout(handshake_timeout, acceptor.accept(stream));
                        if let Ok(Ok(tls)) = handshake.await {
                            // Fails only once the server stopped accepting; the connection is
                            // then dropped.
                            let _ = ready.send((tls, peer)).await;
                        }
                    });
                }
                Err(e) => accept_error(e).await,
            },
            Some(_) = handshakes.join_next(), if !handshakes.is_empty() => {}
            _ = ready.closed() => break,
        }
    }
}

/// As axum's own listener does: a failed connection is skipped, anything else (say, out of file
/// descriptors) pauses accepting for a second.
async fn accept_error(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::serve::Listener;
    use tokio::io::AsyncReadExt;
    use tokio_rustls::TlsConnector;
    use tokio_rustls::rustls::{ClientConfig, RootCertStore};

    fn client(ca_pem: &str) -> TlsConnector {
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
            roots.add(cert.unwrap()).unwrap();
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        TlsConnector::from(Arc::new(config))
    }

    #[tokio::test]
    async fn a_silent_client_is_dropped_after_the_handshake_timeout_and_blocks_no_one() {
        let tls = generated().unwrap();
        let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut listener = TlsListener::new(tcp, tls.acceptor, Duration::from_millis(300)).unwrap();
        let addr = listener.local_addr().unwrap();

        let mut silent = TcpStream::connect(addr).await.unwrap();

        // Meanwhile a real client completes its handshake and is handed over.
        let connector = client(tls.ca_pem.as_deref().unwrap());
        let name = rustls_pki_types::ServerName::try_from("127.0.0.1").unwrap();
        let (connected, accepted) = tokio::join!(
            async {
                connector
                    .connect(name, TcpStream::connect(addr).await.unwrap())
                    .await
            },
            tokio::time::timeout(Duration::from_secs(5), listener.accept()),
        );
        connected.expect("the handshake succeeds with the generated CA");
        accepted.expect("the completed connection is handed over at once");

        // The silent one is closed once its time is up.
        let mut buf = [0u8; 16];
        let read = tokio::time::timeout(Duration::from_secs(5), silent.read(&mut buf))
            .await
            .expect("the server closes the silent connection");
        assert!(matches!(read, Ok(0) | Err(_)), "got {read:?}");
    }

    #[tokio::test]
    async fn dropping_the_listener_closes_the_socket() {
        let tls = generated().unwrap();
        let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = tcp.local_addr().unwrap();
        let listener = TlsListener::new(tcp, tls.acceptor, HANDSHAKE_TIMEOUT).unwrap();
        drop(listener);
        // The abort takes effect at the task's next poll.
        let mut refused = false;
        for _ in 0..50 {
            if TcpStream::connect(addr).await.is_err() {
                refused = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(refused, "the port is released");
    }

    #[test]
    fn files_with_no_pem_are_plain_errors() {
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("cert.pem");
        let key = dir.path().join("key.pem");
        std::fs::write(&cert, "not a certificate").unwrap();
        std::fs::write(&key, "not a key").unwrap();
        let err = from_files(&cert, &key).err().unwrap().to_string();
        assert!(err.contains("no PEM certificate"), "{err}");
        let err = from_files(&dir.path().join("missing.pem"), &key)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("cannot read"), "{err}");
    }
}
