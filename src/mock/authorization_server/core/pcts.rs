//! Persisted claims tokens (Grant 3.3.5, 5.2): a handle, issued with an RPT, to the claims
//! collected in one authorization process, which the same client may present later instead of
//! collecting them again. The claims stay at the AS; the handle is random and reveals nothing.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::claims::RequestingParty;
use super::clock::Timestamp;
use super::ids::{RandomnessUnavailable, TOKEN_BYTES, random_id};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pct {
    /// The client it was issued to: the only one that may use it (Grant 5.2).
    pub(crate) client_id: String,
    pub(crate) party: RequestingParty,
    pub(crate) expires_at: Timestamp,
    pub(crate) revoked: bool,
}

/// Why a presented PCT cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PctProblem {
    /// Unknown, expired or revoked.
    Invalid,
    OtherClient,
}

#[derive(Debug, Default)]
pub(crate) struct PctStore {
    pcts: HashMap<String, Pct>,
    /// Hand out "1", "2", ... (a deviation).
    pub(crate) sequential: bool,
    /// Make the value the base64url JSON of the claims (a deviation).
    pub(crate) reveal_claims: bool,
    counter: u64,
}

impl PctStore {
    pub(crate) fn issue(&mut self, pct: Pct) -> Result<String, RandomnessUnavailable> {
        if self.reveal_claims {
            // A random jti keeps each PCT distinct, as an unencrypted JWT's would be: the
            // deviation discloses claims, it does not make PCTs guessable or shared.
            let mut claims = pct.party.claims.clone();
            claims.insert("jti".into(), random_id(TOKEN_BYTES)?.into());
            let value = URL_SAFE_NO_PAD.encode(Value::Object(claims).to_string());
            self.pcts.insert(value.clone(), pct);
            return Ok(value);
        }
        loop {
            let value = if self.sequential {
                self.counter += 1;
                self.counter.to_string()
            } else {
                random_id(TOKEN_BYTES)?
            };
            if let Entry::Vacant(slot) = self.pcts.entry(value) {
                let value = slot.key().clone();
                slot.insert(pct);
                return Ok(value);
            }
        }
    }

    /// The PCT, if `client_id` may use it now. `any_client` skips the binding (a deviation).
    pub(crate) fn usable(
        &self,
        value: &str,
        client_id: &str,
        now: Timestamp,
        any_client: bool,
    ) -> Result<&Pct, PctProblem> {
        let pct = self
            .pcts
            .get(value)
            .filter(|p| !p.revoked && now < p.expires_at)
            .ok_or(PctProblem::Invalid)?;
        if pct.client_id != client_id && !any_client {
            return Err(PctProblem::OtherClient);
        }
        Ok(pct)
    }

    /// Revokes a PCT of `client_id` (RFC 7009: only the client it was issued to); true if one
    /// was.
    pub(crate) fn revoke(&mut self, value: &str, client_id: &str) -> bool {
        match self.pcts.get_mut(value) {
            Some(pct) if pct.client_id == client_id => {
                pct.revoked = true;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pct() -> Pct {
        let Value::Object(claims) = json!({"email": "carol@example.test"}) else {
            unreachable!()
        };
        Pct {
            client_id: "app".into(),
            party: RequestingParty {
                subject: Some("idp|carol".into()),
                claims,
            },
            expires_at: 100,
            revoked: false,
        }
    }

    #[test]
    fn bound_to_its_client_and_revocable() {
        let mut store = PctStore::default();
        let value = store.issue(pct()).unwrap();
        assert_eq!(value.len(), 43);
        assert!(!value.contains("carol"));
        assert!(store.usable(&value, "app", 10, false).is_ok());
        assert_eq!(
            store.usable(&value, "other", 10, false),
            Err(PctProblem::OtherClient)
        );
        assert!(store.usable(&value, "other", 10, true).is_ok());
        assert_eq!(
            store.usable(&value, "app", 100, false),
            Err(PctProblem::Invalid)
        );
        assert!(!store.revoke(&value, "other"));
        assert!(store.revoke(&value, "app"));
        assert_eq!(
            store.usable(&value, "app", 10, false),
            Err(PctProblem::Invalid)
        );
        assert_eq!(
            store.usable("never", "app", 10, false),
            Err(PctProblem::Invalid)
        );
    }

    #[test]
    fn deviating_values() {
        let mut store = PctStore {
            sequential: true,
            ..PctStore::default()
        };
        assert_eq!(store.issue(pct()).unwrap(), "1");
        assert_eq!(store.issue(pct()).unwrap(), "2");
        let mut revealing = PctStore {
            reveal_claims: true,
            ..PctStore::default()
        };
        let value = revealing.issue(pct()).unwrap();
        let decoded = URL_SAFE_NO_PAD.decode(&value).unwrap();
        assert!(
            String::from_utf8(decoded)
                .unwrap()
                .contains("carol@example.test")
        );
        assert!(revealing.usable(&value, "app", 10, false).is_ok());
    }
}
