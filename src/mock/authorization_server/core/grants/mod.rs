//! Grants the token endpoint supports: client credentials (PATs for a resource server's own
//! owner), the authorization code with PKCE (PATs for an end user who logs in), and the UMA grant
//! (RPTs for a client, against a permission ticket).

pub(crate) mod authorization_code;
mod client_credentials;
pub(crate) mod uma_ticket;

pub(crate) use authorization_code::CodeExchange;
pub(crate) use uma_ticket::{RptRequest, RptRules};

use super::ids::RandomnessUnavailable;

pub(crate) const CLIENT_CREDENTIALS: &str = "client_credentials";
pub(crate) const AUTHORIZATION_CODE: &str = "authorization_code";
pub(crate) const UMA_TICKET: &str = "urn:ietf:params:oauth:grant-type:uma-ticket";

/// Grant types the token endpoint implements, in the order discovery lists them.
pub(crate) const SUPPORTED_GRANT_TYPES: [&str; 3] =
    [CLIENT_CREDENTIALS, AUTHORIZATION_CODE, UMA_TICKET];

/// Why a grant issued nothing; each maps to one RFC 6749 5.2 or Grant 3.3.6 error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GrantError {
    InvalidRequest(String),
    InvalidGrant(String),
    InvalidScope(String),
    UnauthorizedClient(String),
    /// Grant 3.3.6 request_denied: the owner's policy does not give the client what it asked.
    RequestDenied,
    Randomness(RandomnessUnavailable),
}

impl From<RandomnessUnavailable> for GrantError {
    fn from(err: RandomnessUnavailable) -> Self {
        GrantError::Randomness(err)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IssuedToken {
    pub(crate) access_token: String,
    pub(crate) expires_in: i64,
    /// The granted scopes; None for an RPT, whose scopes belong to resources (Grant 3.3.5).
    pub(crate) scope: Option<String>,
}
