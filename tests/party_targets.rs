//! The reference resource server and the reference client, started as external targets from the
//! README's example target files, pass their suites; an interop run of a standalone AS and RS
//! passes what it can judge without the harness's own AS.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_uma-conformance");

struct Standalone(Child);

impl Drop for Standalone {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An example target file with its fixed ports swapped for free ones.
fn example(name: &str, ports: &[(&str, u16)]) -> String {
    let path = format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut text = std::fs::read_to_string(path).unwrap();
    for (fixed, free) in ports {
        text = text.replace(&format!("127.0.0.1:{fixed}"), &format!("127.0.0.1:{free}"));
    }
    text
}

fn run_config(text: &str, extra: &[&str]) -> (Output, Value) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("target.toml");
    std::fs::write(&config, text).unwrap();
    let reports = dir.path().join("reports");
    let output = Command::new(BIN)
        .args(["run", "--quiet", "--config"])
        .arg(&config)
        .arg("--reports")
        .arg(&reports)
        .args(extra)
        .output()
        .unwrap();
    let results = std::fs::read_to_string(reports.join("results.json"))
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap_or(Value::Null);
    (output, results)
}

/// (scenario id, verdict) for every scenario of a results.json.
fn verdicts(results: &Value) -> Vec<(String, String)> {
    results["scenarios"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|s| {
                    (
                        s["id"].as_str().unwrap_or_default().to_string(),
                        s["verdict"]["verdict"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn tagged(results: &Value, tag: &str) -> bool {
    results["scenarios"].as_array().is_some_and(|all| {
        all.iter()
            .all(|s| s["tags"].as_array().unwrap().iter().any(|t| t == tag))
    })
}

fn assert_all_pass(output: &Output, results: &Value, tag: &str, at_least: usize) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let verdicts = verdicts(results);
    assert!(
        verdicts.len() >= at_least,
        "only {} scenarios: {verdicts:?}",
        verdicts.len()
    );
    assert!(tagged(results, tag), "a scenario of another party ran");
    let not_passed: Vec<&(String, String)> =
        verdicts.iter().filter(|(_, v)| v != "passed").collect();
    assert!(not_passed.is_empty(), "{not_passed:?}\n{stdout}");
}

#[test]
fn the_reference_resource_server_passes_as_an_external_target() {
    let text = example(
        "target-resource-server.toml",
        &[("9480", free_port()), ("9481", free_port())],
    );
    let (output, results) = run_config(&text, &[]);
    assert_all_pass(&output, &results, "rs", 20);
}

#[test]
fn the_reference_client_passes_as_an_external_target() {
    let text = example("target-client.toml", &[("9491", free_port())]);
    let (output, results) = run_config(&text, &[]);
    assert_all_pass(&output, &results, "client", 14);
}

#[test]
fn a_deviating_external_client_fails_and_is_blamed() {
    let text = example("target-client.toml", &[("9491", free_port())]).replace(
        "\"--scope\", \"{scope}\",",
        "\"--scope\", \"{scope}\", \"--deviate\", \"wrong-grant-type\",",
    );
    let (output, results) = run_config(&text, &["--requirement", "GRANT-3.3.1-a"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let failed: Vec<&Value> = results["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["verdict"]["verdict"] == "failed")
        .collect();
    assert!(!failed.is_empty());
    for s in failed {
        assert_eq!(s["broken_by"], "client", "{s}");
    }
}

/// Starts a reference mock standalone over plain http and waits for its first line.
fn start(args: &[&str]) -> Standalone {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    Standalone(child)
}

#[test]
fn an_interop_run_tests_a_real_as_and_a_real_rs_together() {
    let (as_port, rs_port) = (free_port(), free_port());
    let issuer = format!("http://127.0.0.1:{as_port}");
    let _as = start(&[
        "mock",
        "as",
        "--http",
        "--listen",
        &format!("127.0.0.1:{as_port}"),
    ]);
    let _rs = start(&[
        "mock",
        "rs",
        "--http",
        "--listen",
        &format!("127.0.0.1:{rs_port}"),
        "--as-issuer",
        &issuer,
    ]);
    let text = example(
        "target-interop.toml",
        &[("9400", as_port), ("9401", rs_port)],
    );
    let (output, results) = run_config(&text, &["--tags", "@rs"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let verdicts = verdicts(&results);
    let passed: Vec<&String> = verdicts
        .iter()
        .filter(|(_, v)| v == "passed")
        .map(|(id, _)| id)
        .collect();
    // What needs no log of the AS is judged against the real pair.
    for id in ["sc-grant-3.2-01", "sc-grant-3.2.1-01"] {
        assert!(
            passed.iter().any(|p| p.as_str() == id),
            "{id}: {verdicts:?}"
        );
    }
    assert!(
        verdicts
            .iter()
            .all(|(_, v)| v == "passed" || v == "skipped"),
        "{verdicts:?}"
    );
}
