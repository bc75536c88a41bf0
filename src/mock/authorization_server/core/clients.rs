//! The OAuth clients registered at the mock and their authentication (RFC 6749 2.3.1).

use super::secrets::constant_time_eq;
use crate::mock::authorization_server::fixtures::ClientFixture;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    /// A public client: only its `client_id` (RFC 6749 2.1, RFC 7591 `none`).
    None,
}

impl AuthMethod {
    pub(crate) fn from_name(name: &str) -> Option<AuthMethod> {
        match name {
            "client_secret_basic" => Some(AuthMethod::ClientSecretBasic),
            "client_secret_post" => Some(AuthMethod::ClientSecretPost),
            "none" => Some(AuthMethod::None),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub(crate) id: String,
    /// None for a public client. Compared only in constant time.
    pub(crate) secret: Option<String>,
    /// The resource owner this client acts for as a resource server, if any.
    pub(crate) owner: Option<String>,
    pub(crate) auth_methods: Vec<AuthMethod>,
    pub(crate) grant_types: Vec<String>,
    pub(crate) redirect_uris: Vec<String>,
    /// Where the claims interaction endpoint may send requesting parties back (Grant 3.3.2).
    pub(crate) claims_redirect_uris: Vec<String>,
    pub(crate) scopes: Vec<String>,
}

impl Client {
    pub(crate) fn may_use(&self, grant_type: &str) -> bool {
        self.grant_types.iter().any(|g| g == grant_type)
    }

    /// The claims redirect URI for a claims interaction request (Grant 3.3.2): the one given if
    /// it is registered (simple string comparison, RFC 3986 6.2.1), or the only registered one
    /// if none was given. With none or several registered, the request must name one.
    pub(crate) fn claims_redirect_uri(&self, given: Option<&str>) -> Option<&str> {
        match given {
            Some(uri) => self
                .claims_redirect_uris
                .iter()
                .find(|r| r.as_str() == uri)
                .map(String::as_str),
            None if self.claims_redirect_uris.len() == 1 => {
                self.claims_redirect_uris.first().map(String::as_str)
            }
            None => None,
        }
    }

    /// The redirect URI to use for an authorization request: the one given if it is registered
    /// (compared as strings, RFC 6749 3.1.2.3), or the only registered one if none was given.
    pub(crate) fn redirect_uri(&self, given: Option<&str>) -> Option<&str> {
        match given {
            Some(uri) => self
                .redirect_uris
                .iter()
                .find(|r| r.as_str() == uri)
                .map(String::as_str),
            None if self.redirect_uris.len() == 1 => self.redirect_uris.first().map(String::as_str),
            None => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClientAuthError {
    UnknownClient,
    WrongSecret,
    MethodNotAllowed,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct ClientDirectory {
    clients: Vec<Client>,
}

impl ClientDirectory {
    pub(crate) fn from_fixtures(fixtures: &[ClientFixture]) -> Self {
        let clients = fixtures
            .iter()
            .map(|f| Client {
                id: f.client_id.clone(),
                secret: f.client_secret.clone(),
                owner: f.resource_owner.clone(),
                auth_methods: f
                    .token_endpoint_auth_methods
                    .iter()
                    .filter_map(|m| AuthMethod::from_name(m))
                    .collect(),
                grant_types: f.grant_types.clone(),
                redirect_uris: f.redirect_uris.clone(),
                claims_redirect_uris: f.claims_redirect_uris.clone(),
                scopes: f.scopes.clone(),
            })
            .collect();
        ClientDirectory { clients }
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.id == id)
    }

    pub(crate) fn len(&self) -> usize {
        self.clients.len()
    }

    /// Adds a dynamically registered client (RFC 7591); false if the id is taken.
    pub(crate) fn register(&mut self, client: Client) -> bool {
        if self.get(&client.id).is_some() {
            return false;
        }
        self.clients.push(client);
        true
    }

    /// A public client (method None) proves nothing but its id; a confidential one its secret.
    pub(crate) fn authenticate(
        &self,
        id: &str,
        secret: &str,
        method: AuthMethod,
    ) -> Result<&Client, ClientAuthError> {
        let client = self.get(id).ok_or(ClientAuthError::UnknownClient)?;
        if method != AuthMethod::None {
            let expected = client.secret.as_deref().unwrap_or_default();
            if client.secret.is_none() || !constant_time_eq(expected.as_bytes(), secret.as_bytes())
            {
                return Err(ClientAuthError::WrongSecret);
            }
        }
        if !client.auth_methods.contains(&method) {
            return Err(ClientAuthError::MethodNotAllowed);
        }
        Ok(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory() -> ClientDirectory {
        ClientDirectory::from_fixtures(&[ClientFixture {
            client_id: "rs".into(),
            client_secret: Some("s3cret".into()),
            resource_owner: Some("alice".into()),
            token_endpoint_auth_methods: vec!["client_secret_basic".into()],
            grant_types: vec!["client_credentials".into()],
            redirect_uris: vec![
                "https://rs.example/cb".into(),
                "https://rs.example/cb2".into(),
            ],
            claims_redirect_uris: vec!["https://rs.example/claims?x=1".into()],
            scopes: vec!["uma_protection".into()],
        }])
    }

    #[test]
    fn redirect_uris_match_exactly() {
        let dir = directory();
        let client = dir.get("rs").unwrap();
        assert!(client.may_use("client_credentials"));
        assert!(!client.may_use("authorization_code"));
        assert_eq!(
            client.redirect_uri(Some("https://rs.example/cb")),
            Some("https://rs.example/cb")
        );
        assert_eq!(client.redirect_uri(Some("https://rs.example/cb/")), None);
        assert_eq!(client.redirect_uri(Some("https://RS.example/cb")), None);
        // Two registered: the request must say which.
        assert_eq!(client.redirect_uri(None), None);
        // Claims redirect URIs are a list of their own.
        assert_eq!(
            client.claims_redirect_uri(Some("https://rs.example/cb")),
            None
        );
        assert_eq!(
            client.claims_redirect_uri(None),
            Some("https://rs.example/claims?x=1")
        );
        assert_eq!(
            client.claims_redirect_uri(Some("https://rs.example/claims")),
            None
        );
    }

    #[test]
    fn public_clients_authenticate_by_id_alone() {
        let mut dir = directory();
        assert!(!dir.register(dir.get("rs").unwrap().clone()));
        let public = Client {
            id: "pub".into(),
            secret: None,
            owner: None,
            auth_methods: vec![AuthMethod::None],
            grant_types: vec![],
            redirect_uris: vec![],
            claims_redirect_uris: vec![],
            scopes: vec![],
        };
        assert!(dir.register(public));
        assert_eq!(dir.len(), 2);
        assert!(dir.authenticate("pub", "", AuthMethod::None).is_ok());
        assert_eq!(
            dir.authenticate("pub", "", AuthMethod::ClientSecretPost)
                .unwrap_err(),
            ClientAuthError::WrongSecret
        );
        assert_eq!(
            dir.authenticate("rs", "", AuthMethod::None).unwrap_err(),
            ClientAuthError::MethodNotAllowed
        );
    }

    #[test]
    fn authenticates_only_with_the_right_secret_and_method() {
        let dir = directory();
        assert!(
            dir.authenticate("rs", "s3cret", AuthMethod::ClientSecretBasic)
                .is_ok()
        );
        assert_eq!(
            dir.authenticate("rs", "s3cre", AuthMethod::ClientSecretBasic)
                .unwrap_err(),
            ClientAuthError::WrongSecret
        );
        assert_eq!(
            dir.authenticate("rs", "s3cret!", AuthMethod::ClientSecretBasic)
                .unwrap_err(),
            ClientAuthError::WrongSecret
        );
        assert_eq!(
            dir.authenticate("rs", "s3cret", AuthMethod::ClientSecretPost)
                .unwrap_err(),
            ClientAuthError::MethodNotAllowed
        );
        assert_eq!(
            dir.authenticate("RS", "s3cret", AuthMethod::ClientSecretBasic)
                .unwrap_err(),
            ClientAuthError::UnknownClient
        );
    }
}
