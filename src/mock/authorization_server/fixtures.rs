//! The data the mock starts from: resource owners, OAuth clients and server settings, read from the
//! JSON files of `mocks/authorization-server/` (embedded, or a folder on disk). The file format is
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
const EMBEDDED_FOLDER: &str = "authorization-server";

/// Token endpoint authentication methods the mock implements (RFC 6749 2.3.1 and their RFC 7591
/// names).
pub(crate) const AUTH_METHODS: [&str; 2] = ["client_secret_basic", "client_secret_post"];

/// A resource owner: the user or organisation whose resources the resource servers register.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ResourceOwnerFixture {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
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
    pub scopes: Vec<String>,
}

/// Settings of the server itself.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ServerFixture {
    pub uma_profiles_supported: Vec<String>,
    pub access_token_lifetime_secs: u64,
    pub permission_ticket_lifetime_secs: u64,
}

/// A validated fixture set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixtures {
    resource_owners: Vec<ResourceOwnerFixture>,
    clients: Vec<ClientFixture>,
    server: ServerFixture,
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
        Self::parse(read(OWNERS_FILE)?, read(CLIENTS_FILE)?, read(SERVER_FILE)?)
    }

    /// A fixture set from a folder on disk holding the same three files as
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
        Self::parse(read(OWNERS_FILE)?, read(CLIENTS_FILE)?, read(SERVER_FILE)?)
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

    fn parse(
        owners: (String, String),
        clients: (String, String),
        server: (String, String),
    ) -> Result<Fixtures, MockError> {
        let fixtures = Fixtures {
            resource_owners: parse_json(&owners)?,
            clients: parse_json(&clients)?,
            server: parse_json(&server)?,
        };
        validate_owners(&owners.0, &fixtures.resource_owners)?;
        validate_clients(&clients.0, &fixtures.clients, &fixtures.resource_owners)?;
        validate_server(&server.0, &fixtures.server)?;
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
    // Lifetimes are added to the clock; a zero lifetime would issue tokens that are born dead and
    // an absurd one would overflow.
    const TEN_YEARS: u64 = 10 * 365 * 24 * 3600;
    for (name, value) in [
        (
            "access_token_lifetime_secs",
            server.access_token_lifetime_secs,
        ),
        (
            "permission_ticket_lifetime_secs",
            server.permission_ticket_lifetime_secs,
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
        assert_eq!(fixtures.clients()[1].client_id, "rs-bob");
        assert_eq!(
            fixtures.server().uma_profiles_supported,
            ["urn:uma-conformance:extension:mock-control-api"]
        );
    }

    fn write(dir: &Path, owners: &str, clients: &str, server: &str) {
        std::fs::write(dir.join(OWNERS_FILE), owners).unwrap();
        std::fs::write(dir.join(CLIENTS_FILE), clients).unwrap();
        std::fs::write(dir.join(SERVER_FILE), server).unwrap();
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
    }

    #[test]
    fn missing_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = Fixtures::from_dir(dir.path()).unwrap_err();
        assert!(err.to_string().contains(OWNERS_FILE), "{err}");
    }
}
