//! What a full run writes: every report file, the results file valid against its published
//! schema, the Markdown summary, and no secret anywhere: neither a fixture credential nor any
//! token, ticket, PCT, claim token or password the run sent or learnt.

use std::path::Path;

use serde_json::Value;
use uma_conformance::harness::wire::redact::REDACTED;
use uma_conformance::runner::run::{RunOptions, RunReport, run};
use uma_conformance::spec::schemas::SchemaSet;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/mocks/authorization-server");

/// Every client secret and requesting-party password of the fixtures.
fn fixture_secrets() -> Vec<String> {
    let mut secrets = Vec::new();
    for (file, member) in [
        ("clients.json", "client_secret"),
        ("requesting-parties.json", "password"),
        ("resource-owners.json", "password"),
    ] {
        let Ok(text) = std::fs::read_to_string(Path::new(FIXTURES).join(file)) else {
            continue;
        };
        let doc: Value = serde_json::from_str(&text).unwrap();
        for item in doc.as_array().into_iter().flatten() {
            if let Some(s) = item[member].as_str() {
                secrets.push(s.to_string());
            }
        }
    }
    assert!(
        secrets.len() >= 5,
        "too few fixture secrets found: {secrets:?}"
    );
    // The reference client under test, registered by the run itself.
    secrets.push(uma_conformance::runner::reference_client::CLIENT_SECRET.to_string());
    secrets
}

async fn full_run(dir: &Path) -> RunReport {
    let options = RunOptions {
        reports_dir: Some(dir.to_path_buf()),
        ..RunOptions::default()
    };
    run(&options).await.expect("the built-in run completes")
}

/// Members and form fields that carry credentials; their values must read [REDACTED].
const SECRET_NAMES: &[&str] = &[
    "access_token",
    "refresh_token",
    "pct",
    "ticket",
    "rpt",
    "claim_token",
    "client_secret",
    "password",
    "token",
    "csrf_token",
];

/// Walks a recorded body (JSON or a form) and complains about any credential in the clear.
fn check_body(body: &str, at: &str, problems: &mut Vec<String>) {
    let clear =
        |value: &str| !value.is_empty() && value != REDACTED && !value.starts_with("never-issued-");
    if let Ok(json) = serde_json::from_str::<Value>(body) {
        if let Some(map) = json.as_object() {
            for name in SECRET_NAMES {
                if let Some(Value::String(v)) = map.get(*name) {
                    if clear(v) {
                        problems.push(format!("{at}: JSON member {name} in the clear"));
                    }
                }
            }
        }
        return;
    }
    for (name, value) in url::form_urlencoded::parse(body.as_bytes()) {
        if SECRET_NAMES.contains(&name.as_ref()) && clear(&value) {
            problems.push(format!("{at}: form field {name} in the clear"));
        }
    }
}

/// Every `name=value` of a Cookie header has its value redacted.
fn cookies_redacted(header: &str) -> bool {
    header
        .split(';')
        .filter_map(|c| c.split_once('='))
        .all(|(_, value)| value.trim() == REDACTED)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_run_writes_every_report_and_leaks_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let report = full_run(dir.path()).await;
    for name in ["junit.xml", "cucumber.json", "results.json", "summary.md"] {
        assert!(dir.path().join(name).is_file(), "{name} was not written");
    }

    // The results file follows its published schema.
    let results: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("results.json")).unwrap())
            .unwrap();
    let violations = SchemaSet::embedded_shared()
        .validate("uma-conformance-results", &results)
        .unwrap();
    assert!(
        violations.is_empty(),
        "results.json breaks its schema: {violations:#?}"
    );
    let catalogue_len = uma_conformance::spec::requirements::Catalogue::embedded()
        .iter()
        .count();
    assert_eq!(
        results["requirements"].as_array().unwrap().len(),
        catalogue_len
    );

    let summary = std::fs::read_to_string(dir.path().join("summary.md")).unwrap();
    assert!(
        summary.starts_with("# UMA conformance: CONFORMANT"),
        "{summary}"
    );

    // No secret in any report: the fixtures' own, and everything the run redacted.
    let mut secrets = fixture_secrets();
    secrets.extend(report.secrets.values().into_iter().filter(|s| s.len() >= 8));
    assert!(
        secrets.len() > 100,
        "the run registered suspiciously few secrets: {}",
        secrets.len()
    );
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for secret in &secrets {
            if text.contains(secret.as_str()) {
                problems.push(format!("{} contains a secret", path.display()));
                break;
            }
        }
    }

    // And independently of what the run registered: every credential-carrying header, member
    // and form field in the recorded exchanges reads [REDACTED].
    for scenario in results["scenarios"].as_array().unwrap() {
        let id = scenario["id"].as_str().unwrap_or("?");
        let record = &scenario["record"];
        let exchanges = record["exchanges"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(record["cleanup"].as_array().into_iter().flatten());
        for (i, exchange) in exchanges.enumerate() {
            let at = format!("{id} exchange {i}");
            for header in exchange["request"]["headers"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let (name, value) = (header[0].as_str().unwrap(), header[1].as_str().unwrap());
                if name.eq_ignore_ascii_case("authorization") && !value.ends_with(REDACTED) {
                    problems.push(format!("{at}: Authorization header in the clear"));
                }
                if name.eq_ignore_ascii_case("cookie") && !cookies_redacted(value) {
                    problems.push(format!("{at}: Cookie header in the clear"));
                }
            }
            for header in exchange["response"]["headers"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let (name, value) = (header[0].as_str().unwrap(), header[1].as_str().unwrap());
                let cookie = value.split(';').next().unwrap_or_default();
                if name.eq_ignore_ascii_case("set-cookie") && !cookies_redacted(cookie) {
                    problems.push(format!("{at}: Set-Cookie header in the clear"));
                }
                if name.eq_ignore_ascii_case("location") {
                    if let Some((_, query)) = value.split_once('?') {
                        check_body(query, &format!("{at} Location"), &mut problems);
                    }
                }
            }
            for side in ["request", "response"] {
                if let Some(body) = exchange[side]["body"].as_str() {
                    check_body(body, &format!("{at} {side}"), &mut problems);
                }
            }
            let url = exchange["request"]["url"].as_str().unwrap_or_default();
            if let Some((_, query)) = url.split_once('?') {
                check_body(query, &format!("{at} URL"), &mut problems);
            }
        }
    }
    assert!(
        problems.is_empty(),
        "secrets in the reports:\n{}",
        problems.join("\n")
    );
}
