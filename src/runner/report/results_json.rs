//! The harness's own results file: run metadata, the summary with per-requirement verdicts, and
//! every scenario with its checks and evidence.

use serde_json::{Value, json};

use crate::runner::execute::ScenarioResult;
use crate::runner::summary::Summary;

pub struct RunMetadata {
    pub target: String,
    pub profile: String,
    pub started_at: String,
    pub finished_at: String,
}

pub fn render(meta: &RunMetadata, summary: &Summary, results: &[ScenarioResult]) -> Value {
    json!({
        "tool": "uma-conformance",
        "version": env!("CARGO_PKG_VERSION"),
        "target": meta.target,
        "profile": meta.profile,
        "started_at": meta.started_at,
        "finished_at": meta.finished_at,
        "summary": summary,
        "scenarios": results,
    })
}
