//! JWT RPTs checked locally (FedAuthz 5): when the AS publishes `jwks_uri`, a bearer token that
//! is a compact JWS is verified against the AS's JWK Set instead of being introspected. The set
//! is fetched on first use and kept; a token naming a key id the kept set lacks makes the server
//! fetch it once more (the AS may have rolled its key). A token that verifies, is issued by the
//! AS (`iss`) and carries an integer `exp` reads as an active introspection answer holding its
//! claims, so the access decision ([`super::access::permits_all`]) is the same for both paths,
//! token-level and permission-level times alike, read against the AS's clock.

use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, Validation};
use serde_json::Value;
use tokio::sync::Mutex;

use super::as_client::{AsClient, AsFailure};

/// Why a JWS could not be taken as an introspection answer.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejection {
    /// The token is no good: bad signature, unknown key, wrong issuer, no `exp`, malformed.
    Invalid(String),
    /// The AS's JWK Set could not be had, so the token cannot be judged.
    Unreachable(String),
}

/// Whether a bearer token is a compact JWS: three non-empty base64url segments. Anything else
/// is left to introspection.
pub fn is_compact_jws(token: &str) -> bool {
    let segments: Vec<&str> = token.split('.').collect();
    segments.len() == 3
        && segments.iter().all(|s| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The kept JWK Set of the AS.
#[derive(Debug, Default)]
pub struct KeyCache {
    /// Held while fetching, so that concurrent first uses fetch once.
    keys: Mutex<Option<JwkSet>>,
}

/// What the AS's `jwks_uri` answered, keys of kinds this crate cannot use left out.
fn key_set(document: &Value) -> JwkSet {
    let keys = document
        .get("keys")
        .and_then(Value::as_array)
        .map(|keys| {
            keys.iter()
                .filter_map(|k| serde_json::from_value::<Jwk>(k.clone()).ok())
                .collect()
        })
        .unwrap_or_default();
    JwkSet { keys }
}

impl KeyCache {
    /// Verifies `token` with the AS's keys, fetching them on first use and once more when the
    /// token names a key id the kept set lacks. On success, the claims as an introspection
    /// answer: `active` is true, every other member is the token's.
    pub async fn check(&self, as_client: &AsClient, token: &str) -> Result<Value, Rejection> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| Rejection::Invalid(format!("unreadable JWS header: {e}")))?;
        let mut keys = self.keys.lock().await;
        let missing = |set: &Option<JwkSet>| match (&header.kid, set) {
            (_, None) => true,
            (Some(kid), Some(set)) => set.find(kid).is_none(),
            (None, Some(_)) => false,
        };
        if missing(&keys) {
            // First use, or a key id the kept set lacks: fetch (again), once.
            let document = match as_client.jwks().await {
                None => return Err(Rejection::Invalid("the AS publishes no jwks_uri".into())),
                Some(Err(AsFailure::Unreachable(why))) => return Err(Rejection::Unreachable(why)),
                Some(Err(refused)) => {
                    return Err(Rejection::Invalid(format!("the JWK Set: {refused}")));
                }
                Some(Ok(document)) => document,
            };
            *keys = Some(key_set(&document));
        }
        let set = keys
            .as_ref()
            .cloned()
            .unwrap_or(JwkSet { keys: Vec::new() });
        drop(keys);
        verify(token, &header, &set, &as_client.endpoints.issuer)
    }
}

/// Verifies `token` against the keys of `set` (the one its `kid` names, or any when it names
/// none) and checks that `iss` is `issuer` and `exp` an integer. Times are left to the access
/// decision, against the AS's clock.
fn verify(
    token: &str,
    header: &jsonwebtoken::Header,
    set: &JwkSet,
    issuer: &str,
) -> Result<Value, Rejection> {
    let alg = header.alg;
    if AlgorithmFamily::Hmac.algorithms().contains(&alg) {
        // A shared secret is nothing the AS publishes: such a token cannot be the AS's.
        return Err(Rejection::Invalid(format!(
            "{alg:?} is not a public-key algorithm"
        )));
    }
    let candidates: Vec<&Jwk> = match &header.kid {
        Some(kid) => set.find(kid).into_iter().collect(),
        None => set.keys.iter().collect(),
    };
    if candidates.is_empty() {
        return Err(Rejection::Invalid(match &header.kid {
            Some(kid) => format!("no key {kid:?} in the AS's JWK Set"),
            None => "the AS's JWK Set is empty".into(),
        }));
    }
    let mut validation = Validation::new(alg);
    // Times are read against the AS's clock by the access decision, not the system's here.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims = candidates
        .into_iter()
        .filter(|jwk| usable_for(jwk, alg))
        .find_map(|jwk| {
            let key = DecodingKey::from_jwk(jwk).ok()?;
            jsonwebtoken::decode::<Value>(token, &key, &validation)
                .ok()
                .map(|data| data.claims)
        })
        .ok_or_else(|| Rejection::Invalid("the signature does not verify".into()))?;
    let Value::Object(mut claims) = claims else {
        return Err(Rejection::Invalid(
            "the claims are not a JSON object".into(),
        ));
    };
    if claims.get("iss").and_then(Value::as_str) != Some(issuer) {
        return Err(Rejection::Invalid(format!(
            "iss is {:?}, not the AS's issuer",
            claims.get("iss")
        )));
    }
    if !claims.get("exp").is_some_and(Value::is_i64) {
        return Err(Rejection::Invalid("no integer exp".into()));
    }
    // A token that verifies is as good as an active introspection answer with its claims.
    claims.insert("active".into(), Value::Bool(true));
    Ok(Value::Object(claims))
}

/// Whether a key may verify a signature made with `alg`: not an encryption key, and of that
/// algorithm when it names one.
fn usable_for(jwk: &Jwk, alg: Algorithm) -> bool {
    let for_signing = !matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption));
    let same_alg = jwk
        .common
        .key_algorithm
        .is_none_or(|key_alg| serde_json::to_value(key_alg).ok() == serde_json::to_value(alg).ok());
    for_signing && same_alg
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::jwk::ThumbprintHash;
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;

    const ISSUER: &str = "https://as.example";

    fn signer() -> (EncodingKey, Jwk) {
        let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let key = EncodingKey::from_ec_der(&pair.serialize_der());
        let mut jwk = Jwk::from_encoding_key(&key, Algorithm::ES256).unwrap();
        jwk.common.key_id = Some(jwk.thumbprint(ThumbprintHash::SHA256));
        (key, jwk)
    }

    fn sign(key: &EncodingKey, kid: Option<&str>, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = kid.map(str::to_string);
        jsonwebtoken::encode(&header, claims, key).unwrap()
    }

    fn check(token: &str, set: &JwkSet) -> Result<Value, Rejection> {
        let header = jsonwebtoken::decode_header(token).unwrap();
        verify(token, &header, set, ISSUER)
    }

    #[test]
    fn only_three_base64url_segments_make_a_jws() {
        assert!(is_compact_jws("eyJh.eyJi.c2ln"));
        assert!(is_compact_jws("a-b_c.d.e"));
        assert!(!is_compact_jws("opaque-token"));
        assert!(!is_compact_jws("a.b"));
        assert!(!is_compact_jws("a.b.c.d.e"));
        assert!(!is_compact_jws("a..c"));
        assert!(!is_compact_jws("a.b=.c"));
        assert!(!is_compact_jws("a.b+/.c"));
    }

    #[test]
    fn a_token_of_the_as_reads_as_an_active_answer() {
        let (key, jwk) = signer();
        let kid = jwk.common.key_id.clone();
        let set = JwkSet { keys: vec![jwk] };
        let claims = json!({"iss": ISSUER, "exp": 2000, "iat": 1000, "permissions": []});
        let answer = check(&sign(&key, kid.as_deref(), &claims), &set).unwrap();
        assert_eq!(answer["active"], json!(true));
        assert_eq!(answer["exp"], json!(2000));
        // Without a kid, any key of the set may verify it.
        assert!(check(&sign(&key, None, &claims), &set).is_ok());
        // The token's own times are left to the access decision (here long past).
        assert_eq!(answer["iat"], json!(1000));
    }

    #[test]
    fn bad_signatures_issuers_keys_and_times_are_invalid() {
        let (key, jwk) = signer();
        let kid = jwk.common.key_id.clone();
        let set = JwkSet { keys: vec![jwk] };
        let good = json!({"iss": ISSUER, "exp": 2000});
        let token = sign(&key, kid.as_deref(), &good);
        // The payload of another token of the same key under this token's signature.
        let richer = sign(&key, kid.as_deref(), &json!({"iss": ISSUER, "exp": 9000}));
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            richer.split('.').nth(1).unwrap(),
            parts[2]
        );
        let other = {
            let (other_key, _) = signer();
            sign(&other_key, kid.as_deref(), &good)
        };
        for (token, why) in [
            (other, "signed by another key"),
            (
                sign(
                    &key,
                    kid.as_deref(),
                    &json!({"iss": "https://other", "exp": 2000}),
                ),
                "another issuer",
            ),
            (
                sign(&key, kid.as_deref(), &json!({"iss": ISSUER})),
                "no exp",
            ),
            (
                sign(&key, kid.as_deref(), &json!({"iss": ISSUER, "exp": "2000"})),
                "exp a string",
            ),
            (sign(&key, Some("unknown"), &good), "unknown kid"),
            (forged, "a payload the signature is not for"),
        ] {
            assert!(
                matches!(check(&token, &set), Err(Rejection::Invalid(_))),
                "{why}"
            );
        }
        let hs = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &good,
            &EncodingKey::from_secret(b"secret"),
        )
        .unwrap();
        assert!(check(&hs, &set).is_err());
    }

    #[test]
    fn unusable_keys_are_skipped_when_reading_the_set() {
        let (_, jwk) = signer();
        let document = json!({"keys": [{"kty": "nope"}, jwk]});
        assert_eq!(key_set(&document).keys.len(), 1);
        assert!(key_set(&json!({})).keys.is_empty());
    }
}
