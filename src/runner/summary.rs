//! Counts, per-requirement verdicts (the worst of each requirement's scenarios), and the run's
//! conformance at MUST level.

use std::collections::BTreeMap;

use serde::Serialize;

use super::execute::ScenarioResult;
use super::verdict::{Scope, Verdict};
use crate::harness::record::StopKind;
use crate::spec::requirements::{Catalogue, Level};

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub passed: usize,
    pub warnings: usize,
    pub failed: usize,
    pub skipped: usize,
    pub expected_failures: usize,
}

impl Counts {
    fn add(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::Passed => self.passed += 1,
            // A warning is a pass with a note: a SHOULD was not met.
            Verdict::Warning => {
                self.passed += 1;
                self.warnings += 1;
            }
            Verdict::Failed => self.failed += 1,
            Verdict::Skipped => self.skipped += 1,
            Verdict::ExpectedFailure => self.expected_failures += 1,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RequirementVerdict {
    pub id: String,
    pub level: Level,
    pub verdict: Verdict,
    pub scenarios: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Every scenario.
    pub all: Counts,
    /// Scenarios proving UMA requirements.
    pub uma: Counts,
    /// Scenarios proving RFC checks only, reported apart (Part F 7).
    pub rfc: Counts,
    /// No MUST-level UMA scenario failed, known failures included.
    pub conformant: bool,
    /// MUST-level UMA scenarios that failed and were not declared known failures.
    pub must_failures: usize,
    /// Scenarios that failed because of the suite itself (undefined steps, panics).
    pub harness_defects: usize,
    pub requirements: Vec<RequirementVerdict>,
    /// Declared known failures that did not happen: the list must be brought up to date.
    pub stale_expected_failures: Vec<super::expected::Entry>,
}

impl Summary {
    /// The process exit code: 0 when every MUST-level failure was declared known, 1 when one was
    /// not, the suite is broken, or a declared failure did not happen.
    pub fn exit_code(&self) -> i32 {
        if self.must_failures == 0
            && self.harness_defects == 0
            && self.stale_expected_failures.is_empty()
        {
            0
        } else {
            1
        }
    }
}

pub fn summarize(results: &[ScenarioResult], catalogue: &Catalogue) -> Summary {
    let mut all = Counts::default();
    let mut uma = Counts::default();
    let mut rfc = Counts::default();
    let mut conformant = true;
    let mut must_failures = 0;
    let mut harness_defects = 0;
    let mut by_requirement: BTreeMap<String, (Verdict, Vec<String>)> = BTreeMap::new();
    for result in results {
        let verdict = result.verdict.verdict;
        all.add(verdict);
        match result.scope {
            Scope::Uma => uma.add(verdict),
            Scope::Rfc => rfc.add(verdict),
        }
        // A known failure is still a failure: it spares the exit code, not the verdict.
        if matches!(verdict, Verdict::Failed | Verdict::ExpectedFailure)
            && result.scope == Scope::Uma
            && result.level == Some(Level::Must)
        {
            conformant = false;
            if verdict == Verdict::Failed {
                must_failures += 1;
            }
        }
        if result
            .record
            .stop
            .as_ref()
            .is_some_and(|s| matches!(s.kind, StopKind::Harness | StopKind::Undefined))
        {
            harness_defects += 1;
        }
        for id in &result.requirements {
            let entry = by_requirement
                .entry(id.clone())
                .or_insert((Verdict::Passed, Vec::new()));
            entry.0 = entry.0.max(verdict);
            entry.1.push(result.location());
        }
    }
    let requirements = catalogue
        .iter()
        .filter_map(|r| {
            by_requirement
                .get(&r.id)
                .map(|(verdict, scenarios)| RequirementVerdict {
                    id: r.id.clone(),
                    level: r.level,
                    verdict: *verdict,
                    scenarios: scenarios.clone(),
                })
        })
        .collect();
    Summary {
        all,
        uma,
        rfc,
        conformant,
        must_failures,
        harness_defects,
        requirements,
        stale_expected_failures: Vec::new(),
    }
}
