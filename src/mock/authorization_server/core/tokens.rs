//! Access tokens issued by the mock: OAuth tokens for an owner's account (PATs when they carry
//! `uma_protection`) and RPTs, which carry permissions on registered resources instead of scopes.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::clock::Timestamp;
use super::ids::{RandomnessUnavailable, TOKEN_BYTES, random_id};
use super::resources::Partition;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccessToken {
    /// The client the token was issued to.
    pub(crate) client_id: String,
    pub(crate) issued_at: Timestamp,
    pub(crate) expires_at: Timestamp,
    /// Set by revocation (RFC 7009). The token is kept, so that it is still known but inactive.
    pub(crate) revoked: bool,
    pub(crate) grant: TokenGrant,
}

/// What a token lets its holder do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenGrant {
    /// Scopes at a resource owner's account; with `uma_protection` it is a PAT (FedAuthz 1.2).
    Account {
        /// The resource owner who authorized the token.
        owner: String,
        scopes: Vec<String>,
    },
    /// An RPT: permissions, each on one registered resource (Grant 3.3.5), for one requesting
    /// party (its subject, when the AS learnt one).
    Rpt {
        permissions: Vec<GrantedPermission>,
        subject: Option<String>,
    },
}

/// One permission of an RPT. It remembers the (owner, resource server) pair that registered the
/// resource, because only that resource server may learn about it by introspection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GrantedPermission {
    pub(crate) partition: Partition,
    pub(crate) resource_id: String,
    pub(crate) resource_scopes: Vec<String>,
    pub(crate) issued_at: Timestamp,
    pub(crate) expires_at: Timestamp,
}

impl AccessToken {
    pub(crate) fn has_scope(&self, scope: &str) -> bool {
        match &self.grant {
            TokenGrant::Account { scopes, .. } => scopes.iter().any(|s| s == scope),
            TokenGrant::Rpt { .. } => false,
        }
    }

    pub(crate) fn is_expired(&self, now: Timestamp) -> bool {
        now >= self.expires_at
    }
}

/// Scopes as one space-separated string (RFC 6749 3.3).
pub(crate) fn scope_string(scopes: &[String]) -> String {
    scopes.join(" ")
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
            if let Entry::Vacant(slot) = self.tokens.entry(value) {
                let value = slot.key().clone();
                slot.insert(token);
                return Ok(value);
            }
        }
    }

    /// Stores `token` under a value chosen by the caller (a signed JWT); false if it is taken.
    pub(crate) fn insert(&mut self, value: String, token: AccessToken) -> bool {
        match self.tokens.entry(value) {
            Entry::Vacant(slot) => {
                slot.insert(token);
                true
            }
            Entry::Occupied(_) => false,
        }
    }

    /// The token with exactly this value (tokens are case-sensitive), whatever its state.
    pub(crate) fn find(&self, value: &str) -> Option<&AccessToken> {
        self.tokens.get(value)
    }

    /// The token with exactly this value, if it has neither expired nor been revoked.
    pub(crate) fn active(&self, value: &str, now: Timestamp) -> Option<&AccessToken> {
        self.find(value)
            .filter(|t| !t.revoked && !t.is_expired(now))
    }

    /// Revokes a token issued to `client_id`; a token of another client is left alone (RFC 7009
    /// 2.1). `spare_rpts` leaves RPTs alone too. True if a token was revoked.
    pub(crate) fn revoke(&mut self, value: &str, client_id: &str, spare_rpts: bool) -> bool {
        match self.tokens.get_mut(value) {
            Some(token)
                if token.client_id == client_id
                    && !(spare_rpts && matches!(token.grant, TokenGrant::Rpt { .. })) =>
            {
                token.revoked = true;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(now: Timestamp) -> AccessToken {
        AccessToken {
            client_id: "rs".into(),
            issued_at: now,
            expires_at: now + 60,
            revoked: false,
            grant: TokenGrant::Account {
                owner: "alice".into(),
                scopes: vec!["uma_protection".into(), "profile".into()],
            },
        }
    }

    fn rpt(now: Timestamp) -> AccessToken {
        AccessToken {
            client_id: "app".into(),
            issued_at: now,
            expires_at: now + 60,
            revoked: false,
            grant: TokenGrant::Rpt {
                permissions: Vec::new(),
                subject: None,
            },
        }
    }

    #[test]
    fn tokens_expire_and_are_case_sensitive() {
        let mut store = TokenStore::default();
        let value = store.issue(token(1000)).unwrap();
        assert!(store.active(&value, 1059).is_some());
        assert!(store.active(&value, 1060).is_none());
        assert!(store.find(&value).is_some());
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
        assert!(!rpt(0).has_scope("profile"));
        assert_eq!(
            scope_string(&["uma_protection".into(), "profile".into()]),
            "uma_protection profile"
        );
    }

    #[test]
    fn only_the_owning_client_revokes() {
        let mut store = TokenStore::default();
        let pat = store.issue(token(0)).unwrap();
        let rpt = store.issue(rpt(0)).unwrap();
        assert!(!store.revoke(&pat, "someone-else", false));
        assert!(store.active(&pat, 0).is_some());
        assert!(store.revoke(&pat, "rs", false));
        assert!(store.active(&pat, 0).is_none());
        assert!(store.find(&pat).is_some_and(|t| t.revoked));
        assert!(!store.revoke(&rpt, "app", true));
        assert!(store.active(&rpt, 0).is_some());
        assert!(store.revoke(&rpt, "app", false));
        assert!(!store.revoke("unknown", "app", false));
        assert!(store.insert("chosen".into(), token(0)));
        assert!(!store.insert("chosen".into(), token(0)));
        assert!(store.active("chosen", 0).is_some());
    }
}
