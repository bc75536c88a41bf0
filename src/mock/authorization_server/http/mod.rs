//! The HTTP adapter: routes, request parsing and error mapping around the domain core.

pub(crate) mod app;
mod authorization;
mod bearer;
mod body;
mod claims_interaction;
mod client_auth;
mod client_registration;
mod control;
mod control_deviations;
mod control_introspection;
mod control_policies;
mod control_requests;
mod discovery;
mod errors;
mod html;
mod introspection;
mod json;
mod jwks;
mod outage;
mod permission;
mod query_params;
mod redirect;
mod registration;
mod revocation;
mod scope_fetch;
mod token;
pub(crate) mod urls;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{any, get, post};

use app::App;
use urls::{
    AUTHORIZATION, CLAIMS_INTERACTION, CLIENT_REGISTRATION, CLOCK, DEVIATIONS, DISCOVERY,
    EXCHANGES, HEALTH, INTROSPECTION, INTROSPECTION_ANSWERS, JWKS, OUTAGE, PERMISSION, POLICIES,
    POLICY, REQUESTS, RESOURCE_REGISTRATION, REVOCATION, TOKEN,
};

/// Every route of the mock under the issuer's path. Anything else is a JSON 404, and a known
/// path asked with the wrong method a JSON 405.
pub(crate) fn router(app: Arc<App>) -> Router {
    let at = |path: &str| app.urls.route(path);
    Router::new()
        .route(&at(DISCOVERY), get(discovery::discovery))
        .route(
            &at(AUTHORIZATION),
            get(authorization::show).post(authorization::submit),
        )
        .route(&at(TOKEN), post(token::token))
        .route(&at(REVOCATION), post(revocation::revoke))
        .route(&at(RESOURCE_REGISTRATION), any(registration::collection))
        .route(
            &at(&format!("{RESOURCE_REGISTRATION}/")),
            any(registration::collection),
        )
        .route(
            &at(&format!("{RESOURCE_REGISTRATION}/{{id}}")),
            any(registration::item),
        )
        .route(&at(PERMISSION), post(permission::permission))
        .route(&at(INTROSPECTION), post(introspection::introspect))
        .route(
            &at(CLAIMS_INTERACTION),
            get(claims_interaction::show).post(claims_interaction::submit),
        )
        .route(
            &at(CLIENT_REGISTRATION),
            post(client_registration::register),
        )
        .route(&at(JWKS), get(jwks::jwks))
        .route(&at(&format!("{POLICY}/{{id}}")), get(control::policy_page))
        .route(&at(HEALTH), get(control::health))
        .route(&at(CLOCK), get(control::clock).post(control::advance_clock))
        .route(
            &at(POLICIES),
            get(control_policies::list).post(control_policies::create),
        )
        .route(
            &at(&format!("{POLICIES}/{{id}}")),
            get(control_policies::read)
                .put(control_policies::replace)
                .delete(control_policies::delete),
        )
        .route(&at(REQUESTS), get(control_requests::pending))
        .route(
            &at(&format!("{REQUESTS}/{{id}}/approve")),
            post(control_requests::approve),
        )
        .route(
            &at(&format!("{REQUESTS}/{{id}}/deny")),
            post(control_requests::deny),
        )
        .route(&at(EXCHANGES), get(control::exchanges))
        .route(
            &at(INTROSPECTION_ANSWERS),
            post(control_introspection::create),
        )
        .route(&at(OUTAGE), get(outage::state).post(outage::switch))
        .route(
            &at(DEVIATIONS),
            get(control_deviations::switched_deviations).post(control_deviations::switch_deviation),
        )
        .method_not_allowed_fallback(errors::method_not_allowed)
        .fallback(errors::unknown_route)
        .layer(DefaultBodyLimit::max(body::BODY_LIMIT))
        // The log is outermost, so it also records what an outage answered.
        .layer(from_fn_with_state(
            Arc::clone(&app),
            outage::refuse_while_down,
        ))
        .layer(from_fn_with_state(
            Arc::clone(&app.exchanges),
            crate::mock::exchange_log::record,
        ))
        .with_state(app)
}
