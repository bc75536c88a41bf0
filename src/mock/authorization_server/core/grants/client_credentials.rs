//! The client credentials grant (RFC 6749 4.4): a resource server obtains a PAT for the resource
//! owner it is registered for.

use super::{CLIENT_CREDENTIALS, GrantError, IssuedToken};
use crate::mock::authorization_server::core::AsCore;
use crate::mock::authorization_server::core::clock::Timestamp;
use crate::mock::authorization_server::core::scope::{PROTECTION_SCOPE, parse_scope};
use crate::mock::authorization_server::core::tokens::{AccessToken, TokenGrant, scope_string};

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
        if !client.may_use(CLIENT_CREDENTIALS) {
            return Err(GrantError::UnauthorizedClient(format!(
                "client {client_id} may not use the client_credentials grant"
            )));
        }
        let Some(owner) = client.owner.clone() else {
            return Err(GrantError::UnauthorizedClient(format!(
                "client {client_id} acts for no resource owner"
            )));
        };
        let scopes = self.allowed_scopes(client_id, requested_scope)?;
        let scope = scope_string(&scopes);
        let access_token = self.tokens.issue(AccessToken {
            client_id: client_id.to_string(),
            issued_at: now,
            expires_at: now.saturating_add(self.lifetimes.access_token),
            revoked: false,
            grant: TokenGrant::Account { owner, scopes },
        })?;
        Ok(IssuedToken {
            access_token,
            expires_in: self.lifetimes.access_token,
            scope: Some(scope),
            ..IssuedToken::default()
        })
    }

    /// The scopes a client asked for, checked against those it may have; no scope at all means
    /// the PAT scope. Shared by the grants that issue account tokens.
    pub(crate) fn allowed_scopes(
        &self,
        client_id: &str,
        requested_scope: Option<&str>,
    ) -> Result<Vec<String>, GrantError> {
        let allowed = self
            .clients
            .get(client_id)
            .map(|c| c.scopes.as_slice())
            .unwrap_or_default();
        let mut scopes = match requested_scope {
            Some(value) => parse_scope(value).map_err(|bad| {
                GrantError::InvalidScope(format!("{bad:?} is not a valid scope token"))
            })?,
            None => Vec::new(),
        };
        if scopes.is_empty() {
            scopes.push(PROTECTION_SCOPE.to_string());
        }
        if let Some(denied) = scopes.iter().find(|s| !allowed.contains(s)) {
            return Err(GrantError::InvalidScope(format!(
                "scope {denied:?} is not allowed for client {client_id}"
            )));
        }
        Ok(scopes)
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
        assert_eq!(issued.scope.as_deref(), Some("uma_protection"));
        assert_eq!(issued.expires_in, 3600);
        let token = core.tokens.active(&issued.access_token, 1000).unwrap();
        assert!(matches!(&token.grant, TokenGrant::Account { owner, .. } if owner == "alice"));
        assert_eq!(token.expires_at, 4600);
        let empty = core
            .client_credentials("rs-alice", Some("  "), 1000)
            .unwrap();
        assert_eq!(empty.scope.as_deref(), Some("uma_protection"));
    }

    #[test]
    fn scopes_outside_the_client_set_are_refused() {
        let mut core = core();
        let issued = core
            .client_credentials("rs-bob", Some("profile uma_protection"), 0)
            .unwrap();
        assert_eq!(issued.scope.as_deref(), Some("profile uma_protection"));
        assert!(matches!(
            core.client_credentials("rs-bob", Some("uma_protection admin"), 0),
            Err(GrantError::InvalidScope(_))
        ));
        assert!(matches!(
            core.client_credentials("nobody", None, 0),
            Err(GrantError::UnauthorizedClient(_))
        ));
        assert!(matches!(
            core.client_credentials("uma-client", None, 0),
            Err(GrantError::UnauthorizedClient(_))
        ));
    }
}
