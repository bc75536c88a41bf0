//! JUnit XML: one test suite per feature, one test case per scenario, the requirement ids as
//! properties so CI dashboards can group by clause.

use std::collections::BTreeMap;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use crate::runner::execute::ScenarioResult;
use crate::runner::verdict::Verdict;

pub fn render(results: &[ScenarioResult]) -> Result<String, String> {
    let mut report = Report::new("uma-conformance");
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for result in results {
        let suite = suites
            .entry(result.feature_path.as_str())
            .or_insert_with(|| {
                order.push(result.feature_path.as_str());
                let mut s = TestSuite::new(format!("{} ({})", result.feature, result.feature_path));
                s.add_property(Property::new("feature", result.feature_path.clone()));
                s
            });
        suite.add_test_case(test_case(result));
    }
    for path in order {
        if let Some(suite) = suites.remove(path) {
            report.add_test_suite(suite);
        }
    }
    report
        .to_string()
        .map_err(|e| format!("rendering JUnit XML: {e}"))
}

fn test_case(result: &ScenarioResult) -> TestCase {
    let reason = result.verdict.reason.clone().unwrap_or_default();
    let status = match result.verdict.verdict {
        Verdict::Passed | Verdict::Warning => TestCaseStatus::success(),
        Verdict::Skipped | Verdict::ExpectedFailure => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(format!("{}: {reason}", result.verdict.verdict.as_str()));
            s
        }
        Verdict::Failed => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(match result.broken_by {
                Some(party) => format!("{reason} (broken by the {})", party.label()),
                None => reason.clone(),
            });
            if let Some(id) = &result.verdict.failed_requirement {
                s.set_type(id.clone());
            }
            s.set_description(evidence(result));
            s
        }
    };
    let mut case = TestCase::new(result.name.clone(), status);
    case.set_classname(result.feature_path.clone());
    case.set_time(Duration::from_millis(result.elapsed_ms));
    case.set_assertions(result.record.checks.len());
    for id in &result.requirements {
        case.add_property(Property::new("requirement", id.clone()));
    }
    if let Some(level) = result.level {
        case.add_property(Property::new("level", level.as_str()));
    }
    case.add_property(Property::new("verdict", result.verdict.verdict.as_str()));
    case.add_property(Property::new("location", result.location()));
    if result.verdict.verdict == Verdict::Warning {
        case.set_system_out(format!("warning: {reason}\n"));
    }
    case
}

/// The steps and exchanges of a failed scenario, as plain text.
pub fn evidence(result: &ScenarioResult) -> String {
    let mut out = String::new();
    for (index, step) in result.record.steps.iter().enumerate() {
        out.push_str(&format!(
            "{:?} {} {}\n",
            step.state, step.keyword, step.text
        ));
        if let Some(message) = &step.message {
            out.push_str(&format!("    {message}\n"));
        }
        for exchange in result
            .record
            .exchanges
            .iter()
            .filter(|e| e.step == Some(index))
        {
            for line in exchange.to_text().lines() {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    out
}
