//! Arranging policies and answering for the resource owner. UMA leaves policy administration to
//! each product (Part F 17), so the harness drives it through one of two backends: a reference
//! mock's control API, or a vendor's hook command that reads one JSON action on standard input
//! and prints one JSON result line. Used only to arrange fixtures, never to decide a verdict.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Map, Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::wire::{HttpDriver, Request};

/// How long a hook command may take before the scenario is given up as not arrangeable.
const HOOK_TIMEOUT: Duration = Duration::from_secs(30);
/// The most of a hook's output the harness reads.
const HOOK_OUTPUT_CAP: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub enum PolicyAdmin {
    /// Base URL of a reference mock's control API (`{issuer}/_mock`).
    ControlApi(String),
    /// A vendor's command line; the action goes to its standard input.
    Command(Vec<String>),
}

/// The outcome a policy should have (issue 4, section 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Grant,
    Deny,
    NeedClaims,
    AskOwner,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Grant => "grant",
            Outcome::Deny => "deny",
            Outcome::NeedClaims => "need_claims",
            Outcome::AskOwner => "ask_owner",
        }
    }
}

/// A `create-policy` action. `claims`, for a need_claims policy, are the requesting party's
/// claims that satisfy it; without them the AS decides which claims it wants.
pub fn create_policy(
    owner: &str,
    resource_id: &str,
    scopes: &[String],
    outcome: Outcome,
    client_id: &str,
    claims: Option<&Map<String, Value>>,
) -> Value {
    let mut action = json!({
        "action": "create-policy",
        "owner": owner,
        "resource_id": resource_id,
        "scopes": scopes,
        "outcome": outcome.as_str(),
        "clients": [client_id],
    });
    if let (Some(claims), Some(map)) = (claims, action.as_object_mut()) {
        map.insert("claims".into(), Value::Object(claims.clone()));
    }
    action
}

impl PolicyAdmin {
    /// Performs one action; returns the backend's JSON result, or why it failed.
    pub async fn perform(&self, driver: &HttpDriver, action: &Value) -> Result<Value, String> {
        match self {
            PolicyAdmin::ControlApi(base) => control_api(driver, base, action).await,
            PolicyAdmin::Command(argv) => command(argv, action).await,
        }
    }
}

async fn control_api(driver: &HttpDriver, base: &str, action: &Value) -> Result<Value, String> {
    let base = base.trim_end_matches('/');
    let name = action
        .get("action")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut body = action.clone();
    if let Some(map) = body.as_object_mut() {
        map.remove("action");
    }
    let text = |key: &str| {
        action
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let request = match name {
        "create-policy" => Request::post(format!("{base}/policies")).json(body),
        "change-policy" => {
            Request::put(format!("{base}/policies/{}", text("policy_id"))).json(body)
        }
        "delete-policy" => Request::delete(format!("{base}/policies/{}", text("policy_id"))),
        "approve-request" => {
            Request::post(format!("{base}/requests/{}/approve", text("request_id")))
        }
        "deny-request" => Request::post(format!("{base}/requests/{}/deny", text("request_id"))),
        "list-requests" => Request::get(format!("{base}/requests")),
        other => return Err(format!("unknown policy action {other:?}")),
    };
    let (_, answer) = driver.send(request).await;
    let response = answer.map_err(|e| format!("the control API got no answer: {e}"))?;
    if !(200..300).contains(&response.status) {
        return Err(format!(
            "the control API answered {}: {}",
            response.status,
            response.text()
        ));
    }
    if response.body.is_empty() {
        return Ok(json!({"ok": true}));
    }
    response.json()
}

async fn command(argv: &[String], action: &Value) -> Result<Value, String> {
    let (program, args) = argv.split_first().ok_or("the hook command is empty")?;
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start the hook {program:?}: {e}"))?;
    let input = format!("{action}\n");
    let run = async {
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(input.as_bytes())
                .await
                .map_err(|e| format!("writing to the hook: {e}"))?;
        }
        let mut out = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            stdout
                .take(HOOK_OUTPUT_CAP as u64)
                .read_to_end(&mut out)
                .await
                .map_err(|e| format!("reading the hook's output: {e}"))?;
        }
        let status = child
            .wait()
            .await
            .map_err(|e| format!("waiting for the hook: {e}"))?;
        Ok::<_, String>((status, out))
    };
    let (status, out) = tokio::time::timeout(HOOK_TIMEOUT, run)
        .await
        .map_err(|_| {
            format!(
                "the hook did not finish within {} s",
                HOOK_TIMEOUT.as_secs()
            )
        })??;
    let text = String::from_utf8_lossy(&out);
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let result: Value = serde_json::from_str(last)
        .map_err(|e| format!("the hook printed no JSON result ({e}): {last:?}"))?;
    if !status.success() || result.get("ok") == Some(&Value::Bool(false)) {
        return Err(format!("the hook failed ({status}): {result}"));
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hook_command_gets_the_action_and_its_result_is_read() {
        let admin = PolicyAdmin::Command(vec![
            "sh".into(),
            "-c".into(),
            r#"read line; case "$line" in *create-policy*) echo '{"ok": true, "policy_id": "p1"}';; *) echo '{"ok": false}'; exit 1;; esac"#.into(),
        ]);
        let driver = HttpDriver::new(Default::default(), Default::default()).unwrap();
        let action = create_policy("alice", "r1", &["view".into()], Outcome::Grant, "c", None);
        let result = admin.perform(&driver, &action).await.unwrap();
        assert_eq!(result["policy_id"], "p1");
        let failed = admin
            .perform(&driver, &json!({"action": "deny-request"}))
            .await;
        assert!(failed.is_err());
    }

    #[tokio::test]
    async fn a_missing_hook_is_a_clear_error() {
        let admin = PolicyAdmin::Command(vec!["/nonexistent/hook".into()]);
        let driver = HttpDriver::new(Default::default(), Default::default()).unwrap();
        let err = admin
            .perform(&driver, &json!({"action": "x"}))
            .await
            .unwrap_err();
        assert!(err.contains("cannot start the hook"), "{err}");
    }
}
