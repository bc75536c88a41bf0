//! The resource API over HTTP: `/patients/{patient}/{kind}/{number}`, the collections
//! `/patients/{patient}/{kind}` and the index `/patients/{patient}`, each request checked by
//! introspecting its RPT (or, for a JWT RPT of an AS with `jwks_uri`, by verifying it locally)
//! and, when that does not suffice, answered with a UMA challenge; the share
//! scope's description `/scopes/share`, open to anyone. Beside them, the control API
//! `/_mock/health` and `/_mock/exchanges`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::access::{self, Need, Strictness};
use super::as_client::{AsClient, AsFailure, IntrospectionStyle};
use super::deviations::{Deviation, DeviationSet};
use super::fixtures::KINDS;
use super::jwt::{self, Rejection};
use super::permission_request::{self, Shape, Wanted};
use super::scope_description::{SHARE_SCOPE_PATH, share_description};
use crate::mock::exchange_log::{self, ExchangeLog};

/// The largest PUT body the API accepts.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;
/// The control API: never recorded in the exchange log.
pub(crate) const CONTROL: &str = "/_mock";
const HEALTH: &str = "/_mock/health";
const EXCHANGES: &str = "/_mock/exchanges";
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
    /// The AS's JWK Set, kept once fetched, when its discovery document has `jwks_uri`: JWT RPTs
    /// are then checked locally instead of by introspection.
    pub(crate) jwt_keys: Option<jwt::KeyCache>,
    pub(crate) realm: String,
    pub(crate) deviations: DeviationSet,
    /// By path (`/patients/alice/lab-reports/1`).
    pub(crate) resources: Mutex<BTreeMap<String, Held>>,
    /// Every exchange of the resource API, for `/_mock/exchanges`.
    pub(crate) exchanges: Arc<ExchangeLog>,
}

pub fn router(rs: Arc<Rs>) -> Router {
    let log = Arc::clone(&rs.exchanges);
    Router::new()
        .route("/patients/{patient}", any(index))
        .route("/patients/{patient}/{kind}", any(collection))
        .route("/patients/{patient}/{kind}/{number}", any(resource))
        .route(SHARE_SCOPE_PATH, any(share_scope))
        .route(HEALTH, get(health))
        .route(EXCHANGES, get(exchanges))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn_with_state(log, exchange_log::record))
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

fn method_not_allowed(allow: &'static str) -> Response {
    let mut response = json_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "unsupported_method_type",
        allow,
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// `GET /_mock/health`.
async fn health() -> Response {
    axum::Json(json!({ "status": "ok" })).into_response()
}

/// `GET /_mock/exchanges?after=N`: what the resource API was sent and answered.
async fn exchanges(State(rs): State<Arc<Rs>>, RawQuery(query): RawQuery) -> Response {
    match rs.exchanges.page(query.as_deref()) {
        Ok(page) => axum::Json(page).into_response(),
        Err(why) => json_error(StatusCode::BAD_REQUEST, "invalid_request", &why),
    }
}

/// `GET /scopes/share`: the share scope's description (FedAuthz 3.1.1), open to anyone.
async fn share_scope(State(rs): State<Arc<Rs>>, method: Method) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return method_not_allowed("GET, HEAD");
    }
    axum::Json(share_description(rs.deviations)).into_response()
}

/// The bearer token of the request, if it sent one (scheme compared case-insensitively).
fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

/// `GET /patients/{patient}/{kind}/{number}` and the other methods on one resource.
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
        Need::MethodNotAllowed => return method_not_allowed("GET, HEAD, PUT, DELETE"),
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
    let wanted = Wanted {
        ids: vec![held.id.clone()],
        scope: Some(scope),
        shape: Shape::Single,
    };
    if let Err(refusal) = authorize(&rs, &headers, &wanted).await {
        return refusal;
    }
    serve(&rs, &path, &held, &method, download, new_content).await
}

/// `GET /patients/{patient}/{kind}`: every resource of that kind of the patient, each as
/// `{"path", "content"}`; needs `view` on all of them, asked for in one permission request.
async fn collection(
    State(rs): State<Arc<Rs>>,
    Path((patient, kind)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    if !KINDS.contains(&kind.as_str()) {
        return not_found().await;
    }
    let Some(records) = records_of(&rs, &patient).await else {
        return not_found().await;
    };
    if method != Method::GET && method != Method::HEAD {
        return method_not_allowed("GET, HEAD");
    }
    let prefix = format!("/patients/{patient}/{kind}/");
    let items: Vec<(String, Held)> = records
        .into_iter()
        .filter(|(path, _)| path.starts_with(&prefix))
        .collect();
    // Nothing of this kind: there is nothing to protect, and no permission to ask for.
    if !items.is_empty() {
        let wanted = Wanted {
            ids: items.iter().map(|(_, held)| held.id.clone()).collect(),
            scope: Some("view"),
            shape: Shape::Collection,
        };
        if let Err(refusal) = authorize(&rs, &headers, &wanted).await {
            return refusal;
        }
    }
    let listed: Vec<Value> = items
        .into_iter()
        .map(|(path, held)| json!({"path": path, "content": held.content}))
        .collect();
    ([(header::CACHE_CONTROL, "no-store")], axum::Json(listed)).into_response()
}

/// `GET /patients/{patient}`: the paths of the patient's records, which only says they exist;
/// needs a permission, with any scopes, on every one of them (asked for with no scopes).
async fn index(
    State(rs): State<Arc<Rs>>,
    Path(patient): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let Some(records) = records_of(&rs, &patient).await else {
        return not_found().await;
    };
    if method != Method::GET && method != Method::HEAD {
        return method_not_allowed("GET, HEAD");
    }
    let wanted = Wanted {
        ids: records.iter().map(|(_, held)| held.id.clone()).collect(),
        scope: None,
        shape: Shape::Index,
    };
    if let Err(refusal) = authorize(&rs, &headers, &wanted).await {
        return refusal;
    }
    let paths: Vec<String> = records.into_iter().map(|(path, _)| path).collect();
    ([(header::CACHE_CONTROL, "no-store")], axum::Json(paths)).into_response()
}

/// The patient's records by path, or `None` for a patient with none.
async fn records_of(rs: &Rs, patient: &str) -> Option<Vec<(String, Held)>> {
    let prefix = format!("/patients/{patient}/");
    let records: Vec<(String, Held)> = rs
        .resources
        .lock()
        .await
        .iter()
        .filter(|(path, _)| path.starts_with(&prefix))
        .map(|(path, held)| (path.clone(), held.clone()))
        .collect();
    (!records.is_empty()).then_some(records)
}

/// What the AS says of an RPT, by introspection or, for a JWT it signed, by its signature.
enum Checked {
    /// An introspection answer, or the claims of a JWT that verified (with `active` true).
    Answer(Value),
    /// The AS will not vouch for the token: as if there were none (Grant 3.5).
    Refused,
    /// The AS could not be asked (Grant 3.2.2).
    Unreachable,
}

/// Checks an RPT: a compact JWS locally against the AS's JWK Set when the AS publishes one
/// (FedAuthz 5), anything else by introspection with the PAT (5.1).
async fn check_rpt(rs: &Rs, rpt: &str) -> Checked {
    if let Some(keys) = rs.jwt_keys.as_ref().filter(|_| jwt::is_compact_jws(rpt)) {
        return match keys.check(&rs.as_client, rpt).await {
            Ok(claims) => Checked::Answer(claims),
            Err(Rejection::Invalid(_)) => Checked::Refused,
            Err(Rejection::Unreachable(_)) => Checked::Unreachable,
        };
    }
    let style = IntrospectionStyle {
        hint: if rs.deviations.has(Deviation::IntrospectionWrongHint) {
            "refresh_token"
        } else {
            "access_token"
        },
        pat_in_query: rs.deviations.has(Deviation::IntrospectionPatInQuery),
    };
    match rs.as_client.introspect(rpt, style).await {
        Ok(answer) => Checked::Answer(answer),
        Err(AsFailure::Unreachable(_)) => Checked::Unreachable,
        Err(AsFailure::Refused { .. }) => Checked::Refused,
    }
}

/// Whether an introspection answer carries a top-level member the RS does not know (under the
/// deviation that refuses such answers instead of skipping the members, FedAuthz 1.1).
fn has_unknown_members(answer: &Value) -> bool {
    const KNOWN: [&str; 14] = [
        "active",
        "permissions",
        "exp",
        "iat",
        "nbf",
        "client_id",
        "token_type",
        "iss",
        "sub",
        "aud",
        "scope",
        "username",
        "jti",
        "resource_scopes",
    ];
    answer
        .as_object()
        .is_some_and(|o| o.keys().any(|k| !KNOWN.contains(&k.as_str())))
}

/// Whether the request's RPT covers `wanted` (checked by [`check_rpt`]). If not, the answer to
/// give instead: a UMA challenge with a new ticket for exactly `wanted` (Grant 3.2.1, 3.5), or
/// 403 with the Warning when the AS cannot be reached (3.2.2).
async fn authorize(rs: &Rs, headers: &HeaderMap, wanted: &Wanted) -> Result<(), Response> {
    let Some(rpt) = bearer(headers) else {
        return Err(challenge(rs, wanted).await);
    };
    match check_rpt(rs, &rpt).await {
        Checked::Answer(answer) => {
            let now = rs.as_client.now().await;
            let strictness = Strictness {
                ignore_permission_exp: rs.deviations.has(Deviation::ServesExpiredPermission),
                ignore_scopes: rs.deviations.has(Deviation::ServesWithoutScopeCheck),
                ignore_active: rs.deviations.has(Deviation::ServesInactiveToken),
                ignore_resource: rs.deviations.has(Deviation::ServesOtherResource),
                ignore_permission_nbf: rs.deviations.has(Deviation::ServesNotYetValid),
                ignore_token_exp: rs.deviations.has(Deviation::IgnoresTokenExp),
            };
            if rs.deviations.has(Deviation::RejectsUnknownMembers) && has_unknown_members(&answer) {
                return Err(challenge(rs, wanted).await);
            }
            let ids: Vec<&str> = wanted.ids.iter().map(String::as_str).collect();
            if access::permits_all(&answer, &ids, wanted.scope, now, strictness) {
                return Ok(());
            }
        }
        Checked::Unreachable => return Err(unreachable(rs)),
        Checked::Refused => {}
    }
    if rs.deviations.has(Deviation::InsufficientRptWithoutTicket) {
        return Err(json_error(
            StatusCode::FORBIDDEN,
            "insufficient_permissions",
            "the token does not allow this request",
        ));
    }
    Err(challenge(rs, wanted).await)
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

/// A new ticket for `wanted` and the 401 `UMA` challenge carrying it (Grant 3.2.1), or 403 with
/// the Warning when no ticket could be had (Grant 3.2.2).
async fn challenge(rs: &Rs, wanted: &Wanted) -> Response {
    let endpoints = &rs.as_client.endpoints;
    let as_uri = if rs.deviations.has(Deviation::AsUriNotIssuer) {
        endpoints.permission.as_str()
    } else {
        endpoints.issuer.as_str()
    };
    let mut value = format!("UMA realm=\"{}\", as_uri=\"{as_uri}\"", rs.realm);
    if !rs.deviations.has(Deviation::NoTicketInChallenge) {
        let body = permission_request::body(wanted, rs.deviations);
        match rs.as_client.ticket(&body).await {
            Ok(ticket) => value.push_str(&format!(", ticket=\"{ticket}\"")),
            Err(_) => return unreachable(rs),
        }
    }
    let Ok(value) = HeaderValue::from_str(&value) else {
        // A ticket with characters a header cannot carry is no usable ticket.
        return unreachable(rs);
    };
    let status = if rs.deviations.has(Deviation::ChallengeWith403) {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::UNAUTHORIZED
    };
    Response::builder()
        .status(status)
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
