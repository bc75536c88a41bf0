//! Dynamic client registration (RFC 7591 3, Grant 2): `POST {issuer}/register` with JSON client
//! metadata; open registration, no initial access token. Answers carry secrets, so nothing may
//! cache them.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::app::App;
use super::body::{self, RawBody, Repeats};
use super::errors::{ApiError, Code, Surface, no_store_json};
use crate::mock::authorization_server::core::client_registration::{
    RegistrationError, RegistrationRules,
};
use crate::mock::authorization_server::deviations::Deviation;

pub(crate) async fn register(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    answer(&app, &headers, body).unwrap_or_else(|err| err.render(Surface::Token, app.deviations))
}

fn answer(app: &App, headers: &HeaderMap, body: RawBody) -> Result<Response, ApiError> {
    let Value::Object(request) = body::json(headers, body, Repeats::Reject)? else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            Code::InvalidClientMetadata,
            "the body must be a JSON object of client metadata",
        ));
    };
    let rules = RegistrationRules {
        accept_claims_redirect_uris: !app.has(Deviation::DcrRejectsClaimsRedirectUris),
    };
    let now = app.clock.now();
    let registered = app.core().register_client(&request, rules, now);
    let bad = |code, why: String| ApiError::new(StatusCode::BAD_REQUEST, code, why);
    match registered {
        Ok(client) => Ok(no_store_json(
            StatusCode::CREATED,
            Value::Object(client),
            true,
        )),
        Err(RegistrationError::InvalidRedirectUri(why)) => Err(bad(Code::InvalidRedirectUri, why)),
        Err(RegistrationError::InvalidClientMetadata(why)) => {
            Err(bad(Code::InvalidClientMetadata, why))
        }
        Err(RegistrationError::TooManyClients) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Code::TemporarilyUnavailable,
            "this mock holds as many clients as it will",
        )),
        Err(RegistrationError::Randomness(_)) => Err(ApiError::unavailable()),
    }
}
