//! Protection API security: every call carries a PAT as a Bearer token (FedAuthz 1.3, RFC 6750).

use axum::http::{HeaderMap, header};

use super::app::App;
use super::errors::{ApiError, Surface};
use crate::mock::authorization_server::core::resources::Partition;
use crate::mock::authorization_server::core::scope::PROTECTION_SCOPE;
use crate::mock::authorization_server::deviations::Deviation;

/// The (resource owner, resource server) pair a valid PAT stands for.
pub(crate) fn authenticate(
    app: &App,
    headers: &HeaderMap,
    surface: Surface,
) -> Result<Partition, ApiError> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        if headers.contains_key(header::AUTHORIZATION) {
            return Err(ApiError::bearer_invalid_request(
                "more than one Authorization header",
            ));
        }
        return match (&app.unauthenticated_partition, surface) {
            (Some(partition), Surface::Registration) => Ok(partition.clone()),
            _ => Err(ApiError::missing_token()),
        };
    };
    let Ok(value) = value.to_str() else {
        return Err(ApiError::invalid_token(
            "the Authorization header is not ASCII",
        ));
    };
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    let scheme_ok = if app.has(Deviation::BearerSchemeCaseSensitive) {
        scheme == "Bearer"
    } else {
        // RFC 7235 2.1: auth-scheme names are case-insensitive.
        scheme.eq_ignore_ascii_case("bearer")
    };
    if !scheme_ok {
        // Another scheme counts as no credentials at all (RFC 6750 3.1).
        return Err(ApiError::missing_token());
    }
    let token = token.trim_start_matches(' ');
    if !is_b64token(token) {
        return Err(ApiError::invalid_token("the bearer token is malformed"));
    }
    let now = app.clock.now();
    let core = app.core();
    let Some(pat) = core.tokens.active(token, now) else {
        return Err(ApiError::invalid_token("the token is unknown or expired"));
    };
    let lacks_scope = !pat.has_scope(PROTECTION_SCOPE) && !app.has(Deviation::PatScopeIgnored);
    match (&pat.owner, lacks_scope) {
        (Some(owner), false) => Ok(Partition {
            owner: owner.clone(),
            client_id: pat.client_id.clone(),
        }),
        _ => Err(ApiError::insufficient_scope(
            "a PAT with scope uma_protection is required",
            PROTECTION_SCOPE,
        )),
    }
}

/// RFC 6750 2.1: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_b64token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b64token_syntax() {
        assert!(is_b64token("abc-._~+/=="));
        assert!(!is_b64token(""));
        assert!(!is_b64token("=="));
        assert!(!is_b64token("a b"));
        assert!(!is_b64token("a=b"));
        assert!(!is_b64token("\"quoted\""));
    }
}
