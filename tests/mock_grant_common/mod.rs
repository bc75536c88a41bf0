//! Shared support of the `mock_grant_*` tests: a reference AS on loopback, a client that never
//! follows redirects, and helpers for the UMA grant, the claims interaction endpoint, the control
//! API and claim tokens minted with the fixture identity provider's test key.

// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::collections::BTreeSet;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uma_conformance::mock::authorization_server::{Fixtures, MockAs, MockAsConfig, RptFormat};

pub const UMA_GRANT: &str = "urn:ietf:params:oauth:grant-type:uma-ticket";
pub const ID_TOKEN: &str = "http://openid.net/specs/openid-connect-core-1_0.html#IDToken";
pub const JWT: &str = "urn:ietf:params:oauth:token-type:jwt";
pub const IDP: &str = "https://idp.example.test";
pub const CLAIMS_CB: &str = "https://client.example.test/claims-cb";
pub const PUBLIC_CB: &str = "https://client.example.test/public/claims-cb?app=public";
pub const PUBLIC_OTHER_CB: &str = "https://client.example.test/public/other-cb";
pub const MEDICAL_RECORD: &str = "urn:uma-conformance:type:medical-record";
pub const PHOTO_ALBUM: &str = "urn:uma-conformance:type:photo-album";
pub const DIARY: &str = "urn:uma-conformance:type:diary";
pub const OFFICE_DOCUMENT: &str = "urn:uma-conformance:type:office-document";

/// How a client authenticates at the token and revocation endpoints.
#[derive(Debug, Clone, Copy)]
pub enum Client<'a> {
    Basic(&'a str, &'a str),
    Post(&'a str, &'a str),
    Public(&'a str),
}

pub const UMA_CLIENT: Client<'static> = Client::Basic("uma-client", "uma-client-secret");
pub const STRANGER: Client<'static> = Client::Basic("uma-stranger", "uma-stranger-secret");
pub const PUBLIC: Client<'static> = Client::Public("uma-public-client");

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub async fn from(response: reqwest::Response) -> Reply {
        Reply {
            status: response.status(),
            headers: response.headers().clone(),
            text: response.text().await.expect("body"),
        }
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    pub fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("ascii header"))
    }

    /// A JSON error answer with this status and code, and no caching.
    pub fn assert_error(&self, status: StatusCode, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.text);
        assert!(
            self.header(header::CONTENT_TYPE)
                .is_some_and(|c| c.starts_with("application/json")),
            "content type {:?}: {}",
            self.header(header::CONTENT_TYPE),
            self.text
        );
        assert_eq!(self.header(header::CACHE_CONTROL), Some("no-store"));
        let body = self.json();
        assert_eq!(body["error"], code, "{body}");
        body
    }

    /// A token endpoint error (RFC 6749 5.2): also `Pragma: no-cache`.
    pub fn assert_token_error(&self, status: StatusCode, code: &str) -> Value {
        let body = self.assert_error(status, code);
        assert_eq!(self.header(header::PRAGMA), Some("no-cache"));
        body
    }

    /// A successful token answer.
    pub fn assert_issued(&self) -> Value {
        assert_eq!(self.status, StatusCode::OK, "{}", self.text);
        assert_eq!(self.header(header::CACHE_CONTROL), Some("no-store"));
        assert_eq!(self.header(header::PRAGMA), Some("no-cache"));
        let body = self.json();
        assert_eq!(body["token_type"], "Bearer");
        assert!(
            body.get("scope").is_none(),
            "an RPT answer has no scope: {body}"
        );
        body
    }

    /// An HTML page that redirects nowhere.
    pub fn assert_error_page(&self) {
        assert_eq!(self.status, StatusCode::BAD_REQUEST, "{}", self.text);
        assert!(self.header(header::LOCATION).is_none());
        assert!(
            self.header(header::CONTENT_TYPE)
                .unwrap()
                .starts_with("text/html")
        );
    }

    /// A 302: the Location without its query, and the query's parameters.
    pub fn redirect(&self) -> (String, Vec<(String, String)>) {
        assert_eq!(self.status, StatusCode::FOUND, "{}", self.text);
        let location = url::Url::parse(self.header(header::LOCATION).expect("Location")).unwrap();
        let params: Vec<(String, String)> = location.query_pairs().into_owned().collect();
        let mut base = location.clone();
        base.set_query(None);
        (base.to_string(), params)
    }
}

pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect()
}

pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// `<input type="hidden" name="..." value="...">` fields of a page, unescaped.
pub fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let re = regex::Regex::new(r#"<input type="hidden" name="([^"]*)" value="([^"]*)">"#).unwrap();
    re.captures_iter(html)
        .map(|c| (unescape(&c[1]), unescape(&c[2])))
        .collect()
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The fixture identity provider's test-only private key.
pub fn idp_key() -> EncodingKey {
    let pem = std::fs::read("mocks/authorization-server/keys/idp-test-private.pem").unwrap();
    EncodingKey::from_rsa_pem(&pem).unwrap()
}

/// A claim token signed with the fixture identity provider's key.
pub fn mint(claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &idp_key()).unwrap()
}

/// Carol's claims as the fixture identity provider states them, for `aud`, valid until `exp`.
pub fn carol(aud: &str, exp: i64) -> Value {
    json!({
        "iss": IDP,
        "sub": "carol",
        "aud": aud,
        "iat": exp - 600,
        "exp": exp,
        "email": "carol@example.test",
        "roles": ["doctor", "researcher"],
    })
}

pub struct As {
    pub mock: MockAs,
    pub http: reqwest::Client,
}

impl As {
    pub async fn start(deviations: &[&str]) -> As {
        let mut config = MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap();
        config.deviations = deviations.iter().map(|d| d.to_string()).collect();
        As::start_with(config).await
    }

    /// A mock whose RPTs are JWTs.
    pub async fn start_jwt(deviations: &[&str]) -> As {
        let mut config = MockAsConfig::new("127.0.0.1:0".parse().unwrap()).unwrap();
        let embedded = Fixtures::embedded().unwrap();
        let mut server = embedded.server().clone();
        server.rpt_format = RptFormat::Jwt;
        config.fixtures = embedded.with_server(server).unwrap();
        config.deviations = deviations.iter().map(|d| d.to_string()).collect();
        As::start_with(config).await
    }

    pub async fn start_with(config: MockAsConfig) -> As {
        As {
            mock: MockAs::start(config).await.expect("mock starts"),
            http: http_client(),
        }
    }

    pub fn issuer(&self) -> &str {
        self.mock.issuer()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.mock.issuer(), path)
    }

    pub async fn get(&self, url: &str) -> Reply {
        Reply::from(self.http.get(url).send().await.expect("send")).await
    }

    pub async fn discovery(&self) -> Value {
        self.get(&self.url("/.well-known/uma2-configuration"))
            .await
            .json()
    }

    /// A form POST with the client's authentication.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)], client: Client<'_>) -> Reply {
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        let mut request = self.http.post(self.url(path));
        match client {
            Client::Basic(id, secret) => request = request.basic_auth(id, Some(secret)),
            Client::Post(id, secret) => {
                fields.push(("client_id", id));
                fields.push(("client_secret", secret));
            }
            Client::Public(id) => fields.push(("client_id", id)),
        }
        Reply::from(request.form(&fields).send().await.expect("send")).await
    }

    pub async fn token(&self, form: &[(&str, &str)], client: Client<'_>) -> Reply {
        self.post_form("/token", form, client).await
    }

    /// A UMA grant request with the ticket and extra parameters.
    pub async fn rpt_request(
        &self,
        ticket: &str,
        extra: &[(&str, &str)],
        client: Client<'_>,
    ) -> Reply {
        let mut form = vec![("grant_type", UMA_GRANT), ("ticket", ticket)];
        form.extend_from_slice(extra);
        self.token(&form, client).await
    }

    /// An RPT answer that must succeed.
    pub async fn rpt(&self, ticket: &str, extra: &[(&str, &str)], client: Client<'_>) -> Value {
        self.rpt_request(ticket, extra, client)
            .await
            .assert_issued()
    }

    pub async fn pat(&self, client: &str) -> String {
        let secret = format!("{client}-secret");
        let reply = self
            .token(
                &[("grant_type", "client_credentials")],
                Client::Basic(client, &secret),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.json()["access_token"].as_str().unwrap().to_string()
    }

    pub async fn send_json(
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
    pub async fn register(&self, pat: &str, description: Value) -> String {
        let reply = self
            .send_json(Method::POST, "/resource_set", Some(pat), &description)
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.json()["_id"].as_str().unwrap().to_string()
    }

    /// A ticket for one resource and these scopes.
    pub async fn ticket(&self, pat: &str, resource: &str, scopes: &[&str]) -> String {
        let body = json!({"resource_id": resource, "resource_scopes": scopes});
        let reply = self
            .send_json(Method::POST, "/permission", Some(pat), &body)
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.json()["ticket"].as_str().unwrap().to_string()
    }

    /// alice's PAT and a resource of hers with scopes view and print, of `kind` if given.
    pub async fn alice_resource(&self, kind: Option<&str>) -> (String, String) {
        let pat = self.pat("rs-alice").await;
        let mut description = json!({"resource_scopes": ["view", "print"]});
        if let Some(kind) = kind {
            description["type"] = kind.into();
        }
        let id = self.register(&pat, description).await;
        (pat, id)
    }

    pub async fn introspect(&self, pat: &str, token: &str) -> Value {
        let reply = Reply::from(
            self.http
                .post(self.url("/introspect"))
                .bearer_auth(pat)
                .form(&[("token", token)])
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.json()
    }

    pub async fn revoke(&self, form: &[(&str, &str)], client: Client<'_>) -> Reply {
        self.post_form("/revoke", form, client).await
    }

    pub async fn advance(&self, secs: u64) -> i64 {
        let reply = self
            .send_json(
                Method::POST,
                "/_mock/clock",
                None,
                &json!({ "advance_secs": secs }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.json()["now"].as_i64().expect("now")
    }

    pub async fn now(&self) -> i64 {
        self.get(&self.url("/_mock/clock")).await.json()["now"]
            .as_i64()
            .expect("now")
    }

    /// Creates a policy through the control API and returns its id.
    pub async fn create_policy(&self, policy: Value) -> String {
        let reply = self
            .send_json(Method::POST, "/_mock/policies", None, &policy)
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.json()["policy_id"].as_str().unwrap().to_string()
    }

    /// The pending owner requests.
    pub async fn requests(&self) -> Vec<Value> {
        let reply = self.get(&self.url("/_mock/requests")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.json()["requests"].as_array().unwrap().clone()
    }

    pub async fn decide(&self, request_id: &str, verb: &str) -> Reply {
        let url = self.url(&format!("/_mock/requests/{request_id}/{verb}"));
        Reply::from(self.http.post(url).send().await.expect("send")).await
    }

    pub async fn claims_get(&self, query: &[(&str, &str)]) -> Reply {
        let request = self.http.get(self.url("/claims")).query(query);
        Reply::from(request.send().await.expect("send")).await
    }

    pub async fn claims_post(&self, form: &[(String, String)]) -> Reply {
        let request = self.http.post(self.url("/claims")).form(form);
        Reply::from(request.send().await.expect("send")).await
    }

    /// The claims form for `query`: its hidden fields.
    pub async fn claims_form(&self, query: &[(&str, &str)]) -> Vec<(String, String)> {
        let page = self.claims_get(query).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(
            page.header(header::CONTENT_TYPE)
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(page.header(header::CACHE_CONTROL), Some("no-store"));
        hidden_fields(&page.text)
    }

    /// The claims form for `query`, posted back with carol's login: the AS's answer.
    pub async fn log_in_as_carol(&self, query: &[(&str, &str)]) -> Reply {
        let mut form = self.claims_form(query).await;
        form.extend(login("carol", "carol-password"));
        self.claims_post(&form).await
    }

    /// The whole interactive round trip for uma-client: the form, carol's login, and the
    /// parameters of the redirect back.
    pub async fn gather_as_carol(
        &self,
        ticket: &str,
        state: Option<&str>,
    ) -> Vec<(String, String)> {
        let mut query = vec![
            ("client_id", "uma-client"),
            ("ticket", ticket),
            ("claims_redirect_uri", CLAIMS_CB),
        ];
        if let Some(state) = state {
            query.push(("state", state));
        }
        let mut form = self.claims_form(&query).await;
        form.extend(login("carol", "carol-password"));
        let (base, params) = self.claims_post(&form).await.redirect();
        assert_eq!(base, CLAIMS_CB);
        params
    }
}

/// The login fields of the claims form.
pub fn login(username: &str, password: &str) -> Vec<(String, String)> {
    vec![
        ("username".into(), username.into()),
        ("password".into(), password.into()),
        ("action".into(), "submit".into()),
    ]
}

/// A need_info answer: its body, after the checks every one must pass.
pub fn assert_need_info(reply: &Reply, presented: &str) -> Value {
    let body = reply.assert_token_error(StatusCode::FORBIDDEN, "need_info");
    let ticket = body["ticket"].as_str().expect("need_info carries a ticket");
    assert_ne!(ticket, presented, "a new ticket");
    assert!(
        body.get("required_claims").is_some() || body.get("redirect_user").is_some(),
        "{body}"
    );
    body
}
