//! HTTP tests of the reference (mock) UMA authorization server's permission endpoint, UMA grant,
//! RPT introspection, revocation, clock control and authorization code flow, over real loopback
//! connections.

mod mock_grant_common;

use std::collections::BTreeSet;

use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uma_conformance::mock::authorization_server::{Fixtures, MockAs, MockAsConfig};

const UMA_GRANT: &str = "urn:ietf:params:oauth:grant-type:uma-ticket";
const UMA_CLIENT: (&str, &str) = ("uma-client", "uma-client-secret");
const CALLBACK: &str = "http://127.0.0.1:9/callback";
/// RFC 7636 Appendix B: a verifier and its S256 challenge.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

// ---------------------------------------------------------------------------------------------
// Harness

struct As {
    mock: MockAs,
    http: reqwest::Client,
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Reply {
    async fn from(response: reqwest::Response) -> Reply {
        Reply {
            status: response.status(),
            headers: response.headers().clone(),
            text: response.text().await.expect("body"),
        }
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("ascii header"))
    }

    /// An error answer: the status, a JSON object with this error code and a string
    /// description, and no caching.
    fn assert_error(&self, status: StatusCode, code: &str) -> &Self {
        assert_eq!(self.status, status, "{}", self.text);
        assert!(
            self.header(header::CONTENT_TYPE)
                .is_some_and(|c| c.starts_with("application/json")),
            "content type {:?}",
            self.header(header::CONTENT_TYPE)
        );
        assert_eq!(self.header(header::CACHE_CONTROL), Some("no-store"));
        let body = self.json();
        assert_eq!(body["error"], code, "{body}");
        assert!(body["error_description"].is_string(), "{body}");
        self
    }

    /// A token endpoint error (RFC 6749 5.2): also `Pragma: no-cache`.
    fn assert_token_error(&self, status: StatusCode, code: &str) -> &Self {
        self.assert_error(status, code);
        assert_eq!(self.header(header::PRAGMA), Some("no-cache"));
        self
    }

    /// RFC 7662 2.2: 200 and exactly `{"active": false}`.
    fn assert_inactive(&self) {
        assert_eq!(self.status, StatusCode::OK, "{}", self.text);
        assert_eq!(self.json(), json!({"active": false}));
    }

    /// A 302 to the callback: its query parameters.
    fn redirect_params(&self) -> Vec<(String, String)> {
        assert_eq!(self.status, StatusCode::FOUND, "{}", self.text);
        assert_eq!(self.header(header::CACHE_CONTROL), Some("no-store"));
        let location = url::Url::parse(self.header(header::LOCATION).expect("Location")).unwrap();
        let base = format!(
            "{}://{}{}",
            location.scheme(),
            location.host_str().unwrap(),
            location.port().map(|p| format!(":{p}")).unwrap_or_default()
        );
        assert_eq!(format!("{base}{}", location.path()), CALLBACK);
        location.query_pairs().into_owned().collect()
    }
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

impl As {
    async fn start(deviations: &[&str]) -> As {
        let mut config = MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap();
        config.deviations = deviations.iter().map(|d| d.to_string()).collect();
        As::start_with(config).await
    }

    async fn start_with(config: MockAsConfig) -> As {
        As {
            mock: MockAs::start(config).await.expect("mock starts"),
            http: client(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.mock.issuer(), path)
    }

    async fn get(&self, url: &str) -> Reply {
        Reply::from(self.http.get(url).send().await.expect("send")).await
    }

    async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        basic: Option<(&str, &str)>,
    ) -> Reply {
        let mut request = self.http.post(self.url(path)).form(form);
        if let Some((id, secret)) = basic {
            request = request.basic_auth(id, Some(secret));
        }
        Reply::from(request.send().await.expect("send")).await
    }

    async fn token(&self, form: &[(&str, &str)], basic: Option<(&str, &str)>) -> Reply {
        self.post_form("/token", form, basic).await
    }

    async fn pat(&self, client: &str) -> String {
        let secret = format!("{client}-secret");
        let reply = self
            .token(
                &[("grant_type", "client_credentials")],
                Some((client, &secret)),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.json()["access_token"].as_str().unwrap().to_string()
    }

    async fn send_json(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: &Value,
    ) -> Reply {
        let mut request = self.http.request(method, self.url(path)).json(body);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        Reply::from(request.send().await.expect("send")).await
    }

    /// Registers a description and returns its `_id`.
    async fn register(&self, pat: &str, scopes: &[&str]) -> String {
        let reply = self
            .send_json(
                Method::POST,
                "/resource_set",
                Some(pat),
                &json!({ "resource_scopes": scopes }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.json()["_id"].as_str().unwrap().to_string()
    }

    async fn delete(&self, pat: &str, id: &str) -> Reply {
        let url = self.url(&format!("/resource_set/{id}"));
        Reply::from(
            self.http
                .delete(url)
                .bearer_auth(pat)
                .send()
                .await
                .expect("send"),
        )
        .await
    }

    async fn permission(&self, pat: &str, body: &Value) -> Reply {
        self.send_json(Method::POST, "/permission", Some(pat), body)
            .await
    }

    /// A ticket for `body`, which must succeed.
    async fn ticket(&self, pat: &str, body: &Value) -> String {
        let reply = self.permission(pat, body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.json()["ticket"].as_str().unwrap().to_string()
    }

    async fn rpt_request(&self, ticket: &str, client: (&str, &str)) -> Reply {
        self.token(
            &[("grant_type", UMA_GRANT), ("ticket", ticket)],
            Some(client),
        )
        .await
    }

    /// An RPT for `ticket` for uma-client, which must succeed.
    async fn rpt(&self, ticket: &str) -> String {
        let reply = self.rpt_request(ticket, UMA_CLIENT).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.json()["access_token"].as_str().unwrap().to_string()
    }

    /// Registers a resource with scopes view and print for alice at rs-alice and gets an RPT for
    /// `view` on it: (alice's PAT, resource id, RPT).
    async fn alice_rpt(&self) -> (String, String, String) {
        let pat = self.pat("rs-alice").await;
        let id = self.register(&pat, &["view", "print"]).await;
        let ticket = self
            .ticket(
                &pat,
                &json!({"resource_id": id, "resource_scopes": ["view"]}),
            )
            .await;
        let rpt = self.rpt(&ticket).await;
        (pat, id, rpt)
    }

    async fn introspect(&self, pat: Option<&str>, token: &str) -> Reply {
        let mut request = self
            .http
            .post(self.url("/introspect"))
            .form(&[("token", token)]);
        if let Some(pat) = pat {
            request = request.bearer_auth(pat);
        }
        Reply::from(request.send().await.expect("send")).await
    }

    async fn revoke(&self, form: &[(&str, &str)], basic: Option<(&str, &str)>) -> Reply {
        self.post_form("/revoke", form, basic).await
    }

    async fn now(&self) -> i64 {
        let reply = self.get(&self.url("/_mock/clock")).await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.json()["now"].as_i64().expect("now")
    }

    async fn advance_raw(&self, content_type: &str, body: &str) -> Reply {
        let request = self
            .http
            .post(self.url("/_mock/clock"))
            .header(header::CONTENT_TYPE, content_type)
            .body(body.to_string());
        Reply::from(request.send().await.expect("send")).await
    }

    async fn advance(&self, secs: u64) -> i64 {
        let reply = self
            .advance_raw(
                "application/json",
                &json!({ "advance_secs": secs }).to_string(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.json()["now"].as_i64().expect("now")
    }

    async fn authorize_get(&self, query: &[(&str, &str)]) -> Reply {
        let request = self.http.get(self.url("/authorize")).query(query);
        Reply::from(request.send().await.expect("send")).await
    }

    async fn authorize_post(&self, form: &[(String, String)]) -> Reply {
        let request = self.http.post(self.url("/authorize")).form(form);
        Reply::from(request.send().await.expect("send")).await
    }

    /// Shows the login form for `query` and returns its hidden fields.
    async fn login_form(&self, query: &[(&str, &str)]) -> Vec<(String, String)> {
        let page = self.authorize_get(query).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(
            page.header(header::CONTENT_TYPE)
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(page.header(header::CACHE_CONTROL), Some("no-store"));
        mock_grant_common::hidden_fields(&page.text)
    }

    /// The whole front channel: form, login as `owner`, and the code from the redirect.
    async fn code(&self, client: &str, owner: &str) -> String {
        let mut form = self.login_form(&authorization_query(client)).await;
        form.extend(credentials(owner, &format!("{owner}-password")));
        let params = self.authorize_post(&form).await.redirect_params();
        assert_eq!(param(&params, "state"), Some("s-1"));
        param(&params, "code").expect("code").to_string()
    }

    async fn exchange(&self, client: &str, code: &str, verifier: &str) -> Reply {
        let secret = format!("{client}-secret");
        self.token(
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", CALLBACK),
                ("code_verifier", verifier),
            ],
            Some((client, &secret)),
        )
        .await
    }
}

fn authorization_query(client: &str) -> Vec<(&str, &str)> {
    vec![
        ("response_type", "code"),
        ("client_id", client),
        ("redirect_uri", CALLBACK),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
        ("state", "s-1"),
        ("scope", "uma_protection"),
    ]
}

fn credentials(username: &str, password: &str) -> Vec<(String, String)> {
    vec![
        ("username".into(), username.into()),
        ("password".into(), password.into()),
        ("action".into(), "allow".into()),
    ]
}

fn with_field(form: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    form.iter()
        .map(|(k, v)| {
            let v = if k == name {
                value.to_string()
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Permission endpoint

#[tokio::test]
async fn a_permission_request_gets_one_ticket_for_exactly_what_it_asked() {
    let as_ = As::start(&[]).await;
    let pat = as_.pat("rs-alice").await;
    let a = as_.register(&pat, &["view", "print"]).await;
    let b = as_
        .register(&pat, &["http://photoz.example.com/dev/scopes/all"])
        .await;
    let c = as_.register(&pat, &["view"]).await;

    // One object.
    let one = as_
        .permission(
            &pat,
            &json!({"resource_id": a, "resource_scopes": ["print"]}),
        )
        .await;
    assert_eq!(one.status, StatusCode::CREATED, "{}", one.text);
    assert!(
        one.header(header::CONTENT_TYPE)
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(one.header(header::CACHE_CONTROL), Some("no-store"));
    assert_eq!(keys(&one.json()), BTreeSet::from(["ticket"]));

    // An array of several resources, one of them with no scopes: still one ticket.
    let many = as_
        .permission(
            &pat,
            &json!([
                {"resource_id": a, "resource_scopes": ["view"]},
                {"resource_id": b, "resource_scopes": ["http://photoz.example.com/dev/scopes/all"]},
                {"resource_id": c, "resource_scopes": [], "x-extension": true}
            ]),
        )
        .await;
    assert_eq!(many.status, StatusCode::CREATED, "{}", many.text);
    let body = many.json();
    assert_eq!(keys(&body), BTreeSet::from(["ticket"]));
    let ticket = body["ticket"].as_str().unwrap().to_string();
    assert_ne!(ticket, one.json()["ticket"].as_str().unwrap());

    // The ticket carries exactly these permissions: the RPT shows them.
    let rpt = as_.rpt(&ticket).await;
    let introspection = as_.introspect(Some(&pat), &rpt).await.json();
    let granted: Vec<(Value, Value)> = introspection["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["resource_id"].clone(), p["resource_scopes"].clone()))
        .collect();
    assert_eq!(
        granted,
        [
            (json!(a), json!(["view"])),
            (
                json!(b),
                json!(["http://photoz.example.com/dev/scopes/all"])
            ),
            (json!(c), json!([])),
        ]
    );
}

#[tokio::test]
async fn permission_request_errors() {
    let as_ = As::start(&[]).await;
    let alice = as_.pat("rs-alice").await;
    let bob = as_.pat("rs-bob").await;
    let mine = as_.register(&alice, &["view", "print"]).await;
    let other = as_.register(&alice, &["edit"]).await;
    let bobs = as_.register(&bob, &["view"]).await;
    let gone = as_.register(&alice, &["view"]).await;
    assert_eq!(
        as_.delete(&alice, &gone).await.status,
        StatusCode::NO_CONTENT
    );

    for resource in ["never-registered", bobs.as_str(), gone.as_str()] {
        as_.permission(
            &alice,
            &json!({"resource_id": resource, "resource_scopes": ["view"]}),
        )
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_resource_id");
    }
    // One bad resource in an array spoils the request.
    as_.permission(
        &alice,
        &json!([
            {"resource_id": mine, "resource_scopes": ["view"]},
            {"resource_id": "never-registered", "resource_scopes": []}
        ]),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_resource_id");
    // Unregistered, or registered for another resource only.
    for scope in ["delete", "edit"] {
        as_.permission(
            &alice,
            &json!({"resource_id": mine, "resource_scopes": ["view", scope]}),
        )
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_scope");
    }
    // ...which is fine on the resource that has it.
    as_.ticket(
        &alice,
        &json!({"resource_id": other, "resource_scopes": ["edit"]}),
    )
    .await;
    for malformed in [
        json!([]),
        json!("ticket please"),
        json!([1]),
        json!({"resource_scopes": ["view"]}),
        json!({"resource_id": mine}),
        json!({"resource_id": 7, "resource_scopes": []}),
        json!({"resource_id": "", "resource_scopes": []}),
        json!({"resource_id": mine, "resource_scopes": "view"}),
        json!({"resource_id": mine, "resource_scopes": [1]}),
        json!([{"resource_id": mine, "resource_scopes": ["view"]}, {"resource_id": mine}]),
    ] {
        as_.permission(&alice, &malformed)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    }
    let not_json = as_
        .http
        .post(as_.url("/permission"))
        .bearer_auth(&alice)
        .header(header::CONTENT_TYPE, "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    Reply::from(not_json)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");

    // Authentication: no PAT, a bad one, and an RPT (a valid token, but not a PAT).
    let body = json!({"resource_id": mine, "resource_scopes": ["view"]});
    let none = as_
        .send_json(Method::POST, "/permission", None, &body)
        .await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert!(
        none.header(header::WWW_AUTHENTICATE)
            .unwrap()
            .starts_with("Bearer")
    );
    as_.permission("not-a-token", &body)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "invalid_token");
    let rpt = as_.rpt(&as_.ticket(&alice, &body).await).await;
    as_.permission(&rpt, &body)
        .await
        .assert_error(StatusCode::FORBIDDEN, "insufficient_scope");
}

#[tokio::test]
async fn tickets_expire_by_the_mock_clock() {
    let as_ = As::start(&[]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_.register(&pat, &["view"]).await;
    let body = json!({"resource_id": id, "resource_scopes": ["view"]});
    let early = as_.ticket(&pat, &body).await;
    let late = as_.ticket(&pat, &body).await;
    // A margin for the wall clock ticking on while the test runs.
    as_.advance(290).await;
    as_.rpt(&early).await;
    as_.advance(10).await;
    as_.rpt_request(&late, UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

// ---------------------------------------------------------------------------------------------
// The UMA grant

#[tokio::test]
async fn the_rpt_answer() {
    let as_ = As::start(&[]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_.register(&pat, &["view"]).await;
    let body = json!({"resource_id": id, "resource_scopes": ["view"]});

    let basic = as_
        .rpt_request(&as_.ticket(&pat, &body).await, UMA_CLIENT)
        .await;
    assert_eq!(basic.status, StatusCode::OK, "{}", basic.text);
    assert!(
        basic
            .header(header::CONTENT_TYPE)
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(basic.header(header::CACHE_CONTROL), Some("no-store"));
    assert_eq!(basic.header(header::PRAGMA), Some("no-cache"));
    let answer = basic.json();
    // uma-client may refresh its RPTs; no claims were collected, so no PCT.
    assert_eq!(
        keys(&answer),
        BTreeSet::from(["access_token", "token_type", "expires_in", "refresh_token"]),
        "no scope member: {answer}"
    );
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["expires_in"], 300);
    // At least 128 bits in base64url.
    let rpt = answer["access_token"].as_str().unwrap();
    assert!(rpt.len() >= 22, "{rpt}");

    // client_secret_post works too, and every RPT is new.
    let ticket = as_.ticket(&pat, &body).await;
    let post = as_
        .token(
            &[
                ("grant_type", UMA_GRANT),
                ("ticket", &ticket),
                ("client_id", UMA_CLIENT.0),
                ("client_secret", UMA_CLIENT.1),
            ],
            None,
        )
        .await;
    assert_eq!(post.status, StatusCode::OK, "{}", post.text);
    assert_ne!(post.json()["access_token"], rpt);
}

#[tokio::test]
async fn rpt_request_errors() {
    let as_ = As::start(&[]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_.register(&pat, &["view"]).await;
    let body = json!({"resource_id": id, "resource_scopes": ["view"]});

    // A ticket is good for one use.
    let ticket = as_.ticket(&pat, &body).await;
    as_.rpt(&ticket).await;
    as_.rpt_request(&ticket, UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");

    as_.rpt_request("never-issued", UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    as_.token(&[("grant_type", UMA_GRANT)], Some(UMA_CLIENT))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_request");

    // Bad client authentication is nobody's request: the ticket survives it.
    let ticket = as_.ticket(&pat, &body).await;
    let bad = as_.rpt_request(&ticket, ("uma-client", "wrong")).await;
    bad.assert_token_error(StatusCode::UNAUTHORIZED, "invalid_client");
    assert!(
        bad.header(header::WWW_AUTHENTICATE)
            .unwrap()
            .starts_with("Basic")
    );
    as_.rpt_request(&ticket, ("nobody", "x"))
        .await
        .assert_token_error(StatusCode::UNAUTHORIZED, "invalid_client");
    as_.rpt(&ticket).await;

    // A client no policy names is denied, and the ticket is spent all the same.
    let ticket = as_.ticket(&pat, &body).await;
    as_.rpt_request(&ticket, ("uma-stranger", "uma-stranger-secret"))
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_denied");
    as_.rpt_request(&ticket, UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");

    // A client that may not use the grant at all.
    let ticket = as_.ticket(&pat, &body).await;
    as_.rpt_request(&ticket, ("rs-alice", "rs-alice-secret"))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "unauthorized_client");

    // A requested scope that none of the ticket's resources has.
    let ticket = as_.ticket(&pat, &body).await;
    as_.token(
        &[
            ("grant_type", UMA_GRANT),
            ("ticket", &ticket),
            ("scope", "fly"),
        ],
        Some(UMA_CLIENT),
    )
    .await
    .assert_token_error(StatusCode::BAD_REQUEST, "invalid_scope");

    // Every resource deregistered after the ticket was issued.
    let ticket = as_.ticket(&pat, &body).await;
    assert_eq!(as_.delete(&pat, &id).await.status, StatusCode::NO_CONTENT);
    as_.rpt_request(&ticket, UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn a_client_outside_the_policy_is_denied() {
    // A fixture set whose policy names nobody.
    let dir = tempfile::tempdir().unwrap();
    for file in ["resource-owners.json", "server.json", "clients.json"] {
        std::fs::copy(
            format!("mocks/authorization-server/{file}"),
            dir.path().join(file),
        )
        .unwrap();
    }
    std::fs::write(
        dir.path().join("policies.json"),
        r#"[{"owner": "alice", "outcome": "grant", "clients": []}]"#,
    )
    .unwrap();
    let mut config = MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap();
    config.fixtures = Fixtures::from_dir(dir.path()).unwrap();
    let as_ = As::start_with(config).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_.register(&pat, &["view"]).await;
    let ticket = as_
        .ticket(&pat, &json!({"resource_id": id, "resource_scopes": []}))
        .await;
    as_.rpt_request(&ticket, UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::FORBIDDEN, "request_denied");
}

// ---------------------------------------------------------------------------------------------
// Introspection

#[tokio::test]
async fn introspection_of_an_active_rpt() {
    let as_ = As::start(&[]).await;
    let before = as_.now().await;
    let (pat, id, rpt) = as_.alice_rpt().await;
    let reply = as_.introspect(Some(&pat), &rpt).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header(header::CACHE_CONTROL), Some("no-store"));
    let body = reply.json();
    assert_eq!(
        keys(&body),
        BTreeSet::from([
            "active",
            "permissions",
            "exp",
            "iat",
            "client_id",
            "token_type",
            "iss"
        ]),
        "{body}"
    );
    assert_eq!(body["active"], true);
    assert_eq!(body["client_id"], "uma-client");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["iss"], as_.mock.issuer());
    let (iat, exp) = (body["iat"].as_i64().unwrap(), body["exp"].as_i64().unwrap());
    assert!(iat >= before && iat <= before + 60, "{iat} vs {before}");
    assert_eq!(exp - iat, 300);

    let permissions = body["permissions"].as_array().unwrap();
    assert_eq!(permissions.len(), 1);
    let permission = &permissions[0];
    assert_eq!(
        keys(permission),
        BTreeSet::from(["resource_id", "resource_scopes", "exp", "iat"])
    );
    assert_eq!(permission["resource_id"], id.as_str());
    assert_eq!(permission["resource_scopes"], json!(["view"]));
    // Granted with the token, and it expires earlier than the token does.
    assert_eq!(permission["iat"], iat);
    assert_eq!(permission["exp"].as_i64().unwrap(), iat + 240);

    // The hint changes nothing.
    let hinted = as_
        .http
        .post(as_.url("/introspect"))
        .bearer_auth(&pat)
        .form(&[
            ("token", rpt.as_str()),
            ("token_type_hint", "refresh_token"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(Reply::from(hinted).await.json(), body);
}

#[tokio::test]
async fn an_rpt_is_inactive_for_other_resource_servers() {
    let as_ = As::start(&[]).await;
    let (_, _, rpt) = as_.alice_rpt().await;
    let bob = as_.pat("rs-bob").await;
    as_.introspect(Some(&bob), &rpt).await.assert_inactive();
    // Alice's PAT at another resource server is another (owner, resource server) pair too.
    let code = as_.code("rs-bob", "alice").await;
    let reply = as_.exchange("rs-bob", &code, VERIFIER).await;
    let alice_at_bob = reply.json()["access_token"].as_str().unwrap().to_string();
    as_.introspect(Some(&alice_at_bob), &rpt)
        .await
        .assert_inactive();
}

#[tokio::test]
async fn an_rpt_expires_by_the_mock_clock() {
    let as_ = As::start(&[]).await;
    let (pat, _, rpt) = as_.alice_rpt().await;
    as_.advance(230).await;
    assert_eq!(
        as_.introspect(Some(&pat), &rpt).await.json()["active"],
        true
    );
    // Its only permission expires at 240 s, the token itself at 300 s.
    as_.advance(10).await;
    as_.introspect(Some(&pat), &rpt).await.assert_inactive();
    as_.advance(60).await;
    as_.introspect(Some(&pat), &rpt).await.assert_inactive();
}

#[tokio::test]
async fn unknown_revoked_and_deregistered_are_inactive_and_bad_pats_are_401() {
    let as_ = As::start(&[]).await;
    let (pat, id, rpt) = as_.alice_rpt().await;
    for unknown in ["never-issued", &rpt.to_lowercase()] {
        let reply = as_.introspect(Some(&pat), unknown).await;
        reply.assert_inactive();
        assert_eq!(reply.text, r#"{"active":false}"#);
    }

    let missing = as_.introspect(None, &rpt).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert!(
        missing
            .header(header::WWW_AUTHENTICATE)
            .unwrap()
            .starts_with("Bearer")
    );
    let bogus = as_.introspect(Some("bogus"), &rpt).await;
    bogus.assert_error(StatusCode::UNAUTHORIZED, "invalid_token");
    assert!(
        bogus
            .header(header::WWW_AUTHENTICATE)
            .unwrap()
            .contains("error=\"invalid_token\"")
    );
    // An RPT is not a PAT.
    as_.introspect(Some(&rpt), &rpt)
        .await
        .assert_error(StatusCode::FORBIDDEN, "insufficient_scope");

    // Deregistering the resource ends its permissions.
    assert_eq!(as_.delete(&pat, &id).await.status, StatusCode::NO_CONTENT);
    as_.introspect(Some(&pat), &rpt).await.assert_inactive();

    // PATs keep the plain RFC 7662 answer, scope included.
    let body = as_.introspect(Some(&pat), &pat).await.json();
    assert_eq!(body["active"], true);
    assert_eq!(body["scope"], "uma_protection");
    assert_eq!(body["sub"], "alice");
    assert!(body.get("permissions").is_none());
}

// ---------------------------------------------------------------------------------------------
// Revocation

#[tokio::test]
async fn revocation() {
    let as_ = As::start(&[]).await;
    let (pat, _, rpt) = as_.alice_rpt().await;
    let doc = as_
        .get(&as_.url("/.well-known/uma2-configuration"))
        .await
        .json();
    assert_eq!(doc["revocation_endpoint"], as_.url("/revoke"));

    // Another client cannot revoke uma-client's RPT, but is told 200 all the same.
    let foreign = as_
        .revoke(&[("token", &rpt)], Some(("rs-alice", "rs-alice-secret")))
        .await;
    assert_eq!(foreign.status, StatusCode::OK);
    assert_eq!(
        as_.introspect(Some(&pat), &rpt).await.json()["active"],
        true
    );

    // Unknown tokens and any hint: 200.
    for form in [
        vec![("token", "never-issued")],
        vec![("token", "never-issued"), ("token_type_hint", "pct")],
    ] {
        assert_eq!(
            as_.revoke(&form, Some(UMA_CLIENT)).await.status,
            StatusCode::OK
        );
    }

    let revoked = as_
        .revoke(
            &[("token", &rpt), ("token_type_hint", "access_token")],
            Some(UMA_CLIENT),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK);
    assert!(revoked.text.is_empty());
    as_.introspect(Some(&pat), &rpt).await.assert_inactive();
    // Again: still 200.
    assert_eq!(
        as_.revoke(&[("token", &rpt)], Some(UMA_CLIENT))
            .await
            .status,
        StatusCode::OK
    );

    // client_secret_post, and a PAT revoked by its own client stops working.
    let post = as_
        .revoke(
            &[
                ("token", &pat),
                ("client_id", "rs-alice"),
                ("client_secret", "rs-alice-secret"),
            ],
            None,
        )
        .await;
    assert_eq!(post.status, StatusCode::OK);
    let other = as_.pat("rs-alice").await;
    as_.introspect(Some(&other), &pat).await.assert_inactive();
    as_.introspect(Some(&pat), &other)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "invalid_token");

    // Errors.
    as_.revoke(&[("token", &other)], Some(("rs-alice", "wrong")))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
    as_.revoke(&[("token", &other)], None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
    as_.revoke(&[], Some(UMA_CLIENT))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    let get = as_.get(&as_.url("/revoke")).await;
    get.assert_error(StatusCode::METHOD_NOT_ALLOWED, "unsupported_method_type");
    // The bad attempts left the token alone.
    assert_eq!(
        as_.introspect(Some(&other), &other).await.json()["active"],
        true
    );
}

// ---------------------------------------------------------------------------------------------
// Control API

#[tokio::test]
async fn the_control_clock() {
    let as_ = As::start(&[]).await;
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let now = as_.now().await;
    assert!((now - wall).abs() < 60, "{now} vs {wall}");
    assert!(as_.advance(0).await >= now);
    let later = as_.advance(3600).await;
    assert!(later >= now + 3600 && later < now + 3660);
    assert!(as_.now().await >= later);
    as_.advance(10 * 365 * 24 * 3600).await;

    for (content_type, body) in [
        ("application/json", r#"{"advance_secs": -1}"#),
        ("application/json", r#"{"advance_secs": 315360001}"#),
        ("application/json", r#"{"advance_secs": 1.5}"#),
        ("application/json", r#"{"advance_secs": "60"}"#),
        ("application/json", r#"{}"#),
        ("application/json", r#"{"advance_secs": 1, "extra": 2}"#),
        (
            "application/json",
            r#"{"advance_secs": 1, "advance_secs": 2}"#,
        ),
        ("application/json", r#"[60]"#),
        ("application/json", r#"{"advance_secs""#),
        ("text/plain", r#"{"advance_secs": 60}"#),
    ] {
        as_.advance_raw(content_type, body)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    }
    let delete = Reply::from(
        as_.http
            .delete(as_.url("/_mock/clock"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    delete.assert_error(StatusCode::METHOD_NOT_ALLOWED, "unsupported_method_type");
}

// ---------------------------------------------------------------------------------------------
// Authorization code with PKCE

#[tokio::test]
async fn a_pat_for_an_end_user_by_authorization_code_and_pkce() {
    let as_ = As::start(&[]).await;
    let doc = as_
        .get(&as_.url("/.well-known/uma2-configuration"))
        .await
        .json();
    assert_eq!(doc["authorization_endpoint"], as_.url("/authorize"));
    assert_eq!(doc["response_types_supported"], json!(["code"]));
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));

    let page = as_.authorize_get(&authorization_query("rs-alice")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("name=\"password\""));
    assert!(
        page.header(header::CONTENT_SECURITY_POLICY)
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let form = mock_grant_common::hidden_fields(&page.text);
    let csrf = param(&form, "csrf_token").expect("csrf_token");
    assert!(csrf.len() >= 22);

    let mut submitted = form.clone();
    submitted.extend(credentials("bob", "bob-password"));
    let params = as_.authorize_post(&submitted).await.redirect_params();
    assert_eq!(param(&params, "state"), Some("s-1"));
    let code = param(&params, "code").expect("code");

    let reply = as_.exchange("rs-alice", code, VERIFIER).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.header(header::PRAGMA), Some("no-cache"));
    let answer = reply.json();
    assert_eq!(answer["scope"], "uma_protection");
    assert_eq!(answer["token_type"], "Bearer");
    let pat = answer["access_token"].as_str().unwrap();

    // A PAT of the owner who logged in, at the client that asked.
    let info = as_.introspect(Some(pat), pat).await.json();
    assert_eq!(info["sub"], "bob");
    assert_eq!(info["client_id"], "rs-alice");
    let id = as_.register(pat, &["view"]).await;
    let ticket = as_
        .ticket(
            pat,
            &json!({"resource_id": id, "resource_scopes": ["view"]}),
        )
        .await;
    let rpt = as_.rpt(&ticket).await;
    assert_eq!(as_.introspect(Some(pat), &rpt).await.json()["active"], true);
    // Not visible to alice's own PAT at the same resource server.
    let alice = as_.pat("rs-alice").await;
    as_.introspect(Some(&alice), &rpt).await.assert_inactive();

    // The form's fields may be left out where the request left them out.
    let form = as_
        .login_form(&[
            ("response_type", "code"),
            ("client_id", "rs-bob"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ])
        .await;
    assert!(param(&form, "redirect_uri").is_none() && param(&form, "state").is_none());
    let mut submitted = form;
    submitted.extend(credentials("alice", "alice-password"));
    let params = as_.authorize_post(&submitted).await.redirect_params();
    assert!(param(&params, "state").is_none());
    let code = param(&params, "code").unwrap();
    let reply = as_
        .token(
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("code_verifier", VERIFIER),
            ],
            Some(("rs-bob", "rs-bob-secret")),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}

#[tokio::test]
async fn codes_are_single_use_and_bound_to_the_verifier() {
    let as_ = As::start(&[]).await;

    let code = as_.code("rs-alice", "alice").await;
    as_.exchange("rs-alice", &code, &"x".repeat(43))
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    // The failed attempt spent the code.
    as_.exchange("rs-alice", &code, VERIFIER)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");

    // Reuse after success: refused, and the PAT issued for it is revoked.
    let code = as_.code("rs-alice", "alice").await;
    let pat = as_.exchange("rs-alice", &code, VERIFIER).await.json()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let checker = as_.pat("rs-alice").await;
    assert_eq!(
        as_.introspect(Some(&checker), &pat).await.json()["active"],
        true
    );
    as_.exchange("rs-alice", &code, VERIFIER)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    as_.introspect(Some(&checker), &pat).await.assert_inactive();

    // Another client, a missing verifier, and an expired code.
    let code = as_.code("rs-alice", "alice").await;
    as_.exchange("rs-bob", &code, VERIFIER)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    let code = as_.code("rs-alice", "alice").await;
    as_.token(
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
        ],
        Some(("rs-alice", "rs-alice-secret")),
    )
    .await
    .assert_token_error(StatusCode::BAD_REQUEST, "invalid_request");
    as_.advance(60).await;
    as_.exchange("rs-alice", &code, VERIFIER)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
    // A client that may not use the grant.
    as_.exchange("uma-client", "whatever", VERIFIER)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "unauthorized_client");
}

#[tokio::test]
async fn the_login_form_is_bound_to_its_request() {
    let as_ = As::start(&[]).await;
    let error_of = |reply: Reply| {
        let params = reply.redirect_params();
        assert_eq!(param(&params, "state"), Some("s-1"), "{params:?}");
        assert!(param(&params, "code").is_none());
        param(&params, "error").expect("error").to_string()
    };

    // A made-up CSRF token, and a real one used twice.
    let form = as_.login_form(&authorization_query("rs-alice")).await;
    let mut forged = with_field(&form, "csrf_token", "made-up");
    forged.extend(credentials("alice", "alice-password"));
    assert_eq!(
        error_of(as_.authorize_post(&forged).await),
        "invalid_request"
    );
    let mut good = form.clone();
    good.extend(credentials("alice", "alice-password"));
    // The forged attempt did not spend the real token.
    assert!(param(&as_.authorize_post(&good).await.redirect_params(), "code").is_some());
    assert_eq!(error_of(as_.authorize_post(&good).await), "invalid_request");

    // A field changed after the form was shown.
    let form = as_.login_form(&authorization_query("rs-alice")).await;
    let mut swapped = with_field(&form, "code_challenge", &"A".repeat(43));
    swapped.extend(credentials("alice", "alice-password"));
    assert_eq!(
        error_of(as_.authorize_post(&swapped).await),
        "invalid_request"
    );

    // Wrong password, or the owner says no.
    let mut wrong = as_.login_form(&authorization_query("rs-alice")).await;
    wrong.extend(credentials("alice", "bob-password"));
    assert_eq!(error_of(as_.authorize_post(&wrong).await), "access_denied");
    let mut denied = as_.login_form(&authorization_query("rs-alice")).await;
    denied.extend(credentials("alice", "alice-password"));
    let denied = with_field(&denied, "action", "deny");
    assert_eq!(error_of(as_.authorize_post(&denied).await), "access_denied");

    // Values from the request are escaped in the page and come back intact.
    let mut query = authorization_query("rs-alice");
    query.retain(|(k, _)| *k != "state");
    query.push(("state", "<script>\"&'"));
    let page = as_.authorize_get(&query).await;
    assert!(!page.text.contains("<script>"));
    let mut form = mock_grant_common::hidden_fields(&page.text);
    form.extend(credentials("alice", "alice-password"));
    let params = as_.authorize_post(&form).await.redirect_params();
    assert_eq!(param(&params, "state"), Some("<script>\"&'"));
}

#[tokio::test]
async fn authorization_request_errors() {
    let as_ = As::start(&[]).await;
    let query = authorization_query("rs-alice");
    let altered = |name: &str, value: Option<&'static str>| -> Vec<(String, String)> {
        let mut q: Vec<(String, String)> = query
            .iter()
            .filter(|(k, _)| *k != name)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if let Some(value) = value {
            q.push((name.to_string(), value.to_string()));
        }
        q
    };
    let get = |q: Vec<(String, String)>| {
        let request = as_.http.get(as_.url("/authorize")).query(&q);
        async move { Reply::from(request.send().await.unwrap()).await }
    };

    // The client or its redirect URI in doubt: an HTML page, no redirect.
    for q in [
        altered("client_id", None),
        altered("client_id", Some("nobody")),
        altered("redirect_uri", Some("http://127.0.0.1:9/elsewhere")),
        altered("redirect_uri", Some("http://evil.example/callback")),
        {
            let mut q = altered("x", None);
            q.push(("redirect_uri".into(), CALLBACK.into()));
            q
        },
        // uma-client registered no redirect URI at all.
        altered("client_id", Some("uma-client")),
    ] {
        let reply = get(q.clone()).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{q:?}");
        assert!(reply.header(header::LOCATION).is_none(), "{q:?}");
        assert!(
            reply
                .header(header::CONTENT_TYPE)
                .unwrap()
                .starts_with("text/html")
        );
    }
    // The same on the POST side.
    let reply = as_
        .authorize_post(&[("client_id".into(), "nobody".into())])
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.header(header::LOCATION).is_none());

    // Everything else goes back to the client, with the state.
    for (q, expected) in [
        (altered("response_type", None), "invalid_request"),
        (
            altered("response_type", Some("token")),
            "unsupported_response_type",
        ),
        (altered("code_challenge", None), "invalid_request"),
        (
            altered("code_challenge", Some("too-short")),
            "invalid_request",
        ),
        (altered("code_challenge_method", None), "invalid_request"),
        (
            altered("code_challenge_method", Some("plain")),
            "invalid_request",
        ),
        (
            altered("scope", Some("uma_protection admin")),
            "invalid_scope",
        ),
        (
            {
                let mut q = altered("x", None);
                q.push(("scope".into(), "profile".into()));
                q
            },
            "invalid_request",
        ),
    ] {
        let params = get(q.clone()).await.redirect_params();
        assert_eq!(param(&params, "error"), Some(expected), "{q:?}");
        assert_eq!(param(&params, "state"), Some("s-1"));
        assert!(param(&params, "error_description").is_some());
    }
}

// ---------------------------------------------------------------------------------------------
// Deviations: each changes what it says and nothing near it.

#[tokio::test]
async fn deviations_of_the_permission_request_body() {
    let as_ = As::start(&["permission-rejects-array"]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_.register(&pat, &["view"]).await;
    let one = json!({"resource_id": id, "resource_scopes": ["view"]});
    as_.permission(&pat, &json!([one.clone()]))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    as_.ticket(&pat, &one).await;

    let as_ = As::start(&["permission-rejects-empty-scopes"]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_.register(&pat, &["view"]).await;
    as_.permission(&pat, &json!({"resource_id": id, "resource_scopes": []}))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_scope");
    as_.ticket(
        &pat,
        &json!({"resource_id": id, "resource_scopes": ["view"]}),
    )
    .await;
    // An unknown resource is still invalid_resource_id.
    as_.permission(&pat, &json!({"resource_id": "nope", "resource_scopes": []}))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_resource_id");

    let as_ = As::start(&["permission-missing-members-accepted"]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_.register(&pat, &["view"]).await;
    let ticket = as_.ticket(&pat, &json!({"resource_id": id})).await;
    let rpt = as_.rpt(&ticket).await;
    let body = as_.introspect(Some(&pat), &rpt).await.json();
    assert_eq!(body["permissions"][0]["resource_scopes"], json!([]));
    // A permission without resource_id is dropped, and the request still gets a ticket.
    let reply = as_
        .permission(&pat, &json!({"resource_scopes": ["view"]}))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
}

#[tokio::test]
async fn deviations_of_the_permission_checks() {
    let as_ = As::start(&["permission-accepts-unknown-resource"]).await;
    let alice = as_.pat("rs-alice").await;
    let bob = as_.pat("rs-bob").await;
    let bobs = as_.register(&bob, &["view"]).await;
    let mine = as_.register(&alice, &["view"]).await;
    for resource in ["never-registered", bobs.as_str()] {
        as_.ticket(
            &alice,
            &json!({"resource_id": resource, "resource_scopes": ["view"]}),
        )
        .await;
    }
    // Scopes of a known resource are still checked.
    as_.permission(
        &alice,
        &json!({"resource_id": mine, "resource_scopes": ["fly"]}),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_scope");

    let as_ = As::start(&["permission-accepts-unknown-scope"]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_.register(&pat, &["view"]).await;
    as_.ticket(
        &pat,
        &json!({"resource_id": id, "resource_scopes": ["view", "fly"]}),
    )
    .await;
    as_.permission(&pat, &json!({"resource_id": "nope", "resource_scopes": []}))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_resource_id");

    let as_ = As::start(&["permission-generic-error-codes"]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_.register(&pat, &["view"]).await;
    as_.permission(&pat, &json!({"resource_id": "nope", "resource_scopes": []}))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    as_.permission(
        &pat,
        &json!({"resource_id": id, "resource_scopes": ["fly"]}),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    as_.ticket(
        &pat,
        &json!({"resource_id": id, "resource_scopes": ["view"]}),
    )
    .await;
}

#[tokio::test]
async fn deviations_of_the_permission_answer() {
    let as_ = As::start(&["permission-200"]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_.register(&pat, &["view"]).await;
    let reply = as_
        .permission(
            &pat,
            &json!({"resource_id": id, "resource_scopes": ["view"]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let ticket = reply.json()["ticket"].as_str().unwrap().to_string();
    as_.rpt(&ticket).await;

    let as_ = As::start(&["permission-ticket-per-permission"]).await;
    let pat = as_.pat("rs-alice").await;
    let a = as_.register(&pat, &["view"]).await;
    let b = as_.register(&pat, &["print"]).await;
    let reply = as_
        .permission(
            &pat,
            &json!([
                {"resource_id": a, "resource_scopes": ["view"]},
                {"resource_id": b, "resource_scopes": ["print"]}
            ]),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let body = reply.json();
    assert_eq!(keys(&body), BTreeSet::from(["tickets"]));
    let tickets = body["tickets"].as_array().unwrap();
    assert_eq!(tickets.len(), 2);
    // Each ticket holds its own permission.
    let rpt = as_.rpt(tickets[1].as_str().unwrap()).await;
    let shown = as_.introspect(Some(&pat), &rpt).await.json();
    assert_eq!(shown["permissions"].as_array().unwrap().len(), 1);
    assert_eq!(shown["permissions"][0]["resource_id"], b.as_str());
}

#[tokio::test]
async fn deviations_of_the_granted_permissions() {
    let as_ = As::start(&["ticket-grants-all-registered-scopes"]).await;
    let (pat, _, rpt) = as_.alice_rpt().await;
    let body = as_.introspect(Some(&pat), &rpt).await.json();
    assert_eq!(
        body["permissions"][0]["resource_scopes"],
        json!(["view", "print"])
    );

    let as_ = As::start(&["rpt-grants-unregistered-scope"]).await;
    let (pat, id, rpt) = as_.alice_rpt().await;
    let body = as_.introspect(Some(&pat), &rpt).await.json();
    assert_eq!(
        body["permissions"][0]["resource_scopes"],
        json!(["view", "admin"])
    );
    assert_eq!(body["permissions"][0]["resource_id"], id.as_str());
    assert!(body.get("scope").is_none());

    let as_ = As::start(&["tickets-reusable"]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_.register(&pat, &["view"]).await;
    let ticket = as_
        .ticket(
            &pat,
            &json!({"resource_id": id, "resource_scopes": ["view"]}),
        )
        .await;
    let first = as_.rpt(&ticket).await;
    let second = as_.rpt(&ticket).await;
    assert_ne!(first, second);
    // Tickets still expire.
    as_.advance(300).await;
    as_.rpt_request(&ticket, UMA_CLIENT)
        .await
        .assert_token_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn deviations_of_the_active_introspection_answer() {
    let as_ = As::start(&["introspection-scope-for-rpt"]).await;
    let (pat, _, rpt) = as_.alice_rpt().await;
    let body = as_.introspect(Some(&pat), &rpt).await.json();
    assert_eq!(body["scope"], "view");
    assert!(body["permissions"].is_array());

    let as_ = As::start(&["introspection-without-permissions"]).await;
    let (pat, _, rpt) = as_.alice_rpt().await;
    let body = as_.introspect(Some(&pat), &rpt).await.json();
    assert_eq!(body["active"], true);
    assert!(body.get("permissions").is_none() && body.get("scope").is_none());

    let as_ = As::start(&["introspection-keycloak-names"]).await;
    let (pat, id, rpt) = as_.alice_rpt().await;
    let permission = &as_.introspect(Some(&pat), &rpt).await.json()["permissions"][0];
    assert_eq!(
        keys(permission),
        BTreeSet::from(["rsid", "scopes", "exp", "iat"])
    );
    assert_eq!(permission["rsid"], id.as_str());
    assert_eq!(permission["scopes"], json!(["view"]));

    let as_ = As::start(&["introspection-permission-times-as-strings"]).await;
    let (pat, _, rpt) = as_.alice_rpt().await;
    let body = as_.introspect(Some(&pat), &rpt).await.json();
    let permission = &body["permissions"][0];
    let exp: i64 = permission["exp"].as_str().unwrap().parse().unwrap();
    let iat: i64 = permission["iat"].as_str().unwrap().parse().unwrap();
    assert_eq!(exp - iat, 240);
    // Token-level times stay integers.
    assert!(body["exp"].is_i64() && body["iat"].is_i64());
}

#[tokio::test]
async fn deviations_of_the_inactive_introspection_answer() {
    let as_ = As::start(&["introspection-unknown-token-404"]).await;
    let (pat, _, rpt) = as_.alice_rpt().await;
    as_.introspect(Some(&pat), "never-issued")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    // Known but not visible, or revoked: still the faithful answer.
    let bob = as_.pat("rs-bob").await;
    as_.introspect(Some(&bob), &rpt).await.assert_inactive();
    as_.revoke(&[("token", &rpt)], Some(UMA_CLIENT)).await;
    as_.introspect(Some(&pat), &rpt).await.assert_inactive();

    let as_ = As::start(&["introspection-inactive-with-details"]).await;
    let (pat, _, _) = as_.alice_rpt().await;
    let reply = as_.introspect(Some(&pat), "never-issued").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        json!({"active": false, "error": "token expired or unknown"})
    );

    let as_ = As::start(&["introspection-ignores-expiry"]).await;
    let (pat, _, rpt) = as_.alice_rpt().await;
    as_.advance(301).await;
    let body = as_.introspect(Some(&pat), &rpt).await.json();
    assert_eq!(body["active"], true);
    assert_eq!(body["permissions"].as_array().unwrap().len(), 1);
    // Revocation still counts.
    as_.revoke(&[("token", &rpt)], Some(UMA_CLIENT)).await;
    as_.introspect(Some(&pat), &rpt).await.assert_inactive();

    let as_ = As::start(&["introspection-ignores-revocation"]).await;
    let (pat, _, rpt) = as_.alice_rpt().await;
    let reply = as_.revoke(&[("token", &rpt)], Some(UMA_CLIENT)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        as_.introspect(Some(&pat), &rpt).await.json()["active"],
        true
    );
    // Expiry still counts.
    as_.advance(300).await;
    as_.introspect(Some(&pat), &rpt).await.assert_inactive();
}

#[tokio::test]
async fn deviations_of_who_may_introspect() {
    let as_ = As::start(&["introspection-leaks-to-other-rs"]).await;
    let (_, id, rpt) = as_.alice_rpt().await;
    let bob = as_.pat("rs-bob").await;
    let body = as_.introspect(Some(&bob), &rpt).await.json();
    assert_eq!(body["active"], true);
    assert_eq!(body["permissions"][0]["resource_id"], id.as_str());
    // Registrations stay isolated.
    let read = as_
        .http
        .get(as_.url(&format!("/resource_set/{id}")))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::NOT_FOUND);

    let as_ = As::start(&["introspection-any-token-as-pat"]).await;
    let (_, _, rpt) = as_.alice_rpt().await;
    let body = as_.introspect(Some(&rpt), &rpt).await.json();
    assert_eq!(body["active"], true);
    // Only for introspection, and only for tokens that are valid.
    let pat = as_.pat("rs-alice").await;
    let id = as_.register(&pat, &["view"]).await;
    as_.permission(&rpt, &json!({"resource_id": id, "resource_scopes": []}))
        .await
        .assert_error(StatusCode::FORBIDDEN, "insufficient_scope");
    as_.introspect(Some("bogus"), &rpt)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "invalid_token");
}
