//! Authorization codes (RFC 6749 4.1.2): short-lived and single-use. A code presented twice is
//! refused, and the tokens issued for it are revoked, since one of the two presenters is not who
//! they claim to be (RFC 6749 4.1.2, 10.5).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::clock::Timestamp;
use super::ids::{RandomnessUnavailable, TOKEN_BYTES, random_id};

/// How long a redeemed code is remembered after it expired, to recognise a replay.
const REMEMBER_SECS: i64 = 3600;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthorizationCode {
    pub(crate) client_id: String,
    /// The resource owner who logged in.
    pub(crate) owner: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) redirect_uri_param: Option<String>,
    pub(crate) code_challenge: String,
    pub(crate) expires_at: Timestamp,
}

#[derive(Debug)]
struct Stored {
    code: AuthorizationCode,
    /// Set once the code was presented: the token issued for it, if any.
    redeemed: Option<Option<String>>,
}

/// What presenting a code found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Redemption {
    /// First presentation of a live code.
    Fresh(AuthorizationCode),
    /// Presented before; carries the token issued then, to be revoked.
    Replayed(Option<String>),
    /// Never issued, or expired.
    Invalid,
}

#[derive(Debug, Default)]
pub(crate) struct CodeStore {
    codes: HashMap<String, Stored>,
}

impl CodeStore {
    pub(crate) fn issue(
        &mut self,
        code: AuthorizationCode,
        now: Timestamp,
    ) -> Result<String, RandomnessUnavailable> {
        self.codes
            .retain(|_, s| now < s.code.expires_at.saturating_add(REMEMBER_SECS));
        loop {
            let value = random_id(TOKEN_BYTES)?;
            if let Entry::Vacant(slot) = self.codes.entry(value) {
                let value = slot.key().clone();
                slot.insert(Stored {
                    code,
                    redeemed: None,
                });
                return Ok(value);
            }
        }
    }

    /// Presents a code. Whatever the answer, the code cannot be redeemed afterwards.
    pub(crate) fn redeem(&mut self, value: &str, now: Timestamp) -> Redemption {
        let Some(stored) = self.codes.get_mut(value) else {
            return Redemption::Invalid;
        };
        if let Some(token) = &stored.redeemed {
            return Redemption::Replayed(token.clone());
        }
        stored.redeemed = Some(None);
        if now >= stored.code.expires_at {
            return Redemption::Invalid;
        }
        Redemption::Fresh(stored.code.clone())
    }

    /// Remembers the token issued for a redeemed code.
    pub(crate) fn record_token(&mut self, value: &str, token: &str) {
        if let Some(stored) = self.codes.get_mut(value) {
            stored.redeemed = Some(Some(token.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code() -> AuthorizationCode {
        AuthorizationCode {
            client_id: "rs".into(),
            owner: "alice".into(),
            scopes: vec!["uma_protection".into()],
            redirect_uri_param: None,
            code_challenge: "c".repeat(43),
            expires_at: 60,
        }
    }

    #[test]
    fn codes_are_single_use() {
        let mut store = CodeStore::default();
        let value = store.issue(code(), 0).unwrap();
        assert_eq!(store.redeem(&value, 10), Redemption::Fresh(code()));
        store.record_token(&value, "tok");
        assert_eq!(
            store.redeem(&value, 11),
            Redemption::Replayed(Some("tok".into()))
        );
        assert_eq!(store.redeem("made-up", 0), Redemption::Invalid);
    }

    #[test]
    fn expired_codes_are_invalid() {
        let mut store = CodeStore::default();
        let value = store.issue(code(), 0).unwrap();
        assert_eq!(store.redeem(&value, 60), Redemption::Invalid);
        assert_eq!(store.redeem(&value, 61), Redemption::Replayed(None));
    }
}
