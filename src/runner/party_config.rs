//! The `[resource_server]` and `[client]` sections of a target file: a resource server or a
//! client under test, and where the harness's own servers listen for it.

use std::net::SocketAddr;
use std::time::Duration;

use serde::Deserialize;

use crate::harness::target::{ClientAuthMethod, ProtectedResource};

/// How long the harness waits for a resource server it started to answer.
const DEFAULT_READY_SECS: f64 = 30.0;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceServerSection {
    /// Starts the RS once the harness's AS is up; placeholders `{as_issuer}` and `{exe}`.
    /// Without it, the RS must already run and trust the harness's AS at `harness_as_listen`.
    #[serde(default)]
    pub command: Vec<String>,
    /// Where the harness's AS listens, when the RS is configured with a fixed AS address.
    /// Default: a free loopback port (only usable with `command`). Ignored when the file also
    /// has an `[authorization_server]` (an interop run).
    #[serde(default)]
    pub harness_as_listen: Option<String>,
    /// How long to wait for the RS to answer after starting it. Default 30.
    #[serde(default)]
    pub ready_timeout_secs: Option<f64>,
    /// The protected URLs; the first is "the protected resource" of the scenarios.
    pub resources: Vec<ResourceSection>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceSection {
    pub url: String,
    #[serde(default)]
    pub method: Option<String>,
    /// The scopes a request with this method to this URL may need.
    #[serde(default)]
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientUnderTestSection {
    /// The client's command line, run once per scenario. Placeholders: see
    /// [`CLIENT_PLACEHOLDERS`].
    pub command: Vec<String>,
    /// The client's identifier; the harness's AS registers it with these credentials.
    pub client_id: String,
    /// Absent for a public client.
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub auth_method: Option<ClientAuthMethod>,
    /// A loopback URI where the client takes the requesting party back after claims gathering.
    #[serde(default)]
    pub claims_redirect_uri: Option<String>,
    /// Where the harness's AS and RS listen. Default: free loopback ports (the client learns
    /// both from the resource URL and the RS's challenge).
    #[serde(default)]
    pub harness_as_listen: Option<String>,
    #[serde(default)]
    pub harness_rs_listen: Option<String>,
    /// How long one run of the client may take. Default 60.
    #[serde(default)]
    pub run_timeout_secs: Option<f64>,
}

/// What `{...}` may name in a client's command line.
pub const CLIENT_PLACEHOLDERS: &[&str] = &[
    "resource_url",
    "state_dir",
    "client_id",
    "client_secret",
    "claims_redirect_uri",
    "claim_token",
    "claim_token_format",
    "scope",
    "as_issuer",
    "exe",
];

/// What `{...}` may name in a resource server's command line.
pub const RS_PLACEHOLDERS: &[&str] = &["as_issuer", "exe"];

/// Refuses a `{name}` the harness would not fill in: a typo would reach the command as is.
fn check_placeholders(section: &str, argv: &[String], known: &[&str]) -> Result<(), String> {
    let placeholder = regex::Regex::new(r"\{([a-z_]+)\}").expect("a valid pattern");
    for arg in argv {
        for c in placeholder.captures_iter(arg) {
            if !known.contains(&&c[1]) {
                return Err(format!(
                    "{section}.command: unknown placeholder {{{}}}; known: {}",
                    &c[1],
                    known.join(", ")
                ));
            }
        }
    }
    Ok(())
}

/// A resource server under test, as the run needs it.
#[derive(Debug, Clone)]
pub struct ResourceServerPlan {
    pub resources: Vec<ProtectedResource>,
    pub command: Vec<String>,
    pub harness_as_listen: SocketAddr,
    /// Whether the file gave `harness_as_listen` (a free port is of no use to a running RS).
    pub harness_as_listen_given: bool,
    pub ready_timeout: Duration,
}

/// A client under test, as the run needs it.
#[derive(Debug, Clone)]
pub struct ClientPlan {
    pub command: Vec<String>,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// `None` for a public client.
    pub auth_method: Option<ClientAuthMethod>,
    pub claims_redirect_uri: Option<String>,
    pub harness_as_listen: SocketAddr,
    pub harness_rs_listen: SocketAddr,
    pub run_timeout: Duration,
}

pub fn resource_server(s: &ResourceServerSection) -> Result<ResourceServerPlan, String> {
    if s.resources.is_empty() {
        return Err("resource_server.resources is empty: name at least one protected URL".into());
    }
    check_placeholders("resource_server", &s.command, RS_PLACEHOLDERS)?;
    let resources = s
        .resources
        .iter()
        .map(|r| {
            http_url("resource_server.resources.url", &r.url)?;
            let method = r.method.clone().unwrap_or_else(|| "GET".into());
            http::Method::from_bytes(method.as_bytes())
                .map_err(|_| format!("resource_server.resources.method: {method:?}"))?;
            Ok(ProtectedResource {
                url: r.url.clone(),
                method: method.to_ascii_uppercase(),
                scopes: r.scopes.clone(),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(ResourceServerPlan {
        resources,
        command: s.command.clone(),
        harness_as_listen: loopback("resource_server.harness_as_listen", &s.harness_as_listen)?,
        harness_as_listen_given: s.harness_as_listen.is_some(),
        ready_timeout: seconds(
            "resource_server.ready_timeout_secs",
            s.ready_timeout_secs.unwrap_or(DEFAULT_READY_SECS),
        )?,
    })
}

pub fn client(s: &ClientUnderTestSection) -> Result<ClientPlan, String> {
    if s.command.is_empty() {
        return Err("client.command is empty".into());
    }
    if s.client_id.is_empty() {
        return Err("client.client_id is empty".into());
    }
    check_placeholders("client", &s.command, CLIENT_PLACEHOLDERS)?;
    match (&s.client_secret, s.auth_method) {
        (Some(secret), _) if secret.is_empty() => {
            return Err("client.client_secret is empty; leave it out for a public client".into());
        }
        (None, Some(_)) => {
            return Err(
                "client.auth_method needs a client_secret (a public client has neither)".into(),
            );
        }
        _ => {}
    }
    if let Some(uri) = &s.claims_redirect_uri {
        let parsed = http_url("client.claims_redirect_uri", uri)?;
        if parsed.host_str() != Some("127.0.0.1") {
            return Err(format!(
                "client.claims_redirect_uri must be a loopback (127.0.0.1) URI, not {uri:?}"
            ));
        }
    }
    Ok(ClientPlan {
        command: s.command.clone(),
        client_id: s.client_id.clone(),
        client_secret: s.client_secret.clone(),
        auth_method: s
            .client_secret
            .as_ref()
            .map(|_| s.auth_method.unwrap_or(ClientAuthMethod::ClientSecretBasic)),
        claims_redirect_uri: s.claims_redirect_uri.clone(),
        harness_as_listen: loopback("client.harness_as_listen", &s.harness_as_listen)?,
        harness_rs_listen: loopback("client.harness_rs_listen", &s.harness_rs_listen)?,
        run_timeout: seconds(
            "client.run_timeout_secs",
            s.run_timeout_secs.unwrap_or(
                crate::harness::roles::client_under_test::DEFAULT_RUN_TIMEOUT.as_secs_f64(),
            ),
        )?,
    })
}

fn http_url(name: &str, value: &str) -> Result<url::Url, String> {
    let parsed = url::Url::parse(value).map_err(|e| format!("{name}: {value:?}: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("{name}: {value:?} is not an http(s) URL"));
    }
    Ok(parsed)
}

/// The harness's servers listen on 127.0.0.1 only.
fn loopback(name: &str, value: &Option<String>) -> Result<SocketAddr, String> {
    let addr: SocketAddr = value
        .as_deref()
        .unwrap_or("127.0.0.1:0")
        .parse()
        .map_err(|e| format!("{name}: {e}"))?;
    if addr.ip() != std::net::IpAddr::from([127, 0, 0, 1]) {
        return Err(format!("{name}: {addr} is not on 127.0.0.1"));
    }
    Ok(addr)
}

fn seconds(name: &str, secs: f64) -> Result<Duration, String> {
    if secs.is_finite() && secs > 0.0 && secs <= 3600.0 {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(format!(
            "{name} must be between 0 and 3600 seconds, not {secs}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resource_server_needs_resources_and_a_way_to_reach_it() {
        let mut s = ResourceServerSection {
            command: vec![],
            harness_as_listen: None,
            ready_timeout_secs: None,
            resources: vec![ResourceSection {
                url: "http://127.0.0.1:8080/r".into(),
                method: None,
                scopes: vec!["view".into()],
            }],
        };
        s.harness_as_listen = Some("127.0.0.1:9400".into());
        let plan = resource_server(&s).unwrap();
        assert_eq!(plan.resources[0].method, "GET");
        s.harness_as_listen = Some("10.0.0.1:9400".into());
        assert!(resource_server(&s).unwrap_err().contains("127.0.0.1"));
        s.harness_as_listen = Some("127.0.0.1:9400".into());
        s.command = vec!["rs".into(), "{as_isuer}".into()];
        assert!(
            resource_server(&s)
                .unwrap_err()
                .contains("unknown placeholder")
        );
        s.command.clear();
        s.resources.clear();
        assert!(resource_server(&s).is_err());
    }

    #[test]
    fn a_client_redirect_uri_must_be_loopback() {
        let s = ClientUnderTestSection {
            command: vec!["c".into()],
            client_id: "c".into(),
            client_secret: None,
            auth_method: None,
            claims_redirect_uri: Some("https://client.example.com/cb".into()),
            harness_as_listen: None,
            harness_rs_listen: None,
            run_timeout_secs: None,
        };
        assert!(client(&s).unwrap_err().contains("loopback"));
        let mut s = ClientUnderTestSection {
            claims_redirect_uri: None,
            ..s
        };
        s.command = vec!["c".into(), "{clientid}".into()];
        assert!(client(&s).unwrap_err().contains("unknown placeholder"));
        s.command = vec!["c".into(), "{client_id}".into()];
        s.auth_method = Some(ClientAuthMethod::ClientSecretPost);
        assert!(client(&s).unwrap_err().contains("needs a client_secret"));
        s.client_secret = Some(String::new());
        assert!(client(&s).unwrap_err().contains("empty"));
        s.client_secret = Some("x".into());
        assert!(client(&s).is_ok());
    }
}
