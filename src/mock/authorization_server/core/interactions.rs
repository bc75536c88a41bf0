//! Claims interaction forms in flight (Grant 3.3.2, 5.1). Each form carries a CSRF token that
//! names the checked request it was shown for, and holds the permission ticket the request
//! presented (and so used up), until the requesting party submits the form.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::clock::Timestamp;
use super::ids::{RandomnessUnavailable, TOKEN_BYTES, random_id};
use super::tickets::Ticket;

/// How long a requesting party has to fill in the form.
pub(crate) const INTERACTION_LIFETIME_SECS: i64 = 600;

/// A checked claims interaction request, waiting for the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PendingInteraction {
    pub(crate) client_id: String,
    /// The claims_redirect_uri parameter as sent, if it was.
    pub(crate) redirect_param: Option<String>,
    /// Where the requesting party goes back to: the parameter, or the only registered URI.
    pub(crate) redirect_uri: String,
    pub(crate) state: Option<String>,
    /// The value of the ticket the request presented.
    pub(crate) presented: String,
    pub(crate) ticket: Ticket,
}

#[derive(Debug)]
struct Stored {
    interaction: PendingInteraction,
    started_at: Timestamp,
}

#[derive(Debug, Default)]
pub(crate) struct InteractionStore {
    pending: HashMap<String, Stored>,
}

impl InteractionStore {
    /// A fresh CSRF token for `interaction`.
    pub(crate) fn start(
        &mut self,
        interaction: PendingInteraction,
        now: Timestamp,
    ) -> Result<String, RandomnessUnavailable> {
        // Forms nobody submitted would otherwise pile up forever.
        self.pending
            .retain(|_, p| now < p.started_at.saturating_add(INTERACTION_LIFETIME_SECS));
        loop {
            let token = random_id(TOKEN_BYTES)?;
            if let Entry::Vacant(slot) = self.pending.entry(token) {
                let token = slot.key().clone();
                slot.insert(Stored {
                    interaction,
                    started_at: now,
                });
                return Ok(token);
            }
        }
    }

    /// The interaction a CSRF token was issued for, if it is still pending. The token is used up.
    pub(crate) fn finish(&mut self, token: &str, now: Timestamp) -> Option<PendingInteraction> {
        self.pending
            .remove(token)
            .filter(|p| now < p.started_at.saturating_add(INTERACTION_LIFETIME_SECS))
            .map(|p| p.interaction)
    }

    /// The most recent pending interaction of a client to this redirect URI, whoever submits
    /// the form: what a server without CSRF protection ends up doing (a deviation).
    pub(crate) fn take_latest(
        &mut self,
        client_id: &str,
        redirect_uri: &str,
        now: Timestamp,
    ) -> Option<PendingInteraction> {
        let token = self
            .pending
            .iter()
            .filter(|(_, p)| {
                p.interaction.client_id == client_id && p.interaction.redirect_uri == redirect_uri
            })
            .max_by_key(|(_, p)| p.started_at)
            .map(|(token, _)| token.clone())?;
        self.finish(&token, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::authorization_server::core::resources::Partition;
    use crate::mock::authorization_server::core::tickets::TicketContext;

    fn interaction() -> PendingInteraction {
        PendingInteraction {
            client_id: "app".into(),
            redirect_param: None,
            redirect_uri: "https://app.example/cb".into(),
            state: Some("s".into()),
            presented: "t".into(),
            ticket: Ticket {
                partition: Partition {
                    owner: "alice".into(),
                    client_id: "rs".into(),
                },
                permissions: vec![],
                issued_at: 0,
                expires_at: 10,
                context: TicketContext::default(),
            },
        }
    }

    #[test]
    fn tokens_are_single_use_and_expire() {
        let mut store = InteractionStore::default();
        let token = store.start(interaction(), 0).unwrap();
        assert_eq!(store.finish(&token, 10), Some(interaction()));
        assert_eq!(store.finish(&token, 10), None);
        let token = store.start(interaction(), 0).unwrap();
        assert_eq!(store.finish(&token, INTERACTION_LIFETIME_SECS), None);
        store.start(interaction(), 0).unwrap();
        assert!(store.take_latest("app", "https://other/cb", 1).is_none());
        assert_eq!(
            store.take_latest("app", "https://app.example/cb", 1),
            Some(interaction())
        );
    }
}
