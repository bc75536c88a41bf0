//! `jwks_uri` (RFC 8414 2, RFC 7517 5): the public key JWT RPTs are signed with. With opaque RPTs
//! the AS signs nothing, and the set is empty.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::app::App;
use super::errors::json_response;

pub(crate) async fn jwks(State(app): State<Arc<App>>) -> Response {
    let set = app
        .core()
        .signer
        .as_ref()
        .map_or_else(|| json!({ "keys": [] }), |signer| signer.jwks());
    json_response(StatusCode::OK, set)
}
