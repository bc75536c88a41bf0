//! The permission endpoint (FedAuthz 4) as a resource server calls it, and the UMA grant's token
//! request (Grant 3.3.1) as a client makes it with the ticket.

use serde_json::{Value, json};

use crate::harness::target::{ClientAuthMethod, ClientCredentials};
use crate::harness::wire::{Auth, HttpResponse, Request};
use crate::harness::world::Permission;

pub const UMA_TICKET_GRANT: &str = "urn:ietf:params:oauth:grant-type:uma-ticket";

pub fn permission_json(p: &Permission) -> Value {
    json!({"resource_id": p.resource_id, "resource_scopes": p.resource_scopes})
}

/// One permission as a bare object, or several as an array (FedAuthz 4.1 allows both).
pub fn request(endpoint: &str, permissions: &[Permission], as_array: bool) -> Request {
    let body = if as_array || permissions.len() != 1 {
        Value::Array(permissions.iter().map(permission_json).collect())
    } else {
        permission_json(&permissions[0])
    };
    Request::post(endpoint).json(body)
}

/// The ticket of a successful permission request, read leniently (any 2xx with a `ticket`).
pub fn ticket_of(response: &HttpResponse) -> Option<String> {
    if !(200..300).contains(&response.status) {
        return None;
    }
    let body = response.json().ok()?;
    body.get("ticket")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// Adds client authentication to a token-endpoint request (RFC 6749 2.3.1).
pub fn with_client_auth(
    request: Request,
    mut form: Vec<(String, String)>,
    client: &ClientCredentials,
) -> Request {
    match client.auth_method {
        ClientAuthMethod::ClientSecretBasic => request
            .auth(Some(Auth::Basic {
                user: client.client_id.clone(),
                password: client.client_secret.clone(),
            }))
            .form(form),
        ClientAuthMethod::ClientSecretPost => {
            form.push(("client_id".into(), client.client_id.clone()));
            form.push(("client_secret".into(), client.client_secret.clone()));
            request.form(form)
        }
    }
}

/// The UMA grant's token request with a permission ticket.
pub fn rpt_request(token_endpoint: &str, ticket: &str, client: &ClientCredentials) -> Request {
    let form = vec![
        ("grant_type".to_string(), UMA_TICKET_GRANT.to_string()),
        ("ticket".to_string(), ticket.to_string()),
    ];
    with_client_auth(Request::post(token_endpoint), form, client)
}

/// RFC 7009 revocation of a token issued to `client`.
pub fn revocation_request(
    endpoint: &str,
    token: &str,
    hint: &str,
    client: &ClientCredentials,
) -> Request {
    let form = vec![
        ("token".to_string(), token.to_string()),
        ("token_type_hint".to_string(), hint.to_string()),
    ];
    with_client_auth(Request::post(endpoint), form, client)
}

/// RFC 7662 introspection by a resource server holding `pat`.
pub fn introspection_request(endpoint: &str, pat: Option<&str>, token: &str) -> Request {
    let request = Request::post(endpoint).form(vec![
        ("token".to_string(), token.to_string()),
        ("token_type_hint".to_string(), "access_token".to_string()),
    ]);
    match pat {
        Some(pat) => request.bearer(pat),
        None => request,
    }
}

/// Moves a reference mock's clock forward (its control API; never used to decide a verdict).
pub fn advance_clock_request(control_api: &str, seconds: u64) -> Request {
    Request::post(format!("{}/clock", control_api.trim_end_matches('/')))
        .json(json!({"advance_secs": seconds}))
}
