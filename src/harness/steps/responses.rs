//! Checks about the scenario's latest answer that do not depend on which endpoint gave it:
//! status, schema, Bearer challenges, error bodies.

use serde_json::Value;

use super::StepDef;
use super::adapter::Args;
use super::def;
use super::support::{describe, json_type};
use crate::harness::roles::uri::absolute_uri;
use crate::harness::wire::challenge;
use crate::harness::world::{StepResult, UmaWorld};

pub fn steps() -> Vec<StepDef> {
    vec![
        def!(
            Then,
            r"the authorization server answers ((?:\d{3})(?:(?:, | or )\d{3})*)",
            answers_status
        ),
        def!(
            Then,
            r#"the body is a valid "([a-z0-9-]+)" document"#,
            body_matches_schema
        ),
        def!(
            Then,
            r"the authorization server refuses the request with a Bearer challenge",
            refuses_with_bearer
        ),
        def!(
            Then,
            r#"the answer is (\d{3}) with a Bearer challenge whose error is "([a-z_]+)""#,
            bearer_error
        ),
        def!(
            Then,
            r"the answer is 401 with a Bearer challenge",
            bearer_401
        ),
        def!(
            Then,
            r#"the error body is a JSON object with an "error" string"#,
            error_body_is_json
        ),
        def!(
            Then,
            r#"if the error body is JSON with an "error" member, its value is "([a-z_]+)""#,
            error_code_if_given
        ),
        def!(
            Then,
            r#"if the error body has "error_description", it is a string"#,
            error_description_is_string
        ),
        def!(
            Then,
            r#"if the error body has "error_uri", it is an absolute URI"#,
            error_uri_is_absolute
        ),
    ]
}

async fn answers_status(w: &mut UmaWorld, a: Args) -> StepResult {
    let expected: Vec<u16> = a
        .arg(0)
        .split([',', ' '])
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let outcome = w.last_response().and_then(|r| {
        if expected.contains(&r.status) {
            Ok(format!("answered {}", r.status))
        } else {
            Err(format!("expected {}, got {}", a.arg(0), describe(r)))
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn body_matches_schema(w: &mut UmaWorld, a: Args) -> StepResult {
    let ctx = w.ctx()?;
    let name = a.arg(0).to_string();
    let outcome = w.last_response().and_then(|r| {
        let body = r.json()?;
        let violations = ctx
            .schemas
            .validate(&name, &body)
            .map_err(|e| format!("cannot validate: {e}"))?;
        if violations.is_empty() {
            Ok(format!("the body is a valid {name}"))
        } else {
            let list: Vec<String> = violations
                .iter()
                .map(|v| {
                    let path = if v.instance_path.is_empty() {
                        "/"
                    } else {
                        &v.instance_path
                    };
                    format!("{path}: {}", v.message)
                })
                .collect();
            Err(format!(
                "the body is not a valid {name}: {}",
                list.join("; ")
            ))
        }
    });
    w.judge(&a.cite, outcome, None)
}

/// Finds a Bearer challenge in the answer's `WWW-Authenticate` headers.
fn bearer_challenge(
    r: &crate::harness::wire::HttpResponse,
) -> Result<challenge::Challenge, String> {
    let values: Vec<&str> = r.header_values("www-authenticate").collect();
    if values.is_empty() {
        return Err(format!(
            "no WWW-Authenticate header; answer was {}",
            describe(r)
        ));
    }
    let parsed =
        challenge::parse_all(values.iter().copied()).map_err(|e| format!("{e} in {values:?}"))?;
    parsed
        .into_iter()
        .find(|c| c.is_scheme("Bearer"))
        .ok_or_else(|| format!("WWW-Authenticate has no Bearer challenge: {values:?}"))
}

async fn refuses_with_bearer(w: &mut UmaWorld, a: Args) -> StepResult {
    // UMA names no status for a bad PAT (Part F 10): a 401 or 403 refusal with a Bearer
    // challenge meets it; RFC 6750's exact mapping is checked apart.
    let outcome = w.last_response().and_then(|r| {
        if !matches!(r.status, 401 | 403) {
            return Err(format!(
                "expected a 401 or 403 refusal, got {}",
                describe(r)
            ));
        }
        bearer_challenge(r).map(|_| format!("refused with {} and a Bearer challenge", r.status))
    });
    w.judge(&a.cite, outcome, None)
}

async fn bearer_401(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        if r.status != 401 {
            return Err(format!("expected 401, got {}", describe(r)));
        }
        bearer_challenge(r).map(|_| "401 with a Bearer challenge".to_string())
    });
    w.judge(&a.cite, outcome, None)
}

async fn bearer_error(w: &mut UmaWorld, a: Args) -> StepResult {
    let status: u16 = a.arg(0).parse().unwrap_or(0);
    let code = a.arg(1).to_string();
    let outcome = w.last_response().and_then(|r| {
        if r.status != status {
            return Err(format!("expected {status}, got {}", describe(r)));
        }
        let c = bearer_challenge(r)?;
        match c.param("error") {
            Some(e) if e == code => Ok(format!("{status} with Bearer error=\"{code}\"")),
            Some(e) => Err(format!(
                "the Bearer challenge names error=\"{e}\", expected \"{code}\""
            )),
            None => Err(format!(
                "the Bearer challenge has no error parameter, expected \"{code}\""
            )),
        }
    });
    w.judge(&a.cite, outcome, None)
}

/// The error body as a JSON object, or `None` when it is not one (then optional members are
/// simply not used).
fn error_object(w: &UmaWorld) -> Result<Option<serde_json::Map<String, Value>>, String> {
    let r = w.last_response()?;
    Ok(r.json().ok().and_then(|v| v.as_object().cloned()))
}

async fn error_code_if_given(w: &mut UmaWorld, a: Args) -> StepResult {
    let expected = a.arg(0).to_string();
    let outcome =
        error_object(w).and_then(|body| match body.as_ref().and_then(|b| b.get("error")) {
            None => Ok("no error code given (the code is optional)".to_string()),
            Some(Value::String(code)) if *code == expected => Ok(format!("error code {expected}")),
            Some(other) => Err(format!(
                "the error code is {other}, the spec's code for this case is \"{expected}\""
            )),
        });
    w.judge(&a.cite, outcome, None)
}

async fn error_description_is_string(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = error_object(w).and_then(|body| {
        match body.as_ref().and_then(|b| b.get("error_description")) {
            None => Ok("no error_description (optional)".to_string()),
            Some(Value::String(_)) => Ok("error_description is a string".to_string()),
            Some(other) => Err(format!(
                "error_description is {}, expected a string",
                json_type(other)
            )),
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn error_uri_is_absolute(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome =
        error_object(w).and_then(
            |body| match body.as_ref().and_then(|b| b.get("error_uri")) {
                None => Ok("no error_uri (optional)".to_string()),
                Some(Value::String(uri)) => {
                    absolute_uri(uri).map(|_| format!("error_uri {uri} is absolute"))
                }
                Some(other) => Err(format!(
                    "error_uri is {}, expected a URI string",
                    json_type(other)
                )),
            },
        );
    w.judge(&a.cite, outcome, None)
}

async fn error_body_is_json(w: &mut UmaWorld, a: Args) -> StepResult {
    let ctx = w.ctx()?;
    let outcome = w.last_response().and_then(|r| {
        let media = r.media_type().unwrap_or_default();
        if media != "application/json" && !media.ends_with("+json") {
            return Err(format!(
                "the error body is not declared as JSON: {}",
                describe(r)
            ));
        }
        let body = r.json()?;
        let violations = ctx
            .schemas
            .validate("protection-error", &body)
            .map_err(|e| format!("cannot validate: {e}"))?;
        match violations.first() {
            None => Ok(format!("error body {body}")),
            Some(v) => Err(format!(
                "the error body {body} is not a valid protection-error: {}: {}",
                v.instance_path, v.message
            )),
        }
    });
    w.judge(&a.cite, outcome, None)
}
