//! The target description file (TOML): which authorization server to test and how to obtain the
//! tokens the scenarios need. `examples/target.toml` documents every key.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use crate::harness::roles::claim_tokens::{MintRecipe, signing_key};
use crate::harness::roles::policy_admin::PolicyAdmin;
use crate::harness::target::{
    AuthorizationServerTarget, ClaimTokenSource, ClaimsGathering, ClientAuthMethod,
    ClientCredentials, FormPage, Profile, RELAXABLE_CHECKS, RequestingParty, Target, TokenSource,
};
use crate::harness::wire::DriverConfig;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    /// `certification` (default) or `development`.
    #[serde(default)]
    pub profile: Option<String>,
    /// Checks the development profile relaxes to warnings; default: all relaxable checks.
    #[serde(default)]
    pub relax: Option<Vec<String>>,
    #[serde(default)]
    pub concurrency: Option<usize>,
    /// Tolerance, in seconds, when comparing times the target reports with ours. Default 5.
    #[serde(default)]
    pub clock_skew_secs: Option<u64>,
    #[serde(default)]
    pub http: HttpSection,
    /// A file of known failures (see `runner::expected`), relative to the target file.
    #[serde(default)]
    pub expected_failures: Option<String>,
    /// The authorization server under test; without it, the harness plays the AS.
    #[serde(default)]
    pub authorization_server: Option<AuthorizationServerSection>,
    /// The resource server under test.
    #[serde(default)]
    pub resource_server: Option<super::party_config::ResourceServerSection>,
    /// The client under test.
    #[serde(default)]
    pub client: Option<super::party_config::ClientUnderTestSection>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSection {
    pub connect_timeout_secs: Option<f64>,
    pub timeout_secs: Option<f64>,
    pub max_body_bytes: Option<usize>,
    /// PEM files of extra certificate authorities to trust, relative to the target file.
    #[serde(default)]
    pub ca_certificates: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorizationServerSection {
    pub issuer: String,
    #[serde(default)]
    pub profiles: Vec<String>,
    #[serde(default)]
    pub introspection: Option<bool>,
    pub pat: TokenSection,
    #[serde(default)]
    pub second_owner_pat: Option<TokenSection>,
    #[serde(default)]
    pub token_without_protection_scope: Option<TokenSection>,
    #[serde(default)]
    pub uma_client: Option<ClientSection>,
    /// Another confidential UMA client, one the requesting party's identity provider does not
    /// trust.
    #[serde(default)]
    pub second_uma_client: Option<ClientSection>,
    #[serde(default)]
    pub uma_public_client_id: Option<String>,
    /// The requesting party whose claims the client pushes.
    #[serde(default)]
    pub requesting_party: Option<RequestingPartySection>,
    /// Base URL of a reference mock's control API; vendors leave it out.
    #[serde(default)]
    pub control_api: Option<String>,
    /// Endpoints to use when the discovery document lacks them or names them unusably.
    #[serde(default)]
    pub endpoints: EndpointsSection,
    /// A command that performs policy actions at the AS (one JSON action on standard input).
    #[serde(default)]
    pub hook: Option<HookSection>,
    /// How the harness plays the requesting party at the claims interaction endpoint.
    #[serde(default)]
    pub claims_gathering: Option<ClaimsGatheringSection>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimsGatheringSection {
    /// The claims redirect URIs registered for `uma_client`; the first is the one used.
    pub claims_redirect_uris: Vec<String>,
    /// The claims redirect URIs registered for the public client.
    #[serde(default)]
    pub public_client_claims_redirect_uris: Vec<String>,
    /// A redirect URI `uma_client` registered for OAuth flows but not for claims.
    #[serde(default)]
    pub oauth_redirect_uri: Option<String>,
    /// The pages of the interaction, in order, and how to fill each one's form.
    #[serde(default)]
    pub pages: Vec<FormPageSection>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormPageSection {
    /// Field values to enter (other fields keep the values the page gave them).
    #[serde(default)]
    pub fields: std::collections::BTreeMap<String, String>,
    /// The value (or name) of the submit button to press; default: the form's first.
    #[serde(default)]
    pub button: Option<String>,
    /// Which form of the page: the first whose action contains this text; default: the first.
    #[serde(default)]
    pub form_action_contains: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HookSection {
    pub command: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointsSection {
    pub token: Option<String>,
    pub resource_registration: Option<String>,
    pub permission: Option<String>,
    pub introspection: Option<String>,
    pub revocation: Option<String>,
}

impl EndpointsSection {
    fn by_member(&self) -> Result<std::collections::BTreeMap<String, String>, String> {
        let pairs = [
            ("token_endpoint", &self.token),
            (
                "resource_registration_endpoint",
                &self.resource_registration,
            ),
            ("permission_endpoint", &self.permission),
            ("introspection_endpoint", &self.introspection),
            ("revocation_endpoint", &self.revocation),
        ];
        let mut map = std::collections::BTreeMap::new();
        for (member, value) in pairs {
            if let Some(url) = value {
                let parsed = url::Url::parse(url)
                    .map_err(|e| format!("authorization_server.endpoints: {url:?}: {e}"))?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    return Err(format!(
                        "authorization_server.endpoints: {url:?} is not an http(s) URL"
                    ));
                }
                map.insert(member.to_string(), url.clone());
            }
        }
        Ok(map)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSection {
    pub client_id: String,
    pub client_secret: String,
    pub auth_method: Option<ClientAuthMethod>,
    /// Scopes the client is pre-registered for at the AS (Grant 3.3.4 RegisteredScopes).
    #[serde(default)]
    pub registered_scopes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestingPartySection {
    /// The claims a need_claims policy demands of this party.
    #[serde(default)]
    pub claims: serde_json::Map<String, serde_json::Value>,
    pub claim_token: ClaimTokenSection,
}

/// Either a literal token (`format` and `token`) or a `mint` recipe.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimTokenSection {
    pub format: Option<String>,
    pub token: Option<String>,
    pub mint: Option<MintSection>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MintSection {
    /// A PEM private key file, relative to the target file.
    pub key: String,
    pub algorithm: String,
    pub issuer: String,
    pub audience: String,
    pub subject: String,
    #[serde(default)]
    pub claims: serde_json::Map<String, serde_json::Value>,
    pub lifetime_secs: Option<u64>,
    pub format: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenSection {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub auth_method: Option<ClientAuthMethod>,
    pub scope: Option<String>,
    /// A ready-made token instead of client credentials.
    pub token: Option<String>,
}

fn claims_gathering(section: &ClaimsGatheringSection) -> Result<ClaimsGathering, String> {
    let absolute = |name: &str, uri: &str| {
        crate::harness::roles::uri::absolute_uri(uri)
            .map(|_| uri.to_string())
            .map_err(|e| format!("authorization_server.claims_gathering.{name}: {e}"))
    };
    if section.claims_redirect_uris.is_empty() {
        return Err("authorization_server.claims_gathering.claims_redirect_uris is empty".into());
    }
    Ok(ClaimsGathering {
        claims_redirect_uris: section
            .claims_redirect_uris
            .iter()
            .map(|u| absolute("claims_redirect_uris", u))
            .collect::<Result<_, _>>()?,
        public_client_claims_redirect_uris: section
            .public_client_claims_redirect_uris
            .iter()
            .map(|u| absolute("public_client_claims_redirect_uris", u))
            .collect::<Result<_, _>>()?,
        oauth_redirect_uri: section
            .oauth_redirect_uri
            .as_deref()
            .map(|u| absolute("oauth_redirect_uri", u))
            .transpose()?,
        pages: section
            .pages
            .iter()
            .map(|p| FormPage {
                fields: p.fields.clone().into_iter().collect(),
                button: p.button.clone(),
                form_action_contains: p.form_action_contains.clone(),
            })
            .collect(),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// What a target file yields: the target, the driver's settings, and the concurrency.
#[derive(Debug, Clone)]
pub struct LoadedTarget {
    pub target: Target,
    pub driver: DriverConfig,
    pub concurrency: Option<usize>,
    /// The failures the target declares as known.
    pub expected_failures: Vec<crate::runner::expected::Entry>,
}

/// Where the files a target file names (CA certificates, keys) are found.
#[derive(Debug, Clone, Copy)]
pub enum Files<'a> {
    /// On disk, relative to this folder (the target file's), or to the working directory.
    Disk(Option<&'a Path>),
    /// Inside the binary: the built-in target names the embedded mock fixtures, so that an
    /// installed binary works from any folder.
    Embedded(&'a include_dir::Dir<'a>),
}

impl Files<'_> {
    fn read(&self, name: &str) -> Result<Vec<u8>, String> {
        match self {
            Files::Disk(base) => {
                let path = base.map(|b| b.join(name)).unwrap_or_else(|| name.into());
                std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
            }
            Files::Embedded(dir) => dir
                .get_file(name)
                .map(|f| f.contents().to_vec())
                .ok_or_else(|| format!("{name}: not among the embedded files")),
        }
    }
}

/// Everything a target file asks for: the parties it brings (the harness plays the others) and
/// the settings every leg of the run shares.
#[derive(Debug, Clone)]
pub struct TargetPlan {
    /// The AS under test, with the settings of the whole file.
    pub authorization_server: Option<LoadedTarget>,
    pub resource_server: Option<super::party_config::ResourceServerPlan>,
    pub client: Option<super::party_config::ClientPlan>,
    /// The file's HTTP settings, for the legs where the harness plays the AS.
    pub driver: DriverConfig,
    pub concurrency: Option<usize>,
    pub expected_failures: Vec<crate::runner::expected::Entry>,
}

pub fn load(path: &Path) -> Result<TargetPlan, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    parse_plan(
        &text,
        Files::Disk(path.parent()),
        &path.display().to_string(),
    )
}

/// Parses a target file that describes an AS; `base` resolves relative file names inside it.
pub fn parse(text: &str, base: Option<&Path>, origin: &str) -> Result<LoadedTarget, ConfigError> {
    parse_with(text, Files::Disk(base), origin)
}

/// Parses a target file that describes an AS, whose relative file names `files` resolves.
pub fn parse_with(text: &str, files: Files<'_>, origin: &str) -> Result<LoadedTarget, ConfigError> {
    parse_plan(text, files, origin)?
        .authorization_server
        .ok_or_else(|| ConfigError::Invalid {
            path: origin.to_string(),
            message: "the file has no [authorization_server] section".into(),
        })
}

/// Parses a target file of any kind.
pub fn parse_plan(text: &str, files: Files<'_>, origin: &str) -> Result<TargetPlan, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid {
        path: origin.to_string(),
        message,
    };
    let file: TargetFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
    if file.authorization_server.is_none()
        && file.resource_server.is_none()
        && file.client.is_none()
    {
        return Err(invalid(
            "the file names no party to test: give [authorization_server], [resource_server] or [client]"
                .into(),
        ));
    }
    let resource_server = file
        .resource_server
        .as_ref()
        .map(super::party_config::resource_server)
        .transpose()
        .map_err(&invalid)?;
    let client = file
        .client
        .as_ref()
        .map(super::party_config::client)
        .transpose()
        .map_err(&invalid)?;
    if let Some(rs) = &resource_server {
        if file.authorization_server.is_none()
            && rs.command.is_empty()
            && !rs.harness_as_listen_given
        {
            return Err(invalid(
                "resource_server: give a command to start the RS, or harness_as_listen (the address of the harness's AS, which the running RS trusts)"
                    .into(),
            ));
        }
    }
    let (profile, driver, expected_failures) = shared_settings(&file, files, &invalid)?;
    let Some(as_) = file.authorization_server else {
        return Ok(TargetPlan {
            authorization_server: None,
            resource_server,
            client,
            driver,
            concurrency: file.concurrency,
            expected_failures,
        });
    };
    let issuer_url = url::Url::parse(&as_.issuer)
        .map_err(|e| invalid(format!("authorization_server.issuer: {e}")))?;
    if !matches!(issuer_url.scheme(), "http" | "https") {
        return Err(invalid(
            "authorization_server.issuer must be an http(s) URL".into(),
        ));
    }
    let token = |name: &str, section: &TokenSection| token_source(name, section).map_err(&invalid);
    let target = Target {
        authorization_server: AuthorizationServerTarget {
            issuer: as_.issuer.clone(),
            profiles: as_.profiles,
            introspection: as_.introspection,
            pat: token("authorization_server.pat", &as_.pat)?,
            second_owner_pat: as_
                .second_owner_pat
                .as_ref()
                .map(|s| token("authorization_server.second_owner_pat", s))
                .transpose()?,
            token_without_protection_scope: as_
                .token_without_protection_scope
                .as_ref()
                .map(|s| token("authorization_server.token_without_protection_scope", s))
                .transpose()?,
            uma_client: as_.uma_client.as_ref().map(client_credentials),
            second_uma_client: as_.second_uma_client.as_ref().map(client_credentials),
            requesting_party: as_
                .requesting_party
                .as_ref()
                .map(|p| requesting_party(p, files))
                .transpose()
                .map_err(|m| invalid(format!("authorization_server.requesting_party: {m}")))?,
            uma_public_client_id: as_.uma_public_client_id.clone(),
            control_api: as_.control_api.clone(),
            endpoint_fallbacks: as_.endpoints.by_member().map_err(&invalid)?,
            policy_admin: match (&as_.hook, &as_.control_api) {
                (Some(hook), _) if hook.command.is_empty() => {
                    return Err(invalid("authorization_server.hook.command is empty".into()));
                }
                (Some(hook), _) => Some(PolicyAdmin::Command(hook.command.clone())),
                (None, Some(control)) => Some(PolicyAdmin::ControlApi(control.clone())),
                (None, None) => None,
            },
            claims_gathering: as_
                .claims_gathering
                .as_ref()
                .map(claims_gathering)
                .transpose()
                .map_err(&invalid)?,
        },
        profile,
        clock_skew: Duration::from_secs(file.clock_skew_secs.unwrap_or(5)),
        allow_slow: false,
        resource_server: None,
        client: None,
    };
    Ok(TargetPlan {
        authorization_server: Some(LoadedTarget {
            target,
            driver: driver.clone(),
            concurrency: file.concurrency,
            expected_failures: expected_failures.clone(),
        }),
        resource_server,
        client,
        driver,
        concurrency: file.concurrency,
        expected_failures,
    })
}

type Shared = (Profile, DriverConfig, Vec<crate::runner::expected::Entry>);

/// The settings of a file that apply to every leg: profile, HTTP, known failures.
fn shared_settings(
    file: &TargetFile,
    files: Files<'_>,
    invalid: &dyn Fn(String) -> ConfigError,
) -> Result<Shared, ConfigError> {
    let profile = match file.profile.as_deref().unwrap_or("certification") {
        "certification" => {
            if file.relax.as_ref().is_some_and(|r| !r.is_empty()) {
                return Err(invalid(
                    "relax is only allowed with profile = \"development\"".into(),
                ));
            }
            Profile::certification()
        }
        "development" => {
            let relaxed: BTreeSet<String> = match file.relax.clone() {
                Some(list) => list.into_iter().collect(),
                None => RELAXABLE_CHECKS
                    .iter()
                    .map(|(n, _)| n.to_string())
                    .collect(),
            };
            for name in &relaxed {
                if !RELAXABLE_CHECKS.iter().any(|(n, _)| n == name) {
                    let known: Vec<&str> = RELAXABLE_CHECKS.iter().map(|(n, _)| *n).collect();
                    return Err(invalid(format!(
                        "relax: unknown check {name:?}; known: {known:?}"
                    )));
                }
            }
            Profile {
                name: "development".into(),
                relaxed,
            }
        }
        other => {
            return Err(invalid(format!(
                "profile must be \"certification\" or \"development\", not {other:?}"
            )));
        }
    };
    let mut driver = DriverConfig::default();
    if let Some(secs) = file.http.connect_timeout_secs {
        driver.connect_timeout = positive_duration(secs)
            .map_err(|m| invalid(format!("http.connect_timeout_secs {m}")))?;
    }
    if let Some(secs) = file.http.timeout_secs {
        driver.total_timeout =
            positive_duration(secs).map_err(|m| invalid(format!("http.timeout_secs {m}")))?;
    }
    if let Some(max) = file.http.max_body_bytes {
        if max == 0 {
            return Err(invalid("http.max_body_bytes must be positive".into()));
        }
        driver.max_body_bytes = max;
    }
    for ca in &file.http.ca_certificates {
        let pem = files
            .read(ca)
            .map_err(|e| invalid(format!("http.ca_certificates: {e}")))?;
        if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
            return Err(invalid(format!(
                "http.ca_certificates: {ca} holds no PEM certificate"
            )));
        }
        driver.extra_roots_pem.push(pem);
    }
    if file.concurrency == Some(0) {
        return Err(invalid("concurrency must be at least 1".into()));
    }
    let expected_failures = match &file.expected_failures {
        None => Vec::new(),
        Some(name) => {
            let bytes = files.read(name).map_err(&invalid)?;
            let text = String::from_utf8(bytes)
                .map_err(|_| invalid(format!("expected_failures: {name} is not UTF-8")))?;
            crate::runner::expected::parse(&text, crate::spec::requirements::Catalogue::embedded())
                .map_err(|e| invalid(format!("expected_failures: {name}: {e}")))?
        }
    };
    Ok((profile, driver, expected_failures))
}

fn positive_duration(secs: f64) -> Result<Duration, String> {
    if secs.is_finite() && secs > 0.0 && secs <= 3600.0 {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(format!("must be between 0 and 3600 seconds, not {secs}"))
    }
}

fn client_credentials(c: &ClientSection) -> ClientCredentials {
    ClientCredentials {
        client_id: c.client_id.clone(),
        client_secret: c.client_secret.clone(),
        auth_method: c.auth_method.unwrap_or(ClientAuthMethod::ClientSecretBasic),
        registered_scopes: c.registered_scopes.clone(),
    }
}

/// A lifetime long enough for one token request, short enough that a leaked token soon dies.
const DEFAULT_CLAIM_TOKEN_LIFETIME_SECS: u64 = 300;

fn requesting_party(
    s: &RequestingPartySection,
    files: Files<'_>,
) -> Result<RequestingParty, String> {
    let t = &s.claim_token;
    let claim_token = match (&t.format, &t.token, &t.mint) {
        (Some(format), Some(token), None) if !format.is_empty() && !token.is_empty() => {
            ClaimTokenSource::Literal {
                format: format.clone(),
                token: token.clone(),
            }
        }
        (None, None, Some(m)) => {
            let pem = files
                .read(&m.key)
                .map_err(|e| format!("claim_token.mint.key: {e}"))?;
            let (algorithm, key) =
                signing_key(&m.algorithm, &pem).map_err(|e| format!("claim_token.mint: {e}"))?;
            let lifetime_secs = m.lifetime_secs.unwrap_or(DEFAULT_CLAIM_TOKEN_LIFETIME_SECS);
            if lifetime_secs == 0 || m.format.is_empty() || m.subject.is_empty() {
                return Err(
                    "claim_token.mint needs a positive lifetime_secs, a format and a subject"
                        .into(),
                );
            }
            ClaimTokenSource::Minted(MintRecipe {
                key,
                algorithm,
                issuer: m.issuer.clone(),
                audience: m.audience.clone(),
                subject: m.subject.clone(),
                claims: m.claims.clone(),
                lifetime_secs,
                format: m.format.clone(),
            })
        }
        _ => {
            return Err(
                "claim_token: give either format and token, or a [claim_token.mint] table".into(),
            );
        }
    };
    Ok(RequestingParty {
        claims: s.claims.clone(),
        claim_token,
    })
}

fn token_source(name: &str, s: &TokenSection) -> Result<TokenSource, String> {
    match (&s.token, &s.client_id, &s.client_secret) {
        (Some(token), None, None) => Ok(TokenSource::Static {
            token: token.clone(),
        }),
        (None, Some(client_id), Some(client_secret)) => Ok(TokenSource::ClientCredentials {
            client_id: client_id.clone(),
            client_secret: client_secret.clone(),
            auth_method: s.auth_method.unwrap_or(ClientAuthMethod::ClientSecretBasic),
            scope: s.scope.clone().unwrap_or_else(|| "uma_protection".into()),
        }),
        _ => Err(format!(
            "{name}: give either token, or client_id and client_secret"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
        [authorization_server]
        issuer = "https://as.example.com/realms/x"
        [authorization_server.pat]
        client_id = "rs"
        client_secret = "secret"
    "#;

    #[test]
    fn minimal_file_defaults() {
        let loaded = parse(MINIMAL, None, "t.toml").unwrap();
        assert_eq!(loaded.target.profile.name, "certification");
        assert!(
            loaded
                .target
                .authorization_server
                .second_owner_pat
                .is_none()
        );
        assert_eq!(loaded.driver.max_body_bytes, 1024 * 1024);
        match loaded.target.authorization_server.pat {
            TokenSource::ClientCredentials {
                auth_method, scope, ..
            } => {
                assert_eq!(auth_method, ClientAuthMethod::ClientSecretBasic);
                assert_eq!(scope, "uma_protection");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn rejects_unknown_keys_and_half_credentials() {
        assert!(parse(&format!("{MINIMAL}\nbogus = 1\n"), None, "t").is_err());
        let half = MINIMAL.replace("client_secret = \"secret\"", "");
        assert!(parse(&half, None, "t").is_err());
        let both = MINIMAL.replace(
            "client_secret = \"secret\"",
            "client_secret = \"s\"\ntoken = \"t\"",
        );
        assert!(parse(&both, None, "t").is_err());
    }

    #[test]
    fn expected_failures_are_read_relative_to_the_target_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("known.toml"),
            "[[failure]]\nrequirement = \"FED-3.2.1-a\"\nreason = \"resourceId\"\n",
        )
        .unwrap();
        let text = format!("expected_failures = \"known.toml\"\n{MINIMAL}");
        let loaded = parse(&text, Some(dir.path()), "t").unwrap();
        assert_eq!(loaded.expected_failures.len(), 1);
        let broken = format!("expected_failures = \"missing.toml\"\n{MINIMAL}");
        assert!(parse(&broken, Some(dir.path()), "t").is_err());
    }

    #[test]
    fn development_profile_relaxes_https_by_default() {
        let text = format!("profile = \"development\"\n{MINIMAL}");
        let loaded = parse(&text, None, "t").unwrap();
        assert!(loaded.target.profile.relaxes("https"));
        let text = format!("profile = \"development\"\nrelax = [\"nonsense\"]\n{MINIMAL}");
        assert!(parse(&text, None, "t").is_err());
        let text = format!("relax = [\"https\"]\n{MINIMAL}");
        assert!(parse(&text, None, "t").is_err());
    }

    const CAROL: &str = r#"
        [authorization_server.requesting_party]
        claims = { email = "carol@example.test" }
        [authorization_server.requesting_party.claim_token.mint]
        key = "authorization-server/keys/idp-test-private.pem"
        algorithm = "RS256"
        issuer = "https://idp.example.test"
        audience = "{client_id}"
        subject = "carol"
        claims = { email = "carol@example.test", roles = ["doctor"] }
        format = "urn:ietf:params:oauth:token-type:jwt"
    "#;

    #[test]
    fn a_minted_requesting_party_reads_its_key_from_the_files_given() {
        let text = format!("{MINIMAL}\n{CAROL}");
        let embedded = Files::Embedded(&crate::spec::assets::MOCKS);
        let loaded = parse_with(&text, embedded, "t").unwrap();
        let party = loaded.target.authorization_server.requesting_party.unwrap();
        assert_eq!(party.claims["email"], "carol@example.test");
        assert!(party.known_values().contains(&"doctor".to_string()));
        match party.claim_token {
            ClaimTokenSource::Minted(recipe) => assert_eq!(recipe.lifetime_secs, 300),
            other => panic!("unexpected {other:?}"),
        }
        let on_disk = Path::new(env!("CARGO_MANIFEST_DIR")).join("mocks");
        assert!(parse(&text, Some(&on_disk), "t").is_ok());
        let err = parse(&text, Some(Path::new("/nonexistent")), "t").unwrap_err();
        assert!(err.to_string().contains("claim_token.mint.key"), "{err}");
        let wrong = text.replace("RS256", "ES256");
        assert!(parse_with(&wrong, embedded, "t").is_err());
    }

    #[test]
    fn a_claim_token_is_literal_or_minted_never_both() {
        let literal = format!(
            "{MINIMAL}\n[authorization_server.requesting_party.claim_token]\nformat = \"f\"\ntoken = \"t0k3n\"\n"
        );
        let loaded = parse(&literal, None, "t").unwrap();
        assert!(loaded.target.secrets().contains(&"t0k3n".to_string()));
        let half = literal.replace("token = \"t0k3n\"", "");
        assert!(parse(&half, None, "t").is_err());
        let both = format!("{literal}[authorization_server.requesting_party.claim_token.mint]\n");
        assert!(parse(&both, None, "t").is_err());
    }
}
