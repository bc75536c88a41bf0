//! The UMA grant (Grant 3.3): a client presents a permission ticket and gets an RPT carrying the
//! permissions the owner's policy allows.
//!
//! The flow is: use the ticket up (Grant 5.5: presenting a ticket ends it, whatever the answer),
//! check the client, assess (Grant 3.3.4, in `assessment`), and on success mint the RPT. Later
//! additions slot in as inputs to the assessment (claim tokens, PCTs, an RPT to upgrade) and as
//! further outcomes (need_info, request_submitted), not as paths beside it.

use super::{GrantError, IssuedToken, UMA_TICKET};
use crate::mock::authorization_server::core::AsCore;
use crate::mock::authorization_server::core::assessment::{
    Outcome, Requested, Unassessable, assess, requested_permissions,
};
use crate::mock::authorization_server::core::clock::Timestamp;
use crate::mock::authorization_server::core::resources::{View, registered_scopes};
use crate::mock::authorization_server::core::scope::parse_scope;
use crate::mock::authorization_server::core::tokens::{AccessToken, GrantedPermission, TokenGrant};

/// Switches for the grant. The default is the spec's behaviour; deviations flip them.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RptRules {
    /// Leave the ticket valid after use (breaks Grant 5.5).
    pub(crate) tickets_reusable: bool,
    /// Grant every scope the resource registers instead of the assessed ones.
    pub(crate) all_registered_scopes: bool,
    /// Add this scope, registered for no resource, to every permission.
    pub(crate) extra_scope: Option<&'static str>,
}

/// The token request's parameters for this grant.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RptRequest<'a> {
    pub(crate) ticket: Option<&'a str>,
    pub(crate) scope: Option<&'a str>,
}

impl AsCore {
    pub(crate) fn uma_ticket(
        &mut self,
        client_id: &str,
        request: RptRequest<'_>,
        rules: RptRules,
        now: Timestamp,
    ) -> Result<IssuedToken, GrantError> {
        // Grant 5.5: presenting a ticket ends it, whatever the answer, so it is taken first.
        let ticket = request.ticket.map(|value| {
            if rules.tickets_reusable {
                self.tickets.get(value, now).cloned()
            } else {
                self.tickets.take(value, now)
            }
        });
        let client = self
            .clients
            .get(client_id)
            .ok_or_else(|| GrantError::UnauthorizedClient("unknown client".into()))?;
        if !client.may_use(UMA_TICKET) {
            return Err(GrantError::UnauthorizedClient(format!(
                "client {client_id} may not use the UMA grant"
            )));
        }
        let ticket = match ticket {
            None => return Err(GrantError::InvalidRequest("ticket is required".into())),
            Some(None) => {
                return Err(GrantError::InvalidGrant(
                    "the ticket is unknown, expired or already used".into(),
                ));
            }
            Some(Some(ticket)) => ticket,
        };
        let asked = match request.scope {
            Some(value) => parse_scope(value).map_err(|bad| {
                GrantError::InvalidScope(format!("{bad:?} is not a valid scope token"))
            })?,
            None => Vec::new(),
        };
        let requested = requested_permissions(&ticket, &self.resources, &client.scopes, &asked)
            .map_err(|why| match why {
                Unassessable::ScopeNotAvailable(scope) => GrantError::InvalidScope(format!(
                    "scope {scope:?} is available on none of the ticket's resources"
                )),
                Unassessable::NoResourceLeft => GrantError::InvalidGrant(
                    "every resource of the ticket has been deregistered".into(),
                ),
            })?;
        match assess(&self.policies, client_id, requested) {
            Outcome::Granted(granted) => self.mint_rpt(client_id, granted, rules, now),
            Outcome::Denied => Err(GrantError::RequestDenied),
        }
    }

    fn mint_rpt(
        &mut self,
        client_id: &str,
        granted: Vec<Requested>,
        rules: RptRules,
        now: Timestamp,
    ) -> Result<IssuedToken, GrantError> {
        let permissions = granted
            .into_iter()
            .map(|item| {
                let mut scopes = if rules.all_registered_scopes {
                    self.resources
                        .get(View::Partition(&item.partition), &item.resource_id)
                        .map(|d| {
                            registered_scopes(d)
                                .into_iter()
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or(item.scopes)
                } else {
                    item.scopes
                };
                if let Some(extra) = rules.extra_scope {
                    if !scopes.iter().any(|s| s == extra) {
                        scopes.push(extra.to_string());
                    }
                }
                GrantedPermission {
                    partition: item.partition,
                    resource_id: item.resource_id,
                    resource_scopes: scopes,
                    issued_at: now,
                    expires_at: now.saturating_add(self.lifetimes.permission),
                }
            })
            .collect();
        let access_token = self.tokens.issue(AccessToken {
            client_id: client_id.to_string(),
            issued_at: now,
            expires_at: now.saturating_add(self.lifetimes.rpt),
            revoked: false,
            grant: TokenGrant::Rpt { permissions },
        })?;
        Ok(IssuedToken {
            access_token,
            expires_in: self.lifetimes.rpt,
            scope: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::authorization_server::core::permissions::PermissionRules;
    use crate::mock::authorization_server::core::resources::Partition;
    use crate::mock::authorization_server::core::tickets::Permission;
    use crate::mock::authorization_server::fixtures::Fixtures;
    use serde_json::{Value, json};

    struct Setup {
        core: AsCore,
        resource: String,
    }

    fn alice() -> Partition {
        Partition {
            owner: "alice".into(),
            client_id: "rs-alice".into(),
        }
    }

    fn setup() -> Setup {
        let mut core = AsCore::new(&Fixtures::embedded().unwrap());
        let Value::Object(description) = json!({"resource_scopes": ["view", "print"]}) else {
            unreachable!()
        };
        let resource = core.resources.create(&alice(), description).unwrap();
        Setup { core, resource }
    }

    impl Setup {
        fn ticket(&mut self, scopes: &[&str]) -> String {
            let permissions = vec![Permission {
                resource_id: self.resource.clone(),
                resource_scopes: scopes.iter().map(|s| s.to_string()).collect(),
            }];
            self.core
                .check_permissions(&alice(), &permissions, PermissionRules::default())
                .unwrap();
            self.core.issue_ticket(&alice(), permissions, 0).unwrap()
        }

        fn grant(
            &mut self,
            client: &str,
            ticket: &str,
            rules: RptRules,
        ) -> Result<IssuedToken, GrantError> {
            let request = RptRequest {
                ticket: Some(ticket),
                scope: None,
            };
            self.core.uma_ticket(client, request, rules, 10)
        }

        fn permissions(&self, rpt: &str) -> Vec<GrantedPermission> {
            match &self.core.tokens.active(rpt, 10).unwrap().grant {
                TokenGrant::Rpt { permissions } => permissions.clone(),
                other => panic!("not an RPT: {other:?}"),
            }
        }
    }

    #[test]
    fn grants_exactly_what_was_asked_once() {
        let mut s = setup();
        let ticket = s.ticket(&["view"]);
        let issued = s.grant("uma-client", &ticket, RptRules::default()).unwrap();
        assert_eq!(issued.scope, None);
        assert_eq!(issued.expires_in, 300);
        let permissions = s.permissions(&issued.access_token);
        assert_eq!(permissions.len(), 1);
        assert_eq!(permissions[0].resource_scopes, ["view"]);
        assert_eq!(permissions[0].partition, alice());
        assert_eq!(
            (permissions[0].issued_at, permissions[0].expires_at),
            (10, 250)
        );
        assert!(matches!(
            s.grant("uma-client", &ticket, RptRules::default()),
            Err(GrantError::InvalidGrant(_))
        ));
    }

    #[test]
    fn a_refused_request_uses_the_ticket_up_too() {
        let mut s = setup();
        let ticket = s.ticket(&["view"]);
        assert!(matches!(
            s.grant("rs-alice", &ticket, RptRules::default()),
            Err(GrantError::UnauthorizedClient(_))
        ));
        assert!(matches!(
            s.grant("uma-client", &ticket, RptRules::default()),
            Err(GrantError::InvalidGrant(_))
        ));
        let missing = s.core.uma_ticket(
            "uma-client",
            RptRequest {
                ticket: None,
                scope: None,
            },
            RptRules::default(),
            0,
        );
        assert!(matches!(missing, Err(GrantError::InvalidRequest(_))));
        let fresh = s.ticket(&[]);
        let asked_unavailable = s.core.uma_ticket(
            "uma-client",
            RptRequest {
                ticket: Some(&fresh),
                scope: Some("fly"),
            },
            RptRules::default(),
            0,
        );
        assert!(matches!(
            asked_unavailable,
            Err(GrantError::InvalidScope(_))
        ));
    }

    #[test]
    fn deviating_rules() {
        let mut s = setup();
        let ticket = s.ticket(&["view"]);
        let reusable = RptRules {
            tickets_reusable: true,
            ..RptRules::default()
        };
        assert!(s.grant("uma-client", &ticket, reusable).is_ok());
        assert!(s.grant("uma-client", &ticket, reusable).is_ok());

        let ticket = s.ticket(&["view"]);
        let all = RptRules {
            all_registered_scopes: true,
            extra_scope: Some("admin"),
            ..RptRules::default()
        };
        let issued = s.grant("uma-client", &ticket, all).unwrap();
        assert_eq!(
            s.permissions(&issued.access_token)[0].resource_scopes,
            ["view", "print", "admin"]
        );
    }
}
