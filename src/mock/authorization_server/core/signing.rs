//! The AS's own signing key, for RPTs issued as JWTs (`rpt_format: "jwt"`). The key is made
//! fresh at start-up (ES256), so nothing outside this process can sign as the AS; its public
//! half is published at `jwks_uri` for resource servers that verify RPTs themselves.

use std::fmt;

use jsonwebtoken::jwk::{Jwk, PublicKeyUse, ThumbprintHash};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

pub(crate) struct RptSigner {
    key: EncodingKey,
    jwk: Jwk,
}

impl fmt::Debug for RptSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the private key.
        f.debug_struct("RptSigner")
            .field("kid", &self.jwk.common.key_id)
            .finish_non_exhaustive()
    }
}

impl RptSigner {
    pub(crate) fn generate() -> Result<RptSigner, String> {
        let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .map_err(|err| format!("cannot generate the RPT signing key: {err}"))?;
        let key = EncodingKey::from_ec_der(&pair.serialize_der());
        let mut jwk = Jwk::from_encoding_key(&key, Algorithm::ES256)
            .map_err(|err| format!("cannot describe the RPT signing key: {err}"))?;
        // RFC 7638: the key id is the key's thumbprint, stable for the key and unique to it.
        jwk.common.key_id = Some(jwk.thumbprint(ThumbprintHash::SHA256));
        jwk.common.public_key_use = Some(PublicKeyUse::Signature);
        Ok(RptSigner { key, jwk })
    }

    /// A compact JWS of `claims`, with the key id in the header.
    pub(crate) fn sign(&self, claims: &Value) -> Result<String, String> {
        let mut header = Header::new(Algorithm::ES256);
        header.kid.clone_from(&self.jwk.common.key_id);
        jsonwebtoken::encode(&header, claims, &self.key)
            .map_err(|err| format!("cannot sign the RPT: {err}"))
    }

    /// The JWK Set document of `jwks_uri` (RFC 7517 5).
    pub(crate) fn jwks(&self) -> Value {
        json!({ "keys": [self.jwk] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::jwk::JwkSet;
    use jsonwebtoken::{DecodingKey, Validation};

    #[test]
    fn signatures_verify_with_the_published_key() {
        let signer = RptSigner::generate().unwrap();
        let token = signer
            .sign(&json!({"iss": "https://as", "exp": 4_000_000_000u64}))
            .unwrap();
        let set: JwkSet = serde_json::from_value(signer.jwks()).unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        let jwk = set.find(header.kid.as_deref().unwrap()).unwrap();
        let key = DecodingKey::from_jwk(jwk).unwrap();
        let data = jsonwebtoken::decode::<Value>(&token, &key, &Validation::new(Algorithm::ES256))
            .unwrap();
        assert_eq!(data.claims["iss"], "https://as");
        assert!(!format!("{signer:?}").contains("key:"));
        let other = RptSigner::generate().unwrap();
        assert_ne!(other.jwk.common.key_id, signer.jwk.common.key_id);
    }
}
