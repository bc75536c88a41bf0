//! Refreshing an RPT (Grant 3.6, RFC 6749 6): a new RPT with the permissions the refresh token
//! was issued with, narrowed to the requested scopes if the client asks, and without a new
//! authorization assessment: a policy changed since does not matter here.

use super::{GrantError, IssuedToken, REFRESH_TOKEN};
use crate::mock::authorization_server::core::AsCore;
use crate::mock::authorization_server::core::clock::Timestamp;
use crate::mock::authorization_server::core::policy::{Facts, ResourceFacts, Verdict};
use crate::mock::authorization_server::core::refresh_tokens::{RefreshGrant, Refreshable};
use crate::mock::authorization_server::core::resources::View;
use crate::mock::authorization_server::core::scope::parse_scope;
use crate::mock::authorization_server::core::tokens::GrantedPermission;

use super::rpt::all_scopes;

/// Switches for the grant. The default is the spec's behaviour; deviations flip them.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RefreshRules {
    /// Run the owner's policies again (breaks Grant 3.6).
    pub(crate) reassess: bool,
    /// Ignore a narrowing `scope` and grant every scope registered for the resources instead
    /// (breaks Grant 3.6: a refresh must not grant more than the original).
    pub(crate) broaden: bool,
}

impl AsCore {
    pub(crate) fn refresh_token(
        &mut self,
        client_id: &str,
        refresh_token: Option<&str>,
        requested_scope: Option<&str>,
        rules: RefreshRules,
        now: Timestamp,
    ) -> Result<IssuedToken, GrantError> {
        let client = self
            .clients
            .get(client_id)
            .ok_or_else(|| GrantError::UnauthorizedClient("unknown client".into()))?;
        if !client.may_use(REFRESH_TOKEN) {
            return Err(GrantError::UnauthorizedClient(format!(
                "client {client_id} may not use refresh tokens"
            )));
        }
        let value = refresh_token
            .ok_or_else(|| GrantError::InvalidRequest("refresh_token is required".into()))?;
        let asked = match requested_scope {
            Some(scope) => parse_scope(scope).map_err(|bad| {
                GrantError::InvalidScope(format!("{bad:?} is not a valid scope token"))
            })?,
            None => Vec::new(),
        };
        // Checked before it is used up, so that a request refused for its scope does not burn
        // the refresh token.
        let grant = match self.refresh_tokens.peek(value, client_id, now) {
            Refreshable::Valid(grant) => grant,
            Refreshable::Invalid => {
                return Err(GrantError::InvalidGrant(
                    "the refresh token is unknown, expired, revoked, used or not this client's"
                        .into(),
                ));
            }
        };
        // Deregistration ends protection (FedAuthz 3); that is not an assessment.
        let mut permissions: Vec<GrantedPermission> = grant
            .permissions
            .iter()
            .filter(|p| {
                self.resources
                    .get(View::Partition(&p.partition), &p.resource_id)
                    .is_some()
            })
            .cloned()
            .collect();
        if permissions.is_empty() {
            return Err(GrantError::InvalidGrant(
                "every resource of the RPT has been deregistered".into(),
            ));
        }
        if !asked.is_empty() {
            // RFC 6749 6: no scope beyond what was granted.
            let granted = all_scopes(&permissions);
            if let Some(extra) = asked.iter().find(|s| !granted.contains(s)) {
                return Err(GrantError::InvalidScope(format!(
                    "scope {extra:?} was not granted with this refresh token"
                )));
            }
            for p in &mut permissions {
                p.resource_scopes.retain(|s| asked.contains(s));
            }
            permissions.retain(|p| !p.resource_scopes.is_empty());
        }
        if rules.broaden && !asked.is_empty() {
            for p in &mut permissions {
                if let Some(resource) = self
                    .resources
                    .get(View::Partition(&p.partition), &p.resource_id)
                {
                    p.resource_scopes = resource
                        .get("resource_scopes")
                        .and_then(serde_json::Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(|s| s.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                }
            }
        }
        if rules.reassess {
            if let Some(refused) = self.reassessed_refusal(client_id, &grant, &permissions, now) {
                return Err(refused);
            }
        }
        self.refresh_tokens.redeem(value, client_id, now);
        for p in &mut permissions {
            p.issued_at = now;
            p.expires_at = now.saturating_add(self.lifetimes.permission);
        }
        let rpt_scopes = all_scopes(&permissions);
        let access_token = self.mint_rpt(client_id, &grant.party, permissions, now)?;
        // The successor keeps the original permissions: narrowing applies to this RPT only
        // (RFC 6749 6).
        let successor = self.refresh_tokens.issue(RefreshGrant {
            rpt: access_token.clone(),
            expires_at: now.saturating_add(self.lifetimes.refresh_token),
            revoked: false,
            ..grant
        })?;
        Ok(IssuedToken {
            access_token,
            expires_in: self.lifetimes.rpt,
            scope: None,
            refresh_token: Some(successor),
            pct: None,
            upgraded: false,
            rpt_scopes,
        })
    }

    /// Under the `refresh-reassesses` deviation: the owner's policies asked again, as a server
    /// that treats a refresh like a new request would.
    fn reassessed_refusal(
        &self,
        client_id: &str,
        grant: &RefreshGrant,
        permissions: &[GrantedPermission],
        now: Timestamp,
    ) -> Option<GrantError> {
        let facts = Facts {
            client_id,
            party: &grant.party,
            now,
            owner_answer: None,
        };
        let refused = permissions.iter().any(|p| {
            let resource_type = self
                .resources
                .get(View::Partition(&p.partition), &p.resource_id)
                .and_then(|d| d.get("type"))
                .and_then(serde_json::Value::as_str);
            let resource = ResourceFacts {
                owner: &p.partition.owner,
                resource_id: &p.resource_id,
                resource_type,
            };
            self.policies
                .decide(resource, &p.resource_scopes, &facts)
                .verdict
                != Verdict::Granted
        });
        refused.then(|| {
            GrantError::InvalidGrant("the owner's policy no longer grants these permissions".into())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::authorization_server::core::grants::RptRules;
    use crate::mock::authorization_server::core::grants::uma_ticket::RptRequest;
    use crate::mock::authorization_server::core::permissions::PermissionRules;
    use crate::mock::authorization_server::core::policy::Policy;
    use crate::mock::authorization_server::core::resources::Partition;
    use crate::mock::authorization_server::core::tickets::Permission;
    use crate::mock::authorization_server::core::tokens::TokenGrant;
    use crate::mock::authorization_server::fixtures::{Fixtures, PolicyFixture};
    use serde_json::{Value, json};

    fn rpt_with_refresh(core: &mut AsCore) -> (String, IssuedToken) {
        let alice = Partition {
            owner: "alice".into(),
            client_id: "rs-alice".into(),
        };
        let Value::Object(d) = json!({"resource_scopes": ["view", "print"]}) else {
            unreachable!()
        };
        let resource = core.resources.create(&alice, d).unwrap();
        let permissions = vec![Permission {
            resource_id: resource.clone(),
            resource_scopes: vec!["view".into(), "print".into()],
        }];
        core.check_permissions(&alice, &permissions, PermissionRules::default())
            .unwrap();
        let ticket = core.issue_ticket(&alice, permissions, 0).unwrap();
        let request = RptRequest {
            ticket: Some(&ticket),
            ..RptRequest::default()
        };
        let issued = core
            .uma_ticket("uma-client", request, RptRules::default(), 0)
            .unwrap();
        (resource, issued)
    }

    fn scopes(core: &AsCore, rpt: &str, now: i64) -> Vec<String> {
        match &core.tokens.active(rpt, now).unwrap().grant {
            TokenGrant::Rpt { permissions, .. } => permissions[0].resource_scopes.clone(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn refresh_narrows_and_rotates_without_reassessing() {
        let mut core = AsCore::new(&Fixtures::embedded().unwrap());
        let (resource, issued) = rpt_with_refresh(&mut core);
        let refresh = issued.refresh_token.unwrap();
        // The owner now denies: a refresh does not ask again.
        let deny: PolicyFixture = serde_json::from_value(
            json!({"owner": "alice", "resource_id": resource, "outcome": "deny"}),
        )
        .unwrap();
        let policy = Policy::from_fixture(&deny).unwrap();
        core.policies.create(deny, policy).unwrap();
        let strict = RefreshRules::default();
        let narrowed = core
            .refresh_token("uma-client", Some(&refresh), Some("print"), strict, 100)
            .unwrap();
        assert_eq!(scopes(&core, &narrowed.access_token, 100), ["print"]);
        assert_eq!(narrowed.rpt_scopes, ["print"]);
        // Used up; the successor still has both scopes.
        assert!(matches!(
            core.refresh_token("uma-client", Some(&refresh), None, strict, 100),
            Err(GrantError::InvalidGrant(_))
        ));
        let successor = narrowed.refresh_token.unwrap();
        assert!(matches!(
            core.refresh_token("uma-client", Some(&successor), Some("delete"), strict, 100),
            Err(GrantError::InvalidScope(_))
        ));
        // A refused scope does not burn the token.
        let full = core
            .refresh_token("uma-client", Some(&successor), None, strict, 100)
            .unwrap();
        assert_eq!(scopes(&core, &full.access_token, 100), ["view", "print"]);
        let next = full.refresh_token.unwrap();
        assert!(matches!(
            core.refresh_token(
                "uma-client",
                Some(&next),
                None,
                RefreshRules {
                    reassess: true,
                    broaden: false
                },
                100
            ),
            Err(GrantError::InvalidGrant(_))
        ));
    }

    #[test]
    fn refresh_errors() {
        let mut core = AsCore::new(&Fixtures::embedded().unwrap());
        let (_, issued) = rpt_with_refresh(&mut core);
        let refresh = issued.refresh_token.unwrap();
        let strict = RefreshRules::default();
        assert!(matches!(
            core.refresh_token("uma-client", None, None, strict, 0),
            Err(GrantError::InvalidRequest(_))
        ));
        assert!(matches!(
            core.refresh_token("uma-stranger", Some(&refresh), None, strict, 0),
            Err(GrantError::UnauthorizedClient(_))
        ));
        assert!(matches!(
            core.refresh_token("uma-client", Some(&refresh), None, strict, 100_000),
            Err(GrantError::InvalidGrant(_))
        ));
    }
}
