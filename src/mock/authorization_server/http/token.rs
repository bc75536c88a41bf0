//! The token endpoint (RFC 6749 3.2, 4.4, 5): for now it issues PATs by client credentials.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::app::App;
use super::body::{Form, RawBody};
use super::client_auth::credentials;
use super::errors::{ApiError, Code, Surface, no_store_json};
use crate::mock::authorization_server::core::grants::{GrantError, SUPPORTED_GRANT_TYPES};
use crate::mock::authorization_server::deviations::Deviation;

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
    if !SUPPORTED_GRANT_TYPES.contains(&grant_type) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            Code::UnsupportedGrantType,
            format!("grant type {grant_type:?} is not supported"),
        ));
    }
    let issued = core
        .client_credentials(&client_id, form.get("scope"), now)
        .map_err(|err| match err {
            GrantError::UnauthorizedClient(why) => {
                ApiError::new(StatusCode::BAD_REQUEST, Code::UnauthorizedClient, why)
            }
            GrantError::InvalidScope(why) => {
                ApiError::new(StatusCode::BAD_REQUEST, Code::InvalidScope, why)
            }
            GrantError::Randomness(_) => ApiError::unavailable(),
        })?;
    let reported_scope = if app.has(Deviation::TokenResponseScopeMismatch) {
        "profile".to_string()
    } else {
        issued.scope.clone()
    };
    Ok(no_store_json(
        StatusCode::OK,
        json!({
            "access_token": issued.access_token,
            "token_type": "Bearer",
            "expires_in": issued.expires_in,
            "scope": reported_scope,
        }),
        true,
    ))
}
