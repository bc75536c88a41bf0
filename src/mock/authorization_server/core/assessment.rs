//! Authorization assessment (Grant 3.3.4): from a permission ticket and the client's request to
//! the permissions an RPT may carry, or the reason it may not.
//!
//! Two steps. [`requested_permissions`] assembles RequestedScopes(resource) for every resource of
//! the ticket (steps 1 and 2). [`assess`] asks the owner's policies about each and decides the
//! result (steps 3 and 4 and the results phase): an RPT, or request_denied, need_info or
//! request_submitted.

use super::policy::{ClaimHint, Facts, Policies, ResourceFacts, Verdict};
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
    /// Claims would help (need_info).
    NeedInfo {
        hints: Vec<ClaimHint>,
        redirect_user: bool,
    },
    /// The owner has to decide (request_submitted).
    Submitted,
}

/// Steps 1 and 2: for each resource of the ticket, TicketScopes(resource) plus the scopes the
/// client asked for at the token endpoint, counted only if the client is pre-registered for them
/// and the resource registers them. With `ignore_unavailable`, a requested scope no resource has
/// is dropped instead of refused (a deviation).
///
/// A resource deregistered after the ticket was issued is no longer protected (FedAuthz 3), so
/// it drops out, and ticket scopes the resource no longer registers drop with it.
pub(crate) fn requested_permissions(
    ticket: &Ticket,
    resources: &ResourceRegistry,
    client_registered_scopes: &[String],
    client_requested_scopes: &[String],
    ignore_unavailable: bool,
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
        if !ignore_unavailable {
            return Err(Unassessable::ScopeNotAvailable(unavailable.clone()));
        }
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
/// choices Grant 3.3.4 leaves to the AS. The worst verdict of any resource decides: a denial
/// cannot be helped, claims may help, and the owner is asked only when nothing else stands in
/// the way.
pub(crate) fn assess(
    policies: &Policies,
    resources: &ResourceRegistry,
    requested: Vec<Requested>,
    facts: &Facts<'_>,
) -> Outcome {
    let mut worst = Verdict::Granted;
    let mut hints: Vec<ClaimHint> = Vec::new();
    let mut redirect_user = false;
    for item in &requested {
        let resource_type = resources
            .get(View::Partition(&item.partition), &item.resource_id)
            .and_then(|d| d.get("type"))
            .and_then(serde_json::Value::as_str);
        let decision = policies.decide(
            ResourceFacts {
                owner: &item.partition.owner,
                resource_id: &item.resource_id,
                resource_type,
            },
            &item.scopes,
            facts,
        );
        if decision.verdict == Verdict::NeedInfo {
            for hint in decision.hints {
                if !hints.contains(&hint) {
                    hints.push(hint);
                }
            }
            redirect_user |= decision.redirect_user;
        }
        worst = worst.max(decision.verdict);
    }
    match worst {
        Verdict::Granted => Outcome::Granted(requested),
        Verdict::Denied => Outcome::Denied,
        Verdict::NeedInfo => Outcome::NeedInfo {
            hints,
            redirect_user,
        },
        Verdict::Submitted => Outcome::Submitted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::authorization_server::core::claims::RequestingParty;
    use crate::mock::authorization_server::core::tickets::{Permission, TicketContext};
    use crate::mock::authorization_server::fixtures::PolicyFixture;
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
            context: TicketContext::default(),
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
            false,
        )
        .unwrap();
        assert_eq!(requested[0].scopes, ["edit", "download"]);
        assert_eq!(requested[1].scopes, ["view", "download"]);

        // Not pre-registered: the scope is ignored.
        let requested =
            requested_permissions(&ticket, &registry, &[], &strings(&["download"]), false).unwrap();
        assert_eq!(requested[0].scopes, ["edit"]);

        // Available on no resource of the ticket: invalid_scope.
        assert_eq!(
            requested_permissions(&ticket, &registry, &[], &strings(&["fly"]), false),
            Err(Unassessable::ScopeNotAvailable("fly".into()))
        );
        // Unless unavailable scopes are ignored.
        let ignored =
            requested_permissions(&ticket, &registry, &[], &strings(&["fly"]), true).unwrap();
        assert_eq!(ignored[0].scopes, ["edit"]);
    }

    #[test]
    fn deregistered_resources_drop_out() {
        let mut registry = ResourceRegistry::default();
        let kept = register(&mut registry, &["view"]);
        let gone = register(&mut registry, &["view"]);
        assert!(registry.delete(View::Everything, &gone));
        let both = ticket(&[(&kept, &["view"]), (&gone, &["view"])]);
        let requested = requested_permissions(&both, &registry, &[], &[], false).unwrap();
        assert_eq!(requested.len(), 1);
        assert_eq!(requested[0].resource_id, kept);
        assert_eq!(
            requested_permissions(&ticket(&[(&gone, &[])]), &registry, &[], &[], false),
            Err(Unassessable::NoResourceLeft)
        );
    }

    #[test]
    fn all_or_nothing_and_the_worst_verdict_decides() {
        let fixture = |v: Value| -> PolicyFixture { serde_json::from_value(v).unwrap() };
        let policies = Policies::from_fixtures(&[
            fixture(json!({"owner": "alice", "outcome": "grant", "clients": ["app"]})),
            fixture(
                json!({"owner": "alice", "resource_type": "t:record", "outcome": "need_claims"}),
            ),
            fixture(json!({"owner": "alice", "resource_type": "t:album", "outcome": "ask_owner"})),
            fixture(json!({"owner": "alice", "resource_type": "t:diary", "outcome": "deny"})),
        ]);
        let mut registry = ResourceRegistry::default();
        let mut typed = |kind: &str| {
            let Value::Object(d) = json!({"resource_scopes": ["view"], "type": kind}) else {
                unreachable!()
            };
            registry.create(&alice(), d).unwrap()
        };
        let plain = typed("t:plain");
        let record = typed("t:record");
        let album = typed("t:album");
        let diary = typed("t:diary");
        let ask = |ids: &[&String]| -> Vec<Requested> {
            ids.iter()
                .map(|id| Requested {
                    partition: alice(),
                    resource_id: id.to_string(),
                    scopes: strings(&["view"]),
                })
                .collect()
        };
        let nobody = RequestingParty::default();
        let facts = |client| Facts {
            client_id: client,
            party: &nobody,
            now: 0,
            owner_answer: None,
        };
        let requested = ask(&[&plain]);
        assert_eq!(
            assess(&policies, &registry, requested.clone(), &facts("app")),
            Outcome::Granted(requested.clone())
        );
        assert_eq!(
            assess(&policies, &registry, requested, &facts("stranger")),
            Outcome::Denied
        );
        assert!(matches!(
            assess(&policies, &registry, ask(&[&plain, &record, &album]), &facts("app")),
            Outcome::NeedInfo { redirect_user: true, ref hints } if hints.len() == 1
        ));
        assert_eq!(
            assess(&policies, &registry, ask(&[&plain, &album]), &facts("app")),
            Outcome::Submitted
        );
        assert_eq!(
            assess(
                &policies,
                &registry,
                ask(&[&record, &album, &diary]),
                &facts("app")
            ),
            Outcome::Denied
        );
    }
}
