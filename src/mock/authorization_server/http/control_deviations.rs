//! Deviations switched at run time through the control API (`/_mock/deviations`): one scenario
//! can meet a misbehaving AS (say, one that hands back the ticket it was sent) without a second
//! mock.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::app::App;
use super::body::{self, RawBody};
use super::errors::{ApiError, Surface, json_response};
use crate::mock::authorization_server::deviations::DeviationSet;

/// `GET /_mock/deviations`: `{"switched_on": [names]}`, the deviations switched on at run time.
pub(crate) async fn switched_deviations(State(app): State<Arc<App>>) -> Response {
    json_response(
        StatusCode::OK,
        json!({ "switched_on": app.switched_on().names() }),
    )
}

/// `POST /_mock/deviations` with `{"name": "...", "on": true|false}`: switches one deviation on
/// or off for what follows, so that one scenario can meet a misbehaving AS without a second
/// mock (the deviations given at start stay on).
pub(crate) async fn switch_deviation(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    set_deviation(&app, &headers, body)
        .unwrap_or_else(|err| err.render(Surface::General, app.deviations))
}

fn set_deviation(app: &App, headers: &HeaderMap, body: RawBody) -> Result<Response, ApiError> {
    let object = body::control_object(
        headers,
        body,
        &["name", "on"],
        "{\"name\": \"need-info-same-ticket\", \"on\": true}",
    )?;
    let name = object
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::invalid_request("name is required: a deviation's name"))?;
    let on = object
        .get("on")
        .and_then(Value::as_bool)
        .ok_or_else(|| ApiError::invalid_request("on is required: true or false"))?;
    let set = DeviationSet::parse(&[name.to_string()])
        .map_err(|e| ApiError::invalid_request(e.to_string()))?;
    app.switch(set, on);
    Ok(json_response(
        StatusCode::OK,
        json!({ "switched_on": app.switched_on().names() }),
    ))
}
