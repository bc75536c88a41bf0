//! HTTP tests of the reference (mock) UMA authorization server, over real loopback connections.

use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uma_conformance::mock::authorization_server::{
    Fixtures, MockAs, MockAsConfig, MockError, deviations,
};

const PROFILE: &str = "urn:uma-conformance:extension:mock-control-api";

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

    fn rreg(&self) -> String {
        self.url("/resource_set")
    }

    async fn discovery(&self) -> Value {
        let reply = self.get(&self.url("/.well-known/uma2-configuration")).await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.json()
    }

    async fn get(&self, url: &str) -> Reply {
        Reply::from(self.http.get(url).send().await.expect("send")).await
    }

    async fn token(&self, form: &[(&str, &str)], basic: Option<(&str, &str)>) -> Reply {
        let mut request = self.http.post(self.url("/token")).form(form);
        if let Some((id, secret)) = basic {
            request = request.basic_auth(id, Some(secret));
        }
        Reply::from(request.send().await.expect("send")).await
    }

    async fn token_for(&self, client: &str, scope: Option<&str>) -> String {
        let secret = format!("{client}-secret");
        let mut form = vec![("grant_type", "client_credentials")];
        if let Some(scope) = scope {
            form.push(("scope", scope));
        }
        let reply = self.token(&form, Some((client, &secret))).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.json()["access_token"]
            .as_str()
            .expect("access_token")
            .to_string()
    }

    async fn pat(&self, client: &str) -> String {
        self.token_for(client, None).await
    }

    async fn send(
        &self,
        method: Method,
        url: &str,
        pat: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut request = self.http.request(method, url);
        if let Some(pat) = pat {
            request = request.bearer_auth(pat);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        Reply::from(request.send().await.expect("send")).await
    }

    async fn raw(
        &self,
        method: Method,
        url: &str,
        pat: &str,
        content_type: &str,
        body: &str,
    ) -> Reply {
        let request = self
            .http
            .request(method, url)
            .bearer_auth(pat)
            .header(header::CONTENT_TYPE, content_type)
            .body(body.to_string());
        Reply::from(request.send().await.expect("send")).await
    }

    async fn create(&self, pat: &str, description: &Value) -> Reply {
        self.send(Method::POST, &self.rreg(), Some(pat), Some(description))
            .await
    }

    /// Registers a description and returns its id, read from the Location header.
    async fn register(&self, pat: &str, description: &Value) -> String {
        let reply = self.create(pat, description).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        let location = reply.header(header::LOCATION).expect("Location");
        location.rsplit('/').next().expect("id").to_string()
    }

    async fn read(&self, pat: &str, id: &str) -> Reply {
        self.send(
            Method::GET,
            &format!("{}/{id}", self.rreg()),
            Some(pat),
            None,
        )
        .await
    }

    async fn update(&self, pat: &str, id: &str, description: &Value) -> Reply {
        self.send(
            Method::PUT,
            &format!("{}/{id}", self.rreg()),
            Some(pat),
            Some(description),
        )
        .await
    }

    async fn delete(&self, pat: &str, id: &str) -> Reply {
        self.send(
            Method::DELETE,
            &format!("{}/{id}", self.rreg()),
            Some(pat),
            None,
        )
        .await
    }

    async fn list(&self, pat: &str) -> Reply {
        self.send(Method::GET, &self.rreg(), Some(pat), None).await
    }

    async fn permission(&self, pat: &str, body: &Value) -> Reply {
        self.send(
            Method::POST,
            &self.url("/permission"),
            Some(pat),
            Some(body),
        )
        .await
    }

    async fn introspect(&self, pat: Option<&str>, form: &[(&str, &str)]) -> Reply {
        let mut request = self.http.post(self.url("/introspect")).form(form);
        if let Some(pat) = pat {
            request = request.bearer_auth(pat);
        }
        Reply::from(request.send().await.expect("send")).await
    }
}

fn photo_album() -> Value {
    json!({
        "resource_scopes": ["view", "http://photoz.example.com/dev/scopes/print"],
        "description": "Collection of digital photographs",
        "description#fr": "Collection de photographies",
        "icon_uri": "http://www.example.com/icons/sky.png",
        "name": "Photo Album",
        "name#fr": "Album photo",
        "type": "http://www.example.com/rsrcs/photoalbum",
        "x-vendor-extension": {"nested": [1, 2, 3]}
    })
}

fn with_id(description: &Value, id: &str) -> Value {
    let mut object = description.as_object().unwrap().clone();
    object.insert("_id".into(), id.into());
    Value::Object(object)
}

/// A loopback port nobody listens on (right now).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

// ---------------------------------------------------------------------------------------------
// Start-up and discovery

#[tokio::test]
async fn discovery_without_issuer_path() {
    let as_ = As::start(&[]).await;
    let issuer = as_.mock.issuer().to_string();
    assert_eq!(issuer, format!("http://{}", as_.mock.local_addr()));
    let reply = as_.get(&as_.url("/.well-known/uma2-configuration")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .header(header::CONTENT_TYPE)
            .unwrap()
            .starts_with("application/json")
    );
    let doc = reply.json();
    assert_eq!(doc["issuer"], issuer.as_str());
    for (member, path) in [
        ("token_endpoint", "/token"),
        ("resource_registration_endpoint", "/resource_set"),
        ("permission_endpoint", "/permission"),
        ("introspection_endpoint", "/introspect"),
    ] {
        assert_eq!(doc[member], format!("{issuer}{path}"), "{member}");
    }
    assert_eq!(doc["response_types_supported"], json!(["code"]));
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(doc["authorization_endpoint"], format!("{issuer}/authorize"));
    assert_eq!(doc["revocation_endpoint"], format!("{issuer}/revoke"));
    assert_eq!(
        doc["claims_interaction_endpoint"],
        format!("{issuer}/claims")
    );
    assert_eq!(doc["registration_endpoint"], format!("{issuer}/register"));
    // Opaque RPTs: the AS signs nothing, so it publishes no keys.
    assert!(doc.get("jwks_uri").is_none());
    assert_eq!(
        doc["grant_types_supported"],
        json!([
            "client_credentials",
            "authorization_code",
            "urn:ietf:params:oauth:grant-type:uma-ticket",
            "refresh_token"
        ])
    );
    assert_eq!(
        doc["token_endpoint_auth_methods_supported"],
        json!(["client_secret_basic", "client_secret_post", "none"])
    );
    assert!(
        doc["scopes_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("uma_protection"))
    );
    assert_eq!(doc["uma_profiles_supported"], json!([PROFILE]));
    as_.mock.stop().await;
}

#[tokio::test]
async fn discovery_and_every_route_live_under_an_issuer_path() {
    // The issuer must name the port the mock listens on; find a free one and retry on a race.
    let mut started = None;
    for _ in 0..5 {
        let port = closed_port();
        let mut config = MockAsConfig::new(format!("127.0.0.1:{port}").parse().unwrap()).unwrap();
        config.issuer = Some(format!("http://127.0.0.1:{port}/realms/demo/"));
        if let Ok(mock) = MockAs::start(config).await {
            started = Some(As {
                mock,
                http: client(),
            });
            break;
        }
    }
    let as_ = started.expect("a free port");
    let issuer = as_.mock.issuer().to_string();
    assert!(issuer.ends_with("/realms/demo"), "{issuer}");

    let doc = as_.discovery().await;
    assert_eq!(doc["issuer"], issuer.as_str());
    let registration = doc["resource_registration_endpoint"].as_str().unwrap();
    assert_eq!(registration, format!("{issuer}/resource_set"));

    // RFC 8414's location and the bare root are not where UMA puts the document.
    let origin = format!("http://{}", as_.mock.local_addr());
    for wrong in [
        format!("{origin}/.well-known/uma2-configuration/realms/demo"),
        format!("{origin}/.well-known/uma2-configuration"),
        format!("{origin}/token"),
    ] {
        as_.get(&wrong)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
    }

    // A whole flow through the discovered endpoints.
    let pat = as_.pat("rs-alice").await;
    let created = as_
        .send(
            Method::POST,
            registration,
            Some(&pat),
            Some(&json!({"resource_scopes": ["view"]})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json()["_id"].as_str().unwrap().to_string();
    assert_eq!(
        created.header(header::LOCATION).unwrap(),
        format!("{registration}/{id}")
    );
    let read = as_.read(&pat, &id).await;
    assert_eq!(read.json(), json!({"_id": id, "resource_scopes": ["view"]}));
    let ticket = as_
        .send(
            Method::POST,
            doc["permission_endpoint"].as_str().unwrap(),
            Some(&pat),
            Some(&json!({"resource_id": id, "resource_scopes": ["view"]})),
        )
        .await;
    assert_eq!(ticket.status, StatusCode::CREATED);
    let health = as_.get(&as_.url("/_mock/health")).await;
    assert_eq!(health.json(), json!({"status": "ok"}));
    as_.mock.stop().await;
}

#[tokio::test]
async fn start_rejects_bad_configuration() {
    let mut config = MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap();
    config.deviations = vec!["no-such-deviation".into()];
    let err = MockAs::start(config).await.unwrap_err();
    assert!(matches!(err, MockError::UnknownDeviation { .. }));
    let text = err.to_string();
    assert!(
        text.contains("no-such-deviation") && text.contains("pat-scope-ignored"),
        "{text}"
    );

    for issuer in ["ftp://example.com", "http://example.com/a?b=c", "nonsense"] {
        let mut config = MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap();
        config.issuer = Some(issuer.into());
        let err = MockAs::start(config).await.unwrap_err();
        assert!(
            matches!(err, MockError::InvalidIssuer { .. }),
            "{issuer}: {err}"
        );
    }

    // Bind failure: the port is taken.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let config = MockAsConfig::new(taken.local_addr().unwrap()).unwrap();
    assert!(matches!(
        MockAs::start(config).await.unwrap_err(),
        MockError::Bind { .. }
    ));
}

#[tokio::test]
async fn stop_closes_the_listener() {
    let as_ = As::start(&[]).await;
    let url = as_.url("/_mock/health");
    assert_eq!(as_.get(&url).await.status, StatusCode::OK);
    let http = as_.http.clone();
    as_.mock.stop().await;
    assert!(http.get(&url).send().await.is_err());
}

#[tokio::test]
async fn dropping_the_handle_shuts_the_server_down() {
    let as_ = As::start(&[]).await;
    let url = as_.url("/_mock/health");
    let http = as_.http.clone();
    drop(as_);
    let mut refused = false;
    for _ in 0..50 {
        if http.get(&url).send().await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(refused);
}

#[tokio::test]
async fn the_catalogue_of_deviations_is_well_formed() {
    // Which scenarios each deviation breaks is proven by the deviation matrix
    // (tests/conformance_suite.rs); here only the catalogue's shape is checked.
    let catalogue = uma_conformance::spec::requirements::Catalogue::embedded();
    let mut names = std::collections::BTreeSet::new();
    for d in deviations() {
        assert!(names.insert(d.name), "duplicate deviation {}", d.name);
        assert!(!d.breaks.is_empty(), "{} breaks nothing", d.name);
        for id in d.breaks {
            assert!(catalogue.get(id).is_some(), "{}: unknown id {id}", d.name);
        }
    }
    assert!(deviations().iter().all(|d| !d.summary.is_empty()));
    // Every one of them starts.
    for info in deviations() {
        let as_ = As::start(&[info.name]).await;
        as_.mock.stop().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Token endpoint

#[tokio::test]
async fn pat_by_client_secret_basic_and_post() {
    let as_ = As::start(&[]).await;
    let basic = as_
        .token(
            &[("grant_type", "client_credentials")],
            Some(("rs-alice", "rs-alice-secret")),
        )
        .await;
    let post = as_
        .token(
            &[
                ("grant_type", "client_credentials"),
                ("client_id", "rs-bob"),
                ("client_secret", "rs-bob-secret"),
                ("scope", "uma_protection profile"),
            ],
            None,
        )
        .await;
    for (reply, scope) in [
        (&basic, "uma_protection"),
        (&post, "uma_protection profile"),
    ] {
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.header(header::CACHE_CONTROL), Some("no-store"));
        assert_eq!(reply.header(header::PRAGMA), Some("no-cache"));
        assert!(
            reply
                .header(header::CONTENT_TYPE)
                .unwrap()
                .starts_with("application/json")
        );
        let body = reply.json();
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 3600);
        assert_eq!(body["scope"], scope);
        let token = body["access_token"].as_str().unwrap();
        assert!(token.len() >= 22, "at least 128 bits");
        assert!(
            token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }
    assert_ne!(basic.json()["access_token"], post.json()["access_token"]);
}

#[tokio::test]
async fn token_endpoint_errors() {
    let as_ = As::start(&[]).await;
    let alice = Some(("rs-alice", "rs-alice-secret"));
    let cc = ("grant_type", "client_credentials");
    let cases: Vec<(Reply, StatusCode, &str)> = vec![
        (
            as_.token(&[], alice).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            as_.token(&[("grant_type", "")], alice).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            as_.token(&[cc, ("grant_type", "client_credentials")], alice)
                .await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            as_.token(&[cc, ("scope", "profile"), ("scope", "profile")], alice)
                .await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            as_.token(
                &[
                    cc,
                    ("client_id", "rs-alice"),
                    ("client_secret", "rs-alice-secret"),
                ],
                alice,
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            as_.token(&[cc, ("client_id", "rs-bob")], alice).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            as_.token(
                &[cc, ("client_id", "rs-alice"), ("client_secret", "nope")],
                None,
            )
            .await,
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            as_.token(&[cc, ("client_id", "rs-alice")], None).await,
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            as_.token(
                &[cc, ("client_id", "mallory"), ("client_secret", "x")],
                None,
            )
            .await,
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            as_.token(&[cc], None).await,
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            as_.token(
                &[
                    ("grant_type", "password"),
                    ("username", "a"),
                    ("password", "b"),
                ],
                alice,
            )
            .await,
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
        ),
        (
            // A grant the server supports, but not for this client.
            as_.token(
                &[("grant_type", "urn:ietf:params:oauth:grant-type:uma-ticket")],
                alice,
            )
            .await,
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
        ),
        (
            as_.token(&[cc, ("scope", "uma_protection admin")], alice)
                .await,
            StatusCode::BAD_REQUEST,
            "invalid_scope",
        ),
        (
            as_.token(&[cc, ("scope", "\"quoted\"")], alice).await,
            StatusCode::BAD_REQUEST,
            "invalid_scope",
        ),
    ];
    for (i, (reply, status, code)) in cases.iter().enumerate() {
        assert_eq!(reply.status, *status, "case {i}: {}", reply.text);
        reply.assert_error(*status, code);
        assert_eq!(reply.header(header::PRAGMA), Some("no-cache"), "case {i}");
        if *status == StatusCode::UNAUTHORIZED {
            assert!(
                reply
                    .header(header::WWW_AUTHENTICATE)
                    .unwrap()
                    .starts_with("Basic realm=")
            );
        }
    }

    // Wrong Basic credentials: 401 with a Basic challenge (RFC 6749 5.2).
    let wrong = as_.token(&[cc], Some(("rs-alice", "rs-bob-secret"))).await;
    wrong.assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
    assert!(
        wrong
            .header(header::WWW_AUTHENTICATE)
            .unwrap()
            .starts_with("Basic realm=\"")
    );
    let garbage = as_
        .http
        .post(as_.url("/token"))
        .header(header::AUTHORIZATION, "Basic !!!not-base64")
        .form(&[cc])
        .send()
        .await
        .unwrap();
    Reply::from(garbage)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "invalid_client");

    // Not a form, or not a well-formed one.
    let json_body = as_
        .http
        .post(as_.url("/token"))
        .basic_auth("rs-alice", Some("rs-alice-secret"))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    Reply::from(json_body)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    let not_utf8 = as_
        .http
        .post(as_.url("/token"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(vec![0xffu8, 0xfe, b'=', 0x80])
        .send()
        .await
        .unwrap();
    Reply::from(not_utf8)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");

    // Only POST.
    let get = as_.get(&as_.url("/token")).await;
    get.assert_error(StatusCode::METHOD_NOT_ALLOWED, "unsupported_method_type");
    assert_eq!(get.header(header::ALLOW), Some("POST"));
}

#[tokio::test]
async fn unauthorized_client_for_a_client_without_the_grant() {
    let dir = tempfile::tempdir().unwrap();
    let embedded = "mocks/authorization-server";
    for file in ["resource-owners.json", "server.json"] {
        std::fs::copy(format!("{embedded}/{file}"), dir.path().join(file)).unwrap();
    }
    std::fs::write(dir.path().join("policies.json"), "[]").unwrap();
    std::fs::write(
        dir.path().join("clients.json"),
        r#"[{"client_id": "app", "client_secret": "app-secret", "resource_owner": "alice",
             "token_endpoint_auth_methods": ["client_secret_post"],
             "grant_types": ["urn:ietf:params:oauth:grant-type:uma-ticket"], "scopes": ["uma_protection"]}]"#,
    )
    .unwrap();
    let mut config = MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap();
    config.fixtures = Fixtures::from_dir(dir.path()).unwrap();
    let as_ = As::start_with(config).await;
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", "app"),
        ("client_secret", "app-secret"),
    ];
    as_.token(&form, None)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "unauthorized_client");
    // The client may only use client_secret_post.
    as_.token(&form[..1], Some(("app", "app-secret")))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
}

// ---------------------------------------------------------------------------------------------
// Resource registration

#[tokio::test]
async fn the_five_registration_operations() {
    let as_ = As::start(&[]).await;
    let pat = as_.pat("rs-alice").await;
    let album = photo_album();

    // Create
    let created = as_.create(&pat, &album).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let body = created.json();
    let id = body["_id"].as_str().unwrap().to_string();
    assert!(id.len() >= 22);
    assert_eq!(
        created.header(header::LOCATION).unwrap(),
        format!("{}/{id}", as_.rreg())
    );
    let policy = body["user_access_policy_uri"].as_str().unwrap();
    assert_eq!(policy, as_.url(&format!("/policy/{id}")));
    let page = as_.get(policy).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.header(header::CONTENT_TYPE)
            .unwrap()
            .starts_with("text/html")
    );

    // Read: everything as registered, plus _id.
    let read = as_.read(&pat, &id).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json(), with_id(&album, &id));

    // Update is a full replacement.
    let replacement = json!({"resource_scopes": ["view"], "name": "Renamed"});
    let updated = as_.update(&pat, &id, &replacement).await;
    assert_eq!(updated.status, StatusCode::OK);
    assert_eq!(updated.json()["_id"], id.as_str());
    assert_eq!(as_.read(&pat, &id).await.json(), with_id(&replacement, &id));

    // List
    let second = as_.register(&pat, &json!({"resource_scopes": []})).await;
    let listed = as_.list(&pat).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.json(), json!([id, second]));
    let with_slash = as_
        .send(Method::GET, &format!("{}/", as_.rreg()), Some(&pat), None)
        .await;
    assert_eq!(with_slash.json(), json!([id, second]));

    // Delete
    let deleted = as_.delete(&pat, &id).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    as_.read(&pat, &id)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    as_.delete(&pat, &id)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    as_.update(&pat, &id, &replacement)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(as_.list(&pat).await.json(), json!([second]));

    // Create also at rreg/ and with an AS-assigned member echoed back (it is not stored).
    let slash = as_
        .send(
            Method::POST,
            &format!("{}/", as_.rreg()),
            Some(&pat),
            Some(&json!({"resource_scopes": ["a"], "_id": "mine"})),
        )
        .await;
    assert_eq!(slash.status, StatusCode::CREATED);
    let slash_id = slash.json()["_id"].as_str().unwrap().to_string();
    assert_ne!(slash_id, "mine");
    assert_eq!(
        as_.read(&pat, &slash_id).await.json(),
        json!({"_id": slash_id, "resource_scopes": ["a"]})
    );
}

#[tokio::test]
async fn registrations_are_isolated_per_owner_and_resource_server() {
    let as_ = As::start(&[]).await;
    let alice = as_.pat("rs-alice").await;
    let bob = as_.pat("rs-bob").await;
    let alice_id = as_
        .register(&alice, &json!({"resource_scopes": ["view"]}))
        .await;
    let bob_id = as_
        .register(&bob, &json!({"resource_scopes": ["view"]}))
        .await;

    assert_eq!(as_.list(&alice).await.json(), json!([alice_id]));
    assert_eq!(as_.list(&bob).await.json(), json!([bob_id]));
    as_.read(&bob, &alice_id)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    as_.update(&bob, &alice_id, &json!({"resource_scopes": []}))
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    as_.delete(&bob, &alice_id)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    as_.permission(
        &bob,
        &json!({"resource_id": alice_id, "resource_scopes": ["view"]}),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_resource_id");
    // Alice's resource survived bob's attempts.
    assert_eq!(as_.read(&alice, &alice_id).await.status, StatusCode::OK);
}

#[tokio::test]
async fn malformed_registration_requests_are_400_invalid_request() {
    let as_ = As::start(&[]).await;
    let pat = as_.pat("rs-alice").await;
    let rreg = as_.rreg();
    let id = as_
        .register(&pat, &json!({"resource_scopes": ["view"]}))
        .await;
    let item = format!("{rreg}/{id}");
    let json_type = "application/json";
    let oversized = format!(
        r#"{{"resource_scopes":["view"],"description":"{}"}}"#,
        "x".repeat(70 * 1024)
    );
    let cases: Vec<(&str, &str, String)> = vec![
        ("not JSON", json_type, "this is not json".into()),
        ("truncated", json_type, r#"{"resource_scopes":["#.into()),
        (
            "trailing garbage",
            json_type,
            r#"{"resource_scopes":[]} {}"#.into(),
        ),
        ("empty body", json_type, String::new()),
        (
            "array body",
            json_type,
            r#"[{"resource_scopes":["view"]}]"#.into(),
        ),
        ("string body", json_type, r#""resource_scopes""#.into()),
        (
            "wrong content type",
            "text/plain",
            r#"{"resource_scopes":["view"]}"#.into(),
        ),
        (
            "form content type",
            "application/x-www-form-urlencoded",
            "resource_scopes=view".into(),
        ),
        (
            "repeated member",
            json_type,
            r#"{"resource_scopes":["view"],"resource_scopes":["print"]}"#.into(),
        ),
        (
            "repeated name",
            json_type,
            r#"{"resource_scopes":[],"name":"a","name":"b"}"#.into(),
        ),
        (
            "missing resource_scopes",
            json_type,
            r#"{"name":"no scopes"}"#.into(),
        ),
        (
            "scopes not an array",
            json_type,
            r#"{"resource_scopes":"view"}"#.into(),
        ),
        (
            "scope not a string",
            json_type,
            r#"{"resource_scopes":["view",7]}"#.into(),
        ),
        (
            "non-string name",
            json_type,
            r#"{"resource_scopes":[],"name":42}"#.into(),
        ),
        (
            "non-string name#fr",
            json_type,
            r#"{"resource_scopes":[],"name#fr":["x"]}"#.into(),
        ),
        (
            "non-string description",
            json_type,
            r#"{"resource_scopes":[],"description":{}}"#.into(),
        ),
        (
            "non-string type",
            json_type,
            r#"{"resource_scopes":[],"type":true}"#.into(),
        ),
        (
            "relative icon_uri",
            json_type,
            r#"{"resource_scopes":[],"icon_uri":"icons/a.png"}"#.into(),
        ),
        ("oversized", json_type, oversized),
    ];
    for (what, content_type, body) in &cases {
        for (method, url) in [(Method::POST, &rreg), (Method::PUT, &item)] {
            let reply = as_.raw(method.clone(), url, &pat, content_type, body).await;
            assert_eq!(
                reply.status,
                StatusCode::BAD_REQUEST,
                "{what} ({method}): {}",
                reply.text
            );
            reply.assert_error(StatusCode::BAD_REQUEST, "invalid_request");
        }
    }
    let no_type = as_
        .http
        .post(&rreg)
        .bearer_auth(&pat)
        .body(r#"{"resource_scopes":["view"]}"#)
        .send()
        .await
        .unwrap();
    Reply::from(no_type)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    // Nothing of the above was stored or changed.
    assert_eq!(as_.list(&pat).await.json(), json!([id]));
    assert_eq!(
        as_.read(&pat, &id).await.json(),
        json!({"_id": id, "resource_scopes": ["view"]})
    );
}

#[tokio::test]
async fn uri_scopes_and_extensions_are_accepted_without_dereferencing() {
    let scope_server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200))
        .expect(0)
        .mount(&scope_server)
        .await;
    let as_ = As::start(&[]).await;
    let pat = as_.pat("rs-alice").await;
    let description = json!({
        "resource_scopes": [
            format!("{}/scopes/view", scope_server.uri()),
            format!("http://127.0.0.1:{}/scopes/unreachable", closed_port()),
            "urn:example:scope:print"
        ],
        "x-extension": "kept",
        "x-object": {"a": [1, {"b": null}]}
    });
    let id = as_.register(&pat, &description).await;
    assert_eq!(as_.read(&pat, &id).await.json(), with_id(&description, &id));
    scope_server.verify().await;
}

#[tokio::test]
async fn unsupported_methods_are_405_with_allow() {
    let as_ = As::start(&[]).await;
    let pat = as_.pat("rs-alice").await;
    let rreg = as_.rreg();
    let id = as_.register(&pat, &json!({"resource_scopes": []})).await;
    let item = format!("{rreg}/{id}");
    let cases = [
        (Method::PATCH, rreg.clone(), "GET, HEAD, POST"),
        (Method::PUT, rreg.clone(), "GET, HEAD, POST"),
        (Method::DELETE, rreg.clone(), "GET, HEAD, POST"),
        (Method::PUT, format!("{rreg}/"), "GET, HEAD, POST"),
        (Method::PATCH, item.clone(), "GET, HEAD, PUT, DELETE"),
        (Method::POST, item.clone(), "GET, HEAD, PUT, DELETE"),
        (Method::OPTIONS, item.clone(), "GET, HEAD, PUT, DELETE"),
    ];
    for (method, url, allow) in cases {
        let reply = as_
            .send(
                method.clone(),
                &url,
                Some(&pat),
                Some(&json!({"resource_scopes": []})),
            )
            .await;
        reply.assert_error(StatusCode::METHOD_NOT_ALLOWED, "unsupported_method_type");
        assert_eq!(reply.header(header::ALLOW), Some(allow), "{method} {url}");
    }
    // Other endpoints answer JSON 405s too.
    let reply = as_
        .send(Method::DELETE, &as_.url("/permission"), Some(&pat), None)
        .await;
    reply.assert_error(StatusCode::METHOD_NOT_ALLOWED, "unsupported_method_type");
    assert_eq!(reply.header(header::ALLOW), Some("POST"));
    let reply = as_
        .send(
            Method::POST,
            &as_.url("/.well-known/uma2-configuration"),
            None,
            None,
        )
        .await;
    reply.assert_error(StatusCode::METHOD_NOT_ALLOWED, "unsupported_method_type");
}

#[tokio::test]
async fn unknown_routes_and_ids_are_json_404s() {
    let as_ = As::start(&[]).await;
    let pat = as_.pat("rs-alice").await;
    for path in [
        "/nope",
        "/resource_set/a/b",
        "/.well-known/openid-configuration",
        "/_mock/nope",
    ] {
        let reply = as_
            .send(Method::GET, &as_.url(path), Some(&pat), None)
            .await;
        reply.assert_error(StatusCode::NOT_FOUND, "not_found");
    }
    for id in ["unknown", "%FF%FE", "%00"] {
        as_.read(&pat, id)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
    }
    // HEAD on a known resource works like GET without a body.
    let id = as_.register(&pat, &json!({"resource_scopes": []})).await;
    let head = as_
        .send(
            Method::HEAD,
            &format!("{}/{id}", as_.rreg()),
            Some(&pat),
            None,
        )
        .await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.text.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Protection API security

#[tokio::test]
async fn protection_api_requires_a_valid_pat() {
    let as_ = As::start(&[]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_
        .register(&pat, &json!({"resource_scopes": ["view"]}))
        .await;
    let profile_only = as_.token_for("rs-alice", Some("profile")).await;
    let endpoints: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, as_.rreg(), None),
        (
            Method::POST,
            as_.rreg(),
            Some(json!({"resource_scopes": ["view"]})),
        ),
        (Method::GET, format!("{}/{id}", as_.rreg()), None),
        (
            Method::PUT,
            format!("{}/{id}", as_.rreg()),
            Some(json!({"resource_scopes": []})),
        ),
        (Method::DELETE, format!("{}/{id}", as_.rreg()), None),
        (Method::PATCH, format!("{}/{id}", as_.rreg()), None),
        (
            Method::POST,
            as_.url("/permission"),
            Some(json!({"resource_id": id, "resource_scopes": []})),
        ),
    ];
    for (method, url, body) in &endpoints {
        let what = format!("{method} {url}");
        // No credentials: a bare challenge and no error code (RFC 6750 3.1).
        let missing = as_.send(method.clone(), url, None, body.as_ref()).await;
        assert_eq!(missing.status, StatusCode::UNAUTHORIZED, "{what}");
        assert_eq!(
            missing.header(header::WWW_AUTHENTICATE),
            Some("Bearer realm=\"uma-conformance-mock\""),
            "{what}"
        );
        assert!(missing.json().get("error").is_none(), "{what}");

        // Another scheme counts as no credentials.
        let basic = as_
            .http
            .request(method.clone(), url)
            .basic_auth("rs-alice", Some("rs-alice-secret"))
            .send()
            .await
            .unwrap();
        let basic = Reply::from(basic).await;
        assert_eq!(basic.status, StatusCode::UNAUTHORIZED, "{what}");
        assert!(
            !basic
                .header(header::WWW_AUTHENTICATE)
                .unwrap()
                .contains("error=")
        );

        for bad in ["not-a-token", &pat.to_uppercase(), &format!("{pat}x")] {
            let invalid = as_
                .send(method.clone(), url, Some(bad), body.as_ref())
                .await;
            invalid.assert_error(StatusCode::UNAUTHORIZED, "invalid_token");
            let challenge = invalid.header(header::WWW_AUTHENTICATE).unwrap();
            assert!(challenge.starts_with("Bearer realm=\""), "{challenge}");
            assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
            assert!(challenge.contains("error_description=\""), "{challenge}");
        }

        let weak = as_
            .send(method.clone(), url, Some(&profile_only), body.as_ref())
            .await;
        weak.assert_error(StatusCode::FORBIDDEN, "insufficient_scope");
        let challenge = weak.header(header::WWW_AUTHENTICATE).unwrap();
        assert!(
            challenge.contains("error=\"insufficient_scope\""),
            "{challenge}"
        );
        assert!(
            challenge.contains("scope=\"uma_protection\""),
            "{challenge}"
        );
    }

    // The scheme name is case-insensitive; the token is not.
    let lower = as_
        .http
        .get(as_.rreg())
        .header(header::AUTHORIZATION, format!("bearer {pat}"))
        .send()
        .await
        .unwrap();
    assert_eq!(lower.status(), StatusCode::OK);
    let two_headers = as_
        .http
        .get(as_.rreg())
        .header(header::AUTHORIZATION, format!("Bearer {pat}"))
        .header(header::AUTHORIZATION, format!("Bearer {pat}"))
        .send()
        .await
        .unwrap();
    Reply::from(two_headers)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    // The resource is untouched by all the rejected calls.
    assert_eq!(as_.read(&pat, &id).await.status, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// Permission endpoint

#[tokio::test]
async fn permission_requests() {
    let as_ = As::start(&[]).await;
    let pat = as_.pat("rs-alice").await;
    let a = as_
        .register(&pat, &json!({"resource_scopes": ["view", "print"]}))
        .await;
    let b = as_
        .register(
            &pat,
            &json!({"resource_scopes": ["http://photoz.example.com/dev/scopes/all"]}),
        )
        .await;

    let one = as_
        .permission(
            &pat,
            &json!({"resource_id": a, "resource_scopes": ["view"]}),
        )
        .await;
    assert_eq!(one.status, StatusCode::CREATED, "{}", one.text);
    assert!(
        one.header(header::CONTENT_TYPE)
            .unwrap()
            .starts_with("application/json")
    );
    let ticket = one.json()["ticket"].as_str().unwrap().to_string();
    assert!(ticket.len() >= 22);

    let many = as_
        .permission(
            &pat,
            &json!([
                {"resource_id": a, "resource_scopes": ["view", "print"]},
                {"resource_id": b, "resource_scopes": ["http://photoz.example.com/dev/scopes/all"]},
                {"resource_id": a, "resource_scopes": []}
            ]),
        )
        .await;
    assert_eq!(many.status, StatusCode::CREATED);
    let body = many.json();
    assert_eq!(body.as_object().unwrap().len(), 1, "one ticket: {body}");
    assert_ne!(body["ticket"], ticket.as_str());

    as_.permission(
        &pat,
        &json!({"resource_id": "unknown", "resource_scopes": []}),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_resource_id");
    as_.permission(
        &pat,
        &json!([
            {"resource_id": a, "resource_scopes": ["view"]},
            {"resource_id": "unknown", "resource_scopes": ["view"]}
        ]),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_resource_id");
    as_.permission(
        &pat,
        &json!({"resource_id": a, "resource_scopes": ["delete"]}),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_scope");
    for malformed in [
        json!([]),
        json!({"resource_scopes": ["view"]}),
        json!({"resource_id": a}),
        json!({"resource_id": a, "resource_scopes": "view"}),
        json!([{"resource_id": a, "resource_scopes": ["view"]}, "x"]),
    ] {
        as_.permission(&pat, &malformed)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    }
    let repeated = as_
        .raw(
            Method::POST,
            &as_.url("/permission"),
            &pat,
            "application/json",
            &format!(r#"{{"resource_id":"{a}","resource_id":"{b}","resource_scopes":[]}}"#),
        )
        .await;
    repeated.assert_error(StatusCode::BAD_REQUEST, "invalid_request");

    // Deregistration ends protection: the id is no longer usable.
    assert_eq!(as_.delete(&pat, &a).await.status, StatusCode::NO_CONTENT);
    as_.permission(&pat, &json!({"resource_id": a, "resource_scopes": []}))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_resource_id");
}

// ---------------------------------------------------------------------------------------------
// Introspection

#[tokio::test]
async fn introspection_of_pats_and_unknown_tokens() {
    let as_ = As::start(&[]).await;
    let pat = as_.pat("rs-alice").await;
    let bob = as_
        .token_for("rs-bob", Some("profile uma_protection"))
        .await;

    let reply = as_.introspect(Some(&pat), &[("token", &bob)]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header(header::CACHE_CONTROL), Some("no-store"));
    let body = reply.json();
    assert_eq!(body["active"], true);
    assert_eq!(body["client_id"], "rs-bob");
    assert_eq!(body["scope"], "profile uma_protection");
    assert_eq!(body["sub"], "bob");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["iss"], as_.mock.issuer());
    let (iat, exp) = (body["iat"].as_i64().unwrap(), body["exp"].as_i64().unwrap());
    assert_eq!(exp - iat, 3600);

    let hinted = as_
        .introspect(
            Some(&pat),
            &[("token", &pat), ("token_type_hint", "access_token")],
        )
        .await;
    assert_eq!(hinted.json()["sub"], "alice");

    for unknown in ["unknown-token", &pat.to_lowercase()] {
        let reply = as_.introspect(Some(&pat), &[("token", unknown)]).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.text, r#"{"active":false}"#);
    }

    let reply = as_.introspect(None, &[("token", &pat)]).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(
        reply
            .header(header::WWW_AUTHENTICATE)
            .unwrap()
            .starts_with("Bearer")
    );
    as_.introspect(Some("bogus"), &[("token", &pat)])
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "invalid_token");
    as_.introspect(Some(&pat), &[])
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    as_.introspect(Some(&pat), &[("token", &pat), ("token", &bob)])
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
}

// ---------------------------------------------------------------------------------------------
// Deviations: each changes behaviour as described.

#[tokio::test]
async fn discovery_deviations() {
    let omitted = [
        (
            "discovery-without-permission-endpoint",
            "permission_endpoint",
        ),
        (
            "discovery-without-introspection-endpoint",
            "introspection_endpoint",
        ),
        (
            "discovery-without-response-types",
            "response_types_supported",
        ),
    ];
    for (deviation, member) in omitted {
        let as_ = As::start(&[deviation]).await;
        let doc = as_.discovery().await;
        assert!(doc.get(member).is_none(), "{deviation}");
        assert!(doc.get("resource_registration_endpoint").is_some());
        as_.mock.stop().await;
    }

    // The endpoints left out of discovery still work.
    let as_ = As::start(&["discovery-without-introspection-endpoint"]).await;
    let pat = as_.pat("rs-alice").await;
    assert_eq!(
        as_.introspect(Some(&pat), &[("token", &pat)]).await.json()["active"],
        true
    );

    let as_ = As::start(&["discovery-issuer-mismatch"]).await;
    assert_eq!(
        as_.discovery().await["issuer"],
        format!("{}/other", as_.mock.issuer())
    );

    let as_ = As::start(&["discovery-relative-claims-interaction-endpoint"]).await;
    assert_eq!(
        as_.discovery().await["claims_interaction_endpoint"],
        "/claims"
    );

    let as_ = As::start(&["discovery-profiles-not-array"]).await;
    assert_eq!(as_.discovery().await["uma_profiles_supported"], PROFILE);

    let as_ = As::start(&["discovery-profiles-unlisted"]).await;
    assert_eq!(as_.discovery().await["uma_profiles_supported"], json!([]));
}

#[tokio::test]
async fn deviation_pat_scope_ignored() {
    let as_ = As::start(&["pat-scope-ignored"]).await;
    let profile_only = as_.token_for("rs-alice", Some("profile")).await;
    let created = as_
        .create(&profile_only, &json!({"resource_scopes": ["view"]}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(
        as_.introspect(Some(&profile_only), &[("token", "x")])
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn deviation_protection_api_without_auth() {
    let as_ = As::start(&["protection-api-without-auth"]).await;
    let created = as_
        .send(
            Method::POST,
            &as_.rreg(),
            None,
            Some(&json!({"resource_scopes": ["view"]})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json()["_id"].as_str().unwrap().to_string();
    // It acted as alice's rs-alice.
    let alice = as_.pat("rs-alice").await;
    assert_eq!(as_.list(&alice).await.json(), json!([id]));
    // A bad token is still refused.
    as_.list("bogus")
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "invalid_token");
}

#[tokio::test]
async fn deviation_bad_pat_without_challenge() {
    let as_ = As::start(&["bad-pat-without-challenge"]).await;
    let missing = as_.send(Method::GET, &as_.rreg(), None, None).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert!(missing.header(header::WWW_AUTHENTICATE).is_none());
    let invalid = as_.list("bogus").await;
    assert_eq!(invalid.status, StatusCode::UNAUTHORIZED);
    assert!(invalid.header(header::WWW_AUTHENTICATE).is_none());
}

#[tokio::test]
async fn deviations_on_create() {
    let as_ = As::start(&["create-200-without-location"]).await;
    let pat = as_.pat("rs-alice").await;
    let reply = as_.create(&pat, &json!({"resource_scopes": []})).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header(header::LOCATION).is_none());
    assert!(reply.json()["_id"].is_string());

    let as_ = As::start(&["location-without-id"]).await;
    let pat = as_.pat("rs-alice").await;
    let reply = as_.create(&pat, &json!({"resource_scopes": []})).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let id = reply.json()["_id"].as_str().unwrap().to_string();
    let location = reply.header(header::LOCATION).unwrap();
    assert_eq!(location, format!("{}/latest", as_.rreg()));
    assert!(!location.contains(&id));
}

#[tokio::test]
async fn deviation_resource_id_camel_case() {
    let as_ = As::start(&["resource-id-camel-case"]).await;
    let pat = as_.pat("rs-alice").await;
    let created = as_.create(&pat, &json!({"resource_scopes": []})).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let body = created.json();
    assert!(body.get("_id").is_none());
    let id = body["resourceId"].as_str().unwrap().to_string();
    assert!(created.header(header::LOCATION).unwrap().ends_with(&id));
    let read = as_.read(&pat, &id).await.json();
    assert!(read.get("_id").is_none() && read["resourceId"] == id.as_str());
    let updated = as_
        .update(&pat, &id, &json!({"resource_scopes": []}))
        .await
        .json();
    assert!(updated.get("_id").is_none() && updated["resourceId"] == id.as_str());
    assert_eq!(as_.list(&pat).await.json(), json!([id]));
}

#[tokio::test]
async fn deviations_on_update() {
    let as_ = As::start(&["update-204-no-body"]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_.register(&pat, &json!({"resource_scopes": []})).await;
    let reply = as_
        .update(&pat, &id, &json!({"resource_scopes": ["view"]}))
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert!(reply.text.is_empty());

    let as_ = As::start(&["update-merges"]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_
        .register(
            &pat,
            &json!({"resource_scopes": ["view"], "name": "Old", "type": "t"}),
        )
        .await;
    let reply = as_
        .update(
            &pat,
            &id,
            &json!({"resource_scopes": ["print"], "name": "New"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let read = as_.read(&pat, &id).await.json();
    assert_eq!(read["name"], "New");
    assert_eq!(read["resource_scopes"], json!(["print"]));
    assert_eq!(read["type"], "t", "the member left out survived: {read}");
}

#[tokio::test]
async fn deviation_delete_keeps_resource() {
    let as_ = As::start(&["delete-keeps-resource"]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_
        .register(&pat, &json!({"resource_scopes": ["view"]}))
        .await;
    assert_eq!(as_.delete(&pat, &id).await.status, StatusCode::NO_CONTENT);
    assert_eq!(as_.read(&pat, &id).await.status, StatusCode::OK);
    assert_eq!(as_.list(&pat).await.json(), json!([id]));
    let permission = as_
        .permission(&pat, &json!({"resource_id": id, "resource_scopes": []}))
        .await;
    assert_eq!(permission.status, StatusCode::CREATED);
    as_.delete(&pat, "unknown")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn deviation_list_returns_objects() {
    let as_ = As::start(&["list-returns-objects"]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_
        .register(&pat, &json!({"resource_scopes": ["view"]}))
        .await;
    assert_eq!(
        as_.list(&pat).await.json(),
        json!([{"_id": id, "resource_scopes": ["view"]}])
    );
}

#[tokio::test]
async fn deviation_read_drops_optional_members() {
    let as_ = As::start(&["read-drops-optional-members"]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_.register(&pat, &photo_album()).await;
    let read = as_.read(&pat, &id).await.json();
    assert_eq!(
        read,
        json!({
            "_id": id,
            "resource_scopes": ["view", "http://photoz.example.com/dev/scopes/print"],
            "x-vendor-extension": {"nested": [1, 2, 3]}
        })
    );
}

#[tokio::test]
async fn deviation_rejects_uri_scopes() {
    let as_ = As::start(&["rejects-uri-scopes"]).await;
    let pat = as_.pat("rs-alice").await;
    as_.create(
        &pat,
        &json!({"resource_scopes": ["view", "http://example.com/scopes/print"]}),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    assert_eq!(
        as_.create(&pat, &json!({"resource_scopes": ["view"]}))
            .await
            .status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn deviation_rejects_extension_members() {
    let as_ = As::start(&["rejects-extension-members"]).await;
    let pat = as_.pat("rs-alice").await;
    as_.create(&pat, &json!({"resource_scopes": ["view"], "x-vendor": 1}))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    let known =
        json!({"resource_scopes": ["view"], "name": "n", "name#fr": "n", "description": "d"});
    assert_eq!(as_.create(&pat, &known).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn deviation_dereferences_scope_uris() {
    let as_ = As::start(&["dereferences-scope-uris"]).await;
    let pat = as_.pat("rs-alice").await;
    let unreachable = format!("http://127.0.0.1:{}/scopes/view", closed_port());
    as_.create(&pat, &json!({"resource_scopes": [unreachable]}))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");

    let scope_server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/scopes/view"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({"name": "View"})))
        .expect(2)
        .mount(&scope_server)
        .await;
    let reachable = format!("{}/scopes/view", scope_server.uri());
    let id = as_
        .register(&pat, &json!({"resource_scopes": [reachable, "plain"]}))
        .await;
    assert_eq!(
        as_.update(&pat, &id, &json!({"resource_scopes": [reachable]}))
            .await
            .status,
        StatusCode::OK
    );
    scope_server.verify().await;
}

#[tokio::test]
async fn deviation_resource_scopes_optional() {
    let as_ = As::start(&["resource-scopes-optional"]).await;
    let pat = as_.pat("rs-alice").await;
    let reply = as_.create(&pat, &json!({"name": "no scopes"})).await;
    assert_eq!(reply.status, StatusCode::CREATED);
}

#[tokio::test]
async fn deviation_accepts_repeated_members() {
    let as_ = As::start(&["accepts-repeated-members"]).await;
    let pat = as_.pat("rs-alice").await;
    let repeated = as_
        .raw(
            Method::POST,
            &as_.rreg(),
            &pat,
            "application/json",
            r#"{"resource_scopes":["view"],"resource_scopes":["print"]}"#,
        )
        .await;
    assert_eq!(repeated.status, StatusCode::CREATED);
    let id = repeated.json()["_id"].as_str().unwrap().to_string();
    assert_eq!(
        as_.read(&pat, &id).await.json()["resource_scopes"],
        json!(["print"])
    );
    let numeric_name = as_
        .create(&pat, &json!({"resource_scopes": [], "name": 42}))
        .await;
    assert_eq!(numeric_name.status, StatusCode::CREATED);
    // Not JSON at all is still refused.
    as_.raw(Method::POST, &as_.rreg(), &pat, "application/json", "nope")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn deviations_on_error_status_and_codes() {
    let as_ = As::start(&["not-found-as-400"]).await;
    let pat = as_.pat("rs-alice").await;
    as_.read(&pat, "unknown")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");

    let as_ = As::start(&["method-not-allowed-as-404"]).await;
    let pat = as_.pat("rs-alice").await;
    let reply = as_.send(Method::PATCH, &as_.rreg(), Some(&pat), None).await;
    reply.assert_error(StatusCode::NOT_FOUND, "not_found");

    let as_ = As::start(&["vendor-error-codes"]).await;
    let pat = as_.pat("rs-alice").await;
    as_.read(&pat, "unknown")
        .await
        .assert_error(StatusCode::NOT_FOUND, "resource_not_found");
    as_.send(Method::PATCH, &as_.rreg(), Some(&pat), None)
        .await
        .assert_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    as_.create(&pat, &json!({"name": "x"}))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_request");
}

#[tokio::test]
async fn deviations_on_error_bodies() {
    let as_ = As::start(&["error-body-plain-text"]).await;
    let pat = as_.pat("rs-alice").await;
    let reply = as_.read(&pat, "unknown").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(
        reply
            .header(header::CONTENT_TYPE)
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(serde_json::from_str::<Value>(&reply.text).is_err());

    let as_ = As::start(&["error-description-not-string"]).await;
    let pat = as_.pat("rs-alice").await;
    let body = as_.read(&pat, "unknown").await.json();
    assert_eq!(body["error"], "not_found");
    assert!(body["error_description"].is_number(), "{body}");

    let as_ = As::start(&["error-uri-relative"]).await;
    let pat = as_.pat("rs-alice").await;
    let body = as_.create(&pat, &json!([])).await.json();
    assert_eq!(body["error"], "invalid_request");
    assert_eq!(body["error_uri"], "errors/help");
}

#[tokio::test]
async fn deviation_policy_uri_relative() {
    let as_ = As::start(&["policy-uri-relative"]).await;
    let pat = as_.pat("rs-alice").await;
    let created = as_.create(&pat, &json!({"resource_scopes": []})).await;
    assert_eq!(created.json()["user_access_policy_uri"], "policy/1");
    let id = created.json()["_id"].as_str().unwrap().to_string();
    assert_eq!(
        as_.read(&pat, &id).await.json()["user_access_policy_uri"],
        "policy/1"
    );
    let updated = as_.update(&pat, &id, &json!({"resource_scopes": []})).await;
    assert_eq!(updated.json()["user_access_policy_uri"], "policy/1");
}

#[tokio::test]
async fn deviation_no_owner_isolation() {
    let as_ = As::start(&["no-owner-isolation"]).await;
    let alice = as_.pat("rs-alice").await;
    let bob = as_.pat("rs-bob").await;
    let alice_id = as_
        .register(&alice, &json!({"resource_scopes": ["view"]}))
        .await;
    let bob_id = as_
        .register(&bob, &json!({"resource_scopes": ["view"]}))
        .await;
    assert_eq!(as_.list(&bob).await.json(), json!([alice_id, bob_id]));
    assert_eq!(as_.read(&bob, &alice_id).await.status, StatusCode::OK);
    assert_eq!(
        as_.update(&bob, &alice_id, &json!({"resource_scopes": ["x"]}))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        as_.delete(&bob, &alice_id).await.status,
        StatusCode::NO_CONTENT
    );
    as_.read(&alice, &alice_id)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn deviations_of_the_discovery_document() {
    let as_ = As::start(&["discovery-grant-types-not-array"]).await;
    assert!(as_.discovery().await["grant_types_supported"].is_string());
    let as_ = As::start(&["discovery-relative-introspection-endpoint"]).await;
    assert_eq!(
        as_.discovery().await["introspection_endpoint"],
        "/introspect"
    );
    let as_ = As::start(&["discovery-uma1-registration-endpoint-name"]).await;
    let doc = as_.discovery().await;
    assert!(doc.get("resource_registration_endpoint").is_none());
    assert_eq!(doc["resource_set_registration_endpoint"], as_.rreg());
    let as_ = As::start(&["discovery-wrong-content-type"]).await;
    let reply = as_.get(&as_.url("/.well-known/uma2-configuration")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .header(header::CONTENT_TYPE)
            .unwrap()
            .starts_with("text/html")
    );
    assert!(reply.json().is_object());
}

#[tokio::test]
async fn deviation_token_response_scope_mismatch() {
    let as_ = As::start(&["token-response-scope-mismatch"]).await;
    let reply = as_
        .token(
            &[("grant_type", "client_credentials")],
            Some(("rs-alice", "rs-alice-secret")),
        )
        .await;
    assert_eq!(reply.json()["scope"], "profile");
    let pat = reply.json()["access_token"].as_str().unwrap().to_string();
    // The token itself still carries uma_protection.
    assert_eq!(as_.list(&pat).await.status, StatusCode::OK);
}

#[tokio::test]
async fn deviation_bearer_scheme_case_sensitive() {
    let faithful = As::start(&[]).await;
    let pat = faithful.pat("rs-alice").await;
    let lower = |as_: &As, pat: &str| {
        as_.http
            .get(as_.rreg())
            .header(header::AUTHORIZATION, format!("bearer {pat}"))
            .send()
    };
    assert_eq!(
        lower(&faithful, &pat).await.unwrap().status(),
        StatusCode::OK
    );
    let strict = As::start(&["bearer-scheme-case-sensitive"]).await;
    let pat = strict.pat("rs-alice").await;
    assert_eq!(
        lower(&strict, &pat).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(strict.list(&pat).await.status, StatusCode::OK);
}

#[tokio::test]
async fn deviations_of_registration_input() {
    let as_ = As::start(&["malformed-body-500"]).await;
    let pat = as_.pat("rs-alice").await;
    let reply = as_
        .raw(
            Method::POST,
            &as_.rreg(),
            &pat,
            "application/json",
            "not json {",
        )
        .await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply.json()["error"], "server_error");
    let reply = as_
        .raw(Method::POST, &as_.rreg(), &pat, "application/json", "[1]")
        .await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);

    let as_ = As::start(&["coerces-scope-types"]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_
        .register(&pat, &json!({"resource_scopes": ["view", 7]}))
        .await;
    assert_eq!(
        as_.read(&pat, &id).await.json()["resource_scopes"],
        json!(["view", "7"])
    );

    let as_ = As::start(&["update-not-supported"]).await;
    let pat = as_.pat("rs-alice").await;
    let id = as_
        .register(&pat, &json!({"resource_scopes": ["view"]}))
        .await;
    let reply = as_
        .update(&pat, &id, &json!({"resource_scopes": ["print"]}))
        .await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        as_.read(&pat, &id).await.json()["resource_scopes"],
        json!(["view"])
    );
}
