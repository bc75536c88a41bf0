//! Proof Key for Code Exchange (RFC 7636), S256 only: the plain method would let anyone who sees
//! the authorization request redeem the code, and S256 is the one every server must implement.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::secrets::constant_time_eq;
use super::sha256::sha256;

/// The only transformation the mock accepts.
pub(crate) const S256: &str = "S256";

/// RFC 7636 4.1/4.2: 43 to 128 characters from the URI unreserved set. Challenges and verifiers
/// share this syntax.
pub(crate) fn is_well_formed(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// RFC 7636 4.6: base64url(SHA-256(verifier)) must equal the challenge bound to the code.
pub(crate) fn verifies(verifier: &str, challenge: &str) -> bool {
    let computed = URL_SAFE_NO_PAD.encode(sha256(verifier.as_bytes()));
    constant_time_eq(computed.as_bytes(), challenge.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_example_verifies() {
        // RFC 7636 Appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(is_well_formed(verifier) && is_well_formed(challenge));
        assert!(verifies(verifier, challenge));
        assert!(!verifies(&verifier.replace('d', "e"), challenge));
        assert!(!verifies(challenge, challenge));
    }

    #[test]
    fn syntax() {
        assert!(!is_well_formed(&"a".repeat(42)));
        assert!(is_well_formed(&"a".repeat(128)));
        assert!(!is_well_formed(&"a".repeat(129)));
        assert!(!is_well_formed(&format!("{}+", "a".repeat(43))));
        assert!(is_well_formed(&format!("{}-._~", "a".repeat(43))));
    }
}
