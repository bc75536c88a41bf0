//! What a resource server learns about a token by introspection (RFC 7662 2.2, FedAuthz 5.1.1).
//!
//! An RPT is shown to a resource server only with the permissions on resources that server
//! registered for its owner; if none are left (other server, deregistered, expired), the token is
//! not active for that caller, as RFC 7662 2.2 allows ("not allowed to introspect").

use super::AsCore;
use super::clock::Timestamp;
use super::resources::View;
use super::tokens::{AccessToken, GrantedPermission, TokenGrant};

/// Switches for the answer. The default is the spec's behaviour; deviations flip them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IntrospectionRules {
    /// Treat an RPT and its permissions as inactive once expired.
    pub(crate) honour_rpt_expiry: bool,
}

impl Default for IntrospectionRules {
    fn default() -> Self {
        IntrospectionRules {
            honour_rpt_expiry: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenStatus<'a> {
    /// This AS never issued the token.
    Unknown,
    /// Issued, but expired, revoked, or about nothing the caller may see.
    Inactive,
    /// An active token for an owner's account (a PAT, or a token with other scopes).
    Account {
        token: &'a AccessToken,
        owner: &'a str,
        scopes: &'a [String],
    },
    /// An active RPT, with the permissions the caller may see (never empty).
    Rpt {
        token: &'a AccessToken,
        permissions: Vec<&'a GrantedPermission>,
    },
}

impl AsCore {
    /// The status of `value` as seen by a caller whose PAT sees `viewer`'s resources.
    pub(crate) fn introspect(
        &self,
        value: &str,
        viewer: View<'_>,
        rules: IntrospectionRules,
        now: Timestamp,
    ) -> TokenStatus<'_> {
        let Some(token) = self.tokens.find(value) else {
            return TokenStatus::Unknown;
        };
        if token.revoked {
            return TokenStatus::Inactive;
        }
        match &token.grant {
            TokenGrant::Account { owner, scopes } => {
                if token.is_expired(now) {
                    TokenStatus::Inactive
                } else {
                    TokenStatus::Account {
                        token,
                        owner,
                        scopes,
                    }
                }
            }
            TokenGrant::Rpt { permissions, .. } => {
                if rules.honour_rpt_expiry && token.is_expired(now) {
                    return TokenStatus::Inactive;
                }
                let visible: Vec<&GrantedPermission> = permissions
                    .iter()
                    .filter(|p| viewer.sees(&p.partition))
                    .filter(|p| !rules.honour_rpt_expiry || now < p.expires_at)
                    // Deregistration ends protection (FedAuthz 3): no permission outlives its
                    // resource.
                    .filter(|p| {
                        self.resources
                            .get(View::Partition(&p.partition), &p.resource_id)
                            .is_some()
                    })
                    .collect();
                if visible.is_empty() {
                    TokenStatus::Inactive
                } else {
                    TokenStatus::Rpt {
                        token,
                        permissions: visible,
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::authorization_server::core::resources::Partition;
    use crate::mock::authorization_server::fixtures::Fixtures;
    use serde_json::{Value, json};

    fn partition(owner: &str, client: &str) -> Partition {
        Partition {
            owner: owner.into(),
            client_id: client.into(),
        }
    }

    #[test]
    fn an_rpt_is_visible_only_to_its_resource_server_and_only_while_it_lasts() {
        let mut core = AsCore::new(&Fixtures::embedded().unwrap());
        let alice = partition("alice", "rs-alice");
        let bob = partition("bob", "rs-bob");
        let Value::Object(description) = json!({"resource_scopes": ["view"]}) else {
            unreachable!()
        };
        let resource = core.resources.create(&alice, description).unwrap();
        let rpt = core
            .tokens
            .issue(AccessToken {
                client_id: "uma-client".into(),
                issued_at: 0,
                expires_at: 300,
                revoked: false,
                grant: TokenGrant::Rpt {
                    permissions: vec![GrantedPermission {
                        partition: alice.clone(),
                        resource_id: resource.clone(),
                        resource_scopes: vec!["view".into()],
                        issued_at: 0,
                        expires_at: 240,
                    }],
                    subject: None,
                },
            })
            .unwrap();
        let strict = IntrospectionRules::default();
        assert!(matches!(
            core.introspect(&rpt, View::Partition(&alice), strict, 10),
            TokenStatus::Rpt { ref permissions, .. } if permissions.len() == 1
        ));
        assert_eq!(
            core.introspect(&rpt, View::Partition(&bob), strict, 10),
            TokenStatus::Inactive
        );
        assert!(matches!(
            core.introspect(&rpt, View::Everything, strict, 10),
            TokenStatus::Rpt { .. }
        ));
        // The permission expires before the token.
        assert_eq!(
            core.introspect(&rpt, View::Partition(&alice), strict, 240),
            TokenStatus::Inactive
        );
        let lax = IntrospectionRules {
            honour_rpt_expiry: false,
        };
        assert!(matches!(
            core.introspect(&rpt, View::Partition(&alice), lax, 1000),
            TokenStatus::Rpt { .. }
        ));
        assert_eq!(
            core.introspect("never-issued", View::Partition(&alice), strict, 0),
            TokenStatus::Unknown
        );
        assert!(core.resources.delete(View::Partition(&alice), &resource));
        assert_eq!(
            core.introspect(&rpt, View::Partition(&alice), strict, 10),
            TokenStatus::Inactive
        );
    }
}
