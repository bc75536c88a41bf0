//! Permission requests (FedAuthz 4): a resource server asks for permissions on resources it
//! registered, on a client's behalf, and gets one ticket for all of them.

use super::AsCore;
use super::clock::Timestamp;
use super::ids::RandomnessUnavailable;
use super::resources::{Partition, View, registered_scopes};
use super::tickets::{Permission, Ticket};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PermissionError {
    UnknownResource(String),
    UnregisteredScope { resource_id: String, scope: String },
    Randomness(RandomnessUnavailable),
}

impl AsCore {
    /// Checks every requested permission against the resources `view` can see and issues a ticket
    /// for the requester's resource owner.
    pub(crate) fn request_permissions(
        &mut self,
        view: View<'_>,
        requester: &Partition,
        permissions: Vec<Permission>,
        now: Timestamp,
    ) -> Result<String, PermissionError> {
        for permission in &permissions {
            let description = self
                .resources
                .get(view, &permission.resource_id)
                .ok_or_else(|| PermissionError::UnknownResource(permission.resource_id.clone()))?;
            let registered = registered_scopes(description);
            if let Some(scope) = permission
                .resource_scopes
                .iter()
                .find(|s| !registered.contains(&s.as_str()))
            {
                return Err(PermissionError::UnregisteredScope {
                    resource_id: permission.resource_id.clone(),
                    scope: scope.clone(),
                });
            }
        }
        let ticket = Ticket {
            owner: requester.owner.clone(),
            rs_client_id: requester.client_id.clone(),
            permissions,
            issued_at: now,
            expires_at: now.saturating_add(self.lifetimes.permission_ticket),
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

        let ticket = core
            .request_permissions(View::Partition(&alice), &alice, ask(&["print"]), 10)
            .unwrap();
        let stored = core.tickets.get(&ticket, 10).unwrap();
        assert_eq!(stored.owner, "alice");
        assert_eq!(stored.expires_at, 310);
        assert!(
            core.request_permissions(View::Partition(&alice), &alice, ask(&[]), 10)
                .is_ok()
        );
        assert!(matches!(
            core.request_permissions(View::Partition(&alice), &alice, ask(&["delete"]), 10),
            Err(PermissionError::UnregisteredScope { .. })
        ));
        assert!(matches!(
            core.request_permissions(View::Partition(&bob), &bob, ask(&["view"]), 10),
            Err(PermissionError::UnknownResource(_))
        ));
        assert!(
            core.request_permissions(View::Everything, &bob, ask(&["view"]), 10)
                .is_ok()
        );
    }
}
