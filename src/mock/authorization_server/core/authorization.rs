//! The authorization endpoint (RFC 6749 4.1, RFC 7636): how an end-user resource owner gives a
//! resource server a PAT. The request is checked, the owner logs in on a form bound to the
//! request by a CSRF token, and the client gets a single-use code.
//!
//! Errors come in two kinds (RFC 6749 4.1.2.1): while the client or its redirect URI is in doubt
//! the owner sees an error page and the user agent goes nowhere; after that, errors travel back
//! to the client on the redirect.

use super::AsCore;
use super::clock::Timestamp;
use super::codes::AuthorizationCode;
use super::grants::AUTHORIZATION_CODE;
use super::pkce;
use super::scope::{PROTECTION_SCOPE, parse_scope};

/// The parameters of an authorization request, as sent (query of the GET, fields of the POST).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AuthorizationParams {
    pub(crate) response_type: Option<String>,
    pub(crate) client_id: Option<String>,
    pub(crate) redirect_uri: Option<String>,
    pub(crate) code_challenge: Option<String>,
    pub(crate) code_challenge_method: Option<String>,
    pub(crate) state: Option<String>,
    pub(crate) scope: Option<String>,
    /// Names of parameters sent more than once (RFC 6749 3.1 forbids it).
    pub(crate) repeated: Vec<String>,
}

/// A request that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthorizationRequest {
    pub(crate) client_id: String,
    /// The redirect_uri parameter, if sent: the token request must then repeat it (RFC 6749 4.1.3).
    pub(crate) redirect_uri_param: Option<String>,
    /// Where the answer goes: the parameter, or the client's only registered URI.
    pub(crate) redirect_uri: String,
    pub(crate) code_challenge: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) state: Option<String>,
}

/// RFC 6749 4.1.2.1 error codes the endpoint uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RedirectErrorCode {
    InvalidRequest,
    UnauthorizedClient,
    AccessDenied,
    UnsupportedResponseType,
    InvalidScope,
    TemporarilyUnavailable,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthorizeError {
    /// The client or redirect URI cannot be trusted: tell the owner, redirect nowhere.
    Untrusted(String),
    /// Tell the client, on its redirect URI.
    Redirect {
        redirect_uri: String,
        state: Option<String>,
        code: RedirectErrorCode,
        description: String,
    },
}

/// What the owner did on the login form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision<'a> {
    Allow {
        username: &'a str,
        password: &'a str,
    },
    Deny,
}

impl AsCore {
    /// Checks an authorization request in RFC 6749's order: client and redirect URI first, so
    /// that no error is ever redirected to a URI the client did not register.
    pub(crate) fn check_authorization_request(
        &self,
        params: &AuthorizationParams,
    ) -> Result<AuthorizationRequest, AuthorizeError> {
        let untrusted = |why: &str| Err(AuthorizeError::Untrusted(why.to_string()));
        if params.repeated.iter().any(|p| p == "client_id") {
            return untrusted("client_id was sent more than once");
        }
        if params.repeated.iter().any(|p| p == "redirect_uri") {
            return untrusted("redirect_uri was sent more than once");
        }
        let Some(client_id) = params.client_id.as_deref() else {
            return untrusted("client_id is missing");
        };
        let Some(client) = self.clients.get(client_id) else {
            return untrusted("there is no client with this client_id");
        };
        let Some(redirect_uri) = client.redirect_uri(params.redirect_uri.as_deref()) else {
            return untrusted(if params.redirect_uri.is_some() {
                "redirect_uri is not registered for this client"
            } else {
                "redirect_uri is missing and the client has no single registered one"
            });
        };

        let fail = |code: RedirectErrorCode, description: String| {
            Err(AuthorizeError::Redirect {
                redirect_uri: redirect_uri.to_string(),
                state: params.state.clone(),
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
        match params.response_type.as_deref() {
            None => {
                return fail(
                    RedirectErrorCode::InvalidRequest,
                    "response_type is required".into(),
                );
            }
            Some("code") => {}
            Some(other) => {
                return fail(
                    RedirectErrorCode::UnsupportedResponseType,
                    format!("response_type {other:?} is not supported; use code"),
                );
            }
        }
        if !client.may_use(AUTHORIZATION_CODE) {
            return fail(
                RedirectErrorCode::UnauthorizedClient,
                format!("client {client_id} may not use the authorization code grant"),
            );
        }
        // RFC 7636 4.4.1: PKCE is required here, and only S256 is supported. An absent method
        // means plain, which is refused like any other.
        let Some(challenge) = params.code_challenge.as_deref() else {
            return fail(
                RedirectErrorCode::InvalidRequest,
                "code_challenge is required (PKCE, S256)".into(),
            );
        };
        if params.code_challenge_method.as_deref() != Some(pkce::S256) {
            return fail(
                RedirectErrorCode::InvalidRequest,
                "code_challenge_method must be S256; no other transform is supported".into(),
            );
        }
        if !pkce::is_well_formed(challenge) {
            return fail(
                RedirectErrorCode::InvalidRequest,
                "code_challenge must be 43 to 128 unreserved characters".into(),
            );
        }
        let mut scopes = match params.scope.as_deref().map(parse_scope) {
            None => Vec::new(),
            Some(Ok(scopes)) => scopes,
            Some(Err(bad)) => {
                return fail(
                    RedirectErrorCode::InvalidScope,
                    format!("{bad:?} is not a valid scope token"),
                );
            }
        };
        if scopes.is_empty() {
            scopes.push(PROTECTION_SCOPE.to_string());
        }
        if let Some(denied) = scopes.iter().find(|s| !client.scopes.contains(s)) {
            return fail(
                RedirectErrorCode::InvalidScope,
                format!("scope {denied:?} is not allowed for client {client_id}"),
            );
        }
        Ok(AuthorizationRequest {
            client_id: client_id.to_string(),
            redirect_uri_param: params.redirect_uri.clone(),
            redirect_uri: redirect_uri.to_string(),
            code_challenge: challenge.to_string(),
            scopes,
            state: params.state.clone(),
        })
    }

    /// Parks a checked request until the owner submits the login form; the returned CSRF token
    /// goes into the form.
    pub(crate) fn start_login(
        &mut self,
        request: AuthorizationRequest,
        now: Timestamp,
    ) -> Result<String, AuthorizeError> {
        let redirect_uri = request.redirect_uri.clone();
        let state = request.state.clone();
        self.logins
            .start(request, now)
            .map_err(|_| AuthorizeError::Redirect {
                redirect_uri,
                state,
                code: RedirectErrorCode::TemporarilyUnavailable,
                description: "no randomness available; retry later".into(),
            })
    }

    /// The login form came back: the CSRF token must name a pending login for exactly this
    /// request (it is used up either way), then the owner allows or denies. On success, the code
    /// for the client.
    pub(crate) fn finish_login(
        &mut self,
        request: AuthorizationRequest,
        csrf_token: Option<&str>,
        decision: Decision<'_>,
        now: Timestamp,
    ) -> Result<String, AuthorizeError> {
        let fail = |code: RedirectErrorCode, description: &str| AuthorizeError::Redirect {
            redirect_uri: request.redirect_uri.clone(),
            state: request.state.clone(),
            code,
            description: description.to_string(),
        };
        let pending = csrf_token.and_then(|token| self.logins.finish(token, now));
        if pending.as_ref() != Some(&request) {
            return Err(fail(
                RedirectErrorCode::InvalidRequest,
                "the login form is stale, was already used, or was not issued for this request",
            ));
        }
        let owner = match decision {
            Decision::Deny => {
                return Err(fail(
                    RedirectErrorCode::AccessDenied,
                    "the resource owner denied the request",
                ));
            }
            Decision::Allow { username, password } => self
                .owners
                .log_in(username, password)
                .ok_or_else(|| {
                    fail(
                        RedirectErrorCode::AccessDenied,
                        "wrong username or password",
                    )
                })?
                .to_string(),
        };
        let code = AuthorizationCode {
            client_id: request.client_id.clone(),
            owner,
            scopes: request.scopes.clone(),
            redirect_uri_param: request.redirect_uri_param.clone(),
            code_challenge: request.code_challenge.clone(),
            expires_at: now.saturating_add(self.lifetimes.authorization_code),
        };
        self.codes.issue(code, now).map_err(|_| {
            fail(
                RedirectErrorCode::TemporarilyUnavailable,
                "no randomness available; retry later",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::authorization_server::fixtures::Fixtures;

    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    const CALLBACK: &str = "http://127.0.0.1:9/callback";

    fn params() -> AuthorizationParams {
        AuthorizationParams {
            response_type: Some("code".into()),
            client_id: Some("rs-alice".into()),
            redirect_uri: Some(CALLBACK.into()),
            code_challenge: Some(CHALLENGE.into()),
            code_challenge_method: Some("S256".into()),
            state: Some("xyz".into()),
            scope: None,
            repeated: Vec::new(),
        }
    }

    fn code_of(err: AuthorizeError) -> RedirectErrorCode {
        match err {
            AuthorizeError::Redirect {
                code,
                state,
                redirect_uri,
                ..
            } => {
                assert_eq!(redirect_uri, CALLBACK);
                assert_eq!(state.as_deref(), Some("xyz"));
                code
            }
            AuthorizeError::Untrusted(why) => panic!("untrusted: {why}"),
        }
    }

    #[test]
    fn checks_client_and_redirect_before_anything_else() {
        let core = AsCore::new(&Fixtures::embedded().unwrap());
        let ok = core.check_authorization_request(&params()).unwrap();
        assert_eq!(ok.scopes, ["uma_protection"]);
        assert_eq!(ok.redirect_uri, CALLBACK);

        let untrusted = [
            AuthorizationParams {
                client_id: None,
                ..params()
            },
            AuthorizationParams {
                client_id: Some("nobody".into()),
                response_type: None,
                ..params()
            },
            AuthorizationParams {
                redirect_uri: Some("http://127.0.0.1:9/other".into()),
                ..params()
            },
            AuthorizationParams {
                repeated: vec!["redirect_uri".into()],
                ..params()
            },
        ];
        for p in untrusted {
            assert!(matches!(
                core.check_authorization_request(&p),
                Err(AuthorizeError::Untrusted(_))
            ));
        }
        // The only registered URI stands in for a missing one.
        let implied = core
            .check_authorization_request(&AuthorizationParams {
                redirect_uri: None,
                ..params()
            })
            .unwrap();
        assert_eq!(implied.redirect_uri, CALLBACK);
        assert_eq!(implied.redirect_uri_param, None);

        let cases = [
            (
                AuthorizationParams {
                    response_type: Some("token".into()),
                    ..params()
                },
                RedirectErrorCode::UnsupportedResponseType,
            ),
            (
                AuthorizationParams {
                    response_type: None,
                    ..params()
                },
                RedirectErrorCode::InvalidRequest,
            ),
            (
                AuthorizationParams {
                    code_challenge: None,
                    ..params()
                },
                RedirectErrorCode::InvalidRequest,
            ),
            (
                AuthorizationParams {
                    code_challenge_method: None,
                    ..params()
                },
                RedirectErrorCode::InvalidRequest,
            ),
            (
                AuthorizationParams {
                    code_challenge_method: Some("plain".into()),
                    ..params()
                },
                RedirectErrorCode::InvalidRequest,
            ),
            (
                AuthorizationParams {
                    code_challenge: Some("short".into()),
                    ..params()
                },
                RedirectErrorCode::InvalidRequest,
            ),
            (
                AuthorizationParams {
                    scope: Some("uma_protection admin".into()),
                    ..params()
                },
                RedirectErrorCode::InvalidScope,
            ),
            (
                AuthorizationParams {
                    repeated: vec!["state".into()],
                    ..params()
                },
                RedirectErrorCode::InvalidRequest,
            ),
        ];
        for (p, expected) in cases {
            assert_eq!(
                code_of(core.check_authorization_request(&p).unwrap_err()),
                expected,
                "{p:?}"
            );
        }
    }

    #[test]
    fn a_login_is_bound_to_its_request_and_used_once() {
        let mut core = AsCore::new(&Fixtures::embedded().unwrap());
        let request = core.check_authorization_request(&params()).unwrap();
        let allow = Decision::Allow {
            username: "bob",
            password: "bob-password",
        };

        let csrf = core.start_login(request.clone(), 0).unwrap();
        let code = core
            .finish_login(request.clone(), Some(&csrf), allow, 1)
            .unwrap();
        assert!(!code.is_empty());
        // Used up.
        let again = core.finish_login(request.clone(), Some(&csrf), allow, 1);
        assert_eq!(
            code_of(again.unwrap_err()),
            RedirectErrorCode::InvalidRequest
        );

        // Bound to the request: another challenge does not match.
        let csrf = core.start_login(request.clone(), 0).unwrap();
        let mut other = request.clone();
        other.code_challenge = "x".repeat(43);
        let swapped = core.finish_login(other, Some(&csrf), allow, 1);
        assert_eq!(
            code_of(swapped.unwrap_err()),
            RedirectErrorCode::InvalidRequest
        );

        let csrf = core.start_login(request.clone(), 0).unwrap();
        let wrong = Decision::Allow {
            username: "bob",
            password: "alice-password",
        };
        let denied = core.finish_login(request.clone(), Some(&csrf), wrong, 1);
        assert_eq!(
            code_of(denied.unwrap_err()),
            RedirectErrorCode::AccessDenied
        );

        let csrf = core.start_login(request.clone(), 0).unwrap();
        let denied = core.finish_login(request.clone(), Some(&csrf), Decision::Deny, 1);
        assert_eq!(
            code_of(denied.unwrap_err()),
            RedirectErrorCode::AccessDenied
        );

        let missing = core.finish_login(request, None, allow, 1);
        assert_eq!(
            code_of(missing.unwrap_err()),
            RedirectErrorCode::InvalidRequest
        );
    }
}
