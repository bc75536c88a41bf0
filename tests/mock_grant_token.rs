//! HTTP tests of the reference AS's token endpoint for the UMA grant (Grant 3.3.1, 3.3.4-3.3.6,
//! 3.6, 3.7, 5.5): every answer, tickets consumed and renewed, owner requests, RPT upgrade,
//! refresh, revocation and JWT RPTs, over real loopback connections.

mod mock_grant_common;

use std::collections::BTreeSet;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation};
use mock_grant_common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn the_rpt_answer_and_its_headers() {
    let as_ = As::start(&[]).await;
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let answer = as_.rpt(&ticket, &[], UMA_CLIENT).await;
    assert_eq!(
        keys(&answer),
        BTreeSet::from(["access_token", "token_type", "expires_in", "refresh_token"])
    );
    assert_eq!(answer["expires_in"], 300);
    // client_secret_post as well.
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let post = as_
        .rpt(
            &ticket,
            &[],
            Client::Post("uma-client", "uma-client-secret"),
        )
        .await;
    assert_ne!(post["access_token"], answer["access_token"]);
    // The discovery document names what the grant needs.
    let doc = as_.discovery().await;
    assert_eq!(doc["claims_interaction_endpoint"], as_.url("/claims"));
    assert_eq!(doc["registration_endpoint"], as_.url("/register"));
    assert_eq!(doc["claim_token_formats_supported"], json!([ID_TOKEN, JWT]));
    assert!(
        doc["grant_types_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("refresh_token"))
    );
}

#[tokio::test]
async fn a_public_client_uses_the_grant_with_its_client_id() {
    let as_ = As::start(&[]).await;
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let answer = as_.rpt(&ticket, &[], PUBLIC).await;
    // Not registered for refresh tokens.
    assert_eq!(
        keys(&answer),
        BTreeSet::from(["access_token", "token_type", "expires_in"])
    );
    let rpt = answer["access_token"].as_str().unwrap();
    assert_eq!(
        as_.introspect(&pat, rpt).await["client_id"],
        "uma-public-client"
    );
    // A secret it does not have, or a confidential client without its secret: invalid_client.
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    for client in [
        Client::Post("uma-public-client", "guess"),
        Client::Public("uma-client"),
        Client::Public("nobody"),
    ] {
        as_.rpt_request(&ticket, &[], client)
            .await
            .assert_token_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    // None of that was the ticket's presentation.
    as_.rpt(&ticket, &[], PUBLIC).await;
}

#[tokio::test]
async fn rfc6749_errors_of_the_grant() {
    let as_ = As::start(&[]).await;
    let (pat, id) = as_.alice_resource(None).await;
    as_.token(&[("grant_type", UMA_GRANT)], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_request");
    // claim_token and claim_token_format go together.
    for extra in [[("claim_token", "abc")], [("claim_token_format", ID_TOKEN)]] {
        let ticket = as_.ticket(&pat, &id, &["view"]).await;
        as_.rpt_request(&ticket, &extra, UMA_CLIENT)
            .await
            .assert_token_error(StatusCode::BAD_REQUEST, "invalid_request");
    }
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    as_.rpt_request(&ticket, &[], Client::Basic("rs-alice", "rs-alice-secret"))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "unauthorized_client");
    as_.token(&[("grant_type", "password")], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    as_.rpt_request(&ticket, &[("scope", "\"quoted\"")], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_scope");
}

#[tokio::test]
async fn invalid_grant_for_unknown_used_expired_and_foreign_tickets() {
    let as_ = As::start(&[]).await;
    let (pat, id) = as_.alice_resource(None).await;
    as_.rpt_request("never-issued", &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    let used = as_.ticket(&pat, &id, &["view"]).await;
    as_.rpt(&used, &[], UMA_CLIENT).await;
    as_.rpt_request(&used, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    // Expired by the mock clock (tickets live 300 s).
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    as_.advance(300).await;
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    // A ticket handed to uma-client in need_info is good for uma-client alone.
    let record = as_
        .register(
            &pat,
            json!({"resource_scopes": ["view"], "type": MEDICAL_RECORD}),
        )
        .await;
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let need_info = as_.rpt_request(&ticket, &[], UMA_CLIENT).await;
    let next = assert_need_info(&need_info, &ticket)["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    as_.rpt_request(&next, &[], PUBLIC)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn requested_scopes_follow_the_assessment_of_grant_3_3_4() {
    let as_ = As::start(&[]).await;
    let (pat, id) = as_.alice_resource(None).await;
    // uma-client is pre-registered for no scope: "print" is not considered.
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let answer = as_.rpt(&ticket, &[("scope", "print")], UMA_CLIENT).await;
    let rpt = answer["access_token"].as_str().unwrap();
    assert_eq!(
        as_.introspect(&pat, rpt).await["permissions"][0]["resource_scopes"],
        json!(["view"])
    );
    // A scope none of the ticket's resources has: invalid_scope.
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    as_.rpt_request(&ticket, &[("scope", "fly")], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_scope");
    // A client registered for "print" gets it added to the ticket's scopes.
    let registered = as_
        .send_json(
            Method::POST,
            "/register",
            None,
            &json!({"scope": "print", "claims_redirect_uris": [CLAIMS_CB]}),
        )
        .await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{}",
        registered.text
    );
    let registered = registered.json();
    let client_id = registered["client_id"].as_str().unwrap();
    let secret = registered["client_secret"].as_str().unwrap();
    as_.create_policy(json!({"owner": "alice", "outcome": "grant", "clients": [client_id]}))
        .await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let answer = as_
        .rpt(
            &ticket,
            &[("scope", "print")],
            Client::Basic(client_id, secret),
        )
        .await;
    let rpt = answer["access_token"].as_str().unwrap();
    assert_eq!(
        as_.introspect(&pat, rpt).await["permissions"][0]["resource_scopes"],
        json!(["view", "print"])
    );
}

#[tokio::test]
async fn request_denied_by_policy() {
    let as_ = As::start(&[]).await;
    let (pat, diary) = as_.alice_resource(Some(DIARY)).await;
    let ticket = as_.ticket(&pat, &diary, &["view"]).await;
    let body = as_
        .rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_denied");
    assert!(body.get("ticket").is_none());
    // The ticket is spent all the same.
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    // A client no policy names.
    let id = as_
        .register(&pat, json!({"resource_scopes": ["view"]}))
        .await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    as_.rpt_request(&ticket, &[], STRANGER)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_denied");
}

#[tokio::test]
async fn need_info_hands_out_a_new_ticket_and_hints() {
    let as_ = As::start(&[]).await;
    let (pat, record) = as_.alice_resource(Some(MEDICAL_RECORD)).await;
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let reply = as_.rpt_request(&ticket, &[], UMA_CLIENT).await;
    let body = assert_need_info(&reply, &ticket);
    assert_eq!(body["redirect_user"], as_.url("/claims"));
    let hint = &body["required_claims"][0];
    assert_eq!(hint["name"], "roles");
    assert_eq!(hint["issuer"], json!([IDP]));
    assert_eq!(hint["claim_token_format"], json!([ID_TOKEN, JWT]));
    // The presented ticket is spent; the new one carries on with pushed claims.
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    let next = body["ticket"].as_str().unwrap();
    let token = mint(&carol("uma-client", as_.now().await + 600));
    let answer = as_
        .rpt(
            next,
            &[("claim_token", &token), ("claim_token_format", ID_TOKEN)],
            UMA_CLIENT,
        )
        .await;
    let pct = answer["pct"].as_str().expect("claims were pushed: a PCT");
    assert!(pct.len() >= 43 && !pct.contains('.'), "opaque: {pct}");
}

#[tokio::test]
async fn request_submitted_until_the_owner_decides() {
    let as_ = As::start(&[]).await;
    let (pat, album) = as_.alice_resource(Some(PHOTO_ALBUM)).await;
    let ticket = as_.ticket(&pat, &album, &["view"]).await;
    let body = as_
        .rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_submitted");
    assert_eq!(body["interval"], 5);
    let polled = body["ticket"].as_str().unwrap().to_string();
    assert_ne!(polled, ticket);
    let requests = as_.requests().await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request["owner"], "alice");
    assert_eq!(request["client_id"], "uma-client");
    assert_eq!(request["status"], "pending");
    assert_eq!(request["ticket"], polled.as_str());
    assert_eq!(request["permissions"][0]["resource_id"], album.as_str());
    let request_id = request["request_id"].as_str().unwrap().to_string();
    // Polling before the owner answered: still submitted, with yet another ticket.
    let body = as_
        .rpt_request(&polled, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_submitted");
    let polled = body["ticket"].as_str().unwrap().to_string();
    assert_eq!(as_.requests().await.len(), 1, "the same request");
    let approved = as_.decide(&request_id, "approve").await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    assert_eq!(approved.json()["status"], "approved");
    assert!(as_.requests().await.is_empty());
    as_.rpt(&polled, &[], UMA_CLIENT).await;

    // A denial ends in request_denied.
    let ticket = as_.ticket(&pat, &album, &["view"]).await;
    let body = as_
        .rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_submitted");
    let request_id = as_.requests().await[0]["request_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(as_.decide(&request_id, "deny").await.status, StatusCode::OK);
    as_.rpt_request(body["ticket"].as_str().unwrap(), &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_denied");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_ticket_presented_at_once_by_many_gets_one_answer() {
    let as_ = As::start(&[]).await;
    let (pat, id) = as_.alice_resource(None).await;
    for _ in 0..3 {
        let ticket = as_.ticket(&pat, &id, &["view"]).await;
        let clients = [UMA_CLIENT, PUBLIC, UMA_CLIENT, PUBLIC, UMA_CLIENT, PUBLIC];
        let replies =
            futures::future::join_all(clients.iter().map(|c| as_.rpt_request(&ticket, &[], *c)))
                .await;
        let granted = replies
            .iter()
            .filter(|r| r.status == StatusCode::OK)
            .count();
        assert_eq!(granted, 1, "exactly one answer built on the ticket");
        for reply in replies.iter().filter(|r| r.status != StatusCode::OK) {
            reply.assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
        }
    }
}

#[tokio::test]
async fn an_rpt_is_upgraded_across_two_resources() {
    let as_ = As::start(&[]).await;
    let (pat, first) = as_.alice_resource(None).await;
    let second = as_
        .register(&pat, json!({"resource_scopes": ["edit"]}))
        .await;
    let ticket = as_.ticket(&pat, &first, &["view"]).await;
    let old = as_.rpt(&ticket, &[], UMA_CLIENT).await;
    let old_rpt = old["access_token"].as_str().unwrap();
    let ticket = as_.ticket(&pat, &second, &["edit"]).await;
    let new = as_.rpt(&ticket, &[("rpt", old_rpt)], UMA_CLIENT).await;
    assert_eq!(new["upgraded"], true);
    let new_rpt = new["access_token"].as_str().unwrap();
    assert_ne!(new_rpt, old_rpt);
    let introspected = as_.introspect(&pat, new_rpt).await;
    let ids: BTreeSet<&str> = introspected["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["resource_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, BTreeSet::from([first.as_str(), second.as_str()]));
    // Grant 3.3.5.1: the previous RPT is revoked, and so is its refresh token.
    assert_eq!(
        as_.introspect(&pat, old_rpt).await,
        json!({"active": false})
    );
    let refresh = old["refresh_token"].as_str().unwrap();
    as_.token(
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        UMA_CLIENT,
    )
    .await
    .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    // Another client's RPT is not carried over: no upgraded member, and it stays active.
    let ticket = as_.ticket(&pat, &first, &["view"]).await;
    let other = as_.rpt(&ticket, &[("rpt", new_rpt)], PUBLIC).await;
    assert!(other.get("upgraded").is_none(), "{other}");
    assert_eq!(as_.introspect(&pat, new_rpt).await["active"], true);
}

#[tokio::test]
async fn refresh_renews_without_reassessment_and_may_narrow() {
    let as_ = As::start(&[]).await;
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view", "print"]).await;
    let answer = as_.rpt(&ticket, &[], UMA_CLIENT).await;
    let refresh = answer["refresh_token"].as_str().unwrap().to_string();
    // The owner changes her mind; a refresh does not ask the policy again (Grant 3.6).
    as_.create_policy(json!({"owner": "alice", "resource_id": id, "outcome": "deny"}))
        .await;
    let narrowed = as_
        .token(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &refresh),
                ("scope", "print"),
            ],
            UMA_CLIENT,
        )
        .await
        .assert_issued();
    let rpt = narrowed["access_token"].as_str().unwrap();
    assert_eq!(
        as_.introspect(&pat, rpt).await["permissions"][0]["resource_scopes"],
        json!(["print"])
    );
    // Used once; the successor keeps both scopes.
    as_.token(
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
        UMA_CLIENT,
    )
    .await
    .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    let successor = narrowed["refresh_token"].as_str().unwrap();
    as_.token(
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", successor),
            ("scope", "delete"),
        ],
        UMA_CLIENT,
    )
    .await
    .assert_token_error(StatusCode::BAD_REQUEST, "invalid_scope");
    let full = as_
        .token(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", successor),
            ],
            UMA_CLIENT,
        )
        .await
        .assert_issued();
    let rpt = full["access_token"].as_str().unwrap();
    assert_eq!(
        as_.introspect(&pat, rpt).await["permissions"][0]["resource_scopes"],
        json!(["view", "print"])
    );
    as_.token(&[("grant_type", "refresh_token")], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_request");
    as_.token(
        &[("grant_type", "refresh_token"), ("refresh_token", "x")],
        PUBLIC,
    )
    .await
    .assert_token_error(StatusCode::BAD_REQUEST, "unauthorized_client");
}

#[tokio::test]
async fn revocation_of_rpts_refresh_tokens_and_pcts() {
    let as_ = As::start(&[]).await;
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let answer = as_.rpt(&ticket, &[], UMA_CLIENT).await;
    let rpt = answer["access_token"].as_str().unwrap();
    let reply = as_
        .revoke(
            &[("token", rpt), ("token_type_hint", "access_token")],
            UMA_CLIENT,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(as_.introspect(&pat, rpt).await, json!({"active": false}));

    // A refresh token: it goes, and the RPT issued with it too.
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let answer = as_.rpt(&ticket, &[], UMA_CLIENT).await;
    let refresh = answer["refresh_token"].as_str().unwrap();
    let reply = as_
        .revoke(
            &[("token", refresh), ("token_type_hint", "refresh_token")],
            UMA_CLIENT,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    as_.token(
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        UMA_CLIENT,
    )
    .await
    .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    let rpt = answer["access_token"].as_str().unwrap();
    assert_eq!(as_.introspect(&pat, rpt).await, json!({"active": false}));

    // A PCT, with Grant 3.7's hint: afterwards it no longer stands for the claims.
    let record = as_
        .register(
            &pat,
            json!({"resource_scopes": ["view"], "type": MEDICAL_RECORD}),
        )
        .await;
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let token = mint(&carol("uma-client", as_.now().await + 600));
    let answer = as_
        .rpt(
            &ticket,
            &[("claim_token", &token), ("claim_token_format", ID_TOKEN)],
            UMA_CLIENT,
        )
        .await;
    let pct = answer["pct"].as_str().unwrap();
    // Another client cannot revoke it.
    assert_eq!(
        as_.revoke(&[("token", pct)], PUBLIC).await.status,
        StatusCode::OK
    );
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    as_.rpt(&ticket, &[("pct", pct)], UMA_CLIENT).await;
    let reply = as_
        .revoke(&[("token", pct), ("token_type_hint", "pct")], UMA_CLIENT)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let reply = as_.rpt_request(&ticket, &[("pct", pct)], UMA_CLIENT).await;
    assert_need_info(&reply, &ticket);
    // Unknown tokens are fine; bad client authentication is not.
    assert_eq!(
        as_.revoke(&[("token", "nothing")], PUBLIC).await.status,
        StatusCode::OK
    );
    as_.revoke(&[("token", pct)], Client::Basic("uma-client", "wrong"))
        .await
        .assert_token_error(StatusCode::UNAUTHORIZED, "invalid_client");
}

#[tokio::test]
async fn jwt_rpts_are_signed_by_the_published_key_and_introspect_alike() {
    let as_ = As::start_jwt(&[]).await;
    let doc = as_.discovery().await;
    let jwks_uri = doc["jwks_uri"].as_str().expect("jwks_uri in JWT mode");
    assert_eq!(jwks_uri, as_.url("/jwks"));
    let set: JwkSet = serde_json::from_str(&as_.get(jwks_uri).await.text).unwrap();
    let (pat, id) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let answer = as_.rpt(&ticket, &[], UMA_CLIENT).await;
    let rpt = answer["access_token"].as_str().unwrap();
    let header = jsonwebtoken::decode_header(rpt).unwrap();
    let jwk = set
        .find(header.kid.as_deref().unwrap())
        .expect("the signing key is published");
    let mut validation = Validation::new(header.alg);
    validation.set_audience(&["rs-alice"]);
    validation.set_issuer(&[as_.issuer()]);
    // The mock's clock and the wall clock agree until a test moves it.
    let claims =
        jsonwebtoken::decode::<Value>(rpt, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
            .unwrap()
            .claims;
    assert_eq!(claims["client_id"], "uma-client");
    assert_eq!(claims["permissions"][0]["resource_id"], id.as_str());
    assert_eq!(claims["permissions"][0]["resource_scopes"], json!(["view"]));
    assert_eq!(as_.introspect(&pat, rpt).await["active"], true);
    // Refresh, upgrade and revocation work on JWT RPTs too.
    let refreshed = as_
        .token(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", answer["refresh_token"].as_str().unwrap()),
            ],
            UMA_CLIENT,
        )
        .await
        .assert_issued();
    let refreshed_rpt = refreshed["access_token"].as_str().unwrap();
    assert_eq!(refreshed_rpt.split('.').count(), 3);
    let ticket = as_.ticket(&pat, &id, &["print"]).await;
    let upgraded = as_
        .rpt(&ticket, &[("rpt", refreshed_rpt)], UMA_CLIENT)
        .await;
    assert_eq!(upgraded["upgraded"], true);
    let rpt = upgraded["access_token"].as_str().unwrap();
    assert_eq!(
        as_.revoke(&[("token", rpt)], UMA_CLIENT).await.status,
        StatusCode::OK
    );
    assert_eq!(as_.introspect(&pat, rpt).await, json!({"active": false}));

    // With opaque RPTs, the key set is empty.
    let opaque = As::start(&[]).await;
    assert_eq!(
        opaque.get(&opaque.url("/jwks")).await.json(),
        json!({"keys": []})
    );
}
