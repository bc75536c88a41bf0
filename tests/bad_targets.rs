//! A misbehaving target gives failed steps with the requirement and the evidence, never a panic
//! or a hang; an unreachable one ends the run with a plain message (exit code 2).

use std::time::Duration;

use serde_json::json;
use uma_conformance::runner::execute::{ScenarioResult, Selection};
use uma_conformance::runner::run::{RunError, RunOptions, run};
use uma_conformance::runner::verdict::Verdict;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A scripted AS whose discovery document and token endpoint work; `rreg` is where its
/// resource registration endpoint points.
async fn scripted_as(rreg: Option<String>) -> MockServer {
    let server = MockServer::start().await;
    let issuer = server.uri();
    let rreg = rreg.unwrap_or_else(|| format!("{issuer}/rreg"));
    Mock::given(method("GET"))
        .and(path("/.well-known/uma2-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "issuer": issuer,
            "token_endpoint": format!("{issuer}/token"),
            "permission_endpoint": format!("{issuer}/perm"),
            "resource_registration_endpoint": rreg,
            "response_types_supported": ["code"],
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "scripted-pat-value-123",
            "token_type": "Bearer",
            "scope": "uma_protection",
        })))
        .mount(&server)
        .await;
    server
}

fn target_file(issuer: &str, timeout_secs: f64) -> tempfile::NamedTempFile {
    let file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    let text = format!(
        r#"
        [http]
        timeout_secs = {timeout_secs}
        [authorization_server]
        issuer = "{issuer}"
        [authorization_server.pat]
        client_id = "rs"
        client_secret = "scripted-client-secret"
        "#
    );
    std::fs::write(file.path(), text).unwrap();
    file
}

async fn run_create_scenario(issuer: &str, timeout_secs: f64) -> ScenarioResult {
    let file = target_file(issuer, timeout_secs);
    let options = RunOptions {
        config: Some(file.path().to_path_buf()),
        selection: Selection {
            tags: None,
            requirement_prefix: Some("FED-3.2.1-a".into()),
            ..Selection::default()
        },
        ..RunOptions::default()
    };
    let report = run(&options).await.expect("the run completes");
    assert_eq!(report.results.len(), 1);
    report.results.into_iter().next().unwrap()
}

fn assert_failed_on_create(result: &ScenarioResult, expect_in_reason: &str) {
    assert_eq!(
        result.verdict.verdict,
        Verdict::Failed,
        "{:?}",
        result.verdict
    );
    assert_eq!(
        result.verdict.failed_requirement.as_deref(),
        Some("FED-3.2.1-a")
    );
    let reason = result.verdict.reason.clone().unwrap_or_default();
    assert!(
        reason.contains(expect_in_reason),
        "reason {reason:?} lacks {expect_in_reason:?}"
    );
    assert!(
        result
            .record
            .exchanges
            .iter()
            .any(|e| e.request.method == "POST" && e.request.url.ends_with("/rreg")),
        "the create exchange is recorded as evidence"
    );
}

#[tokio::test]
async fn html_instead_of_json_fails_with_evidence() {
    let server = scripted_as(None).await;
    Mock::given(method("POST"))
        .and(path("/rreg"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("<html><body>Login</body></html>", "text/html"),
        )
        .mount(&server)
        .await;
    let result = run_create_scenario(&server.uri(), 5.0).await;
    assert_failed_on_create(&result, "expected 201");
    let exchange = result
        .record
        .exchanges
        .iter()
        .find(|e| e.request.url.ends_with("/rreg"))
        .unwrap();
    assert!(exchange.response.as_ref().unwrap().body.contains("<html>"));
}

#[tokio::test]
async fn a_slow_target_times_out_instead_of_hanging() {
    let server = scripted_as(None).await;
    Mock::given(method("POST"))
        .and(path("/rreg"))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let result = run_create_scenario(&server.uri(), 0.5).await;
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the run waited out the slow answer"
    );
    assert_failed_on_create(&result, "no complete answer");
}

#[tokio::test]
async fn a_huge_body_is_cut_at_the_cap() {
    let server = scripted_as(None).await;
    let huge = "x".repeat(2 * 1024 * 1024);
    Mock::given(method("POST"))
        .and(path("/rreg"))
        .respond_with(ResponseTemplate::new(201).set_body_raw(huge, "application/json"))
        .mount(&server)
        .await;
    let result = run_create_scenario(&server.uri(), 5.0).await;
    assert_failed_on_create(&result, "exceeds the cap");
}

#[tokio::test]
async fn a_dropped_connection_is_a_failed_step() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let dropper = tokio::spawn(async move {
        // Bounded: enough connections for one scenario, then stop.
        for _ in 0..8 {
            let Ok(Ok((socket, _))) =
                tokio::time::timeout(Duration::from_secs(10), listener.accept()).await
            else {
                break;
            };
            drop(socket);
        }
    });
    let server = scripted_as(Some(format!("http://{addr}/rreg"))).await;
    let result = run_create_scenario(&server.uri(), 5.0).await;
    assert_eq!(result.verdict.verdict, Verdict::Failed);
    assert!(result.verdict.reason.unwrap().contains("no usable answer"));
    dropper.abort();
}

#[tokio::test]
async fn an_unreachable_target_ends_the_run_with_code_2() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let file = target_file(&format!("http://{addr}"), 2.0);
    let options = RunOptions {
        config: Some(file.path().to_path_buf()),
        ..RunOptions::default()
    };
    let err = run(&options).await.err().expect("the run must stop");
    assert!(matches!(err, RunError::Unreachable(_)), "{err}");
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("unreachable"));
}

#[tokio::test]
async fn a_missing_discovery_document_ends_the_run_with_code_2() {
    let server = MockServer::start().await;
    let file = target_file(&server.uri(), 2.0);
    let options = RunOptions {
        config: Some(file.path().to_path_buf()),
        ..RunOptions::default()
    };
    let err = run(&options).await.err().expect("the run must stop");
    assert!(matches!(err, RunError::Unreachable(_)));
    assert!(err.to_string().contains("404"));
}

#[tokio::test]
async fn secrets_do_not_reach_the_results() {
    let server = scripted_as(None).await;
    Mock::given(method("POST"))
        .and(path("/rreg"))
        .respond_with(ResponseTemplate::new(400).set_body_string("bad PAT scripted-pat-value-123"))
        .mount(&server)
        .await;
    let result = run_create_scenario(&server.uri(), 5.0).await;
    let text = serde_json::to_string(&result).unwrap();
    assert!(!text.contains("scripted-pat-value-123"), "the PAT leaked");
    assert!(
        !text.contains("scripted-client-secret"),
        "the client secret leaked"
    );
    assert!(text.contains("[REDACTED]"));
}
