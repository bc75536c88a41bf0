//! Permission tickets (FedAuthz 4): the permissions a resource server requested for a client,
//! kept until the client presents the ticket at the token endpoint. A ticket is single-use and
//! ends when presented or when it expires, whichever comes first (Grant 5.5).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::clock::Timestamp;
use super::ids::{RandomnessUnavailable, TOKEN_BYTES, random_id};
use super::resources::Partition;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Permission {
    pub(crate) resource_id: String,
    pub(crate) resource_scopes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ticket {
    /// The resource owner and resource server whose PAT asked for the ticket: a ticket covers
    /// one owner's resources at one resource server (FedAuthz 4).
    pub(crate) partition: Partition,
    /// Exactly the permissions requested, in request order.
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

    /// The ticket, if it is still valid, without using it up.
    pub(crate) fn get(&self, value: &str, now: Timestamp) -> Option<&Ticket> {
        self.tickets.get(value).filter(|t| now < t.expires_at)
    }

    /// Uses the ticket up: it is gone afterwards whether or not it was still valid.
    pub(crate) fn take(&mut self, value: &str, now: Timestamp) -> Option<Ticket> {
        self.tickets.remove(value).filter(|t| now < t.expires_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket() -> Ticket {
        Ticket {
            partition: Partition {
                owner: "alice".into(),
                client_id: "rs-alice".into(),
            },
            permissions: vec![Permission {
                resource_id: "r1".into(),
                resource_scopes: vec![],
            }],
            issued_at: 100,
            expires_at: 400,
        }
    }

    #[test]
    fn tickets_are_distinct_and_expire() {
        let mut store = TicketStore::default();
        let t1 = store.issue(ticket()).unwrap();
        let t2 = store.issue(ticket()).unwrap();
        assert_ne!(t1, t2);
        assert_eq!(store.get(&t1, 399), Some(&ticket()));
        assert!(store.get(&t1, 400).is_none());
    }

    #[test]
    fn taking_uses_a_ticket_up() {
        let mut store = TicketStore::default();
        let t1 = store.issue(ticket()).unwrap();
        assert_eq!(store.take(&t1, 100), Some(ticket()));
        assert!(store.take(&t1, 100).is_none());
        let t2 = store.issue(ticket()).unwrap();
        assert!(store.take(&t2, 400).is_none());
        assert!(
            store.get(&t2, 100).is_none(),
            "an expired ticket is gone too"
        );
    }
}
