//! A Markdown summary for a CI job's summary page (for example `$GITHUB_STEP_SUMMARY`): the
//! verdict, the counts, and every scenario that did not pass, with the requirement it broke.

use std::fmt::Write;

use super::results_json::RunMetadata;
use crate::runner::execute::ScenarioResult;
use crate::runner::summary::Summary;
use crate::runner::verdict::Verdict;

/// Table cells hold text from the target: pipes and line breaks would break the table.
fn cell(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let escaped = one_line
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    if escaped.chars().count() > 300 {
        let cut: String = escaped.chars().take(300).collect();
        format!("{cut}…")
    } else {
        escaped
    }
}

pub fn render(meta: &RunMetadata, summary: &Summary, results: &[ScenarioResult]) -> String {
    let mut out = String::new();
    let verdict = if summary.conformant {
        "CONFORMANT"
    } else {
        "NOT CONFORMANT"
    };
    let _ = writeln!(out, "# UMA conformance: {verdict}\n");
    let _ = writeln!(
        out,
        "Target `{}`, profile `{}`, uma-conformance {}, {} to {}.\n",
        cell(&meta.target),
        cell(&meta.profile),
        env!("CARGO_PKG_VERSION"),
        meta.started_at,
        meta.finished_at
    );
    let _ = writeln!(
        out,
        "| | passed | warnings | failed | expected failures | skipped |\n|---|---|---|---|---|---|"
    );
    for (name, c) in [
        ("UMA", &summary.uma),
        ("RFC checks", &summary.rfc),
        ("all", &summary.all),
    ] {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} |",
            c.passed, c.warnings, c.failed, c.expected_failures, c.skipped
        );
    }
    if summary.harness_defects > 0 {
        let _ = writeln!(
            out,
            "\n**{} suite defect(s)**: scenarios the suite itself could not run.",
            summary.harness_defects
        );
    }
    let shown: Vec<&ScenarioResult> = results
        .iter()
        .filter(|r| {
            matches!(
                r.verdict.verdict,
                Verdict::Failed | Verdict::Warning | Verdict::ExpectedFailure
            )
        })
        .collect();
    if !shown.is_empty() {
        let _ = writeln!(
            out,
            "\n## Not passed\n\n| verdict | level | requirement | scenario | why |\n|---|---|---|---|---|"
        );
        for r in shown {
            let level = r
                .level
                .map(|l| format!("{l:?}").to_uppercase())
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | {level} | {} | `{}` {} | {} |",
                r.verdict.verdict.as_str(),
                r.verdict.failed_requirement.as_deref().unwrap_or("-"),
                r.id,
                cell(&r.name),
                cell(&match r.broken_by {
                    Some(party) => format!(
                        "{} (broken by the {})",
                        r.verdict.reason.as_deref().unwrap_or(""),
                        party.label()
                    ),
                    None => r.verdict.reason.clone().unwrap_or_default(),
                })
            );
        }
    }
    if !summary.stale_expected_failures.is_empty() {
        let _ = writeln!(
            out,
            "\n## Stale expected failures\n\nDeclared as known failures, but they did not fail: bring the list up to date.\n"
        );
        for e in &summary.stale_expected_failures {
            let _ = writeln!(out, "- {}: {}", e.subject(), cell(&e.reason));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_text_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc <x>"), "a\\|b c &lt;x&gt;");
        assert!(cell(&"y".repeat(400)).ends_with('…'));
    }
}
