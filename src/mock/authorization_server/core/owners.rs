//! Resource owners and how they log in at the authorization endpoint.

use super::secrets::constant_time_eq;
use crate::mock::authorization_server::fixtures::ResourceOwnerFixture;

#[derive(Debug, Clone, Default)]
pub(crate) struct OwnerDirectory {
    /// (id, password); an owner without a password cannot log in.
    owners: Vec<(String, Option<String>)>,
}

impl OwnerDirectory {
    pub(crate) fn from_fixtures(fixtures: &[ResourceOwnerFixture]) -> Self {
        OwnerDirectory {
            owners: fixtures
                .iter()
                .map(|o| (o.id.clone(), o.password.clone()))
                .collect(),
        }
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.owners.iter().any(|(known, _)| known == id)
    }

    /// The owner these credentials belong to. Every failure looks the same to the caller, so the
    /// login page cannot be used to find out which usernames exist.
    pub(crate) fn log_in(&self, username: &str, password: &str) -> Option<&str> {
        let (id, expected) = self.owners.iter().find(|(id, _)| id == username)?;
        let expected = expected.as_deref()?;
        constant_time_eq(expected.as_bytes(), password.as_bytes()).then_some(id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_right_password_logs_in() {
        let dir = OwnerDirectory::from_fixtures(&[
            ResourceOwnerFixture {
                id: "alice".into(),
                name: None,
                password: Some("pw".into()),
            },
            ResourceOwnerFixture {
                id: "carol".into(),
                name: None,
                password: None,
            },
        ]);
        assert_eq!(dir.log_in("alice", "pw"), Some("alice"));
        assert_eq!(dir.log_in("alice", "PW"), None);
        assert_eq!(dir.log_in("Alice", "pw"), None);
        assert_eq!(dir.log_in("carol", ""), None);
        assert_eq!(dir.log_in("nobody", "pw"), None);
        assert!(dir.contains("carol") && !dir.contains("Carol"));
    }
}
