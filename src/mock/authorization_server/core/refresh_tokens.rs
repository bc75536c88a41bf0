//! Refresh tokens for RPTs (Grant 3.6): a refresh gives a new RPT with the permissions the
//! refresh token was issued with, possibly fewer scopes, and no new assessment. Each refresh
//! token is used once: a refresh hands out its successor (rotation, RFC 6749 10.4).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::claims::RequestingParty;
use super::clock::Timestamp;
use super::ids::{RandomnessUnavailable, TOKEN_BYTES, random_id};
use super::tokens::GrantedPermission;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RefreshGrant {
    pub(crate) client_id: String,
    pub(crate) party: RequestingParty,
    /// What the RPT was granted; a refresh keeps the resources and at most these scopes.
    pub(crate) permissions: Vec<GrantedPermission>,
    /// The RPT currently issued under this grant, revoked with it.
    pub(crate) rpt: String,
    pub(crate) expires_at: Timestamp,
    pub(crate) revoked: bool,
}

/// What presenting a refresh token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refreshable {
    Valid(RefreshGrant),
    /// Unknown, expired, revoked, already used, or another client's.
    Invalid,
}

#[derive(Debug, Default)]
pub(crate) struct RefreshStore {
    tokens: HashMap<String, RefreshGrant>,
}

impl RefreshStore {
    pub(crate) fn issue(&mut self, grant: RefreshGrant) -> Result<String, RandomnessUnavailable> {
        loop {
            let value = random_id(TOKEN_BYTES)?;
            if let Entry::Vacant(slot) = self.tokens.entry(value) {
                let value = slot.key().clone();
                slot.insert(grant);
                return Ok(value);
            }
        }
    }

    /// What redeeming the token would find, leaving it usable.
    pub(crate) fn peek(&self, value: &str, client_id: &str, now: Timestamp) -> Refreshable {
        match self.tokens.get(value) {
            Some(grant)
                if grant.client_id == client_id && !grant.revoked && now < grant.expires_at =>
            {
                Refreshable::Valid(grant.clone())
            }
            _ => Refreshable::Invalid,
        }
    }

    /// Presents a refresh token for `client_id`. A valid one is used up (revoked); another
    /// client's token is left alone.
    pub(crate) fn redeem(&mut self, value: &str, client_id: &str, now: Timestamp) -> Refreshable {
        let found = self.peek(value, client_id, now);
        if let (Refreshable::Valid(_), Some(grant)) = (&found, self.tokens.get_mut(value)) {
            grant.revoked = true;
        }
        found
    }

    /// Revokes a refresh token of `client_id`; returns the RPT issued under it, which goes too
    /// (RFC 7009 2.1).
    pub(crate) fn revoke(&mut self, value: &str, client_id: &str) -> Option<String> {
        match self.tokens.get_mut(value) {
            Some(grant) if grant.client_id == client_id => {
                grant.revoked = true;
                Some(grant.rpt.clone())
            }
            _ => None,
        }
    }

    /// Revokes the refresh tokens issued with `rpt`: an upgraded RPT's refresh token would
    /// otherwise bring the discarded RPT back.
    pub(crate) fn revoke_for_rpt(&mut self, rpt: &str) {
        for grant in self.tokens.values_mut().filter(|g| g.rpt == rpt) {
            grant.revoked = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant() -> RefreshGrant {
        RefreshGrant {
            client_id: "app".into(),
            party: RequestingParty::default(),
            permissions: vec![],
            rpt: "rpt-1".into(),
            expires_at: 100,
            revoked: false,
        }
    }

    #[test]
    fn single_use_bound_and_revocable() {
        let mut store = RefreshStore::default();
        let value = store.issue(grant()).unwrap();
        assert_eq!(store.redeem(&value, "other", 10), Refreshable::Invalid);
        assert_eq!(store.peek(&value, "app", 10), Refreshable::Valid(grant()));
        assert_eq!(store.redeem(&value, "app", 10), Refreshable::Valid(grant()));
        assert_eq!(store.redeem(&value, "app", 10), Refreshable::Invalid);

        let value = store.issue(grant()).unwrap();
        assert_eq!(store.redeem(&value, "app", 100), Refreshable::Invalid);
        let value = store.issue(grant()).unwrap();
        assert_eq!(store.revoke(&value, "other"), None);
        assert_eq!(store.revoke(&value, "app").as_deref(), Some("rpt-1"));
        assert_eq!(store.redeem(&value, "app", 10), Refreshable::Invalid);
        let value = store.issue(grant()).unwrap();
        store.revoke_for_rpt("rpt-1");
        assert_eq!(store.redeem(&value, "app", 10), Refreshable::Invalid);
    }
}
