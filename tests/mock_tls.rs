//! HTTPS on the reference (mock) UMA authorization server, over real loopback connections: the
//! generated CA, certificate files, clients that fail or stall, and the `mock as` flags.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::AsyncWriteExt;
use uma_conformance::mock::authorization_server::{MockAs, MockAsConfig, TlsMode};

const BIN: &str = env!("CARGO_BIN_EXE_uma-conformance");

fn config(tls: TlsMode) -> MockAsConfig {
    let mut config = MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap();
    config.tls = tls;
    config
}

/// A client that trusts exactly the given CA certificates (PEM) and nothing else.
fn client_trusting(ca_pem: &str) -> reqwest::Client {
    let certs = reqwest::Certificate::from_pem_bundle(ca_pem.as_bytes()).expect("PEM CA");
    assert!(!certs.is_empty());
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .tls_certs_only(certs)
        .build()
        .expect("client")
}

async fn discovery(client: &reqwest::Client, issuer: &str) -> Value {
    let response = client
        .get(format!("{issuer}/.well-known/uma2-configuration"))
        .send()
        .await
        .expect("discovery over https");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("JSON discovery document")
}

/// Every endpoint the discovery document publishes is an https URL under the issuer.
fn assert_https_endpoints(doc: &Value, issuer: &str) {
    assert_eq!(doc["issuer"], issuer, "{doc}");
    let endpoints: Vec<(&String, &Value)> = doc
        .as_object()
        .expect("a JSON object")
        .iter()
        .filter(|(name, _)| name.ends_with("_endpoint"))
        .collect();
    assert!(endpoints.len() >= 4, "endpoints published: {doc}");
    for (name, url) in endpoints {
        let url = url.as_str().unwrap_or_else(|| panic!("{name} is a string"));
        assert!(
            url.starts_with("https://") && url.starts_with(issuer),
            "{name}: {url}"
        );
    }
}

#[tokio::test]
async fn a_generated_ca_serves_discovery_over_https() {
    let mock = MockAs::start(config(TlsMode::Generated)).await.unwrap();
    let port = mock.local_addr().port();
    assert_eq!(mock.issuer(), format!("https://127.0.0.1:{port}"));
    let ca = mock.ca_certificate_pem().expect("a generated CA");
    assert!(ca.contains("-----BEGIN CERTIFICATE-----"), "{ca}");

    let client = client_trusting(&ca);
    let doc = discovery(&client, mock.issuer()).await;
    assert_https_endpoints(&doc, mock.issuer());

    // The certificate also names localhost.
    let response = client
        .get(format!(
            "https://localhost:{port}/.well-known/uma2-configuration"
        ))
        .send()
        .await
        .expect("https by the DNS name");
    assert_eq!(response.status(), StatusCode::OK);

    mock.stop().await;
}

#[tokio::test]
async fn each_start_generates_its_own_ca() {
    let a = MockAs::start(config(TlsMode::Generated)).await.unwrap();
    let b = MockAs::start(config(TlsMode::Generated)).await.unwrap();
    assert_ne!(a.ca_certificate_pem(), b.ca_certificate_pem());
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn plain_http_stays_the_default_of_the_library() {
    let mock = MockAs::start(MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap())
        .await
        .unwrap();
    assert!(mock.issuer().starts_with("http://127.0.0.1:"));
    assert_eq!(mock.ca_certificate_pem(), None);
    mock.stop().await;
}

#[tokio::test]
async fn an_explicit_issuer_is_published_as_given() {
    let mut config = config(TlsMode::Generated);
    config.issuer = Some("https://as.example.test/realms/demo".to_string());
    let mock = MockAs::start(config).await.unwrap();
    assert_eq!(mock.issuer(), "https://as.example.test/realms/demo");
    mock.stop().await;
}

#[tokio::test]
async fn a_client_not_trusting_the_ca_fails_the_handshake_and_the_server_goes_on() {
    let mock = MockAs::start(config(TlsMode::Generated)).await.unwrap();
    let other = MockAs::start(config(TlsMode::Generated)).await.unwrap();
    let stranger = client_trusting(&other.ca_certificate_pem().unwrap());

    let err = stranger
        .get(format!("{}/.well-known/uma2-configuration", mock.issuer()))
        .send()
        .await
        .expect_err("a certificate from an unknown CA is refused");
    assert!(err.is_connect(), "{err:?}");

    let trusted = client_trusting(&mock.ca_certificate_pem().unwrap());
    assert_https_endpoints(&discovery(&trusted, mock.issuer()).await, mock.issuer());
    mock.stop().await;
    other.stop().await;
}

#[tokio::test]
async fn plain_http_and_silent_clients_do_not_take_the_server_down() {
    let mock = MockAs::start(config(TlsMode::Generated)).await.unwrap();
    let addr = mock.local_addr();
    let trusted = client_trusting(&mock.ca_certificate_pem().unwrap());

    // Plain HTTP to the https port: no answer worth the name, and no harm.
    let plain = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let answer = plain
        .get(format!("http://{addr}/.well-known/uma2-configuration"))
        .send()
        .await;
    assert!(
        answer.is_err() || !answer.as_ref().unwrap().status().is_success(),
        "{answer:?}"
    );
    // Raw garbage too.
    let mut garbage = tokio::net::TcpStream::connect(addr).await.unwrap();
    garbage
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();

    // A client that connects and says nothing holds no one up (it is dropped after the handshake
    // timeout, see the listener's unit tests).
    let silent: Vec<_> =
        futures::future::join_all((0..8).map(|_| tokio::net::TcpStream::connect(addr)))
            .await
            .into_iter()
            .map(|s| s.expect("connects"))
            .collect();

    let doc = tokio::time::timeout(Duration::from_secs(5), discovery(&trusted, mock.issuer()))
        .await
        .expect("served while silent connections are open");
    assert_https_endpoints(&doc, mock.issuer());

    // Stopping does not wait for the silent ones.
    let started = std::time::Instant::now();
    mock.stop().await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    drop(silent);
    drop(garbage);
}

#[tokio::test]
async fn stop_is_graceful_and_releases_the_port() {
    let mock = MockAs::start(config(TlsMode::Generated)).await.unwrap();
    let addr = mock.local_addr();
    let trusted = client_trusting(&mock.ca_certificate_pem().unwrap());
    discovery(&trusted, mock.issuer()).await;
    mock.stop().await;
    let mut refused = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "nothing listens after stop");
}

/// A CA and a leaf for 127.0.0.1 signed by it, written as PEM files; returns the CA's PEM.
fn write_cert_files(dir: &Path, leaf_key: &rcgen::KeyPair) -> String {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let leaf_params =
        rcgen::CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .unwrap();
    let leaf = leaf_params.signed_by(leaf_key, &issuer).unwrap();
    std::fs::write(
        dir.join("chain.pem"),
        format!("{}{}", leaf.pem(), ca_cert.pem()),
    )
    .unwrap();
    ca_cert.pem()
}

#[tokio::test]
async fn certificate_files_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let ca = write_cert_files(dir.path(), &key);
    std::fs::write(dir.path().join("key.pem"), key.serialize_pem()).unwrap();

    let mock = MockAs::start(config(TlsMode::Files {
        cert_pem: dir.path().join("chain.pem"),
        key_pem: dir.path().join("key.pem"),
    }))
    .await
    .expect("starts with the files");
    assert!(mock.issuer().starts_with("https://127.0.0.1:"));
    assert_eq!(mock.ca_certificate_pem(), None);
    assert_https_endpoints(
        &discovery(&client_trusting(&ca), mock.issuer()).await,
        mock.issuer(),
    );
    mock.stop().await;
}

/// The private key inside a PKCS#8 `PrivateKeyInfo` (RFC 5208 5): PKCS#1 for RSA, SEC1 for EC.
fn pkcs8_inner_key(der: &[u8]) -> Vec<u8> {
    // One DER element at `at`: (tag, start of content, end of content).
    fn element(der: &[u8], at: usize) -> (u8, usize, usize) {
        let tag = der[at];
        let first = der[at + 1] as usize;
        let (len, start) = if first < 0x80 {
            (first, at + 2)
        } else {
            let n = first & 0x7f;
            let len = der[at + 2..at + 2 + n]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | *b as usize);
            (len, at + 2 + n)
        };
        (tag, start, start + len)
    }
    let (tag, body, _) = element(der, 0);
    assert_eq!(tag, 0x30, "PrivateKeyInfo is a SEQUENCE");
    let (_, _, after_version) = element(der, body);
    let (_, _, after_algorithm) = element(der, after_version);
    let (tag, start, end) = element(der, after_algorithm);
    assert_eq!(tag, 0x04, "privateKey is an OCTET STRING");
    der[start..end].to_vec()
}

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

#[tokio::test]
async fn rsa_and_sec1_keys_are_accepted() {
    let rsa = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let ec = rcgen::KeyPair::generate().unwrap();
    for (key, label) in [(rsa, "RSA PRIVATE KEY"), (ec, "EC PRIVATE KEY")] {
        let dir = tempfile::tempdir().unwrap();
        let ca = write_cert_files(dir.path(), &key);
        let inner = pkcs8_inner_key(key.serialized_der());
        std::fs::write(dir.path().join("key.pem"), pem(label, &inner)).unwrap();
        let mock = MockAs::start(config(TlsMode::Files {
            cert_pem: dir.path().join("chain.pem"),
            key_pem: dir.path().join("key.pem"),
        }))
        .await
        .unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_https_endpoints(
            &discovery(&client_trusting(&ca), mock.issuer()).await,
            mock.issuer(),
        );
        mock.stop().await;
    }
}

#[tokio::test]
async fn unusable_certificate_files_are_plain_errors() {
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    write_cert_files(dir.path(), &key);
    let other_key = rcgen::KeyPair::generate().unwrap();
    std::fs::write(dir.path().join("other-key.pem"), other_key.serialize_pem()).unwrap();
    std::fs::write(dir.path().join("empty.pem"), "").unwrap();

    let start = |cert: &str, key: &str| {
        MockAs::start(config(TlsMode::Files {
            cert_pem: dir.path().join(cert),
            key_pem: dir.path().join(key),
        }))
    };
    for (cert, key, expected) in [
        ("missing.pem", "other-key.pem", "cannot read"),
        ("chain.pem", "missing.pem", "cannot read"),
        ("empty.pem", "other-key.pem", "no PEM certificate"),
        ("chain.pem", "empty.pem", "no PEM private key"),
        (
            "chain.pem",
            "other-key.pem",
            "unusable TLS certificate or key",
        ),
    ] {
        let err = start(cert, key)
            .await
            .expect_err("does not start")
            .to_string();
        assert!(err.contains(expected), "{cert} + {key}: {err}");
    }
}

// ---------------------------------------------------------------------------------------------
// The command line

struct Standalone(Child);

impl Drop for Standalone {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn mock_as(extra: &[&str]) -> (Standalone, String) {
    let mut child = Command::new(BIN)
        .args(["mock", "as", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("the mock prints its issuer");
    (Standalone(child), first.trim().to_string())
}

#[tokio::test]
async fn the_cli_serves_https_by_default_and_writes_its_ca() {
    let dir = tempfile::tempdir().unwrap();
    let ca_out = dir.path().join("ca.pem");
    let (_mock, issuer) = mock_as(&["--ca-out", ca_out.to_str().unwrap()]);
    assert!(issuer.starts_with("https://127.0.0.1:"), "{issuer:?}");
    let ca = std::fs::read_to_string(&ca_out).expect("the CA is written before the issuer line");
    assert!(ca.contains("-----BEGIN CERTIFICATE-----"), "{ca}");
    assert_https_endpoints(&discovery(&client_trusting(&ca), &issuer).await, &issuer);
}

#[test]
fn the_cli_serves_plain_http_when_asked() {
    let (_mock, issuer) = mock_as(&["--http"]);
    assert!(issuer.starts_with("http://127.0.0.1:"), "{issuer:?}");
}

#[test]
fn the_cli_refuses_contradictory_flags() {
    for args in [
        vec!["--http", "--tls"],
        vec!["--http", "--ca-out", "ca.pem"],
        vec!["--http", "--tls-cert", "c.pem", "--tls-key", "k.pem"],
        vec!["--tls-cert", "c.pem"],
        vec!["--tls-key", "k.pem"],
        vec![
            "--tls-cert",
            "c.pem",
            "--tls-key",
            "k.pem",
            "--ca-out",
            "ca.pem",
        ],
    ] {
        let output = Command::new(BIN)
            .args(["mock", "as", "--listen", "127.0.0.1:0"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn the_cli_reports_bad_certificate_files() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let output = Command::new(BIN)
        .args(["mock", "as", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&missing)
        .arg("--tls-key")
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot read"), "{stderr}");
}
