//! The data the mock starts from: resource owners, OAuth clients, server settings and the owners'
//! access policies, read from the JSON files of `mocks/authorization-server/` (embedded, or a
//! folder on disk). The file format is
//! documented in `mocks/README.md`; this module only parses and validates it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::core::scope::is_scope_token;
use super::error::MockError;
use crate::spec::assets::MOCKS;

const OWNERS_FILE: &str = "resource-owners.json";
const CLIENTS_FILE: &str = "clients.json";
const SERVER_FILE: &str = "server.json";
const POLICIES_FILE: &str = "policies.json";
const EMBEDDED_FOLDER: &str = "authorization-server";

/// Token endpoint authentication methods the mock implements (RFC 6749 2.3.1 and their RFC 7591
/// names).
pub(crate) const AUTH_METHODS: [&str; 2] = ["client_secret_basic", "client_secret_post"];

/// The longest lifetime a fixture may give anything: lifetimes are added to the clock, and an
/// absurd one would overflow.
const TEN_YEARS: u64 = 10 * 365 * 24 * 3600;

/// A resource owner: the user or organisation whose resources the resource servers register.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ResourceOwnerFixture {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// What the owner types into the login form of the authorization endpoint; an owner without
    /// one cannot log in.
    #[serde(default)]
    pub password: Option<String>,
}

/// An OAuth client registered at the mock. A client with a `resource_owner` acts as a resource
/// server for that owner: a token it obtains by client credentials is that owner's PAT.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ClientFixture {
    pub client_id: String,
    pub client_secret: String,
    #[serde(default)]
    pub resource_owner: Option<String>,
    pub token_endpoint_auth_methods: Vec<String>,
    pub grant_types: Vec<String>,
    /// Where the authorization endpoint may send the user agent back (RFC 6749 3.1.2); required
    /// for the authorization code grant.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    pub scopes: Vec<String>,
}

/// Settings of the server itself.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ServerFixture {
    pub uma_profiles_supported: Vec<String>,
    pub access_token_lifetime_secs: u64,
    pub permission_ticket_lifetime_secs: u64,
    /// Lifetime of RPTs (`expires_in`, token-level `exp` in introspection).
    #[serde(default = "default_rpt_lifetime")]
    pub rpt_lifetime_secs: u64,
    /// Lifetime of each permission in an RPT (permission-level `exp`). Shorter than the RPT's by
    /// default, so that a resource server has to apply the earlier of the two (FedAuthz 5.1.1).
    #[serde(default = "default_permission_lifetime")]
    pub permission_lifetime_secs: u64,
    /// Lifetime of authorization codes (RFC 6749 4.1.2 recommends at most ten minutes).
    #[serde(default = "default_code_lifetime")]
    pub authorization_code_lifetime_secs: u64,
}

fn default_rpt_lifetime() -> u64 {
    300
}

fn default_permission_lifetime() -> u64 {
    240
}

fn default_code_lifetime() -> u64 {
    60
}

/// One resource owner's access policy: rules deciding which clients get which of the owner's
/// resources. An owner without a policy grants nothing (Grant 5.6: default deny).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PolicyFixture {
    pub resource_owner: String,
    pub rules: Vec<RuleFixture>,
}

/// One rule of a policy, by `kind`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RuleFixture {
    /// The listed clients get exactly the permissions they asked for.
    GrantRequested { clients: Vec<String> },
}

impl RuleFixture {
    /// The clients a rule names.
    pub fn clients(&self) -> &[String] {
        match self {
            RuleFixture::GrantRequested { clients } => clients,
        }
    }
}

/// A validated fixture set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixtures {
    resource_owners: Vec<ResourceOwnerFixture>,
    clients: Vec<ClientFixture>,
    server: ServerFixture,
    policies: Vec<PolicyFixture>,
}

impl Fixtures {
    /// The fixture set compiled into the binary (`mocks/authorization-server/`).
    pub fn embedded() -> Result<Fixtures, MockError> {
        let read = |name: &str| -> Result<(String, String), MockError> {
            let path = format!("{EMBEDDED_FOLDER}/{name}");
            let file = MOCKS
                .get_file(&path)
                .ok_or_else(|| MockError::fixtures(&path, "not embedded in the binary"))?;
            let text = file
                .contents_utf8()
                .ok_or_else(|| MockError::fixtures(&path, "not UTF-8"))?;
            Ok((path, text.to_string()))
        };
        Self::parse(
            read(OWNERS_FILE)?,
            read(CLIENTS_FILE)?,
            read(SERVER_FILE)?,
            read(POLICIES_FILE)?,
        )
    }

    /// A fixture set from a folder on disk holding the same four files as
    /// `mocks/authorization-server/`. The `mocks/` folder itself is accepted too, for convenience.
    pub fn from_dir(dir: &Path) -> Result<Fixtures, MockError> {
        let folder = resolve_folder(dir);
        let read = |name: &str| -> Result<(String, String), MockError> {
            let path = folder.join(name);
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(&path)
                .map_err(|err| MockError::fixtures(&shown, err.to_string()))?;
            Ok((shown, text))
        };
        Self::parse(
            read(OWNERS_FILE)?,
            read(CLIENTS_FILE)?,
            read(SERVER_FILE)?,
            read(POLICIES_FILE)?,
        )
    }

    pub fn resource_owners(&self) -> &[ResourceOwnerFixture] {
        &self.resource_owners
    }

    pub fn clients(&self) -> &[ClientFixture] {
        &self.clients
    }

    pub fn server(&self) -> &ServerFixture {
        &self.server
    }

    pub fn policies(&self) -> &[PolicyFixture] {
        &self.policies
    }

    fn parse(
        owners: (String, String),
        clients: (String, String),
        server: (String, String),
        policies: (String, String),
    ) -> Result<Fixtures, MockError> {
        let fixtures = Fixtures {
            resource_owners: parse_json(&owners)?,
            clients: parse_json(&clients)?,
            server: parse_json(&server)?,
            policies: parse_json(&policies)?,
        };
        validate_owners(&owners.0, &fixtures.resource_owners)?;
        validate_clients(&clients.0, &fixtures.clients, &fixtures.resource_owners)?;
        validate_server(&server.0, &fixtures.server)?;
        validate_policies(
            &policies.0,
            &fixtures.policies,
            &fixtures.resource_owners,
            &fixtures.clients,
        )?;
        Ok(fixtures)
    }
}

fn resolve_folder(dir: &Path) -> PathBuf {
    let nested = dir.join(EMBEDDED_FOLDER);
    if !dir.join(CLIENTS_FILE).exists() && nested.join(CLIENTS_FILE).exists() {
        nested
    } else {
        dir.to_path_buf()
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(
    (file, text): &(String, String),
) -> Result<T, MockError> {
    serde_json::from_str(text).map_err(|err| MockError::fixtures(file, err.to_string()))
}

fn validate_owners(file: &str, owners: &[ResourceOwnerFixture]) -> Result<(), MockError> {
    let mut seen = HashSet::new();
    for owner in owners {
        if owner.id.is_empty() {
            return Err(MockError::fixtures(
                file,
                "a resource owner has an empty id",
            ));
        }
        if !seen.insert(owner.id.as_str()) {
            return Err(MockError::fixtures(
                file,
                format!("resource owner {:?} is listed twice", owner.id),
            ));
        }
        if owner.password.as_deref() == Some("") {
            return Err(MockError::fixtures(
                file,
                format!("resource owner {:?} has an empty password", owner.id),
            ));
        }
    }
    Ok(())
}

fn validate_clients(
    file: &str,
    clients: &[ClientFixture],
    owners: &[ResourceOwnerFixture],
) -> Result<(), MockError> {
    let mut seen = HashSet::new();
    for client in clients {
        let id = &client.client_id;
        let fail = |reason: String| {
            Err(MockError::fixtures(
                file,
                format!("client {id:?}: {reason}"),
            ))
        };
        if id.is_empty() {
            return Err(MockError::fixtures(file, "a client has an empty client_id"));
        }
        if !seen.insert(id.as_str()) {
            return fail("listed twice".into());
        }
        if client.client_secret.is_empty() {
            return fail("empty client_secret".into());
        }
        if let Some(owner) = &client.resource_owner {
            if !owners.iter().any(|o| &o.id == owner) {
                return fail(format!("unknown resource_owner {owner:?}"));
            }
        }
        if client.token_endpoint_auth_methods.is_empty() {
            return fail("token_endpoint_auth_methods is empty".into());
        }
        if let Some(method) = client
            .token_endpoint_auth_methods
            .iter()
            .find(|m| !AUTH_METHODS.contains(&m.as_str()))
        {
            return fail(format!(
                "unsupported auth method {method:?} (supported: {})",
                AUTH_METHODS.join(", ")
            ));
        }
        if client.grant_types.iter().any(String::is_empty) {
            return fail("empty grant type".into());
        }
        // A client-credentials token stands for the client's resource owner; without one it
        // would be a PAT for nobody.
        if client.grant_types.iter().any(|g| g == "client_credentials")
            && client.resource_owner.is_none()
        {
            return fail("client_credentials needs a resource_owner".into());
        }
        if let Some(scope) = client.scopes.iter().find(|s| !is_scope_token(s)) {
            return fail(format!("{scope:?} is not an RFC 6749 scope token"));
        }
        if let Some(uri) = client.redirect_uris.iter().find(|u| !is_redirect_uri(u)) {
            return fail(format!(
                "redirect URI {uri:?} is not an absolute URI without a fragment"
            ));
        }
        // The authorization endpoint redirects only to registered URIs (RFC 6749 3.1.2.2).
        if client.grant_types.iter().any(|g| g == "authorization_code")
            && client.redirect_uris.is_empty()
        {
            return fail("authorization_code needs at least one redirect_uri".into());
        }
    }
    Ok(())
}

/// RFC 6749 3.1.2: an absolute URI with no fragment.
fn is_redirect_uri(uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|u| u.fragment().is_none() && !u.cannot_be_a_base())
}

fn validate_policies(
    file: &str,
    policies: &[PolicyFixture],
    owners: &[ResourceOwnerFixture],
    clients: &[ClientFixture],
) -> Result<(), MockError> {
    let mut seen = HashSet::new();
    for policy in policies {
        let owner = &policy.resource_owner;
        let fail = |reason: String| {
            Err(MockError::fixtures(
                file,
                format!("policy of {owner:?}: {reason}"),
            ))
        };
        if !owners.iter().any(|o| &o.id == owner) {
            return fail("unknown resource_owner".into());
        }
        if !seen.insert(owner.as_str()) {
            return fail("listed twice; put every rule of one owner in one policy".into());
        }
        for rule in &policy.rules {
            // A misspelt client would silently be denied everything.
            if let Some(unknown) = rule
                .clients()
                .iter()
                .find(|n| !clients.iter().any(|c| &c.client_id == *n))
            {
                return fail(format!("unknown client {unknown:?}"));
            }
        }
    }
    Ok(())
}

fn validate_server(file: &str, server: &ServerFixture) -> Result<(), MockError> {
    if let Some(profile) = server
        .uma_profiles_supported
        .iter()
        .find(|p| url::Url::parse(p).is_err())
    {
        return Err(MockError::fixtures(
            file,
            format!("uma_profiles_supported entry {profile:?} is not an absolute URI"),
        ));
    }
    // A zero lifetime would issue things that are born dead.
    for (name, value) in [
        (
            "access_token_lifetime_secs",
            server.access_token_lifetime_secs,
        ),
        (
            "permission_ticket_lifetime_secs",
            server.permission_ticket_lifetime_secs,
        ),
        ("rpt_lifetime_secs", server.rpt_lifetime_secs),
        ("permission_lifetime_secs", server.permission_lifetime_secs),
        (
            "authorization_code_lifetime_secs",
            server.authorization_code_lifetime_secs,
        ),
    ] {
        if value == 0 || value > TEN_YEARS {
            return Err(MockError::fixtures(
                file,
                format!("{name} must be between 1 and {TEN_YEARS}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_fixtures_hold_the_documented_values() {
        let fixtures = Fixtures::embedded().unwrap();
        let ids: Vec<_> = fixtures
            .resource_owners()
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        assert_eq!(ids, ["alice", "bob"]);
        let alice = &fixtures.clients()[0];
        assert_eq!(alice.client_id, "rs-alice");
        assert_eq!(alice.client_secret, "rs-alice-secret");
        assert_eq!(alice.resource_owner.as_deref(), Some("alice"));
        assert_eq!(alice.scopes, ["uma_protection", "profile"]);
        assert_eq!(alice.redirect_uris, ["http://127.0.0.1:9/callback"]);
        assert_eq!(fixtures.clients()[1].client_id, "rs-bob");
        let uma = &fixtures.clients()[2];
        assert_eq!(uma.client_id, "uma-client");
        assert_eq!(uma.client_secret, "uma-client-secret");
        assert_eq!(
            uma.grant_types,
            ["urn:ietf:params:oauth:grant-type:uma-ticket"]
        );
        assert_eq!(
            fixtures.resource_owners()[0].password.as_deref(),
            Some("alice-password")
        );
        let server = fixtures.server();
        assert_eq!(
            server.uma_profiles_supported,
            ["urn:uma-conformance:extension:mock-control-api"]
        );
        assert_eq!(
            (server.rpt_lifetime_secs, server.permission_lifetime_secs),
            (300, 240)
        );
        let owners: Vec<_> = fixtures
            .policies()
            .iter()
            .map(|p| p.resource_owner.as_str())
            .collect();
        assert_eq!(owners, ["alice", "bob"]);
        assert_eq!(fixtures.policies()[0].rules[0].clients(), ["uma-client"]);
    }

    fn write(dir: &Path, owners: &str, clients: &str, server: &str) {
        write_all(dir, owners, clients, server, "[]");
    }

    fn write_all(dir: &Path, owners: &str, clients: &str, server: &str, policies: &str) {
        std::fs::write(dir.join(OWNERS_FILE), owners).unwrap();
        std::fs::write(dir.join(CLIENTS_FILE), clients).unwrap();
        std::fs::write(dir.join(SERVER_FILE), server).unwrap();
        std::fs::write(dir.join(POLICIES_FILE), policies).unwrap();
    }

    const SERVER: &str = r#"{"uma_profiles_supported":[],"access_token_lifetime_secs":60,"permission_ticket_lifetime_secs":60}"#;

    #[test]
    fn from_dir_reads_a_folder_and_its_parent() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join(EMBEDDED_FOLDER);
        std::fs::create_dir(&nested).unwrap();
        write(&nested, r#"[{"id":"carol"}]"#, "[]", SERVER);
        let direct = Fixtures::from_dir(&nested).unwrap();
        let parent = Fixtures::from_dir(dir.path()).unwrap();
        assert_eq!(direct, parent);
        assert_eq!(direct.resource_owners()[0].id, "carol");
        // Lifetimes added later have defaults, so older server.json files still load.
        assert_eq!(direct.server().authorization_code_lifetime_secs, 60);
    }

    #[test]
    fn rejects_inconsistent_fixtures() {
        let dir = tempfile::tempdir().unwrap();
        let client = |owner: &str, grant: &str, method: &str| {
            format!(
                r#"[{{"client_id":"c","client_secret":"s",{owner}"token_endpoint_auth_methods":["{method}"],"grant_types":["{grant}"],"scopes":["x"]}}]"#
            )
        };
        let cases = [
            client(
                r#""resource_owner":"nobody","#,
                "client_credentials",
                "client_secret_post",
            ),
            client("", "client_credentials", "client_secret_post"),
            client(
                r#""resource_owner":"alice","#,
                "client_credentials",
                "private_key_jwt",
            ),
            // The authorization code grant without a redirect URI.
            client("", "authorization_code", "client_secret_post"),
            client(
                r#""redirect_uris":["http://x/cb#frag"],"#,
                "authorization_code",
                "client_secret_post",
            ),
            client(
                r#""redirect_uris":["/relative"],"#,
                "authorization_code",
                "client_secret_post",
            ),
        ];
        for clients in cases {
            write(dir.path(), r#"[{"id":"alice"}]"#, &clients, SERVER);
            let err = Fixtures::from_dir(dir.path()).unwrap_err();
            assert!(
                matches!(err, MockError::Fixtures { .. }),
                "{clients}: {err}"
            );
        }
        write(dir.path(), r#"[{"id":"a"},{"id":"a"}]"#, "[]", SERVER);
        assert!(Fixtures::from_dir(dir.path()).is_err());
        write(
            dir.path(),
            "[]",
            "[]",
            r#"{"uma_profiles_supported":["not a uri"],"access_token_lifetime_secs":1,"permission_ticket_lifetime_secs":1}"#,
        );
        assert!(Fixtures::from_dir(dir.path()).is_err());
        write(
            dir.path(),
            "[]",
            "[]",
            r#"{"uma_profiles_supported":[],"access_token_lifetime_secs":0,"permission_ticket_lifetime_secs":1}"#,
        );
        assert!(Fixtures::from_dir(dir.path()).is_err());
        write(
            dir.path(),
            "[]",
            "[]",
            r#"{"uma_profiles_supported":[],"access_token_lifetime_secs":1,"permission_ticket_lifetime_secs":1,"rpt_lifetime_secs":0}"#,
        );
        assert!(Fixtures::from_dir(dir.path()).is_err());
        write(dir.path(), r#"[{"id":"a","password":""}]"#, "[]", SERVER);
        assert!(Fixtures::from_dir(dir.path()).is_err());
    }

    #[test]
    fn rejects_inconsistent_policies() {
        let dir = tempfile::tempdir().unwrap();
        let owners = r#"[{"id":"alice"}]"#;
        let clients = r#"[{"client_id":"app","client_secret":"s","token_endpoint_auth_methods":["client_secret_post"],"grant_types":[],"scopes":[]}]"#;
        let rule = |clients: &str| format!(r#"{{"kind":"grant_requested","clients":[{clients}]}}"#);
        let good = format!(
            r#"[{{"resource_owner":"alice","rules":[{}]}}]"#,
            rule(r#""app""#)
        );
        write_all(dir.path(), owners, clients, SERVER, &good);
        let fixtures = Fixtures::from_dir(dir.path()).unwrap();
        assert_eq!(fixtures.policies()[0].rules[0].clients(), ["app"]);
        for bad in [
            r#"[{"resource_owner":"nobody","rules":[]}]"#.to_string(),
            format!(r#"[{{"resource_owner":"alice","rules":[{}]}}]"#, rule(r#""ghost""#)),
            r#"[{"resource_owner":"alice","rules":[]},{"resource_owner":"alice","rules":[]}]"#
                .to_string(),
            r#"[{"resource_owner":"alice","rules":[{"kind":"grant_everything","clients":[]}]}]"#
                .to_string(),
            r#"[{"resource_owner":"alice","rules":[{"kind":"grant_requested","clients":[],"x":1}]}]"#
                .to_string(),
        ] {
            write_all(dir.path(), owners, clients, SERVER, &bad);
            let err = Fixtures::from_dir(dir.path()).unwrap_err();
            assert!(err.to_string().contains(POLICIES_FILE), "{bad}: {err}");
        }
    }

    #[test]
    fn missing_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = Fixtures::from_dir(dir.path()).unwrap_err();
        assert!(err.to_string().contains(OWNERS_FILE), "{err}");
    }
}
