//! The mock's own control API under `/_mock/` (the `mock-control-api` extension it advertises),
//! and the trivial page behind `user_access_policy_uri`.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::errors::json_response;

pub(crate) async fn health() -> Response {
    json_response(StatusCode::OK, json!({ "status": "ok" }))
}

/// Where a resource server would send its user to set policy. The mock has no policy UI yet, so
/// the page says so; it echoes nothing from the request.
pub(crate) async fn policy_page() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Access policy</title></head>\n\
         <body><h1>Access policy</h1><p>This mock authorization server grants access by its fixtures; \
         there is nothing to set here.</p></body></html>\n",
    )
        .into_response()
}
