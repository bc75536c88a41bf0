//! HTTP tests of claims collection at the reference AS: the claims interaction endpoint (Grant
//! 3.3.2, 3.3.3, 5.1), pushed claim tokens (Grant 3.3.1, 5.7) and PCTs (Grant 3.3.5, 5.2), over
//! real loopback connections.

mod mock_grant_common;

use mock_grant_common::*;
use reqwest::StatusCode;
use reqwest::header;
use serde_json::json;

/// A need_info answer for a medical record: (alice's PAT, record id, the new ticket).
async fn need_info_ticket(as_: &As) -> (String, String, String) {
    let (pat, record) = as_.alice_resource(Some(MEDICAL_RECORD)).await;
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let reply = as_.rpt_request(&ticket, &[], UMA_CLIENT).await;
    let next = assert_need_info(&reply, &ticket)["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    (pat, record, next)
}

#[tokio::test]
async fn need_info_answered_by_interactive_claims_gathering() {
    let as_ = As::start(&[]).await;
    let (pat, record, ticket) = need_info_ticket(&as_).await;
    let params = as_.gather_as_carol(&ticket, Some("st-1")).await;
    assert_eq!(param(&params, "state"), Some("st-1"));
    let next = param(&params, "ticket").expect("a ticket").to_string();
    assert_ne!(next, ticket, "Grant 3.3.3: a new ticket");
    // The ticket was used up at the claims interaction endpoint (Grant 5.5).
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    let answer = as_.rpt(&next, &[], UMA_CLIENT).await;
    let rpt = answer["access_token"].as_str().unwrap();
    assert!(answer["pct"].is_string(), "claims were gathered: a PCT");
    assert_eq!(
        as_.introspect(&pat, rpt).await["permissions"][0]["resource_id"],
        record.as_str()
    );
    // Straight from the initial ticket too, without a token request first.
    let first = as_.ticket(&pat, &record, &["view"]).await;
    let params = as_.gather_as_carol(&first, None).await;
    assert_eq!(param(&params, "state"), None, "no state sent, none echoed");
    as_.rpt(param(&params, "ticket").unwrap(), &[], UMA_CLIENT)
        .await;
}

#[tokio::test]
async fn the_redirect_back_keeps_the_query_of_the_claims_redirect_uri() {
    let as_ = As::start(&[]).await;
    let (pat, record) = as_.alice_resource(Some(MEDICAL_RECORD)).await;
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let mut form = as_
        .claims_form(&[
            ("client_id", "uma-public-client"),
            ("ticket", &ticket),
            ("claims_redirect_uri", PUBLIC_CB),
            ("state", "a b&c"),
        ])
        .await;
    form.extend(login("carol", "carol-password"));
    let (base, params) = as_.claims_post(&form).await.redirect();
    assert_eq!(base, "https://client.example.test/public/claims-cb");
    assert_eq!(param(&params, "app"), Some("public"));
    assert_eq!(param(&params, "state"), Some("a b&c"));
    let next = param(&params, "ticket").unwrap();
    let answer = as_.rpt(next, &[], PUBLIC).await;
    assert!(answer["pct"].is_string());
}

#[tokio::test]
async fn a_requesting_party_may_state_claims_instead_of_logging_in() {
    let as_ = As::start(&[]).await;
    let (_, _, ticket) = need_info_ticket(&as_).await;
    let mut form = as_
        .claims_form(&[("client_id", "uma-client"), ("ticket", &ticket)])
        .await;
    form.push(("claim_roles".into(), "nurse, doctor".into()));
    form.push(("action".into(), "submit".into()));
    let (_, params) = as_.claims_post(&form).await.redirect();
    as_.rpt(param(&params, "ticket").unwrap(), &[], UMA_CLIENT)
        .await;
}

#[tokio::test]
async fn bad_clients_and_redirect_uris_get_an_error_page_never_a_redirect() {
    let as_ = As::start(&[]).await;
    let (pat, record) = as_.alice_resource(None).await;
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![("ticket", &ticket), ("claims_redirect_uri", CLAIMS_CB)],
        vec![("client_id", "nobody"), ("ticket", &ticket)],
        vec![
            ("client_id", "uma-client"),
            ("ticket", &ticket),
            (
                "claims_redirect_uri",
                "https://client.example.test/claims-cb/",
            ),
        ],
        vec![
            ("client_id", "uma-client"),
            ("ticket", &ticket),
            ("claims_redirect_uri", "https://evil.example.test/claims-cb"),
        ],
        // Two registered: the request must say which.
        vec![("client_id", "uma-public-client"), ("ticket", &ticket)],
        // None registered: nothing is acceptable (Grant 3.3.2).
        vec![
            ("client_id", "uma-stranger"),
            ("ticket", &ticket),
            ("claims_redirect_uri", CLAIMS_CB),
        ],
        vec![
            ("client_id", "uma-client"),
            ("client_id", "uma-client"),
            ("ticket", &ticket),
        ],
    ];
    for query in cases {
        let page = as_.claims_get(&query).await;
        page.assert_error_page();
        assert!(page.text.contains("Claims request refused"), "{query:?}");
    }
    // The OAuth redirect_uris of a client are no claims redirect URIs.
    let page = as_
        .claims_get(&[
            ("client_id", "rs-alice"),
            ("ticket", &ticket),
            ("claims_redirect_uri", "http://127.0.0.1:9/callback"),
        ])
        .await;
    page.assert_error_page();
    // None of that used the ticket up.
    as_.rpt(&ticket, &[], UMA_CLIENT).await;
}

#[tokio::test]
async fn other_failures_redirect_with_an_error() {
    let as_ = As::start(&[]).await;
    let (pat, record) = as_.alice_resource(None).await;
    let error_of = |reply: Reply| {
        let (base, params) = reply.redirect();
        assert_eq!(base, CLAIMS_CB);
        assert_eq!(param(&params, "state"), Some("s"));
        assert!(param(&params, "ticket").is_none());
        param(&params, "error").unwrap().to_string()
    };
    let query = |ticket: &'static str| {
        vec![
            ("client_id", "uma-client"),
            ("ticket", ticket),
            ("state", "s"),
        ]
    };
    assert_eq!(
        error_of(
            as_.claims_get(&[("client_id", "uma-client"), ("state", "s")])
                .await
        ),
        "invalid_request"
    );
    assert_eq!(
        error_of(as_.claims_get(&query("never-issued")).await),
        "invalid_request"
    );
    // Cancelled, or a wrong password.
    for extra in [
        vec![("action".to_string(), "cancel".to_string())],
        login("carol", "dave-password"),
        login("mallory", "x"),
        vec![("action".to_string(), "submit".to_string())],
    ] {
        let ticket = as_.ticket(&pat, &record, &["view"]).await;
        let mut form = as_
            .claims_form(&[
                ("client_id", "uma-client"),
                ("ticket", &ticket),
                ("state", "s"),
            ])
            .await;
        form.extend(extra);
        assert_eq!(error_of(as_.claims_post(&form).await), "access_denied");
    }
    // A used ticket.
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    as_.rpt(&ticket, &[], UMA_CLIENT).await;
    let reply = as_
        .claims_get(&[
            ("client_id", "uma-client"),
            ("ticket", &ticket),
            ("state", "s"),
        ])
        .await;
    assert_eq!(error_of(reply), "invalid_request");
    // A client that may not use the UMA grant has no claims redirect URIs to go back to.
    let page = as_
        .claims_get(&[("client_id", "rs-alice"), ("ticket", &ticket)])
        .await;
    page.assert_error_page();
}

#[tokio::test]
async fn the_form_is_protected_against_cross_site_request_forgery() {
    let as_ = As::start(&[]).await;
    let (pat, record) = as_.alice_resource(None).await;
    let refused = |reply: Reply| {
        let (_, params) = reply.redirect();
        assert!(param(&params, "ticket").is_none());
        assert_eq!(param(&params, "error"), Some("invalid_request"));
    };
    let open_form = |ticket: String| {
        let as_ = &as_;
        async move {
            as_.claims_form(&[
                ("client_id", "uma-client"),
                ("ticket", &ticket),
                ("state", "s"),
            ])
            .await
        }
    };
    // Without its token, with another token, with a token used before, for another request.
    let form = open_form(as_.ticket(&pat, &record, &["view"]).await).await;
    let mut without: Vec<_> = form
        .iter()
        .filter(|(k, _)| k != "csrf_token")
        .cloned()
        .collect();
    without.extend(login("carol", "carol-password"));
    refused(as_.claims_post(&without).await);
    let mut forged = form.clone();
    for (k, v) in forged.iter_mut() {
        if k == "csrf_token" {
            *v = "guessed".into();
        }
    }
    forged.extend(login("carol", "carol-password"));
    refused(as_.claims_post(&forged).await);
    let mut used = open_form(as_.ticket(&pat, &record, &["view"]).await).await;
    used.extend(login("carol", "carol-password"));
    let (_, params) = as_.claims_post(&used).await.redirect();
    assert!(param(&params, "ticket").is_some());
    refused(as_.claims_post(&used).await);
    let mut swapped = open_form(as_.ticket(&pat, &record, &["view"]).await).await;
    for (k, v) in swapped.iter_mut() {
        if k == "state" {
            *v = "another".into();
        }
    }
    swapped.extend(login("carol", "carol-password"));
    let (_, params) = as_.claims_post(&swapped).await.redirect();
    assert_eq!(param(&params, "error"), Some("invalid_request"));
    // The form page itself may not be framed or cached.
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let page = as_
        .claims_get(&[("client_id", "uma-client"), ("ticket", &ticket)])
        .await;
    assert_eq!(page.header(header::X_FRAME_OPTIONS), Some("DENY"));
}

#[tokio::test]
async fn pushed_claim_tokens_in_both_formats() {
    let as_ = As::start(&[]).await;
    let (pat, record) = as_.alice_resource(Some(MEDICAL_RECORD)).await;
    let exp = as_.now().await + 600;
    let push = |token: String, format: &'static str| {
        let as_ = &as_;
        let pat = &pat;
        let record = &record;
        async move {
            let ticket = as_.ticket(pat, record, &["view"]).await;
            let reply = as_
                .rpt_request(
                    &ticket,
                    &[("claim_token", &token), ("claim_token_format", format)],
                    UMA_CLIENT,
                )
                .await;
            (ticket, reply)
        }
    };
    // An ID token is issued to the client; a JWT claim token is meant for the AS.
    let (_, ok) = push(mint(&carol("uma-client", exp)), ID_TOKEN).await;
    assert!(ok.assert_issued()["pct"].is_string());
    let (_, ok) = push(mint(&carol(as_.issuer(), exp)), JWT).await;
    ok.assert_issued();
    let aud_array = json!({"iss": IDP, "sub": "carol", "aud": ["other", "uma-client"],
                           "exp": exp, "roles": "doctor"});
    let (_, ok) = push(mint(&aud_array), ID_TOKEN).await;
    ok.assert_issued();

    // Every flaw is need_info, with a new ticket and hints.
    let mut unknown_issuer = carol("uma-client", exp);
    unknown_issuer["iss"] = "https://evil.example.test".into();
    let mut not_a_doctor = carol("uma-client", exp);
    not_a_doctor["roles"] = json!(["patient"]);
    let token = mint(&carol("uma-client", exp));
    let mut parts: Vec<&str> = token.split('.').collect();
    let other = mint(&not_a_doctor);
    let other_payload = other.split('.').nth(1).unwrap();
    parts[1] = other_payload;
    let spliced = parts.join(".");
    let flawed = [
        (mint(&carol(as_.issuer(), exp)), ID_TOKEN),
        (mint(&carol("uma-client", exp)), JWT),
        (mint(&carol("uma-client", exp - 601)), ID_TOKEN),
        (mint(&unknown_issuer), ID_TOKEN),
        (mint(&not_a_doctor), ID_TOKEN),
        (spliced, ID_TOKEN),
        ("not-a-jwt".to_string(), ID_TOKEN),
        (mint(&carol("uma-client", exp)), "urn:example:saml"),
    ];
    for (token, format) in flawed {
        let (ticket, reply) = push(token.clone(), format).await;
        let body = assert_need_info(&reply, &ticket);
        assert!(body["required_claims"].is_array(), "{body}");
    }
    // Expired by the mock clock.
    let token = mint(&carol("uma-client", exp));
    as_.advance(600).await;
    let (ticket, reply) = push(token, ID_TOKEN).await;
    assert_need_info(&reply, &ticket);
}

#[tokio::test]
async fn claim_tokens_pushed_by_an_untrusted_client_are_not_accepted() {
    let as_ = As::start(&[]).await;
    let (pat, record) = as_.alice_resource(Some(MEDICAL_RECORD)).await;
    // The fixture identity provider trusts uma-client and uma-public-client, not uma-stranger.
    let token = mint(&carol("uma-stranger", as_.now().await + 600));
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let reply = as_
        .rpt_request(
            &ticket,
            &[("claim_token", &token), ("claim_token_format", ID_TOKEN)],
            STRANGER,
        )
        .await;
    let body = assert_need_info(&reply, &ticket);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("not trusted")
    );
}

#[tokio::test]
async fn a_pct_is_reused_by_its_client_only() {
    let as_ = As::start(&[]).await;
    let (pat, record) = as_.alice_resource(Some(MEDICAL_RECORD)).await;
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let token = mint(&carol("uma-client", as_.now().await + 600));
    let answer = as_
        .rpt(
            &ticket,
            &[("claim_token", &token), ("claim_token_format", ID_TOKEN)],
            UMA_CLIENT,
        )
        .await;
    let pct = answer["pct"].as_str().unwrap().to_string();
    // Opaque: it says nothing about carol.
    assert!(!pct.contains('.'));
    // Later, and long after the claim token expired, the PCT alone is enough.
    as_.advance(3600).await;
    let pat = as_.pat("rs-alice").await;
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let again = as_.rpt(&ticket, &[("pct", &pct)], UMA_CLIENT).await;
    assert!(again.get("pct").is_none(), "nothing new was collected");
    // Another client holding it gets nowhere.
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let reply = as_.rpt_request(&ticket, &[("pct", &pct)], PUBLIC).await;
    assert_need_info(&reply, &ticket);
    // A PCT that was never issued.
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let reply = as_
        .rpt_request(&ticket, &[("pct", "made-up")], UMA_CLIENT)
        .await;
    assert_need_info(&reply, &ticket);
    // Claims of interactive gathering give a PCT too.
    let ticket = as_.ticket(&pat, &record, &["view"]).await;
    let params = as_.gather_as_carol(&ticket, None).await;
    let answer = as_
        .rpt(param(&params, "ticket").unwrap(), &[], UMA_CLIENT)
        .await;
    assert_ne!(answer["pct"].as_str().unwrap(), pct);
}
