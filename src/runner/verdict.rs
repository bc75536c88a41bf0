//! Verdicts (design.md): per scenario from its record, per requirement as the worst of the
//! scenarios citing it, and the run's conformance at MUST level.

use serde::Serialize;

use crate::harness::record::{CheckState, ScenarioRecord, StopKind};
use crate::spec::requirements::{Catalogue, Level};

/// Ordered from best to worst so that `max` gives the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Passed,
    Warning,
    Skipped,
    ExpectedFailure,
    Failed,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Warning => "warning",
            Verdict::Skipped => "skipped",
            Verdict::ExpectedFailure => "expected failure",
            Verdict::Failed => "failed",
        }
    }
}

/// Where a scenario's claims come from: UMA itself, or an RFC check reported apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Uma,
    Rfc,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioVerdict {
    pub verdict: Verdict,
    pub reason: Option<String>,
    /// The requirement whose check failed, when one did.
    pub failed_requirement: Option<String>,
    /// The step (index into the record's steps) where the scenario stopped.
    pub failed_step: Option<usize>,
}

/// Judges one scenario from its record. `level` is its level tag; `requirements` its id tags.
pub fn judge_scenario(record: &ScenarioRecord, requirements: &[String]) -> ScenarioVerdict {
    let failed_check = record.checks.iter().find(|c| c.state == CheckState::Failed);
    if let Some(stop) = &record.stop {
        let (verdict, prefix) = match stop.kind {
            StopKind::Check => (Verdict::Failed, ""),
            StopKind::Skip if failed_check.is_none() => (Verdict::Skipped, ""),
            StopKind::Skip => (Verdict::Failed, ""),
            StopKind::Setup => (Verdict::Failed, "could not set up the scenario: "),
            StopKind::Harness => (Verdict::Failed, "harness or feature defect: "),
            StopKind::Undefined => (Verdict::Failed, "undefined step: "),
        };
        return ScenarioVerdict {
            verdict,
            reason: Some(format!("{prefix}{}", stop.message)),
            failed_requirement: failed_check.map(|c| c.requirement.clone()),
            failed_step: stop.step,
        };
    }
    if record.checks.is_empty() {
        return ScenarioVerdict {
            verdict: Verdict::Failed,
            reason: Some("the scenario made no check: nothing was proven".into()),
            failed_requirement: None,
            failed_step: None,
        };
    }
    // A scenario must check every requirement it claims, or its pass would prove nothing.
    for id in requirements {
        if !record.checks.iter().any(|c| &c.requirement == id) {
            return ScenarioVerdict {
                verdict: Verdict::Failed,
                reason: Some(format!(
                    "the scenario is tagged @{id} but no step checked it"
                )),
                failed_requirement: None,
                failed_step: None,
            };
        }
    }
    if let Some(warning) = record
        .checks
        .iter()
        .find(|c| c.state == CheckState::Warning)
    {
        return ScenarioVerdict {
            verdict: Verdict::Warning,
            reason: Some(format!("{}: {}", warning.requirement, warning.detail)),
            failed_requirement: None,
            failed_step: Some(warning.step),
        };
    }
    ScenarioVerdict {
        verdict: Verdict::Passed,
        reason: None,
        failed_requirement: None,
        failed_step: None,
    }
}

/// The requirement ids among a scenario's tags (without `@`), in tag order.
pub fn requirement_tags(tags: &[String], catalogue: &Catalogue) -> Vec<String> {
    tags.iter()
        .map(|t| t.trim_start_matches('@').to_string())
        .filter(|t| catalogue.is_requirement_tag(t))
        .collect()
}

/// The prefix of the tag that names a scenario for good: `@sc-<document>-<section>-<nn>`. The
/// number is never reused, so an expected-failures file or a comparison of two runs keeps
/// meaning the same scenario across releases.
pub const SCENARIO_ID_PREFIX: &str = "sc-";

/// The stable id tag of a scenario (without `@`).
pub fn scenario_id_tag(tags: &[String]) -> Option<String> {
    tags.iter()
        .map(|t| t.trim_start_matches('@'))
        .find(|t| t.starts_with(SCENARIO_ID_PREFIX))
        .map(str::to_string)
}

/// The level tag of a scenario (`@must`, `@should`, `@may`).
pub fn level_tag(tags: &[String]) -> Option<Level> {
    tags.iter()
        .find_map(|t| Level::from_tag(t.trim_start_matches('@')))
}

/// The strongest level among the requirements a scenario proves (MUST beats SHOULD beats MAY).
pub fn strongest_level(requirements: &[String], catalogue: &Catalogue) -> Option<Level> {
    requirements
        .iter()
        .filter_map(|id| catalogue.get(id))
        .map(|r| r.level)
        .min()
}

/// UMA scope unless every cited requirement comes from an RFC.
pub fn scope_of(requirements: &[String], catalogue: &Catalogue) -> Scope {
    let all_rfc = !requirements.is_empty()
        && requirements
            .iter()
            .all(|id| catalogue.get(id).is_some_and(|r| !r.document.is_uma()));
    if all_rfc { Scope::Rfc } else { Scope::Uma }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::record::{CheckRecord, Stop};

    fn check(id: &str, state: CheckState) -> CheckRecord {
        CheckRecord {
            requirement: id.into(),
            level: Level::Must,
            step: 0,
            state,
            detail: String::new(),
        }
    }

    #[test]
    fn no_check_is_a_failure() {
        let record = ScenarioRecord::default();
        assert_eq!(judge_scenario(&record, &[]).verdict, Verdict::Failed);
    }

    #[test]
    fn unchecked_tag_is_a_failure() {
        let record = ScenarioRecord {
            checks: vec![check("A", CheckState::Passed)],
            ..Default::default()
        };
        let v = judge_scenario(&record, &["A".into(), "B".into()]);
        assert_eq!(v.verdict, Verdict::Failed);
        assert!(v.reason.unwrap().contains("@B"));
    }

    #[test]
    fn warnings_skips_and_failures() {
        let record = ScenarioRecord {
            checks: vec![
                check("A", CheckState::Passed),
                check("B", CheckState::Warning),
            ],
            ..Default::default()
        };
        assert_eq!(
            judge_scenario(&record, &["A".into(), "B".into()]).verdict,
            Verdict::Warning
        );
        let record = ScenarioRecord {
            stop: Some(Stop {
                kind: StopKind::Skip,
                step: Some(0),
                message: "no bob".into(),
                party: None,
            }),
            ..Default::default()
        };
        assert_eq!(
            judge_scenario(&record, &["A".into()]).verdict,
            Verdict::Skipped
        );
        let record = ScenarioRecord {
            checks: vec![check("A", CheckState::Failed)],
            stop: Some(Stop {
                kind: StopKind::Check,
                step: Some(1),
                message: "A: bad".into(),
                party: None,
            }),
            ..Default::default()
        };
        let v = judge_scenario(&record, &["A".into()]);
        assert_eq!(v.verdict, Verdict::Failed);
        assert_eq!(v.failed_requirement.as_deref(), Some("A"));
        assert_eq!(v.failed_step, Some(1));
    }
}
