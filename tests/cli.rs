//! The binary as a user runs it: the standalone mock, a run against it by --config with the same
//! verdicts as the built-in run, and the other subcommands' exit codes.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_uma-conformance");

struct Standalone(Child);

impl Drop for Standalone {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `uma-conformance mock as` on an ephemeral loopback port; returns it and its issuer.
fn start_mock(extra: &[&str]) -> (Standalone, String) {
    let mut child = Command::new(BIN)
        .args(["mock", "as", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("the mock prints its issuer");
    (Standalone(child), first.trim().to_string())
}

fn verdicts(results_json: &std::path::Path) -> Vec<(String, String, String)> {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(results_json).unwrap()).unwrap();
    doc["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                format!("{}:{}", s["feature_path"].as_str().unwrap(), s["line"]),
                s["name"].as_str().unwrap().to_string(),
                s["verdict"]["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn builtin_and_standalone_by_config_give_the_same_verdicts() {
    let builtin_reports = tempfile::tempdir().unwrap();
    // The AS scenarios only: the target file below brings an AS alone.
    let status = Command::new(BIN)
        .args(["run", "--quiet", "--tags", "@as", "--reports"])
        .arg(builtin_reports.path())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0), "the built-in run is conformant");
    for name in ["junit.xml", "cucumber.json", "results.json"] {
        assert!(builtin_reports.path().join(name).exists(), "{name} written");
    }

    // The same AS standalone, over https with a CA of its own that the target file trusts.
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("mock-ca.pem");
    let (_mock, issuer) = start_mock(&["--ca-out", ca.to_str().unwrap()]);
    assert!(
        issuer.starts_with("https://127.0.0.1:"),
        "issuer line: {issuer:?}"
    );
    let mut target = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/mocks/builtin-target.toml"
    ))
    .unwrap()
    .replace("{issuer}", &issuer)
    // The target file is copied elsewhere: its key file stays where the fixtures are.
    .replace(
        "key = \"authorization-server/",
        concat!(
            "key = \"",
            env!("CARGO_MANIFEST_DIR"),
            "/mocks/authorization-server/"
        ),
    );
    target.push_str("\n[http]\nca_certificates = [\"mock-ca.pem\"]\n");
    // Policies are arranged through the shipped hook command, as a vendor's would be, not
    // through the control API directly.
    target.push_str(&format!(
        "\n[authorization_server.hook]\ncommand = [{:?}, \"mock\", \"hook\", \"--control-api\", \"{issuer}/_mock\", \"--ca\", {:?}]\n",
        BIN,
        ca.to_str().unwrap()
    ));
    let config = dir.path().join("target.toml");
    std::fs::write(&config, target).unwrap();
    let reports = dir.path().join("reports");
    let output = Command::new(BIN)
        .args(["run", "--quiet", "--config"])
        .arg(&config)
        .arg("--reports")
        .arg(&reports)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("conformance: ") && last.contains(" passed, 0 failed"),
        "{last}"
    );
    assert_eq!(
        verdicts(&builtin_reports.path().join("results.json")),
        verdicts(&reports.join("results.json"))
    );
}

#[test]
fn a_deviation_makes_the_run_fail_with_code_1() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .args([
            "run",
            "--quiet",
            "--requirement",
            "FED-3.2.1",
            "--deviate",
            "create-200-without-location",
            "--reports",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("FED-3.2.1-a"), "{stdout}");
    assert!(stdout.contains("NOT CONFORMANT"), "{stdout}");
    let junit = std::fs::read_to_string(dir.path().join("junit.xml")).unwrap();
    assert!(
        junit.contains("name=\"requirement\" value=\"FED-3.2.1-a\""),
        "{junit}"
    );
}

#[test]
fn usage_errors_exit_with_code_2() {
    let bad_config = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    std::fs::write(bad_config.path(), "not = [valid").unwrap();
    let status = Command::new(BIN)
        .args(["run", "--quiet", "--config"])
        .arg(bad_config.path())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    let status = Command::new(BIN)
        .args(["run", "--quiet", "--tags", "@must and ("])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    let status = Command::new(BIN)
        .args(["run", "--quiet", "--deviate", "no-such-deviation"])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}

#[test]
fn requirements_lists_coverage_and_deviations_lists_ids() {
    let output = Command::new(BIN)
        .args(["requirements", "--requirement", "FED-3.2.1"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("FED-3.2.1-a") && text.contains("covered"),
        "{text}"
    );
    let output = Command::new(BIN)
        .args(["requirements", "--uncovered", "--requirement", "FED-3.2"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("0 without a scenario"), "{text}");
    let output = Command::new(BIN).arg("deviations").output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("create-200-without-location") && text.contains("FED-3.2.1-a"),
        "{text}"
    );
}

#[test]
fn validate_reports_violations_with_paths() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    std::fs::write(&good, r#"{"resource_scopes": ["view"], "name": "x"}"#).unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"resource_scopes": ["view", 3]}"#).unwrap();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .arg("validate")
            .args(args)
            .output()
            .unwrap()
    };
    assert_eq!(
        run(&["--schema", "resource-description", good.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let out = run(&["--schema", "resource-description", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("/resource_scopes/1"));
    let out = run(&["--schema"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("uma2-configuration"));
    assert_eq!(
        run(&["--schema", "no-such-schema", good.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
}

/// Runs the built-in suite for GRANT-3.3.6 with a deviation and a known-failures file; returns
/// the exit code and standard output.
fn run_with_expected(deviation: Option<&str>, file_text: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("expected.toml");
    std::fs::write(&file, file_text).unwrap();
    let mut command = Command::new(BIN);
    command.args(["run", "--quiet", "--requirement", "GRANT-3.3.6"]);
    if let Some(deviation) = deviation {
        command.args(["--deviate", deviation]);
    }
    let output = command
        .arg("--expected-failures")
        .arg(&file)
        .arg("--reports")
        .arg(dir.path().join("reports"))
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn a_declared_failure_is_expected_and_a_stale_one_fails_the_run() {
    let declared = "[[failure]]\nrequirement = \"GRANT-3.3.6-i5\"\nreason = \"access_denied\"\n";
    let (code, out) = run_with_expected(Some("access-denied-instead-of-request-denied"), declared);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("1 expected failures, 0 stale"), "{out}");
    assert!(
        out.contains("NOT CONFORMANT"),
        "a known failure is still a failure: {out}"
    );
    // The same file against the faithful mock: the entry is stale, and that alone fails the run.
    let (code, out) = run_with_expected(None, declared);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("[ STALE ] requirement GRANT-3.3.6-i5"),
        "{out}"
    );
}
