//! The authorization code grant with PKCE (RFC 6749 4.1.3, RFC 7636 4.5-4.6): the code a
//! resource owner's login produced becomes a PAT for that owner at the resource server.

use super::{AUTHORIZATION_CODE, GrantError, IssuedToken};
use crate::mock::authorization_server::core::AsCore;
use crate::mock::authorization_server::core::clock::Timestamp;
use crate::mock::authorization_server::core::codes::Redemption;
use crate::mock::authorization_server::core::pkce;
use crate::mock::authorization_server::core::tokens::{AccessToken, TokenGrant, scope_string};

/// The token request's parameters for this grant.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CodeExchange<'a> {
    pub(crate) code: Option<&'a str>,
    pub(crate) redirect_uri: Option<&'a str>,
    pub(crate) code_verifier: Option<&'a str>,
}

impl AsCore {
    pub(crate) fn authorization_code(
        &mut self,
        client_id: &str,
        exchange: CodeExchange<'_>,
        now: Timestamp,
    ) -> Result<IssuedToken, GrantError> {
        let client = self
            .clients
            .get(client_id)
            .ok_or_else(|| GrantError::UnauthorizedClient("unknown client".into()))?;
        if !client.may_use(AUTHORIZATION_CODE) {
            return Err(GrantError::UnauthorizedClient(format!(
                "client {client_id} may not use the authorization code grant"
            )));
        }
        // Malformed requests are refused before the code is touched, so a typo does not burn it.
        let value = exchange
            .code
            .ok_or_else(|| GrantError::InvalidRequest("code is required".into()))?;
        let verifier = exchange
            .code_verifier
            .ok_or_else(|| GrantError::InvalidRequest("code_verifier is required (PKCE)".into()))?;
        if !pkce::is_well_formed(verifier) {
            return Err(GrantError::InvalidRequest(
                "code_verifier must be 43 to 128 unreserved characters".into(),
            ));
        }
        let invalid = |why: &str| Err(GrantError::InvalidGrant(why.to_string()));
        let code = match self.codes.redeem(value, now) {
            Redemption::Fresh(code) => code,
            Redemption::Replayed(token) => {
                if let Some(token) = token {
                    self.tokens.revoke(&token, client_id, false);
                }
                return invalid("the code was already used; tokens issued for it are revoked");
            }
            Redemption::Invalid => return invalid("the code is unknown or expired"),
        };
        if code.client_id != client_id {
            return invalid("the code was issued to another client");
        }
        if let Some(expected) = &code.redirect_uri_param {
            if exchange.redirect_uri != Some(expected.as_str()) {
                return invalid("redirect_uri differs from the authorization request's");
            }
        }
        if !pkce::verifies(verifier, &code.code_challenge) {
            return invalid("code_verifier does not match the code_challenge");
        }
        let scope = scope_string(&code.scopes);
        let access_token = self.tokens.issue(AccessToken {
            client_id: client_id.to_string(),
            issued_at: now,
            expires_at: now.saturating_add(self.lifetimes.access_token),
            revoked: false,
            grant: TokenGrant::Account {
                owner: code.owner,
                scopes: code.scopes,
            },
        })?;
        self.codes.record_token(value, &access_token);
        Ok(IssuedToken {
            access_token,
            expires_in: self.lifetimes.access_token,
            scope: Some(scope),
            ..IssuedToken::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::authorization_server::core::authorization::{AuthorizationParams, Decision};
    use crate::mock::authorization_server::fixtures::Fixtures;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    const CALLBACK: &str = "http://127.0.0.1:9/callback";

    fn code_for(core: &mut AsCore, username: &str, password: &str) -> String {
        let request = core
            .check_authorization_request(&AuthorizationParams {
                response_type: Some("code".into()),
                client_id: Some("rs-alice".into()),
                redirect_uri: Some(CALLBACK.into()),
                code_challenge: Some(CHALLENGE.into()),
                code_challenge_method: Some("S256".into()),
                ..AuthorizationParams::default()
            })
            .unwrap();
        let csrf = core.start_login(request.clone(), 0).unwrap();
        core.finish_login(
            request,
            Some(&csrf),
            Decision::Allow { username, password },
            0,
        )
        .unwrap()
    }

    fn exchange(code: &str) -> CodeExchange<'_> {
        CodeExchange {
            code: Some(code),
            redirect_uri: Some(CALLBACK),
            code_verifier: Some(VERIFIER),
        }
    }

    #[test]
    fn the_code_becomes_a_pat_of_the_owner_who_logged_in() {
        let mut core = AsCore::new(&Fixtures::embedded().unwrap());
        let code = code_for(&mut core, "bob", "bob-password");
        let issued = core
            .authorization_code("rs-alice", exchange(&code), 1)
            .unwrap();
        assert_eq!(issued.scope.as_deref(), Some("uma_protection"));
        let token = core.tokens.active(&issued.access_token, 1).unwrap();
        assert_eq!(token.client_id, "rs-alice");
        assert!(matches!(&token.grant, TokenGrant::Account { owner, .. } if owner == "bob"));

        // A second presentation fails and revokes the first token.
        assert!(matches!(
            core.authorization_code("rs-alice", exchange(&code), 2),
            Err(GrantError::InvalidGrant(_))
        ));
        assert!(core.tokens.active(&issued.access_token, 2).is_none());
    }

    #[test]
    fn every_mismatch_is_invalid_grant() {
        let mut core = AsCore::new(&Fixtures::embedded().unwrap());
        let wrong_verifier = "a".repeat(43);
        // (client, verifier, redirect_uri)
        let cases = [
            ("rs-alice", wrong_verifier.as_str(), Some(CALLBACK)),
            ("rs-alice", VERIFIER, None),
            ("rs-alice", VERIFIER, Some("http://127.0.0.1:9/other")),
            ("rs-bob", VERIFIER, Some(CALLBACK)),
        ];
        for (client, verifier, redirect_uri) in cases {
            let code = code_for(&mut core, "alice", "alice-password");
            let attempt = CodeExchange {
                code: Some(&code),
                redirect_uri,
                code_verifier: Some(verifier),
            };
            assert!(matches!(
                core.authorization_code(client, attempt, 1),
                Err(GrantError::InvalidGrant(_))
            ));
        }
        // Expired.
        let code = code_for(&mut core, "alice", "alice-password");
        assert!(matches!(
            core.authorization_code("rs-alice", exchange(&code), 60),
            Err(GrantError::InvalidGrant(_))
        ));
        // Malformed requests leave the code alone.
        let code = code_for(&mut core, "alice", "alice-password");
        let no_verifier = CodeExchange {
            code_verifier: None,
            ..exchange(&code)
        };
        assert!(matches!(
            core.authorization_code("rs-alice", no_verifier, 1),
            Err(GrantError::InvalidRequest(_))
        ));
        assert!(
            core.authorization_code("rs-alice", exchange(&code), 1)
                .is_ok()
        );
        assert!(matches!(
            core.authorization_code("uma-client", exchange(&code), 1),
            Err(GrantError::UnauthorizedClient(_))
        ));
    }
}
