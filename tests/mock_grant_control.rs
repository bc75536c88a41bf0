//! HTTP tests of the reference AS's policies and their administration: the control API standing
//! in for the resource owner (`/_mock/policies`, `/_mock/requests`), fixture policies by type and
//! condition, dynamic client registration (RFC 7591, Grant 2), and the `mock hook` command.

mod mock_grant_common;

use std::io::Write;
use std::process::{Command, Stdio};

use mock_grant_common::*;
use reqwest::header;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uma_conformance::mock::authorization_server::{MockAsConfig, TlsMode};

const DAY: i64 = 24 * 3600;

#[tokio::test]
async fn policies_are_created_listed_replaced_and_deleted() {
    let as_ = As::start(&[]).await;
    let (pat, id) = as_.alice_resource(None).await;
    let listed = as_.get(&as_.url("/_mock/policies")).await.json();
    let ids: Vec<&str> = listed["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["policy_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"alice-grants-her-clients"), "{listed}");

    // The harness's create-policy: deny this resource to uma-client.
    let policy_id = as_
        .create_policy(
            json!({"owner": "alice", "resource_id": id, "scopes": ["view", "print"],
                              "outcome": "deny", "clients": ["uma-client"]}),
        )
        .await;
    let shown = as_
        .get(&as_.url(&format!("/_mock/policies/{policy_id}")))
        .await
        .json();
    assert_eq!(shown["policy_id"], policy_id.as_str());
    assert_eq!(shown["outcome"], "deny");
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_denied");
    // Replaced (the body may repeat its id) by a grant of view only.
    let path = format!("/_mock/policies/{policy_id}");
    let reply = as_
        .send_json(
            Method::PUT,
            &path,
            None,
            &json!({"policy_id": policy_id, "owner": "alice", "resource_id": id,
                    "scopes": ["view"], "outcome": "grant", "clients": ["uma-client"]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json()["policy_id"], policy_id.as_str());
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    as_.rpt(&ticket, &[], UMA_CLIENT).await;
    // The resource-level policy decides for this resource: print is not covered.
    let ticket = as_.ticket(&pat, &id, &["print"]).await;
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_denied");
    // Deleted: alice's blanket policy decides again.
    let reply = Reply::from(as_.http.delete(as_.url(&path)).send().await.unwrap()).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let ticket = as_.ticket(&pat, &id, &["print"]).await;
    as_.rpt(&ticket, &[], UMA_CLIENT).await;
    for (method, status) in [
        (Method::GET, StatusCode::NOT_FOUND),
        (Method::DELETE, StatusCode::NOT_FOUND),
    ] {
        let reply = Reply::from(
            as_.http
                .request(method, as_.url(&path))
                .send()
                .await
                .unwrap(),
        )
        .await;
        reply.assert_error(status, "not_found");
    }
    as_.send_json(
        Method::PUT,
        &path,
        None,
        &json!({"owner": "alice", "outcome": "grant"}),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn malformed_policies_are_400() {
    let as_ = As::start(&[]).await;
    for body in [
        json!({"owner": "nobody", "outcome": "grant"}),
        json!({"owner": "alice", "outcome": "maybe"}),
        json!({"owner": "alice"}),
        json!({"owner": "alice", "outcome": "grant", "resource_id": "r", "resource_type": "t"}),
        json!({"owner": "alice", "outcome": "grant", "colour": "blue"}),
        json!({"id": "mine", "owner": "alice", "outcome": "grant"}),
        json!({"policy_id": "mine", "owner": "alice", "outcome": "grant"}),
        json!({"owner": "alice", "outcome": "grant", "scopes": "view"}),
        json!({"owner": "alice", "outcome": "deny", "required_claims": [{"name": "x"}]}),
        json!({"owner": "alice", "outcome": "need_claims", "required_claims": [{"nom": "x"}]}),
        json!({"owner": "alice", "outcome": "grant", "time_of_day": {"from": "25:00", "until": "01:00"}}),
        json!([]),
    ] {
        as_.send_json(Method::POST, "/_mock/policies", None, &body)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    }
    let raw = Reply::from(
        as_.http
            .post(as_.url("/_mock/policies"))
            .header(header::CONTENT_TYPE, "text/plain")
            .body("{}")
            .send()
            .await
            .unwrap(),
    )
    .await;
    raw.assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    let id = as_
        .create_policy(json!({"owner": "alice", "outcome": "grant"}))
        .await;
    as_.send_json(
        Method::PUT,
        &format!("/_mock/policies/{id}"),
        None,
        &json!({"policy_id": "other", "owner": "alice", "outcome": "grant"}),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn owner_requests_are_answered_once() {
    let as_ = As::start(&[]).await;
    as_.decide("no-such-request", "approve")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    let (pat, album) = as_.alice_resource(Some(PHOTO_ALBUM)).await;
    let ticket = as_.ticket(&pat, &album, &["view"]).await;
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_submitted");
    let id = as_.requests().await[0]["request_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(as_.decide(&id, "approve").await.status, StatusCode::OK);
    assert_eq!(as_.decide(&id, "approve").await.status, StatusCode::OK);
    as_.decide(&id, "deny")
        .await
        .assert_error(StatusCode::CONFLICT, "invalid_request");
}

#[tokio::test]
async fn need_claims_policies_from_the_control_api() {
    let as_ = As::start(&[]).await;
    let (pat, id) = as_.alice_resource(None).await;
    // As the harness arranges it: no claims named, so any claims about the party will do.
    as_.create_policy(
        json!({"owner": "alice", "resource_id": id, "scopes": ["view"],
                             "outcome": "need_claims", "clients": ["uma-client"]}),
    )
    .await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let reply = as_.rpt_request(&ticket, &[], UMA_CLIENT).await;
    let body = assert_need_info(&reply, &ticket);
    assert_eq!(body["redirect_user"], as_.url("/claims"));
    assert_eq!(body["required_claims"][0]["issuer"], json!([IDP]));
    let token = mint(&carol(as_.issuer(), as_.now().await + 600));
    as_.rpt(
        body["ticket"].as_str().unwrap(),
        &[("claim_token", &token), ("claim_token_format", JWT)],
        UMA_CLIENT,
    )
    .await;
    // Claims named by the policy: only carol's email satisfies it, with explicit hints and no
    // redirect.
    let other = as_
        .register(&pat, json!({"resource_scopes": ["view"]}))
        .await;
    as_.create_policy(json!({"owner": "alice", "resource_id": other, "outcome": "need_claims",
                             "claims": {"email": "carol@example.test"}, "redirect_user": false,
                             "required_claims": [{"name": "email", "friendly_name": "email",
                                                  "claim_type": "urn:oid:0.9.2342.19200300.100.1.3"}]}))
        .await;
    let ticket = as_.ticket(&pat, &other, &["view"]).await;
    let reply = as_.rpt_request(&ticket, &[], UMA_CLIENT).await;
    let body = assert_need_info(&reply, &ticket);
    assert!(body.get("redirect_user").is_none(), "{body}");
    assert_eq!(body["required_claims"][0]["name"], "email");
    let mut dave = carol("uma-client", as_.now().await + 600);
    dave["sub"] = "dave".into();
    dave["email"] = "dave@example.test".into();
    let ticket = body["ticket"].as_str().unwrap();
    let reply = as_
        .rpt_request(
            ticket,
            &[
                ("claim_token", &mint(&dave)),
                ("claim_token_format", ID_TOKEN),
            ],
            UMA_CLIENT,
        )
        .await;
    let body = assert_need_info(&reply, ticket);
    let token = mint(&carol("uma-client", as_.now().await + 600));
    as_.rpt(
        body["ticket"].as_str().unwrap(),
        &[("claim_token", &token), ("claim_token_format", ID_TOKEN)],
        UMA_CLIENT,
    )
    .await;
}

#[tokio::test]
async fn grant_and_deny_by_requesting_party_claims() {
    let as_ = As::start(&[]).await;
    let (pat, id) = as_.alice_resource(None).await;
    // Patients are denied, doctors granted: the claims decide which policy counts.
    as_.create_policy(
        json!({"owner": "alice", "resource_id": id, "outcome": "grant",
                             "claims": {"roles": "doctor"}}),
    )
    .await;
    as_.create_policy(
        json!({"owner": "alice", "resource_id": id, "outcome": "deny",
                             "claims": {"roles": "patient"}}),
    )
    .await;
    let exp = as_.now().await + 600;
    let mut patient = carol("uma-client", exp);
    patient["roles"] = json!(["patient"]);
    for (claims, granted) in [
        (None, false),
        (Some(patient), false),
        (Some(carol("uma-client", exp)), true),
    ] {
        let ticket = as_.ticket(&pat, &id, &["view"]).await;
        let token = claims.map(|c| mint(&c));
        let extra: Vec<(&str, &str)> = match &token {
            Some(token) => vec![("claim_token", token), ("claim_token_format", ID_TOKEN)],
            None => vec![],
        };
        let reply = as_.rpt_request(&ticket, &extra, UMA_CLIENT).await;
        if granted {
            reply.assert_issued();
        } else {
            reply.assert_token_error(StatusCode::FORBIDDEN, "request_denied");
        }
    }
}

#[tokio::test]
async fn conditions_follow_the_mock_clock() {
    let as_ = As::start(&[]).await;
    let (_, doc) = as_.alice_resource(Some(OFFICE_DOCUMENT)).await;
    // The fixture shares office documents 09:00-17:00 UTC: go to the next 10:00, then 18:00.
    // PATs live an hour, so the resource server gets a fresh one after each move.
    let now = as_.now().await;
    let to_ten = (10 * 3600 - now.rem_euclid(DAY)).rem_euclid(DAY);
    as_.advance(to_ten as u64).await;
    let pat = as_.pat("rs-alice").await;
    let ticket = as_.ticket(&pat, &doc, &["view"]).await;
    as_.rpt(&ticket, &[], UMA_CLIENT).await;
    as_.advance(8 * 3600).await;
    let pat = as_.pat("rs-alice").await;
    let ticket = as_.ticket(&pat, &doc, &["view"]).await;
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_denied");

    // A validity window.
    let now = as_.now().await;
    let id = as_
        .register(&pat, json!({"resource_scopes": ["view"]}))
        .await;
    as_.create_policy(
        json!({"owner": "alice", "resource_id": id, "outcome": "grant",
                             "valid_from": now + 100, "valid_until": now + 200}),
    )
    .await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_denied");
    as_.advance(100).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    as_.rpt(&ticket, &[], UMA_CLIENT).await;
    as_.advance(100).await;
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_denied");
}

#[tokio::test]
async fn dynamic_client_registration_with_claims_redirect_uris() {
    let as_ = As::start(&[]).await;
    let registration = as_
        .send_json(
            Method::POST,
            "/register",
            None,
            &json!({"client_name": "Example UMA client",
                    "claims_redirect_uris": ["https://app.example.test/cb?x=1"],
                    "token_endpoint_auth_method": "client_secret_post",
                    "grant_types": ["urn:ietf:params:oauth:grant-type:uma-ticket", "refresh_token"],
                    "vendor_extension": true}),
        )
        .await;
    assert_eq!(
        registration.status,
        StatusCode::CREATED,
        "{}",
        registration.text
    );
    assert_eq!(registration.header(header::CACHE_CONTROL), Some("no-store"));
    let client = registration.json();
    assert_eq!(
        client["claims_redirect_uris"],
        json!(["https://app.example.test/cb?x=1"])
    );
    assert_eq!(client["client_name"], "Example UMA client");
    assert!(client.get("vendor_extension").is_none());
    assert_eq!(client["client_secret_expires_at"], 0);
    let id = client["client_id"].as_str().unwrap();
    let secret = client["client_secret"].as_str().unwrap();
    // It works for the UMA grant as soon as a policy names it.
    let (pat, resource) = as_.alice_resource(Some(MEDICAL_RECORD)).await;
    let ticket = as_.ticket(&pat, &resource, &["view"]).await;
    let reply = as_
        .rpt_request(&ticket, &[], Client::Post(id, secret))
        .await;
    let next = assert_need_info(&reply, &ticket)["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    // ...and at the claims interaction endpoint, with its only claims redirect URI implied.
    let mut form = as_
        .claims_form(&[("client_id", id), ("ticket", &next)])
        .await;
    form.extend(login("carol", "carol-password"));
    let (base, params) = as_.claims_post(&form).await.redirect();
    assert_eq!(base, "https://app.example.test/cb");
    assert_eq!(param(&params, "x"), Some("1"));
    let answer = as_
        .rpt(
            param(&params, "ticket").unwrap(),
            &[],
            Client::Post(id, secret),
        )
        .await;
    assert!(answer["refresh_token"].is_string() && answer["pct"].is_string());
    // A public client gets no secret.
    let public = as_
        .send_json(
            Method::POST,
            "/register",
            None,
            &json!({"token_endpoint_auth_method": "none",
                    "claims_redirect_uris": ["https://app.example.test/pub"]}),
        )
        .await;
    assert_eq!(public.status, StatusCode::CREATED);
    assert!(public.json().get("client_secret").is_none());
    // Errors of RFC 7591 3.2.2.
    for (body, code) in [
        (
            json!({"claims_redirect_uris": ["/relative"]}),
            "invalid_redirect_uri",
        ),
        (
            json!({"claims_redirect_uris": ["https://a.example/cb#f"]}),
            "invalid_redirect_uri",
        ),
        (
            json!({"token_endpoint_auth_method": "tls_client_auth"}),
            "invalid_client_metadata",
        ),
        (
            json!({"grant_types": ["client_credentials"]}),
            "invalid_client_metadata",
        ),
        (json!(["not", "an", "object"]), "invalid_client_metadata"),
    ] {
        as_.send_json(Method::POST, "/register", None, &body)
            .await
            .assert_error(StatusCode::BAD_REQUEST, code);
    }
}

/// Runs `mock hook` with one action on standard input: (exit code, the JSON result line).
fn hook(control_api: &str, ca: Option<&std::path::Path>, action: &Value) -> (i32, Value) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_uma-conformance"));
    command.args(["mock", "hook", "--control-api", control_api]);
    if let Some(ca) = ca {
        command.arg("--ca").arg(ca);
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(action.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "one result line: {text:?}");
    (
        output.status.code().unwrap(),
        serde_json::from_str(lines[0]).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hook_drives_the_control_api() {
    let as_ = As::start(&[]).await;
    let control = as_.url("/_mock");
    let (pat, id) = as_.alice_resource(None).await;
    let run = |action: Value| {
        let control = control.clone();
        tokio::task::spawn_blocking(move || hook(&control, None, &action))
    };
    let (code, result) = run(json!({"action": "create-policy", "owner": "alice",
                                     "resource_id": id, "scopes": ["view"],
                                     "outcome": "ask_owner", "clients": ["uma-client"]}))
    .await
    .unwrap();
    assert_eq!((code, &result["ok"]), (0, &json!(true)), "{result}");
    let policy_id = result["policy_id"].as_str().unwrap().to_string();
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    let body = as_
        .rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_submitted");
    let polled = body["ticket"].as_str().unwrap().to_string();
    // The owner answers by the ticket the client polls with.
    let (code, result) = run(json!({"action": "approve-request", "ticket": polled}))
        .await
        .unwrap();
    assert_eq!(code, 0, "{result}");
    assert_eq!(result["status"], "approved");
    as_.rpt(&polled, &[], UMA_CLIENT).await;
    let (code, result) = run(json!({"action": "change-policy", "policy_id": policy_id,
                                     "owner": "alice", "resource_id": id, "scopes": ["view"],
                                     "outcome": "deny", "clients": ["uma-client"]}))
    .await
    .unwrap();
    assert_eq!(
        (code, &result["policy_id"]),
        (0, &json!(policy_id)),
        "{result}"
    );
    let ticket = as_.ticket(&pat, &id, &["view"]).await;
    as_.rpt_request(&ticket, &[], UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_denied");
    let (code, _) = run(json!({"action": "delete-policy", "policy_id": policy_id}))
        .await
        .unwrap();
    assert_eq!(code, 0);
    let (code, result) = run(json!({"action": "delete-policy", "policy_id": policy_id}))
        .await
        .unwrap();
    assert_eq!((code, &result["ok"]), (1, &json!(false)));
    assert!(
        result["error"].as_str().unwrap().contains("404"),
        "{result}"
    );
    let (code, result) = run(json!({"action": "list-requests"})).await.unwrap();
    assert_eq!((code, &result["requests"]), (0, &json!([])));
    for bad in [
        json!({"action": "deny-request"}),
        json!({"action": "deny-request", "ticket": "unknown"}),
        json!({"action": "fly"}),
        json!({"no": "action"}),
    ] {
        let (code, result) = run(bad.clone()).await.unwrap();
        assert_eq!((code, &result["ok"]), (1, &json!(false)), "{bad}: {result}");
    }
    // Loopback hosts only.
    let (code, result) = tokio::task::spawn_blocking(|| {
        hook(
            "https://as.example.com/_mock",
            None,
            &json!({"action": "list-requests"}),
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 1);
    assert!(result["error"].as_str().unwrap().contains("loopback"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hook_speaks_https_with_the_mock_ca() {
    let mut config = MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap();
    config.tls = TlsMode::Generated;
    let as_ = As::start_with(config).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, as_.mock.ca_certificate_pem().unwrap()).unwrap();
    let control = as_.url("/_mock");
    assert!(control.starts_with("https://"));
    let (code, result) = tokio::task::spawn_blocking(move || {
        hook(
            &control,
            Some(&ca),
            &json!({"action": "create-policy", "owner": "bob", "outcome": "grant"}),
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{result}");
    assert!(result["policy_id"].is_string());
}
