//! Token introspection (RFC 7662 2, FedAuthz 5), protected by a PAT. Tokens issued by the mock
//! so far are PATs, so answers are plain RFC 7662 objects; UMA's `permissions` member arrives with
//! RPTs.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::app::App;
use super::bearer::authenticate;
use super::body::{Form, RawBody};
use super::errors::{ApiError, Surface, no_store_json};

pub(crate) async fn introspect(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    answer(&app, &headers, body)
        .unwrap_or_else(|err| err.render(Surface::Introspection, app.deviations))
}

fn answer(app: &App, headers: &HeaderMap, body: RawBody) -> Result<Response, ApiError> {
    authenticate(app, headers, Surface::Introspection)?;
    let form = Form::parse(headers, body)?;
    let token = form
        .get("token")
        .ok_or_else(|| ApiError::invalid_request("token is required"))?;
    let now = app.clock.now();
    let core = app.core();
    // token_type_hint is only a hint (RFC 7662 2.1): the mock looks everywhere anyway.
    let body = match core.tokens.active(token, now) {
        None => json!({ "active": false }),
        Some(info) => {
            let mut object = Map::new();
            object.insert("active".into(), Value::Bool(true));
            object.insert("client_id".into(), info.client_id.clone().into());
            object.insert("scope".into(), info.scope_string().into());
            if let Some(owner) = &info.owner {
                object.insert("sub".into(), owner.clone().into());
            }
            object.insert("exp".into(), info.expires_at.into());
            object.insert("iat".into(), info.issued_at.into());
            object.insert("token_type".into(), "Bearer".into());
            object.insert("iss".into(), app.urls.issuer().into());
            Value::Object(object)
        }
    };
    Ok(no_store_json(StatusCode::OK, body, false))
}
