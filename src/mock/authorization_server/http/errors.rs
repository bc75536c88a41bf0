//! Every error answer of the mock, and the one place where error-shaping deviations apply. Errors
//! are JSON objects with `error` and `error_description` (RFC 6749 5.2, FedAuthz 6), never a
//! framework's plain-text default.

use std::borrow::Cow;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::app::App;
use crate::mock::authorization_server::deviations::{Deviation, DeviationSet};

/// The realm named in authentication challenges.
pub(crate) const REALM: &str = "uma-conformance-mock";

/// Which API an error comes from; deviations reshape some of them only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Surface {
    Registration,
    Permission,
    Introspection,
    Token,
    /// The token endpoint answering a UMA grant request (Grant 3.3.6).
    UmaGrant,
    General,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Code {
    InvalidRequest,
    InvalidToken,
    InsufficientScope,
    NotFound,
    UnsupportedMethodType,
    InvalidResourceId,
    InvalidScope,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    RequestDenied,
    NeedInfo,
    RequestSubmitted,
    AccessDenied,
    InvalidRedirectUri,
    InvalidClientMetadata,
    TemporarilyUnavailable,
    ServerError,
}

impl Code {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Code::InvalidRequest => "invalid_request",
            Code::InvalidToken => "invalid_token",
            Code::InsufficientScope => "insufficient_scope",
            Code::NotFound => "not_found",
            Code::UnsupportedMethodType => "unsupported_method_type",
            Code::InvalidResourceId => "invalid_resource_id",
            Code::InvalidScope => "invalid_scope",
            Code::InvalidClient => "invalid_client",
            Code::InvalidGrant => "invalid_grant",
            Code::UnauthorizedClient => "unauthorized_client",
            Code::UnsupportedGrantType => "unsupported_grant_type",
            Code::RequestDenied => "request_denied",
            Code::NeedInfo => "need_info",
            Code::RequestSubmitted => "request_submitted",
            Code::AccessDenied => "access_denied",
            Code::InvalidRedirectUri => "invalid_redirect_uri",
            Code::InvalidClientMetadata => "invalid_client_metadata",
            Code::TemporarilyUnavailable => "temporarily_unavailable",
            Code::ServerError => "server_error",
        }
    }

    /// The names a vendor might have invented instead of FedAuthz 3.2's.
    fn vendor(self) -> &'static str {
        match self {
            Code::NotFound => "resource_not_found",
            Code::UnsupportedMethodType => "method_not_allowed",
            Code::InvalidRequest => "bad_request",
            other => other.as_str(),
        }
    }
}

/// An authentication challenge for the `WWW-Authenticate` header. Its texts are static so that
/// they never need quoting or escaping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Challenge {
    Bearer {
        error: Option<Code>,
        description: Option<&'static str>,
        scope: Option<&'static str>,
    },
    Basic,
}

impl Challenge {
    fn header_value(self) -> String {
        match self {
            Challenge::Basic => format!("Basic realm=\"{REALM}\""),
            Challenge::Bearer {
                error,
                description,
                scope,
            } => {
                let mut value = format!("Bearer realm=\"{REALM}\"");
                if let Some(error) = error {
                    value.push_str(&format!(", error=\"{}\"", error.as_str()));
                }
                if let Some(description) = description {
                    value.push_str(&format!(", error_description=\"{description}\""));
                }
                if let Some(scope) = scope {
                    value.push_str(&format!(", scope=\"{scope}\""));
                }
                value
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    status: StatusCode,
    /// None when no credentials were sent at all: RFC 6750 3.1 wants no error code then.
    code: Option<Code>,
    description: Cow<'static, str>,
    challenge: Option<Challenge>,
    allow: Option<&'static str>,
    /// Members beside error and error_description (Grant 3.3.6: ticket, required_claims,
    /// redirect_user, interval). Boxed: most errors have none, and errors travel in every
    /// `Result` of the adapter.
    extra: Option<Box<Map<String, Value>>>,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        code: Code,
        description: impl Into<Cow<'static, str>>,
    ) -> Self {
        ApiError {
            status,
            code: Some(code),
            description: description.into(),
            challenge: None,
            allow: None,
            extra: None,
        }
    }

    /// Adds a member to the error body.
    pub(crate) fn with_member(mut self, name: &str, value: Value) -> Self {
        self.extra
            .get_or_insert_with(Box::default)
            .insert(name.to_string(), value);
        self
    }

    pub(crate) fn invalid_request(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Code::InvalidRequest, description)
    }

    pub(crate) fn not_found(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::NOT_FOUND, Code::NotFound, description)
    }

    pub(crate) fn method_not_allowed(allow: &'static str) -> Self {
        let mut err = Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            Code::UnsupportedMethodType,
            format!("method not supported here; allowed: {allow}"),
        );
        err.allow = Some(allow);
        err
    }

    /// Only for the `malformed-body-500` deviation: a server that crashes on bad input.
    pub(crate) fn server_error(description: &'static str) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Code::ServerError,
            description,
        )
    }

    /// The OS random source failed: nothing the client did, and nothing worth a 500 either.
    pub(crate) fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Code::TemporarilyUnavailable,
            "no randomness available to mint an identifier; retry later",
        )
    }

    /// No usable credentials on a Bearer-protected endpoint.
    pub(crate) fn missing_token() -> Self {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            code: None,
            description: Cow::Borrowed(
                "this endpoint requires a PAT: send Authorization: Bearer <token>",
            ),
            challenge: Some(Challenge::Bearer {
                error: None,
                description: None,
                scope: None,
            }),
            allow: None,
            extra: None,
        }
    }

    pub(crate) fn invalid_token(description: &'static str) -> Self {
        let mut err = Self::new(StatusCode::UNAUTHORIZED, Code::InvalidToken, description);
        err.challenge = Some(Challenge::Bearer {
            error: Some(Code::InvalidToken),
            description: Some(description),
            scope: None,
        });
        err
    }

    /// A malformed authentication attempt on a Bearer-protected endpoint (RFC 6750 3.1).
    pub(crate) fn bearer_invalid_request(description: &'static str) -> Self {
        let mut err = Self::invalid_request(description);
        err.challenge = Some(Challenge::Bearer {
            error: Some(Code::InvalidRequest),
            description: Some(description),
            scope: None,
        });
        err
    }

    pub(crate) fn insufficient_scope(description: &'static str, scope: &'static str) -> Self {
        let mut err = Self::new(StatusCode::FORBIDDEN, Code::InsufficientScope, description);
        err.challenge = Some(Challenge::Bearer {
            error: Some(Code::InsufficientScope),
            description: Some(description),
            scope: Some(scope),
        });
        err
    }

    /// Client authentication failed at the token endpoint (RFC 6749 5.2). The Basic challenge is
    /// always sent, since every 401 must carry one and Basic is what the mock offers.
    pub(crate) fn invalid_client(description: impl Into<Cow<'static, str>>) -> Self {
        let mut err = Self::new(StatusCode::UNAUTHORIZED, Code::InvalidClient, description);
        err.challenge = Some(Challenge::Basic);
        err
    }

    #[cfg(test)]
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// The response, shaped by the deviations that apply to `surface`.
    pub(crate) fn render(self, surface: Surface, deviations: DeviationSet) -> Response {
        let ApiError {
            mut status,
            mut code,
            description,
            challenge,
            mut allow,
            extra,
        } = self;
        let registration = surface == Surface::Registration;
        if registration && deviations.has(Deviation::NotFoundAs400) && code == Some(Code::NotFound)
        {
            status = StatusCode::BAD_REQUEST;
            code = Some(Code::InvalidRequest);
        }
        if registration
            && deviations.has(Deviation::MethodNotAllowedAs404)
            && code == Some(Code::UnsupportedMethodType)
        {
            status = StatusCode::NOT_FOUND;
            code = Some(Code::NotFound);
            allow = None;
        }
        let code = code.map(|c| {
            if registration && deviations.has(Deviation::VendorErrorCodes) {
                c.vendor()
            } else {
                c.as_str()
            }
        });
        // FedAuthz 6 governs errors of authenticated protection API requests; authentication
        // failures belong to RFC 6750 and keep their shape.
        let fedauthz_error =
            matches!(surface, Surface::Registration | Surface::Permission) && challenge.is_none();

        let mut response = if fedauthz_error && deviations.has(Deviation::ErrorBodyPlainText) {
            let text = format!("{}: {}\n", code.unwrap_or("error"), description);
            ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
        } else {
            let mut body = Map::new();
            if let Some(code) = code {
                body.insert("error".into(), Value::from(code));
            }
            if fedauthz_error && deviations.has(Deviation::ErrorDescriptionNotString) {
                body.insert("error_description".into(), Value::from(status.as_u16()));
            } else {
                body.insert("error_description".into(), Value::from(description));
            }
            if fedauthz_error && deviations.has(Deviation::ErrorUriRelative) {
                body.insert("error_uri".into(), Value::from("errors/help"));
            }
            if let Some(extra) = extra {
                body.extend(*extra);
            }
            if surface == Surface::UmaGrant && deviations.has(Deviation::TokenErrorsNotJson) {
                // The same text, announced as something else.
                let text = Value::Object(body).to_string();
                ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
            } else {
                axum::Json(Value::Object(body)).into_response()
            }
        };
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if matches!(surface, Surface::Token | Surface::UmaGrant) {
            headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        }
        if let Some(challenge) = challenge {
            let silenced = status == StatusCode::UNAUTHORIZED
                && matches!(challenge, Challenge::Bearer { .. })
                && deviations.has(Deviation::BadPatWithoutChallenge);
            if !silenced {
                if let Ok(value) = HeaderValue::from_str(&challenge.header_value()) {
                    headers.insert(header::WWW_AUTHENTICATE, value);
                }
            }
        }
        if let Some(allow) = allow {
            headers.insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        response
    }
}

/// Any path the mock does not serve.
pub(crate) async fn unknown_route(State(app): State<Arc<App>>) -> Response {
    ApiError::not_found("no such endpoint at this authorization server")
        .render(Surface::General, app.deviations)
}

/// A served path asked with a method it does not support. The router adds the `Allow` header.
pub(crate) async fn method_not_allowed(State(app): State<Arc<App>>) -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        Code::UnsupportedMethodType,
        "method not supported by this endpoint",
    )
    .render(Surface::General, app.deviations)
}

/// A JSON success body with `Cache-Control: no-store`, for answers that carry secrets.
pub(crate) fn no_store_json(status: StatusCode, body: Value, pragma: bool) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if pragma {
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    }
    response
}

/// A JSON body as-is; used where a JSON literal reads better than a struct.
pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}
