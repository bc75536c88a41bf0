//! What a person watching the run sees: one line per scenario as it finishes (h2spec style), the
//! failures with their evidence at the end, and the two closing count lines.

use std::io::Write;

use crate::runner::execute::ScenarioResult;
use crate::runner::summary::Summary;
use crate::runner::verdict::{Scope, Verdict};

pub fn scenario_line(result: &ScenarioResult) -> String {
    let mark = match result.verdict.verdict {
        Verdict::Passed => "  ok  ",
        Verdict::Warning => " warn ",
        Verdict::Skipped => " skip ",
        Verdict::ExpectedFailure => " xfail",
        Verdict::Failed => " FAIL ",
    };
    let ids = if result.requirements.is_empty() {
        "-".to_string()
    } else {
        result.requirements.join(",")
    };
    let level = result.level.map(|l| l.as_str()).unwrap_or("?");
    let mut line = format!(
        "[{mark}] {ids} ({level}) {} — {}",
        result.location(),
        result.name
    );
    if result.verdict.verdict != Verdict::Passed {
        if let Some(reason) = &result.verdict.reason {
            line.push_str(&format!("\n         {reason}"));
        }
    }
    line
}

/// The failures with their evidence, then the summary lines. The last line is the one CI reads.
pub fn write_summary(
    out: &mut dyn Write,
    profile: &str,
    results: &[ScenarioResult],
    summary: &Summary,
    reports: &str,
) -> std::io::Result<()> {
    let failures: Vec<&ScenarioResult> = results
        .iter()
        .filter(|r| r.verdict.verdict == Verdict::Failed)
        .collect();
    if !failures.is_empty() {
        writeln!(out, "\nFailures:")?;
        for result in &failures {
            writeln!(out, "\n--- {} ({})", result.name, result.location())?;
            if let Some(reason) = &result.verdict.reason {
                writeln!(out, "    {reason}")?;
            }
            if let Some(party) = result.broken_by {
                writeln!(out, "    broken by: the {}", party.label())?;
            }
            if let Some(step) = result
                .verdict
                .failed_step
                .and_then(|i| result.record.steps.get(i))
            {
                writeln!(out, "    at step: {} {}", step.keyword, step.text)?;
                if let Some(index) = result.verdict.failed_step {
                    for exchange in evidence_for(result, index) {
                        for line in exchange.to_text().lines().take(40) {
                            writeln!(out, "      {line}")?;
                        }
                    }
                }
            }
        }
    }
    writeln!(out)?;
    let rfc = &summary.rfc;
    if rfc.passed + rfc.failed + rfc.skipped > 0 {
        writeln!(
            out,
            "RFC checks (reported apart from UMA): {} passed, {} failed, {} skipped",
            rfc.passed, rfc.failed, rfc.skipped
        )?;
    }
    let must_failing = |verdict: Verdict| {
        results
            .iter()
            .filter(|r| {
                r.scope == Scope::Uma
                    && r.verdict.verdict == verdict
                    && r.level == Some(crate::spec::requirements::Level::Must)
            })
            .count()
    };
    let must_failed = must_failing(Verdict::Failed);
    let must_expected = must_failing(Verdict::ExpectedFailure);
    writeln!(
        out,
        "UMA verdict: {} ({} MUST-level scenario(s) failed{}{}; profile {profile})",
        if summary.conformant {
            "CONFORMANT"
        } else {
            "NOT CONFORMANT"
        },
        must_failed,
        if must_expected > 0 {
            format!(", {must_expected} more as expected")
        } else {
            String::new()
        },
        if summary.harness_defects > 0 {
            format!(", {} suite defect(s)", summary.harness_defects)
        } else {
            String::new()
        }
    )?;
    writeln!(out, "reports: {reports}")?;
    for stale in &summary.stale_expected_failures {
        writeln!(
            out,
            "[ STALE ] {} is declared a known failure ({}) but did not fail: update the list",
            stale.subject(),
            stale.reason
        )?;
    }
    writeln!(
        out,
        "conformance: {} warnings, {} expected failures, {} stale expected failures",
        summary.all.warnings,
        summary.all.expected_failures,
        summary.stale_expected_failures.len()
    )?;
    writeln!(
        out,
        "conformance: {} passed, {} failed, {} skipped",
        summary.all.passed, summary.all.failed, summary.all.skipped
    )?;
    Ok(())
}

/// The exchanges behind a failed step: its own, or else the latest one made before it (a check
/// usually judges the answer an earlier `When` step received).
pub(crate) fn evidence_for(
    result: &ScenarioResult,
    step: usize,
) -> Vec<&crate::harness::wire::Exchange> {
    let own: Vec<_> = result
        .record
        .exchanges
        .iter()
        .filter(|e| e.step == Some(step))
        .collect();
    if !own.is_empty() {
        return own;
    }
    result
        .record
        .exchanges
        .iter()
        .rev()
        .find(|e| e.step.is_some_and(|s| s < step))
        .into_iter()
        .collect()
}
