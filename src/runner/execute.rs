//! Runs the selected scenarios with cucumber and collects one result per scenario. Cucumber
//! schedules and matches steps; the verdicts come from the records the steps leave in the world.

use std::sync::{Arc, Mutex};

use cucumber::event::ScenarioFinished;
use cucumber::{WriterExt as _, event, gherkin, parser, writer};
use gherkin::tagexpr::TagOperation;

use super::features::Preparsed;
use super::verdict::{
    ScenarioVerdict, Scope, judge_scenario, level_tag, requirement_tags, scenario_id_tag, scope_of,
    strongest_level,
};
use crate::harness::context::RunContext;
use crate::harness::record::{ScenarioRecord, StepRecord, StepState, StopKind};
use crate::harness::steps;
use crate::harness::world::UmaWorld;
use crate::spec::requirements::{Catalogue, Level};

/// Which scenarios a run executes.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub tags: Option<TagOperation>,
    /// Scenarios citing at least one requirement id that starts with this.
    pub requirement_prefix: Option<String>,
    /// Scenarios citing at least one of these requirement ids exactly.
    pub requirements: Option<Vec<String>>,
    /// Scenarios testing this party (set per leg of a run).
    pub party: Option<crate::harness::target::Party>,
}

impl Selection {
    pub fn matches(&self, feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> bool {
        let tags: Vec<&String> = feature.tags.iter().chain(scenario.tags.iter()).collect();
        if let Some(party) = self.party {
            if crate::harness::target::Party::of_tags(tags.iter().copied()) != Some(party) {
                return false;
            }
        }
        if let Some(expr) = &self.tags {
            if !cucumber::tag::Ext::eval(expr, tags.iter().map(|t| t.as_str())) {
                return false;
            }
        }
        if let Some(ids) = &self.requirements {
            if !tags.iter().any(|t| ids.iter().any(|id| id == *t)) {
                return false;
            }
        }
        if let Some(prefix) = &self.requirement_prefix {
            let catalogue = Catalogue::embedded();
            if !tags
                .iter()
                .any(|t| catalogue.is_requirement_tag(t) && t.starts_with(prefix.as_str()))
            {
                return false;
            }
        }
        true
    }
}

/// Everything the reports need about one scenario.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScenarioResult {
    /// The scenario's stable id (its `@sc-...` tag); each example of an outline adds `#n`.
    pub id: String,
    pub feature: String,
    pub feature_path: String,
    pub name: String,
    pub line: usize,
    pub tags: Vec<String>,
    pub requirements: Vec<String>,
    pub level: Option<Level>,
    pub scope: Scope,
    pub verdict: ScenarioVerdict,
    /// For a failure, the party whose behaviour failed it: the one the failed check's
    /// requirement binds, or the one a setup step names; otherwise the party under test.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken_by: Option<crate::harness::target::Party>,
    pub record: ScenarioRecord,
    pub elapsed_ms: u64,
}

impl ScenarioResult {
    /// `path:line`, stable for a given feature file.
    pub fn location(&self) -> String {
        format!("{}:{}", self.feature_path, self.line)
    }
}

pub type OnResult = Arc<dyn Fn(&ScenarioResult) + Send + Sync>;

/// Runs `features` against the target in `ctx`; returns the results in feature/scenario order.
/// Scenarios tagged `@serial` disturb shared state (they move a mock's clock, take a server
/// down), so they run in a second pass, one at a time, after every concurrent one has finished.
pub async fn execute(
    ctx: Arc<RunContext>,
    features: Vec<gherkin::Feature>,
    selection: Selection,
    concurrency: usize,
    on_result: OnResult,
) -> Vec<ScenarioResult> {
    let collected: Arc<Mutex<Vec<ScenarioResult>>> = Arc::default();
    for serial in [false, true] {
        let width = if serial { 1 } else { concurrency.max(1) };
        let selection = selection.clone();
        let filter = move |feature: &gherkin::Feature,
                           _rule: Option<&gherkin::Rule>,
                           scenario: &gherkin::Scenario| {
            let is_serial = feature
                .tags
                .iter()
                .chain(scenario.tags.iter())
                .any(|t| t == "serial");
            is_serial == serial && selection.matches(feature, scenario)
        };
        run_pass(
            &ctx,
            features.clone(),
            width,
            &collected,
            &on_result,
            filter,
        )
        .await;
    }
    let mut results = std::mem::take(&mut *collected.lock().unwrap_or_else(|e| e.into_inner()));
    let order: Vec<(String, usize)> = features
        .iter()
        .flat_map(|f| {
            let path = feature_path(f);
            f.scenarios
                .iter()
                .map(move |s| (path.clone(), s.position.line))
        })
        .collect();
    results.sort_by_key(|r| {
        let at = order
            .iter()
            .position(|(p, l)| *p == r.feature_path && *l == r.line)
            .unwrap_or(usize::MAX);
        (at, r.feature_path.clone(), r.line)
    });
    number_examples(&mut results);
    results
}

/// The examples of a scenario outline share its id tag; each gets `#1`, `#2`, ... in the order
/// of its rows, so that every result has an id of its own.
fn number_examples(results: &mut [ScenarioResult]) {
    let mut seen: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for r in results.iter() {
        *seen.entry(r.id.clone()).or_default() += 1;
    }
    let mut next: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for r in results.iter_mut() {
        if seen.get(&r.id).copied().unwrap_or(0) > 1 {
            let n = next.entry(r.id.clone()).or_default();
            *n += 1;
            r.id = format!("{}#{n}", r.id);
        }
    }
}

fn feature_path(feature: &gherkin::Feature) -> String {
    feature
        .path
        .as_ref()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|| feature.name.clone())
}

async fn finish_scenario(
    feature: &gherkin::Feature,
    scenario: &gherkin::Scenario,
    finished: &ScenarioFinished,
    world: Option<&mut UmaWorld>,
) -> ScenarioResult {
    let catalogue = Catalogue::embedded();
    let mut record = match world {
        Some(world) => {
            steps::cleanup(world).await;
            std::mem::take(&mut world.record)
        }
        None => ScenarioRecord::default(),
    };
    let tags: Vec<String> = feature
        .tags
        .iter()
        .chain(scenario.tags.iter())
        .cloned()
        .collect();
    record.tags = tags.clone();
    complete_steps(&mut record, feature, scenario, finished);
    let requirements = requirement_tags(&tags, catalogue);
    let verdict = judge_scenario(&record, &requirements);
    let broken_by = broken_by(&record, &verdict, &tags, catalogue);
    let elapsed_ms = record.steps.iter().map(|s| s.elapsed_ms).sum();
    ScenarioResult {
        id: scenario_id_tag(&tags)
            .unwrap_or_else(|| format!("{}:{}", feature_path(feature), scenario.position.line)),
        feature: feature.name.clone(),
        feature_path: feature_path(feature),
        name: scenario.name.clone(),
        line: scenario.position.line,
        scope: scope_of(&requirements, catalogue),
        // The catalogue decides the level; the tag only says it for readers (the lint keeps them equal).
        level: strongest_level(&requirements, catalogue).or_else(|| level_tag(&tags)),
        requirements,
        tags,
        verdict,
        broken_by,
        record,
        elapsed_ms,
    }
}

/// Who failed a failed scenario (see [`ScenarioResult::broken_by`]); `None` when it passed or
/// the harness itself is at fault.
fn broken_by(
    record: &ScenarioRecord,
    verdict: &ScenarioVerdict,
    tags: &[String],
    catalogue: &Catalogue,
) -> Option<crate::harness::target::Party> {
    use crate::harness::record::StopKind;
    use crate::harness::target::Party;
    if verdict.verdict != super::verdict::Verdict::Failed {
        return None;
    }
    let under_test = Party::of_tags(tags.iter());
    if let Some(stop) = &record.stop {
        if matches!(stop.kind, StopKind::Harness | StopKind::Undefined) {
            return None;
        }
        if let Some(party) = stop.party {
            return Some(party);
        }
    }
    verdict
        .failed_requirement
        .as_deref()
        .and_then(|id| catalogue.get(id))
        .and_then(|r| Party::of_catalogue(&r.party))
        .or(under_test)
}

/// Adds the steps that never ran, and marks the undefined one; records a stop cucumber saw but
/// the steps could not (a failed before hook, a step no definition matched).
fn complete_steps(
    record: &mut ScenarioRecord,
    feature: &gherkin::Feature,
    scenario: &gherkin::Scenario,
    finished: &ScenarioFinished,
) {
    let all: Vec<&gherkin::Step> = feature
        .background
        .iter()
        .flat_map(|b| b.steps.iter())
        .chain(scenario.steps.iter())
        .collect();
    let ran = record.steps.len();
    for (index, step) in all.iter().enumerate().skip(ran) {
        let undefined = index == ran && matches!(finished, ScenarioFinished::StepSkipped);
        record.steps.push(StepRecord {
            keyword: step.keyword.trim().to_string(),
            text: step.value.clone(),
            line: step.position.line,
            state: if undefined {
                StepState::Undefined
            } else {
                StepState::NotRun
            },
            message: undefined.then(|| "no step definition matches this text".to_string()),
            elapsed_ms: 0,
        });
        if undefined {
            record.stop_once(
                StopKind::Undefined,
                Some(index),
                format!(
                    "no step definition matches {:?}",
                    format!("{} {}", step.keyword.trim(), step.value)
                ),
            );
        }
    }
    match finished {
        ScenarioFinished::BeforeHookFailed(info) => {
            record.stop_once(
                StopKind::Harness,
                None,
                format!(
                    "the before hook failed: {}",
                    crate::harness::steps::adapter::panic_message(info.as_ref())
                ),
            );
        }
        ScenarioFinished::StepFailed(_, _, err) if record.stop.is_none() => {
            let step = record.current_step();
            record.stop_once(
                StopKind::Harness,
                step,
                format!("step failed outside the harness: {err}"),
            );
        }
        _ => {}
    }
}

/// Cucumber's own output is not used: the harness reports from its records.
#[derive(Debug, Clone, Copy)]
pub struct Silent;

impl<W: cucumber::World> cucumber::Writer<W> for Silent {
    type Cli = cucumber::cli::Empty;

    async fn handle_event(
        &mut self,
        _event: parser::Result<event::Event<event::Cucumber<W>>>,
        _cli: &Self::Cli,
    ) {
    }
}

impl writer::NonTransforming for Silent {}

async fn run_pass<F>(
    ctx: &Arc<RunContext>,
    features: Vec<gherkin::Feature>,
    width: usize,
    collected: &Arc<Mutex<Vec<ScenarioResult>>>,
    on_result: &OnResult,
    filter: F,
) where
    F: Fn(&gherkin::Feature, Option<&gherkin::Rule>, &gherkin::Scenario) -> bool + 'static,
{
    let sink = Arc::clone(collected);
    let on_result = Arc::clone(on_result);
    let before_ctx = Arc::clone(ctx);
    let runner = cucumber::runner::Basic::<UmaWorld>::default()
        .steps(steps::collection())
        .max_concurrent_scenarios(Some(width))
        // Our own passes decide what runs alone; cucumber must not reorder by tag.
        .which_scenario(|_, _, _| cucumber::runner::ScenarioType::Concurrent)
        .before(move |feature, _rule, scenario, world: &mut UmaWorld| {
            let ctx = Arc::clone(&before_ctx);
            Box::pin(async move {
                world.ctx = Some(ctx);
                world.record.tags = feature
                    .tags
                    .iter()
                    .chain(scenario.tags.iter())
                    .cloned()
                    .collect();
            })
        })
        .after(move |feature, _rule, scenario, finished, world| {
            let sink = Arc::clone(&sink);
            let on_result = Arc::clone(&on_result);
            Box::pin(async move {
                let result = finish_scenario(feature, scenario, finished, world).await;
                on_result(&result);
                sink.lock().unwrap_or_else(|e| e.into_inner()).push(result);
            })
        });
    let cucumber = cucumber::Cucumber::<UmaWorld, _, _, _, _, cucumber::cli::Empty>::custom(
        Preparsed,
        runner,
        Silent.assert_normalized(),
    )
    .with_default_cli();
    let _ = cucumber.filter_run(features, filter).await;
}
