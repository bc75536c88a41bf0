//! The control API's scripted introspection answers (`/_mock/introspection-answers`): a test
//! names a token and the exact JSON object introspection should answer for it, to probe how a
//! resource server enforces what introspection says.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::app::App;
use super::body::{self, RawBody};
use super::errors::{ApiError, Surface, json_response};
use crate::mock::authorization_server::core::crafted_introspection::MAX_CRAFTED_ANSWERS;

/// `POST /_mock/introspection-answers` with `{"token": "...", "answer": {...}}`: 201
/// `{"token": ...}`. From then on, introspecting exactly that token (with a PAT the endpoint
/// accepts) answers `answer` verbatim.
pub(crate) async fn create(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    script(&app, &headers, body).unwrap_or_else(|err| err.render(Surface::General, app.deviations))
}

fn script(app: &App, headers: &HeaderMap, body: RawBody) -> Result<Response, ApiError> {
    let mut object = body::control_object(
        headers,
        body,
        &["token", "answer"],
        "{\"token\": \"...\", \"answer\": {...}}",
    )?;
    let token = match object.remove("token") {
        Some(Value::String(token)) if !token.is_empty() => token,
        _ => {
            return Err(ApiError::invalid_request(
                "token is required: a non-empty string",
            ));
        }
    };
    let Some(Value::Object(answer)) = object.remove("answer") else {
        return Err(ApiError::invalid_request(
            "answer is required: a JSON object",
        ));
    };
    app.crafted().set(token.clone(), answer).map_err(|_| {
        ApiError::invalid_request(format!(
            "at most {MAX_CRAFTED_ANSWERS} tokens may have a scripted answer"
        ))
    })?;
    Ok(json_response(
        StatusCode::CREATED,
        json!({ "token": token }),
    ))
}
