//! Permission tickets (FedAuthz 4, Grant 5.5): the permissions a resource server requested for a
//! client, and what the AS learnt since in the same authorization process. A ticket is
//! single-use: it ends when presented at the token or claims interaction endpoint, or when it
//! expires, whichever comes first. Answers that call for another request hand out a new ticket
//! that carries the same permissions and context forward.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::claims::RequestingParty;
use super::clock::Timestamp;
use super::ids::{RandomnessUnavailable, TOKEN_BYTES, random_id};
use super::resources::Partition;

/// How long a spent ticket is remembered, to tell "already used" from "never issued".
const SPENT_MEMORY_SECS: i64 = 24 * 3600;
/// Expired and forgotten entries are swept out once every this many issues, so that the store
/// does not grow without bound while issuing stays cheap.
const SWEEP_EVERY: u32 = 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Permission {
    pub(crate) resource_id: String,
    pub(crate) resource_scopes: Vec<String>,
}

/// What an authorization process has learnt so far (Grant 1.3.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TicketContext {
    /// The client the process belongs to, once a client presented one of its tickets: later
    /// tickets carry that client's requesting party's claims and are good for it alone.
    pub(crate) client_id: Option<String>,
    pub(crate) party: RequestingParty,
    /// Claims were pushed or gathered in this process (not only recalled from a PCT), so the
    /// success answer carries a PCT (Grant 3.3.5).
    pub(crate) collected: bool,
    /// The pending request to the resource owner, once one was made (request_submitted).
    pub(crate) owner_request: Option<String>,
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
    pub(crate) context: TicketContext,
}

/// What presenting a ticket found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Presented {
    Valid(Box<Ticket>),
    Expired,
    /// Presented before.
    Spent,
    /// Never issued (or forgotten long ago).
    Unknown,
}

#[derive(Debug, Default)]
pub(crate) struct TicketStore {
    tickets: HashMap<String, Ticket>,
    spent: HashMap<String, Timestamp>,
    /// Hand out "1", "2", ... instead of random values (a deviation).
    pub(crate) sequential: bool,
    /// Ignore expiry (a deviation).
    pub(crate) never_expire: bool,
    counter: u64,
    since_sweep: u32,
}

impl TicketStore {
    pub(crate) fn issue(&mut self, ticket: Ticket) -> Result<String, RandomnessUnavailable> {
        self.sweep(ticket.issued_at);
        loop {
            let value = if self.sequential {
                self.counter += 1;
                self.counter.to_string()
            } else {
                random_id(TOKEN_BYTES)?
            };
            if self.spent.contains_key(&value) {
                continue;
            }
            if let Entry::Vacant(slot) = self.tickets.entry(value) {
                let value = slot.key().clone();
                slot.insert(ticket);
                return Ok(value);
            }
        }
    }

    /// Stores `ticket` under a value handed out before: a ticket that stays usable after use (a
    /// deviation).
    pub(crate) fn reissue(&mut self, value: &str, ticket: Ticket) {
        self.spent.remove(value);
        self.tickets.insert(value.to_string(), ticket);
    }

    fn is_live(&self, ticket: &Ticket, now: Timestamp) -> bool {
        self.never_expire || now < ticket.expires_at
    }

    /// The ticket, if it is still valid, without using it up.
    #[cfg(test)]
    pub(crate) fn get(&self, value: &str, now: Timestamp) -> Option<&Ticket> {
        self.tickets.get(value).filter(|t| self.is_live(t, now))
    }

    /// What presenting the ticket would find, leaving it in place.
    pub(crate) fn peek(&self, value: &str, now: Timestamp) -> Presented {
        match self.tickets.get(value) {
            Some(ticket) if self.is_live(ticket, now) => Presented::Valid(Box::new(ticket.clone())),
            Some(_) => Presented::Expired,
            None if self.spent.contains_key(value) => Presented::Spent,
            None => Presented::Unknown,
        }
    }

    /// Uses the ticket up: it is gone afterwards whether or not it was still valid.
    pub(crate) fn present(&mut self, value: &str, now: Timestamp) -> Presented {
        match self.tickets.remove(value) {
            Some(ticket) => {
                self.spent.insert(value.to_string(), now);
                if self.is_live(&ticket, now) {
                    Presented::Valid(Box::new(ticket))
                } else {
                    Presented::Expired
                }
            }
            None if self.spent.contains_key(value) => Presented::Spent,
            None => Presented::Unknown,
        }
    }

    /// Like [`present`](Self::present), for callers that only care whether it was valid.
    #[cfg(test)]
    pub(crate) fn take(&mut self, value: &str, now: Timestamp) -> Option<Ticket> {
        match self.present(value, now) {
            Presented::Valid(ticket) => Some(*ticket),
            _ => None,
        }
    }

    fn sweep(&mut self, now: Timestamp) {
        self.since_sweep += 1;
        if self.since_sweep < SWEEP_EVERY {
            return;
        }
        self.since_sweep = 0;
        if !self.never_expire {
            // Expired tickets nobody presented are remembered as spent, so a late presentation
            // still reads as a ticket this AS issued.
            let expired: Vec<String> = self
                .tickets
                .iter()
                .filter(|(_, t)| now >= t.expires_at)
                .map(|(v, _)| v.clone())
                .collect();
            for value in expired {
                self.tickets.remove(&value);
                self.spent.insert(value, now);
            }
        }
        self.spent
            .retain(|_, at| now < at.saturating_add(SPENT_MEMORY_SECS));
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
            context: TicketContext::default(),
        }
    }

    #[test]
    fn tickets_are_distinct_and_expire() {
        let mut store = TicketStore::default();
        let t1 = store.issue(ticket()).unwrap();
        let t2 = store.issue(ticket()).unwrap();
        assert_ne!(t1, t2);
        assert!(t1.len() >= 43);
        assert_eq!(store.get(&t1, 399), Some(&ticket()));
        assert!(store.get(&t1, 400).is_none());
    }

    #[test]
    fn presenting_uses_a_ticket_up() {
        let mut store = TicketStore::default();
        let t1 = store.issue(ticket()).unwrap();
        assert_eq!(store.take(&t1, 100), Some(ticket()));
        assert!(store.take(&t1, 100).is_none());
        assert_eq!(store.present(&t1, 100), Presented::Spent);
        assert_eq!(store.present("never", 100), Presented::Unknown);
        let t2 = store.issue(ticket()).unwrap();
        assert_eq!(store.present(&t2, 400), Presented::Expired);
        assert!(
            store.get(&t2, 100).is_none(),
            "an expired ticket is gone too"
        );
        store.reissue(&t2, ticket());
        assert_eq!(store.peek(&t2, 100), Presented::Valid(Box::new(ticket())));
        assert_eq!(store.peek(&t2, 400), Presented::Expired);
        assert_eq!(store.take(&t2, 100), Some(ticket()));
        assert_eq!(store.peek(&t2, 100), Presented::Spent);
        assert_eq!(store.peek("never", 100), Presented::Unknown);
    }

    #[test]
    fn switches() {
        let mut store = TicketStore {
            sequential: true,
            never_expire: true,
            ..TicketStore::default()
        };
        assert_eq!(store.issue(ticket()).unwrap(), "1");
        assert_eq!(store.issue(ticket()).unwrap(), "2");
        assert_eq!(store.take("1", 1_000_000), Some(ticket()));
    }

    #[test]
    fn sweeping_forgets_old_entries() {
        let mut store = TicketStore::default();
        let old = store.issue(ticket()).unwrap();
        let mut late = ticket();
        late.issued_at = 1_000_000;
        for _ in 0..SWEEP_EVERY {
            store.issue(late.clone()).unwrap();
        }
        // Swept as expired, remembered as spent.
        assert_eq!(store.present(&old, 1_000_000), Presented::Spent);
    }
}
