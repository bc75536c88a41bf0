//! HTTP tests of the mocks' control API additions: the exchange log of both mocks
//! (`/_mock/exchanges`), the AS's scripted introspection answers (`/_mock/introspection-answers`)
//! and its outage switch (`/_mock/outage`), with the reference RS watching the outage.

use reqwest::StatusCode;
use serde_json::{Value, json};
use uma_conformance::mock::authorization_server::{MockAs, MockAsConfig};
use uma_conformance::mock::resource_server::{MockRs, MockRsConfig, UNREACHABLE_WARNING};

const LAB_REPORT: &str = "/patients/alice/lab-reports/1";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap()
}

async fn start_as() -> MockAs {
    MockAs::start(MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap())
        .await
        .expect("AS starts")
}

/// Status and JSON body.
async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("body");
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, value)
}

async fn get_json(http: &reqwest::Client, url: &str) -> (StatusCode, Value) {
    json_of(http.get(url).send().await.expect("send")).await
}

async fn post_json(http: &reqwest::Client, url: &str, body: &Value) -> (StatusCode, Value) {
    json_of(http.post(url).json(body).send().await.expect("send")).await
}

async fn pat(http: &reqwest::Client, issuer: &str) -> String {
    let (status, body) = json_of(
        http.post(format!("{issuer}/token"))
            .basic_auth("rs-alice", Some("rs-alice-secret"))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

/// The value of a `[name, value]` pair list.
fn pair<'a>(pairs: &'a Value, name: &str) -> Option<&'a str> {
    pairs
        .as_array()?
        .iter()
        .find(|p| p[0] == name)
        .and_then(|p| p[1].as_str())
}

#[tokio::test]
async fn the_as_records_every_exchange_but_its_control_calls() {
    let mock_as = start_as().await;
    let issuer = mock_as.issuer();
    let http = client();
    let exchanges = format!("{issuer}/_mock/exchanges");
    let (status, empty) = get_json(&http, &exchanges).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(empty, json!({"exchanges": [], "last_seq": 0}));

    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    http.get(format!("{issuer}/.well-known/uma2-configuration?x=1"))
        .header("X-Probe", "one")
        .send()
        .await
        .unwrap();
    let pat = pat(&http, issuer).await;
    // Control calls in between leave no trace.
    get_json(&http, &format!("{issuer}/_mock/clock")).await;
    get_json(&http, &exchanges).await;

    let (_, page) = get_json(&http, &exchanges).await;
    assert_eq!(page["last_seq"], json!(2), "{page}");
    let listed = page["exchanges"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    let discovery = &listed[0];
    assert_eq!(discovery["seq"], json!(1));
    assert!(discovery["at_ms"].as_u64().unwrap() >= before);
    assert_eq!(discovery["method"], json!("GET"));
    assert_eq!(discovery["path"], json!("/.well-known/uma2-configuration"));
    assert_eq!(discovery["query"], json!("x=1"));
    assert_eq!(pair(&discovery["headers"], "x-probe"), Some("one"));
    assert_eq!(discovery["status"], json!(200));
    assert_eq!(discovery["body_truncated"], json!(false));
    let published: Value =
        serde_json::from_str(discovery["response_body"].as_str().unwrap()).unwrap();
    assert_eq!(published["issuer"], json!(issuer));
    assert_eq!(
        pair(&discovery["response_headers"], "content-type"),
        Some("application/json")
    );

    let token = &listed[1];
    assert_eq!(token["seq"], json!(2));
    assert_eq!(token["method"], json!("POST"));
    assert_eq!(token["query"], Value::Null);
    assert_eq!(token["body"], json!("grant_type=client_credentials"));
    assert!(pair(&token["headers"], "authorization").is_some());
    assert!(token["response_body"].as_str().unwrap().contains(&pat));

    let (_, after) = get_json(&http, &format!("{exchanges}?after=1")).await;
    assert_eq!(after["exchanges"].as_array().unwrap().len(), 1);
    assert_eq!(after["exchanges"][0]["seq"], json!(2));
    let (status, bad) = get_json(&http, &format!("{exchanges}?after=soon")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(bad["error"], json!("invalid_request"));
}

#[tokio::test]
async fn recorded_bodies_are_capped_and_the_handler_still_gets_them_whole() {
    let mock_as = start_as().await;
    let issuer = mock_as.issuer();
    let http = client();
    let pat = pat(&http, issuer).await;
    // A description just under the mock's limit registers: the handler got every byte.
    let name = "n".repeat(60 * 1024);
    let created = http
        .post(format!("{issuer}/resource_set"))
        .bearer_auth(&pat)
        .json(&json!({"name": name, "resource_scopes": ["view"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    // One over it is refused as before, with a JSON error.
    let (status, refused) = json_of(
        http.post(format!("{issuer}/resource_set"))
            .bearer_auth(&pat)
            .json(&json!({"name": "n".repeat(70 * 1024), "resource_scopes": ["view"]}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(refused["error"], json!("invalid_request"));

    let (_, page) = get_json(&http, &format!("{issuer}/_mock/exchanges?after=1")).await;
    let listed = page["exchanges"].as_array().unwrap();
    assert_eq!(listed[0]["status"], json!(201));
    assert_eq!(listed[0]["body_truncated"], json!(false));
    assert!(listed[0]["body"].as_str().unwrap().contains(&name));
    assert_eq!(listed[1]["status"], json!(400));
    assert_eq!(listed[1]["body_truncated"], json!(true));
    assert_eq!(listed[1]["body"].as_str().unwrap().len(), 64 * 1024);
}

#[tokio::test]
async fn scripted_introspection_answers_are_given_verbatim_to_a_valid_pat() {
    let mock_as = start_as().await;
    let issuer = mock_as.issuer();
    let http = client();
    let answers = format!("{issuer}/_mock/introspection-answers");
    let answer = json!({"active": true, "permissions": [
        {"resource_id": "X", "resource_scopes": ["view"], "exp": 1}
    ], "anything": {"nested": [1, 2]}});
    let (status, created) = post_json(
        &http,
        &answers,
        &json!({"token": "crafted", "answer": answer}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created, json!({"token": "crafted"}));

    let pat = pat(&http, issuer).await;
    let introspect = |bearer: Option<&str>, token: &str| {
        let mut request = http
            .post(format!("{issuer}/introspect"))
            .form(&[("token", token)]);
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        request.send()
    };
    let response = introspect(Some(&pat), "crafted").await.unwrap();
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let (status, shown) = json_of(response).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown, answer);
    // Other tokens are looked up as ever; callers without a PAT are still refused.
    let (_, other) = json_of(introspect(Some(&pat), "crafted2").await.unwrap()).await;
    assert_eq!(other, json!({"active": false}));
    let unauthenticated = introspect(None, "crafted").await.unwrap();
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);

    // Re-scripting replaces the answer.
    post_json(
        &http,
        &answers,
        &json!({"token": "crafted", "answer": {"active": false, "x": 1}}),
    )
    .await;
    let (_, replaced) = json_of(introspect(Some(&pat), "crafted").await.unwrap()).await;
    assert_eq!(replaced, json!({"active": false, "x": 1}));

    for bad in [
        json!({"token": "t"}),
        json!({"answer": {}}),
        json!({"token": "", "answer": {}}),
        json!({"token": 1, "answer": {}}),
        json!({"token": "t", "answer": [1]}),
        json!({"token": "t", "answer": {}, "extra": 1}),
        json!(["t", {}]),
    ] {
        let (status, error) = post_json(&http, &answers, &bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(error["error"], json!("invalid_request"), "{bad}");
    }
}

#[tokio::test]
async fn scripted_introspection_answers_are_bounded() {
    let mock_as = start_as().await;
    let http = client();
    let answers = format!("{}/_mock/introspection-answers", mock_as.issuer());
    for n in 0..1000 {
        let (status, _) = post_json(
            &http,
            &answers,
            &json!({"token": format!("t{n}"), "answer": {"active": false}}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, error) = post_json(
        &http,
        &answers,
        &json!({"token": "one-too-many", "answer": {}}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"], json!("invalid_request"));
    let (status, _) = post_json(&http, &answers, &json!({"token": "t0", "answer": {}})).await;
    assert_eq!(status, StatusCode::CREATED);
}

/// A call to a route of a downed mock: a 503 whose body breaks off, or no answer at all.
async fn assert_unusable(http: &reqwest::Client, url: &str) {
    match http.get(url).send().await {
        Err(_) => {}
        Ok(response) => {
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(response.headers()["connection"], "close");
            assert!(response.bytes().await.is_err(), "the body should break off");
        }
    }
}

#[tokio::test]
async fn the_outage_switch_takes_the_as_down_and_the_rs_sees_it_unreachable() {
    let mock_as = start_as().await;
    let issuer = mock_as.issuer().to_string();
    let rs = MockRs::start(MockRsConfig::new("127.0.0.1:0".parse().unwrap(), &issuer).unwrap())
        .await
        .expect("RS starts");
    let http = client();
    let outage = format!("{issuer}/_mock/outage");
    assert_eq!(get_json(&http, &outage).await.1, json!({"down": false}));
    let (status, down) = post_json(&http, &outage, &json!({"down": true})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(down, json!({"down": true}));
    assert_eq!(get_json(&http, &outage).await.1, json!({"down": true}));

    assert_unusable(&http, &format!("{issuer}/.well-known/uma2-configuration")).await;
    assert_unusable(&http, &format!("{issuer}/no-such-route")).await;
    // The control API keeps working.
    assert_eq!(
        get_json(&http, &format!("{issuer}/_mock/health")).await.0,
        StatusCode::OK
    );

    let url = format!("{}{LAB_REPORT}", rs.base_url());
    for rpt in [None, Some("some-rpt")] {
        let mut request = http.get(&url);
        if let Some(rpt) = rpt {
            request = request.bearer_auth(rpt);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{rpt:?}");
        assert_eq!(
            response.headers()["warning"].to_str().unwrap(),
            UNREACHABLE_WARNING
        );
    }
    // The log saw the refused calls of the RS.
    let (_, page) = get_json(&http, &format!("{issuer}/_mock/exchanges")).await;
    let refused: Vec<&Value> = page["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == json!(503))
        .collect();
    assert!(
        refused.iter().any(|e| e["path"] == json!("/permission")),
        "{page}"
    );

    let (_, up) = post_json(&http, &outage, &json!({"down": false})).await;
    assert_eq!(up, json!({"down": false}));
    let response = http.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    for bad in [
        json!({"down": "yes"}),
        json!({}),
        json!({"down": true, "x": 1}),
    ] {
        let (status, error) = post_json(&http, &outage, &bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(error["error"], json!("invalid_request"));
    }
}

#[tokio::test]
async fn the_rs_records_its_api_exchanges_and_has_a_health_route() {
    let mock_as = start_as().await;
    let rs =
        MockRs::start(MockRsConfig::new("127.0.0.1:0".parse().unwrap(), mock_as.issuer()).unwrap())
            .await
            .expect("RS starts");
    let http = client();
    let base = rs.base_url();
    assert_eq!(
        get_json(&http, &format!("{base}/_mock/health")).await,
        (StatusCode::OK, json!({"status": "ok"}))
    );
    let exchanges = format!("{base}/_mock/exchanges");
    assert_eq!(get_json(&http, &exchanges).await.1["last_seq"], json!(0));
    http.put(format!("{base}{LAB_REPORT}?x=y"))
        .bearer_auth("nope")
        .json(&json!({"new": true}))
        .send()
        .await
        .unwrap();
    let (_, page) = get_json(&http, &exchanges).await;
    assert_eq!(page["last_seq"], json!(1), "{page}");
    let put = &page["exchanges"][0];
    assert_eq!(put["method"], json!("PUT"));
    assert_eq!(put["path"], json!(LAB_REPORT));
    assert_eq!(put["query"], json!("x=y"));
    assert_eq!(put["body"], json!("{\"new\":true}"));
    assert_eq!(put["status"], json!(401));
    assert!(
        pair(&put["response_headers"], "www-authenticate")
            .unwrap()
            .starts_with("UMA ")
    );
    assert_eq!(pair(&put["headers"], "authorization"), Some("Bearer nope"));
    let (status, _) = get_json(&http, &format!("{exchanges}?after=x")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn deviations_are_switched_on_and_off_at_run_time() {
    let mock = start_as().await;
    let http = client();
    let url = format!("{}/_mock/deviations", mock.issuer());
    let (status, body) = get_json(&http, &url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"switched_on": []}));
    let on = json!({"name": "need-info-same-ticket", "on": true});
    let (status, body) = post_json(&http, &url, &on).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"switched_on": ["need-info-same-ticket"]}));
    let off = json!({"name": "need-info-same-ticket", "on": false});
    let (_, body) = post_json(&http, &url, &off).await;
    assert_eq!(body, json!({"switched_on": []}));
    for bad in [
        json!({"name": "no-such-deviation", "on": true}),
        json!({"name": "need-info-same-ticket"}),
        json!({"name": "need-info-same-ticket", "on": true, "extra": 1}),
    ] {
        let (status, body) = post_json(&http, &url, &bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["error"], "invalid_request", "{body}");
    }
    mock.stop().await;
}
