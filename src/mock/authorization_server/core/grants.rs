//! Grants the token endpoint supports. For now the client credentials grant (RFC 6749 4.4), by
//! which a resource server obtains a PAT for the resource owner it is registered for.

use super::AsCore;
use super::clock::Timestamp;
use super::ids::RandomnessUnavailable;
use super::scope::{PROTECTION_SCOPE, parse_scope};
use super::tokens::AccessToken;

pub(crate) const CLIENT_CREDENTIALS: &str = "client_credentials";

/// Grant types the token endpoint implements.
pub(crate) const SUPPORTED_GRANT_TYPES: [&str; 1] = [CLIENT_CREDENTIALS];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GrantError {
    UnauthorizedClient(String),
    InvalidScope(String),
    Randomness(RandomnessUnavailable),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IssuedToken {
    pub(crate) access_token: String,
    pub(crate) expires_in: i64,
    pub(crate) scope: String,
}

impl AsCore {
    /// Issues a token to an already authenticated client for the scopes it asked for (the PAT
    /// scope when it asked for none).
    pub(crate) fn client_credentials(
        &mut self,
        client_id: &str,
        requested_scope: Option<&str>,
        now: Timestamp,
    ) -> Result<IssuedToken, GrantError> {
        let client = self
            .clients
            .get(client_id)
            .ok_or_else(|| GrantError::UnauthorizedClient("unknown client".into()))?;
        if !client.grant_types.iter().any(|g| g == CLIENT_CREDENTIALS) {
            return Err(GrantError::UnauthorizedClient(format!(
                "client {client_id} may not use the client_credentials grant"
            )));
        }
        let Some(owner) = client.owner.clone() else {
            return Err(GrantError::UnauthorizedClient(format!(
                "client {client_id} acts for no resource owner"
            )));
        };
        let mut scopes = match requested_scope {
            Some(value) => parse_scope(value).map_err(|bad| {
                GrantError::InvalidScope(format!("{bad:?} is not a valid scope token"))
            })?,
            None => Vec::new(),
        };
        if scopes.is_empty() {
            scopes.push(PROTECTION_SCOPE.to_string());
        }
        if let Some(denied) = scopes.iter().find(|s| !client.scopes.contains(s)) {
            return Err(GrantError::InvalidScope(format!(
                "scope {denied:?} is not allowed for client {client_id}"
            )));
        }
        let token = AccessToken {
            client_id: client.id.clone(),
            owner: Some(owner),
            scopes,
            issued_at: now,
            expires_at: now.saturating_add(self.lifetimes.access_token),
        };
        let scope = token.scope_string();
        let access_token = self.tokens.issue(token).map_err(GrantError::Randomness)?;
        Ok(IssuedToken {
            access_token,
            expires_in: self.lifetimes.access_token,
            scope,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::authorization_server::fixtures::Fixtures;

    fn core() -> AsCore {
        AsCore::new(&Fixtures::embedded().unwrap())
    }

    #[test]
    fn default_scope_is_the_pat_scope() {
        let mut core = core();
        let issued = core.client_credentials("rs-alice", None, 1000).unwrap();
        assert_eq!(issued.scope, "uma_protection");
        assert_eq!(issued.expires_in, 3600);
        let token = core.tokens.active(&issued.access_token, 1000).unwrap();
        assert_eq!(token.owner.as_deref(), Some("alice"));
        assert_eq!(token.expires_at, 4600);
        let empty = core
            .client_credentials("rs-alice", Some("  "), 1000)
            .unwrap();
        assert_eq!(empty.scope, "uma_protection");
    }

    #[test]
    fn scopes_outside_the_client_set_are_refused() {
        let mut core = core();
        let issued = core
            .client_credentials("rs-bob", Some("profile uma_protection"), 0)
            .unwrap();
        assert_eq!(issued.scope, "profile uma_protection");
        assert!(matches!(
            core.client_credentials("rs-bob", Some("uma_protection admin"), 0),
            Err(GrantError::InvalidScope(_))
        ));
        assert!(matches!(
            core.client_credentials("nobody", None, 0),
            Err(GrantError::UnauthorizedClient(_))
        ));
    }
}
