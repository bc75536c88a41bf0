//! The token endpoint (RFC 6749 3.2, 5): client credentials and authorization code grants issue
//! PATs, the UMA grant issues RPTs (Grant 3.3.1). Every answer, success or error, is JSON with
//! `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 5.1, 5.2).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};

use super::app::App;
use super::body::{Form, RawBody};
use super::client_auth::credentials;
use super::errors::{ApiError, Code, Surface, no_store_json};
use crate::mock::authorization_server::core::AsCore;
use crate::mock::authorization_server::core::clock::Timestamp;
use crate::mock::authorization_server::core::grants::{
    AUTHORIZATION_CODE, CLIENT_CREDENTIALS, CodeExchange, GrantError, IssuedToken, RptRequest,
    RptRules, UMA_TICKET,
};
use crate::mock::authorization_server::deviations::Deviation;

/// The scope an RPT's permissions gain under `rpt-grants-unregistered-scope`.
const UNREGISTERED_SCOPE: &str = "admin";

pub(crate) async fn token(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    match issue(&app, &headers, body) {
        Ok(response) => response,
        Err(err) => err.render(Surface::Token, app.deviations),
    }
}

fn issue(app: &App, headers: &HeaderMap, body: RawBody) -> Result<Response, ApiError> {
    let form = Form::parse(headers, body)?;
    let grant_type = form
        .get("grant_type")
        .ok_or_else(|| ApiError::invalid_request("grant_type is required"))?;
    let credentials = credentials(headers, &form)?;
    let now = app.clock.now();
    let mut core = app.core();
    // A request that fails client authentication is nobody's: it uses up no ticket or code.
    let client_id = core
        .clients
        .authenticate(
            &credentials.client_id,
            &credentials.secret,
            credentials.method,
        )
        // One answer for every cause, so that failures do not tell which part was wrong.
        .map_err(|_| ApiError::invalid_client("client authentication failed"))?
        .id
        .clone();
    let issued = match grant_type {
        CLIENT_CREDENTIALS => core.client_credentials(&client_id, form.get("scope"), now),
        AUTHORIZATION_CODE => {
            let exchange = CodeExchange {
                code: form.get("code"),
                redirect_uri: form.get("redirect_uri"),
                code_verifier: form.get("code_verifier"),
            };
            core.authorization_code(&client_id, exchange, now)
        }
        UMA_TICKET => uma_ticket(app, &mut core, &client_id, &form, now),
        other => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                Code::UnsupportedGrantType,
                format!("grant type {other:?} is not supported"),
            ));
        }
    }
    .map_err(grant_error)?;
    Ok(success(app, grant_type, issued))
}

fn uma_ticket(
    app: &App,
    core: &mut AsCore,
    client_id: &str,
    form: &Form,
    now: Timestamp,
) -> Result<IssuedToken, GrantError> {
    let rules = RptRules {
        tickets_reusable: app.has(Deviation::TicketsReusable),
        all_registered_scopes: app.has(Deviation::TicketGrantsAllRegisteredScopes),
        extra_scope: app
            .has(Deviation::RptGrantsUnregisteredScope)
            .then_some(UNREGISTERED_SCOPE),
    };
    let request = RptRequest {
        ticket: form.get("ticket"),
        scope: form.get("scope"),
    };
    core.uma_ticket(client_id, request, rules, now)
}

/// RFC 6749 5.1. An RPT's answer has no `scope` (Grant 3.3.5: its scopes belong to resources).
fn success(app: &App, grant_type: &str, issued: IssuedToken) -> Response {
    let mut body = Map::new();
    body.insert("access_token".into(), issued.access_token.into());
    body.insert("token_type".into(), "Bearer".into());
    body.insert("expires_in".into(), issued.expires_in.into());
    if let Some(scope) = issued.scope {
        let reported = if app.has(Deviation::TokenResponseScopeMismatch) && grant_type != UMA_TICKET
        {
            "profile".to_string()
        } else {
            scope
        };
        body.insert("scope".into(), reported.into());
    }
    no_store_json(StatusCode::OK, Value::Object(body), true)
}

/// RFC 6749 5.2 and Grant 3.3.6.
fn grant_error(err: GrantError) -> ApiError {
    let bad = |code, why: String| ApiError::new(StatusCode::BAD_REQUEST, code, why);
    match err {
        GrantError::InvalidRequest(why) => ApiError::invalid_request(why),
        GrantError::InvalidGrant(why) => bad(Code::InvalidGrant, why),
        GrantError::InvalidScope(why) => bad(Code::InvalidScope, why),
        GrantError::UnauthorizedClient(why) => bad(Code::UnauthorizedClient, why),
        GrantError::RequestDenied => ApiError::new(
            StatusCode::FORBIDDEN,
            Code::RequestDenied,
            "the resource owner's policy does not grant this client these permissions",
        ),
        GrantError::Randomness(_) => ApiError::unavailable(),
    }
}
