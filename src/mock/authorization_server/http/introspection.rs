//! Token introspection (RFC 7662 2, FedAuthz 5), protected by a PAT. PATs and other account
//! tokens get the plain RFC 7662 answer; RPTs get UMA's: `permissions` instead of `scope`,
//! showing only what the calling resource server registered.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::app::App;
use super::bearer::authenticate;
use super::body::{Form, RawBody};
use super::errors::{ApiError, Surface, no_store_json};
use crate::mock::authorization_server::core::introspection::{IntrospectionRules, TokenStatus};
use crate::mock::authorization_server::core::resources::View;
use crate::mock::authorization_server::core::tokens::{GrantedPermission, scope_string};
use crate::mock::authorization_server::deviations::Deviation;

pub(crate) async fn introspect(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    answer(&app, &headers, body)
        .unwrap_or_else(|err| err.render(Surface::Introspection, app.deviations))
}

fn answer(app: &App, headers: &HeaderMap, body: RawBody) -> Result<Response, ApiError> {
    let partition = authenticate(app, headers, Surface::Introspection)?;
    let form = Form::parse(headers, body)?;
    let token = form
        .get("token")
        .ok_or_else(|| ApiError::invalid_request("token is required"))?;
    // A test scripted this token's answer through the control API: it is given as is.
    if let Some(answer) = app.crafted().get(token).cloned() {
        return Ok(no_store_json(StatusCode::OK, Value::Object(answer), false));
    }
    let viewer = if app.has(Deviation::IntrospectionLeaksToOtherRs) {
        View::Everything
    } else {
        View::Partition(&partition)
    };
    let rules = IntrospectionRules {
        honour_rpt_expiry: !app.has(Deviation::IntrospectionIgnoresExpiry),
    };
    let now = app.clock.now();
    let core = app.core();
    // token_type_hint is only a hint (RFC 7662 2.1): the mock looks everywhere anyway.
    let body = match core.introspect(token, viewer, rules, now) {
        TokenStatus::Unknown if app.has(Deviation::IntrospectionUnknownToken404) => {
            return Err(ApiError::not_found("no such token"));
        }
        TokenStatus::Unknown | TokenStatus::Inactive => inactive(app),
        TokenStatus::Account {
            token,
            owner,
            scopes,
        } => {
            let mut object = Map::new();
            object.insert("active".into(), Value::Bool(true));
            object.insert("client_id".into(), token.client_id.clone().into());
            let scope: Value = if app.has(Deviation::IntrospectionPatScopeArray) {
                scope_string(scopes)
                    .split(' ')
                    .map(|s| Value::from(s.to_string()))
                    .collect::<Vec<_>>()
                    .into()
            } else {
                scope_string(scopes).into()
            };
            object.insert("scope".into(), scope);
            object.insert("sub".into(), owner.into());
            object.insert("exp".into(), token.expires_at.into());
            object.insert("iat".into(), token.issued_at.into());
            object.insert("token_type".into(), "Bearer".into());
            object.insert("iss".into(), app.urls.issuer().into());
            Value::Object(object)
        }
        TokenStatus::Rpt { token, permissions } => {
            let mut object = Map::new();
            object.insert("active".into(), Value::Bool(true));
            if !app.has(Deviation::IntrospectionWithoutPermissions) {
                let listed = permissions.iter().map(|p| permission(app, p)).collect();
                object.insert("permissions".into(), Value::Array(listed));
            }
            if app.has(Deviation::IntrospectionScopeForRpt) {
                object.insert("scope".into(), joined_scopes(&permissions).into());
            }
            object.insert("exp".into(), token.expires_at.into());
            object.insert("iat".into(), token.issued_at.into());
            object.insert("client_id".into(), token.client_id.clone().into());
            object.insert("token_type".into(), "Bearer".into());
            object.insert("iss".into(), app.urls.issuer().into());
            Value::Object(object)
        }
    };
    Ok(no_store_json(StatusCode::OK, body, false))
}

/// RFC 7662 2.2: exactly `{"active": false}`, saying nothing about why.
fn inactive(app: &App) -> Value {
    if app.has(Deviation::IntrospectionInactiveWithDetails) {
        json!({ "active": false, "error": "token expired or unknown" })
    } else {
        json!({ "active": false })
    }
}

/// One permission object (FedAuthz 5.1.1).
fn permission(app: &App, p: &GrantedPermission) -> Value {
    let (id_name, scopes_name) = if app.has(Deviation::IntrospectionKeycloakNames) {
        ("rsid", "scopes")
    } else {
        ("resource_id", "resource_scopes")
    };
    let time = |t: i64| -> Value {
        if app.has(Deviation::IntrospectionPermissionTimesAsStrings) {
            t.to_string().into()
        } else {
            t.into()
        }
    };
    let mut object = Map::new();
    object.insert(id_name.into(), p.resource_id.clone().into());
    object.insert(scopes_name.into(), p.resource_scopes.clone().into());
    object.insert("exp".into(), time(p.expires_at));
    object.insert("iat".into(), time(p.issued_at));
    if app.has(Deviation::IntrospectionPermissionTimesAsStrings) {
        // The faithful mock sets no permission-level nbf; this server sends one, as text.
        object.insert("nbf".into(), time(p.issued_at));
    }
    Value::Object(object)
}

/// The scopes of all shown permissions, each once, space-separated.
fn joined_scopes(permissions: &[&GrantedPermission]) -> String {
    let mut scopes: Vec<String> = Vec::new();
    for scope in permissions.iter().flat_map(|p| &p.resource_scopes) {
        if !scopes.contains(scope) {
            scopes.push(scope.clone());
        }
    }
    scope_string(&scopes)
}
