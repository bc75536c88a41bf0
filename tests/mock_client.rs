//! The reference UMA client (`mock::client::run`) in process, against the reference AS and RS on
//! loopback. Both sit behind a recording proxy (the AS publishes the proxy's address as its
//! issuer), so that each test can read exactly what the client put on the wire.

mod mock_grant_common;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use mock_grant_common::{
    ID_TOKEN, UMA_GRANT, carol, hidden_fields, http_client, login, mint, param,
};
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedReceiver;
use uma_conformance::mock::authorization_server::{Fixtures, MockAs, MockAsConfig};
use uma_conformance::mock::client::{self, ClientAuth, ClientOptions};
use uma_conformance::mock::resource_server::{MockRs, MockRsConfig};

const LAB_REPORT_TYPE: &str = "urn:uma-conformance:type:lab-report";
const LAB_REPORT: &str = "/patients/alice/lab-reports/1";
const OTHER_LAB_REPORT: &str = "/patients/alice/lab-reports/2";
const OPEN_LINE: &str = "open in a browser to continue: ";

/// One request that went through a proxy.
#[derive(Clone)]
struct Seen {
    method: Method,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: String,
    at: Instant,
}

impl Seen {
    fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.body.as_bytes())
            .into_owned()
            .collect()
    }

    fn field(&self, name: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

struct ProxyState {
    upstream: OnceLock<String>,
    seen: Mutex<Vec<Seen>>,
    http: reqwest::Client,
}

/// A recording reverse proxy on loopback; its upstream is set once known.
struct Proxy {
    base: String,
    state: Arc<ProxyState>,
}

impl Proxy {
    async fn start() -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(ProxyState {
            upstream: OnceLock::new(),
            seen: Mutex::new(Vec::new()),
            http: http_client(),
        });
        let router = axum::Router::new()
            .fallback(forward)
            .with_state(state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Proxy { base, state }
    }

    fn to(&self, upstream: String) {
        self.state.upstream.set(upstream).unwrap();
    }

    fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    /// Token requests other than the resource server's own (client credentials for its PAT).
    fn client_token_requests(&self) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| s.method == Method::POST && s.path == "/token")
            .filter(|s| !s.body.contains("client_credentials"))
            .collect()
    }
}

async fn forward(
    State(state): State<Arc<ProxyState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    state.seen.lock().unwrap().push(Seen {
        method: method.clone(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        headers: headers.clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
        at: Instant::now(),
    });
    let target = format!(
        "{}{}",
        state.upstream.get().expect("upstream set"),
        uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    let mut request = state.http.request(method, target).body(body);
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    let Ok(answer) = request.send().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status = answer.status();
    let mut out_headers = HeaderMap::new();
    for (name, value) in answer.headers() {
        if name != "content-length" && name != "transfer-encoding" {
            out_headers.append(name, value.clone());
        }
    }
    let bytes = answer.bytes().await.unwrap_or_default();
    (status, out_headers, bytes).into_response()
}

/// The reference AS (poll interval 1 s) and RS, each behind a proxy.
struct World {
    as_proxy: Proxy,
    rs_proxy: Proxy,
    _as: MockAs,
    _rs: MockRs,
    http: reqwest::Client,
}

impl World {
    async fn start(as_deviations: &[&str]) -> World {
        let as_proxy = Proxy::start().await;
        let mut config = MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap();
        config.issuer = Some(as_proxy.base.clone());
        let embedded = Fixtures::embedded().unwrap();
        let mut server = embedded.server().clone();
        server.request_submitted_interval_secs = 1;
        config.fixtures = embedded.with_server(server).unwrap();
        config.deviations = as_deviations.iter().map(|d| d.to_string()).collect();
        let mock_as = MockAs::start(config).await.unwrap();
        as_proxy.to(format!("http://{}", mock_as.local_addr()));
        let rs_config = MockRsConfig::new("127.0.0.1:0".parse().unwrap(), &as_proxy.base).unwrap();
        let rs = MockRs::start(rs_config).await.unwrap();
        let rs_proxy = Proxy::start().await;
        rs_proxy.to(rs.base_url().trim_end_matches('/').to_string());
        World {
            as_proxy,
            rs_proxy,
            _as: mock_as,
            _rs: rs,
            http: http_client(),
        }
    }

    fn resource(&self, path: &str) -> String {
        format!("{}{path}", self.rs_proxy.base)
    }

    /// uma-client keeping its tokens in `dir`.
    fn uma_client_keeping(&self, path: &str, dir: &tempfile::TempDir) -> ClientOptions {
        let mut options = self.uma_client(path);
        options.state_dir = Some(dir.path().to_path_buf());
        options
    }

    fn uma_client(&self, path: &str) -> ClientOptions {
        ClientOptions::new(
            &self.resource(path),
            "uma-client",
            Some("uma-client-secret"),
        )
    }

    async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.as_proxy.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await.unwrap();
        assert!(answer.status().is_success(), "{path}: {}", answer.status());
        answer.json().await.unwrap_or(Value::Null)
    }

    /// Lab reports need a doctor's role, stated by a claim token or at claims interaction.
    async fn lab_reports_need_a_doctor(&self) {
        let policy = json!({
            "owner": "alice",
            "resource_type": LAB_REPORT_TYPE,
            "outcome": "need_claims",
            "claims": {"roles": "doctor"},
            "required_claims": [{"name": "roles", "claim_token_format": [ID_TOKEN],
                                 "issuer": ["https://idp.example.test"]}],
        });
        self.control(Method::POST, "/_mock/policies", Some(policy))
            .await;
    }

    async fn lab_reports_ask_the_owner(&self) {
        let policy = json!({"owner": "alice", "resource_type": LAB_REPORT_TYPE,
                            "outcome": "ask_owner"});
        self.control(Method::POST, "/_mock/policies", Some(policy))
            .await;
    }

    /// Carol's ID token for uma-client, valid by the mock's clock.
    async fn carol_id_token(&self) -> String {
        let now = self.control(Method::GET, "/_mock/clock", None).await["now"]
            .as_i64()
            .unwrap();
        mint(&carol("uma-client", now + 600))
    }

    /// A client registered dynamically with one loopback claims redirect URI.
    async fn registered_client(&self) -> (ClientOptions, String) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let redirect = format!("http://127.0.0.1:{port}/claims-cb");
        let answer: Value = self
            .http
            .post(format!("{}/register", self.as_proxy.base))
            .json(&json!({"claims_redirect_uris": [redirect],
                          "token_endpoint_auth_method": "client_secret_post"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut options = ClientOptions::new(
            &self.resource(LAB_REPORT),
            answer["client_id"].as_str().unwrap(),
            answer["client_secret"].as_str(),
        );
        options.auth_method = ClientAuth::Post;
        options.claims_redirect_uri = Some(redirect.clone());
        (options, redirect)
    }

    /// Plays carol's browser: the claims form, her login, and the AS's redirect back; the URL
    /// the user agent is sent to.
    async fn log_in_as_carol(&self, url: &str) -> String {
        let page = self.http.get(url).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{url}");
        let mut form = hidden_fields(&page.text().await.unwrap());
        form.extend(login("carol", "carol-password"));
        let back = self
            .http
            .post(format!("{}/claims", self.as_proxy.base))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(back.status(), StatusCode::FOUND);
        back.headers()["location"].to_str().unwrap().to_string()
    }
}

/// A run in the background, its lines as they come.
struct Running {
    lines: UnboundedReceiver<String>,
    seen: Vec<String>,
    task: tokio::task::JoinHandle<i32>,
}

impl Running {
    fn start(options: ClientOptions) -> Running {
        let (sender, lines) = tokio::sync::mpsc::unbounded_channel();
        Running {
            lines,
            seen: Vec::new(),
            task: tokio::spawn(client::run(options, sender)),
        }
    }

    /// The URL of the `open in a browser` line.
    async fn browser_url(&mut self) -> String {
        loop {
            let line = tokio::time::timeout(Duration::from_secs(20), self.lines.recv())
                .await
                .expect("a line in time")
                .unwrap_or_else(|| panic!("the run ended: {:?}", self.seen));
            self.seen.push(line.clone());
            if let Some(url) = line.strip_prefix(OPEN_LINE) {
                return url.to_string();
            }
        }
    }

    async fn finish(mut self) -> (i32, Vec<String>) {
        let code = tokio::time::timeout(Duration::from_secs(60), self.task)
            .await
            .expect("the run ends in time")
            .expect("no panic");
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push(line);
        }
        (code, self.seen)
    }
}

async fn run(options: ClientOptions) -> (i32, Vec<String>) {
    Running::start(options).finish().await
}

fn with(mut options: ClientOptions, deviation: &str) -> ClientOptions {
    options.deviations.push(deviation.to_string());
    options
}

/// One parameter of a URL's query, decoded.
fn query_param(url: &str, name: &str) -> Option<String> {
    param(&query_of(url), name).map(str::to_string)
}

fn query_of(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

#[tokio::test]
async fn a_plain_grant_serves_the_resource_and_prints_no_secret() {
    let w = World::start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let options = w.uma_client_keeping(LAB_REPORT, &dir);
    let (code, lines) = run(options).await;
    assert_eq!(code, 0, "{lines:?}");
    let resource = w.resource(LAB_REPORT);
    assert_eq!(lines[0], format!("GET {resource} -> 401"));
    assert!(
        lines.contains(&format!("GET {resource} with RPT -> 200")),
        "{lines:?}"
    );
    assert!(lines.last().unwrap().contains("complete blood count"));
    let requests = w.as_proxy.client_token_requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.field("grant_type").as_deref(), Some(UMA_GRANT));
    assert!(request.field("ticket").is_some());
    assert!(
        request
            .header("authorization")
            .unwrap()
            .starts_with("Basic ")
    );
    assert!(
        request
            .header("content-type")
            .unwrap()
            .starts_with("application/x-www-form-urlencoded")
    );
    let saved = std::fs::read_to_string(dir.path().join("uma-client-state.json")).unwrap();
    let rpt = serde_json::from_str::<Value>(&saved).unwrap()["issuers"][&w.as_proxy.base]["rpt"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        lines
            .iter()
            .all(|l| !l.contains(&rpt) && !l.contains("uma-client-secret"))
    );
    let rs_seen = w.rs_proxy.seen();
    assert_eq!(
        rs_seen[1].header("authorization"),
        Some(format!("Bearer {rpt}").as_str())
    );

    // A second run presents the kept RPT straight away.
    let options = w.uma_client_keeping(LAB_REPORT, &dir);
    let (code, lines) = run(options).await;
    assert_eq!(code, 0, "{lines:?}");
    assert_eq!(lines[0], format!("GET {resource} with RPT -> 200"));
}

#[tokio::test]
async fn client_secret_post_and_denial() {
    let w = World::start(&[]).await;
    let mut options = w.uma_client(LAB_REPORT);
    options.auth_method = ClientAuth::Post;
    assert_eq!(run(options).await.0, 0);
    let request = &w.as_proxy.client_token_requests()[0];
    assert_eq!(
        request.field("client_secret").as_deref(),
        Some("uma-client-secret")
    );
    assert!(request.header("authorization").is_none());
    // uma-stranger is granted nothing: request_denied, exit 1.
    let stranger = ClientOptions::new(
        &w.resource(LAB_REPORT),
        "uma-stranger",
        Some("uma-stranger-secret"),
    );
    let (code, lines) = run(stranger).await;
    assert_eq!(code, 1, "{lines:?}");
    assert!(lines.last().unwrap().starts_with("error: "), "{lines:?}");
}

#[tokio::test]
async fn transport_failures_and_bad_options_exit_2() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, lines) = run(ClientOptions::new(
        &format!("http://127.0.0.1:{port}/x"),
        "c",
        None,
    ))
    .await;
    assert_eq!(code, 2, "{lines:?}");
    let (code, _) = run(with(
        ClientOptions::new("http://127.0.0.1:1/x", "c", None),
        "nope",
    ))
    .await;
    assert_eq!(code, 2);
}

/// need_info for claims, answered by pushing carol's ID token; the PCT then serves a later run
/// for another resource, which also offers the RPT for upgrading.
#[tokio::test]
async fn pushed_claims_then_pct_reuse_and_upgrade() {
    let w = World::start(&[]).await;
    w.lab_reports_need_a_doctor().await;
    let token = w.carol_id_token().await;
    let dir = tempfile::tempdir().unwrap();
    let mut options = w.uma_client_keeping(LAB_REPORT, &dir);
    options.claim_token = Some((ID_TOKEN.to_string(), token.clone()));
    let (code, lines) = run(options).await;
    assert_eq!(code, 0, "{lines:?}");
    let requests = w.as_proxy.client_token_requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[0].field("claim_token").is_none());
    assert_ne!(requests[0].field("ticket"), requests[1].field("ticket"));
    assert_eq!(requests[1].field("claim_token"), Some(token));
    assert_eq!(
        requests[1].field("claim_token_format").as_deref(),
        Some(ID_TOKEN)
    );
    assert!(lines.iter().all(|l| !l.contains("pct")), "{lines:?}");

    let later = w.uma_client_keeping(OTHER_LAB_REPORT, &dir);
    let (code, lines) = run(later.clone()).await;
    assert_eq!(code, 0, "{lines:?}");
    let third = &w.as_proxy.client_token_requests()[2];
    assert!(third.field("pct").is_some(), "the PCT is reused");
    assert!(
        third.field("rpt").is_some(),
        "the RPT is offered for upgrading"
    );
    assert!(
        lines.iter().any(|l| l.ends_with("RPT issued (upgraded)")),
        "{lines:?}"
    );
}

#[tokio::test]
async fn foreign_pct_and_foreign_rpt_upgrade() {
    for (deviation, field) in [("foreign-pct", "pct"), ("foreign-rpt-upgrade", "rpt")] {
        let w = World::start(&[]).await;
        w.lab_reports_need_a_doctor().await;
        let dir = tempfile::tempdir().unwrap();
        let mut options = w.uma_client_keeping(LAB_REPORT, &dir);
        options.claim_token = Some((ID_TOKEN.to_string(), w.carol_id_token().await));
        assert_eq!(run(options).await.0, 0);
        let later = with(w.uma_client_keeping(OTHER_LAB_REPORT, &dir), deviation);
        run(later).await;
        let third = &w.as_proxy.client_token_requests()[2];
        let sent = third.field(field).unwrap_or_default();
        assert!(sent.ends_with("-foreign"), "{deviation}: {}", third.body);
    }
}

#[tokio::test]
async fn claims_interaction_with_state_and_unknown_parameters_ignored() {
    let w = World::start(&[]).await;
    w.lab_reports_need_a_doctor().await;
    let (options, redirect) = w.registered_client().await;
    let client_id = options.client_id.clone();
    let mut running = Running::start(options);
    let url = running.browser_url().await;
    assert!(
        url.starts_with(&format!("{}/claims?", w.as_proxy.base)),
        "{url}"
    );
    assert_eq!(query_param(&url, "client_id"), Some(client_id));
    assert_eq!(
        query_param(&url, "claims_redirect_uri"),
        Some(redirect.clone())
    );
    let ticket = query_param(&url, "ticket").unwrap();
    let state = query_param(&url, "state").unwrap();
    assert_eq!(state.len(), 22, "128 random bits, base64url");
    let back = w.log_in_as_carol(&url).await;
    assert!(back.starts_with(&redirect));
    // Grant 3.3.3: parameters the client does not know are disregarded.
    let page = w.http.get(format!("{back}&extra=1")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let (code, lines) = running.finish().await;
    assert_eq!(code, 0, "{lines:?}");
    let last = w.as_proxy.client_token_requests().pop().unwrap();
    let returned = query_param(&back, "ticket");
    assert_eq!(last.field("ticket"), returned);
    assert_ne!(returned, Some(ticket));
}

/// Drives one claims interaction with the browser's redirect back rewritten by `tamper`: the
/// run's exit code and the page status the browser got.
async fn interaction_with(
    deviation: Option<&str>,
    tamper: fn(String) -> String,
) -> (i32, StatusCode) {
    let w = World::start(&[]).await;
    w.lab_reports_need_a_doctor().await;
    let (mut options, _) = w.registered_client().await;
    options.deviations.extend(deviation.map(str::to_string));
    let mut running = Running::start(options);
    let url = running.browser_url().await;
    let back = tamper(w.log_in_as_carol(&url).await);
    let status = w.http.get(back).send().await.unwrap().status();
    (running.finish().await.0, status)
}

fn forged_state(back: String) -> String {
    let mut url = url::Url::parse(&back).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            if k == "state" {
                (k, "forged".to_string())
            } else {
                (k, v)
            }
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.to_string()
}

#[tokio::test]
async fn a_wrong_state_is_refused_unless_state_is_not_checked() {
    assert_eq!(
        interaction_with(None, forged_state).await,
        (4, StatusCode::BAD_REQUEST)
    );
    assert_eq!(
        interaction_with(Some("state-not-checked"), forged_state).await,
        (0, StatusCode::OK)
    );
}

#[tokio::test]
async fn rejects_unknown_redirect_params() {
    let extra = |back: String| format!("{back}&extra=1");
    assert_eq!(
        interaction_with(Some("rejects-unknown-redirect-params"), extra).await,
        (4, StatusCode::BAD_REQUEST)
    );
}

/// The claims interaction URL under a deviation, the run left to time out quickly.
async fn interaction_url(deviation: &str) -> (String, String, String) {
    let w = World::start(&[]).await;
    w.lab_reports_need_a_doctor().await;
    let (mut options, redirect) = w.registered_client().await;
    options.timeouts.claims_interaction = Duration::from_millis(300);
    let client_id = options.client_id.clone();
    let mut running = Running::start(with(options, deviation));
    let url = running.browser_url().await;
    let (code, _) = running.finish().await;
    assert_eq!(code, 3, "{deviation}: nobody came back");
    (url, redirect, client_id)
}

#[tokio::test]
async fn interaction_url_deviations() {
    let (url, _, _) = interaction_url("no-client-id-in-redirect").await;
    assert_eq!(query_param(&url, "client_id"), None);
    let (url, _, _) = interaction_url("no-ticket-in-redirect").await;
    assert_eq!(query_param(&url, "ticket"), None);
    let (url, _, _) = interaction_url("no-claims-redirect-uri").await;
    assert_eq!(query_param(&url, "claims_redirect_uri"), None);
    let (url, _, _) = interaction_url("relative-claims-redirect-uri").await;
    assert_eq!(
        query_param(&url, "claims_redirect_uri").as_deref(),
        Some("/claims-cb")
    );
    let (url, redirect, _) = interaction_url("fragment-in-claims-redirect-uri").await;
    assert_eq!(
        query_param(&url, "claims_redirect_uri"),
        Some(format!("{redirect}#claims"))
    );
    let (url, redirect, _) = interaction_url("unencoded-redirect-uri-query").await;
    let sent = query_param(&url, "claims_redirect_uri").unwrap();
    assert!(
        sent.starts_with(&redirect) && sent.ends_with("note=two words"),
        "{sent}"
    );
    let (url, redirect, _) = interaction_url("unencoded-redirect-query").await;
    assert!(
        url.contains(&format!("claims_redirect_uri={redirect}&")),
        "{url}"
    );
    let (url, _, _) = interaction_url("no-state").await;
    assert_eq!(query_param(&url, "state"), None);
    let (url, _, _) = interaction_url("guessable-state").await;
    assert_eq!(query_param(&url, "state").as_deref(), Some("1"));
    let (url, _, client_id) = interaction_url("state-exposes-client-id").await;
    assert!(
        query_param(&url, "state")
            .unwrap()
            .starts_with(&format!("{client_id}."))
    );
}

#[tokio::test]
async fn request_submitted_is_polled_after_the_interval() {
    let w = World::start(&[]).await;
    w.lab_reports_ask_the_owner().await;
    let running = Running::start(w.uma_client(LAB_REPORT));
    let request_id = loop {
        let pending = w.control(Method::GET, "/_mock/requests", None).await;
        if let Some(id) = pending["requests"][0]["request_id"].as_str() {
            break id.to_string();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    w.control(
        Method::POST,
        &format!("/_mock/requests/{request_id}/approve"),
        None,
    )
    .await;
    let (code, lines) = running.finish().await;
    assert_eq!(code, 0, "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l == "waiting 1 s before polling again"),
        "{lines:?}"
    );
    let requests = w.as_proxy.client_token_requests();
    for pair in requests.windows(2) {
        assert!(pair[1].at - pair[0].at >= Duration::from_secs(1));
    }
}

#[tokio::test]
async fn ignores_interval_polls_at_once_until_it_gives_up() {
    let w = World::start(&[]).await;
    w.lab_reports_ask_the_owner().await;
    let (code, lines) = run(with(w.uma_client(LAB_REPORT), "ignores-interval")).await;
    assert_eq!(code, 1, "{lines:?}");
    let requests = w.as_proxy.client_token_requests();
    assert_eq!(requests.len(), 10, "bounded");
    assert!(requests[1].at - requests[0].at < Duration::from_secs(1));
}

#[tokio::test]
async fn a_repeated_need_info_ticket_is_refused_unless_accepted() {
    let w = World::start(&["need-info-same-ticket"]).await;
    w.lab_reports_need_a_doctor().await;
    let token = w.carol_id_token().await;
    let mut options = w.uma_client(LAB_REPORT);
    options.claim_token = Some((ID_TOKEN.to_string(), token));
    let (code, lines) = run(options.clone()).await;
    assert_eq!(code, 1, "{lines:?}");
    assert!(lines.last().unwrap().contains("Grant 5.5"));
    assert_eq!(w.as_proxy.client_token_requests().len(), 1);
    run(with(options, "accepts-repeated-ticket")).await;
    let requests = w.as_proxy.client_token_requests();
    assert_eq!(requests[1].field("ticket"), requests[2].field("ticket"));
}

#[tokio::test]
async fn stale_ticket_and_claim_token_deviations() {
    let w = World::start(&[]).await;
    w.lab_reports_need_a_doctor().await;
    let token = w.carol_id_token().await;
    let mut options = w.uma_client(LAB_REPORT);
    options.claim_token = Some((ID_TOKEN.to_string(), token.clone()));

    let (code, _) = run(with(options.clone(), "stale-ticket")).await;
    assert_eq!(code, 1, "the used ticket is refused");
    let requests = w.as_proxy.client_token_requests();
    assert_eq!(requests[0].field("ticket"), requests[1].field("ticket"));

    let (code, _) = run(with(options.clone(), "claim-token-without-format")).await;
    assert_ne!(code, 0);
    let pushed = w.as_proxy.client_token_requests().pop().unwrap();
    assert_eq!(pushed.field("claim_token"), Some(token.clone()));
    assert_eq!(pushed.field("claim_token_format"), None);

    let (code, _) = run(with(options, "claim-token-padded")).await;
    assert_ne!(code, 0);
    let pushed = w.as_proxy.client_token_requests().pop().unwrap();
    let sent = pushed.field("claim_token").unwrap_or_default();
    assert_ne!(sent, token);
    assert!(sent.contains('='), "standard, padded base64: {sent}");
}

#[tokio::test]
async fn token_request_shape_deviations() {
    let w = World::start(&[]).await;
    let count = |w: &World| w.as_proxy.client_token_requests().len();

    let (code, _) = run(with(w.uma_client(LAB_REPORT), "wrong-grant-type")).await;
    assert_eq!(code, 1);
    let last = w.as_proxy.client_token_requests().pop().unwrap();
    assert_eq!(last.field("grant_type").as_deref(), Some("uma-ticket"));

    let (code, _) = run(with(w.uma_client(LAB_REPORT), "json-token-request")).await;
    assert_ne!(code, 0);
    let last = w.as_proxy.client_token_requests().pop().unwrap();
    assert!(
        last.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(
        serde_json::from_str::<Value>(&last.body).unwrap()["grant_type"],
        UMA_GRANT
    );

    let (code, _) = run(with(w.uma_client(LAB_REPORT), "no-client-auth")).await;
    assert_eq!(code, 1);
    let last = w.as_proxy.client_token_requests().pop().unwrap();
    assert!(last.header("authorization").is_none() && last.field("client_id").is_none());

    let (code, _) = run(with(w.uma_client(LAB_REPORT), "unregistered-scope")).await;
    assert_eq!(code, 1);
    let last = w.as_proxy.client_token_requests().pop().unwrap();
    assert_eq!(last.field("scope").as_deref(), Some("print"));

    let before = count(&w);
    let (code, _) = run(with(w.uma_client(LAB_REPORT), "token-request-to-issuer")).await;
    assert_ne!(code, 0);
    assert_eq!(count(&w), before, "nothing reached the token endpoint");
    assert!(
        w.as_proxy
            .seen()
            .iter()
            .any(|s| s.method == Method::POST && s.path == "/")
    );

    let (code, _) = run(with(w.uma_client(LAB_REPORT), "rpt-in-query")).await;
    assert_eq!(code, 1, "the RS never sees a bearer token");
    let last = w.rs_proxy.seen().pop().unwrap();
    assert!(last.header("authorization").is_none());
    assert!(last.query.unwrap().starts_with("access_token="));
}

#[tokio::test]
async fn an_expired_rpt_is_refreshed_once() {
    let w = World::start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let options = w.uma_client_keeping(LAB_REPORT, &dir);
    assert_eq!(run(options.clone()).await.0, 0);
    w.control(
        Method::POST,
        "/_mock/clock",
        Some(json!({"advance_secs": 600})),
    )
    .await;
    let (code, lines) = run(options).await;
    assert_eq!(code, 0, "{lines:?}");
    let last = w.as_proxy.client_token_requests().pop().unwrap();
    assert_eq!(last.field("grant_type").as_deref(), Some("refresh_token"));
    assert!(
        lines.iter().any(|l| l.contains("(refresh_token) -> 200")),
        "{lines:?}"
    );
}

#[tokio::test]
async fn foreign_refresh_token() {
    let w = World::start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let options = w.uma_client_keeping(LAB_REPORT, &dir);
    assert_eq!(run(options.clone()).await.0, 0);
    w.control(
        Method::POST,
        "/_mock/clock",
        Some(json!({"advance_secs": 600})),
    )
    .await;
    run(with(options, "foreign-refresh-token")).await;
    let refresh = w
        .as_proxy
        .client_token_requests()
        .into_iter()
        .find(|r| r.field("grant_type").as_deref() == Some("refresh_token"))
        .expect("a refresh request");
    let sent = refresh.field("refresh_token").unwrap_or_default();
    assert!(sent.ends_with("-foreign"), "{}", refresh.body);
}
