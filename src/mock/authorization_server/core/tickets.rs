//! Permission tickets (FedAuthz 4): the permissions a resource server requested for a client,
//! kept until the client redeems the ticket at the token endpoint (the UMA grant, a later issue).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::clock::Timestamp;
use super::ids::{RandomnessUnavailable, TOKEN_BYTES, random_id};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Permission {
    pub(crate) resource_id: String,
    pub(crate) resource_scopes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
// Read by the UMA grant when a client redeems the ticket (a later issue).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Ticket {
    pub(crate) owner: String,
    pub(crate) rs_client_id: String,
    pub(crate) permissions: Vec<Permission>,
    pub(crate) issued_at: Timestamp,
    pub(crate) expires_at: Timestamp,
}

#[derive(Debug, Default)]
pub(crate) struct TicketStore {
    tickets: HashMap<String, Ticket>,
}

impl TicketStore {
    pub(crate) fn issue(&mut self, ticket: Ticket) -> Result<String, RandomnessUnavailable> {
        loop {
            let value = random_id(TOKEN_BYTES)?;
            if let Entry::Vacant(slot) = self.tickets.entry(value) {
                let value = slot.key().clone();
                slot.insert(ticket);
                return Ok(value);
            }
        }
    }

    // Read by the UMA grant (a later issue).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn get(&self, value: &str, now: Timestamp) -> Option<&Ticket> {
        self.tickets.get(value).filter(|t| now < t.expires_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_distinct_and_expire() {
        let ticket = Ticket {
            owner: "alice".into(),
            rs_client_id: "rs-alice".into(),
            permissions: vec![Permission {
                resource_id: "r1".into(),
                resource_scopes: vec![],
            }],
            issued_at: 100,
            expires_at: 400,
        };
        let mut store = TicketStore::default();
        let t1 = store.issue(ticket.clone()).unwrap();
        let t2 = store.issue(ticket.clone()).unwrap();
        assert_ne!(t1, t2);
        assert_eq!(store.get(&t1, 399), Some(&ticket));
        assert!(store.get(&t1, 400).is_none());
    }
}
