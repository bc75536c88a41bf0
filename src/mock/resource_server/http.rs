//! The resource API over HTTP: `/patients/{patient}/{kind}/{number}`, each request checked by
//! introspecting its RPT and, when that does not suffice, answered with a UMA challenge.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::access::{self, Need, Strictness};
use super::as_client::{AsClient, AsFailure};
use super::deviations::{Deviation, DeviationSet};

/// The largest PUT body the API accepts.
const BODY_LIMIT: usize = 64 * 1024;
/// The Warning header of Grant 3.2.2.
pub const UNREACHABLE_WARNING: &str = "199 - \"UMA Authorization Server Unreachable\"";

/// A resource the server holds and has registered at the AS.
#[derive(Debug, Clone)]
pub struct Held {
    /// The `_id` the AS gave it.
    pub id: String,
    pub content: Value,
}

#[derive(Debug)]
pub struct Rs {
    pub(crate) as_client: AsClient,
    pub(crate) realm: String,
    pub(crate) deviations: DeviationSet,
    /// By path (`/patients/alice/lab-reports/1`).
    pub(crate) resources: Mutex<BTreeMap<String, Held>>,
}

pub fn router(rs: Arc<Rs>) -> Router {
    Router::new()
        .route("/patients/{patient}/{kind}/{number}", any(resource))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(rs)
}

fn json_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

async fn not_found() -> Response {
    json_error(StatusCode::NOT_FOUND, "not_found", "no such resource")
}

/// The bearer token of the request, if it sent one (scheme compared case-insensitively).
fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

async fn resource(
    State(rs): State<Arc<Rs>>,
    Path((patient, kind, number)): Path<(String, String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/patients/{patient}/{kind}/{number}");
    let Some(held) = rs.resources.lock().await.get(&path).cloned() else {
        return not_found().await;
    };
    let download = access::wants_download(uri.query());
    let scope = match access::needed_scope(&method, download) {
        Need::Scope(scope) => scope,
        Need::MethodNotAllowed => {
            let mut response = json_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "unsupported_method_type",
                "GET, HEAD, PUT or DELETE",
            );
            response.headers_mut().insert(
                header::ALLOW,
                HeaderValue::from_static("GET, HEAD, PUT, DELETE"),
            );
            return response;
        }
        Need::DownloadWithoutGet => {
            return json_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "download is for GET only",
            );
        }
    };
    // A PUT body is checked before anything is asked of the AS: a bad one gets no ticket.
    let new_content = if method == Method::PUT {
        match serde_json::from_slice::<Value>(&body) {
            Ok(v) => Some(v),
            Err(_) => {
                return json_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "the body must be JSON",
                );
            }
        }
    } else {
        None
    };
    if let Some(rpt) = bearer(&headers) {
        match rs.as_client.introspect(&rpt).await {
            Ok(answer) => {
                let now = rs.as_client.now().await;
                let strictness = Strictness {
                    ignore_permission_exp: rs.deviations.has(Deviation::ServesExpiredPermission),
                    ignore_scopes: rs.deviations.has(Deviation::ServesWithoutScopeCheck),
                };
                if access::permits(&answer, &held.id, scope, now, strictness) {
                    return serve(&rs, &path, &held, &method, download, new_content).await;
                }
            }
            Err(AsFailure::Unreachable(_)) => return unreachable(&rs),
            // An AS that will not say the token is good: as if there were none (Grant 3.5).
            Err(AsFailure::Refused { .. }) => {}
        }
    }
    challenge(&rs, &held.id, scope).await
}

/// 403 with the Warning of Grant 3.2.2 (unless a deviation drops it).
fn unreachable(rs: &Rs) -> Response {
    let mut response = json_error(
        StatusCode::FORBIDDEN,
        "authorization_server_unreachable",
        "the authorization server could not be reached",
    );
    if !rs.deviations.has(Deviation::NoWarningWhenAsDown) {
        response.headers_mut().insert(
            header::WARNING,
            HeaderValue::from_static(UNREACHABLE_WARNING),
        );
    }
    response
}

/// A new ticket for (resource, scope) and the 401 `UMA` challenge carrying it (Grant 3.2.1), or
/// 403 with the Warning when no ticket could be had (Grant 3.2.2).
async fn challenge(rs: &Rs, resource_id: &str, scope: &str) -> Response {
    let endpoints = &rs.as_client.endpoints;
    let as_uri = if rs.deviations.has(Deviation::AsUriNotIssuer) {
        endpoints.permission.as_str()
    } else {
        endpoints.issuer.as_str()
    };
    let mut value = format!("UMA realm=\"{}\", as_uri=\"{as_uri}\"", rs.realm);
    if !rs.deviations.has(Deviation::NoTicketInChallenge) {
        match rs.as_client.ticket(resource_id, scope).await {
            Ok(ticket) => value.push_str(&format!(", ticket=\"{ticket}\"")),
            Err(_) => return unreachable(rs),
        }
    }
    let Ok(value) = HeaderValue::from_str(&value) else {
        // A ticket with characters a header cannot carry is no usable ticket.
        return unreachable(rs);
    };
    Response::builder()
        .status(StatusCode::UNAUTHORIZED)
        .header(header::WWW_AUTHENTICATE, value)
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::empty())
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Does what an authorized request asked.
async fn serve(
    rs: &Rs,
    path: &str,
    held: &Held,
    method: &Method,
    download: bool,
    new_content: Option<Value>,
) -> Response {
    let no_store = [(header::CACHE_CONTROL, "no-store")];
    match *method {
        Method::PUT => {
            let content = new_content.unwrap_or(Value::Null);
            let mut resources = rs.resources.lock().await;
            let Some(entry) = resources.get_mut(path) else {
                return not_found().await;
            };
            entry.content = content.clone();
            (no_store, axum::Json(content)).into_response()
        }
        Method::DELETE => {
            if let Err(e) = rs.as_client.deregister(&held.id).await {
                return match e {
                    AsFailure::Unreachable(_) => unreachable(rs),
                    AsFailure::Refused { status, .. } => json_error(
                        StatusCode::BAD_GATEWAY,
                        "deregistration_failed",
                        &format!("the authorization server answered {status}"),
                    ),
                };
            }
            rs.resources.lock().await.remove(path);
            StatusCode::NO_CONTENT.into_response()
        }
        _ if download => {
            let file = format!(
                "attachment; filename=\"{}.json\"",
                path.trim_start_matches('/').replace('/', "-")
            );
            let mut response = (no_store, axum::Json(held.content.clone())).into_response();
            if let Ok(v) = HeaderValue::from_str(&file) {
                response
                    .headers_mut()
                    .insert(header::CONTENT_DISPOSITION, v);
            }
            response
        }
        _ => (no_store, axum::Json(held.content.clone())).into_response(),
    }
}
