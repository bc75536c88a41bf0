//! The control API's policies (`/_mock/policies`): a test, standing in for the resource owner's
//! policy interface (outside UMA 2.0, Part F 17), creates, replaces and deletes policies at run
//! time. A body is one policy as in `policies.json`, without an `id`: the mock assigns ids.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::app::App;
use super::body::{self, RawBody, Repeats};
use super::errors::{ApiError, Surface, json_response};
use crate::mock::authorization_server::core::policy::Policy;
use crate::mock::authorization_server::fixtures::PolicyFixture;

pub(crate) async fn list(State(app): State<Arc<App>>) -> Response {
    let core = app.core();
    let policies: Vec<Value> = core
        .policies
        .list()
        .into_iter()
        .map(|(id, policy)| shown(id, policy))
        .collect();
    json_response(StatusCode::OK, json!({ "policies": policies }))
}

pub(crate) async fn read(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let core = app.core();
    match core.policies.get(&id) {
        Some(policy) => json_response(StatusCode::OK, shown(&id, policy)),
        None => not_found(&app),
    }
}

pub(crate) async fn create(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    let created = parse(&app, &headers, body, None).and_then(|(fixture, policy)| {
        app.core()
            .policies
            .create(fixture, policy)
            .map_err(|_| ApiError::unavailable())
    });
    match created {
        Ok(id) => json_response(StatusCode::CREATED, json!({ "policy_id": id })),
        Err(err) => err.render(Surface::General, app.deviations),
    }
}

pub(crate) async fn replace(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    let (fixture, policy) = match parse(&app, &headers, body, Some(&id)) {
        Ok(parsed) => parsed,
        Err(err) => return err.render(Surface::General, app.deviations),
    };
    if app.core().policies.replace(&id, fixture, policy) {
        json_response(StatusCode::OK, json!({ "policy_id": id }))
    } else {
        not_found(&app)
    }
}

pub(crate) async fn delete(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    if app.core().policies.delete(&id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        not_found(&app)
    }
}

fn not_found(app: &App) -> Response {
    ApiError::not_found("no policy with this id").render(Surface::General, app.deviations)
}

/// A policy as listed: its id, then the policy as written.
fn shown(id: &str, policy: &PolicyFixture) -> Value {
    let mut object = Map::new();
    object.insert("policy_id".into(), id.into());
    if let Ok(Value::Object(fields)) = serde_json::to_value(policy) {
        object.extend(fields.into_iter().filter(|(k, _)| k != "id"));
    }
    Value::Object(object)
}

/// Reads and checks a policy body. `policy_id` may repeat the path's id on a replacement (the
/// hook's change-policy sends it).
fn parse(
    app: &App,
    headers: &HeaderMap,
    body: RawBody,
    path_id: Option<&str>,
) -> Result<(PolicyFixture, Policy), ApiError> {
    let Value::Object(mut object) = body::json(headers, body, Repeats::Reject)? else {
        return Err(ApiError::invalid_request(
            "the body must be a JSON policy object",
        ));
    };
    if object.contains_key("id") {
        return Err(ApiError::invalid_request(
            "id is assigned by the mock; leave it out",
        ));
    }
    match (object.remove("policy_id"), path_id) {
        (None, _) => {}
        (Some(Value::String(given)), Some(id)) if given == id => {}
        (Some(_), _) => {
            return Err(ApiError::invalid_request(
                "policy_id in the body must be the one in the path, or absent",
            ));
        }
    }
    let fixture: PolicyFixture = serde_json::from_value(Value::Object(object))
        .map_err(|err| ApiError::invalid_request(format!("not a policy: {err}")))?;
    let policy = Policy::from_fixture(&fixture).map_err(ApiError::invalid_request)?;
    if !app.core().owners.contains(&fixture.owner) {
        return Err(ApiError::invalid_request(format!(
            "there is no resource owner {:?}",
            fixture.owner
        )));
    }
    Ok((fixture, policy))
}
