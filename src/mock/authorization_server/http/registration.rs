//! The resource registration API (FedAuthz 3.2): create, read, update, delete and list resource
//! descriptions, each scoped to the PAT's resource owner and resource server.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::app::App;
use super::bearer::authenticate;
use super::body::{self, RawBody, Repeats};
use super::errors::{ApiError, Surface, json_response};
use super::scope_fetch;
use super::urls::RESOURCE_REGISTRATION;
use crate::mock::authorization_server::core::description::{
    DescriptionRules, http_scope_uris, validate, without_text_members,
};
use crate::mock::authorization_server::core::resources::{Description, Partition};
use crate::mock::authorization_server::deviations::Deviation;

const COLLECTION_ALLOW: &str = "GET, HEAD, POST";
const ITEM_ALLOW: &str = "GET, HEAD, PUT, DELETE";

/// `{rreg}` and `{rreg}/`: list and create.
pub(crate) async fn collection(
    State(app): State<Arc<App>>,
    method: Method,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    let result = match authenticate(&app, &headers, Surface::Registration) {
        Err(err) => Err(err),
        Ok(partition) => match method {
            Method::GET | Method::HEAD => Ok(list(&app, &partition)),
            Method::POST => create(&app, &partition, &headers, body).await,
            _ => Err(ApiError::method_not_allowed(COLLECTION_ALLOW)),
        },
    };
    result.unwrap_or_else(|err| err.render(Surface::Registration, app.deviations))
}

/// `{rreg}/{id}`: read, update and delete.
pub(crate) async fn item(
    State(app): State<Arc<App>>,
    method: Method,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    let result = match authenticate(&app, &headers, Surface::Registration) {
        Err(err) => Err(err),
        Ok(partition) => {
            // A path that does not even decode names no resource.
            let id = path.map(|Path(id)| id).unwrap_or_default();
            match method {
                Method::GET | Method::HEAD => read(&app, &partition, &id),
                Method::PUT if app.has(Deviation::UpdateNotSupported) => {
                    Err(ApiError::method_not_allowed("GET, HEAD, DELETE"))
                }
                Method::PUT => update(&app, &partition, &id, &headers, body).await,
                Method::DELETE => delete(&app, &partition, &id),
                _ => Err(ApiError::method_not_allowed(ITEM_ALLOW)),
            }
        }
    };
    result.unwrap_or_else(|err| err.render(Surface::Registration, app.deviations))
}

fn unknown(id: &str) -> ApiError {
    ApiError::not_found(format!("no resource {id:?} is registered for this PAT"))
}

/// The name of the id member in bodies.
fn id_member(app: &App) -> &'static str {
    if app.has(Deviation::ResourceIdCamelCase) {
        "resourceId"
    } else {
        "_id"
    }
}

/// The members every success body of create, read and update starts with.
fn common_members(app: &App, id: &str, operation: Operation) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert(id_member(app).into(), id.into());
    if app.has(Deviation::PolicyUriRelative) {
        body.insert("user_access_policy_uri".into(), "policy/1".into());
    } else if operation != Operation::Read {
        // Read returns the description as registered; the policy link rides on writes only.
        body.insert("user_access_policy_uri".into(), app.urls.policy(id).into());
    }
    body
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    Create,
    Read,
    Update,
}

/// Parses and checks a create or update body, applying the deviations that loosen, tighten or
/// trim validation.
async fn intake(app: &App, headers: &HeaderMap, body: RawBody) -> Result<Description, ApiError> {
    let lenient = app.has(Deviation::AcceptsRepeatedMembers);
    let repeats = if lenient {
        Repeats::LastWins
    } else {
        Repeats::Reject
    };
    let value = match body::json(headers, body, repeats) {
        Err(_) | Ok(Value::Array(_)) if app.has(Deviation::MalformedBody500) => {
            return Err(ApiError::server_error("the body could not be processed"));
        }
        Err(err) => return Err(err),
        Ok(value) => value,
    };
    let value = if app.has(Deviation::CoercesScopeTypes) {
        coerce_scopes(value)
    } else {
        value
    };
    let rules = DescriptionRules {
        require_resource_scopes: !app.has(Deviation::ResourceScopesOptional),
        check_text_members: !lenient,
        allow_uri_scopes: !app.has(Deviation::RejectsUriScopes),
        allow_extension_members: !app.has(Deviation::RejectsExtensionMembers),
    };
    let mut description = validate(value, rules).map_err(ApiError::invalid_request)?;
    if let Some(fetcher) = &app.scope_fetcher {
        scope_fetch::all_reachable(fetcher, &http_scope_uris(&description))
            .await
            .map_err(ApiError::invalid_request)?;
    }
    if app.has(Deviation::ReadDropsOptionalMembers) {
        description = without_text_members(description);
    }
    Ok(description)
}

async fn create(
    app: &App,
    partition: &Partition,
    headers: &HeaderMap,
    body: RawBody,
) -> Result<Response, ApiError> {
    let description = intake(app, headers, body).await?;
    let id = app
        .core()
        .resources
        .create(partition, description)
        .map_err(|_| ApiError::unavailable())?;
    let body = Value::Object(common_members(app, &id, Operation::Create));
    if app.has(Deviation::Create200WithoutLocation) {
        return Ok(json_response(StatusCode::OK, body));
    }
    let location = if app.has(Deviation::LocationWithoutId) {
        format!("{}/latest", app.urls.absolute(RESOURCE_REGISTRATION))
    } else {
        app.urls.resource(&id)
    };
    let mut response = json_response(StatusCode::CREATED, body);
    // Ids are base64url, so the location is always a valid header value.
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

fn read(app: &App, partition: &Partition, id: &str) -> Result<Response, ApiError> {
    let core = app.core();
    let description = core
        .resources
        .get(app.view(partition), id)
        .ok_or_else(|| unknown(id))?;
    let mut body = common_members(app, id, Operation::Read);
    for (key, value) in description {
        body.entry(key.clone()).or_insert_with(|| value.clone());
    }
    Ok(json_response(StatusCode::OK, Value::Object(body)))
}

async fn update(
    app: &App,
    partition: &Partition,
    id: &str,
    headers: &HeaderMap,
    body: RawBody,
) -> Result<Response, ApiError> {
    let view = app.view(partition);
    // An unknown resource is reported as such whatever the body says.
    if app.core().resources.get(view, id).is_none() {
        return Err(unknown(id));
    }
    let description = intake(app, headers, body).await?;
    let mut core = app.core();
    let description = if app.has(Deviation::UpdateMerges) {
        let mut merged = core.resources.get(view, id).cloned().unwrap_or_default();
        merged.extend(description);
        merged
    } else {
        description
    };
    // The resource may have been deleted while the body was being checked.
    if !core.resources.replace(view, id, description) {
        return Err(unknown(id));
    }
    if app.has(Deviation::Update204NoBody) {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let body = Value::Object(common_members(app, id, Operation::Update));
    Ok(json_response(StatusCode::OK, body))
}

fn delete(app: &App, partition: &Partition, id: &str) -> Result<Response, ApiError> {
    let view = app.view(partition);
    let mut core = app.core();
    let found = if app.has(Deviation::DeleteKeepsResource) {
        core.resources.get(view, id).is_some()
    } else {
        core.resources.delete(view, id)
    };
    if found {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(unknown(id))
    }
}

fn list(app: &App, partition: &Partition) -> Response {
    let core = app.core();
    let resources = core.resources.list(app.view(partition));
    let items: Vec<Value> = if app.has(Deviation::ListReturnsObjects) {
        resources
            .into_iter()
            .map(|(id, description)| {
                let mut object = Map::new();
                object.insert(id_member(app).into(), id.into());
                object.extend(description.clone());
                Value::Object(object)
            })
            .collect()
    } else {
        resources.into_iter().map(|(id, _)| id.into()).collect()
    };
    json_response(StatusCode::OK, Value::Array(items))
}

/// Only for `coerces-scope-types`: turns every non-string scope into its JSON text.
fn coerce_scopes(mut value: Value) -> Value {
    if let Some(Value::Array(scopes)) = value.get_mut("resource_scopes") {
        for scope in scopes.iter_mut() {
            if !scope.is_string() {
                *scope = Value::String(scope.to_string());
            }
        }
    }
    value
}
