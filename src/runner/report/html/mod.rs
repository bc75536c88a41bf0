//! The HTML report (`index.html`): one self-contained page with the verdict, the counts, the
//! requirement-by-requirement traceability matrix in spec order, and every scenario with its steps
//! and HTTP exchanges. No network: the style and the small filter script are inline, and the only
//! links that leave the page are plain `<a href>`s to the spec sections.
//!
//! Everything that comes from the target (bodies, headers, URLs, messages quoting them) is escaped;
//! the results given here are already redacted.

mod assets;
pub mod escape;
mod matrix;
mod scenarios;

use std::collections::HashMap;
use std::fmt::Write as _;

use escape::{esc, token};

use crate::harness::record::StopKind;
use crate::runner::execute::ScenarioResult;
use crate::runner::report::results_json::RunMetadata;
use crate::runner::summary::{Counts, Summary};
use crate::spec::requirements::{Catalogue, Document};

pub use scenarios::BODY_SHOWN;

/// Where the matrix links a scenario.
pub struct ScenarioRef {
    pub anchor: String,
    pub name: String,
}

/// The page for a finished run.
pub fn render(
    meta: &RunMetadata,
    summary: &Summary,
    results: &[ScenarioResult],
    catalogue: &Catalogue,
) -> String {
    let exchanges: usize = results
        .iter()
        .map(|r| r.record.exchanges.len() + r.record.cleanup.len())
        .sum();
    let mut out = String::with_capacity(64 * 1024 + results.len() * 4096 + exchanges * 1024);
    let verdict = if summary.conformant {
        "CONFORMANT"
    } else {
        "NOT CONFORMANT"
    };
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>UMA 2.0 conformance: {verdict} — {target}</title><style>{css}</style></head>\n<body>",
        target = esc(&meta.target),
        css = assets::CSS,
    );
    header(&mut out, meta, summary, results, verdict);
    filters(&mut out, catalogue);
    let refs: HashMap<String, ScenarioRef> = results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                r.location(),
                ScenarioRef {
                    anchor: scenarios::anchor(i),
                    name: r.name.clone(),
                },
            )
        })
        .collect();
    matrix::render(&mut out, catalogue, summary, &refs);
    scenarios::render(&mut out, results, catalogue);
    let _ = writeln!(out, "<script>{}</script>\n</body></html>", assets::JS);
    out
}

fn header(
    out: &mut String,
    meta: &RunMetadata,
    summary: &Summary,
    results: &[ScenarioResult],
    verdict: &str,
) {
    let class = if summary.conformant { "ok" } else { "ko" };
    let _ = writeln!(
        out,
        "<header><h1>UMA 2.0 conformance report</h1>\
         <p class=\"meta\">uma-conformance {version} · target <code>{target}</code> · profile <code>{profile}</code> · \
         started {started} · finished {finished}</p>\
         <p id=\"verdict\" class=\"verdict {class}\">{verdict} <small>at MUST level</small></p>",
        version = env!("CARGO_PKG_VERSION"),
        target = esc(&meta.target),
        profile = esc(&meta.profile),
        started = esc(&meta.started_at),
        finished = esc(&meta.finished_at),
    );
    counts(out, "counts", &summary.all);
    let _ = writeln!(
        out,
        "<p class=\"note\">{n} scenarios. UMA scenarios: {uma}. RFC checks, reported apart and not deciding the UMA verdict: {rfc}. \
         Warnings count as passed: a SHOULD was not met.</p>",
        n = results.len(),
        uma = counts_line(&summary.uma),
        rfc = counts_line(&summary.rfc),
    );
    if summary.harness_defects > 0 {
        let _ = write!(
            out,
            "<div class=\"defects\"><strong>{} harness defect(s)</strong>: scenarios that failed because of the suite itself \
             (an undefined step, a panic); the run cannot be trusted until they are fixed:<ul>",
            summary.harness_defects
        );
        for (i, result) in results.iter().enumerate() {
            if let Some(stop) = &result.record.stop {
                if matches!(stop.kind, StopKind::Harness | StopKind::Undefined) {
                    let _ = write!(
                        out,
                        "<li><a href=\"#{anchor}\">{loc}</a> {name}: {message}</li>",
                        anchor = scenarios::anchor(i),
                        loc = esc(&result.location()),
                        name = esc(&result.name),
                        message = esc(&stop.message),
                    );
                }
            }
        }
        out.push_str("</ul></div>\n");
    }
    out.push_str("</header>\n");
}

fn counts(out: &mut String, id: &str, c: &Counts) {
    let _ = writeln!(
        out,
        "<ul id=\"{id}\" class=\"counts\">\
         <li class=\"v-passed\"><b>{}</b> passed</li><li class=\"v-failed\"><b>{}</b> failed</li>\
         <li class=\"v-warning\"><b>{}</b> warnings</li><li class=\"v-skipped\"><b>{}</b> skipped</li>\
         <li class=\"v-expected-failure\"><b>{}</b> expected failures</li></ul>",
        c.passed, c.failed, c.warnings, c.skipped, c.expected_failures
    );
}

fn counts_line(c: &Counts) -> String {
    format!(
        "{} passed, {} failed, {} warnings, {} skipped, {} expected failures",
        c.passed, c.failed, c.warnings, c.skipped, c.expected_failures
    )
}

fn filters(out: &mut String, catalogue: &Catalogue) {
    let mut parties: Vec<String> = catalogue
        .iter()
        .flat_map(|r| party_tokens(&r.party))
        .collect();
    parties.sort();
    parties.dedup();
    out.push_str(
        "<form id=\"filters\" class=\"filters\" onsubmit=\"return false\"><strong>Filter</strong> \
         <label>party <select name=\"party\"><option value=\"\">all</option>",
    );
    for party in &parties {
        let _ = write!(out, "<option value=\"{p}\">{p}</option>", p = esc(party));
    }
    out.push_str(
        "</select></label> <label>level <select name=\"level\"><option value=\"\">all</option>\
         <option value=\"must\">MUST</option><option value=\"should\">SHOULD</option>\
         <option value=\"may\">MAY</option></select></label> \
         <label>verdict <select name=\"verdict\"><option value=\"\">all</option>",
    );
    for (value, label) in [
        ("passed", "passed"),
        ("warning", "warning"),
        ("failed", "failed"),
        ("skipped", "skipped"),
        ("expected-failure", "expected failure"),
        ("not-covered", "not covered"),
        ("not-testable", "not HTTP-testable"),
    ] {
        let _ = write!(out, "<option value=\"{value}\">{label}</option>");
    }
    out.push_str(
        "</select></label> <span id=\"shown\" class=\"note\"></span> \
         <a href=\"#matrix\">matrix</a> · <a href=\"#scenarios\">scenarios</a></form>\n",
    );
}

/// The filter tokens of a catalogue party label: "AS+RS" is bound to both `as` and `rs`.
pub fn party_tokens(label: &str) -> Vec<String> {
    label
        .split(['+', '/'])
        .map(|p| token(p.trim()))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The address of a section of a requirement's document.
pub fn spec_url(document: Document, section: &str) -> String {
    match document {
        Document::Grant => format!(
            "https://docs.kantarainitiative.org/uma/wg/rec-oauth-uma-grant-2.0.html#rfc.section.{section}"
        ),
        Document::Fedauthz => format!(
            "https://docs.kantarainitiative.org/uma/wg/rec-oauth-uma-federated-authz-2.0.html#rfc.section.{section}"
        ),
        Document::Rfc6749 | Document::Rfc6750 | Document::Rfc7662 | Document::Rfc8414 => {
            format!(
                "https://www.rfc-editor.org/rfc/{}#section-{section}",
                document.as_str()
            )
        }
    }
}

#[cfg(test)]
mod tests;
