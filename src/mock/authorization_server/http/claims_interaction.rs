//! The claims interaction endpoint (Grant 3.3.2, 3.3.3): `GET` checks the request, uses the
//! ticket up and shows the claims form; `POST` takes the form back and redirects to the client's
//! claims redirect URI with a new ticket and the client's state, or with an error.

use super::query_params::unique_pairs;
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::app::App;
use super::authorization::error_code;
use super::body::{Form, RawBody};
use super::html;
use super::redirect::redirect;
use super::urls::CLAIMS_INTERACTION;
use crate::mock::authorization_server::core::claims::ClaimSet;
use crate::mock::authorization_server::core::claims_interaction::{
    InteractionError, InteractionParams, InteractionRules, Return, Submission,
};
use crate::mock::authorization_server::core::interactions::PendingInteraction;
use crate::mock::authorization_server::deviations::Deviation;

/// The form field binding a post to the request it was shown for.
const CSRF_TOKEN: &str = "csrf_token";
/// Form fields `claim_<name>` carry claims the requesting party states about itself.
const CLAIM_FIELD_PREFIX: &str = "claim_";

fn rules(app: &App) -> InteractionRules {
    InteractionRules {
        validate_redirect_uri: !app.has(Deviation::ClaimsRedirectUriNotValidated),
        csrf_protection: !app.has(Deviation::ClaimsInteractionNoCsrf),
        same_ticket: app.has(Deviation::ClaimsRedirectSameTicket),
        oauth_redirect_uris_too: app.has(Deviation::ClaimsRedirectAcceptsOauthRedirectUris),
        redirect_unknown_clients: app.has(Deviation::ClaimsUnknownClientRedirected),
    }
}

pub(crate) async fn show(State(app): State<Arc<App>>, RawQuery(query): RawQuery) -> Response {
    let params = params_from_pairs(
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned())),
    );
    let now = app.clock.now();
    let started = app.core().start_interaction(&params, rules(&app), now);
    match started {
        Ok((_, csrf)) if app.has(Deviation::ClaimsGatheredWithoutAsking) => {
            gather_without_asking(&app, &params, &csrf, now)
        }
        Ok((pending, csrf)) => form(&app, &pending, &csrf),
        Err(err) => refusal(&app, err),
    }
}

pub(crate) async fn submit(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    // A form that cannot be read names no client to report to.
    let Ok(form) = Form::parse(&headers, body) else {
        return html::claims_error_page(
            "the form must be application/x-www-form-urlencoded UTF-8 with each field once",
        );
    };
    let posted = InteractionParams {
        client_id: form.get("client_id").map(str::to_string),
        ticket: form.get("ticket").map(str::to_string),
        claims_redirect_uri: form.get("claims_redirect_uri").map(str::to_string),
        state: form.get("state").map(str::to_string),
        repeated: Vec::new(),
    };
    let submission = if form.get("action") == Some("cancel") {
        Submission::Cancel
    } else {
        Submission::Provide {
            username: form.get("username"),
            password: form.get("password").unwrap_or_default(),
            claims: stated_claims(&form),
        }
    };
    let now = app.clock.now();
    let finished =
        app.core()
            .finish_interaction(&posted, form.get(CSRF_TOKEN), submission, rules(&app), now);
    match finished {
        Ok((back, ticket)) => back_to_client(&app, &back, vec![("ticket", ticket.as_str())]),
        Err(err) => refusal(&app, err),
    }
}

/// The deviation that skips the form: the first fixture party is taken as logged in.
fn gather_without_asking(
    app: &App,
    params: &InteractionParams,
    csrf: &str,
    now: crate::mock::authorization_server::core::clock::Timestamp,
) -> Response {
    let mut core = app.core();
    let Some((username, password)) = core.requesting_parties.first_credentials() else {
        drop(core);
        return html::claims_error_page("no requesting party to assume");
    };
    let submission = Submission::Provide {
        username: Some(&username),
        password: &password,
        claims: ClaimSet::new(),
    };
    let finished = core.finish_interaction(params, Some(csrf), submission, rules(app), now);
    drop(core);
    match finished {
        Ok((back, ticket)) => back_to_client(app, &back, vec![("ticket", ticket.as_str())]),
        Err(err) => refusal(app, err),
    }
}

/// The `claim_<name>` fields; a role list may be written with commas.
fn stated_claims(form: &Form) -> ClaimSet {
    let mut claims = ClaimSet::new();
    for (name, value) in form.pairs() {
        let Some(claim) = name.strip_prefix(CLAIM_FIELD_PREFIX) else {
            continue;
        };
        let value = value.trim();
        if claim.is_empty() || value.is_empty() {
            continue;
        }
        let value = if claim == "roles" {
            Value::from(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>(),
            )
        } else {
            Value::from(value)
        };
        claims.insert(claim.to_string(), value);
    }
    claims
}

/// Collects query pairs, noting names that appear more than once (RFC 6749 3.1).
fn params_from_pairs(pairs: impl Iterator<Item = (String, String)>) -> InteractionParams {
    let unique = unique_pairs(pairs);
    let mut params = InteractionParams {
        repeated: unique.repeated,
        ..InteractionParams::default()
    };
    for (name, value) in unique.values {
        let value = Some(value);
        match name.as_str() {
            "client_id" => params.client_id = value,
            "ticket" => params.ticket = value,
            "claims_redirect_uri" => params.claims_redirect_uri = value,
            "state" => params.state = value,
            // Unknown parameters are ignored.
            _ => {}
        }
    }
    params
}

fn form(app: &App, pending: &PendingInteraction, csrf: &str) -> Response {
    let mut hidden: Vec<(&str, &str)> = vec![("client_id", &pending.client_id), (CSRF_TOKEN, csrf)];
    // Only what the request had, so that the posted form describes the same request.
    if let Some(uri) = &pending.redirect_param {
        hidden.push(("claims_redirect_uri", uri));
    }
    if let Some(state) = &pending.state {
        hidden.push(("state", state));
    }
    html::claims_form(
        &app.urls.absolute(CLAIMS_INTERACTION),
        &pending.client_id,
        &hidden,
    )
}

/// 302 to the claims redirect URI with `pairs` and the client's state (Grant 3.3.3: present
/// exactly when the client sent one), keeping the URI's own query (Grant 3.3.2).
fn back_to_client<'a>(app: &App, back: &'a Return, mut pairs: Vec<(&str, &'a str)>) -> Response {
    match back.state.as_deref() {
        Some(state) if !app.has(Deviation::ClaimsRedirectStateDropped) => {
            pairs.push(("state", state));
        }
        None if app.has(Deviation::ClaimsRedirectEmptyState) => pairs.push(("state", "")),
        _ => {}
    }
    if app.has(Deviation::ClaimsRedirectRawQuery) {
        return raw_redirect(&back.redirect_uri, &pairs);
    }
    let keep_query = !app.has(Deviation::ClaimsRedirectDropsQuery);
    redirect(&back.redirect_uri, &pairs, keep_query)
}

/// The deviation that writes the parameters into the query without encoding them.
fn raw_redirect(uri: &str, pairs: &[(&str, &str)]) -> Response {
    let added: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let joiner = if uri.contains('?') { '&' } else { '?' };
    let location = format!("{uri}{joiner}{}", added.join("&"));
    match axum::http::HeaderValue::from_str(&location) {
        Ok(value) => {
            let mut response = axum::http::StatusCode::FOUND.into_response();
            response
                .headers_mut()
                .insert(axum::http::header::LOCATION, value);
            response
        }
        Err(_) => html::claims_error_page("the redirect cannot be written"),
    }
}

fn refusal(app: &App, err: InteractionError) -> Response {
    match err {
        InteractionError::Untrusted(why) => html::claims_error_page(&why),
        InteractionError::Redirect { description, .. }
            if app.has(Deviation::ClaimsErrorsOnPage) =>
        {
            html::claims_error_page(&description)
        }
        InteractionError::Redirect {
            back,
            code,
            description,
        } => back_to_client(
            app,
            &back,
            vec![
                ("error", error_code(code)),
                ("error_description", description.as_str()),
            ],
        ),
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
            ("ticket", "t"),
            ("ticket", "u"),
            ("other", "1"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()));
        let params = params_from_pairs(pairs.into_iter());
        assert_eq!(params.client_id.as_deref(), Some("a"));
        assert_eq!(params.state, None);
        assert_eq!(params.ticket.as_deref(), Some("t"));
        assert_eq!(params.repeated, ["ticket"]);
    }
}
