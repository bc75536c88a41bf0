//! The claims interaction endpoint (Grant 3.3.2, 3.3.3): a client sends its requesting party
//! here with a ticket; the party logs in (a fixture requesting party) or states claims on a form
//! bound to the request by a CSRF token (Grant 5.1); the AS sends the party back to the client's
//! claims redirect URI with a new ticket that carries what was gathered.
//!
//! Errors come in two kinds (Grant 3.3.3, RFC 6749 4.1.2.1): while the client or its claims
//! redirect URI is in doubt the party sees an error page and the user agent goes nowhere; after
//! that, errors travel back to the client on the redirect.

use super::AsCore;
use super::authorization::RedirectErrorCode;
use super::claims::{ClaimSet, RequestingParty};
use super::clock::Timestamp;
use super::grants::UMA_TICKET;
use super::interactions::PendingInteraction;
use super::tickets::{Presented, Ticket};

/// The parameters of a claims interaction request (query of the GET, fields of the POST).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct InteractionParams {
    pub(crate) client_id: Option<String>,
    pub(crate) ticket: Option<String>,
    pub(crate) claims_redirect_uri: Option<String>,
    pub(crate) state: Option<String>,
    /// Names of parameters sent more than once.
    pub(crate) repeated: Vec<String>,
}

/// Switches for the endpoint. The default is the spec's behaviour; deviations flip them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InteractionRules {
    /// Only registered claims redirect URIs, exactly (Grant 3.3.2).
    pub(crate) validate_redirect_uri: bool,
    /// The form must come back with the CSRF token it was shown with (Grant 5.1).
    pub(crate) csrf_protection: bool,
    /// Send the presented (used-up) ticket back instead of a new one.
    pub(crate) same_ticket: bool,
    /// Take the client's OAuth redirect URIs as claims redirect URIs too (a deviation).
    pub(crate) oauth_redirect_uris_too: bool,
    /// Redirect requests of a missing or unknown client to the URI they name (a deviation).
    pub(crate) redirect_unknown_clients: bool,
}

impl Default for InteractionRules {
    fn default() -> Self {
        InteractionRules {
            validate_redirect_uri: true,
            csrf_protection: true,
            same_ticket: false,
            oauth_redirect_uris_too: false,
            redirect_unknown_clients: false,
        }
    }
}

/// Where the requesting party goes back to, and the client's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Return {
    pub(crate) redirect_uri: String,
    pub(crate) state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InteractionError {
    /// The client or claims redirect URI cannot be trusted: tell the party, redirect nowhere.
    Untrusted(String),
    /// Tell the client, on its claims redirect URI.
    Redirect {
        back: Return,
        code: RedirectErrorCode,
        description: String,
    },
}

/// What the requesting party did on the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Submission<'a> {
    Cancel,
    Provide {
        /// Log in as a fixture requesting party, if given.
        username: Option<&'a str>,
        password: &'a str,
        /// Claims the party states about itself.
        claims: ClaimSet,
    },
}

impl AsCore {
    /// The client and the claims redirect URI, checked before anything else so that no error
    /// is ever redirected to a URI the client did not register.
    fn interaction_target(
        &self,
        params: &InteractionParams,
        rules: InteractionRules,
    ) -> Result<(String, String), InteractionError> {
        let untrusted = |why: &str| Err(InteractionError::Untrusted(why.to_string()));
        for name in ["client_id", "claims_redirect_uri"] {
            if params.repeated.iter().any(|p| p == name) {
                return untrusted(&format!("{name} was sent more than once"));
            }
        }
        let client = params
            .client_id
            .as_deref()
            .and_then(|id| self.clients.get(id));
        if client.is_none() && rules.redirect_unknown_clients {
            if let Some(given) = params.claims_redirect_uri.as_deref() {
                let client_id = params.client_id.clone().unwrap_or_default();
                return Ok((client_id, given.to_string()));
            }
        }
        let Some(client_id) = params.client_id.as_deref() else {
            return untrusted("client_id is missing");
        };
        let Some(client) = client else {
            return untrusted("there is no client with this client_id");
        };
        let given = params.claims_redirect_uri.as_deref();
        let redirect_uri = if rules.oauth_redirect_uris_too {
            client
                .claims_redirect_uri(given)
                .or_else(|| given.and_then(|g| client.redirect_uri(Some(g))))
        } else if rules.validate_redirect_uri {
            client.claims_redirect_uri(given)
        } else {
            // Any absolute URI at all.
            given
                .filter(|uri| url::Url::parse(uri).is_ok_and(|u| !u.cannot_be_a_base()))
                .or_else(|| client.claims_redirect_uri(None))
        };
        let Some(redirect_uri) = redirect_uri else {
            return untrusted(if given.is_some() {
                "claims_redirect_uri is not registered for this client"
            } else {
                "claims_redirect_uri is missing, and the client has not registered exactly one"
            });
        };
        Ok((client_id.to_string(), redirect_uri.to_string()))
    }

    /// Checks a request and parks it for the form; the ticket is used up now (Grant 5.5). The
    /// returned CSRF token goes into the form.
    pub(crate) fn start_interaction(
        &mut self,
        params: &InteractionParams,
        rules: InteractionRules,
        now: Timestamp,
    ) -> Result<(PendingInteraction, String), InteractionError> {
        let (client_id, redirect_uri) = self.interaction_target(params, rules)?;
        let back = Return {
            redirect_uri: redirect_uri.clone(),
            state: params.state.clone(),
        };
        let fail = |code, description: String| {
            Err(InteractionError::Redirect {
                back: back.clone(),
                code,
                description,
            })
        };
        if let Some(name) = params.repeated.first() {
            return fail(
                RedirectErrorCode::InvalidRequest,
                format!("parameter {name:?} was sent more than once"),
            );
        }
        if !self
            .clients
            .get(&client_id)
            .is_some_and(|c| c.may_use(UMA_TICKET))
        {
            return fail(
                RedirectErrorCode::UnauthorizedClient,
                format!("client {client_id} may not use the UMA grant"),
            );
        }
        let Some(presented) = params.ticket.clone() else {
            return fail(
                RedirectErrorCode::InvalidRequest,
                "ticket is required".into(),
            );
        };
        let ticket = match self.tickets.present(&presented, now) {
            Presented::Valid(ticket) => *ticket,
            _ => {
                return fail(
                    RedirectErrorCode::InvalidRequest,
                    "the ticket is unknown, expired or already used".into(),
                );
            }
        };
        if ticket
            .context
            .client_id
            .as_deref()
            .is_some_and(|bound| bound != client_id)
        {
            return fail(
                RedirectErrorCode::InvalidRequest,
                "the ticket belongs to another client's authorization process".into(),
            );
        }
        let pending = PendingInteraction {
            client_id,
            redirect_param: params.claims_redirect_uri.clone(),
            redirect_uri,
            state: params.state.clone(),
            presented,
            ticket,
        };
        match self.interactions.start(pending.clone(), now) {
            Ok(csrf) => Ok((pending, csrf)),
            Err(_) => fail(
                RedirectErrorCode::TemporarilyUnavailable,
                "no randomness available; retry later".into(),
            ),
        }
    }

    /// The form came back: the CSRF token must name a pending interaction for exactly this
    /// request (it is used up either way); then the party's login and claims become a new
    /// ticket for the client.
    pub(crate) fn finish_interaction(
        &mut self,
        posted: &InteractionParams,
        csrf_token: Option<&str>,
        submission: Submission<'_>,
        rules: InteractionRules,
        now: Timestamp,
    ) -> Result<(Return, String), InteractionError> {
        let (client_id, redirect_uri) = self.interaction_target(posted, rules)?;
        let fail = |back: Return, code, description: &str| InteractionError::Redirect {
            back,
            code,
            description: description.to_string(),
        };
        let back = Return {
            redirect_uri: redirect_uri.clone(),
            state: posted.state.clone(),
        };
        let mut pending = csrf_token
            .and_then(|token| self.interactions.finish(token, now))
            .filter(|p| {
                p.client_id == client_id
                    && p.redirect_uri == redirect_uri
                    && p.redirect_param == posted.claims_redirect_uri
                    && p.state == posted.state
            });
        if pending.is_none() && !rules.csrf_protection {
            pending = self.unprotected_interaction(posted, &client_id, &redirect_uri, now);
        }
        let Some(pending) = pending else {
            return Err(fail(
                back,
                RedirectErrorCode::InvalidRequest,
                "the form is stale, was already used, or was not issued for this request",
            ));
        };
        let back = Return {
            redirect_uri: pending.redirect_uri.clone(),
            state: pending.state.clone(),
        };
        let (username, password, stated) = match submission {
            Submission::Cancel => {
                return Err(fail(
                    back,
                    RedirectErrorCode::AccessDenied,
                    "the requesting party declined",
                ));
            }
            Submission::Provide {
                username,
                password,
                claims,
            } => (username, password, claims),
        };
        let mut gathered = RequestingParty {
            subject: None,
            claims: stated,
        };
        if let Some(username) = username {
            let Some(logged_in) = self
                .requesting_parties
                .log_in(&self.issuer, username, password)
            else {
                return Err(fail(
                    back,
                    RedirectErrorCode::AccessDenied,
                    "wrong username or password",
                ));
            };
            // What the AS vouches for outweighs what the party says about itself.
            gathered.merge(&logged_in);
        }
        if gathered.is_empty() {
            return Err(fail(
                back,
                RedirectErrorCode::AccessDenied,
                "the requesting party gave no claims",
            ));
        }
        let mut context = pending.ticket.context.clone();
        context.client_id = Some(client_id);
        if context.party.compatible_with(&gathered) {
            context.party.merge(&gathered);
        } else {
            // Someone else logged in: what was known is about another party.
            context.party = gathered;
        }
        context.collected = true;
        let next = Ticket {
            partition: pending.ticket.partition.clone(),
            permissions: pending.ticket.permissions.clone(),
            issued_at: now,
            expires_at: now.saturating_add(self.lifetimes.permission_ticket),
            context,
        };
        let value = if rules.same_ticket {
            // The value the client sent, which stays used up (Grant 5.5): what was gathered is
            // lost with the new ticket that was never made.
            pending.presented.clone()
        } else {
            self.tickets.issue(next).map_err(|_| {
                fail(
                    back.clone(),
                    RedirectErrorCode::TemporarilyUnavailable,
                    "no randomness available; retry later",
                )
            })?
        };
        Ok((back, value))
    }

    /// Without CSRF protection (a deviation), a form posted without a valid token still
    /// completes: the client's latest pending interaction, or the ticket in the form.
    fn unprotected_interaction(
        &mut self,
        posted: &InteractionParams,
        client_id: &str,
        redirect_uri: &str,
        now: Timestamp,
    ) -> Option<PendingInteraction> {
        if let Some(latest) = self.interactions.take_latest(client_id, redirect_uri, now) {
            return Some(latest);
        }
        let presented = posted.ticket.clone()?;
        let Presented::Valid(ticket) = self.tickets.present(&presented, now) else {
            return None;
        };
        Some(PendingInteraction {
            client_id: client_id.to_string(),
            redirect_param: posted.claims_redirect_uri.clone(),
            redirect_uri: redirect_uri.to_string(),
            state: posted.state.clone(),
            presented,
            ticket: *ticket,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::authorization_server::core::resources::Partition;
    use crate::mock::authorization_server::core::tickets::Permission;
    use crate::mock::authorization_server::fixtures::Fixtures;

    const CB: &str = "https://client.example.test/claims-cb";

    fn core_and_ticket() -> (AsCore, String) {
        let mut core = AsCore::new(&Fixtures::embedded().unwrap());
        let alice = Partition {
            owner: "alice".into(),
            client_id: "rs-alice".into(),
        };
        let ticket = core
            .issue_ticket(
                &alice,
                vec![Permission {
                    resource_id: "r".into(),
                    resource_scopes: vec![],
                }],
                0,
            )
            .unwrap();
        (core, ticket)
    }

    fn params(ticket: &str) -> InteractionParams {
        InteractionParams {
            client_id: Some("uma-client".into()),
            ticket: Some(ticket.into()),
            claims_redirect_uri: Some(CB.into()),
            state: Some("xyz".into()),
            repeated: vec![],
        }
    }

    fn carol() -> Submission<'static> {
        Submission::Provide {
            username: Some("carol"),
            password: "carol-password",
            claims: ClaimSet::new(),
        }
    }

    #[test]
    fn a_login_becomes_a_new_ticket_with_claims() {
        let (mut core, ticket) = core_and_ticket();
        let strict = InteractionRules::default();
        let (pending, csrf) = core.start_interaction(&params(&ticket), strict, 1).unwrap();
        assert_eq!(pending.redirect_uri, CB);
        // Used up at the endpoint.
        assert!(core.tickets.get(&ticket, 1).is_none());
        let (back, next) = core
            .finish_interaction(&params(&ticket), Some(&csrf), carol(), strict, 2)
            .unwrap();
        assert_eq!(back.state.as_deref(), Some("xyz"));
        assert_ne!(next, ticket);
        let stored = core.tickets.get(&next, 2).unwrap();
        assert!(stored.context.collected);
        assert_eq!(stored.context.client_id.as_deref(), Some("uma-client"));
        assert_eq!(stored.context.party.claims["roles"][0], "doctor");
        // The CSRF token is used up too.
        assert!(matches!(
            core.finish_interaction(&params(&ticket), Some(&csrf), carol(), strict, 2),
            Err(InteractionError::Redirect {
                code: RedirectErrorCode::InvalidRequest,
                ..
            })
        ));
    }

    #[test]
    fn untrusted_requests_get_no_redirect() {
        let (mut core, ticket) = core_and_ticket();
        let strict = InteractionRules::default();
        for p in [
            InteractionParams {
                client_id: None,
                ..params(&ticket)
            },
            InteractionParams {
                client_id: Some("nobody".into()),
                ..params(&ticket)
            },
            InteractionParams {
                claims_redirect_uri: Some(format!("{CB}/")),
                ..params(&ticket)
            },
            // uma-public-client registered two: it must say which.
            InteractionParams {
                client_id: Some("uma-public-client".into()),
                claims_redirect_uri: None,
                ..params(&ticket)
            },
            // uma-stranger registered none.
            InteractionParams {
                client_id: Some("uma-stranger".into()),
                ..params(&ticket)
            },
            InteractionParams {
                repeated: vec!["claims_redirect_uri".into()],
                ..params(&ticket)
            },
        ] {
            assert!(
                matches!(
                    core.start_interaction(&p, strict, 1),
                    Err(InteractionError::Untrusted(_))
                ),
                "{p:?}"
            );
        }
        // None of that used the ticket up.
        assert!(core.tickets.get(&ticket, 1).is_some());
        // The only registered URI stands in for a missing one.
        let implied = InteractionParams {
            claims_redirect_uri: None,
            ..params(&ticket)
        };
        let (pending, _) = core.start_interaction(&implied, strict, 1).unwrap();
        assert_eq!(pending.redirect_uri, CB);
        // Under the deviation, any absolute URI.
        let (mut core, ticket) = core_and_ticket();
        let lax = InteractionRules {
            validate_redirect_uri: false,
            ..InteractionRules::default()
        };
        let evil = InteractionParams {
            claims_redirect_uri: Some("https://evil.example/steal".into()),
            ..params(&ticket)
        };
        let (pending, _) = core.start_interaction(&evil, lax, 1).unwrap();
        assert_eq!(pending.redirect_uri, "https://evil.example/steal");
    }

    #[test]
    fn other_failures_go_back_to_the_client() {
        let (mut core, ticket) = core_and_ticket();
        let strict = InteractionRules::default();
        let code = |r: Result<_, InteractionError>| match r {
            Err(InteractionError::Redirect { code, back, .. }) => {
                assert_eq!(back.state.as_deref(), Some("xyz"));
                code
            }
            other => panic!("{other:?}"),
        };
        let no_ticket = InteractionParams {
            ticket: None,
            ..params(&ticket)
        };
        assert_eq!(
            code(core.start_interaction(&no_ticket, strict, 1).map(|_| ())),
            RedirectErrorCode::InvalidRequest
        );
        assert_eq!(
            code(
                core.start_interaction(&params("never"), strict, 1)
                    .map(|_| ())
            ),
            RedirectErrorCode::InvalidRequest
        );
        let (_, csrf) = core.start_interaction(&params(&ticket), strict, 1).unwrap();
        let wrong = Submission::Provide {
            username: Some("carol"),
            password: "nope",
            claims: ClaimSet::new(),
        };
        assert_eq!(
            code(
                core.finish_interaction(&params(&ticket), Some(&csrf), wrong, strict, 2)
                    .map(|_| ())
            ),
            RedirectErrorCode::AccessDenied
        );
        // Without the CSRF token the form is refused, unless protection is off.
        let (mut core, ticket) = core_and_ticket();
        core.start_interaction(&params(&ticket), strict, 1).unwrap();
        assert_eq!(
            code(
                core.finish_interaction(&params(&ticket), None, carol(), strict, 2)
                    .map(|_| ())
            ),
            RedirectErrorCode::InvalidRequest
        );
        let (mut core, ticket) = core_and_ticket();
        core.start_interaction(&params(&ticket), strict, 1).unwrap();
        let unprotected = InteractionRules {
            csrf_protection: false,
            ..InteractionRules::default()
        };
        assert!(
            core.finish_interaction(&params(&ticket), None, carol(), unprotected, 2)
                .is_ok()
        );
        let (mut core, ticket) = core_and_ticket();
        let (_, csrf) = core.start_interaction(&params(&ticket), strict, 1).unwrap();
        assert_eq!(
            code(
                core.finish_interaction(
                    &params(&ticket),
                    Some(&csrf),
                    Submission::Cancel,
                    strict,
                    2
                )
                .map(|_| ())
            ),
            RedirectErrorCode::AccessDenied
        );
    }
}
