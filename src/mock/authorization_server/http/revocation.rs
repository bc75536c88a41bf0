//! Token revocation (RFC 7009, Grant 3.7): a client ends an RPT, access token, refresh token or
//! PCT issued to it. The answer is 200 whenever the client authenticated, whether or not anything
//! was revoked, so that it reveals nothing about tokens the client does not hold (RFC 7009 2.2).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::app::App;
use super::body::{Form, RawBody};
use super::client_auth::credentials;
use super::errors::{ApiError, Surface};
use crate::mock::authorization_server::core::clients::AuthMethod;
use crate::mock::authorization_server::deviations::Deviation;

pub(crate) async fn revoke(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    answer(&app, &headers, body).unwrap_or_else(|err| err.render(Surface::Token, app.deviations))
}

fn answer(app: &App, headers: &HeaderMap, body: RawBody) -> Result<Response, ApiError> {
    let form = Form::parse(headers, body)?;
    let credentials = credentials(headers, &form)?;
    if credentials.method == AuthMethod::None && app.has(Deviation::PublicClientUnsupported) {
        return Err(ApiError::invalid_client(
            "client_secret is required: this server has no public clients",
        ));
    }
    let mut core = app.core();
    // RFC 7009 2.1: the client is authenticated first.
    let client_id = core
        .clients
        .authenticate(
            &credentials.client_id,
            &credentials.secret,
            credentials.method,
        )
        .map_err(|_| ApiError::invalid_client("client authentication failed"))?
        .id
        .clone();
    let token = form
        .get("token")
        .ok_or_else(|| ApiError::invalid_request("token is required"))?;
    // token_type_hint (access_token, refresh_token, or Grant 3.7's pct) is only a hint: every
    // kind of token is looked up (RFC 7009 2.1), and an unknown hint changes nothing (2.2).
    let spare_rpts = app.has(Deviation::IntrospectionIgnoresRevocation);
    let hinted_pct = form.get("token_type_hint") == Some("pct");
    if !core.tokens.revoke(token, &client_id, spare_rpts) {
        if let Some(rpt) = core.refresh_tokens.revoke(token, &client_id) {
            // RFC 7009 2.1: the access token of the same grant goes too.
            core.tokens.revoke(&rpt, &client_id, spare_rpts);
        } else if !(hinted_pct && app.has(Deviation::RevocationIgnoresPctHint)) {
            core.pcts.revoke(token, &client_id);
        }
    }
    let mut response = StatusCode::OK.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
