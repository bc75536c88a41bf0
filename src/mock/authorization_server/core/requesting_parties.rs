//! The requesting parties of the fixtures, who log in at the claims interaction endpoint. What
//! the AS learns from a login are the party's fixture claims plus its id as `sub`.

use serde_json::Value;

use super::claims::{ClaimSet, RequestingParty};
use super::secrets::constant_time_eq;
use crate::mock::authorization_server::fixtures::RequestingPartyFixture;

#[derive(Debug, Clone, Default)]
pub(crate) struct RequestingParties {
    parties: Vec<RequestingPartyFixture>,
}

impl RequestingParties {
    pub(crate) fn from_fixtures(fixtures: &[RequestingPartyFixture]) -> Self {
        RequestingParties {
            parties: fixtures.to_vec(),
        }
    }

    /// The first party's username and password (for a deviation that logs it in unasked).
    pub(crate) fn first_credentials(&self) -> Option<(String, String)> {
        self.parties
            .first()
            .map(|p| (p.id.clone(), p.password.clone()))
    }

    /// The party these credentials belong to, vouched for by this AS (`issuer`). Every failure
    /// looks the same, so the form cannot be used to find out which usernames exist.
    pub(crate) fn log_in(
        &self,
        issuer: &str,
        username: &str,
        password: &str,
    ) -> Option<RequestingParty> {
        let party = self.parties.iter().find(|p| p.id == username)?;
        if !constant_time_eq(party.password.as_bytes(), password.as_bytes()) {
            return None;
        }
        let mut claims: ClaimSet = party.claims.clone();
        claims.insert("sub".into(), Value::from(party.id.clone()));
        Some(RequestingParty {
            subject: Some(format!("{issuer}|{}", party.id)),
            claims,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::authorization_server::fixtures::Fixtures;

    #[test]
    fn only_the_right_password_logs_in() {
        let fixtures = Fixtures::embedded().unwrap();
        let parties = RequestingParties::from_fixtures(fixtures.requesting_parties());
        let carol = parties
            .log_in("https://as", "carol", "carol-password")
            .unwrap();
        assert_eq!(carol.subject.as_deref(), Some("https://as|carol"));
        assert_eq!(carol.claims["sub"], "carol");
        assert_eq!(carol.claims["email"], "carol@example.test");
        assert!(
            parties
                .log_in("https://as", "carol", "dave-password")
                .is_none()
        );
        assert!(
            parties
                .log_in("https://as", "Carol", "carol-password")
                .is_none()
        );
        assert!(parties.log_in("https://as", "mallory", "x").is_none());
    }
}
