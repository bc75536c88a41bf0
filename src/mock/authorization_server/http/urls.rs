//! Where everything lives. All routes sit under the issuer's path, and every URL the mock
//! publishes is absolute, built from the issuer.

use crate::mock::authorization_server::error::MockError;

pub(crate) const DISCOVERY: &str = "/.well-known/uma2-configuration";
pub(crate) const AUTHORIZATION: &str = "/authorize";
pub(crate) const TOKEN: &str = "/token";
pub(crate) const REVOCATION: &str = "/revoke";
pub(crate) const RESOURCE_REGISTRATION: &str = "/resource_set";
pub(crate) const PERMISSION: &str = "/permission";
pub(crate) const INTROSPECTION: &str = "/introspect";
pub(crate) const POLICY: &str = "/policy";
pub(crate) const CLAIMS_INTERACTION: &str = "/claims";
pub(crate) const CLIENT_REGISTRATION: &str = "/register";
pub(crate) const JWKS: &str = "/jwks";
/// Everything under this path is the control API: never recorded, never taken down.
pub(crate) const CONTROL: &str = "/_mock";
pub(crate) const HEALTH: &str = "/_mock/health";
pub(crate) const CLOCK: &str = "/_mock/clock";
pub(crate) const POLICIES: &str = "/_mock/policies";
pub(crate) const REQUESTS: &str = "/_mock/requests";
pub(crate) const EXCHANGES: &str = "/_mock/exchanges";
pub(crate) const INTROSPECTION_ANSWERS: &str = "/_mock/introspection-answers";
pub(crate) const OUTAGE: &str = "/_mock/outage";
pub(crate) const DEVIATIONS: &str = "/_mock/deviations";

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Urls {
    issuer: String,
    /// The issuer's path without a trailing slash: "" or e.g. "/realms/demo".
    prefix: String,
}

impl Urls {
    /// Validates an issuer given by the user. It is normalized (as a URL library would) and loses
    /// any trailing slash, because UMA appends "/.well-known/..." to the whole string.
    pub(crate) fn from_issuer(issuer: &str) -> Result<Urls, MockError> {
        let invalid = |reason: &str| MockError::InvalidIssuer {
            issuer: issuer.to_string(),
            reason: reason.to_string(),
        };
        let url = url::Url::parse(issuer).map_err(|err| invalid(&err.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https"));
        }
        if url.host_str().is_none() {
            return Err(invalid("a host is required"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("an issuer has no query or fragment (RFC 8414 2)"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("an issuer has no user information"));
        }
        let prefix = url.path().trim_end_matches('/').to_string();
        // Each segment becomes part of a route; empty segments or segments that the router would
        // read as parameters cannot be served.
        if prefix
            .split('/')
            .skip(1)
            .any(|s| s.is_empty() || s.starts_with(':') || s.starts_with('*'))
        {
            return Err(invalid(
                "path segments must be non-empty and not start with ':' or '*'",
            ));
        }
        let issuer = url.as_str().trim_end_matches('/').to_string();
        Ok(Urls { issuer, prefix })
    }

    pub(crate) fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The absolute URL of an endpoint path such as [`TOKEN`].
    pub(crate) fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.issuer, path)
    }

    /// The router path of an endpoint path such as [`TOKEN`].
    pub(crate) fn route(&self, path: &str) -> String {
        format!("{}{}", self.prefix, path)
    }

    pub(crate) fn resource(&self, id: &str) -> String {
        format!("{}{}/{}", self.issuer, RESOURCE_REGISTRATION, id)
    }

    pub(crate) fn policy(&self, id: &str) -> String {
        format!("{}{}/{}", self.issuer, POLICY, id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_routes_from_the_issuer() {
        let root = Urls::from_issuer("http://127.0.0.1:9000/").unwrap();
        assert_eq!(root.issuer(), "http://127.0.0.1:9000");
        assert_eq!(root.route(TOKEN), "/token");
        assert_eq!(root.absolute(TOKEN), "http://127.0.0.1:9000/token");

        let realm = Urls::from_issuer("https://AS.example.com/realms/demo").unwrap();
        assert_eq!(realm.issuer(), "https://as.example.com/realms/demo");
        assert_eq!(
            realm.route(DISCOVERY),
            "/realms/demo/.well-known/uma2-configuration"
        );
        assert_eq!(
            realm.resource("abc"),
            "https://as.example.com/realms/demo/resource_set/abc"
        );
    }

    #[test]
    fn rejects_unusable_issuers() {
        for bad in [
            "ftp://h/",
            "http://h/x?y=1",
            "http://h/#f",
            "http://u:p@h/",
            "http://h//x",
            "http://h/:x",
            "not a url",
        ] {
            assert!(Urls::from_issuer(bad).is_err(), "{bad}");
        }
    }
}
