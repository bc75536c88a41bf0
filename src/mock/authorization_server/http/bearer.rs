//! Protection API security: every call carries a PAT as a Bearer token (FedAuthz 1.3, RFC 6750).

use axum::http::{HeaderMap, header};

use super::app::App;
use super::errors::{ApiError, Surface};
use crate::mock::authorization_server::core::resources::Partition;
use crate::mock::authorization_server::core::scope::PROTECTION_SCOPE;
use crate::mock::authorization_server::core::tokens::{AccessToken, TokenGrant};
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
    let Some(token) = core.tokens.active(token, now) else {
        return Err(ApiError::invalid_token(
            "the token is unknown, expired or revoked",
        ));
    };
    if surface == Surface::Introspection && app.has(Deviation::IntrospectionAnyTokenAsPat) {
        return Ok(stand_in_partition(token));
    }
    match &token.grant {
        TokenGrant::Account { owner, .. }
            if token.has_scope(PROTECTION_SCOPE) || app.has(Deviation::PatScopeIgnored) =>
        {
            Ok(Partition {
                owner: owner.clone(),
                client_id: token.client_id.clone(),
            })
        }
        // A valid token, but not a PAT (an RPT, or an account token without uma_protection).
        _ => Err(ApiError::insufficient_scope(
            "a PAT with scope uma_protection is required",
            PROTECTION_SCOPE,
        )),
    }
}

/// Under `introspection-any-token-as-pat`, the partition a token that is not a PAT is taken to
/// stand for: its owner's at its client, or for an RPT the resource server of its first
/// permission.
fn stand_in_partition(token: &AccessToken) -> Partition {
    match &token.grant {
        TokenGrant::Account { owner, .. } => Partition {
            owner: owner.clone(),
            client_id: token.client_id.clone(),
        },
        TokenGrant::Rpt { permissions, .. } => permissions
            .first()
            .map(|p| p.partition.clone())
            .unwrap_or_else(|| Partition {
                owner: String::new(),
                client_id: token.client_id.clone(),
            }),
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
