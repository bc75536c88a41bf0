//! The discovery document (Grant 2, FedAuthz 2, RFC 8414 2). Every endpoint the mock serves is
//! listed, and every list says what the mock really supports: the code response type with PKCE
//! S256 only, and the grants of `grants::SUPPORTED_GRANT_TYPES`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use super::app::App;
use super::errors::json_response;
use super::urls::{
    AUTHORIZATION, CLAIMS_INTERACTION, CLIENT_REGISTRATION, INTROSPECTION, JWKS, PERMISSION,
    RESOURCE_REGISTRATION, REVOCATION, TOKEN,
};
use crate::mock::authorization_server::core::grants::SUPPORTED_GRANT_TYPES;
use crate::mock::authorization_server::core::pkce::S256;
use crate::mock::authorization_server::core::policy::{ID_TOKEN_FORMAT, JWT_FORMAT};
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
    doc.insert(
        "authorization_endpoint".into(),
        urls.absolute(AUTHORIZATION).into(),
    );
    doc.insert("token_endpoint".into(), urls.absolute(TOKEN).into());
    doc.insert(
        "revocation_endpoint".into(),
        urls.absolute(REVOCATION).into(),
    );
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
        "revocation_endpoint_auth_methods_supported".into(),
        app.auth_methods_supported.clone().into(),
    );
    doc.insert(
        "scopes_supported".into(),
        app.scopes_supported.clone().into(),
    );
    if !app.has(Deviation::DiscoveryWithoutResponseTypes) {
        doc.insert("response_types_supported".into(), vec!["code"].into());
    }
    doc.insert("code_challenge_methods_supported".into(), vec![S256].into());
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
        doc.insert(
            "claims_interaction_endpoint".into(),
            CLAIMS_INTERACTION.into(),
        );
    } else {
        doc.insert(
            "claims_interaction_endpoint".into(),
            urls.absolute(CLAIMS_INTERACTION).into(),
        );
    }
    doc.insert(
        "registration_endpoint".into(),
        urls.absolute(CLIENT_REGISTRATION).into(),
    );
    if app.jwt_rpts {
        doc.insert("jwks_uri".into(), urls.absolute(JWKS).into());
    }
    // Grant 3.3.1 asks the AS to document its claim token formats in discovery; UMA defines no
    // member for them, so this is an extension member (Grant 1.1).
    if !app.has(Deviation::DiscoveryWithoutClaimTokenFormats) {
        doc.insert(
            "claim_token_formats_supported".into(),
            vec![ID_TOKEN_FORMAT, JWT_FORMAT].into(),
        );
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
