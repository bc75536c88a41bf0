//! What the harness knows about the authorization server under test: its issuer and how to
//! obtain the tokens the scenarios need. Built by the runner from a TOML file or for the mocks.

use std::collections::BTreeSet;

/// How the client authenticates at the token endpoint (RFC 6749 2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
}

/// How to get one access token (a PAT, or a token lacking `uma_protection`).
#[derive(Debug, Clone)]
pub enum TokenSource {
    ClientCredentials {
        client_id: String,
        client_secret: String,
        auth_method: ClientAuthMethod,
        scope: String,
    },
    /// A token obtained out of band (for example by an interactive grant).
    Static { token: String },
}

/// Checks a profile may relax from failures to warnings (Part F 19).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub relaxed: BTreeSet<String>,
}

impl Profile {
    pub fn certification() -> Profile {
        Profile {
            name: "certification".into(),
            relaxed: BTreeSet::new(),
        }
    }

    pub fn relaxes(&self, check: &str) -> bool {
        self.relaxed.contains(check)
    }
}

/// The relaxable check names and what each covers.
pub const RELAXABLE_CHECKS: &[(&str, &str)] = &[(
    "https",
    "protection API endpoints and the issuer may use plain http (local development)",
)];

#[derive(Debug, Clone)]
pub struct AuthorizationServerTarget {
    pub issuer: String,
    /// UMA profile and extension URIs the AS implements (GRANT-2-f, FED-2-d).
    pub profiles: Vec<String>,
    /// Whether the AS supports UMA token introspection (FED-2-c); `None` when not declared.
    pub introspection: Option<bool>,
    /// The PAT of the first resource owner ("alice" in the features).
    pub pat: TokenSource,
    /// A PAT of a second resource owner ("bob"), for isolation checks.
    pub second_owner_pat: Option<TokenSource>,
    /// A token issued to alice's resource server without the `uma_protection` scope.
    pub token_without_protection_scope: Option<TokenSource>,
    /// A client the AS grants what it asks for the owners' resources (UMA grant scenarios).
    pub uma_client: Option<ClientCredentials>,
    /// Another confidential UMA client, which the requesting party's identity provider does not
    /// trust (PCT theft, claim tokens pushed by an untrusted client).
    pub second_uma_client: Option<ClientCredentials>,
    /// The requesting party whose claims the client pushes (Grant 3.3.1, 5.7).
    pub requesting_party: Option<RequestingParty>,
    /// A public client (no secret) with pre-registered claims redirect URIs (GRANT-3.3-i1).
    pub uma_public_client_id: Option<String>,
    /// The control API of a reference mock (move its clock); `None` for a vendor's AS.
    pub control_api: Option<String>,
    /// Where endpoints are when the discovery document does not say so usably, by discovery
    /// member name (`permission_endpoint`, ...), so one broken member does not hide every other
    /// verdict. The discovery scenarios still judge the document itself.
    pub endpoint_fallbacks: std::collections::BTreeMap<String, String>,
    /// How scenarios arrange policies and answer for the owner: the target's hook command, or
    /// a reference mock's control API. `None`: the policy-dependent scenarios are skipped.
    pub policy_admin: Option<crate::harness::roles::policy_admin::PolicyAdmin>,
    /// How the harness plays the requesting party at the claims interaction endpoint; `None`:
    /// the interactive claims-gathering scenarios are skipped.
    pub claims_gathering: Option<ClaimsGathering>,
}

/// The client's registered claims redirect URIs and how a requesting party fills the AS's
/// pages (Grant 3.3.2; the interaction itself is the AS's own business).
#[derive(Debug, Clone)]
pub struct ClaimsGathering {
    pub claims_redirect_uris: Vec<String>,
    pub public_client_claims_redirect_uris: Vec<String>,
    pub oauth_redirect_uri: Option<String>,
    pub pages: Vec<FormPage>,
}

/// How to fill the form of one page of the interaction.
#[derive(Debug, Clone)]
pub struct FormPage {
    pub fields: Vec<(String, String)>,
    pub button: Option<String>,
    pub form_action_contains: Option<String>,
}

/// A confidential client's credentials at the token endpoint.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: String,
    pub auth_method: ClientAuthMethod,
    /// Scopes the client is pre-registered for (Grant 3.3.4 RegisteredScopes).
    pub registered_scopes: Vec<String>,
}

/// A requesting party as the harness speaks for it: the claims a need_claims policy demands of
/// it, and how to get a claim token that carries them.
#[derive(Debug, Clone)]
pub struct RequestingParty {
    pub claims: serde_json::Map<String, serde_json::Value>,
    pub claim_token: ClaimTokenSource,
}

#[derive(Debug, Clone)]
pub enum ClaimTokenSource {
    /// A token obtained out of band, pushed as it is.
    Literal { format: String, token: String },
    /// Signed by the harness at the moment of use, so that it is fresh.
    Minted(crate::harness::roles::claim_tokens::MintRecipe),
}

impl RequestingParty {
    /// Every claim value the harness knows this party by: the policy's claims, and the subject
    /// and claims a minted token carries. What a PCT must not show (Grant 3.3.5).
    pub fn known_values(&self) -> Vec<String> {
        let mut values = Vec::new();
        let mut add = |claims: &serde_json::Map<String, serde_json::Value>| {
            for value in claims.values() {
                collect_strings(value, &mut values);
            }
        };
        add(&self.claims);
        if let ClaimTokenSource::Minted(recipe) = &self.claim_token {
            add(&recipe.claims);
            values.push(recipe.subject.clone());
        }
        values.sort();
        values.dedup();
        values
    }

    /// The names of the claims the harness knows this party by.
    pub fn known_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.claims.keys().cloned().collect();
        if let ClaimTokenSource::Minted(recipe) = &self.claim_token {
            names.extend(recipe.claims.keys().cloned());
        }
        names.sort();
        names.dedup();
        names
    }
}

fn collect_strings(value: &serde_json::Value, into: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => into.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect_strings(i, into)),
        _ => {}
    }
}

/// The party a scenario tests: its `@as`, `@rs` or `@client` tag. A run tests the parties the
/// target file brings and plays the others itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    AuthorizationServer,
    ResourceServer,
    Client,
}

impl Party {
    pub const ALL: [Party; 3] = [
        Party::AuthorizationServer,
        Party::ResourceServer,
        Party::Client,
    ];

    /// The scenario tag naming this party.
    pub fn tag(self) -> &'static str {
        match self {
            Party::AuthorizationServer => "as",
            Party::ResourceServer => "rs",
            Party::Client => "client",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Party::AuthorizationServer => "authorization server",
            Party::ResourceServer => "resource server",
            Party::Client => "client",
        }
    }

    /// The single party a catalogue party names (`AS`, `RS`, `client`); `None` for shared
    /// duties (`AS+RS`, `any`).
    pub fn of_catalogue(party: &str) -> Option<Party> {
        match party {
            "AS" => Some(Party::AuthorizationServer),
            "RS" => Some(Party::ResourceServer),
            "client" => Some(Party::Client),
            _ => None,
        }
    }

    /// The party a scenario tests, from its tags.
    pub fn of_tags<'a>(tags: impl IntoIterator<Item = &'a String>) -> Option<Party> {
        let tags: Vec<&String> = tags.into_iter().collect();
        Party::ALL
            .into_iter()
            .find(|p| tags.iter().any(|t| t.as_str() == p.tag()))
    }
}

/// One protected URL of a resource server and the scopes a request to it may need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedResource {
    pub url: String,
    pub method: String,
    /// The scopes that fit a request with this method to this URL (Grant 3.2: the permission
    /// the RS asks for should match what the client tried to do).
    pub scopes: Vec<String>,
}

/// A resource server under test: the harness plays the client towards it, and its
/// authorization server is either the harness's own (with a control API) or a real one.
#[derive(Debug, Clone)]
pub struct ResourceServerTarget {
    /// The first is "the protected resource" of the scenarios, the second "another" one.
    pub resources: Vec<ProtectedResource>,
}

/// A client under test: the harness runs it against its own AS and RS.
#[derive(Clone)]
pub struct ClientTarget {
    pub launcher: std::sync::Arc<dyn crate::harness::roles::client_under_test::ClientLauncher>,
    pub client_id: String,
    /// `None` for a public client.
    pub secret: Option<String>,
    /// How it authenticates at the token endpoint; `None` for a public client.
    pub auth_method: Option<ClientAuthMethod>,
    /// The claims redirect URI the client registered with the harness's AS, if it does
    /// interactive claims gathering.
    pub claims_redirect_uri: Option<String>,
    /// The harness's resource server: what the client is sent to fetch.
    pub resources: Vec<HarnessResource>,
    /// The control API of the harness's resource server (what the client sent it).
    pub rs_control_api: String,
    /// The longest one client run may take before it is stopped.
    pub run_timeout: std::time::Duration,
    /// Scopes the client is pre-registered for at the harness's AS (Grant 3.3.4).
    pub registered_scopes: Vec<String>,
}

impl std::fmt::Debug for ClientTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientTarget")
            .field("client_id", &self.client_id)
            .field("claims_redirect_uri", &self.claims_redirect_uri)
            .field("resources", &self.resources)
            .finish()
    }
}

/// A resource of the harness's own resource server, as registered at the harness's AS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HarnessResource {
    pub url: String,
    pub resource_id: String,
    pub scope: String,
}

#[derive(Debug, Clone)]
pub struct Target {
    pub authorization_server: AuthorizationServerTarget,
    /// The resource server under test, in a run that tests one.
    pub resource_server: Option<ResourceServerTarget>,
    /// The client under test, in a run that tests one.
    pub client: Option<ClientTarget>,
    pub profile: Profile,
    /// Tolerance for comparing the target's clock with ours.
    pub clock_skew: std::time::Duration,
    /// Whether scenarios that wait out a lifetime in real time may run (`@slow`).
    pub allow_slow: bool,
}

impl Target {
    /// Every secret the description carries, for redaction.
    pub fn secrets(&self) -> Vec<String> {
        let as_ = &self.authorization_server;
        [
            Some(&as_.pat),
            as_.second_owner_pat.as_ref(),
            as_.token_without_protection_scope.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(|source| match source {
            TokenSource::ClientCredentials { client_secret, .. } => client_secret.clone(),
            TokenSource::Static { token } => token.clone(),
        })
        .chain(as_.uma_client.iter().map(|c| c.client_secret.clone()))
        .chain(
            as_.claims_gathering
                .iter()
                .flat_map(|g| &g.pages)
                .flat_map(|p| &p.fields)
                .filter(|(name, _)| {
                    let name = name.to_ascii_lowercase();
                    ["pass", "secret", "pin", "otp", "code"]
                        .iter()
                        .any(|s| name.contains(s))
                })
                .map(|(_, value)| value.clone()),
        )
        .chain(
            as_.second_uma_client
                .iter()
                .map(|c| c.client_secret.clone()),
        )
        .chain(self.client.iter().filter_map(|c| c.secret.clone()))
        .chain(
            as_.requesting_party
                .iter()
                .filter_map(|p| match &p.claim_token {
                    ClaimTokenSource::Literal { token, .. } => Some(token.clone()),
                    ClaimTokenSource::Minted(_) => None,
                }),
        )
        .collect()
    }
}
