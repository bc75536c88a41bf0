//! Small helpers shared by the step modules.

use serde_json::Value;

use crate::harness::roles::tokens::excerpt;
use crate::harness::target::ClientCredentials;
use crate::harness::wire::HttpResponse;
use crate::harness::world::{StepError, UmaWorld};

/// The endpoint a scenario needs from the discovery document fetched at start; its absence is a
/// setup failure here (the discovery scenarios judge it).
pub fn endpoint(world: &UmaWorld, member: &str) -> Result<String, StepError> {
    world.ctx()?.endpoint(member).ok_or_else(|| {
        StepError::Setup(format!(
            "the discovery document has no {member}, so this scenario cannot run"
        ))
    })
}

/// Parses a docstring as JSON, replacing `{unique}` with a value unique to this scenario.
pub fn json_doc(world: &UmaWorld, text: &str) -> Result<Value, StepError> {
    let text = text.replace("{unique}", &unique_marker(world));
    serde_json::from_str(&text)
        .map_err(|e| StepError::Harness(format!("the step's JSON docstring is invalid: {e}")))
}

/// A marker unique to the scenario (stable within it), used in resource names so that a leak of
/// one owner's resource into another's answers is recognisable.
pub fn unique_marker(world: &UmaWorld) -> String {
    world.marker.clone()
}

/// A one-line description of a response for failure messages.
pub fn describe(response: &HttpResponse) -> String {
    let media = response
        .media_type()
        .unwrap_or_else(|| "no Content-Type".into());
    let body = excerpt(&response.text());
    if body.is_empty() {
        format!("{} ({media}, empty body)", response.status)
    } else {
        format!("{} ({media}): {body}", response.status)
    }
}

pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The client the target lets the harness use for the UMA grant; without one the scenario does
/// not apply.
pub fn uma_client(world: &UmaWorld) -> Result<ClientCredentials, StepError> {
    world
        .ctx()?
        .target
        .authorization_server
        .uma_client
        .clone()
        .ok_or_else(|| {
            StepError::Skip(
                "the target gives no client for the UMA grant (authorization_server.uma_client)"
                    .into(),
            )
        })
}

/// Bits a string could carry, judged from its length and the character classes the sample uses.
fn estimated_bits(value: &str, alphabet: f64) -> f64 {
    value.chars().count() as f64 * alphabet.log2()
}

/// Whether sampled credentials (tickets, PCTs) look unguessable (RFC 6749 10.10): long enough
/// over the alphabet the sample uses, never repeated, and not plain counters. `what` names one.
pub fn unguessable(values: &[String], what: &str) -> Result<String, String> {
    const MIN_BITS: f64 = 96.0;
    if values.len() < 2 {
        return Err(format!("too few {what}s were sampled"));
    }
    let all: String = values.concat();
    let classes = [
        all.chars().any(|c| c.is_ascii_digit()).then_some(10.0),
        all.chars().any(|c| c.is_ascii_lowercase()).then_some(26.0),
        all.chars().any(|c| c.is_ascii_uppercase()).then_some(26.0),
        all.chars()
            .any(|c| !c.is_ascii_alphanumeric())
            .then_some(4.0),
    ];
    let mut alphabet: f64 = classes.iter().flatten().sum();
    // Hex strings use only a-f of the lower-case letters.
    if all.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        alphabet = 16.0;
    }
    for v in values {
        let bits = estimated_bits(v, alphabet.max(2.0));
        if bits < MIN_BITS {
            return Err(format!(
                "a {what} of {} characters carries at most {bits:.0} bits, under {MIN_BITS}",
                v.len()
            ));
        }
    }
    let distinct: std::collections::BTreeSet<&String> = values.iter().collect();
    if distinct.len() != values.len() {
        return Err(format!("the same {what} was issued twice"));
    }
    if values.iter().all(|v| v.parse::<u128>().is_ok()) {
        return Err(format!("the {what}s are plain numbers"));
    }
    Ok(format!(
        "{} distinct {what}s of at least {MIN_BITS} estimated bits each",
        values.len()
    ))
}

/// A check's outcome from the problems it found: passed with `fine` when there are none.
pub fn all_well(problems: &[String], fine: impl FnOnce() -> String) -> Result<String, String> {
    if problems.is_empty() {
        Ok(fine())
    } else {
        Err(problems.join("; "))
    }
}
