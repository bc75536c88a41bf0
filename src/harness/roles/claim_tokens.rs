//! Claim tokens the client pushes for the requesting party (Grant 3.3.1): signed by the harness
//! with the target's test identity provider key at the moment of use, so that their expiry is
//! fresh by the authorization server's clock, and the flawed variants Grant 5.7 is about.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value};

use crate::harness::wire::{HttpDriver, Request};

/// How to mint the requesting party's claim token.
#[derive(Clone)]
pub struct MintRecipe {
    pub key: EncodingKey,
    pub algorithm: Algorithm,
    pub issuer: String,
    /// `{client_id}` and `{issuer}` stand for the pushing client and the AS's issuer: an ID token
    /// is addressed to the client, a JWT claim token to the authorization server.
    pub audience: String,
    pub subject: String,
    pub claims: Map<String, Value>,
    pub lifetime_secs: u64,
    pub format: String,
}

impl fmt::Debug for MintRecipe {
    // The private key stays out of logs and reports.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MintRecipe")
            .field("algorithm", &self.algorithm)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("subject", &self.subject)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

/// The signing key for `algorithm` from the content of a PEM file. Only private-key signatures:
/// with a shared secret the AS could not tell the identity provider from anyone who holds it.
pub fn signing_key(algorithm: &str, pem: &[u8]) -> Result<(Algorithm, EncodingKey), String> {
    let parsed = Algorithm::from_str(algorithm)
        .map_err(|_| format!("unknown JWS algorithm {algorithm:?}"))?;
    let key = match parsed {
        Algorithm::RS256
        | Algorithm::RS384
        | Algorithm::RS512
        | Algorithm::PS256
        | Algorithm::PS384
        | Algorithm::PS512 => EncodingKey::from_rsa_pem(pem),
        Algorithm::ES256 | Algorithm::ES384 => EncodingKey::from_ec_pem(pem),
        Algorithm::EdDSA => EncodingKey::from_ed_pem(pem),
        _ => {
            return Err(format!(
                "{algorithm} uses a shared secret; give an RSA, EC or EdDSA private key"
            ));
        }
    }
    .map_err(|e| format!("the key is not a PEM private key for {algorithm}: {e}"))?;
    Ok((parsed, key))
}

/// Who pushes the token, to whom, and when.
#[derive(Debug, Clone, Copy)]
pub struct Occasion<'a> {
    pub client_id: &'a str,
    pub as_issuer: &'a str,
    /// Seconds since the epoch by the authorization server's clock.
    pub now: u64,
}

impl MintRecipe {
    /// A fresh token; `audience` replaces the configured one (a token meant for someone else).
    pub fn mint(&self, at: Occasion<'_>, audience: Option<&str>) -> Result<String, String> {
        let audience = audience.map(str::to_string).unwrap_or_else(|| {
            self.audience
                .replace("{client_id}", at.client_id)
                .replace("{issuer}", at.as_issuer)
        });
        let mut claims = self.claims.clone();
        // The token's own members win over same-named configured claims.
        for (name, value) in [
            ("iss", Value::from(self.issuer.clone())),
            ("sub", Value::from(self.subject.clone())),
            ("aud", Value::from(audience)),
            ("iat", Value::from(at.now)),
            (
                "exp",
                Value::from(at.now.saturating_add(self.lifetime_secs)),
            ),
            // Unique, so an AS that refuses replayed tokens still takes each one.
            (
                "jti",
                Value::from(format!("{:032x}", rand::random::<u128>())),
            ),
        ] {
            claims.insert(name.to_string(), value);
        }
        jsonwebtoken::encode(&Header::new(self.algorithm), &claims, &self.key)
            .map_err(|e| format!("cannot sign the claim token: {e}"))
    }
}

/// The same JWS with one bit of its signature flipped; `None` if it is not a compact JWS.
pub fn with_broken_signature(token: &str) -> Option<String> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return None;
    };
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).ok()?;
    // A middle byte: the last character of base64url may carry bits nobody decodes.
    let middle = bytes.len().checked_div(2)?;
    *bytes.get_mut(middle)? ^= 0x01;
    Some(format!(
        "{header}.{payload}.{}",
        URL_SAFE_NO_PAD.encode(bytes)
    ))
}

/// The authorization server's "now": a reference mock's clock (it may have been moved forward),
/// otherwise ours.
pub async fn now(driver: &HttpDriver, control_api: Option<&str>) -> Result<u64, String> {
    let Some(control) = control_api else {
        return std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .map_err(|e| format!("the system clock is before 1970: {e}"));
    };
    let url = format!("{}/clock", control.trim_end_matches('/'));
    let (_, answer) = driver.send(Request::get(url)).await;
    let response = answer.map_err(|e| format!("the mock's clock did not answer: {e}"))?;
    let body = response.json()?;
    body.get("now")
        .and_then(Value::as_f64)
        .filter(|n| *n >= 0.0)
        .map(|n| n as u64)
        .ok_or_else(|| format!("the mock's clock answered {body}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::assets::MOCKS;
    use jsonwebtoken::{DecodingKey, Validation};

    fn recipe() -> MintRecipe {
        let pem = MOCKS
            .get_file("authorization-server/keys/idp-test-private.pem")
            .unwrap()
            .contents();
        let (algorithm, key) = signing_key("RS256", pem).unwrap();
        MintRecipe {
            key,
            algorithm,
            issuer: "https://idp.example.test".into(),
            audience: "{client_id}".into(),
            subject: "carol".into(),
            claims: serde_json::json!({"email": "carol@example.test", "sub": "ignored"})
                .as_object()
                .unwrap()
                .clone(),
            lifetime_secs: 300,
            format: "id-token".into(),
        }
    }

    fn verify(token: &str) -> Result<Map<String, Value>, jsonwebtoken::errors::Error> {
        let pem = MOCKS
            .get_file("authorization-server/keys/idp-test-public.pem")
            .unwrap()
            .contents();
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_aud = false;
        validation.validate_exp = false;
        jsonwebtoken::decode(token, &DecodingKey::from_rsa_pem(pem).unwrap(), &validation)
            .map(|d| d.claims)
    }

    #[test]
    fn minted_tokens_verify_and_carry_the_occasion() {
        let at = Occasion {
            client_id: "uma-client",
            as_issuer: "https://as.test",
            now: 1000,
        };
        let token = recipe().mint(at, None).unwrap();
        let claims = verify(&token).unwrap();
        assert_eq!(claims["aud"], "uma-client");
        assert_eq!(claims["sub"], "carol");
        assert_eq!(claims["exp"], 1300);
        assert_eq!(claims["email"], "carol@example.test");
        let elsewhere = recipe().mint(at, Some("https://other.test")).unwrap();
        assert_eq!(verify(&elsewhere).unwrap()["aud"], "https://other.test");
        assert_ne!(
            token,
            recipe().mint(at, None).unwrap(),
            "a fresh jti each time"
        );
        let broken = with_broken_signature(&token).unwrap();
        assert_ne!(broken, token);
        assert!(verify(&broken).is_err());
        assert!(with_broken_signature("not-a-jws").is_none());
    }

    #[test]
    fn shared_secrets_and_wrong_keys_are_refused() {
        assert!(signing_key("HS256", b"secret").is_err());
        assert!(signing_key("ES256", b"-----BEGIN PRIVATE KEY-----\n").is_err());
        assert!(signing_key("XX1", b"").is_err());
        let debug = format!("{:?}", recipe());
        assert!(!debug.contains("PRIVATE"), "{debug}");
    }
}
