//! The token endpoint (RFC 6749 3.2, 5): client credentials and authorization code grants issue
//! PATs, the UMA grant issues RPTs (Grant 3.3.1), and refresh tokens renew RPTs (Grant 3.6).
//! Every answer, success or error, is JSON with `Cache-Control: no-store` and `Pragma: no-cache`
//! (RFC 6749 5.1, 5.2); the UMA grant's errors carry the statuses and members of Grant 3.3.6.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};

use super::app::App;
use super::body::{Form, RawBody};
use super::client_auth::credentials;
use super::errors::{ApiError, Code, Surface, json_response, no_store_json};
use super::urls::CLAIMS_INTERACTION;
use crate::mock::authorization_server::core::AsCore;
use crate::mock::authorization_server::core::claim_tokens::ClaimTokenRules;
use crate::mock::authorization_server::core::clients::AuthMethod;
use crate::mock::authorization_server::core::clock::Timestamp;
use crate::mock::authorization_server::core::grants::{
    AUTHORIZATION_CODE, CLIENT_CREDENTIALS, CodeExchange, GrantError, IssuedToken, REFRESH_TOKEN,
    RefreshRules, RptRequest, RptRules, UMA_TICKET,
};
use crate::mock::authorization_server::core::tickets::{Presented, Ticket};
use crate::mock::authorization_server::deviations::Deviation;

/// The scope an RPT's permissions gain under `rpt-grants-unregistered-scope`.
const UNREGISTERED_SCOPE: &str = "admin";

/// Under `concurrent-ticket-redemption`, how long the endpoint dawdles between reading a ticket
/// and using it up: long enough for a second request with the same ticket to read it too.
const RACE_WINDOW: Duration = Duration::from_millis(250);

pub(crate) async fn token(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: RawBody,
) -> Response {
    let form = match Form::parse(&headers, body) {
        Ok(form) if app.has(Deviation::TokenParametersCaseInsensitive) => {
            form.lowercased(&["scope"])
        }
        Ok(form) => form,
        Err(err) => return err.render(Surface::Token, app.deviations),
    };
    let surface = if form.get("grant_type") == Some(UMA_TICKET) {
        Surface::UmaGrant
    } else {
        Surface::Token
    };
    let peeked = if surface == Surface::UmaGrant && app.has(Deviation::ConcurrentTicketRedemption) {
        race_window(&app, &form).await
    } else {
        None
    };
    match issue(&app, &headers, &form, peeked) {
        Ok(response) => response,
        Err(err) => err.render(surface, app.deviations),
    }
}

/// The deviating check-then-use: the ticket is read, the lock released, and only after a pause
/// is the request processed with what was read, so that two requests can both see it valid.
async fn race_window(app: &App, form: &Form) -> Option<Ticket> {
    let value = form.get("ticket")?;
    let seen = app.core().tickets.peek(value, app.clock.now());
    let Presented::Valid(ticket) = seen else {
        return None;
    };
    tokio::time::sleep(RACE_WINDOW).await;
    Some(*ticket)
}

fn issue(
    app: &App,
    headers: &HeaderMap,
    form: &Form,
    peeked: Option<Ticket>,
) -> Result<Response, ApiError> {
    let grant_type = form
        .get("grant_type")
        .ok_or_else(|| ApiError::invalid_request("grant_type is required"))?;
    let credentials = credentials(headers, form)?;
    if credentials.method == AuthMethod::None && app.has(Deviation::PublicClientUnsupported) {
        return Err(ApiError::invalid_client(
            "client_secret is required: this server has no public clients",
        ));
    }
    let now = app.clock.now();
    let mut core = app.core();
    // A request that fails client authentication is nobody's: it uses up no ticket or code.
    let client_id = core
        .clients
        .authenticate(
            &credentials.client_id,
            &credentials.secret,
            credentials.method,
        )
        // One answer for every cause, so that failures do not tell which part was wrong.
        .map_err(|_| ApiError::invalid_client("client authentication failed"))?
        .id
        .clone();
    let issued = match grant_type {
        CLIENT_CREDENTIALS => core.client_credentials(&client_id, form.get("scope"), now),
        AUTHORIZATION_CODE => {
            let exchange = CodeExchange {
                code: form.get("code"),
                redirect_uri: form.get("redirect_uri"),
                code_verifier: form.get("code_verifier"),
            };
            core.authorization_code(&client_id, exchange, now)
        }
        UMA_TICKET => uma_ticket(app, &mut core, &client_id, form, peeked, now),
        REFRESH_TOKEN => {
            let rules = RefreshRules {
                reassess: app.has(Deviation::RefreshReassesses),
                broaden: app.has(Deviation::RefreshBroadensScope),
            };
            core.refresh_token(
                &client_id,
                form.get("refresh_token"),
                form.get("scope"),
                rules,
                now,
            )
        }
        other => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                Code::UnsupportedGrantType,
                format!("grant type {other:?} is not supported"),
            ));
        }
    }
    .map_err(|err| grant_error(app, err))?;
    Ok(success(app, grant_type, issued))
}

fn uma_ticket(
    app: &App,
    core: &mut AsCore,
    client_id: &str,
    form: &Form,
    peeked: Option<Ticket>,
    now: Timestamp,
) -> Result<IssuedToken, GrantError> {
    let rules = RptRules {
        tickets_reusable: app.has(Deviation::TicketsReusable),
        all_registered_scopes: app.has(Deviation::TicketGrantsAllRegisteredScopes),
        extra_scope: app
            .has(Deviation::RptGrantsUnregisteredScope)
            .then_some(UNREGISTERED_SCOPE),
        need_info_ticket_reusable: app.has(Deviation::NeedInfoTicketReusable),
        need_info_same_ticket: app.has(Deviation::NeedInfoSameTicket),
        need_info_without_ticket: app.has(Deviation::NeedInfoWithoutTicket),
        submitted_same_ticket: app.has(Deviation::RequestSubmittedSameTicket),
        submitted_without_ticket: app.has(Deviation::RequestSubmittedWithoutTicket),
        requested_scope_ignored: app.has(Deviation::RequestedScopeIgnored),
        registered_scopes_ignored: app.has(Deviation::RegisteredScopesIgnored),
        partial_grant_all: app.has(Deviation::PartialGrantIncludesRefusedScopes),
        claim_tokens: ClaimTokenRules {
            check_signature_and_trust: !app.has(Deviation::ClaimTokenSignatureUnchecked),
            check_audience: !app.has(Deviation::ClaimTokenAudienceIgnored),
        },
        pct_any_client: app.has(Deviation::PctUsableByOtherClient),
        pushed_claims_ignored: app.has(Deviation::PushedClaimsIgnored),
        pct_recalls_nothing: app.has(Deviation::PctRecallsNothing),
        upgrade_keeps_old_rpt: app.has(Deviation::UpgradeKeepsOldRptActive),
        upgrade_across_clients: app.has(Deviation::UpgradeAcrossClients),
        upgrade_only_once: app.has(Deviation::UpgradeOnlyOnce),
        unregistered_scopes_honoured: app.has(Deviation::UnregisteredScopesHonoured),
    };
    let request = RptRequest {
        ticket: form.get("ticket"),
        peeked,
        scope: form.get("scope"),
        claim_token: form.get("claim_token"),
        claim_token_format: form.get("claim_token_format"),
        pct: form.get("pct"),
        rpt: form.get("rpt"),
    };
    core.uma_ticket(client_id, request, rules, now)
}

/// RFC 6749 5.1. An RPT's answer has no `scope` (Grant 3.3.5: its scopes belong to resources),
/// and may carry a refresh token, a PCT and `upgraded`.
fn success(app: &App, grant_type: &str, issued: IssuedToken) -> Response {
    let mut body = Map::new();
    body.insert("access_token".into(), issued.access_token.into());
    if !(grant_type == UMA_TICKET && app.has(Deviation::RptResponseWithoutTokenType)) {
        body.insert("token_type".into(), "Bearer".into());
    }
    if grant_type == UMA_TICKET && app.has(Deviation::RptExpiresInAsString) {
        body.insert("expires_in".into(), issued.expires_in.to_string().into());
    } else {
        body.insert("expires_in".into(), issued.expires_in.into());
    }
    if let Some(scope) = issued.scope {
        let reported = if app.has(Deviation::TokenResponseScopeMismatch) {
            "profile".to_string()
        } else {
            scope
        };
        body.insert("scope".into(), reported.into());
    }
    if grant_type == UMA_TICKET && app.has(Deviation::RptResponseWithScope) {
        body.insert("scope".into(), issued.rpt_scopes.join(" ").into());
    }
    if let Some(refresh_token) = issued.refresh_token {
        let value: Value = if grant_type == UMA_TICKET && app.has(Deviation::RefreshTokenAsObject) {
            serde_json::json!({ "value": refresh_token })
        } else {
            refresh_token.into()
        };
        body.insert("refresh_token".into(), value);
    }
    let cacheable = issued.pct.is_some() && app.has(Deviation::PctAnswerCacheable);
    if let Some(pct) = issued.pct {
        body.insert("pct".into(), pct.into());
    }
    if issued.upgraded && !app.has(Deviation::UpgradeWithoutFlag) {
        body.insert("upgraded".into(), true.into());
    }
    if cacheable {
        return json_response(StatusCode::OK, Value::Object(body));
    }
    no_store_json(StatusCode::OK, Value::Object(body), true)
}

/// RFC 6749 5.2 and Grant 3.3.6.
fn grant_error(app: &App, err: GrantError) -> ApiError {
    let bad = |code, why: String| ApiError::new(StatusCode::BAD_REQUEST, code, why);
    match err {
        GrantError::InvalidRequest(why) => ApiError::invalid_request(why),
        GrantError::InvalidGrant(why) => bad(Code::InvalidGrant, why),
        GrantError::UnknownTicket if app.has(Deviation::UnknownTicketInvalidRequest) => {
            ApiError::invalid_request("the ticket is not known here")
        }
        GrantError::UnknownTicket => bad(
            Code::InvalidGrant,
            "the ticket was not issued by this authorization server".into(),
        ),
        GrantError::InvalidScope(why) => bad(Code::InvalidScope, why),
        GrantError::UnauthorizedClient(why) => bad(Code::UnauthorizedClient, why),
        GrantError::RequestDenied => {
            let code = if app.has(Deviation::AccessDeniedInsteadOfRequestDenied) {
                Code::AccessDenied
            } else {
                Code::RequestDenied
            };
            ApiError::new(
                StatusCode::FORBIDDEN,
                code,
                "the resource owner's policy does not grant this client these permissions",
            )
        }
        GrantError::NeedInfo {
            ticket,
            required_claims,
            redirect_user,
            why,
        } => {
            let status = if app.has(Deviation::NeedInfoStatus401) {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::FORBIDDEN
            };
            let mut err = ApiError::new(status, Code::NeedInfo, why);
            if let Some(ticket) = ticket {
                err = err.with_member("ticket", ticket.into());
            }
            if app.has(Deviation::NeedInfoWithoutClaimsOrRedirect) {
                return err;
            }
            if !required_claims.is_empty() {
                let mut hints = serde_json::to_value(&required_claims).unwrap_or(Value::Null);
                if app.has(Deviation::RequiredClaimsMalformed) {
                    malform_hints(&mut hints);
                }
                err = err.with_member("required_claims", hints);
            }
            // Grant 3.3.6: at least one of the two hints, always.
            if redirect_user || required_claims.is_empty() {
                let endpoint = if app.has(Deviation::NeedInfoRedirectUserBroken) {
                    app.urls.absolute("/claims-unavailable")
                } else {
                    app.urls.absolute(CLAIMS_INTERACTION)
                };
                err = err.with_member("redirect_user", endpoint.into());
            }
            err
        }
        GrantError::RequestSubmitted { ticket, interval } => {
            let mut err = ApiError::new(
                StatusCode::FORBIDDEN,
                Code::RequestSubmitted,
                "the resource owner has been asked; poll again later",
            );
            if let Some(ticket) = ticket {
                err = err.with_member("ticket", ticket.into());
            }
            err.with_member("interval", interval.into())
        }
        GrantError::Randomness(_) => ApiError::unavailable(),
        GrantError::Signing(why) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Code::TemporarilyUnavailable,
            why,
        ),
    }
}

/// The deviation that gives every optional member of a required_claims entry a wrong JSON type.
fn malform_hints(hints: &mut Value) {
    for hint in hints.as_array_mut().into_iter().flatten() {
        let Some(object) = hint.as_object_mut() else {
            continue;
        };
        object.insert(
            "claim_token_format".into(),
            Value::from(crate::mock::authorization_server::core::policy::ID_TOKEN_FORMAT),
        );
        object.insert("issuer".into(), Value::from("https://idp.example.test"));
        object.insert("claim_type".into(), Value::from(1));
        object.insert("friendly_name".into(), serde_json::json!({"en": "role"}));
        object.insert("name".into(), serde_json::json!(["roles"]));
    }
}
