//! The control API's owner requests (`/_mock/requests`): what request_submitted left waiting,
//! and the owner's answer to it, given by a test standing in for the resource owner.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::app::App;
use super::errors::{ApiError, Code, Surface, json_response};
use crate::mock::authorization_server::core::owner_requests::DecideError;

/// `GET /_mock/requests`: the requests the owner has not answered yet, oldest first.
pub(crate) async fn pending(State(app): State<Arc<App>>) -> Response {
    let core = app.core();
    let listed: Vec<Value> = core
        .owner_requests
        .pending()
        .into_iter()
        .map(|(id, request)| {
            let permissions: Vec<Value> = request
                .permissions
                .iter()
                .map(
                    |p| json!({"resource_id": p.resource_id, "resource_scopes": p.resource_scopes}),
                )
                .collect();
            json!({
                "request_id": id,
                "owner": request.owner,
                "client_id": request.client_id,
                "status": request.status.as_str(),
                "permissions": permissions,
                "ticket": request.tickets.last(),
                "tickets": request.tickets,
                "created_at": request.created_at,
            })
        })
        .collect();
    json_response(StatusCode::OK, json!({ "requests": listed }))
}

pub(crate) async fn approve(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    decide(&app, &id, true)
}

pub(crate) async fn deny(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    decide(&app, &id, false)
}

fn decide(app: &App, id: &str, approve: bool) -> Response {
    let decided = app.core().owner_requests.decide(id, approve);
    match decided {
        Ok(status) => json_response(
            StatusCode::OK,
            json!({ "request_id": id, "status": status.as_str() }),
        ),
        Err(DecideError::Unknown) => ApiError::not_found("no owner request with this id")
            .render(Surface::General, app.deviations),
        Err(DecideError::AlreadyDecided(status)) => ApiError::new(
            StatusCode::CONFLICT,
            Code::InvalidRequest,
            format!("the owner already answered: {}", status.as_str()),
        )
        .render(Surface::General, app.deviations),
    }
}
