//! The glue between cucumber and our step bodies: every step is recorded in the scenario's
//! record, its citation parsed, its outcome turned into a recorded state, and a panic inside a
//! body is caught and reported as a harness defect instead of tearing the run down.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use cucumber::step::Context;
use futures::FutureExt as _;
use regex::Regex;

use crate::harness::record::{StepRecord, StepState, StopKind};
use crate::harness::world::{StepError, StepResult, UmaWorld};

/// What a step body receives: the requirement ids it cites, the regex captures (without the
/// whole match and without the citation), and the docstring if the step has one.
#[derive(Debug, Clone, Default)]
pub struct Args {
    pub cite: Vec<String>,
    pub captures: Vec<String>,
    pub docstring: Option<String>,
}

impl Args {
    pub fn arg(&self, index: usize) -> &str {
        self.captures.get(index).map(String::as_str).unwrap_or("")
    }

    pub fn doc(&self) -> Result<&str, StepError> {
        self.docstring
            .as_deref()
            .ok_or_else(|| StepError::Harness("this step needs a docstring".into()))
    }
}

/// The pattern of the citation that opens every checking step: `[FED-3.2-a]` or
/// `[GRANT-2-f, FED-2-d]`.
pub const CITATION: &str = r"\[([A-Z][A-Za-z0-9.\-]*(?:, [A-Z][A-Za-z0-9.\-]*)*)\] ";

/// Builds the regex of a step; checking steps are prefixed by the citation.
pub fn step_regex(pattern: &str, cites: bool) -> Regex {
    let full = if cites {
        format!("^{CITATION}{pattern}$")
    } else {
        format!("^{pattern}$")
    };
    Regex::new(&full).unwrap_or_else(|e| panic!("step pattern {pattern:?} is not a regex: {e}"))
}

/// Records the step and extracts its arguments. Checks that every cited id is in the catalogue
/// and among the scenario's tags, so a feature cannot cite what it does not claim to prove.
pub fn begin(world: &mut UmaWorld, ctx: &Context, cites: bool) -> Result<Args, StepError> {
    world.record.steps.push(StepRecord {
        keyword: ctx.step.keyword.trim().to_string(),
        text: ctx.step.value.clone(),
        line: ctx.step.position.line,
        state: StepState::Running,
        message: None,
        elapsed_ms: 0,
    });
    let mut values = ctx.matches.iter().skip(1).map(|(_, v)| v.clone());
    let cite: Vec<String> = if cites {
        values
            .next()
            .unwrap_or_default()
            .split(", ")
            .map(str::to_string)
            .collect()
    } else {
        Vec::new()
    };
    for id in &cite {
        let known = world
            .ctx
            .as_ref()
            .is_some_and(|c| c.catalogue.get(id).is_some());
        if !known {
            return Err(StepError::Harness(format!(
                "the step cites {id}, which is not in the requirement catalogue"
            )));
        }
        if !world.record.tags.iter().any(|t| t == id) {
            return Err(StepError::Harness(format!(
                "the step cites {id}, but the scenario is not tagged @{id}"
            )));
        }
    }
    Ok(Args {
        cite,
        captures: values.collect(),
        docstring: ctx.step.docstring.clone(),
    })
}

/// Runs one step body inside the bookkeeping. Panics (to tell cucumber) when the step stops the
/// scenario; the record already says why.
pub async fn run<F>(world: &mut UmaWorld, ctx: Context, cites: bool, body: F)
where
    F: for<'w> FnOnce(&'w mut UmaWorld, Args) -> futures::future::LocalBoxFuture<'w, StepResult>,
{
    let started = Instant::now();
    let result = match begin(world, &ctx, cites) {
        Ok(args) => match AssertUnwindSafe(body(world, args)).catch_unwind().await {
            Ok(result) => result,
            Err(panic) => Err(StepError::Harness(format!(
                "the step panicked: {}",
                panic_message(panic.as_ref())
            ))),
        },
        Err(e) => Err(e),
    };
    let index = world.record.current_step();
    if let Some(step) = world.record.steps.last_mut() {
        step.elapsed_ms = started.elapsed().as_millis() as u64;
        if step.state == StepState::Running {
            step.state = if result.is_ok() {
                StepState::Passed
            } else {
                StepState::Failed
            };
        }
    }
    let Err(error) = result else { return };
    let mut broken_by = None;
    let (kind, message, state) = match error {
        StepError::Check(m) => (StopKind::Check, m, StepState::Failed),
        StepError::Skip(m) => (StopKind::Skip, m, StepState::Skipped),
        StepError::Setup(m) => (StopKind::Setup, m, StepState::Failed),
        StepError::Broken(party, m) => {
            broken_by = Some(party);
            (StopKind::Setup, m, StepState::Failed)
        }
        StepError::Harness(m) => (StopKind::Harness, m, StepState::Failed),
    };
    if let Some(step) = world.record.steps.last_mut() {
        step.state = state;
        step.message = Some(message.clone());
    }
    world.record.stop_once(kind, index, message.clone());
    if let (Some(stop), Some(party)) = (world.record.stop.as_mut(), broken_by) {
        stop.party.get_or_insert(party);
    }
    // Cucumber learns that the scenario stopped only from a panic; the verdict comes from the record.
    std::panic::resume_unwind(Box::new(message));
}

/// The text of a panic payload (a `&str` or a `String`, as `panic!` makes them).
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
}
