//! Pushed claim tokens (Grant 3.3.1, 5.7): OpenID Connect ID tokens and signed JWTs from the
//! identity providers the fixtures trust. A token counts only if its issuer is known, the client
//! pushing it is trusted for that issuer, its signature verifies with the issuer's key and
//! algorithm, its audience names the intended recipient, and the mock's clock is inside its
//! validity. Anything else is a token the AS cannot use, which the grant answers with need_info.
//!
//! The audience depends on the format: an ID token is issued to the client (its `aud` is the
//! `client_id`), while a JWT claim token is meant for this authorization server (its `aud` is
//! the AS issuer).

use std::str::FromStr;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

use super::claims::{ClaimSet, RequestingParty};
use super::clock::Timestamp;
use super::policy::{ID_TOKEN_FORMAT, JWT_FORMAT};
use crate::mock::authorization_server::fixtures::IdentityProviderFixture;

/// JWT members about the token itself rather than the requesting party; they are not kept as
/// claims.
const PROTOCOL_MEMBERS: [&str; 10] = [
    "aud",
    "exp",
    "nbf",
    "iat",
    "jti",
    "azp",
    "nonce",
    "auth_time",
    "at_hash",
    "c_hash",
];

/// Why a pushed claim token cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ClaimTokenError {
    UnsupportedFormat(String),
    Malformed(String),
    UnknownIssuer(String),
    UntrustedClient(String),
    BadSignature,
    WrongAudience,
    Expired,
    NotYetValid,
}

impl ClaimTokenError {
    pub(crate) fn describe(&self) -> String {
        match self {
            ClaimTokenError::UnsupportedFormat(f) => {
                format!("claim token format {f:?} is not supported; use an ID token or a JWT")
            }
            ClaimTokenError::Malformed(why) => format!("the claim token is malformed: {why}"),
            ClaimTokenError::UnknownIssuer(iss) => {
                format!("claim tokens of issuer {iss:?} are not trusted")
            }
            ClaimTokenError::UntrustedClient(iss) => {
                format!("this client is not trusted to push claim tokens of {iss:?}")
            }
            ClaimTokenError::BadSignature => "the claim token's signature does not verify".into(),
            ClaimTokenError::WrongAudience => {
                "the claim token's audience does not name its intended recipient".into()
            }
            ClaimTokenError::Expired => "the claim token has expired".into(),
            ClaimTokenError::NotYetValid => "the claim token is not valid yet".into(),
        }
    }
}

/// Switches for the checks. The default is the spec's behaviour; deviations turn parts off.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClaimTokenRules {
    /// Verify the signature and that issuer and pushing client are trusted (Grant 5.7).
    pub(crate) check_signature_and_trust: bool,
    /// Refuse tokens whose audience does not name the recipient (Grant 5.7).
    pub(crate) check_audience: bool,
}

impl Default for ClaimTokenRules {
    fn default() -> Self {
        ClaimTokenRules {
            check_signature_and_trust: true,
            check_audience: true,
        }
    }
}

/// Who is asking to have a token accepted, and where.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Presentation<'a> {
    pub(crate) token: &'a str,
    pub(crate) format: &'a str,
    pub(crate) client_id: &'a str,
    pub(crate) as_issuer: &'a str,
    pub(crate) now: Timestamp,
}

#[derive(Debug, Clone)]
struct Provider {
    issuer: String,
    algorithm: Algorithm,
    key: DecodingKey,
    trusted_clients: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct IdentityProviders {
    providers: Vec<Provider>,
}

/// The algorithm named in a fixture and the public key to verify it with. Only asymmetric
/// signatures: a shared secret would let every client forge tokens.
pub(crate) fn parse_algorithm(name: &str, pem: &str) -> Result<(Algorithm, DecodingKey), String> {
    let algorithm = Algorithm::from_str(name).map_err(|_| format!("unknown algorithm {name:?}"))?;
    let key = match algorithm {
        Algorithm::RS256
        | Algorithm::RS384
        | Algorithm::RS512
        | Algorithm::PS256
        | Algorithm::PS384
        | Algorithm::PS512 => DecodingKey::from_rsa_pem(pem.as_bytes()),
        Algorithm::ES256 | Algorithm::ES384 => DecodingKey::from_ec_pem(pem.as_bytes()),
        _ => return Err(format!("algorithm {name} is not an RSA or EC signature")),
    }
    .map_err(|err| format!("the public key does not suit {name}: {err}"))?;
    Ok((algorithm, key))
}

impl IdentityProviders {
    pub(crate) fn from_fixtures(fixtures: &[IdentityProviderFixture]) -> Self {
        let providers = fixtures
            .iter()
            .filter_map(|f| {
                // Validated when the fixtures loaded.
                let (algorithm, key) = parse_algorithm(&f.algorithm, &f.public_key_pem).ok()?;
                Some(Provider {
                    issuer: f.issuer.clone(),
                    algorithm,
                    key,
                    trusted_clients: f.trusted_clients.clone(),
                })
            })
            .collect();
        IdentityProviders { providers }
    }

    /// The issuers whose tokens `client_id` may push, for need_info hints.
    pub(crate) fn issuers_trusting(&self, client_id: &str) -> Vec<String> {
        self.providers
            .iter()
            .filter(|p| p.trusted_clients.iter().any(|c| c == client_id))
            .map(|p| p.issuer.clone())
            .collect()
    }

    /// The requesting party a pushed token describes, if the token can be used.
    pub(crate) fn verify(
        &self,
        presented: Presentation<'_>,
        rules: ClaimTokenRules,
    ) -> Result<RequestingParty, ClaimTokenError> {
        let expected_audience = match presented.format {
            ID_TOKEN_FORMAT => presented.client_id,
            JWT_FORMAT => presented.as_issuer,
            other => return Err(ClaimTokenError::UnsupportedFormat(other.to_string())),
        };
        // Read the payload first, to know whose key to verify it with.
        let unverified =
            jsonwebtoken::dangerous::insecure_decode::<Map<String, Value>>(presented.token)
                .map_err(|err| ClaimTokenError::Malformed(err.to_string()))?
                .claims;
        let issuer = unverified
            .get("iss")
            .and_then(Value::as_str)
            .ok_or_else(|| ClaimTokenError::Malformed("iss is missing".into()))?
            .to_string();
        if rules.check_signature_and_trust {
            let provider = self
                .providers
                .iter()
                .find(|p| p.issuer == issuer)
                .ok_or_else(|| ClaimTokenError::UnknownIssuer(issuer.clone()))?;
            if !provider
                .trusted_clients
                .iter()
                .any(|c| c == presented.client_id)
            {
                return Err(ClaimTokenError::UntrustedClient(issuer));
            }
            // The header's alg must be the provider's: no algorithm confusion.
            let mut validation = Validation::new(provider.algorithm);
            validation.required_spec_claims.clear();
            validation.validate_exp = false;
            validation.validate_nbf = false;
            validation.validate_aud = false;
            jsonwebtoken::decode::<Map<String, Value>>(presented.token, &provider.key, &validation)
                .map_err(|_| ClaimTokenError::BadSignature)?;
        }
        if rules.check_audience && !names_audience(unverified.get("aud"), expected_audience) {
            return Err(ClaimTokenError::WrongAudience);
        }
        let time = |name: &str| unverified.get(name).and_then(Value::as_f64);
        let now = presented.now as f64;
        match time("exp") {
            None => return Err(ClaimTokenError::Malformed("exp is missing".into())),
            Some(exp) if now >= exp => return Err(ClaimTokenError::Expired),
            Some(_) => {}
        }
        if time("nbf").is_some_and(|nbf| now < nbf) {
            return Err(ClaimTokenError::NotYetValid);
        }
        let subject = unverified
            .get("sub")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ClaimTokenError::Malformed("sub is missing".into()))?;
        let subject = format!("{issuer}|{subject}");
        let claims: ClaimSet = unverified
            .into_iter()
            .filter(|(name, _)| !PROTOCOL_MEMBERS.contains(&name.as_str()))
            .collect();
        Ok(RequestingParty {
            subject: Some(subject),
            claims,
        })
    }
}

/// RFC 7519 4.1.3: a single string or an array of strings, one of which must be ours.
fn names_audience(aud: Option<&Value>, expected: &str) -> bool {
    match aud {
        Some(Value::String(single)) => single == expected,
        Some(Value::Array(many)) => many.iter().any(|a| a.as_str() == Some(expected)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::authorization_server::fixtures::Fixtures;
    use crate::spec::assets::MOCKS;
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;

    const AS: &str = "https://as.example.test";

    fn private_key() -> EncodingKey {
        let pem = MOCKS
            .get_file("authorization-server/keys/idp-test-private.pem")
            .unwrap()
            .contents();
        EncodingKey::from_rsa_pem(pem).unwrap()
    }

    fn mint(claims: Value) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &private_key()).unwrap()
    }

    fn carol(aud: &str) -> Value {
        json!({"iss": "https://idp.example.test", "sub": "carol", "aud": aud, "exp": 2000,
               "iat": 900, "email": "carol@example.test", "roles": ["doctor"]})
    }

    fn providers() -> IdentityProviders {
        IdentityProviders::from_fixtures(Fixtures::embedded().unwrap().identity_providers())
    }

    fn present<'a>(token: &'a str, format: &'a str, client: &'a str, now: i64) -> Presentation<'a> {
        Presentation {
            token,
            format,
            client_id: client,
            as_issuer: AS,
            now,
        }
    }

    #[test]
    fn a_trusted_token_yields_its_claims() {
        let idps = providers();
        let strict = ClaimTokenRules::default();
        let token = mint(carol("uma-client"));
        let party = idps
            .verify(present(&token, ID_TOKEN_FORMAT, "uma-client", 1000), strict)
            .unwrap();
        assert_eq!(
            party.subject.as_deref(),
            Some("https://idp.example.test|carol")
        );
        assert_eq!(party.claims["roles"], json!(["doctor"]));
        assert!(!party.claims.contains_key("exp") && !party.claims.contains_key("aud"));
        let jwt = mint(carol(AS));
        assert!(
            idps.verify(present(&jwt, JWT_FORMAT, "uma-client", 1000), strict)
                .is_ok()
        );
        assert_eq!(
            idps.issuers_trusting("uma-client"),
            ["https://idp.example.test"]
        );
        assert!(idps.issuers_trusting("uma-stranger").is_empty());
    }

    #[test]
    fn every_flaw_is_refused() {
        let idps = providers();
        let strict = ClaimTokenRules::default();
        let token = mint(carol("uma-client"));
        let check = |t: &str, format: &str, client: &str, now: i64| {
            idps.verify(present(t, format, client, now), strict)
                .unwrap_err()
        };
        assert!(matches!(
            check(&token, "saml", "uma-client", 1000),
            ClaimTokenError::UnsupportedFormat(_)
        ));
        assert!(matches!(
            check("not-a-jwt", ID_TOKEN_FORMAT, "uma-client", 1000),
            ClaimTokenError::Malformed(_)
        ));
        assert!(matches!(
            check(&token, ID_TOKEN_FORMAT, "uma-stranger", 1000),
            ClaimTokenError::UntrustedClient(_)
        ));
        // An ID token for the client is not a JWT for the AS, and the reverse.
        assert_eq!(
            check(&token, JWT_FORMAT, "uma-client", 1000),
            ClaimTokenError::WrongAudience
        );
        assert_eq!(
            check(&token, ID_TOKEN_FORMAT, "uma-client", 2000),
            ClaimTokenError::Expired
        );
        let mut early = carol("uma-client");
        early["nbf"] = json!(1500);
        assert_eq!(
            check(&mint(early), ID_TOKEN_FORMAT, "uma-client", 1000),
            ClaimTokenError::NotYetValid
        );
        let mut stranger = carol("uma-client");
        stranger["iss"] = json!("https://evil.example.test");
        assert!(matches!(
            check(&mint(stranger), ID_TOKEN_FORMAT, "uma-client", 1000),
            ClaimTokenError::UnknownIssuer(_)
        ));
        let mut no_sub = carol("uma-client");
        no_sub.as_object_mut().unwrap().remove("sub");
        assert!(matches!(
            check(&mint(no_sub), ID_TOKEN_FORMAT, "uma-client", 1000),
            ClaimTokenError::Malformed(_)
        ));
        // A changed payload breaks the signature.
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged_payload = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            serde_json::to_vec(&json!({"iss": "https://idp.example.test", "sub": "mallory",
                                       "aud": "uma-client", "exp": 2000}))
            .unwrap(),
        );
        parts[1] = &forged_payload;
        let forged = parts.join(".");
        assert_eq!(
            check(&forged, ID_TOKEN_FORMAT, "uma-client", 1000),
            ClaimTokenError::BadSignature
        );
        // So does another algorithm.
        let hs = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &carol("uma-client"),
            &EncodingKey::from_secret(b"guess"),
        )
        .unwrap();
        assert_eq!(
            check(&hs, ID_TOKEN_FORMAT, "uma-client", 1000),
            ClaimTokenError::BadSignature
        );

        let lax = ClaimTokenRules {
            check_signature_and_trust: false,
            check_audience: false,
        };
        assert!(
            idps.verify(present(&forged, JWT_FORMAT, "uma-stranger", 1000), lax)
                .is_ok()
        );
        assert!(
            idps.verify(present(&forged, JWT_FORMAT, "uma-stranger", 2000), lax)
                .is_err()
        );
    }
}
