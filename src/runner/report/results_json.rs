//! The harness's own results file: run metadata, the summary with per-requirement verdicts, and
//! every scenario with its checks and evidence.

use serde_json::{Value, json};

use crate::runner::execute::ScenarioResult;
use crate::runner::summary::Summary;
use crate::spec::requirements::{Catalogue, Testability};

pub struct RunMetadata {
    pub target: String,
    pub profile: String,
    pub started_at: String,
    pub finished_at: String,
}

/// The results document; `schemas/uma-conformance-results.json` describes it.
pub fn render(meta: &RunMetadata, summary: &Summary, results: &[ScenarioResult]) -> Value {
    json!({
        "tool": "uma-conformance",
        "version": env!("CARGO_PKG_VERSION"),
        "target": meta.target,
        "profile": meta.profile,
        "started_at": meta.started_at,
        "finished_at": meta.finished_at,
        "summary": summary,
        "requirements": requirement_entries(summary, results),
        "scenarios": results,
    })
}

/// One entry per catalogue requirement, in spec order, with its verdict in this run:
/// a scenario verdict, `not_run` (covered, but no scenario of it was selected), `not_covered`
/// or `not_testable`.
fn requirement_entries(summary: &Summary, results: &[ScenarioResult]) -> Vec<Value> {
    let catalogue = Catalogue::embedded();
    let covered: std::collections::BTreeSet<String> = crate::runner::features::embedded_sources()
        .iter()
        .flat_map(|s| {
            s.text
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter_map(|word| word.strip_prefix('@').map(str::to_string))
        .filter(|tag| catalogue.is_requirement_tag(tag))
        .collect();
    catalogue
        .iter()
        .map(|r| {
            let judged = summary.requirements.iter().find(|v| v.id == r.id);
            let scenarios: Vec<&str> = results
                .iter()
                .filter(|s| s.requirements.contains(&r.id))
                .map(|s| s.id.as_str())
                .collect();
            let verdict = match judged {
                Some(v) => serde_json::to_value(v.verdict).unwrap_or(Value::Null),
                None if r.testable == Testability::No => "not_testable".into(),
                None if covered.contains(&r.id) => "not_run".into(),
                None => "not_covered".into(),
            };
            json!({
                "id": r.id,
                "document": r.document,
                "section": r.section,
                "level": r.level,
                "party": r.party,
                "testable": r.testable,
                "summary": r.summary,
                "verdict": verdict,
                "scenarios": scenarios,
            })
        })
        .collect()
}
