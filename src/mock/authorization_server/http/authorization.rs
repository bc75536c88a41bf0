//! The authorization endpoint (RFC 6749 4.1, RFC 7636): `GET` checks the request and shows the
//! login form, `POST` takes the form back and redirects to the client with a code or an error.

use super::query_params::unique_pairs;
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::app::App;
use super::body::{Form, RawBody};
use super::html;
use super::redirect::redirect;
use super::urls::AUTHORIZATION;
use crate::mock::authorization_server::core::authorization::{
    AuthorizationParams, AuthorizationRequest, AuthorizeError, Decision, RedirectErrorCode,
};
use crate::mock::authorization_server::core::pkce::S256;
use crate::mock::authorization_server::core::tokens::scope_string;

/// The request's parameters by name; the form adds these.
const CSRF_TOKEN: &str = "csrf_token";

pub(crate) async fn show(State(app): State<Arc<App>>, RawQuery(query): RawQuery) -> Response {
    let params = params_from_pairs(
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned())),
    );
    let now = app.clock.now();
    let mut core = app.core();
    let started = core
        .check_authorization_request(&params)
        .and_then(|request| {
            let csrf = core.start_login(request.clone(), now)?;
            Ok((request, csrf))
        });
    match started {
        Ok((request, csrf)) => form(&app, &request, &csrf),
        Err(err) => refusal(err),
    }
}

pub(crate) async fn submit(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    // A form that cannot be read names no client to report to.
    let Ok(form) = Form::parse(&headers, body) else {
        return html::error_page(
            "the form must be application/x-www-form-urlencoded UTF-8 with each field once",
        );
    };
    let params = AuthorizationParams {
        response_type: form.get("response_type").map(str::to_string),
        client_id: form.get("client_id").map(str::to_string),
        redirect_uri: form.get("redirect_uri").map(str::to_string),
        code_challenge: form.get("code_challenge").map(str::to_string),
        code_challenge_method: form.get("code_challenge_method").map(str::to_string),
        state: form.get("state").map(str::to_string),
        scope: form.get("scope").map(str::to_string),
        repeated: Vec::new(),
    };
    let decision = if form.get("action") == Some("deny") {
        Decision::Deny
    } else {
        Decision::Allow {
            username: form.get("username").unwrap_or_default(),
            password: form.get("password").unwrap_or_default(),
        }
    };
    let now = app.clock.now();
    let mut core = app.core();
    let outcome = core
        .check_authorization_request(&params)
        .and_then(|request| {
            let target = (request.redirect_uri.clone(), request.state.clone());
            let code = core.finish_login(request, form.get(CSRF_TOKEN), decision, now)?;
            Ok((target, code))
        });
    match outcome {
        Ok(((redirect_uri, state), code)) => {
            let mut pairs = vec![("code", code.as_str())];
            if let Some(state) = state.as_deref() {
                pairs.push(("state", state));
            }
            redirect(&redirect_uri, &pairs, true)
        }
        Err(err) => refusal(err),
    }
}

/// Collects query or form pairs, noting names that appear more than once (RFC 6749 3.1).
fn params_from_pairs(pairs: impl Iterator<Item = (String, String)>) -> AuthorizationParams {
    let unique = unique_pairs(pairs);
    let mut params = AuthorizationParams {
        repeated: unique.repeated,
        ..AuthorizationParams::default()
    };
    for (name, value) in unique.values {
        let value = Some(value);
        match name.as_str() {
            "response_type" => params.response_type = value,
            "client_id" => params.client_id = value,
            "redirect_uri" => params.redirect_uri = value,
            "code_challenge" => params.code_challenge = value,
            "code_challenge_method" => params.code_challenge_method = value,
            "state" => params.state = value,
            "scope" => params.scope = value,
            // Unknown parameters are ignored (RFC 6749 3.1).
            _ => {}
        }
    }
    params
}

fn form(app: &App, request: &AuthorizationRequest, csrf: &str) -> Response {
    let scope = scope_string(&request.scopes);
    let mut hidden: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", &request.client_id),
        ("code_challenge", &request.code_challenge),
        ("code_challenge_method", S256),
        ("scope", &scope),
        (CSRF_TOKEN, csrf),
    ];
    // Only what the request had, so that the posted form describes the same request.
    if let Some(uri) = &request.redirect_uri_param {
        hidden.push(("redirect_uri", uri));
    }
    if let Some(state) = &request.state {
        hidden.push(("state", state));
    }
    html::login_form(
        &app.urls.absolute(AUTHORIZATION),
        &request.client_id,
        &hidden,
    )
}

fn refusal(err: AuthorizeError) -> Response {
    match err {
        AuthorizeError::Untrusted(why) => html::error_page(&why),
        AuthorizeError::Redirect {
            redirect_uri,
            state,
            code,
            description,
        } => {
            let mut pairs = vec![
                ("error", error_code(code)),
                ("error_description", description.as_str()),
            ];
            if let Some(state) = state.as_deref() {
                pairs.push(("state", state));
            }
            redirect(&redirect_uri, &pairs, true)
        }
    }
}

pub(crate) fn error_code(code: RedirectErrorCode) -> &'static str {
    match code {
        RedirectErrorCode::InvalidRequest => "invalid_request",
        RedirectErrorCode::UnauthorizedClient => "unauthorized_client",
        RedirectErrorCode::AccessDenied => "access_denied",
        RedirectErrorCode::UnsupportedResponseType => "unsupported_response_type",
        RedirectErrorCode::InvalidScope => "invalid_scope",
        RedirectErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_empty_parameters() {
        let pairs = [
            ("client_id", "a"),
            ("state", ""),
            ("scope", "x"),
            ("scope", "y"),
            ("scope", "z"),
            ("other", "1"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()));
        let params = params_from_pairs(pairs.into_iter());
        assert_eq!(params.client_id.as_deref(), Some("a"));
        assert_eq!(params.state, None);
        assert_eq!(params.scope.as_deref(), Some("x"));
        assert_eq!(params.repeated, ["scope"]);
    }
}
