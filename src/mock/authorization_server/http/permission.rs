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
use super::errors::{ApiError, Code, Surface, json_response};
use crate::mock::authorization_server::core::permissions::PermissionError;
use crate::mock::authorization_server::core::tickets::Permission;

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
    let permissions = parse_permissions(body::json(headers, body, Repeats::Reject)?)?;
    let now = app.clock.now();
    let ticket = app
        .core()
        .request_permissions(app.view(&partition), &partition, permissions, now)
        .map_err(|err| match err {
            PermissionError::UnknownResource(id) => ApiError::new(
                StatusCode::BAD_REQUEST,
                Code::InvalidResourceId,
                format!("resource {id:?} is not registered by this resource server"),
            ),
            PermissionError::UnregisteredScope { resource_id, scope } => ApiError::new(
                StatusCode::BAD_REQUEST,
                Code::InvalidScope,
                format!("scope {scope:?} is not registered for resource {resource_id:?}"),
            ),
            PermissionError::Randomness(_) => ApiError::unavailable(),
        })?;
    Ok(json_response(
        StatusCode::CREATED,
        json!({ "ticket": ticket }),
    ))
}

/// One permission object, or a non-empty array of them (FedAuthz 4.1). Members other than
/// resource_id and resource_scopes are extensions and are ignored.
fn parse_permissions(body: Value) -> Result<Vec<Permission>, ApiError> {
    match body {
        Value::Object(_) => Ok(vec![parse_one(&body)?]),
        Value::Array(items) if !items.is_empty() => items.iter().map(parse_one).collect(),
        Value::Array(_) => Err(ApiError::invalid_request(
            "the array of permissions must not be empty",
        )),
        _ => Err(ApiError::invalid_request(
            "the body must be a permission object or an array of them",
        )),
    }
}

fn parse_one(item: &Value) -> Result<Permission, ApiError> {
    let Value::Object(object) = item else {
        return Err(ApiError::invalid_request(
            "each permission must be a JSON object",
        ));
    };
    let resource_id = match object.get("resource_id") {
        Some(Value::String(id)) if !id.is_empty() => id.clone(),
        Some(_) => {
            return Err(ApiError::invalid_request(
                "resource_id must be a non-empty string",
            ));
        }
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

    #[test]
    fn accepts_an_object_or_an_array() {
        let one =
            parse_permissions(json!({"resource_id": "r", "resource_scopes": [], "x": 1})).unwrap();
        assert_eq!(one.len(), 1);
        let many = parse_permissions(json!([
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
            assert!(parse_permissions(bad.clone()).is_err(), "{bad}");
        }
    }
}
