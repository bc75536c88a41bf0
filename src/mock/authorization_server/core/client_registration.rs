//! Dynamic client registration (RFC 7591, Grant 2): a client sends its metadata, including UMA's
//! `claims_redirect_uris`, and gets a client id (and a secret unless it is public) usable at once
//! for the UMA grant. Metadata the mock does not understand is dropped (RFC 7591 2); metadata it
//! understands but cannot accept is an error.

use serde_json::{Map, Value};

use super::AsCore;
use super::clients::{AuthMethod, Client};
use super::clock::Timestamp;
use super::grants::{AUTHORIZATION_CODE, CLIENT_CREDENTIALS, REFRESH_TOKEN, UMA_TICKET};
use super::ids::{RESOURCE_ID_BYTES, RandomnessUnavailable, TOKEN_BYTES, random_id};
use super::scope::parse_scope;
use crate::mock::authorization_server::fixtures::is_redirect_uri;

/// More clients than any test needs; a runaway registration loop stops here.
pub(crate) const MAX_CLIENTS: usize = 10_000;

/// Human-readable or informational members, kept as sent when they are strings (language
/// variants like `client_name#fr` included).
const TEXT_MEMBERS: [&str; 3] = ["client_name", "software_id", "software_version"];
/// Members that must be absolute URIs.
const URI_MEMBERS: [&str; 5] = [
    "client_uri",
    "logo_uri",
    "tos_uri",
    "policy_uri",
    "jwks_uri",
];

/// Switches for registration. The default is the spec's behaviour; deviations flip them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RegistrationRules {
    /// Accept `claims_redirect_uris` (Grant 2).
    pub(crate) accept_claims_redirect_uris: bool,
}

impl Default for RegistrationRules {
    fn default() -> Self {
        RegistrationRules {
            accept_claims_redirect_uris: true,
        }
    }
}

/// RFC 7591 3.2.2 errors, and what the server itself lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RegistrationError {
    InvalidRedirectUri(String),
    InvalidClientMetadata(String),
    TooManyClients,
    Randomness(RandomnessUnavailable),
}

impl From<RandomnessUnavailable> for RegistrationError {
    fn from(err: RandomnessUnavailable) -> Self {
        RegistrationError::Randomness(err)
    }
}

fn metadata_error<T>(why: impl Into<String>) -> Result<T, RegistrationError> {
    Err(RegistrationError::InvalidClientMetadata(why.into()))
}

/// An array of redirect URIs (absolute, no fragment), or an error naming the member.
fn uri_list(request: &Map<String, Value>, name: &str) -> Result<Vec<String>, RegistrationError> {
    let Some(value) = request.get(name) else {
        return Ok(Vec::new());
    };
    let bad = || {
        RegistrationError::InvalidRedirectUri(format!(
            "{name} must be an array of absolute URIs without a fragment"
        ))
    };
    let items = value.as_array().ok_or_else(bad)?;
    if items.is_empty() {
        return Err(bad());
    }
    items
        .iter()
        .map(|item| {
            item.as_str()
                .filter(|uri| is_redirect_uri(uri))
                .map(str::to_string)
                .ok_or_else(bad)
        })
        .collect()
}

fn string_list(
    request: &Map<String, Value>,
    name: &str,
) -> Result<Option<Vec<String>>, RegistrationError> {
    let Some(value) = request.get(name) else {
        return Ok(None);
    };
    let items = value.as_array().ok_or_else(|| {
        RegistrationError::InvalidClientMetadata(format!("{name} must be an array of strings"))
    })?;
    items
        .iter()
        .map(|item| {
            item.as_str().map(str::to_string).ok_or_else(|| {
                RegistrationError::InvalidClientMetadata(format!(
                    "{name} must be an array of strings"
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

impl AsCore {
    /// Registers a client and returns the client information response body (RFC 7591 3.2.1).
    pub(crate) fn register_client(
        &mut self,
        request: &Map<String, Value>,
        rules: RegistrationRules,
        now: Timestamp,
    ) -> Result<Map<String, Value>, RegistrationError> {
        if self.clients.len() >= MAX_CLIENTS {
            return Err(RegistrationError::TooManyClients);
        }
        let redirect_uris = uri_list(request, "redirect_uris")?;
        if request.contains_key("claims_redirect_uris") && !rules.accept_claims_redirect_uris {
            return metadata_error("claims_redirect_uris is not supported");
        }
        let claims_redirect_uris = uri_list(request, "claims_redirect_uris")?;
        let method_name = match request.get("token_endpoint_auth_method") {
            None => "client_secret_basic",
            Some(value) => value.as_str().ok_or_else(|| {
                RegistrationError::InvalidClientMetadata(
                    "token_endpoint_auth_method must be a string".into(),
                )
            })?,
        };
        let Some(method) = AuthMethod::from_name(method_name) else {
            return metadata_error(format!(
                "token_endpoint_auth_method {method_name:?} is not supported; use client_secret_basic, client_secret_post or none"
            ));
        };
        // A UMA authorization server's clients are mostly there for the UMA grant.
        let grant_types =
            string_list(request, "grant_types")?.unwrap_or_else(|| vec![UMA_TICKET.to_string()]);
        for grant in &grant_types {
            match grant.as_str() {
                UMA_TICKET | REFRESH_TOKEN => {}
                AUTHORIZATION_CODE if method != AuthMethod::None => {}
                CLIENT_CREDENTIALS => {
                    return metadata_error(
                        "client_credentials issues PATs for a resource owner, which a registration cannot name",
                    );
                }
                other => {
                    return metadata_error(format!(
                        "grant type {other:?} is not available to this client"
                    ));
                }
            }
        }
        let uses_code = grant_types.iter().any(|g| g == AUTHORIZATION_CODE);
        if uses_code && redirect_uris.is_empty() {
            return Err(RegistrationError::InvalidRedirectUri(
                "authorization_code needs redirect_uris".into(),
            ));
        }
        // RFC 7591 2.1: response types and grant types must agree.
        let response_types = string_list(request, "response_types")?;
        if let Some(types) = &response_types {
            let consistent = types.iter().all(|t| t == "code") && (types.is_empty() || uses_code);
            if !consistent {
                return metadata_error(
                    "response_types must be [\"code\"] with authorization_code, or empty",
                );
            }
        }
        let scopes = match request.get("scope") {
            None => Vec::new(),
            Some(Value::String(scope)) => parse_scope(scope).map_err(|bad| {
                RegistrationError::InvalidClientMetadata(format!("{bad:?} is not a scope token"))
            })?,
            Some(_) => return metadata_error("scope must be a space-separated string"),
        };
        if request.contains_key("jwks") && request.contains_key("jwks_uri") {
            return metadata_error("jwks and jwks_uri must not both be present");
        }
        let mut response = Map::new();
        for (name, value) in request {
            let base = name.split_once('#').map_or(name.as_str(), |(b, _)| b);
            let keep = if TEXT_MEMBERS.contains(&base) || URI_MEMBERS.contains(&base) {
                let Some(text) = value.as_str() else {
                    return metadata_error(format!("{name} must be a string"));
                };
                if URI_MEMBERS.contains(&base) && url::Url::parse(text).is_err() {
                    return metadata_error(format!("{name} must be an absolute URI"));
                }
                true
            } else if name == "contacts" {
                string_list(request, "contacts")?;
                true
            } else if name == "jwks" {
                if !value.get("keys").is_some_and(Value::is_array) {
                    return metadata_error("jwks must be a JWK Set");
                }
                true
            } else {
                false
            };
            if keep {
                response.insert(name.clone(), value.clone());
            }
        }
        let client_id = loop {
            let id = random_id(RESOURCE_ID_BYTES)?;
            if self.clients.get(&id).is_none() {
                break id;
            }
        };
        let secret = if method == AuthMethod::None {
            None
        } else {
            Some(random_id(TOKEN_BYTES)?)
        };
        response.insert("client_id".into(), client_id.clone().into());
        if let Some(secret) = &secret {
            response.insert("client_secret".into(), secret.clone().into());
            // RFC 7591 3.2.1: 0 means it does not expire.
            response.insert("client_secret_expires_at".into(), 0.into());
        }
        response.insert("client_id_issued_at".into(), now.into());
        response.insert("token_endpoint_auth_method".into(), method_name.into());
        response.insert("grant_types".into(), grant_types.clone().into());
        if let Some(types) = response_types {
            response.insert("response_types".into(), types.into());
        }
        if !redirect_uris.is_empty() {
            response.insert("redirect_uris".into(), redirect_uris.clone().into());
        }
        if !claims_redirect_uris.is_empty() {
            response.insert(
                "claims_redirect_uris".into(),
                claims_redirect_uris.clone().into(),
            );
        }
        if !scopes.is_empty() {
            response.insert("scope".into(), scopes.join(" ").into());
        }
        self.clients.register(Client {
            id: client_id,
            secret,
            owner: None,
            auth_methods: vec![method],
            grant_types,
            redirect_uris,
            claims_redirect_uris,
            scopes,
        });
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::authorization_server::fixtures::Fixtures;
    use serde_json::json;

    fn register(core: &mut AsCore, body: Value) -> Result<Map<String, Value>, RegistrationError> {
        let Value::Object(body) = body else {
            unreachable!()
        };
        core.register_client(&body, RegistrationRules::default(), 7)
    }

    #[test]
    fn registers_uma_clients() {
        let mut core = AsCore::new(&Fixtures::embedded().unwrap());
        let answer = register(
            &mut core,
            json!({"client_name": "App", "client_name#fr": "Appli",
                   "claims_redirect_uris": ["https://app.example/cb?x=1"],
                   "scope": "download", "unknown_member": 5}),
        )
        .unwrap();
        let id = answer["client_id"].as_str().unwrap();
        assert!(answer["client_secret"].as_str().unwrap().len() >= 43);
        assert_eq!(answer["client_secret_expires_at"], 0);
        assert_eq!(answer["client_id_issued_at"], 7);
        assert_eq!(answer["grant_types"], json!([UMA_TICKET]));
        assert_eq!(answer["token_endpoint_auth_method"], "client_secret_basic");
        assert_eq!(
            answer["claims_redirect_uris"],
            json!(["https://app.example/cb?x=1"])
        );
        assert_eq!(answer["client_name#fr"], "Appli");
        assert!(!answer.contains_key("unknown_member"));
        let client = core.clients.get(id).unwrap();
        assert!(client.may_use(UMA_TICKET));
        assert_eq!(client.scopes, ["download"]);
        assert_eq!(
            client.claims_redirect_uri(None),
            Some("https://app.example/cb?x=1")
        );
        let public = register(&mut core, json!({"token_endpoint_auth_method": "none"})).unwrap();
        assert!(!public.contains_key("client_secret"));
        let rejected = RegistrationRules {
            accept_claims_redirect_uris: false,
        };
        let Value::Object(body) = json!({"claims_redirect_uris": ["https://a/cb"]}) else {
            unreachable!()
        };
        assert!(matches!(
            core.register_client(&body, rejected, 0),
            Err(RegistrationError::InvalidClientMetadata(_))
        ));
    }

    #[test]
    fn refuses_bad_metadata() {
        let mut core = AsCore::new(&Fixtures::embedded().unwrap());
        for (body, redirect) in [
            (json!({"claims_redirect_uris": ["/relative"]}), true),
            (json!({"claims_redirect_uris": ["https://a/cb#frag"]}), true),
            (json!({"claims_redirect_uris": []}), true),
            (json!({"claims_redirect_uris": "https://a/cb"}), true),
            (json!({"redirect_uris": [1]}), true),
            (json!({"grant_types": ["authorization_code"]}), true),
            (
                json!({"token_endpoint_auth_method": "private_key_jwt"}),
                false,
            ),
            (json!({"grant_types": ["client_credentials"]}), false),
            (json!({"grant_types": ["password"]}), false),
            (
                json!({"grant_types": "urn:ietf:params:oauth:grant-type:uma-ticket"}),
                false,
            ),
            (
                json!({"token_endpoint_auth_method": "none", "grant_types": ["authorization_code"], "redirect_uris": ["https://a/cb"]}),
                false,
            ),
            (json!({"response_types": ["token"]}), false),
            (json!({"scope": ["a"]}), false),
            (json!({"client_uri": "not a uri"}), false),
            (json!({"client_name": 5}), false),
            (
                json!({"jwks": {"keys": []}, "jwks_uri": "https://a/jwks"}),
                false,
            ),
            (json!({"contacts": "me"}), false),
        ] {
            let result = register(&mut core, body.clone());
            if redirect {
                assert!(
                    matches!(result, Err(RegistrationError::InvalidRedirectUri(_))),
                    "{body}"
                );
            } else {
                assert!(
                    matches!(result, Err(RegistrationError::InvalidClientMetadata(_))),
                    "{body}"
                );
            }
        }
    }
}
