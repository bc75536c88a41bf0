//! HTTP tests of the reference (mock) UMA resource server: against the reference AS started in
//! process (plain http on loopback, with opaque or JWT RPTs), and against a scripted stand-in AS
//! (wiremock) for the introspection answers the reference AS never gives.

use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uma_conformance::mock::authorization_server::{Fixtures, MockAs, MockAsConfig, RptFormat};
use uma_conformance::mock::resource_server::{
    MockRs, MockRsConfig, SHARE_SCOPE_PATH, UNREACHABLE_WARNING,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const UMA_GRANT: &str = "urn:ietf:params:oauth:grant-type:uma-ticket";
const LAB_REPORT: &str = "/patients/alice/lab-reports/1";
const PRESCRIPTION: &str = "/patients/alice/prescriptions/1";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap()
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
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("ascii"))
    }

    /// The parameters of a `UMA` challenge, checked to be one.
    fn challenge(&self) -> Vec<(String, String)> {
        assert_eq!(self.status, StatusCode::UNAUTHORIZED, "{}", self.text);
        let value = self
            .header(header::WWW_AUTHENTICATE)
            .expect("WWW-Authenticate");
        let rest = value
            .strip_prefix("UMA ")
            .unwrap_or_else(|| panic!("not UMA: {value}"));
        rest.split(", ")
            .map(|p| {
                let (k, v) = p.split_once('=').expect("name=value");
                (k.to_string(), v.trim_matches('"').to_string())
            })
            .collect()
    }

    fn param(&self, name: &str) -> Option<String> {
        self.challenge()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    fn ticket(&self) -> String {
        self.param("ticket").expect("a ticket in the challenge")
    }

    fn assert_unreachable(&self, with_warning: bool) {
        assert_eq!(self.status, StatusCode::FORBIDDEN, "{}", self.text);
        let warning = self.header(header::WARNING);
        if with_warning {
            assert_eq!(warning, Some(UNREACHABLE_WARNING));
        } else {
            assert_eq!(warning, None);
        }
    }
}

struct Setup {
    mock_as: MockAs,
    rs: MockRs,
    http: reqwest::Client,
}

impl Setup {
    async fn start(deviations: &[&str]) -> Setup {
        let mock_as = MockAs::start(MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap())
            .await
            .expect("AS starts");
        let rs = start_rs(mock_as.issuer(), deviations).await;
        Setup {
            mock_as,
            rs,
            http: client(),
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        rpt: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.rs.base_url()));
        if let Some(rpt) = rpt {
            request = request.bearer_auth(rpt);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        Reply::from(request.send().await.expect("send")).await
    }

    async fn get(&self, path: &str, rpt: Option<&str>) -> Reply {
        self.call(Method::GET, path, rpt, None).await
    }

    /// Redeems a ticket at the AS as uma-client (the fixture policy grants it everything of
    /// alice's) and returns the RPT.
    async fn rpt(&self, ticket: &str) -> String {
        let reply = Reply::from(
            self.http
                .post(format!("{}/token", self.mock_as.issuer()))
                .basic_auth("uma-client", Some("uma-client-secret"))
                .form(&[("grant_type", UMA_GRANT), ("ticket", ticket)])
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.json()["access_token"].as_str().unwrap().to_string()
    }

    /// An RPT for what `method path` needs, got the UMA way: challenge, ticket, token endpoint.
    async fn rpt_for(&self, method: Method, path: &str) -> String {
        let ticket = self.call(method, path, None, None).await.ticket();
        self.rpt(&ticket).await
    }

    async fn introspect_as_rs(&self, token: &str) -> Value {
        let pat = self.pat().await;
        Reply::from(
            self.http
                .post(format!("{}/introspect", self.mock_as.issuer()))
                .bearer_auth(pat)
                .form(&[("token", token)])
                .send()
                .await
                .unwrap(),
        )
        .await
        .json()
    }

    /// Moves the AS's clock forward (its `_mock/clock`, which the RS reads too).
    async fn advance_as_clock(&self, secs: u64) {
        let moved = self
            .http
            .post(format!("{}/_mock/clock", self.mock_as.issuer()))
            .json(&json!({ "advance_secs": secs }))
            .send()
            .await
            .unwrap();
        assert_eq!(moved.status(), StatusCode::OK);
    }

    async fn pat(&self) -> String {
        let reply = Reply::from(
            self.http
                .post(format!("{}/token", self.mock_as.issuer()))
                .basic_auth("rs-alice", Some("rs-alice-secret"))
                .form(&[("grant_type", "client_credentials")])
                .send()
                .await
                .unwrap(),
        )
        .await;
        reply.json()["access_token"].as_str().unwrap().to_string()
    }
}

async fn start_rs(issuer: &str, deviations: &[&str]) -> MockRs {
    let mut config = MockRsConfig::new("127.0.0.1:0".parse().unwrap(), issuer).unwrap();
    config.deviations = deviations.iter().map(|d| d.to_string()).collect();
    MockRs::start(config).await.expect("RS starts")
}

#[tokio::test]
async fn registers_its_resources_at_start() {
    let s = Setup::start(&[]).await;
    let resources = s.rs.resources().await;
    let paths: Vec<_> = resources.iter().map(|(p, _)| p.as_str()).collect();
    assert!(
        paths.contains(&LAB_REPORT) && paths.contains(&PRESCRIPTION),
        "{paths:?}"
    );
    assert_eq!(s.rs.as_issuer(), s.mock_as.issuer());
    let pat = s.pat().await;
    for (_, id) in &resources {
        let reply = Reply::from(
            s.http
                .get(format!("{}/resource_set/{id}", s.mock_as.issuer()))
                .bearer_auth(&pat)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let description = reply.json();
        let share = format!("{}{SHARE_SCOPE_PATH}", s.rs.base_url());
        assert_eq!(
            description["resource_scopes"],
            json!(["view", "edit", "download", "delete", share])
        );
        // Every optional member of FedAuthz 3.1, from the fixtures.
        for member in [
            "name",
            "name#de",
            "description",
            "description#de",
            "icon_uri",
            "type",
        ] {
            assert!(description[member].is_string(), "{member}: {description}");
        }
        let icon = description["icon_uri"].as_str().unwrap();
        assert!(icon.starts_with("https://rs.example.test/icons/"), "{icon}");
    }
    let lab = s.as_exchanges("/resource_set").await;
    let sent = sent_json(&lab[0]);
    assert_eq!(sent["name"], "Alice's blood count, March");
    assert_eq!(sent["name#de"], "Alices Blutbild, März");
    assert_eq!(sent["type"], "urn:uma-conformance:type:lab-report");
}

#[tokio::test]
async fn the_share_scope_uri_leads_to_its_scope_description() {
    let s = Setup::start(&[]).await;
    // No token needed, and no ticket asked for.
    let permission_requests = s.as_exchanges("/permission").await.len();
    let reply = s.get(SHARE_SCOPE_PATH, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.header(header::CONTENT_TYPE), Some("application/json"));
    let document = reply.json();
    assert_eq!(document["name"], "Share");
    assert_eq!(document["name#de"], "Teilen");
    assert!(document["description"].is_string(), "{document}");
    assert!(document["description#de"].is_string(), "{document}");
    assert_eq!(
        document["icon_uri"],
        "https://rs.example.test/icons/share.png"
    );
    assert_eq!(
        s.as_exchanges("/permission").await.len(),
        permission_requests
    );
    let post = s
        .call(Method::POST, SHARE_SCOPE_PATH, None, Some(&json!({})))
        .await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
}

/// An AS may fetch scope description URIs at registration: the RS serves its own before it
/// registers, so it starts against one that insists on fetching them.
#[tokio::test]
async fn starts_against_an_as_that_fetches_scope_descriptions() {
    let mut config = MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap();
    config.deviations = vec!["dereferences-scope-uris".to_string()];
    let mock_as = MockAs::start(config).await.expect("AS starts");
    let rs = start_rs(mock_as.issuer(), &[]).await;
    assert_eq!(rs.resources().await.len(), 3);
    let page = Reply::from(
        client()
            .get(format!("{}/_mock/exchanges", rs.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await
    .json();
    let fetched = page["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"] == json!(SHARE_SCOPE_PATH))
        .count();
    assert!(fetched >= 3, "{page}");
}

#[tokio::test]
async fn tokenless_request_gets_a_challenge_whose_ticket_yields_a_working_rpt() {
    let s = Setup::start(&[]).await;
    let reply = s.get(LAB_REPORT, None).await;
    assert_eq!(reply.param("realm").as_deref(), Some("uma-conformance-rs"));
    assert_eq!(reply.param("as_uri").as_deref(), Some(s.mock_as.issuer()));
    let rpt = s.rpt(&reply.ticket()).await;
    // The AS saw the right resource and scope in the ticket.
    let lab_id =
        s.rs.resources()
            .await
            .into_iter()
            .find(|(p, _)| p == LAB_REPORT)
            .unwrap()
            .1;
    let introspection = s.introspect_as_rs(&rpt).await;
    assert_eq!(
        introspection["permissions"][0]["resource_id"],
        lab_id.as_str()
    );
    assert_eq!(
        introspection["permissions"][0]["resource_scopes"],
        json!(["view"])
    );
    let served = s.get(LAB_REPORT, Some(&rpt)).await;
    assert_eq!(served.status, StatusCode::OK, "{}", served.text);
    assert_eq!(served.json()["test"], "complete blood count");
    // The RPT names this resource only.
    let other = s.get(PRESCRIPTION, Some(&rpt)).await;
    assert!(other.param("ticket").is_some());
}

#[tokio::test]
async fn each_method_needs_its_own_scope() {
    let s = Setup::start(&[]).await;
    let view = s.rpt_for(Method::GET, LAB_REPORT).await;
    assert_eq!(s.get(LAB_REPORT, Some(&view)).await.status, StatusCode::OK);
    // view allows neither delete, nor edit, nor download: a new ticket each time.
    let first = s
        .call(Method::DELETE, LAB_REPORT, Some(&view), None)
        .await
        .ticket();
    let second = s
        .call(Method::DELETE, LAB_REPORT, Some(&view), None)
        .await
        .ticket();
    assert_ne!(first, second);
    s.call(Method::PUT, LAB_REPORT, Some(&view), Some(&json!({"x": 1})))
        .await
        .ticket();
    s.get(&format!("{LAB_REPORT}?download"), Some(&view))
        .await
        .ticket();
    // download
    let download = s
        .rpt(
            &s.get(&format!("{LAB_REPORT}?download"), None)
                .await
                .ticket(),
        )
        .await;
    let file = s
        .get(&format!("{LAB_REPORT}?download"), Some(&download))
        .await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.text);
    assert!(
        file.header(header::CONTENT_DISPOSITION)
            .unwrap()
            .starts_with("attachment")
    );
    // edit
    let edit = s
        .rpt(
            &s.call(Method::PUT, LAB_REPORT, Some(&view), Some(&json!({})))
                .await
                .ticket(),
        )
        .await;
    let put = s
        .call(
            Method::PUT,
            LAB_REPORT,
            Some(&edit),
            Some(&json!({"test": "redone"})),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    assert_eq!(
        s.get(LAB_REPORT, Some(&view)).await.json()["test"],
        "redone"
    );
    // delete: deregistered at the AS, gone from the API.
    let lab_id =
        s.rs.resources()
            .await
            .into_iter()
            .find(|(p, _)| p == LAB_REPORT)
            .unwrap()
            .1;
    let delete = s.rpt(&first).await;
    let gone = s
        .call(Method::DELETE, LAB_REPORT, Some(&delete), None)
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    assert_eq!(
        s.get(LAB_REPORT, Some(&view)).await.status,
        StatusCode::NOT_FOUND
    );
    let pat = s.pat().await;
    let list = Reply::from(
        s.http
            .get(format!("{}/resource_set", s.mock_as.issuer()))
            .bearer_auth(&pat)
            .send()
            .await
            .unwrap(),
    )
    .await
    .json();
    assert!(
        !list
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == lab_id.as_str()),
        "{list}"
    );
    // Other methods and misuse of the flag.
    let post = s.call(Method::POST, PRESCRIPTION, None, None).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    let bad = s
        .call(
            Method::DELETE,
            &format!("{PRESCRIPTION}?download"),
            None,
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        s.get("/patients/alice/lab-reports/99", None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_bad_or_revoked_rpt_is_answered_like_no_rpt() {
    let s = Setup::start(&[]).await;
    s.get(LAB_REPORT, Some("not-a-token")).await.ticket();
    let rpt = s.rpt_for(Method::GET, LAB_REPORT).await;
    assert_eq!(s.get(LAB_REPORT, Some(&rpt)).await.status, StatusCode::OK);
    let revoked = s
        .http
        .post(format!("{}/revoke", s.mock_as.issuer()))
        .basic_auth("uma-client", Some("uma-client-secret"))
        .form(&[("token", rpt.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    let reply = s.get(LAB_REPORT, Some(&rpt)).await;
    assert_eq!(reply.param("as_uri").as_deref(), Some(s.mock_as.issuer()));
    reply.ticket();
}

#[tokio::test]
async fn an_expired_rpt_is_answered_like_no_rpt() {
    let s = Setup::start(&[]).await;
    let rpt = s.rpt_for(Method::GET, LAB_REPORT).await;
    assert_eq!(s.get(LAB_REPORT, Some(&rpt)).await.status, StatusCode::OK);
    s.advance_as_clock(400).await;
    s.get(LAB_REPORT, Some(&rpt)).await.ticket();
}

#[tokio::test]
async fn an_unreachable_as_gets_403_with_the_warning() {
    let s = Setup::start(&[]).await;
    let rpt = s.rpt_for(Method::GET, LAB_REPORT).await;
    unreachable_checks(s, &rpt, true).await;
}

/// With the AS stopped: needing a ticket, and needing introspection.
async fn unreachable_checks(s: Setup, rpt: &str, with_warning: bool) {
    let Setup { mock_as, rs, http } = s;
    mock_as.stop().await;
    let url = format!("{}{LAB_REPORT}", rs.base_url());
    let plain = Reply::from(http.get(&url).send().await.unwrap()).await;
    plain.assert_unreachable(with_warning);
    let with_rpt = Reply::from(http.get(&url).bearer_auth(rpt).send().await.unwrap()).await;
    with_rpt.assert_unreachable(with_warning);
}

#[tokio::test]
async fn deviation_no_warning_when_as_down() {
    let s = Setup::start(&["no-warning-when-as-down"]).await;
    let rpt = s.rpt_for(Method::GET, LAB_REPORT).await;
    unreachable_checks(s, &rpt, false).await;
}

#[tokio::test]
async fn deviation_no_ticket_in_challenge() {
    let s = Setup::start(&["no-ticket-in-challenge"]).await;
    let reply = s.get(LAB_REPORT, None).await;
    assert_eq!(reply.param("as_uri").as_deref(), Some(s.mock_as.issuer()));
    assert_eq!(reply.param("ticket"), None);
}

#[tokio::test]
async fn deviation_as_uri_not_issuer() {
    let s = Setup::start(&["as-uri-not-issuer"]).await;
    let reply = s.get(LAB_REPORT, None).await;
    let as_uri = reply.param("as_uri").unwrap();
    assert_ne!(as_uri, s.mock_as.issuer());
    assert!(reply.param("ticket").is_some());
}

#[tokio::test]
async fn deviation_serves_without_scope_check() {
    let s = Setup::start(&["serves-without-scope-check"]).await;
    let view = s.rpt_for(Method::GET, LAB_REPORT).await;
    let put = s
        .call(Method::PUT, LAB_REPORT, Some(&view), Some(&json!({"x": 1})))
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    let gone = s.call(Method::DELETE, LAB_REPORT, Some(&view), None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    // Still bound to the resource: another resource is not served.
    s.get(PRESCRIPTION, Some(&view)).await.ticket();
}

#[tokio::test]
async fn unknown_deviation_is_refused() {
    let mock_as = MockAs::start(MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap())
        .await
        .unwrap();
    let mut config = MockRsConfig::new("127.0.0.1:0".parse().unwrap(), mock_as.issuer()).unwrap();
    config.deviations = vec!["nope".into()];
    let err = MockRs::start(config).await.unwrap_err();
    assert!(err.to_string().contains("no-ticket-in-challenge"), "{err}");
}

#[tokio::test]
async fn start_fails_cleanly_without_an_as() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let config =
        MockRsConfig::new("127.0.0.1:0".parse().unwrap(), &format!("http://{addr}")).unwrap();
    let err = MockRs::start(config).await.unwrap_err();
    assert!(err.to_string().contains("discovery"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// A scripted AS: introspection answers the reference AS never gives.

/// A stand-in AS whose clock says `now` and whose introspection answers `introspection`.
async fn scripted_as(now: i64, introspection: Value) -> MockServer {
    scripted_as_with_delay(now, introspection, std::time::Duration::ZERO).await
}

/// The same, with permission requests and introspection answered only after `delay`.
async fn scripted_as_with_delay(
    now: i64,
    introspection: Value,
    delay: std::time::Duration,
) -> MockServer {
    let server = MockServer::start().await;
    let base = server.uri();
    let json = |v: Value| ResponseTemplate::new(200).set_body_json(v);
    Mock::given(method("GET"))
        .and(path("/.well-known/uma2-configuration"))
        .respond_with(json(json!({
            "issuer": base,
            "token_endpoint": format!("{base}/token"),
            "resource_registration_endpoint": format!("{base}/resource_set"),
            "permission_endpoint": format!("{base}/permission"),
            "introspection_endpoint": format!("{base}/introspect"),
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(json(json!({"access_token": "pat", "token_type": "Bearer"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/resource_set"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"_id": "r1"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/permission"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"ticket": "t1"}))
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/introspect"))
        .respond_with(json(introspection).set_delay(delay))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/_mock/clock"))
        .respond_with(json(json!({"now": now})))
        .mount(&server)
        .await;
    server
}

async fn get_with(rs: &MockRs, rpt: &str) -> Reply {
    Reply::from(
        client()
            .get(format!("{}{LAB_REPORT}", rs.base_url()))
            .bearer_auth(rpt)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// An active RPT with one permission on `r1` for `view` and the given extra members.
fn active_with(permission_times: Value) -> Value {
    let mut permission = json!({"resource_id": "r1", "resource_scopes": ["view"]});
    permission
        .as_object_mut()
        .unwrap()
        .extend(permission_times.as_object().unwrap().clone());
    json!({"active": true, "permissions": [permission]})
}

#[tokio::test]
async fn permission_times_are_read_against_the_as_clock() {
    // The AS's clock is far in the past of the system's: a permission valid by it serves.
    let now = 1_000_000;
    for (times, served) in [
        (json!({"iat": now - 10, "exp": now + 10}), true),
        (json!({"iat": now - 100, "exp": now - 10}), false),
        (json!({"exp": now}), false),
        (json!({"nbf": now + 10}), false),
        (json!({"nbf": now}), true),
        (json!({"iat": now + 60}), false),
    ] {
        let server = scripted_as(now, active_with(times.clone())).await;
        let rs = start_rs(&server.uri(), &[]).await;
        let reply = get_with(&rs, "rpt").await;
        if served {
            assert_eq!(reply.status, StatusCode::OK, "{times}: {}", reply.text);
        } else {
            assert_eq!(reply.ticket(), "t1", "{times}");
        }
    }
}

#[tokio::test]
async fn deviation_serves_expired_permission() {
    let now = 1_000_000;
    let expired = active_with(json!({"iat": now - 100, "exp": now - 10}));
    let server = scripted_as(now, expired.clone()).await;
    let faithful = start_rs(&server.uri(), &[]).await;
    assert_eq!(get_with(&faithful, "rpt").await.ticket(), "t1");
    let deviant = start_rs(&server.uri(), &["serves-expired-permission"]).await;
    assert_eq!(get_with(&deviant, "rpt").await.status, StatusCode::OK);
    // Only exp is ignored: a permission not yet valid still does not serve.
    let early = scripted_as(now, active_with(json!({"nbf": now + 10}))).await;
    let deviant = start_rs(&early.uri(), &["serves-expired-permission"]).await;
    assert_eq!(get_with(&deviant, "rpt").await.ticket(), "t1");
}

#[tokio::test]
async fn introspection_sends_the_pat_and_the_rpt() {
    let server = scripted_as(1_000_000, json!({"active": false})).await;
    let rs = start_rs(&server.uri(), &[]).await;
    assert_eq!(get_with(&rs, "the-rpt").await.ticket(), "t1");
    let requests = server.received_requests().await.unwrap();
    let introspection = requests
        .iter()
        .find(|r| r.url.path() == "/introspect")
        .expect("introspected");
    assert_eq!(
        introspection.headers.get("authorization").unwrap(),
        "Bearer pat"
    );
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&introspection.body)
        .into_owned()
        .collect();
    assert!(
        form.contains(&("token".into(), "the-rpt".into())),
        "{form:?}"
    );
    let permission = requests
        .iter()
        .find(|r| r.url.path() == "/permission")
        .expect("asked for a ticket");
    let body: Value = serde_json::from_slice(&permission.body).unwrap();
    assert_eq!(
        body,
        json!({"resource_id": "r1", "resource_scopes": ["view"]})
    );
}

/// Kills the child process when the test ends, however it ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_command_line_serves_the_resource_server() {
    use std::io::BufRead;
    let mock_as = MockAs::start(MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap())
        .await
        .unwrap();
    let mut child = Child(
        std::process::Command::new(env!("CARGO_BIN_EXE_uma-conformance"))
            .args([
                "mock",
                "rs",
                "--listen",
                "127.0.0.1:0",
                "--http",
                "--as-issuer",
                mock_as.issuer(),
                "--deviate",
                "as-uri-not-issuer",
            ])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let base = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        line.trim().to_string()
    })
    .await
    .unwrap();
    assert!(base.starts_with("http://127.0.0.1:"), "{base:?}");
    let reply = Reply::from(
        client()
            .get(format!("{base}{LAB_REPORT}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(reply.param("ticket").is_some());
    assert_ne!(reply.param("as_uri").as_deref(), Some(mock_as.issuer()));
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_uma-conformance"))
        .args([
            "mock",
            "rs",
            "--http",
            "--as-issuer",
            mock_as.issuer(),
            "--deviate",
            "nope",
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
}

#[tokio::test]
async fn serves_https_in_front_of_an_https_as() {
    use uma_conformance::mock::authorization_server::TlsMode;
    let mut as_config = MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap();
    as_config.tls = TlsMode::Generated;
    let mock_as = MockAs::start(as_config).await.unwrap();
    assert!(mock_as.issuer().starts_with("https://"));
    let mut config = MockRsConfig::new("127.0.0.1:0".parse().unwrap(), mock_as.issuer()).unwrap();
    config.tls = TlsMode::Generated;
    // Without the AS's CA the RS cannot even discover it.
    assert!(MockRs::start(config.clone()).await.is_err());
    config.as_ca_pem = mock_as.ca_certificate_pem();
    let rs = MockRs::start(config).await.expect("RS starts");
    assert!(rs.base_url().starts_with("https://"));
    let ca = reqwest::Certificate::from_pem(rs.ca_certificate_pem().unwrap().as_bytes()).unwrap();
    let https = reqwest::Client::builder()
        .no_proxy()
        .add_root_certificate(ca)
        .build()
        .unwrap();
    let reply = Reply::from(
        https
            .get(format!("{}{LAB_REPORT}", rs.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(reply.param("as_uri").as_deref(), Some(mock_as.issuer()));
    assert!(reply.param("ticket").is_some());
}

#[tokio::test]
async fn an_as_that_does_not_answer_in_time_counts_as_unreachable() {
    let server = scripted_as_with_delay(
        1_000_000,
        json!({"active": false}),
        std::time::Duration::from_secs(30),
    )
    .await;
    let rs = start_rs(&server.uri(), &[]).await;
    let started = std::time::Instant::now();
    let reply = Reply::from(
        client()
            .get(format!("{}{LAB_REPORT}", rs.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    reply.assert_unreachable(true);
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
}

// ---------------------------------------------------------------------------------------------
// Collections, the patient index and the deviations seen on the wire through the AS's exchange
// log.

const LAB_REPORTS: &str = "/patients/alice/lab-reports";
const INDEX: &str = "/patients/alice";

impl Setup {
    /// What the AS was sent at `path` (and answered), oldest first.
    async fn as_exchanges(&self, path: &str) -> Vec<Value> {
        let page = Reply::from(
            self.http
                .get(format!("{}/_mock/exchanges", self.mock_as.issuer()))
                .send()
                .await
                .unwrap(),
        )
        .await
        .json();
        page["exchanges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["path"] == json!(path))
            .cloned()
            .collect()
    }

    /// The newest permission request the RS made, and the body it sent.
    async fn last_permission_request(&self) -> (Value, String) {
        let exchange = self
            .as_exchanges("/permission")
            .await
            .pop()
            .expect("a permission request");
        let body = exchange["body"].as_str().unwrap().to_string();
        (exchange, body)
    }

    /// The `_id` the AS gave the resource at `path`.
    async fn id_of(&self, path: &str) -> String {
        self.rs
            .resources()
            .await
            .into_iter()
            .find(|(p, _)| p == path)
            .map(|(_, id)| id)
            .unwrap()
    }

    /// Scripts the AS's introspection answer for `token`.
    async fn script_introspection(&self, token: &str, answer: Value) {
        let response = self
            .http
            .post(format!(
                "{}/_mock/introspection-answers",
                self.mock_as.issuer()
            ))
            .json(&json!({"token": token, "answer": answer}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
}

/// A request header of a recorded exchange.
fn recorded_header<'a>(exchange: &'a Value, name: &str) -> Option<&'a str> {
    exchange["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p[0] == name)
        .and_then(|p| p[1].as_str())
}

#[tokio::test]
async fn a_collection_asks_for_every_item_in_one_permission_request() {
    let s = Setup::start(&[]).await;
    let reply = s.get(LAB_REPORTS, None).await;
    let ticket = reply.ticket();
    let (_, body) = s.last_permission_request().await;
    let one = s.id_of(LAB_REPORT).await;
    let two = s.id_of("/patients/alice/lab-reports/2").await;
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!([
            {"resource_id": one, "resource_scopes": ["view"]},
            {"resource_id": two, "resource_scopes": ["view"]},
        ])
    );
    let rpt = s.rpt(&ticket).await;
    let served = s.get(LAB_REPORTS, Some(&rpt)).await;
    assert_eq!(served.status, StatusCode::OK, "{}", served.text);
    let items = served.json();
    assert_eq!(items.as_array().unwrap().len(), 2);
    assert_eq!(items[0]["path"], json!(LAB_REPORT));
    assert!(items[0]["content"]["test"].is_string());
    // An RPT for one of the two does not suffice: a new challenge.
    let only_one = s.rpt_for(Method::GET, LAB_REPORT).await;
    s.get(LAB_REPORTS, Some(&only_one)).await.ticket();
    // Unknown kinds and patients are not there; only reads are served.
    assert_eq!(
        s.get("/patients/alice/x-rays", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.get("/patients/zoe/lab-reports", None).await.status,
        StatusCode::NOT_FOUND
    );
    let post = s.call(Method::POST, LAB_REPORTS, None, None).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn the_index_asks_for_permissions_without_scopes() {
    let s = Setup::start(&[]).await;
    let ticket = s.get(INDEX, None).await.ticket();
    let (_, body) = s.last_permission_request().await;
    let body: Value = serde_json::from_str(&body).unwrap();
    let resources = s.rs.resources().await;
    let expected: Vec<Value> = resources
        .iter()
        .map(|(_, id)| json!({"resource_id": id, "resource_scopes": []}))
        .collect();
    assert_eq!(body, Value::Array(expected));
    let rpt = s.rpt(&ticket).await;
    let served = s.get(INDEX, Some(&rpt)).await;
    assert_eq!(served.status, StatusCode::OK, "{}", served.text);
    let paths: Vec<Value> = resources.iter().map(|(p, _)| json!(p)).collect();
    assert_eq!(served.json(), Value::Array(paths));
    // A permission on one record is not enough for the index.
    let one = s.rpt_for(Method::GET, LAB_REPORT).await;
    s.get(INDEX, Some(&one)).await.ticket();
    assert_eq!(
        s.get("/patients/zoe", None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn deviation_challenge_with_403() {
    let s = Setup::start(&["challenge-with-403"]).await;
    for rpt in [None, Some("not-an-rpt")] {
        let reply = s.get(LAB_REPORT, rpt).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{rpt:?}");
        let challenge = reply.header(header::WWW_AUTHENTICATE).unwrap();
        assert!(
            challenge.starts_with("UMA ") && challenge.contains("ticket=\""),
            "{challenge}"
        );
    }
}

#[tokio::test]
async fn deviation_serves_inactive_token() {
    let faithful = Setup::start(&[]).await;
    let deviant = Setup::start(&["serves-inactive-token"]).await;
    for s in [&faithful, &deviant] {
        let id = s.id_of(LAB_REPORT).await;
        s.script_introspection(
            "inactive-rpt",
            json!({"active": false, "permissions": [{"resource_id": id, "resource_scopes": ["view"]}]}),
        )
        .await;
    }
    faithful
        .get(LAB_REPORT, Some("inactive-rpt"))
        .await
        .ticket();
    let served = deviant.get(LAB_REPORT, Some("inactive-rpt")).await;
    assert_eq!(served.status, StatusCode::OK, "{}", served.text);
}

#[tokio::test]
async fn deviation_serves_other_resource() {
    let s = Setup::start(&["serves-other-resource"]).await;
    let prescription = s.rpt_for(Method::GET, PRESCRIPTION).await;
    let served = s.get(LAB_REPORT, Some(&prescription)).await;
    assert_eq!(served.status, StatusCode::OK, "{}", served.text);
    // The scope is still checked.
    let put = s
        .call(
            Method::PUT,
            LAB_REPORT,
            Some(&prescription),
            Some(&json!({})),
        )
        .await;
    put.ticket();
}

#[tokio::test]
async fn deviation_insufficient_rpt_without_ticket() {
    let s = Setup::start(&["insufficient-rpt-without-ticket"]).await;
    let view = s.rpt_for(Method::GET, LAB_REPORT).await;
    let asked_before = s.as_exchanges("/permission").await.len();
    let put = s
        .call(Method::PUT, LAB_REPORT, Some(&view), Some(&json!({})))
        .await;
    assert_eq!(put.status, StatusCode::FORBIDDEN, "{}", put.text);
    assert_eq!(put.header(header::WWW_AUTHENTICATE), None);
    assert_eq!(put.header(header::WARNING), None);
    assert_eq!(s.as_exchanges("/permission").await.len(), asked_before);
    // Without a token: the usual challenge.
    s.get(LAB_REPORT, None).await.ticket();
}

#[tokio::test]
async fn deviation_permission_for_every_scope() {
    let s = Setup::start(&["permission-for-every-scope"]).await;
    let ticket = s.get(LAB_REPORT, None).await.ticket();
    let (exchange, body) = s.last_permission_request().await;
    assert_eq!(exchange["status"], json!(201));
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        body["resource_scopes"],
        json!(["view", "edit", "download", "delete"])
    );
    // The AS grants the ticket; the flow goes on.
    let rpt = s.rpt(&ticket).await;
    assert_eq!(s.get(LAB_REPORT, Some(&rpt)).await.status, StatusCode::OK);
}

/// Under a deviation that makes the AS refuse the RS's permission requests: the RS has no ticket
/// to give, so a tokenless request and one with an unusable RPT both get 403 with the Warning.
/// Answers the refused request as the AS recorded it.
async fn refused_permission_request(deviation: &str, path: &str) -> (Value, Value) {
    let s = Setup::start(&[deviation]).await;
    for rpt in [None, Some("not-an-rpt")] {
        s.get(path, rpt).await.assert_unreachable(true);
    }
    let (exchange, _) = s.last_permission_request().await;
    assert_eq!(exchange["status"], json!(400), "{exchange}");
    let error: Value = serde_json::from_str(exchange["response_body"].as_str().unwrap()).unwrap();
    (exchange, error)
}

fn sent_json(exchange: &Value) -> Value {
    serde_json::from_str(exchange["body"].as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn deviation_permission_without_scopes_member() {
    let (exchange, error) =
        refused_permission_request("permission-without-scopes-member", LAB_REPORT).await;
    let sent = sent_json(&exchange);
    assert!(sent["resource_id"].is_string() && sent.get("resource_scopes").is_none());
    assert_eq!(error["error"], json!("invalid_request"));
}

#[tokio::test]
async fn deviation_permission_unregistered_scope() {
    let (exchange, error) =
        refused_permission_request("permission-unregistered-scope", LAB_REPORT).await;
    assert_eq!(
        sent_json(&exchange)["resource_scopes"],
        json!(["view", "print"])
    );
    assert_eq!(error["error"], json!("invalid_scope"));
}

#[tokio::test]
async fn deviation_permission_unknown_resource() {
    let (exchange, error) =
        refused_permission_request("permission-unknown-resource", LAB_REPORT).await;
    let id = sent_json(&exchange)["resource_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(id.ends_with("-never-issued"), "{id}");
    assert_eq!(error["error"], json!("invalid_resource_id"));
}

#[tokio::test]
async fn deviation_permission_form_encoded() {
    let (exchange, error) = refused_permission_request("permission-form-encoded", LAB_REPORT).await;
    assert_eq!(
        recorded_header(&exchange, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let body = exchange["body"].as_str().unwrap();
    assert!(body.starts_with("resource_id=") && body.ends_with("&resource_scopes=view"));
    assert_eq!(error["error"], json!("invalid_request"));
}

#[tokio::test]
async fn deviation_collection_permissions_not_array() {
    let (exchange, error) =
        refused_permission_request("collection-permissions-not-array", LAB_REPORTS).await;
    let sent = sent_json(&exchange);
    assert_eq!(sent["permissions"].as_array().unwrap().len(), 2, "{sent}");
    assert_eq!(error["error"], json!("invalid_request"));
}

#[tokio::test]
async fn deviation_empty_scopes_as_null() {
    let (exchange, error) = refused_permission_request("empty-scopes-as-null", INDEX).await;
    let sent = sent_json(&exchange);
    assert!(
        sent.as_array()
            .unwrap()
            .iter()
            .all(|p| p["resource_scopes"].is_null()),
        "{sent}"
    );
    assert_eq!(error["error"], json!("invalid_request"));
}

#[tokio::test]
async fn the_shape_deviations_leave_other_requests_alone() {
    let s = Setup::start(&["collection-permissions-not-array", "empty-scopes-as-null"]).await;
    s.get(LAB_REPORT, None).await.ticket();
    s.get(LAB_REPORTS, None).await.assert_unreachable(true);
    s.get(INDEX, None).await.assert_unreachable(true);
}

#[tokio::test]
async fn deviation_introspection_wrong_hint() {
    let s = Setup::start(&["introspection-wrong-hint"]).await;
    let rpt = s.rpt_for(Method::GET, LAB_REPORT).await;
    assert_eq!(s.get(LAB_REPORT, Some(&rpt)).await.status, StatusCode::OK);
    let introspection = s.as_exchanges("/introspect").await.pop().unwrap();
    let body = introspection["body"].as_str().unwrap();
    assert!(
        body.contains("token_type_hint=refresh_token"),
        "{introspection}"
    );
}

#[tokio::test]
async fn deviation_introspection_pat_in_query() {
    let s = Setup::start(&["introspection-pat-in-query"]).await;
    let rpt = s.rpt_for(Method::GET, LAB_REPORT).await;
    // The AS refuses the introspection, so even a good RPT gets a new challenge.
    s.get(LAB_REPORT, Some(&rpt)).await.ticket();
    let introspection = s.as_exchanges("/introspect").await.pop().unwrap();
    assert!(
        introspection["query"]
            .as_str()
            .unwrap()
            .starts_with("access_token="),
        "{introspection}"
    );
    assert_eq!(recorded_header(&introspection, "authorization"), None);
    assert_eq!(introspection["status"], json!(401));
}

/// The extra registration a registration deviation made at start, as the AS recorded it; the RS
/// serves its fixture resources all the same.
async fn extra_registration(deviation: &str) -> Value {
    let s = Setup::start(&[deviation]).await;
    let registrations = s.as_exchanges("/resource_set").await;
    assert_eq!(
        registrations.len(),
        4,
        "three fixture resources and the extra"
    );
    s.get(LAB_REPORT, None).await.ticket();
    let extra = registrations.last().unwrap().clone();
    assert_eq!(extra["status"], json!(400), "{extra}");
    sent_json(&extra)
}

#[tokio::test]
async fn deviation_registers_scopes_as_string() {
    let sent = extra_registration("registers-scopes-as-string").await;
    assert_eq!(sent["resource_scopes"], json!("view edit download delete"));
}

#[tokio::test]
async fn deviation_registers_bad_optional_members() {
    let sent = extra_registration("registers-bad-optional-members").await;
    assert_eq!(sent["name"], json!(42));
    assert_eq!(sent["icon_uri"], json!("not a URI"));
    for member in ["name#de", "description", "description#de", "type"] {
        assert!(sent[member].is_number(), "{member}: {sent}");
    }
    // Every scope a string (FedAuthz 3.1-a holds), but one of them empty (3.1-b does not).
    let scopes = sent["resource_scopes"].as_array().unwrap();
    assert!(scopes.iter().all(Value::is_string), "{sent}");
    assert_eq!(scopes.last(), Some(&json!("")));
    assert_eq!(
        scopes[..4],
        [
            json!("view"),
            json!("edit"),
            json!("download"),
            json!("delete")
        ]
    );
}

#[tokio::test]
async fn deviation_bad_scope_description() {
    let s = Setup::start(&["bad-scope-description"]).await;
    let reply = s.get(SHARE_SCOPE_PATH, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let document = reply.json();
    for member in ["name", "name#de", "description", "description#de"] {
        assert!(document[member].is_number(), "{member}: {document}");
    }
    let icon = document["icon_uri"].as_str().unwrap();
    assert!(icon.starts_with('/'), "{icon}");
    // Only the document changes: the resources are registered with the share scope as usual.
    let registered = s.as_exchanges("/resource_set").await;
    assert_eq!(registered.len(), 3);
    let share = format!("{}{SHARE_SCOPE_PATH}", s.rs.base_url());
    for exchange in &registered {
        assert_eq!(exchange["status"], json!(201), "{exchange}");
        assert_eq!(sent_json(exchange)["resource_scopes"][4], json!(share));
    }
    s.get(LAB_REPORT, None).await.ticket();
}

// ---------------------------------------------------------------------------------------------
// JWT RPTs, checked locally against the AS's JWK Set (FedAuthz 5).

impl Setup {
    /// The reference AS issuing JWT RPTs (so publishing `jwks_uri`) and a faithful RS.
    async fn start_jwt() -> Setup {
        let mut config = MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap();
        let embedded = Fixtures::embedded().unwrap();
        let mut server = embedded.server().clone();
        server.rpt_format = RptFormat::Jwt;
        config.fixtures = embedded.with_server(server).unwrap();
        let mock_as = MockAs::start(config).await.expect("AS starts");
        let rs = start_rs(mock_as.issuer(), &[]).await;
        Setup {
            mock_as,
            rs,
            http: client(),
        }
    }

    /// The AS's JWK Set fetches and introspection calls so far.
    async fn jwks_and_introspections(&self) -> (usize, Vec<Value>) {
        (
            self.as_exchanges("/jwks").await.len(),
            self.as_exchanges("/introspect").await,
        )
    }
}

/// `token` with the first character of its `n`th segment changed.
fn tampered(token: &str, n: usize) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    let first = parts[n].remove(0);
    parts[n].insert(0, if first == 'A' { 'B' } else { 'A' });
    parts.join(".")
}

#[tokio::test]
async fn a_jwt_rpt_is_served_without_introspection() {
    let s = Setup::start_jwt().await;
    let rpt = s.rpt_for(Method::GET, LAB_REPORT).await;
    assert_eq!(rpt.split('.').count(), 3, "a compact JWS: {rpt}");
    for _ in 0..2 {
        let reply = s.get(LAB_REPORT, Some(&rpt)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    }
    let (fetches, introspections) = s.jwks_and_introspections().await;
    assert!(introspections.is_empty(), "{introspections:?}");
    assert_eq!(fetches, 1, "the JWK Set is fetched once and kept");
    // Its permissions decide as an introspection answer's would: view only, this resource only.
    let tickets = [
        s.call(Method::DELETE, LAB_REPORT, Some(&rpt), None)
            .await
            .ticket(),
        s.get(PRESCRIPTION, Some(&rpt)).await.ticket(),
    ];
    assert_ne!(tickets[0], tickets[1]);
    assert!(s.jwks_and_introspections().await.1.is_empty());
}

#[tokio::test]
async fn a_jwt_rpt_with_a_broken_signature_gets_a_fresh_challenge() {
    let s = Setup::start_jwt().await;
    let first = s.get(LAB_REPORT, None).await.ticket();
    let rpt = s.rpt(&first).await;
    assert_eq!(s.get(LAB_REPORT, Some(&rpt)).await.status, StatusCode::OK);
    // The signature broken, or the claims changed under it.
    for (n, what) in [(2, "signature"), (1, "claims")] {
        let reply = s.get(LAB_REPORT, Some(&tampered(&rpt, n))).await;
        assert_eq!(
            reply.param("as_uri").as_deref(),
            Some(s.mock_as.issuer()),
            "{what}"
        );
        assert_ne!(reply.ticket(), first, "{what}: a new ticket");
    }
    // A JWS signed by no key of the AS (an unknown kid) makes the RS fetch the set once more.
    let header = r#"{"alg":"ES256","kid":"not-a-key-of-the-as"}"#;
    let unknown = format!(
        "{}.{}",
        base64_url(header.as_bytes()),
        rpt.split_once('.').unwrap().1
    );
    s.get(LAB_REPORT, Some(&unknown)).await.ticket();
    let (fetches, introspections) = s.jwks_and_introspections().await;
    assert!(introspections.is_empty(), "{introspections:?}");
    assert_eq!(
        fetches, 2,
        "fetched at first use and again for the unknown kid"
    );
}

#[tokio::test]
async fn an_expired_jwt_rpt_is_refused_by_the_as_clock() {
    let s = Setup::start_jwt().await;
    let rpt = s.rpt_for(Method::GET, LAB_REPORT).await;
    assert_eq!(s.get(LAB_REPORT, Some(&rpt)).await.status, StatusCode::OK);
    s.advance_as_clock(400).await;
    s.get(LAB_REPORT, Some(&rpt)).await.ticket();
    assert!(s.jwks_and_introspections().await.1.is_empty());
}

#[tokio::test]
async fn an_opaque_token_still_goes_through_introspection() {
    let s = Setup::start_jwt().await;
    let id = s.id_of(LAB_REPORT).await;
    s.script_introspection(
        "opaque-rpt",
        json!({"active": true, "permissions": [{"resource_id": id, "resource_scopes": ["view"]}]}),
    )
    .await;
    let reply = s.get(LAB_REPORT, Some("opaque-rpt")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let (fetches, introspections) = s.jwks_and_introspections().await;
    assert_eq!(fetches, 0);
    assert_eq!(introspections.len(), 1);
    assert!(
        introspections[0]["body"]
            .as_str()
            .unwrap()
            .contains("token=opaque-rpt"),
        "{}",
        introspections[0]
    );
}

#[tokio::test]
async fn without_jwks_uri_a_jws_is_introspected() {
    // The shipped fixtures: opaque RPTs, no jwks_uri. A JWS-shaped token goes to introspection.
    let s = Setup::start(&[]).await;
    let id = s.id_of(LAB_REPORT).await;
    let jws = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl";
    s.script_introspection(
        jws,
        json!({"active": true, "permissions": [{"resource_id": id, "resource_scopes": ["view"]}]}),
    )
    .await;
    let reply = s.get(LAB_REPORT, Some(jws)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let (fetches, introspections) = s.jwks_and_introspections().await;
    assert_eq!((fetches, introspections.len()), (0, 1));
}

#[tokio::test]
async fn with_the_as_down_an_unverifiable_jwt_gets_403_with_the_warning() {
    let s = Setup::start_jwt().await;
    let rpt = s.rpt_for(Method::GET, LAB_REPORT).await;
    let Setup { mock_as, rs, .. } = s;
    mock_as.stop().await;
    // The set was never fetched, so the JWT cannot be judged without the AS.
    let reply = get_with(&rs, &rpt).await;
    reply.assert_unreachable(true);
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn deviation_serves_not_yet_valid() {
    let now = 1_000_000;
    let early = active_with(json!({"nbf": now + 60}));
    let server = scripted_as(now, early).await;
    let faithful = start_rs(&server.uri(), &[]).await;
    assert_eq!(get_with(&faithful, "rpt").await.ticket(), "t1");
    let deviant = start_rs(&server.uri(), &["serves-not-yet-valid"]).await;
    assert_eq!(get_with(&deviant, "rpt").await.status, StatusCode::OK);
}

#[tokio::test]
async fn deviation_ignores_token_exp() {
    let now = 1_000_000;
    let mut stale = active_with(json!({}));
    stale["exp"] = json!(now - 10);
    let server = scripted_as(now, stale).await;
    let faithful = start_rs(&server.uri(), &[]).await;
    assert_eq!(get_with(&faithful, "rpt").await.ticket(), "t1");
    let deviant = start_rs(&server.uri(), &["ignores-token-exp"]).await;
    assert_eq!(get_with(&deviant, "rpt").await.status, StatusCode::OK);
}

#[tokio::test]
async fn deviation_rejects_unknown_members() {
    let now = 1_000_000;
    let mut extended = active_with(json!({}));
    extended["x-vendor-extension"] = json!({"tier": "gold"});
    let server = scripted_as(now, extended).await;
    let faithful = start_rs(&server.uri(), &[]).await;
    assert_eq!(get_with(&faithful, "rpt").await.status, StatusCode::OK);
    let deviant = start_rs(&server.uri(), &["rejects-unknown-members"]).await;
    assert_eq!(get_with(&deviant, "rpt").await.ticket(), "t1");
}
