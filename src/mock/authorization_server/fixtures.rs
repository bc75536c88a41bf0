//! The data the mock starts from: resource owners, OAuth clients, server settings, the owners'
//! access policies, requesting parties and the identity providers whose claim tokens the AS
//! trusts, read from the JSON files of `mocks/authorization-server/` (embedded, or a folder on
//! disk). The file format is documented in `mocks/README.md`; this module only parses and
//! validates it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::core::claim_tokens::parse_algorithm;
use super::core::policy::{ClaimHint, Policy};
use super::core::scope::is_scope_token;
use super::error::MockError;
use crate::spec::assets::MOCKS;

const OWNERS_FILE: &str = "resource-owners.json";
const CLIENTS_FILE: &str = "clients.json";
const SERVER_FILE: &str = "server.json";
const POLICIES_FILE: &str = "policies.json";
const PARTIES_FILE: &str = "requesting-parties.json";
const IDPS_FILE: &str = "identity-providers.json";
const EMBEDDED_FOLDER: &str = "authorization-server";

/// Token endpoint authentication methods the mock implements (RFC 6749 2.3.1 and their RFC 7591
/// names; `none` is a public client, which sends only its `client_id`).
pub(crate) const AUTH_METHODS: [&str; 3] = ["client_secret_basic", "client_secret_post", "none"];

/// The grant types a client may be registered for.
const GRANT_TYPES: [&str; 4] = [
    "client_credentials",
    "authorization_code",
    "urn:ietf:params:oauth:grant-type:uma-ticket",
    "refresh_token",
];

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
    /// Required for confidential clients; a public client (auth method `none`) has none.
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub resource_owner: Option<String>,
    pub token_endpoint_auth_methods: Vec<String>,
    pub grant_types: Vec<String>,
    /// Where the authorization endpoint may send the user agent back (RFC 6749 3.1.2); required
    /// for the authorization code grant.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Where the claims interaction endpoint may send the requesting party back (Grant 2,
    /// 3.3.2); required for public clients.
    #[serde(default)]
    pub claims_redirect_uris: Vec<String>,
    pub scopes: Vec<String>,
}

impl ClientFixture {
    /// A public client: it authenticates with its `client_id` alone.
    pub fn is_public(&self) -> bool {
        self.token_endpoint_auth_methods.iter().any(|m| m == "none")
    }
}

/// How RPTs look on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RptFormat {
    /// 256 random bits, meaningful only to the AS (introspection tells what they carry).
    #[default]
    Opaque,
    /// A JWT signed by the AS (ES256; the key is published at `jwks_uri`).
    Jwt,
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
    /// Lifetime of refresh tokens for RPTs.
    #[serde(default = "default_refresh_lifetime")]
    pub refresh_token_lifetime_secs: u64,
    /// Lifetime of persisted claims tokens.
    #[serde(default = "default_pct_lifetime")]
    pub pct_lifetime_secs: u64,
    /// The `interval` of request_submitted answers: the least time between polls.
    #[serde(default = "default_interval")]
    pub request_submitted_interval_secs: u64,
    #[serde(default)]
    pub rpt_format: RptFormat,
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

fn default_refresh_lifetime() -> u64 {
    24 * 3600
}

fn default_pct_lifetime() -> u64 {
    30 * 24 * 3600
}

fn default_interval() -> u64 {
    5
}

/// What a policy does when it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeFixture {
    Grant,
    Deny,
    NeedClaims,
    AskOwner,
}

/// A daily window, UTC, by the mock's clock.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TimeOfDayFixture {
    /// "HH:MM", inclusive.
    pub from: String,
    /// "HH:MM", exclusive; earlier than `from` wraps past midnight.
    pub until: String,
}

/// One access policy of a resource owner, as in `policies.json` and the control API. An owner
/// without a policy grants nothing (Grant 5.6: default deny).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PolicyFixture {
    /// The policy's id at the control API; numbered `fixture-N` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub owner: String,
    /// One resource, by its `_id`...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// ...or every resource whose registered description has this `type`; neither: all of the
    /// owner's resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// The scopes the policy covers; empty: every scope.
    #[serde(default)]
    pub scopes: Vec<String>,
    pub outcome: OutcomeFixture,
    /// The clients it applies to; absent: every client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<Vec<String>>,
    /// For need_claims: the hints of the need_info answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_claims: Vec<ClaimHint>,
    /// Claims the requesting party must have: for need_claims, the claims that satisfy it; for
    /// the other outcomes, a condition for the policy to count.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub claims: Map<String, Value>,
    /// For need_claims: whether need_info also carries redirect_user (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_user: Option<bool>,
    /// Seconds since the epoch, by the mock's clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_of_day: Option<TimeOfDayFixture>,
}

/// A requesting party who can log in at the claims interaction endpoint.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RequestingPartyFixture {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub password: String,
    /// Claims the AS learns when this party logs in (its `sub` is the id).
    #[serde(default)]
    pub claims: Map<String, Value>,
}

/// An identity provider whose signed claim tokens the AS accepts from the clients it lists.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct IdentityProviderFixture {
    /// The `iss` of its tokens.
    pub issuer: String,
    /// The JWS algorithm of its signatures, e.g. RS256 or ES256.
    pub algorithm: String,
    /// A PEM public key file (SPKI), relative to the fixture folder.
    pub public_key: String,
    /// Clients trusted to push this provider's tokens (Grant 5.7).
    pub trusted_clients: Vec<String>,
    /// The PEM text of `public_key`, read when the fixtures load.
    #[serde(skip)]
    pub public_key_pem: String,
}

/// A validated fixture set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixtures {
    resource_owners: Vec<ResourceOwnerFixture>,
    clients: Vec<ClientFixture>,
    server: ServerFixture,
    policies: Vec<PolicyFixture>,
    requesting_parties: Vec<RequestingPartyFixture>,
    identity_providers: Vec<IdentityProviderFixture>,
}

/// A fixture file: where it came from (for messages) and its text.
type Source = (String, String);

impl Fixtures {
    /// The fixture set compiled into the binary (`mocks/authorization-server/`).
    pub fn embedded() -> Result<Fixtures, MockError> {
        let read = |name: &str| -> Result<Option<Source>, MockError> {
            let path = format!("{EMBEDDED_FOLDER}/{name}");
            let Some(file) = MOCKS.get_file(&path) else {
                return Ok(None);
            };
            let text = file
                .contents_utf8()
                .ok_or_else(|| MockError::fixtures(&path, "not UTF-8"))?;
            Ok(Some((path, text.to_string())))
        };
        Self::parse(&read)
    }

    /// A fixture set from a folder on disk holding the same files as
    /// `mocks/authorization-server/`. The `mocks/` folder itself is accepted too, for convenience.
    /// `requesting-parties.json` and `identity-providers.json` may be missing (none of either).
    pub fn from_dir(dir: &Path) -> Result<Fixtures, MockError> {
        let folder = resolve_folder(dir);
        let read = |name: &str| -> Result<Option<Source>, MockError> {
            let path = folder.join(name);
            let shown = path.display().to_string();
            match std::fs::read_to_string(&path) {
                Ok(text) => Ok(Some((shown, text))),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(err) => Err(MockError::fixtures(&shown, err.to_string())),
            }
        };
        Self::parse(&read)
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

    pub fn requesting_parties(&self) -> &[RequestingPartyFixture] {
        &self.requesting_parties
    }

    pub fn identity_providers(&self) -> &[IdentityProviderFixture] {
        &self.identity_providers
    }

    /// The same fixtures with other server settings (say, JWT RPTs), validated like a file.
    pub fn with_server(mut self, server: ServerFixture) -> Result<Fixtures, MockError> {
        validate_server(SERVER_FILE, &server)?;
        self.server = server;
        Ok(self)
    }

    /// The same fixtures with one more client, which every fixture policy naming `like` also
    /// names and every identity provider trusting `like` also trusts: a client under test gets
    /// what the fixture UMA client gets.
    pub fn with_client_like(
        mut self,
        client: ClientFixture,
        like: &str,
    ) -> Result<Fixtures, MockError> {
        if self.clients.iter().any(|c| c.client_id == client.client_id) {
            return Err(MockError::fixtures(
                CLIENTS_FILE,
                format!("client {:?} is already a fixture client", client.client_id),
            ));
        }
        for policy in &mut self.policies {
            if let Some(clients) = &mut policy.clients {
                if clients.iter().any(|c| c == like) {
                    clients.push(client.client_id.clone());
                }
            }
        }
        for idp in &mut self.identity_providers {
            if idp.trusted_clients.iter().any(|c| c == like) {
                idp.trusted_clients.push(client.client_id.clone());
            }
        }
        self.clients.push(client);
        Ok(self)
    }

    fn parse(
        read: &dyn Fn(&str) -> Result<Option<Source>, MockError>,
    ) -> Result<Fixtures, MockError> {
        let required = |name: &str| -> Result<Source, MockError> {
            read(name)?.ok_or_else(|| MockError::fixtures(name, "the file is missing"))
        };
        let owners = required(OWNERS_FILE)?;
        let clients = required(CLIENTS_FILE)?;
        let server = required(SERVER_FILE)?;
        let policies = required(POLICIES_FILE)?;
        let parties = read(PARTIES_FILE)?;
        let idps = read(IDPS_FILE)?;
        let mut fixtures = Fixtures {
            resource_owners: parse_json(&owners)?,
            clients: parse_json(&clients)?,
            server: parse_json(&server)?,
            policies: parse_json(&policies)?,
            requesting_parties: parties
                .as_ref()
                .map(parse_json)
                .transpose()?
                .unwrap_or_default(),
            identity_providers: idps
                .as_ref()
                .map(parse_json)
                .transpose()?
                .unwrap_or_default(),
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
        if let Some((file, _)) = &parties {
            validate_parties(file, &fixtures.requesting_parties)?;
        }
        if let Some((file, _)) = &idps {
            for idp in &mut fixtures.identity_providers {
                let key_file = idp.public_key.clone();
                let (shown, pem) = read(&key_file)?.ok_or_else(|| {
                    MockError::fixtures(file, format!("key file {key_file:?} is missing"))
                })?;
                idp.public_key_pem = pem;
                validate_idp(&shown, idp, &fixtures.clients)?;
            }
            let mut seen = HashSet::new();
            if let Some(twice) = fixtures
                .identity_providers
                .iter()
                .find(|i| !seen.insert(i.issuer.as_str()))
            {
                return Err(MockError::fixtures(
                    file,
                    format!("issuer {:?} is listed twice", twice.issuer),
                ));
            }
        }
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

fn parse_json<T: serde::de::DeserializeOwned>((file, text): &Source) -> Result<T, MockError> {
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
        if client.is_public() {
            // A client either has a secret or it does not.
            if client.token_endpoint_auth_methods.len() != 1 {
                return fail("none cannot be combined with another auth method".into());
            }
            if client.client_secret.is_some() {
                return fail("a public client (none) has no client_secret".into());
            }
            // Grant 3.3.2: the AS must require public clients to pre-register.
            if client.claims_redirect_uris.is_empty() {
                return fail("a public client needs at least one claims_redirect_uri".into());
            }
            if let Some(grant) = client.grant_types.iter().find(|g| {
                !matches!(
                    g.as_str(),
                    "urn:ietf:params:oauth:grant-type:uma-ticket" | "refresh_token"
                )
            }) {
                return fail(format!("a public client may not use {grant:?}"));
            }
        } else if client.client_secret.as_deref().is_none_or(str::is_empty) {
            return fail("a confidential client needs a non-empty client_secret".into());
        }
        if let Some(grant) = client
            .grant_types
            .iter()
            .find(|g| !GRANT_TYPES.contains(&g.as_str()))
        {
            return fail(format!("unsupported grant type {grant:?}"));
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
        if let Some(uri) = client
            .redirect_uris
            .iter()
            .chain(&client.claims_redirect_uris)
            .find(|u| !is_redirect_uri(u))
        {
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

/// RFC 6749 3.1.2 and Grant 3.3.2: an absolute URI with no fragment.
pub(crate) fn is_redirect_uri(uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|u| u.fragment().is_none() && !u.cannot_be_a_base())
}

fn validate_policies(
    file: &str,
    policies: &[PolicyFixture],
    owners: &[ResourceOwnerFixture],
    clients: &[ClientFixture],
) -> Result<(), MockError> {
    let mut ids = HashSet::new();
    for (n, policy) in policies.iter().enumerate() {
        let name = policy
            .id
            .clone()
            .unwrap_or_else(|| format!("fixture-{}", n + 1));
        let fail = |reason: String| {
            Err(MockError::fixtures(
                file,
                format!("policy {name:?}: {reason}"),
            ))
        };
        if !ids.insert(name.clone()) {
            return fail("the id is used twice".into());
        }
        if !owners.iter().any(|o| o.id == policy.owner) {
            return fail(format!("unknown owner {:?}", policy.owner));
        }
        // A misspelt client would silently be denied everything.
        if let Some(unknown) = policy
            .clients
            .iter()
            .flatten()
            .find(|n| !clients.iter().any(|c| &c.client_id == *n))
        {
            return fail(format!("unknown client {unknown:?}"));
        }
        if let Err(reason) = Policy::from_fixture(policy) {
            return fail(reason);
        }
    }
    Ok(())
}

fn validate_parties(file: &str, parties: &[RequestingPartyFixture]) -> Result<(), MockError> {
    let mut seen = HashSet::new();
    for party in parties {
        if party.id.is_empty() || party.password.is_empty() {
            return Err(MockError::fixtures(
                file,
                "a requesting party has an empty id or password",
            ));
        }
        if !seen.insert(party.id.as_str()) {
            return Err(MockError::fixtures(
                file,
                format!("requesting party {:?} is listed twice", party.id),
            ));
        }
    }
    Ok(())
}

fn validate_idp(
    file: &str,
    idp: &IdentityProviderFixture,
    clients: &[ClientFixture],
) -> Result<(), MockError> {
    let fail = |reason: String| {
        Err(MockError::fixtures(
            file,
            format!("identity provider {:?}: {reason}", idp.issuer),
        ))
    };
    if idp.issuer.is_empty() {
        return fail("the issuer is empty".into());
    }
    if let Some(unknown) = idp
        .trusted_clients
        .iter()
        .find(|n| !clients.iter().any(|c| &c.client_id == *n))
    {
        return fail(format!("unknown trusted client {unknown:?}"));
    }
    if let Err(reason) = parse_algorithm(&idp.algorithm, &idp.public_key_pem) {
        return fail(reason);
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
        (
            "refresh_token_lifetime_secs",
            server.refresh_token_lifetime_secs,
        ),
        ("pct_lifetime_secs", server.pct_lifetime_secs),
    ] {
        if value == 0 || value > TEN_YEARS {
            return Err(MockError::fixtures(
                file,
                format!("{name} must be between 1 and {TEN_YEARS}"),
            ));
        }
    }
    if server.request_submitted_interval_secs > 3600 {
        return Err(MockError::fixtures(
            file,
            "request_submitted_interval_secs must be at most 3600",
        ));
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
        assert_eq!(alice.client_secret.as_deref(), Some("rs-alice-secret"));
        assert_eq!(alice.resource_owner.as_deref(), Some("alice"));
        assert_eq!(alice.scopes, ["uma_protection", "profile"]);
        assert_eq!(alice.redirect_uris, ["http://127.0.0.1:9/callback"]);
        assert_eq!(fixtures.clients()[1].client_id, "rs-bob");
        let uma = &fixtures.clients()[2];
        assert_eq!(uma.client_id, "uma-client");
        assert_eq!(uma.client_secret.as_deref(), Some("uma-client-secret"));
        assert_eq!(
            uma.grant_types,
            [
                "urn:ietf:params:oauth:grant-type:uma-ticket",
                "refresh_token"
            ]
        );
        assert_eq!(
            uma.claims_redirect_uris,
            ["https://client.example.test/claims-cb"]
        );
        let public = fixtures
            .clients()
            .iter()
            .find(|c| c.client_id == "uma-public-client")
            .unwrap();
        assert!(public.is_public() && public.client_secret.is_none());
        assert_eq!(public.claims_redirect_uris.len(), 2);
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
        assert_eq!(server.rpt_format, RptFormat::Opaque);
        assert_eq!(server.request_submitted_interval_secs, 5);
        let outcomes: Vec<_> = fixtures.policies().iter().map(|p| p.outcome).collect();
        for outcome in [
            OutcomeFixture::Grant,
            OutcomeFixture::Deny,
            OutcomeFixture::NeedClaims,
            OutcomeFixture::AskOwner,
        ] {
            assert!(outcomes.contains(&outcome), "no example of {outcome:?}");
        }
        assert_eq!(fixtures.requesting_parties()[0].id, "carol");
        let idp = &fixtures.identity_providers()[0];
        assert_eq!(idp.issuer, "https://idp.example.test");
        assert!(idp.public_key_pem.contains("BEGIN PUBLIC KEY"));
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
        // Lifetimes added later have defaults, so older server.json files still load, and so do
        // folders without requesting parties or identity providers.
        assert_eq!(direct.server().authorization_code_lifetime_secs, 60);
        assert!(direct.requesting_parties().is_empty());
        assert!(direct.identity_providers().is_empty());
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
            client("", "password", "client_secret_post"),
            // A public client with a secret, or without claims redirect URIs.
            client(
                r#""claims_redirect_uris":["https://c/cb"],"#,
                "urn:ietf:params:oauth:grant-type:uma-ticket",
                "none",
            ),
            r#"[{"client_id":"c","token_endpoint_auth_methods":["none"],"grant_types":[],"scopes":[]}]"#.to_string(),
            r#"[{"client_id":"c","token_endpoint_auth_methods":["client_secret_post"],"grant_types":[],"scopes":[]}]"#.to_string(),
            r#"[{"client_id":"c","token_endpoint_auth_methods":["none"],"claims_redirect_uris":["https://c/cb#f"],"grant_types":[],"scopes":[]}]"#.to_string(),
            r#"[{"client_id":"c","token_endpoint_auth_methods":["none"],"claims_redirect_uris":["https://c/cb"],"grant_types":["authorization_code"],"redirect_uris":["https://c/cb"],"scopes":[]}]"#.to_string(),
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
        write(
            dir.path(),
            "[]",
            "[]",
            r#"{"uma_profiles_supported":[],"access_token_lifetime_secs":1,"permission_ticket_lifetime_secs":1,"rpt_format":"paseto"}"#,
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
        let good = r#"[{"owner":"alice","outcome":"grant","clients":["app"]},
                       {"id":"x","owner":"alice","resource_type":"t","outcome":"need_claims",
                        "required_claims":[{"name":"email","issuer":["https://idp"]}]}]"#;
        write_all(dir.path(), owners, clients, SERVER, good);
        let fixtures = Fixtures::from_dir(dir.path()).unwrap();
        assert_eq!(
            fixtures.policies()[0].clients.as_deref(),
            Some(&["app".to_string()][..])
        );
        for bad in [
            r#"[{"owner":"nobody","outcome":"grant"}]"#,
            r#"[{"owner":"alice","outcome":"grant","clients":["ghost"]}]"#,
            r#"[{"id":"p","owner":"alice","outcome":"grant"},{"id":"p","owner":"alice","outcome":"deny"}]"#,
            r#"[{"owner":"alice","outcome":"grant_everything"}]"#,
            r#"[{"owner":"alice","outcome":"grant","x":1}]"#,
            r#"[{"owner":"alice","outcome":"need_claims","required_claims":[{"nom":"x"}]}]"#,
            r#"[{"resource_owner":"alice","rules":[]}]"#,
        ] {
            write_all(dir.path(), owners, clients, SERVER, bad);
            let err = Fixtures::from_dir(dir.path()).unwrap_err();
            assert!(err.to_string().contains(POLICIES_FILE), "{bad}: {err}");
        }
    }

    #[test]
    fn rejects_inconsistent_parties_and_identity_providers() {
        let dir = tempfile::tempdir().unwrap();
        let clients = r#"[{"client_id":"app","client_secret":"s","token_endpoint_auth_methods":["client_secret_post"],"grant_types":[],"scopes":[]}]"#;
        write(dir.path(), "[]", clients, SERVER);
        let keys = dir.path().join("keys");
        std::fs::create_dir(&keys).unwrap();
        let public = MOCKS
            .get_file("authorization-server/keys/idp-test-public.pem")
            .unwrap()
            .contents_utf8()
            .unwrap();
        std::fs::write(keys.join("k.pem"), public).unwrap();
        let idp = |alg: &str, key: &str, client: &str| {
            format!(
                r#"[{{"issuer":"https://idp","algorithm":"{alg}","public_key":"{key}","trusted_clients":["{client}"]}}]"#
            )
        };
        std::fs::write(
            dir.path().join(IDPS_FILE),
            idp("RS256", "keys/k.pem", "app"),
        )
        .unwrap();
        let fixtures = Fixtures::from_dir(dir.path()).unwrap();
        assert_eq!(fixtures.identity_providers()[0].trusted_clients, ["app"]);
        for bad in [
            idp("RS256", "keys/missing.pem", "app"),
            idp("RS256", "keys/k.pem", "ghost"),
            idp("ES256", "keys/k.pem", "app"),
            idp("HS256", "keys/k.pem", "app"),
            idp("none", "keys/k.pem", "app"),
        ] {
            std::fs::write(dir.path().join(IDPS_FILE), &bad).unwrap();
            assert!(Fixtures::from_dir(dir.path()).is_err(), "{bad}");
        }
        std::fs::remove_file(dir.path().join(IDPS_FILE)).unwrap();
        for bad in [
            r#"[{"id":"carol","password":""}]"#,
            r#"[{"id":"carol","password":"p"},{"id":"carol","password":"q"}]"#,
            r#"[{"id":"carol"}]"#,
        ] {
            std::fs::write(dir.path().join(PARTIES_FILE), bad).unwrap();
            assert!(Fixtures::from_dir(dir.path()).is_err(), "{bad}");
        }
    }

    #[test]
    fn missing_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = Fixtures::from_dir(dir.path()).unwrap_err();
        assert!(err.to_string().contains(OWNERS_FILE), "{err}");
    }
}
