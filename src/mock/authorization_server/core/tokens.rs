//! Access tokens issued by the mock (so far only PATs from the client credentials grant).

use std::collections::HashMap;

use super::clock::Timestamp;
use super::ids::{RandomnessUnavailable, TOKEN_BYTES, random_id};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccessToken {
    pub(crate) client_id: String,
    /// The resource owner who authorized the token; a PAT always has one.
    pub(crate) owner: Option<String>,
    pub(crate) scopes: Vec<String>,
    pub(crate) issued_at: Timestamp,
    pub(crate) expires_at: Timestamp,
}

impl AccessToken {
    pub(crate) fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    pub(crate) fn scope_string(&self) -> String {
        self.scopes.join(" ")
    }
}

#[derive(Debug, Default)]
pub(crate) struct TokenStore {
    tokens: HashMap<String, AccessToken>,
}

impl TokenStore {
    /// Stores `token` under a fresh random value and returns that value.
    pub(crate) fn issue(&mut self, token: AccessToken) -> Result<String, RandomnessUnavailable> {
        loop {
            let value = random_id(TOKEN_BYTES)?;
            if let std::collections::hash_map::Entry::Vacant(slot) = self.tokens.entry(value) {
                let value = slot.key().clone();
                slot.insert(token);
                return Ok(value);
            }
        }
    }

    /// The token with exactly this value (tokens are case-sensitive), if it has not expired.
    pub(crate) fn active(&self, value: &str, now: Timestamp) -> Option<&AccessToken> {
        self.tokens.get(value).filter(|t| now < t.expires_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(now: Timestamp) -> AccessToken {
        AccessToken {
            client_id: "rs".into(),
            owner: Some("alice".into()),
            scopes: vec!["uma_protection".into(), "profile".into()],
            issued_at: now,
            expires_at: now + 60,
        }
    }

    #[test]
    fn tokens_expire_and_are_case_sensitive() {
        let mut store = TokenStore::default();
        let value = store.issue(token(1000)).unwrap();
        assert!(store.active(&value, 1059).is_some());
        assert!(store.active(&value, 1060).is_none());
        let other_case: String = value
            .chars()
            .map(|c| {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        if other_case != value {
            assert!(store.active(&other_case, 1000).is_none());
        }
        let found = store.active(&value, 1000).unwrap();
        assert!(found.has_scope("profile"));
        assert_eq!(found.scope_string(), "uma_protection profile");
    }
}
