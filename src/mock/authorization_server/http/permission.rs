//! The permission endpoint (FedAuthz 4): a resource server asks for permissions on its own
//! resources and gets one ticket back.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::app::App;
use super::bearer::authenticate;
use super::body::{self, RawBody, Repeats};
use super::errors::{ApiError, Code, Surface, no_store_json};
use crate::mock::authorization_server::core::permissions::{PermissionError, PermissionRules};
use crate::mock::authorization_server::core::tickets::Permission;
use crate::mock::authorization_server::deviations::Deviation;

pub(crate) async fn permission(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    request(&app, &headers, body)
        .unwrap_or_else(|err| err.render(Surface::Permission, app.deviations))
}

fn request(app: &App, headers: &HeaderMap, body: RawBody) -> Result<Response, ApiError> {
    let partition = authenticate(app, headers, Surface::Permission)?;
    let mut permissions = parse_permissions(app, body::json(headers, body, Repeats::Reject)?)?;
    if app.has(Deviation::PermissionMissingMembersAccepted) {
        // A permission without resource_id names nothing; this server just drops it.
        permissions.retain(|p| !p.resource_id.is_empty());
    }
    let rules = PermissionRules {
        check_resources: !app.has(Deviation::PermissionAcceptsUnknownResource),
        check_scopes: !app.has(Deviation::PermissionAcceptsUnknownScope),
    };
    let now = app.clock.now();
    let mut core = app.core();
    core.check_permissions(&partition, &permissions, rules)
        .map_err(|err| rejection(app, err))?;
    // After the resource checks, so that only requests that would otherwise succeed change.
    if app.has(Deviation::PermissionRejectsEmptyScopes)
        && permissions.iter().any(|p| p.resource_scopes.is_empty())
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            Code::InvalidScope,
            "every permission must name at least one scope",
        ));
    }
    let status = if app.has(Deviation::Permission200) {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let body = if app.has(Deviation::PermissionTicketPerPermission) && permissions.len() > 1 {
        let tickets = permissions
            .into_iter()
            .map(|p| core.issue_ticket(&partition, vec![p], now))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| rejection(app, err))?;
        json!({ "tickets": tickets })
    } else {
        let ticket = core
            .issue_ticket(&partition, permissions, now)
            .map_err(|err| rejection(app, err))?;
        json!({ "ticket": ticket })
    };
    // A ticket is a credential of sorts: no cache should keep it.
    Ok(no_store_json(status, body, false))
}

/// FedAuthz 4.3: 400 with the error code that names what was wrong.
fn rejection(app: &App, err: PermissionError) -> ApiError {
    let generic = app.has(Deviation::PermissionGenericErrorCodes);
    let code = |specific| {
        if generic {
            Code::InvalidRequest
        } else {
            specific
        }
    };
    match err {
        PermissionError::UnknownResource(id) => ApiError::new(
            StatusCode::BAD_REQUEST,
            code(Code::InvalidResourceId),
            format!("resource {id:?} is not registered by this resource server"),
        ),
        PermissionError::UnregisteredScope { resource_id, scope } => ApiError::new(
            StatusCode::BAD_REQUEST,
            code(Code::InvalidScope),
            format!("scope {scope:?} is not registered for resource {resource_id:?}"),
        ),
        PermissionError::Randomness(_) => ApiError::unavailable(),
    }
}

/// How strictly a body is read; the spec's rules unless a deviation says otherwise.
#[derive(Debug, Clone, Copy, Default)]
struct Shape {
    reject_arrays: bool,
    scopes_optional: bool,
    reject_unknown_members: bool,
}

/// One permission object, or a non-empty array of them (FedAuthz 4.1). Members other than
/// resource_id and resource_scopes are extensions and are ignored.
fn parse_permissions(app: &App, body: Value) -> Result<Vec<Permission>, ApiError> {
    let shape = Shape {
        reject_arrays: app.has(Deviation::PermissionRejectsArray),
        scopes_optional: app.has(Deviation::PermissionMissingMembersAccepted),
        reject_unknown_members: app.has(Deviation::PermissionRejectsUnknownMembers),
    };
    parse_with(shape, body)
}

fn parse_with(shape: Shape, body: Value) -> Result<Vec<Permission>, ApiError> {
    match body {
        Value::Object(_) => Ok(vec![parse_one(shape, &body)?]),
        Value::Array(_) if shape.reject_arrays => Err(ApiError::invalid_request(
            "the body must be a single permission object",
        )),
        Value::Array(items) if !items.is_empty() => {
            items.iter().map(|item| parse_one(shape, item)).collect()
        }
        Value::Array(_) => Err(ApiError::invalid_request(
            "the array of permissions must not be empty",
        )),
        _ => Err(ApiError::invalid_request(
            "the body must be a permission object or an array of them",
        )),
    }
}

fn parse_one(shape: Shape, item: &Value) -> Result<Permission, ApiError> {
    let Value::Object(object) = item else {
        return Err(ApiError::invalid_request(
            "each permission must be a JSON object",
        ));
    };
    if shape.reject_unknown_members {
        if let Some(name) = object
            .keys()
            .find(|k| !matches!(k.as_str(), "resource_id" | "resource_scopes"))
        {
            return Err(ApiError::invalid_request(format!(
                "unknown member {name:?}"
            )));
        }
    }
    let resource_id = match object.get("resource_id") {
        Some(Value::String(id)) if !id.is_empty() => id.clone(),
        Some(_) => {
            return Err(ApiError::invalid_request(
                "resource_id must be a non-empty string",
            ));
        }
        None if shape.scopes_optional => String::new(),
        None => return Err(ApiError::invalid_request("resource_id is required")),
    };
    let resource_scopes = match object.get("resource_scopes") {
        Some(Value::Array(scopes)) => scopes
            .iter()
            .map(|s| s.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                ApiError::invalid_request("resource_scopes must be an array of strings")
            })?,
        Some(_) => {
            return Err(ApiError::invalid_request(
                "resource_scopes must be an array of strings",
            ));
        }
        None if shape.scopes_optional => Vec::new(),
        // Zero scopes are allowed (FedAuthz 4), but the member itself is required (4.1).
        None => return Err(ApiError::invalid_request("resource_scopes is required")),
    };
    Ok(Permission {
        resource_id,
        resource_scopes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: Value) -> Result<Vec<Permission>, ApiError> {
        parse_with(Shape::default(), body)
    }

    #[test]
    fn accepts_an_object_or_an_array() {
        let one = parse(json!({"resource_id": "r", "resource_scopes": [], "x": 1})).unwrap();
        assert_eq!(one.len(), 1);
        let many = parse(json!([
            {"resource_id": "a", "resource_scopes": ["view"]},
            {"resource_id": "b", "resource_scopes": []}
        ]))
        .unwrap();
        assert_eq!(many[1].resource_id, "b");
        for bad in [
            json!([]),
            json!("r"),
            json!([1]),
            json!({"resource_scopes": []}),
            json!({"resource_id": "r"}),
            json!({"resource_id": 3, "resource_scopes": []}),
            json!({"resource_id": "r", "resource_scopes": "view"}),
            json!({"resource_id": "r", "resource_scopes": [null]}),
        ] {
            assert!(parse(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn deviating_shapes() {
        let arrays = Shape {
            reject_arrays: true,
            ..Shape::default()
        };
        assert!(parse_with(arrays, json!([{"resource_id": "a", "resource_scopes": []}])).is_err());
        assert!(parse_with(arrays, json!({"resource_id": "a", "resource_scopes": []})).is_ok());
        let optional = Shape {
            scopes_optional: true,
            ..Shape::default()
        };
        let parsed = parse_with(optional, json!({"resource_id": "a"})).unwrap();
        assert!(parsed[0].resource_scopes.is_empty());
        // Without resource_id the permission parses to an empty id, which the handler drops.
        let parsed = parse_with(optional, json!({"resource_scopes": []})).unwrap();
        assert!(parsed[0].resource_id.is_empty());
    }
}
