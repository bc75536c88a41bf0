//! Claims about a requesting party (Grant 1.3): what the AS learnt from pushed claim tokens,
//! interactive claims gathering or a PCT, and how a policy's claim condition is matched.

use serde_json::{Map, Value};

/// Claims by name, as JSON values (a role list is an array).
pub(crate) type ClaimSet = Map<String, Value>;

/// Everything known about the requesting party in one authorization process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RequestingParty {
    /// Who the claims are about, qualified by who vouched for them (`{issuer}|{sub}`), when the
    /// claims name a subject at all. Self-asserted claims have none.
    pub(crate) subject: Option<String>,
    pub(crate) claims: ClaimSet,
}

impl RequestingParty {
    /// Nothing is known about the requesting party.
    pub(crate) fn is_empty(&self) -> bool {
        self.subject.is_none() && self.claims.is_empty()
    }

    /// Adds what `newer` says; on a conflict the newer value wins, since it was collected later
    /// in the process.
    pub(crate) fn merge(&mut self, newer: &RequestingParty) {
        if newer.subject.is_some() {
            self.subject.clone_from(&newer.subject);
        }
        for (name, value) in &newer.claims {
            self.claims.insert(name.clone(), value.clone());
        }
    }

    /// Whether two descriptions could be the same party: they conflict only when both name a
    /// subject and the subjects differ.
    pub(crate) fn compatible_with(&self, other: &RequestingParty) -> bool {
        match (&self.subject, &other.subject) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }
}

/// Whether `claims` satisfy every condition of `required`. A condition names a claim and the
/// value wanted; an array-valued claim (roles) satisfies it if it contains the value, and an
/// array of wanted values is satisfied by any one of them ("A or B", Grant 3.3.4 note).
pub(crate) fn satisfies(claims: &ClaimSet, required: &ClaimSet) -> bool {
    required.iter().all(|(name, wanted)| {
        let Some(actual) = claims.get(name) else {
            return false;
        };
        match wanted {
            Value::Array(options) => options.iter().any(|w| matches_value(actual, w)),
            single => matches_value(actual, single),
        }
    })
}

fn matches_value(actual: &Value, wanted: &Value) -> bool {
    match actual {
        Value::Array(items) => items.iter().any(|item| item == wanted),
        other => other == wanted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(value: Value) -> ClaimSet {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn conditions_match_values_roles_and_alternatives() {
        let carol = set(json!({"email": "carol@example.test", "roles": ["doctor", "researcher"]}));
        assert!(satisfies(&carol, &set(json!({}))));
        assert!(satisfies(&carol, &set(json!({"roles": "doctor"}))));
        assert!(satisfies(
            &carol,
            &set(json!({"roles": ["nurse", "doctor"]}))
        ));
        assert!(satisfies(
            &carol,
            &set(json!({"email": "carol@example.test", "roles": "researcher"}))
        ));
        assert!(!satisfies(&carol, &set(json!({"roles": "nurse"}))));
        assert!(!satisfies(
            &carol,
            &set(json!({"email": "CAROL@example.test"}))
        ));
        assert!(!satisfies(&carol, &set(json!({"age": 30}))));
    }

    #[test]
    fn merging_prefers_newer_claims() {
        let mut party = RequestingParty {
            subject: Some("idp|carol".into()),
            claims: set(json!({"email": "old@example.test", "roles": ["x"]})),
        };
        let newer = RequestingParty {
            subject: None,
            claims: set(json!({"email": "new@example.test"})),
        };
        assert!(party.compatible_with(&newer));
        party.merge(&newer);
        assert_eq!(party.subject.as_deref(), Some("idp|carol"));
        assert_eq!(party.claims["email"], "new@example.test");
        assert_eq!(party.claims["roles"], json!(["x"]));
        let other = RequestingParty {
            subject: Some("idp|dave".into()),
            claims: ClaimSet::new(),
        };
        assert!(!party.compatible_with(&other));
        assert!(RequestingParty::default().is_empty());
    }
}
