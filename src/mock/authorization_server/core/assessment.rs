//! Authorization assessment (Grant 3.3.4): from a permission ticket and the client's request to
//! the permissions an RPT may carry, or the reason it may not.
//!
//! Two steps. [`requested_permissions`] assembles RequestedScopes(resource) for every resource of
//! the ticket (steps 1 and 2). [`assess`] asks the owner's policy about each and decides the
//! result (steps 3 and 4 and the results phase). Claims, PCTs and owner approval will feed into
//! `assess` and come out as further [`Outcome`]s (need_info, request_submitted).

use super::policy::{Answer, Policies, Question};
use super::resources::{Partition, ResourceRegistry, View, registered_scopes};
use super::tickets::Ticket;

/// One resource and the scopes requested on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Requested {
    pub(crate) partition: Partition,
    pub(crate) resource_id: String,
    pub(crate) scopes: Vec<String>,
}

/// Why the request cannot even be assessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unassessable {
    /// A scope the client asked for matches no scope of the ticket's resources (Grant 3.3.6).
    ScopeNotAvailable(String),
    /// Every resource of the ticket was deregistered since: nothing is left to grant.
    NoResourceLeft,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Every requested scope passed: the RPT carries exactly these.
    Granted(Vec<Requested>),
    /// Some requested scope did not pass, and nothing the client could add would change that
    /// (request_denied).
    Denied,
}

/// Steps 1 and 2: for each resource of the ticket, TicketScopes(resource) plus the scopes the
/// client asked for at the token endpoint, counted only if the client is pre-registered for them
/// and the resource registers them.
///
/// A resource deregistered after the ticket was issued is no longer protected (FedAuthz 3), so
/// it drops out, and ticket scopes the resource no longer registers drop with it.
pub(crate) fn requested_permissions(
    ticket: &Ticket,
    resources: &ResourceRegistry,
    client_registered_scopes: &[String],
    client_requested_scopes: &[String],
) -> Result<Vec<Requested>, Unassessable> {
    let live: Vec<_> = ticket
        .permissions
        .iter()
        .filter_map(|p| {
            let description = resources.get(View::Partition(&ticket.partition), &p.resource_id)?;
            Some((p, registered_scopes(description)))
        })
        .collect();
    if live.is_empty() {
        return Err(Unassessable::NoResourceLeft);
    }
    // Grant 3.3.6 invalid_scope: each requested scope must be available on some resource.
    if let Some(unavailable) = client_requested_scopes.iter().find(|s| {
        !live
            .iter()
            .any(|(_, registered)| registered.contains(&s.as_str()))
    }) {
        return Err(Unassessable::ScopeNotAvailable(unavailable.clone()));
    }
    let extra: Vec<&String> = client_requested_scopes
        .iter()
        .filter(|s| client_registered_scopes.contains(s))
        .collect();
    Ok(live
        .into_iter()
        .map(|(permission, registered)| {
            let mut scopes: Vec<String> = permission
                .resource_scopes
                .iter()
                .filter(|s| registered.contains(&s.as_str()))
                .cloned()
                .collect();
            for scope in &extra {
                if registered.contains(&scope.as_str()) && !scopes.contains(scope) {
                    scopes.push((*scope).clone());
                }
            }
            Requested {
                partition: ticket.partition.clone(),
                resource_id: permission.resource_id.clone(),
                scopes,
            }
        })
        .collect())
}

/// Steps 3 and 4 and the results phase. The mock grants all or nothing: when some requested
/// scope does not pass it answers with an error rather than a partial RPT, one of the two
/// choices Grant 3.3.4 leaves to the AS.
pub(crate) fn assess(policies: &Policies, client_id: &str, requested: Vec<Requested>) -> Outcome {
    for item in &requested {
        let answer = policies.evaluate(Question {
            owner: &item.partition.owner,
            client_id,
            scopes: &item.scopes,
        });
        let all_pass = match answer {
            Answer::Grant(candidate) => item.scopes.iter().all(|s| candidate.contains(s)),
            Answer::Deny => false,
        };
        if !all_pass {
            return Outcome::Denied;
        }
    }
    Outcome::Granted(requested)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::authorization_server::core::tickets::Permission;
    use crate::mock::authorization_server::fixtures::{PolicyFixture, RuleFixture};
    use serde_json::{Value, json};

    fn alice() -> Partition {
        Partition {
            owner: "alice".into(),
            client_id: "rs-alice".into(),
        }
    }

    fn register(registry: &mut ResourceRegistry, scopes: &[&str]) -> String {
        let Value::Object(description) = json!({ "resource_scopes": scopes }) else {
            unreachable!()
        };
        registry.create(&alice(), description).unwrap()
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn ticket(permissions: &[(&str, &[&str])]) -> Ticket {
        Ticket {
            partition: alice(),
            permissions: permissions
                .iter()
                .map(|(id, scopes)| Permission {
                    resource_id: id.to_string(),
                    resource_scopes: strings(scopes),
                })
                .collect(),
            issued_at: 0,
            expires_at: 100,
        }
    }

    #[test]
    fn the_spec_example_of_requested_scopes() {
        // Grant 3.3.4: an album with edit asked, two photos with view asked, and the client,
        // pre-registered for download, asks for it at the token endpoint.
        let mut registry = ResourceRegistry::default();
        let album = register(&mut registry, &["view", "edit", "download"]);
        let photo = register(&mut registry, &["view", "resize", "print", "download"]);
        let ticket = ticket(&[(&album, &["edit"]), (&photo, &["view"])]);
        let requested = requested_permissions(
            &ticket,
            &registry,
            &strings(&["download"]),
            &strings(&["download"]),
        )
        .unwrap();
        assert_eq!(requested[0].scopes, ["edit", "download"]);
        assert_eq!(requested[1].scopes, ["view", "download"]);

        // Not pre-registered: the scope is ignored.
        let requested =
            requested_permissions(&ticket, &registry, &[], &strings(&["download"])).unwrap();
        assert_eq!(requested[0].scopes, ["edit"]);

        // Available on no resource of the ticket: invalid_scope.
        assert_eq!(
            requested_permissions(&ticket, &registry, &[], &strings(&["fly"])),
            Err(Unassessable::ScopeNotAvailable("fly".into()))
        );
    }

    #[test]
    fn deregistered_resources_drop_out() {
        let mut registry = ResourceRegistry::default();
        let kept = register(&mut registry, &["view"]);
        let gone = register(&mut registry, &["view"]);
        assert!(registry.delete(View::Everything, &gone));
        let both = ticket(&[(&kept, &["view"]), (&gone, &["view"])]);
        let requested = requested_permissions(&both, &registry, &[], &[]).unwrap();
        assert_eq!(requested.len(), 1);
        assert_eq!(requested[0].resource_id, kept);
        assert_eq!(
            requested_permissions(&ticket(&[(&gone, &[])]), &registry, &[], &[]),
            Err(Unassessable::NoResourceLeft)
        );
    }

    #[test]
    fn all_or_nothing() {
        let policies = Policies::from_fixtures(&[PolicyFixture {
            resource_owner: "alice".into(),
            rules: vec![RuleFixture::GrantRequested {
                clients: vec!["app".into()],
            }],
        }]);
        let requested = vec![Requested {
            partition: alice(),
            resource_id: "r".into(),
            scopes: strings(&["view"]),
        }];
        assert_eq!(
            assess(&policies, "app", requested.clone()),
            Outcome::Granted(requested.clone())
        );
        assert_eq!(assess(&policies, "stranger", requested), Outcome::Denied);
    }
}
