//! Identifiers and secrets handed out by the mock. They come straight from the operating system's
//! random source so that nothing a client sees can be predicted (Grant 5.4, RFC 6749 10.10).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRngCore;

/// Bytes of randomness in tokens and tickets (256 bits).
pub(crate) const TOKEN_BYTES: usize = 32;
/// Bytes of randomness in resource ids (128 bits, short enough to read in a URL).
pub(crate) const RESOURCE_ID_BYTES: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the operating system's random number generator is unavailable")]
pub(crate) struct RandomnessUnavailable;

/// A URL-safe (base64url, unpadded) string of `bytes` random bytes.
pub(crate) fn random_id(bytes: usize) -> Result<String, RandomnessUnavailable> {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng
        .try_fill_bytes(&mut buf)
        .map_err(|_| RandomnessUnavailable)?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_url_safe_long_and_distinct() {
        let a = random_id(TOKEN_BYTES).unwrap();
        let b = random_id(TOKEN_BYTES).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(random_id(RESOURCE_ID_BYTES).unwrap().len(), 22);
    }
}
