//! Scrubs every string of a result that could carry a secret before anything is written.

use super::execute::ScenarioResult;
use crate::harness::wire::Secrets;

pub fn redact(result: &ScenarioResult, secrets: &Secrets) -> ScenarioResult {
    if secrets.reveal() {
        return result.clone();
    }
    let f = |s: &str| secrets.redact(s);
    let mut out = result.clone();
    out.verdict.reason = out.verdict.reason.as_deref().map(f);
    for step in &mut out.record.steps {
        step.message = step.message.as_deref().map(f);
        step.text = f(&step.text);
    }
    for check in &mut out.record.checks {
        check.detail = f(&check.detail);
    }
    if let Some(stop) = &mut out.record.stop {
        stop.message = f(&stop.message);
    }
    out.record.exchanges = out
        .record
        .exchanges
        .iter()
        .map(|e| e.map_text(&f))
        .collect();
    out.record.cleanup = out.record.cleanup.iter().map(|e| e.map_text(&f)).collect();
    out
}
