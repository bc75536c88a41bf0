//! Resource owners' access policies (Grant 3.3.4 step 3): for one resource and the scopes
//! requested on it, which scopes a client may have. How policies are set is outside UMA 2.0
//! (Part F 17); the mock reads them from `policies.json`.
//!
//! A rule answers for one resource at a time. New kinds of rules (claims required, owner approval
//! needed) add variants to [`Rule`] and [`Answer`]; the assessment combines the answers.

use std::collections::HashMap;

use crate::mock::authorization_server::fixtures::{PolicyFixture, RuleFixture};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rule {
    /// The listed clients get every scope they ask for.
    GrantRequested { clients: Vec<String> },
}

/// What the AS is asked about one resource of an owner.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Question<'a> {
    pub(crate) owner: &'a str,
    pub(crate) client_id: &'a str,
    /// RequestedScopes(resource); possibly empty, which asks for the resource as such.
    pub(crate) scopes: &'a [String],
}

/// A policy's answer for one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// The resource is granted with these scopes (CandidateGrantedScopes, Grant 3.3.4 step 4).
    Grant(Vec<String>),
    /// Nothing on this resource for this client.
    Deny,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Policies {
    by_owner: HashMap<String, Vec<Rule>>,
}

impl Policies {
    pub(crate) fn from_fixtures(fixtures: &[PolicyFixture]) -> Self {
        let by_owner = fixtures
            .iter()
            .map(|policy| {
                let rules = policy
                    .rules
                    .iter()
                    .map(|rule| match rule {
                        RuleFixture::GrantRequested { clients } => Rule::GrantRequested {
                            clients: clients.clone(),
                        },
                    })
                    .collect();
                (policy.resource_owner.clone(), rules)
            })
            .collect();
        Policies { by_owner }
    }

    /// The scopes of one resource that pass the owner's rules. Rules add up: a scope passes if
    /// any rule grants it. An owner without rules grants nothing (Grant 5.6: default deny).
    pub(crate) fn evaluate(&self, question: Question<'_>) -> Answer {
        let rules = self
            .by_owner
            .get(question.owner)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut granted: Option<Vec<String>> = None;
        for rule in rules {
            let from_rule = match rule {
                Rule::GrantRequested { clients }
                    if clients.iter().any(|c| c == question.client_id) =>
                {
                    question.scopes.to_vec()
                }
                Rule::GrantRequested { .. } => continue,
            };
            let all = granted.get_or_insert_with(Vec::new);
            for scope in from_rule {
                if !all.contains(&scope) {
                    all.push(scope);
                }
            }
        }
        granted.map_or(Answer::Deny, Answer::Grant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policies() -> Policies {
        Policies::from_fixtures(&[PolicyFixture {
            resource_owner: "alice".into(),
            rules: vec![RuleFixture::GrantRequested {
                clients: vec!["app".into()],
            }],
        }])
    }

    fn ask<'a>(owner: &'a str, client_id: &'a str, scopes: &'a [String]) -> Question<'a> {
        Question {
            owner,
            client_id,
            scopes,
        }
    }

    #[test]
    fn listed_clients_get_what_they_ask_for() {
        let p = policies();
        let scopes = vec!["view".to_string(), "print".to_string()];
        assert_eq!(
            p.evaluate(ask("alice", "app", &scopes)),
            Answer::Grant(scopes.clone())
        );
        assert_eq!(p.evaluate(ask("alice", "app", &[])), Answer::Grant(vec![]));
        assert_eq!(p.evaluate(ask("alice", "other", &scopes)), Answer::Deny);
        // No policy at all: default deny.
        assert_eq!(p.evaluate(ask("bob", "app", &scopes)), Answer::Deny);
    }
}
