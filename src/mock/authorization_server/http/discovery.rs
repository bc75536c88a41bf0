//! The discovery document (Grant 2, FedAuthz 2, RFC 8414 2).
//!
//! The mock serves no authorization endpoint (PATs come from client credentials), so it publishes
//! no `authorization_endpoint` and an empty `response_types_supported`: RFC 8414 requires the
//! member, and an empty list is the truthful value.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use super::app::App;
use super::errors::json_response;
use super::urls::{INTROSPECTION, PERMISSION, RESOURCE_REGISTRATION, TOKEN};
use crate::mock::authorization_server::core::grants::SUPPORTED_GRANT_TYPES;
use crate::mock::authorization_server::deviations::Deviation;

pub(crate) async fn discovery(State(app): State<Arc<App>>) -> Response {
    let mut response = json_response(StatusCode::OK, Value::Object(document(&app)));
    if app.has(Deviation::DiscoveryWrongContentType) {
        response.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("text/html; charset=utf-8"),
        );
    }
    response
}

fn document(app: &App) -> Map<String, Value> {
    let urls = &app.urls;
    let mut doc = Map::new();
    let issuer = if app.has(Deviation::DiscoveryIssuerMismatch) {
        format!("{}/other", urls.issuer())
    } else {
        urls.issuer().to_string()
    };
    doc.insert("issuer".into(), issuer.into());
    doc.insert("token_endpoint".into(), urls.absolute(TOKEN).into());
    let grant_types: Value = if app.has(Deviation::DiscoveryGrantTypesNotArray) {
        SUPPORTED_GRANT_TYPES.join(" ").into()
    } else {
        SUPPORTED_GRANT_TYPES.to_vec().into()
    };
    doc.insert("grant_types_supported".into(), grant_types);
    doc.insert(
        "token_endpoint_auth_methods_supported".into(),
        app.auth_methods_supported.clone().into(),
    );
    doc.insert(
        "scopes_supported".into(),
        app.scopes_supported.clone().into(),
    );
    if !app.has(Deviation::DiscoveryWithoutResponseTypes) {
        doc.insert("response_types_supported".into(), Value::Array(Vec::new()));
    }
    let registration_member = if app.has(Deviation::DiscoveryUma1RegistrationEndpointName) {
        "resource_set_registration_endpoint"
    } else {
        "resource_registration_endpoint"
    };
    doc.insert(
        registration_member.into(),
        urls.absolute(RESOURCE_REGISTRATION).into(),
    );
    if !app.has(Deviation::DiscoveryWithoutPermissionEndpoint) {
        doc.insert(
            "permission_endpoint".into(),
            urls.absolute(PERMISSION).into(),
        );
    }
    if app.has(Deviation::DiscoveryRelativeIntrospectionEndpoint) {
        doc.insert("introspection_endpoint".into(), INTROSPECTION.into());
    } else if !app.has(Deviation::DiscoveryWithoutIntrospectionEndpoint) {
        doc.insert(
            "introspection_endpoint".into(),
            urls.absolute(INTROSPECTION).into(),
        );
    }
    if app.has(Deviation::DiscoveryRelativeClaimsInteractionEndpoint) {
        doc.insert("claims_interaction_endpoint".into(), "/claims".into());
    }
    let profiles = if app.has(Deviation::DiscoveryProfilesUnlisted) {
        Value::Array(Vec::new())
    } else if app.has(Deviation::DiscoveryProfilesNotArray) {
        Value::from(app.profiles.first().cloned().unwrap_or_default())
    } else {
        app.profiles.clone().into()
    };
    doc.insert("uma_profiles_supported".into(), profiles);
    doc
}
