//! The resource registry. Each resource belongs to the (resource owner, resource server client)
//! pair whose PAT registered it; a PAT is specific to one owner and one RS (FedAuthz 1.3), so that
//! pair is the partition a PAT sees.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde_json::{Map, Value};

use super::ids::{RESOURCE_ID_BYTES, RandomnessUnavailable, random_id};

/// A resource description exactly as the resource server sent it (minus AS-assigned members).
pub(crate) type Description = Map<String, Value>;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Partition {
    pub(crate) owner: String,
    pub(crate) client_id: String,
}

/// Which resources an operation may touch.
#[derive(Debug, Clone, Copy)]
pub(crate) enum View<'a> {
    /// Only those registered under this partition: the spec's behaviour.
    Partition(&'a Partition),
    /// All of them, whoever registered them.
    Everything,
}

impl View<'_> {
    pub(crate) fn sees(&self, partition: &Partition) -> bool {
        match self {
            View::Partition(own) => *own == partition,
            View::Everything => true,
        }
    }
}

#[derive(Debug)]
struct Stored {
    partition: Partition,
    /// Creation order, so that listings are stable.
    seq: u64,
    description: Description,
}

#[derive(Debug, Default)]
pub(crate) struct ResourceRegistry {
    resources: HashMap<String, Stored>,
    next_seq: u64,
}

impl ResourceRegistry {
    /// Registers a description and returns its new id.
    pub(crate) fn create(
        &mut self,
        partition: &Partition,
        description: Description,
    ) -> Result<String, RandomnessUnavailable> {
        loop {
            let id = random_id(RESOURCE_ID_BYTES)?;
            if let Entry::Vacant(slot) = self.resources.entry(id) {
                let id = slot.key().clone();
                slot.insert(Stored {
                    partition: partition.clone(),
                    seq: self.next_seq,
                    description,
                });
                self.next_seq += 1;
                return Ok(id);
            }
        }
    }

    pub(crate) fn get(&self, view: View<'_>, id: &str) -> Option<&Description> {
        self.resources
            .get(id)
            .filter(|s| view.sees(&s.partition))
            .map(|s| &s.description)
    }

    /// Replaces a description wholesale; false if the id is unknown in this view.
    pub(crate) fn replace(&mut self, view: View<'_>, id: &str, description: Description) -> bool {
        match self.resources.get_mut(id) {
            Some(stored) if view.sees(&stored.partition) => {
                stored.description = description;
                true
            }
            _ => false,
        }
    }

    /// Deregisters a resource; false if the id is unknown in this view.
    pub(crate) fn delete(&mut self, view: View<'_>, id: &str) -> bool {
        match self.resources.get(id) {
            Some(stored) if view.sees(&stored.partition) => {
                self.resources.remove(id);
                true
            }
            _ => false,
        }
    }

    /// The resources of this view, oldest first.
    pub(crate) fn list(&self, view: View<'_>) -> Vec<(&str, &Description)> {
        let mut found: Vec<_> = self
            .resources
            .iter()
            .filter(|(_, s)| view.sees(&s.partition))
            .collect();
        found.sort_by_key(|(_, s)| s.seq);
        found
            .into_iter()
            .map(|(id, s)| (id.as_str(), &s.description))
            .collect()
    }
}

/// The scopes registered for a resource (an absent or malformed list counts as none).
pub(crate) fn registered_scopes(description: &Description) -> Vec<&str> {
    description
        .get("resource_scopes")
        .and_then(Value::as_array)
        .map(|scopes| scopes.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn partition(owner: &str, client: &str) -> Partition {
        Partition {
            owner: owner.into(),
            client_id: client.into(),
        }
    }

    fn description(name: &str) -> Description {
        match json!({"resource_scopes": ["view"], "name": name}) {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn partitions_are_isolated() {
        let alice = partition("alice", "rs-alice");
        let alice_other_rs = partition("alice", "rs-other");
        let bob = partition("bob", "rs-bob");
        let mut registry = ResourceRegistry::default();
        let a1 = registry.create(&alice, description("a1")).unwrap();
        let a2 = registry.create(&alice, description("a2")).unwrap();
        let b1 = registry.create(&bob, description("b1")).unwrap();

        let ids = |view| -> Vec<String> {
            registry
                .list(view)
                .into_iter()
                .map(|(id, _)| id.to_string())
                .collect()
        };
        assert_eq!(ids(View::Partition(&alice)), [a1.clone(), a2.clone()]);
        assert_eq!(ids(View::Partition(&bob)), std::slice::from_ref(&b1));
        assert!(ids(View::Partition(&alice_other_rs)).is_empty());
        assert_eq!(ids(View::Everything).len(), 3);

        assert!(registry.get(View::Partition(&bob), &a1).is_none());
        assert!(!registry.replace(View::Partition(&bob), &a1, description("x")));
        assert!(!registry.delete(View::Partition(&bob), &a1));
        assert_eq!(
            registry.get(View::Partition(&alice), &a1).unwrap()["name"],
            "a1"
        );

        assert!(registry.replace(View::Partition(&alice), &a1, description("new")));
        assert_eq!(
            registry.get(View::Partition(&alice), &a1).unwrap()["name"],
            "new"
        );
        assert!(registry.delete(View::Everything, &b1));
        assert!(registry.get(View::Everything, &b1).is_none());
    }

    #[test]
    fn scopes_of_a_description() {
        let d = description("x");
        assert_eq!(registered_scopes(&d), ["view"]);
        assert!(registered_scopes(&Description::new()).is_empty());
    }
}
