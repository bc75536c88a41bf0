//! The `state` of a claims interaction (Grant 3.3.2, 5.1): 128 random bits, base64url, with
//! nothing of the client in it; the deviations make it absent, guessable or revealing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::deviations::{Deviation, DeviationSet};

/// The state to send for the `number`th interaction of the run (from 1), if any.
pub(crate) fn new_state(deviations: DeviationSet, client_id: &str, number: u32) -> Option<String> {
    if deviations.has(Deviation::NoState) {
        return None;
    }
    if deviations.has(Deviation::GuessableState) {
        return Some(number.to_string());
    }
    let nonce = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
    if deviations.has(Deviation::StateExposesClientId) {
        return Some(format!("{client_id}.{nonce}"));
    }
    Some(nonce)
}

/// Compares without an early exit, so that timing tells nothing about how much matched.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_unless_a_deviation_says_otherwise() {
        let none = DeviationSet::default();
        let a = new_state(none, "c", 1).unwrap();
        let b = new_state(none, "c", 1).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 22, "16 bytes in base64url");
        assert!(!a.contains('c') || a != "c");
        let set = |n: &str| DeviationSet::parse(&[n.to_string()]).unwrap();
        assert_eq!(new_state(set("no-state"), "c", 1), None);
        assert_eq!(
            new_state(set("guessable-state"), "c", 2).as_deref(),
            Some("2")
        );
        assert!(
            new_state(set("state-exposes-client-id"), "my-client", 1)
                .unwrap()
                .starts_with("my-client.")
        );
        assert!(same(&a, &a) && !same(&a, &b) && !same("a", "ab"));
    }
}
