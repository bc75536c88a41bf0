//! Grants the token endpoint supports: client credentials (PATs for a resource server's own
//! owner), the authorization code with PKCE (PATs for an end user who logs in), the UMA grant
//! (RPTs for a client, against a permission ticket) and the refresh of RPTs.

pub(crate) mod authorization_code;
mod client_credentials;
pub(crate) mod refresh_token;
mod rpt;
pub(crate) mod uma_ticket;

pub(crate) use authorization_code::CodeExchange;
pub(crate) use refresh_token::RefreshRules;
pub(crate) use uma_ticket::{RptRequest, RptRules};

use super::ids::RandomnessUnavailable;
use super::policy::ClaimHint;

pub(crate) const CLIENT_CREDENTIALS: &str = "client_credentials";
pub(crate) const AUTHORIZATION_CODE: &str = "authorization_code";
pub(crate) const UMA_TICKET: &str = "urn:ietf:params:oauth:grant-type:uma-ticket";
pub(crate) const REFRESH_TOKEN: &str = "refresh_token";

/// Grant types the token endpoint implements, in the order discovery lists them.
pub(crate) const SUPPORTED_GRANT_TYPES: [&str; 4] = [
    CLIENT_CREDENTIALS,
    AUTHORIZATION_CODE,
    UMA_TICKET,
    REFRESH_TOKEN,
];

/// Why a grant issued nothing; each maps to one RFC 6749 5.2 or Grant 3.3.6 error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GrantError {
    InvalidRequest(String),
    InvalidGrant(String),
    /// invalid_grant for a ticket this AS never issued (Grant 3.3.6), told apart from a used or
    /// expired one because a deviation answers it differently.
    UnknownTicket,
    InvalidScope(String),
    UnauthorizedClient(String),
    /// Grant 3.3.6 request_denied: the owner's policy does not give the client what it asked.
    RequestDenied,
    /// Grant 3.3.6 need_info, with the new ticket (None only under a deviation) and hints.
    NeedInfo {
        ticket: Option<String>,
        required_claims: Vec<ClaimHint>,
        redirect_user: bool,
        why: String,
    },
    /// Grant 3.3.6 request_submitted, with the new ticket (None only under a deviation) and the
    /// polling interval in seconds.
    RequestSubmitted {
        ticket: Option<String>,
        interval: i64,
    },
    Randomness(RandomnessUnavailable),
    /// Signing a JWT RPT failed: the server's fault, not the client's.
    Signing(String),
}

impl From<RandomnessUnavailable> for GrantError {
    fn from(err: RandomnessUnavailable) -> Self {
        GrantError::Randomness(err)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct IssuedToken {
    pub(crate) access_token: String,
    pub(crate) expires_in: i64,
    /// The granted scopes; None for an RPT, whose scopes belong to resources (Grant 3.3.5).
    pub(crate) scope: Option<String>,
    pub(crate) refresh_token: Option<String>,
    /// Issued with an RPT when claims were pushed or gathered (Grant 3.3.5).
    pub(crate) pct: Option<String>,
    /// The RPT carries the permissions of the RPT the client sent (Grant 3.3.5.1).
    pub(crate) upgraded: bool,
    /// For an RPT, every scope of its permissions (only a deviation reports them).
    pub(crate) rpt_scopes: Vec<String>,
}
