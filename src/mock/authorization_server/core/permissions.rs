//! Permission requests (FedAuthz 4): a resource server asks for permissions on resources it
//! registered, on a client's behalf, and gets one ticket for all of them.

use super::AsCore;
use super::clock::Timestamp;
use super::ids::RandomnessUnavailable;
use super::resources::{Partition, View, registered_scopes};
use super::tickets::{Permission, Ticket, TicketContext};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PermissionError {
    UnknownResource(String),
    UnregisteredScope { resource_id: String, scope: String },
    Randomness(RandomnessUnavailable),
}

/// Switches for the checks. The default is the spec's behaviour; deviations turn parts off.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PermissionRules {
    /// Refuse resource ids the requester did not register (FedAuthz 4.1).
    pub(crate) check_resources: bool,
    /// Refuse scopes not registered for the resource (FedAuthz 4.1).
    pub(crate) check_scopes: bool,
}

impl Default for PermissionRules {
    fn default() -> Self {
        PermissionRules {
            check_resources: true,
            check_scopes: true,
        }
    }
}

impl AsCore {
    /// Checks every requested permission against the resources the requester registered: the
    /// PAT names one owner at one resource server, and only that pair's resources count
    /// (FedAuthz 4). Nothing is issued unless every permission passes.
    pub(crate) fn check_permissions(
        &self,
        requester: &Partition,
        permissions: &[Permission],
        rules: PermissionRules,
    ) -> Result<(), PermissionError> {
        for permission in permissions {
            let Some(description) = self
                .resources
                .get(View::Partition(requester), &permission.resource_id)
            else {
                if rules.check_resources {
                    return Err(PermissionError::UnknownResource(
                        permission.resource_id.clone(),
                    ));
                }
                // Nothing registered to compare the scopes with.
                continue;
            };
            let registered = registered_scopes(description);
            if let Some(scope) = permission
                .resource_scopes
                .iter()
                .find(|s| rules.check_scopes && !registered.contains(&s.as_str()))
            {
                return Err(PermissionError::UnregisteredScope {
                    resource_id: permission.resource_id.clone(),
                    scope: scope.clone(),
                });
            }
        }
        Ok(())
    }

    /// One ticket for exactly these permissions, for the requester's owner and resource server.
    pub(crate) fn issue_ticket(
        &mut self,
        requester: &Partition,
        permissions: Vec<Permission>,
        now: Timestamp,
    ) -> Result<String, PermissionError> {
        let ticket = Ticket {
            partition: requester.clone(),
            permissions,
            issued_at: now,
            expires_at: now.saturating_add(self.lifetimes.permission_ticket),
            context: TicketContext::default(),
        };
        self.tickets
            .issue(ticket)
            .map_err(PermissionError::Randomness)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::authorization_server::fixtures::Fixtures;
    use serde_json::json;

    #[test]
    fn checks_resources_and_scopes_of_the_partition() {
        let mut core = AsCore::new(&Fixtures::embedded().unwrap());
        let alice = Partition {
            owner: "alice".into(),
            client_id: "rs-alice".into(),
        };
        let bob = Partition {
            owner: "bob".into(),
            client_id: "rs-bob".into(),
        };
        let serde_json::Value::Object(description) = json!({"resource_scopes": ["view", "print"]})
        else {
            unreachable!()
        };
        let id = core.resources.create(&alice, description).unwrap();
        let ask = |scopes: &[&str]| {
            vec![Permission {
                resource_id: id.clone(),
                resource_scopes: scopes.iter().map(|s| s.to_string()).collect(),
            }]
        };
        let strict = PermissionRules::default();

        assert!(
            core.check_permissions(&alice, &ask(&["print"]), strict)
                .is_ok()
        );
        let ticket = core.issue_ticket(&alice, ask(&["print"]), 10).unwrap();
        let stored = core.tickets.get(&ticket, 10).unwrap();
        assert_eq!(stored.partition, alice);
        assert_eq!(stored.permissions, ask(&["print"]));
        assert_eq!(stored.expires_at, 310);
        assert!(core.check_permissions(&alice, &ask(&[]), strict).is_ok());
        assert!(matches!(
            core.check_permissions(&alice, &ask(&["delete"]), strict),
            Err(PermissionError::UnregisteredScope { .. })
        ));
        assert!(matches!(
            core.check_permissions(&bob, &ask(&["view"]), strict),
            Err(PermissionError::UnknownResource(_))
        ));

        let loose = PermissionRules {
            check_resources: false,
            check_scopes: false,
        };
        assert!(core.check_permissions(&bob, &ask(&["view"]), loose).is_ok());
        assert!(
            core.check_permissions(&alice, &ask(&["delete"]), loose)
                .is_ok()
        );
    }
}
