//! Login forms in flight. Each form carries a CSRF token that names the checked authorization
//! request it was shown for, so that a form posted from elsewhere, or with its hidden fields
//! changed, is refused (RFC 6749 10.12).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::authorization::AuthorizationRequest;
use super::clock::Timestamp;
use super::ids::{RandomnessUnavailable, TOKEN_BYTES, random_id};

/// How long an owner has to fill in the form.
pub(crate) const LOGIN_LIFETIME_SECS: i64 = 600;

#[derive(Debug)]
struct Pending {
    request: AuthorizationRequest,
    expires_at: Timestamp,
}

#[derive(Debug, Default)]
pub(crate) struct LoginStore {
    pending: HashMap<String, Pending>,
}

impl LoginStore {
    /// A fresh CSRF token for `request`.
    pub(crate) fn start(
        &mut self,
        request: AuthorizationRequest,
        now: Timestamp,
    ) -> Result<String, RandomnessUnavailable> {
        // Forms nobody submitted would otherwise pile up forever.
        self.pending.retain(|_, p| now < p.expires_at);
        loop {
            let token = random_id(TOKEN_BYTES)?;
            if let Entry::Vacant(slot) = self.pending.entry(token) {
                let token = slot.key().clone();
                slot.insert(Pending {
                    request,
                    expires_at: now.saturating_add(LOGIN_LIFETIME_SECS),
                });
                return Ok(token);
            }
        }
    }

    /// The request a CSRF token was issued for, if it is still pending. The token is used up.
    pub(crate) fn finish(&mut self, token: &str, now: Timestamp) -> Option<AuthorizationRequest> {
        self.pending
            .remove(token)
            .filter(|p| now < p.expires_at)
            .map(|p| p.request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> AuthorizationRequest {
        AuthorizationRequest {
            client_id: "rs".into(),
            redirect_uri_param: None,
            redirect_uri: "https://rs.example/cb".into(),
            code_challenge: "c".repeat(43),
            scopes: vec!["uma_protection".into()],
            state: None,
        }
    }

    #[test]
    fn tokens_are_single_use_and_expire() {
        let mut store = LoginStore::default();
        let token = store.start(request(), 0).unwrap();
        assert_eq!(store.finish(&token, 10), Some(request()));
        assert_eq!(store.finish(&token, 10), None);
        let token = store.start(request(), 0).unwrap();
        assert_eq!(store.finish(&token, LOGIN_LIFETIME_SECS), None);
        assert_eq!(store.finish("made-up", 0), None);
    }
}
