//! One conformance run, end to end: resolve the target (a file, or the built-in mocks), check it
//! is reachable, run the selected scenarios, judge, redact, and write the reports.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::config;
use super::execute::{self, OnResult, ScenarioResult, Selection};
use super::expected;
use super::features;
use super::legs::{self, Deviations, Source};
use super::redaction;
use super::report::{console, cucumber_json, html, junit, markdown, results_json};
use super::summary::{Summary, summarize};
use crate::harness::context::{DiscoverySnapshot, RunContext};
use crate::harness::roles::discovery;
use crate::harness::target::Party;
use crate::harness::wire::{HttpDriver, Secrets};
use crate::spec::requirements::Catalogue;
use crate::spec::schemas::SchemaSet;

#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// A target file; `None` runs against the built-in mocks.
    pub config: Option<PathBuf>,
    pub selection: Selection,
    pub features_dir: Option<PathBuf>,
    pub schemas_dir: Option<PathBuf>,
    pub fixtures_dir: Option<PathBuf>,
    /// Where reports go; `None` writes none.
    pub reports_dir: Option<PathBuf>,
    pub reveal_secrets: bool,
    pub concurrency: Option<usize>,
    /// Deviations for the built-in mock (refused with a target file).
    pub deviations: Vec<String>,
    /// Print one line per scenario as it finishes.
    pub progress: bool,
    /// Serve the built-in mocks over plain http (the TLS checks then only warn).
    pub plain_http: bool,
    /// Run `@slow` scenarios, which wait out token lifetimes in real time against a target
    /// without a control API.
    pub slow: bool,
    /// A file of known failures; it replaces the one the target file names.
    pub expected_failures: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Unreachable(String),
}

impl RunError {
    pub fn exit_code(&self) -> i32 {
        2
    }
}

pub struct RunReport {
    pub profile: String,
    pub results: Vec<ScenarioResult>,
    pub summary: Summary,
    pub target: String,
    pub reports_written: Vec<PathBuf>,
    /// What the run redacted (for tests; never written anywhere).
    pub secrets: Secrets,
}

pub const DEFAULT_CONCURRENCY: usize = 8;

pub async fn run(options: &RunOptions) -> Result<RunReport, RunError> {
    let started_at = crate::harness::wire::driver::now_rfc3339();
    let sources = match &options.features_dir {
        Some(dir) => features::sources_from_dir(dir).map_err(|e| RunError::Usage(e.to_string()))?,
        None => features::embedded_sources(),
    };
    let parsed = features::parse(&sources).map_err(|e| RunError::Usage(e.to_string()))?;
    let schemas = match &options.schemas_dir {
        Some(dir) => SchemaSet::from_dir(dir),
        None => SchemaSet::embedded(),
    }
    .map_err(|e| RunError::Usage(e.to_string()))?;

    let plan;
    let deviations;
    let source = match &options.config {
        Some(path) => {
            if options.plain_http || options.fixtures_dir.is_some() {
                return Err(RunError::Usage(
                    "--http and --fixtures apply to the built-in mocks only, not to a --config target".into(),
                ));
            }
            if !options.deviations.is_empty() {
                return Err(RunError::Usage(
                    "--deviate applies to the built-in mocks only, not to a --config target".into(),
                ));
            }
            plan = config::load(path).map_err(|e| RunError::Usage(e.to_string()))?;
            Source::File(&plan)
        }
        None => {
            deviations = Deviations::route(&options.deviations).map_err(RunError::Usage)?;
            Source::Builtin {
                fixtures_dir: options.fixtures_dir.as_deref(),
                deviations: &deviations,
                plain_http: options.plain_http,
            }
        }
    };
    let expected_failures = match (&options.expected_failures, &source) {
        (Some(path), _) => expected::load(path, Catalogue::embedded()).map_err(RunError::Usage)?,
        (None, Source::File(plan)) => plan.expected_failures.clone(),
        (None, Source::Builtin { .. }) => Vec::new(),
    };
    let schemas = Arc::new(schemas);
    let secrets = Secrets::new(options.reveal_secrets);
    let legs_to_run: Vec<Party> = legs::parties(&source)
        .into_iter()
        .filter(|party| selects_any(&parsed, &options.selection, *party))
        .collect();
    let total: usize = legs_to_run
        .iter()
        .map(|party| selected(&parsed, &options.selection, *party))
        .sum();
    let on_result = progress(options, total, &secrets);
    let mut raw = Vec::new();
    let mut descriptions = Vec::new();
    let mut profile = None;
    for party in legs_to_run {
        let mut leg = legs::start(party, &source).await.map_err(RunError::Usage)?;
        leg.loaded.target.allow_slow = options.slow;
        let outcome = run_leg(
            options,
            &leg,
            &secrets,
            Arc::clone(&schemas),
            parsed.clone(),
            Arc::clone(&on_result),
        )
        .await;
        descriptions.push(leg.description.clone());
        profile.get_or_insert_with(|| leg.loaded.target.profile.name.clone());
        leg.stop().await;
        raw.extend(outcome?);
    }
    let target = descriptions.join("; ");
    let profile = profile.unwrap_or_else(|| "none".into());
    let mut results: Vec<ScenarioResult> =
        raw.iter().map(|r| redaction::redact(r, &secrets)).collect();
    let stale = expected::apply(&expected_failures, &mut results);
    let mut summary = summarize(&results, Catalogue::embedded());
    summary.stale_expected_failures = stale;
    let meta = results_json::RunMetadata {
        target: target.clone(),
        profile: profile.clone(),
        started_at: started_at.to_string(),
        finished_at: crate::harness::wire::driver::now_rfc3339(),
    };
    let reports_written = match &options.reports_dir {
        Some(dir) => write_reports(dir, &meta, &summary, &results)?,
        None => Vec::new(),
    };
    Ok(RunReport {
        profile,
        results,
        summary,
        target,
        reports_written,
        secrets,
    })
}

fn selected(features: &[gherkin::Feature], selection: &Selection, party: Party) -> usize {
    if selection.party.is_some_and(|wanted| wanted != party) {
        return 0;
    }
    let selection = Selection {
        party: Some(party),
        ..selection.clone()
    };
    features
        .iter()
        .flat_map(|f| f.scenarios.iter().map(move |s| (f, s)))
        .filter(|(f, s)| selection.matches(f, s))
        .count()
}

/// A leg whose party no selected scenario tests is not started at all.
fn selects_any(features: &[gherkin::Feature], selection: &Selection, party: Party) -> bool {
    selected(features, selection, party) > 0
}

/// Progress is for people watching a terminal; a CI log gets the summary alone.
fn progress(options: &RunOptions, total: usize, secrets: &Secrets) -> OnResult {
    if !(options.progress && std::io::stdout().is_terminal()) {
        return Arc::new(|_: &ScenarioResult| {});
    }
    let secrets = secrets.clone();
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    Arc::new(move |result: &ScenarioResult| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let line = console::scenario_line(&redaction::redact(result, &secrets));
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "[{n:>3}/{total}] {line}");
    })
}

/// Runs the scenarios of one leg's party against it.
async fn run_leg(
    options: &RunOptions,
    leg: &legs::Leg,
    secrets: &Secrets,
    schemas: Arc<SchemaSet>,
    features: Vec<gherkin::Feature>,
    on_result: OnResult,
) -> Result<Vec<ScenarioResult>, RunError> {
    let loaded = &leg.loaded;
    let driver =
        HttpDriver::new(loaded.driver.clone(), secrets.clone()).map_err(RunError::Usage)?;
    let issuer = loaded.target.authorization_server.issuer.clone();
    let discovery = probe(&driver, &issuer).await?;
    // A client run is a process with its own state folder; one at a time keeps what the
    // harness's servers record attributable to it.
    let concurrency = match leg.party {
        Party::Client => 1,
        _ => options
            .concurrency
            .or(loaded.concurrency)
            .unwrap_or(DEFAULT_CONCURRENCY),
    };
    let ctx = Arc::new(RunContext::new(
        loaded.target.clone(),
        driver,
        schemas,
        discovery,
    ));
    let selection = Selection {
        party: Some(leg.party),
        ..options.selection.clone()
    };
    Ok(execute::execute(ctx, features, selection, concurrency, on_result).await)
}

/// Fetches the discovery document once; a target that cannot serve it ends the run (exit 2).
async fn probe(driver: &HttpDriver, issuer: &str) -> Result<DiscoverySnapshot, RunError> {
    let url = discovery::well_known_url(issuer);
    let (exchange, answer) = driver.send(discovery::request(issuer)).await;
    let response = answer.map_err(|e| {
        RunError::Unreachable(format!(
            "the authorization server is unreachable: {url}: {e}"
        ))
    })?;
    if !(200..300).contains(&response.status) {
        return Err(RunError::Unreachable(format!(
            "the authorization server's discovery document could not be fetched: {url} answered {}",
            response.status
        )));
    }
    // Lenient on purpose: the discovery scenarios judge the document; the others only need its
    // endpoints, so a wrong content type must not hide every other verdict.
    let document = serde_json::from_slice(&response.body).unwrap_or(serde_json::Value::Null);
    Ok(DiscoverySnapshot { document, exchange })
}

fn write_reports(
    dir: &Path,
    meta: &results_json::RunMetadata,
    summary: &Summary,
    results: &[ScenarioResult],
) -> Result<Vec<PathBuf>, RunError> {
    let io = |path: &Path, e: std::io::Error| {
        RunError::Usage(format!("cannot write {}: {e}", path.display()))
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let junit_xml = junit::render(results).map_err(RunError::Usage)?;
    let files = [
        ("junit.xml", junit_xml),
        ("cucumber.json", pretty(&cucumber_json::render(results))),
        ("summary.md", markdown::render(meta, summary, results)),
        (
            "results.json",
            pretty(&results_json::render(meta, summary, results)),
        ),
        (
            "index.html",
            html::render(meta, summary, results, Catalogue::embedded()),
        ),
    ];
    let mut written = Vec::new();
    for (name, content) in files {
        let path = dir.join(name);
        std::fs::write(&path, content).map_err(|e| io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Writes the closing summary for a finished run.
pub fn print_summary(out: &mut dyn Write, report: &RunReport) -> std::io::Result<()> {
    let reports = if report.reports_written.is_empty() {
        "none written".to_string()
    } else {
        report
            .reports_written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    console::write_summary(
        out,
        &report.profile,
        &report.results,
        &report.summary,
        &reports,
    )
}
