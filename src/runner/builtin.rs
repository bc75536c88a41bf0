//! The built-in target: with no `--config`, the run starts the reference authorization server on
//! an ephemeral loopback port and describes it with `mocks/builtin-target.toml`, exactly as a
//! vendor describes theirs. The suite then reaches it over real HTTP.

use std::net::SocketAddr;
use std::path::Path;

use super::config::{self, LoadedTarget};
use crate::harness::target::{Profile, RELAXABLE_CHECKS};
use crate::mock::authorization_server::{Fixtures, MockAs, MockAsConfig, TlsMode};
use crate::spec::assets;

pub const TARGET_FILE: &str = "builtin-target.toml";

pub struct BuiltinTarget {
    pub mock: MockAs,
    pub loaded: LoadedTarget,
}

/// Starts the reference AS: over https with a CA made for this run (which the harness then
/// trusts), or over plain http with `plain_http`, in which case the TLS checks can only warn.
pub async fn start(
    fixtures_dir: Option<&Path>,
    deviations: &[String],
    plain_http: bool,
) -> Result<BuiltinTarget, String> {
    start_with(&MockAsOptions {
        fixtures_dir,
        deviations,
        plain_http,
        listen: "127.0.0.1:0".parse().expect("valid loopback address"),
        extra_client: None,
        poll_interval_secs: None,
    })
    .await
}

/// How to start the reference AS, as the AS under test or as the harness's own AS (the one a
/// resource server or client under test meets).
pub struct MockAsOptions<'a> {
    pub fixtures_dir: Option<&'a Path>,
    pub deviations: &'a [String],
    pub plain_http: bool,
    pub listen: SocketAddr,
    /// A client under test to register, granted what the fixture UMA client is granted.
    pub extra_client: Option<crate::mock::authorization_server::ClientFixture>,
    /// The `interval` a request_submitted answer asks for, instead of the fixtures'.
    pub poll_interval_secs: Option<u64>,
}

/// The fixture client a client under test stands in for.
pub const FIXTURE_UMA_CLIENT: &str = "uma-client";

pub async fn start_with(options: &MockAsOptions<'_>) -> Result<BuiltinTarget, String> {
    let MockAsOptions {
        fixtures_dir,
        deviations,
        plain_http,
        listen,
        ..
    } = *options;
    // The target file names fixture files (the identity provider's key) relative to itself.
    let (fixtures, target_text, origin, files) = match fixtures_dir {
        Some(dir) => {
            let fixtures = Fixtures::from_dir(dir).map_err(|e| e.to_string())?;
            let path = dir.join(TARGET_FILE);
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            (
                fixtures,
                text,
                path.display().to_string(),
                config::Files::Disk(Some(dir)),
            )
        }
        None => {
            let fixtures = Fixtures::embedded().map_err(|e| e.to_string())?;
            let text = assets::MOCKS
                .get_file(TARGET_FILE)
                .and_then(|f| f.contents_utf8())
                .ok_or("mocks/builtin-target.toml is not embedded")?
                .to_string();
            (
                fixtures,
                text,
                format!("(embedded) mocks/{TARGET_FILE}"),
                config::Files::Embedded(&assets::MOCKS),
            )
        }
    };
    let fixtures = match &options.extra_client {
        Some(client) => fixtures
            .with_client_like(client.clone(), FIXTURE_UMA_CLIENT)
            .map_err(|e| e.to_string())?,
        None => fixtures,
    };
    let fixtures = match options.poll_interval_secs {
        Some(secs) => {
            let mut server = fixtures.server().clone();
            server.request_submitted_interval_secs = secs;
            fixtures.with_server(server).map_err(|e| e.to_string())?
        }
        None => fixtures,
    };
    let mut mock_config = MockAsConfig::new(listen).map_err(|e| e.to_string())?;
    mock_config.fixtures = fixtures;
    mock_config.deviations = deviations.to_vec();
    mock_config.tls = if plain_http {
        TlsMode::Off
    } else {
        TlsMode::Generated
    };
    let mock = MockAs::start(mock_config)
        .await
        .map_err(|e| e.to_string())?;
    let text = target_text.replace("{issuer}", mock.issuer());
    let mut loaded = match config::parse_with(&text, files, &origin) {
        Ok(loaded) => loaded,
        Err(e) => {
            mock.stop().await;
            return Err(e.to_string());
        }
    };
    if let Some(ca) = mock.ca_certificate_pem() {
        loaded.driver.extra_roots_pem.push(ca.into_bytes());
    }
    if plain_http {
        loaded.target.profile = Profile {
            name: "development".into(),
            relaxed: RELAXABLE_CHECKS
                .iter()
                .map(|(n, _)| n.to_string())
                .collect(),
        };
    }
    Ok(BuiltinTarget { mock, loaded })
}
