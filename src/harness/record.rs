//! What a scenario did and found: its steps, the checks they made (each citing a requirement),
//! the HTTP exchanges, and why it stopped. The runner turns a record into a verdict.

use serde::Serialize;

use super::wire::Exchange;
use crate::spec::requirements::Level;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Running,
    Passed,
    /// A SHOULD-level check (or one relaxed by the profile) was not met; the scenario went on.
    Warning,
    Failed,
    Skipped,
    /// No step definition matched the text.
    Undefined,
    /// An earlier step stopped the scenario.
    NotRun,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepRecord {
    pub keyword: String,
    pub text: String,
    pub line: usize,
    pub state: StepState,
    pub message: Option<String>,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    Passed,
    Warning,
    Failed,
}

/// One assertion about one requirement.
#[derive(Debug, Clone, Serialize)]
pub struct CheckRecord {
    pub requirement: String,
    pub level: Level,
    pub step: usize,
    pub state: CheckState,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopKind {
    /// A check failed.
    Check,
    /// The scenario could not be arranged (a token could not be obtained, an endpoint is missing).
    Setup,
    /// Not applicable to this target, or a fixture is missing.
    Skip,
    /// A step panicked or cited an unknown requirement: a defect of the harness or a feature.
    Harness,
    /// No step definition matched.
    Undefined,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stop {
    pub kind: StopKind,
    pub step: Option<usize>,
    pub message: String,
    /// The party whose answer made the step impossible, when a step knows it (an AS that would
    /// not issue an RPT in a resource server scenario, say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<crate::harness::target::Party>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ScenarioRecord {
    pub tags: Vec<String>,
    pub steps: Vec<StepRecord>,
    pub checks: Vec<CheckRecord>,
    pub exchanges: Vec<Exchange>,
    pub stop: Option<Stop>,
    /// Exchanges made while cleaning up after the scenario (deregistering its resources).
    pub cleanup: Vec<Exchange>,
}

impl ScenarioRecord {
    pub fn current_step(&self) -> Option<usize> {
        self.steps.len().checked_sub(1)
    }

    pub fn push_exchange(&mut self, mut exchange: Exchange) {
        exchange.step = self.current_step();
        self.exchanges.push(exchange);
    }

    pub fn stop_once(&mut self, kind: StopKind, step: Option<usize>, message: String) {
        if self.stop.is_none() {
            self.stop = Some(Stop {
                kind,
                step,
                message,
                party: None,
            });
        }
    }
}
