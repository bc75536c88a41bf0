//! The Grant deviations of the reference AS: each breaks what its catalogue entry says and leaves
//! the rest of the flow working, over real loopback connections.

mod mock_grant_common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mock_grant_common::*;
use reqwest::header;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uma_conformance::mock::authorization_server::deviations;

/// Starts a mock with one deviation, which must be in the catalogue with exactly these breaks.
async fn deviating(name: &str, breaks: &[&str]) -> As {
    let info = deviations()
        .iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("{name} is not in the catalogue"));
    assert_eq!(info.breaks, breaks, "{name}");
    As::start(&[name]).await
}

/// A medical-record ticket presented once, answered need_info with `status`: the ticket and the
/// answer's body.
async fn need_info(as_: &As, status: StatusCode) -> (String, Value) {
    let (_, _, ticket) = record_ticket(as_).await;
    let body = as_
        .rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(status, "need_info");
    (ticket, body)
}

/// A ticket for a medical record (need_info without claims): (PAT, record, ticket).
async fn record_ticket(as_: &As) -> (String, String, String) {
    let (pat, record) = as_.alice_resource(Some(MEDICAL_RECORD)).await;
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    (pat, record, ticket)
}

fn push<'a>(token: &'a str, format: &'a str) -> [(&'a str, &'a str); 2] {
    [("claim_token", token), ("claim_token_format", format)]
}

#[tokio::test]
async fn need_info_ticket_reusable() {
    let as_ = deviating("need-info-ticket-reusable", &["GRANT-5.5-c"]).await;
    let (_, _, ticket) = record_ticket(&as_).await;
    let first = as_.rpt_request(&ticket, &[], UMA_CLIENT).await;
    let next = assert_need_info(&first, &ticket)["ticket"].clone();
    // The old ticket still works, and so does the new one.
    let again = as_.rpt_request(&ticket, &[], UMA_CLIENT).await;
    assert_need_info(&again, &ticket);
    let token = mint(&carol("uma-client", as_.now().await + 600));
    as_.rpt(next.as_str().unwrap(), &push(&token, ID_TOKEN), UMA_CLIENT)
        .await;
}

#[tokio::test]
async fn need_info_same_ticket() {
    let as_ = deviating("need-info-same-ticket", &["GRANT-3.3.6-d"]).await;
    let (ticket, body) = need_info(&as_, StatusCode::FORBIDDEN).await;
    assert_eq!(body["ticket"], ticket.as_str());
    assert!(body["required_claims"].is_array());
    // Handed back, yet used up all the same (Grant 5.5 holds): the process cannot go on.
    let token = mint(&carol("uma-client", as_.now().await + 600));
    as_.rpt_request(&ticket, &push(&token, ID_TOKEN), UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn need_info_without_ticket() {
    let as_ = deviating("need-info-without-ticket", &["GRANT-3.3.6-b"]).await;
    let (_, body) = need_info(&as_, StatusCode::FORBIDDEN).await;
    assert!(body.get("ticket").is_none(), "{body}");
    assert!(body["required_claims"].is_array() && body["redirect_user"].is_string());
}

#[tokio::test]
async fn need_info_without_claims_or_redirect() {
    let as_ = deviating("need-info-without-claims-or-redirect", &["GRANT-3.3.6-c"]).await;
    let (ticket, body) = need_info(&as_, StatusCode::FORBIDDEN).await;
    assert!(body.get("required_claims").is_none() && body.get("redirect_user").is_none());
    assert_ne!(body["ticket"], ticket.as_str());
}

#[tokio::test]
async fn need_info_status_401() {
    let as_ = deviating("need-info-status-401", &["GRANT-3.3.6-i4"]).await;
    let (ticket, body) = need_info(&as_, StatusCode::UNAUTHORIZED).await;
    assert_ne!(body["ticket"], ticket.as_str());
    assert!(body["required_claims"].is_array());
}

#[tokio::test]
async fn rpt_response_with_scope() {
    let as_ = deviating("rpt-response-with-scope", &["GRANT-3.3.5-j"]).await;
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view", "print"]).await;
    let reply = as_.rpt_request(&ticket, &[], UMA_CLIENT).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["scope"], "view print");
    // A PAT's answer is unchanged.
    let pat_answer = as_
        .token(
            &[("grant_type", "client_credentials")],
            Client::Basic("rs-alice", "rs-alice-secret"),
        )
        .await;
    assert_eq!(pat_answer.json()["scope"], "uma_protection");
}

/// Two RPTs, the second requested with the first: (PAT, first RPT, second answer).
async fn upgrade(as_: &As) -> (String, String, Value) {
    let (pat, first) = as_.alice_resource(None).await;
    let second = as_
        .register(&pat, json!({"resource_scopes": ["edit"]}))
        .await;
    let ticket = as_.ticket(&pat, &first, &["view"]).await;
    let old = as_.rpt(&ticket, &[], UMA_CLIENT).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let ticket = as_.ticket(&pat, &second, &["edit"]).await;
    let new = as_.rpt(&ticket, &[("rpt", &old)], UMA_CLIENT).await;
    (pat, old, new)
}

#[tokio::test]
async fn upgrade_without_flag() {
    let as_ = deviating(
        "upgrade-without-flag",
        &["GRANT-3.3.5-g", "GRANT-3.3.5.1-i1", "GRANT-3.3.5.1-a"],
    )
    .await;
    let (pat, old, new) = upgrade(&as_).await;
    assert!(new.get("upgraded").is_none(), "{new}");
    let rpt = new["access_token"].as_str().unwrap();
    let permissions = &as_.introspect(&pat, rpt).await["permissions"];
    assert_eq!(
        permissions.as_array().unwrap().len(),
        2,
        "carried all the same"
    );
    assert_eq!(as_.introspect(&pat, &old).await, json!({"active": false}));
}

#[tokio::test]
async fn upgrade_keeps_old_rpt_active() {
    let as_ = deviating("upgrade-keeps-old-rpt-active", &["GRANT-3.3.5.1-c"]).await;
    let (pat, old, new) = upgrade(&as_).await;
    assert_eq!(new["upgraded"], true);
    assert_eq!(as_.introspect(&pat, &old).await["active"], true);
}

#[tokio::test]
async fn claims_redirect_state_dropped() {
    let as_ = deviating("claims-redirect-state-dropped", &["GRANT-3.3.3-d"]).await;
    let (_, _, ticket) = record_ticket(&as_).await;
    let params = as_.gather_as_carol(&ticket, Some("st")).await;
    assert_eq!(param(&params, "state"), None);
    as_.rpt(param(&params, "ticket").unwrap(), &[], UMA_CLIENT)
        .await;
}

#[tokio::test]
async fn claims_redirect_uri_not_validated() {
    let as_ = deviating(
        "claims-redirect-uri-not-validated",
        &[
            "GRANT-3.3.2-l",
            "GRANT-3.3.3-h",
            "GRANT-3.3.2-i",
            "GRANT-3.3.2-j",
            "GRANT-3.3.3-g",
            "GRANT-3.3.2-k",
        ],
    )
    .await;
    let (_, _, ticket) = record_ticket(&as_).await;
    let evil = "https://evil.example.test/steal";
    let mut form = as_
        .claims_form(&[
            ("client_id", "uma-client"),
            ("ticket", &ticket),
            ("claims_redirect_uri", evil),
        ])
        .await;
    form.extend(login("carol", "carol-password"));
    let (base, params) = as_.claims_post(&form).await.redirect();
    assert_eq!(base, evil);
    assert!(param(&params, "ticket").is_some());
    // Errors go there too.
    let (base, params) = as_
        .claims_get(&[("client_id", "uma-client"), ("claims_redirect_uri", evil)])
        .await
        .redirect();
    assert_eq!(base, evil);
    assert_eq!(param(&params, "error"), Some("invalid_request"));
    // An unknown client still gets the error page.
    as_.claims_get(&[("client_id", "nobody"), ("claims_redirect_uri", evil)])
        .await
        .assert_error_page();
}

#[tokio::test]
async fn claims_redirect_same_ticket() {
    let as_ = deviating("claims-redirect-same-ticket", &["GRANT-3.3.3-b"]).await;
    let (_, _, ticket) = record_ticket(&as_).await;
    let params = as_.gather_as_carol(&ticket, Some("s")).await;
    assert_eq!(param(&params, "ticket"), Some(ticket.as_str()));
    assert_eq!(param(&params, "state"), Some("s"));
    // Still used up at the claims interaction endpoint (Grant 5.5 holds).
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn claims_redirect_drops_query() {
    let as_ = deviating("claims-redirect-drops-query", &["GRANT-3.3.2-f"]).await;
    let (pat, record) = as_.alice_resource(Some(MEDICAL_RECORD)).await;
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let mut form = as_
        .claims_form(&[
            ("client_id", "uma-public-client"),
            ("ticket", &ticket),
            ("claims_redirect_uri", PUBLIC_CB),
            ("state", "s"),
        ])
        .await;
    form.extend(login("carol", "carol-password"));
    let (base, params) = as_.claims_post(&form).await.redirect();
    assert_eq!(base, "https://client.example.test/public/claims-cb");
    assert_eq!(param(&params, "app"), None);
    assert_eq!(param(&params, "state"), Some("s"));
    as_.rpt(param(&params, "ticket").unwrap(), &[], PUBLIC)
        .await;
}

#[tokio::test]
async fn claims_interaction_no_csrf() {
    let as_ = deviating("claims-interaction-no-csrf", &["GRANT-5.1-a"]).await;
    let (pat, record, ticket) = record_ticket(&as_).await;
    // The victim opened the form; a forged post without its token completes it.
    let form = as_
        .claims_form(&[("client_id", "uma-client"), ("ticket", &ticket)])
        .await;
    let mut forged: Vec<(String, String)> = form
        .into_iter()
        .filter(|(k, _)| k != "csrf_token")
        .collect();
    forged.extend(login("carol", "carol-password"));
    let (_, params) = as_.claims_post(&forged).await.redirect();
    as_.rpt(param(&params, "ticket").unwrap(), &[], UMA_CLIENT)
        .await;
    // Or without any form shown: the ticket in the post is enough.
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let mut direct = vec![
        ("client_id".to_string(), "uma-client".to_string()),
        ("ticket".to_string(), ticket),
    ];
    direct.extend(login("carol", "carol-password"));
    let (_, params) = as_.claims_post(&direct).await.redirect();
    assert!(param(&params, "ticket").is_some());
}

#[tokio::test]
async fn access_denied_instead_of_request_denied() {
    let as_ = deviating(
        "access-denied-instead-of-request-denied",
        &["GRANT-3.3.6-i5"],
    )
    .await;
    let (pat, diary) = as_.alice_resource(Some(DIARY)).await;
    let ticket = as_.ticket(&pat, &diary, &["view"]).await;
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "access_denied");
}

#[tokio::test]
async fn request_submitted_without_ticket() {
    let as_ = deviating("request-submitted-without-ticket", &["GRANT-3.3.6-n"]).await;
    let (pat, album) = as_.alice_resource(Some(PHOTO_ALBUM)).await;
    let ticket = as_.ticket(&pat, &album, &["view"]).await;
    let body = as_
        .rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_submitted");
    assert!(body.get("ticket").is_none(), "{body}");
    assert_eq!(body["interval"], 5);
    assert_eq!(as_.requests().await.len(), 1);
}

#[tokio::test]
async fn request_submitted_same_ticket() {
    let as_ = deviating("request-submitted-same-ticket", &["GRANT-3.3.6-p"]).await;
    let (pat, album) = as_.alice_resource(Some(PHOTO_ALBUM)).await;
    let ticket = as_.ticket(&pat, &album, &["view"]).await;
    let body = as_
        .rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_submitted");
    assert_eq!(body["ticket"], ticket.as_str());
    assert_eq!(body["interval"], 5);
    let requests = as_.requests().await;
    assert_eq!(requests[0]["ticket"], ticket.as_str());
    // Polling with it finds it used up.
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn claim_token_signature_unchecked() {
    let as_ = deviating("claim-token-signature-unchecked", &["GRANT-5.7-b"]).await;
    let exp = as_.now().await + 600;
    // Signed by nobody the AS knows, for an issuer it does not trust, pushed by a client no
    // identity provider trusts: all taken on their face.
    let forged = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &json!({"iss": "https://evil.example.test", "sub": "mallory", "aud": "uma-stranger",
                "exp": exp, "roles": ["doctor"]}),
        &EncodingKey::from_secret(b"anything"),
    )
    .unwrap();
    let (_, _, ticket) = record_ticket(&as_).await;
    as_.rpt(&ticket, &push(&forged, ID_TOKEN), STRANGER).await;
    // The audience and the expiry still count.
    let (_, _, ticket) = record_ticket(&as_).await;
    let reply = as_
        .rpt_request(&ticket, &push(&forged, ID_TOKEN), UMA_CLIENT)
        .await;
    assert_need_info(&reply, &ticket);
}

#[tokio::test]
async fn claim_token_audience_ignored() {
    let as_ = deviating("claim-token-audience-ignored", &["GRANT-5.7-c"]).await;
    let exp = as_.now().await + 600;
    let (_, _, ticket) = record_ticket(&as_).await;
    let elsewhere = mint(&carol("https://some-other-rp.example.test", exp));
    as_.rpt(&ticket, &push(&elsewhere, ID_TOKEN), UMA_CLIENT)
        .await;
    // The signature still counts.
    let token = mint(&carol("uma-client", exp));
    let mut parts: Vec<&str> = token.split('.').collect();
    let payload = URL_SAFE_NO_PAD.encode(
        json!({"iss": IDP, "sub": "mallory", "aud": "uma-client", "exp": exp, "roles": "doctor"})
            .to_string(),
    );
    parts[1] = &payload;
    let (_, _, ticket) = record_ticket(&as_).await;
    let reply = as_
        .rpt_request(&ticket, &push(&parts.join("."), ID_TOKEN), UMA_CLIENT)
        .await;
    assert_need_info(&reply, &ticket);
}

/// Carol's claims pushed by uma-client for a medical record: (PAT, record, PCT).
async fn pct(as_: &As) -> (String, String, String) {
    let (pat, record, ticket) = record_ticket(as_).await;
    let token = mint(&carol("uma-client", as_.now().await + 600));
    let answer = as_.rpt(&ticket, &push(&token, ID_TOKEN), UMA_CLIENT).await;
    (pat, record, answer["pct"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn pct_usable_by_other_client() {
    let as_ = deviating("pct-usable-by-other-client", &["GRANT-5.2-e"]).await;
    let (pat, record, pct) = pct(&as_).await;
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    as_.rpt(&ticket, &[("pct", &pct)], PUBLIC).await;
}

#[tokio::test]
async fn pct_reveals_claims() {
    let as_ = deviating("pct-reveals-claims", &["GRANT-3.3.5-d", "GRANT-3.3.5-e"]).await;
    let (pat, record, pct) = pct(&as_).await;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&pct).unwrap()).unwrap();
    assert_eq!(claims["email"], "carol@example.test");
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    as_.rpt(&ticket, &[("pct", &pct)], UMA_CLIENT).await;
}

#[tokio::test]
async fn sequential_tickets() {
    let as_ = deviating("sequential-tickets", &["GRANT-5.4-a", "GRANT-3.3.5-c"]).await;
    let (pat, id) = as_.alice_resource(None).await;
    let first = as_.ticket(&pat, &id, &["view"]).await;
    let second = as_.ticket(&pat, &id, &["view"]).await;
    assert_eq!((first.as_str(), second.as_str()), ("1", "2"));
    as_.rpt(&second, &[], UMA_CLIENT).await;
    let (_, _, pct) = pct(&as_).await;
    assert_eq!(pct, "1");
}

#[tokio::test]
async fn refresh_reassesses() {
    let as_ = deviating("refresh-reassesses", &["GRANT-3.6-d"]).await;
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let answer = as_.rpt(&ticket, &[], UMA_CLIENT).await;
    let refresh = answer["refresh_token"].as_str().unwrap();
    let renewed = as_
        .token(
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
            UMA_CLIENT,
        )
        .await
        .assert_issued();
    as_.create_policy(json!({"owner": "alice", "resource_id": id, "outcome": "deny"}))
        .await;
    let refresh = renewed["refresh_token"].as_str().unwrap();
    as_.token(
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        UMA_CLIENT,
    )
    .await
    .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn token_errors_not_json() {
    let as_ = deviating("token-errors-not-json", &["GRANT-3.3.6-i1"]).await;
    let reply = as_.rpt_request("never-issued", &[], UMA_CLIENT).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply
            .header(header::CONTENT_TYPE)
            .unwrap()
            .starts_with("text/plain")
    );
    // The text itself is unchanged.
    assert_eq!(reply.json()["error"], "invalid_grant");
    // Other grants' errors are JSON as ever.
    as_.token(
        &[("grant_type", "client_credentials"), ("scope", "admin")],
        Client::Basic("rs-alice", "rs-alice-secret"),
    )
    .await
    .assert_token_error(StatusCode::BAD_REQUEST, "invalid_scope");
}

#[tokio::test]
async fn unknown_ticket_invalid_request() {
    let as_ = deviating("unknown-ticket-invalid-request", &["GRANT-3.3.6-i2"]).await;
    as_.rpt_request("never-issued", &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_request");
    // A ticket used before is still invalid_grant.
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    as_.rpt(&ticket, &[], UMA_CLIENT).await;
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn requested_scope_ignored() {
    let as_ = deviating("requested-scope-ignored", &["GRANT-3.3.6-i3"]).await;
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let answer = as_.rpt(&ticket, &[("scope", "fly")], UMA_CLIENT).await;
    let rpt = answer["access_token"].as_str().unwrap();
    assert_eq!(
        as_.introspect(&pat, rpt).await["permissions"][0]["resource_scopes"],
        json!(["view"])
    );
}

#[tokio::test]
async fn tickets_never_expire() {
    let as_ = deviating("tickets-never-expire", &["GRANT-5.5-c"]).await;
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    as_.advance(30 * 24 * 3600).await;
    as_.rpt(&ticket, &[], UMA_CLIENT).await;
    // Still single-use.
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn dcr_rejects_claims_redirect_uris() {
    let as_ = deviating("dcr-rejects-claims-redirect-uris", &["GRANT-2-g"]).await;
    as_.send_json(
        Method::POST,
        "/register",
        None,
        &json!({"claims_redirect_uris": ["https://app.example.test/cb"]}),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_client_metadata");
    let plain = as_
        .send_json(
            Method::POST,
            "/register",
            None,
            &json!({"client_name": "x"}),
        )
        .await;
    assert_eq!(plain.status, StatusCode::CREATED);
}

#[tokio::test]
async fn public_client_unsupported() {
    let as_ = deviating("public-client-unsupported", &["GRANT-3.3-i1"]).await;
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    as_.rpt_request(&ticket, &[], PUBLIC)
        .await
        .assert_token_error(StatusCode::UNAUTHORIZED, "invalid_client");
    as_.rpt(&ticket, &[], UMA_CLIENT).await;
}

#[tokio::test]
async fn revocation_ignores_pct_hint() {
    let as_ = deviating("revocation-ignores-pct-hint", &["GRANT-3.7-i1"]).await;
    let (pat, record, pct) = pct(&as_).await;
    let reply = as_
        .revoke(&[("token", &pct), ("token_type_hint", "pct")], UMA_CLIENT)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    as_.rpt(&ticket, &[("pct", &pct)], UMA_CLIENT).await;
    // Without the hint it is found.
    assert_eq!(
        as_.revoke(&[("token", &pct)], UMA_CLIENT).await.status,
        StatusCode::OK
    );
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let reply = as_.rpt_request(&ticket, &[("pct", &pct)], UMA_CLIENT).await;
    assert_need_info(&reply, &ticket);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_ticket_redemption() {
    let as_ = deviating("concurrent-ticket-redemption", &["GRANT-5.5-b"]).await;
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let (a, b) = tokio::join!(
        as_.rpt_request(&ticket, &[], UMA_CLIENT),
        as_.rpt_request(&ticket, &[], PUBLIC)
    );
    assert_eq!((a.status, b.status), (StatusCode::OK, StatusCode::OK));
    // One after the other, the second still fails.
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    as_.rpt(&ticket, &[], UMA_CLIENT).await;
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[test]
fn every_grant_deviation_has_a_test_here() {
    let source = include_str!("mock_grant_deviations.rs");
    for name in [
        "need-info-ticket-reusable",
        "need-info-same-ticket",
        "need-info-without-ticket",
        "need-info-without-claims-or-redirect",
        "rpt-response-with-scope",
        "upgrade-without-flag",
        "upgrade-keeps-old-rpt-active",
        "claims-redirect-state-dropped",
        "claims-redirect-uri-not-validated",
        "claims-redirect-same-ticket",
        "claims-redirect-drops-query",
        "claims-interaction-no-csrf",
        "access-denied-instead-of-request-denied",
        "request-submitted-without-ticket",
        "request-submitted-same-ticket",
        "claim-token-signature-unchecked",
        "claim-token-audience-ignored",
        "pct-usable-by-other-client",
        "pct-reveals-claims",
        "refresh-reassesses",
        "token-errors-not-json",
        "unknown-ticket-invalid-request",
        "requested-scope-ignored",
        "need-info-status-401",
        "tickets-never-expire",
        "dcr-rejects-claims-redirect-uris",
        "public-client-unsupported",
        "sequential-tickets",
        "revocation-ignores-pct-hint",
        "concurrent-ticket-redemption",
        "pushed-claims-ignored",
        "pct-recalls-nothing",
        "pct-answer-cacheable",
        "claims-redirect-accepts-oauth-redirect-uris",
        "claims-errors-on-page",
        "claims-redirect-raw-query",
        "need-info-redirect-user-broken",
        "claims-gathered-without-asking",
        "claims-redirect-empty-state",
        "claims-unknown-client-redirected",
        "permission-rejects-unknown-members",
        "token-parameters-case-insensitive",
        "required-claims-malformed",
        "rpt-expires-in-as-string",
        "discovery-without-claim-token-formats",
        "partial-grant-includes-refused-scopes",
        "registered-scopes-ignored",
        "upgrade-across-clients",
        "upgrade-only-once",
        "unregistered-scopes-honoured",
    ] {
        assert!(deviations().iter().any(|d| d.name == name), "{name}");
        // Once in this list, once where a test starts the mock with it.
        assert!(
            source.matches(&format!("\"{name}\"")).count() >= 2,
            "no test starts {name}"
        );
    }
}

#[tokio::test]
async fn rpt_response_without_token_type() {
    let as_ = deviating(
        "rpt-response-without-token-type",
        &["GRANT-3.3.5-i1", "GRANT-3.3-i1"],
    )
    .await;
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let reply = as_.rpt_request(&ticket, &[], UMA_CLIENT).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.json().get("token_type").is_none());
    assert!(reply.json()["access_token"].is_string());
}

#[tokio::test]
async fn refresh_token_as_object() {
    let as_ = deviating(
        "refresh-token-as-object",
        &["GRANT-3.3.5-a", "GRANT-3.6-a", "GRANT-3.3.5-i1"],
    )
    .await;
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let body = as_.rpt(&ticket, &[], UMA_CLIENT).await;
    assert!(body["refresh_token"]["value"].is_string(), "{body}");
}

#[tokio::test]
async fn refresh_broadens_scope() {
    let as_ = deviating("refresh-broadens-scope", &["GRANT-3.6-c"]).await;
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let body = as_.rpt(&ticket, &[], UMA_CLIENT).await;
    let refresh_token = body["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_string();
    let refreshed = as_
        .token(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &refresh_token),
                ("scope", "view"),
            ],
            UMA_CLIENT,
        )
        .await
        .assert_issued();
    assert!(refreshed["access_token"].is_string());
}

#[tokio::test]
async fn claims_redirect_accepts_oauth_redirect_uris() {
    let as_ = deviating(
        "claims-redirect-accepts-oauth-redirect-uris",
        &["GRANT-3.3.2-k"],
    )
    .await;
    let (_, _, ticket) = record_ticket(&as_).await;
    let oauth = "https://client.example.test/oauth-cb";
    let reply = as_
        .log_in_as_carol(&[
            ("client_id", "uma-client"),
            ("ticket", &ticket),
            ("claims_redirect_uri", oauth),
        ])
        .await;
    let (base, params) = reply.redirect();
    assert_eq!(base, oauth);
    assert!(param(&params, "ticket").is_some());
    // Other unregistered URIs are still refused.
    as_.claims_get(&[
        ("client_id", "uma-client"),
        ("claims_redirect_uri", "https://evil.example.test/cb"),
    ])
    .await
    .assert_error_page();
}

#[tokio::test]
async fn claims_errors_on_page() {
    let as_ = deviating("claims-errors-on-page", &["GRANT-3.3.3-i2"]).await;
    as_.claims_get(&[
        ("client_id", "uma-client"),
        ("ticket", "never-issued"),
        ("claims_redirect_uri", CLAIMS_CB),
    ])
    .await
    .assert_error_page();
}

#[tokio::test]
async fn claims_redirect_raw_query() {
    let as_ = deviating("claims-redirect-raw-query", &["GRANT-3.3.3-i1"]).await;
    let (_, _, ticket) = record_ticket(&as_).await;
    let reply = as_
        .log_in_as_carol(&[
            ("client_id", "uma-client"),
            ("ticket", &ticket),
            ("claims_redirect_uri", CLAIMS_CB),
            ("state", "a b&c"),
        ])
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    let location = reply.header(header::LOCATION).unwrap();
    assert!(location.ends_with("&state=a b&c"), "{location}");
}

#[tokio::test]
async fn need_info_redirect_user_broken() {
    let as_ = deviating("need-info-redirect-user-broken", &["GRANT-3.3.6-i7"]).await;
    let (_, body) = need_info(&as_, StatusCode::FORBIDDEN).await;
    let redirect_user = body["redirect_user"].as_str().unwrap();
    assert_eq!(as_.get(redirect_user).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn claims_gathered_without_asking() {
    let as_ = deviating("claims-gathered-without-asking", &["GRANT-6.2-b"]).await;
    let (_, _, ticket) = record_ticket(&as_).await;
    let (base, params) = as_
        .claims_get(&[
            ("client_id", "uma-client"),
            ("ticket", &ticket),
            ("claims_redirect_uri", CLAIMS_CB),
        ])
        .await
        .redirect();
    assert_eq!(base, CLAIMS_CB);
    // The ticket carries carol's claims: the need_claims policy is satisfied.
    as_.rpt(param(&params, "ticket").unwrap(), &[], UMA_CLIENT)
        .await;
}

#[tokio::test]
async fn claims_redirect_empty_state() {
    let as_ = deviating("claims-redirect-empty-state", &["GRANT-3.3.3-d"]).await;
    let (_, _, ticket) = record_ticket(&as_).await;
    let reply = as_
        .log_in_as_carol(&[
            ("client_id", "uma-client"),
            ("ticket", &ticket),
            ("claims_redirect_uri", CLAIMS_CB),
        ])
        .await;
    let (_, params) = reply.redirect();
    assert_eq!(param(&params, "state"), Some(""));
}

#[tokio::test]
async fn claims_unknown_client_redirected() {
    let as_ = deviating(
        "claims-unknown-client-redirected",
        &["GRANT-3.3.3-h", "GRANT-3.3.3-g"],
    )
    .await;
    let evil = "https://evil.example.test/steal";
    for query in [
        vec![("client_id", "nobody"), ("claims_redirect_uri", evil)],
        vec![("claims_redirect_uri", evil)],
    ] {
        let (base, params) = as_.claims_get(&query).await.redirect();
        assert_eq!(base, evil);
        assert!(param(&params, "error").is_some());
    }
    // A known client's unregistered URI is still refused.
    as_.claims_get(&[("client_id", "uma-client"), ("claims_redirect_uri", evil)])
        .await
        .assert_error_page();
}

/// The scopes an RPT grants on `resource`, by introspection.
async fn rpt_scopes(as_: &As, pat: &str, rpt: &Value, resource: &str) -> Vec<String> {
    let body = as_
        .introspect(pat, rpt["access_token"].as_str().unwrap())
        .await;
    body["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["resource_id"] == resource)
        .flat_map(|p| p["resource_scopes"].as_array().unwrap().clone())
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn permission_rejects_unknown_members() {
    let as_ = deviating("permission-rejects-unknown-members", &["GRANT-1.1-b"]).await;
    let (pat, resource) = as_.alice_resource(None).await;
    let body = json!({"resource_id": resource, "resource_scopes": ["view"], "x_note": 1});
    as_.send_json(Method::POST, "/permission", Some(&pat), &body)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn token_parameters_case_insensitive() {
    let as_ = deviating("token-parameters-case-insensitive", &["GRANT-1.1-i1"]).await;
    let (pat, _) = as_.alice_resource(None).await;
    let resource = as_
        .register(&pat, json!({"resource_scopes": ["view", "download"]}))
        .await;
    let ticket = as_.ticket(&pat, &resource, &["view"]).await;
    // uma-client is pre-registered for download.
    let form = [
        ("grant_type", UMA_GRANT),
        ("Ticket", &ticket),
        ("SCOPE", "DOWNLOAD"),
    ];
    let rpt = as_.token(&form, UMA_CLIENT).await.assert_issued();
    let mut scopes = rpt_scopes(&as_, &pat, &rpt, &resource).await;
    scopes.sort();
    assert_eq!(scopes, ["download", "view"]);
}

#[tokio::test]
async fn required_claims_malformed() {
    let as_ = deviating(
        "required-claims-malformed",
        &[
            "GRANT-3.3.6-e",
            "GRANT-3.3.6-f",
            "GRANT-3.3.6-g",
            "GRANT-3.3.6-h",
            "GRANT-3.3.6-i",
            "GRANT-3.3.6-j",
            "GRANT-3.3.6-k",
            "GRANT-3.3.6-l",
            "GRANT-3.3.6-m",
        ],
    )
    .await;
    let (_, body) = need_info(&as_, StatusCode::FORBIDDEN).await;
    let hint = &body["required_claims"][0];
    assert!(hint["claim_token_format"].is_string());
    assert!(hint["issuer"].is_string());
    assert!(hint["claim_type"].is_number());
    assert!(hint["friendly_name"].is_object());
    assert!(hint["name"].is_array());
}

#[tokio::test]
async fn rpt_expires_in_as_string() {
    let as_ = deviating(
        "rpt-expires-in-as-string",
        &["GRANT-3.3.5-i", "GRANT-3.3.5-i1", "GRANT-3.3-i1"],
    )
    .await;
    let (pat, resource) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &resource, &["view"]).await;
    let rpt = as_.rpt(&ticket, &[], UMA_CLIENT).await;
    assert!(rpt["expires_in"].is_string(), "{rpt}");
}

#[tokio::test]
async fn discovery_without_claim_token_formats() {
    let as_ = deviating("discovery-without-claim-token-formats", &["GRANT-3.3.1-q"]).await;
    assert!(
        as_.discovery()
            .await
            .get("claim_token_formats_supported")
            .is_none()
    );
}

#[tokio::test]
async fn partial_grant_includes_refused_scopes() {
    let as_ = deviating("partial-grant-includes-refused-scopes", &["GRANT-3.3.4-i1"]).await;
    let (pat, resource) = as_.alice_resource(None).await;
    as_.create_policy(
        json!({"owner": "alice", "resource_id": resource, "scopes": ["view"],
        "outcome": "grant", "clients": ["uma-client"]}),
    )
    .await;
    let ticket = as_.ticket(&pat, &resource, &["view", "print"]).await;
    let rpt = as_.rpt(&ticket, &[], UMA_CLIENT).await;
    let mut scopes = rpt_scopes(&as_, &pat, &rpt, &resource).await;
    scopes.sort();
    assert_eq!(scopes, ["print", "view"]);
}

#[tokio::test]
async fn registered_scopes_ignored() {
    let as_ = deviating("registered-scopes-ignored", &["GRANT-3.3.4-a"]).await;
    let (pat, _) = as_.alice_resource(None).await;
    // uma-client is pre-registered for download and asks for it.
    let with_download = as_
        .register(&pat, json!({"resource_scopes": ["view", "download"]}))
        .await;
    let ticket2 = as_.ticket(&pat, &with_download, &["view"]).await;
    let rpt = as_
        .rpt(&ticket2, &[("scope", "download")], UMA_CLIENT)
        .await;
    assert_eq!(rpt_scopes(&as_, &pat, &rpt, &with_download).await, ["view"]);
}

#[tokio::test]
async fn pushed_claims_ignored() {
    let as_ = deviating("pushed-claims-ignored", &["GRANT-3.3.4-i1"]).await;
    let token = mint(&carol("uma-client", as_.now().await + 600));
    let (_, _, ticket) = record_ticket(&as_).await;
    let reply = as_
        .rpt_request(&ticket, &push(&token, ID_TOKEN), UMA_CLIENT)
        .await;
    assert_need_info(&reply, &ticket);
    // Where the policy wants no claims the RPT comes as ever, but no PCT for claims never used.
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let body = as_.rpt(&ticket, &push(&token, ID_TOKEN), UMA_CLIENT).await;
    assert!(body.get("pct").is_none(), "{body}");
}

#[tokio::test]
async fn pct_recalls_nothing() {
    let as_ = deviating("pct-recalls-nothing", &["GRANT-3.3.5-b"]).await;
    let (pat, record, pct) = pct(&as_).await;
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let reply = as_.rpt_request(&ticket, &[("pct", &pct)], UMA_CLIENT).await;
    assert_need_info(&reply, &ticket);
    // Claims pushed beside the PCT still count.
    let token = mint(&carol("uma-client", as_.now().await + 600));
    let [claim_token, format] = push(&token, ID_TOKEN);
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    as_.rpt(&ticket, &[("pct", &pct), claim_token, format], UMA_CLIENT)
        .await;
}

#[tokio::test]
async fn pct_answer_cacheable() {
    let as_ = deviating("pct-answer-cacheable", &["GRANT-5.2-c"]).await;
    let token = mint(&carol("uma-client", as_.now().await + 600));
    let (_, _, ticket) = record_ticket(&as_).await;
    let reply = as_
        .rpt_request(&ticket, &push(&token, ID_TOKEN), UMA_CLIENT)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.json()["pct"].is_string());
    assert_eq!(reply.header(header::CACHE_CONTROL), None);
    assert_eq!(reply.header(header::PRAGMA), None);
    // An answer without a PCT is kept by no cache, as ever.
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let reply = as_.rpt_request(&ticket, &[], UMA_CLIENT).await;
    assert_eq!(reply.header(header::CACHE_CONTROL), Some("no-store"));
}

/// alice's PAT, an RPT of uma-client for view on one resource, and a second resource.
async fn rpt_and_second_resource(as_: &As) -> (String, Value, String) {
    let (pat, first) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &first, &["view"]).await;
    let rpt = as_.rpt(&ticket, &[], UMA_CLIENT).await;
    let second = as_
        .register(&pat, json!({"resource_scopes": ["print"]}))
        .await;
    (pat, rpt, second)
}

#[tokio::test]
async fn upgrade_across_clients() {
    let as_ = deviating("upgrade-across-clients", &["GRANT-1.3-i1"]).await;
    let (pat, rpt, second) = rpt_and_second_resource(&as_).await;
    as_.create_policy(
        json!({"owner": "alice", "resource_id": second, "outcome": "grant",
        "clients": ["uma-stranger"]}),
    )
    .await;
    let ticket = as_.ticket(&pat, &second, &["print"]).await;
    let stranger = Client::Basic("uma-stranger", "uma-stranger-secret");
    let old = rpt["access_token"].as_str().unwrap();
    let upgraded = as_.rpt(&ticket, &[("rpt", old)], stranger).await;
    assert_eq!(upgraded["upgraded"], true, "{upgraded}");
}

#[tokio::test]
async fn upgrade_only_once() {
    let as_ = deviating("upgrade-only-once", &["GRANT-3.3.5.1-b"]).await;
    let (pat, rpt, second) = rpt_and_second_resource(&as_).await;
    let ticket = as_.ticket(&pat, &second, &["print"]).await;
    let old = rpt["access_token"].as_str().unwrap();
    let once = as_.rpt(&ticket, &[("rpt", old)], UMA_CLIENT).await;
    assert_eq!(once["upgraded"], true, "{once}");
    let third = as_
        .register(&pat, json!({"resource_scopes": ["download"]}))
        .await;
    let ticket = as_.ticket(&pat, &third, &["download"]).await;
    let old = once["access_token"].as_str().unwrap();
    let twice = as_.rpt(&ticket, &[("rpt", old)], UMA_CLIENT).await;
    assert!(twice.get("upgraded").is_none(), "{twice}");
}

#[tokio::test]
async fn unregistered_scopes_honoured() {
    let as_ = deviating(
        "unregistered-scopes-honoured",
        &["GRANT-3.3.6-a", "GRANT-3.3.4-a"],
    )
    .await;
    let (pat, resource) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &resource, &["view"]).await;
    // uma-client is pre-registered for download only.
    let rpt = as_.rpt(&ticket, &[("scope", "print")], UMA_CLIENT).await;
    let mut scopes = rpt_scopes(&as_, &pat, &rpt, &resource).await;
    scopes.sort();
    assert_eq!(scopes, ["print", "view"]);
}
