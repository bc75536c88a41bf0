//! Minting RPTs, shared by the UMA grant and the refresh grant: opaque random values, or JWTs
//! signed by the AS, stored either way so that introspection and revocation work the same.

use serde_json::{Map, Value, json};

use super::GrantError;
use crate::mock::authorization_server::core::AsCore;
use crate::mock::authorization_server::core::claims::RequestingParty;
use crate::mock::authorization_server::core::clock::Timestamp;
use crate::mock::authorization_server::core::ids::{TOKEN_BYTES, random_id};
use crate::mock::authorization_server::core::tokens::{AccessToken, GrantedPermission, TokenGrant};

impl AsCore {
    /// Stores an RPT with these permissions for `client_id` and returns its value.
    pub(super) fn mint_rpt(
        &mut self,
        client_id: &str,
        party: &RequestingParty,
        permissions: Vec<GrantedPermission>,
        now: Timestamp,
    ) -> Result<String, GrantError> {
        let expires_at = now.saturating_add(self.lifetimes.rpt);
        let token = AccessToken {
            client_id: client_id.to_string(),
            issued_at: now,
            expires_at,
            revoked: false,
            grant: TokenGrant::Rpt {
                permissions,
                subject: party.subject.clone(),
            },
        };
        let Some(signer) = &self.signer else {
            return Ok(self.tokens.issue(token)?);
        };
        loop {
            let claims = self.jwt_claims(&token, party, random_id(TOKEN_BYTES)?);
            let value = signer.sign(&claims).map_err(GrantError::Signing)?;
            // The random jti makes every value new; a clash would only mean drawing again.
            if self.tokens.insert(value.clone(), token.clone()) {
                return Ok(value);
            }
        }
    }

    /// What a JWT RPT says: the issuer, the client, the resource servers it is for, the
    /// requesting party's `sub` if known, its times, and its permissions as introspection would
    /// show them (FedAuthz 5.1.1).
    fn jwt_claims(&self, token: &AccessToken, party: &RequestingParty, jti: String) -> Value {
        let TokenGrant::Rpt { permissions, .. } = &token.grant else {
            return Value::Null;
        };
        let mut audience: Vec<&str> = Vec::new();
        for p in permissions {
            if !audience.contains(&p.partition.client_id.as_str()) {
                audience.push(&p.partition.client_id);
            }
        }
        let listed: Vec<Value> = permissions
            .iter()
            .map(|p| {
                json!({
                    "resource_id": p.resource_id,
                    "resource_scopes": p.resource_scopes,
                    "iat": p.issued_at,
                    "exp": p.expires_at,
                })
            })
            .collect();
        let mut claims = Map::new();
        claims.insert("iss".into(), self.issuer.clone().into());
        if let Some(sub) = party.claims.get("sub").filter(|s| s.is_string()) {
            claims.insert("sub".into(), sub.clone());
        }
        claims.insert("aud".into(), audience.into());
        claims.insert("azp".into(), token.client_id.clone().into());
        claims.insert("client_id".into(), token.client_id.clone().into());
        claims.insert("iat".into(), token.issued_at.into());
        claims.insert("exp".into(), token.expires_at.into());
        claims.insert("jti".into(), jti.into());
        claims.insert("permissions".into(), listed.into());
        Value::Object(claims)
    }
}

/// Every scope of these permissions, each once, in order.
pub(super) fn all_scopes(permissions: &[GrantedPermission]) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in permissions.iter().flat_map(|p| &p.resource_scopes) {
        if !scopes.contains(scope) {
            scopes.push(scope.clone());
        }
    }
    scopes
}
