//! The mock's own control API under `/_mock/` (the `mock-control-api` extension it advertises):
//! health, the clock and the exchange log here; policies, owner requests, scripted introspection
//! answers and the outage switch in their own modules. It is a test
//! tool on loopback, so it needs no credentials, but bad input still gets a JSON 400. Also the
//! trivial page behind `user_access_policy_uri`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::app::App;
use super::body::{self, RawBody};
use super::errors::{ApiError, Surface, json_response};
use crate::mock::authorization_server::core::clock::MAX_ADVANCE_SECS;

pub(crate) async fn health() -> Response {
    json_response(StatusCode::OK, json!({ "status": "ok" }))
}

/// `GET /_mock/exchanges?after=N`: what the mock was sent and answered, outside this API.
pub(crate) async fn exchanges(State(app): State<Arc<App>>, RawQuery(query): RawQuery) -> Response {
    match app.exchanges.page(query.as_deref()) {
        Ok(page) => json_response(StatusCode::OK, page),
        Err(why) => ApiError::invalid_request(why).render(Surface::General, app.deviations),
    }
}

/// `GET /_mock/clock`: the mock's "now", in seconds since the epoch.
pub(crate) async fn clock(State(app): State<Arc<App>>) -> Response {
    json_response(StatusCode::OK, json!({ "now": app.clock.now() }))
}

/// `POST /_mock/clock` with `{"advance_secs": N}`: moves the clock forward by N seconds (0 to
/// ten years). Every expiry (tickets, codes, tokens, RPTs, permissions) follows this clock.
pub(crate) async fn advance_clock(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    advance(&app, &headers, body).unwrap_or_else(|err| err.render(Surface::General, app.deviations))
}

fn advance(app: &App, headers: &HeaderMap, body: RawBody) -> Result<Response, ApiError> {
    let object = body::control_object(headers, body, &["advance_secs"], "{\"advance_secs\": 60}")?;
    let secs = object
        .get("advance_secs")
        .ok_or_else(|| ApiError::invalid_request("advance_secs is required"))?
        .as_u64()
        .filter(|secs| *secs <= MAX_ADVANCE_SECS)
        .ok_or_else(|| {
            ApiError::invalid_request(format!(
                "advance_secs must be an integer from 0 to {MAX_ADVANCE_SECS}"
            ))
        })?;
    let now = app.clock.advance(secs).map_err(|_| {
        ApiError::invalid_request(format!("advance_secs must not exceed {MAX_ADVANCE_SECS}"))
    })?;
    Ok(json_response(StatusCode::OK, json!({ "now": now })))
}

/// Where a resource server would send its user to set policy. The mock has no policy UI (tests
/// use the control API), so the page says so; it echoes nothing from the request.
pub(crate) async fn policy_page() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Access policy</title></head>\n\
         <body><h1>Access policy</h1><p>This mock authorization server grants access by the policies of \
         its fixtures and its control API; there is nothing to set here.</p></body></html>\n",
    )
        .into_response()
}
