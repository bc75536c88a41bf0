//! The outage switch of the control API (`/_mock/outage`): while the mock is down, every route
//! but the control API answers in a way no caller can use, so that a harness can watch how a
//! resource server copes with an unreachable AS (Grant 3.2.2) and then bring it back.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{Value, json};

use super::app::App;
use super::body::{self, RawBody};
use super::errors::{ApiError, Surface, json_response};
use crate::mock::exchange_log::cut_off_body;

/// The middleware: while down, a 503 with `Connection: close` whose body breaks off right after
/// the headers, so a client reading it sees a transport error.
pub(crate) async fn refuse_while_down(
    State(app): State<Arc<App>>,
    request: Request,
    next: Next,
) -> Response {
    if !app.is_down() || app.exchanges.is_control(request.uri().path()) {
        return next.run(request).await;
    }
    let mut response = Response::new(cut_off_body(Bytes::new()));
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// `GET /_mock/outage`: `{"down": bool}`.
pub(crate) async fn state(State(app): State<Arc<App>>) -> Response {
    json_response(StatusCode::OK, json!({ "down": app.is_down() }))
}

/// `POST /_mock/outage` with `{"down": true|false}`: takes the mock down or brings it back.
pub(crate) async fn switch(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    set(&app, &headers, body).unwrap_or_else(|err| err.render(Surface::General, app.deviations))
}

fn set(app: &App, headers: &HeaderMap, body: RawBody) -> Result<Response, ApiError> {
    let object = body::control_object(headers, body, &["down"], "{\"down\": true}")?;
    let down = object
        .get("down")
        .and_then(Value::as_bool)
        .ok_or_else(|| ApiError::invalid_request("down is required: true or false"))?;
    app.set_down(down);
    Ok(json_response(StatusCode::OK, json!({ "down": down })))
}
