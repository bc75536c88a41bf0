//! Executable examples for spec readers (`uma-conformance explain ID`): a requirement, the
//! scenarios that prove it, and the HTTP exchange behind its check against the reference mocks,
//! once where it holds and once under a deviation that breaks it.

use std::collections::BTreeMap;
use std::fmt::Write;

use regex::Regex;

use super::execute::{ScenarioResult, Selection};
use super::run::{RunOptions, run};
use crate::harness::record::CheckState;
use crate::harness::wire::Exchange;
use crate::spec::requirements::{Catalogue, Requirement};

/// One side of an example: which scenario and check, and the exchanges behind it.
#[derive(Debug, Clone)]
pub struct Example {
    pub scenario: String,
    pub check: String,
    pub exchanges: Vec<Exchange>,
}

#[derive(Debug, Clone)]
pub struct Explanation {
    pub requirement: Requirement,
    /// `id location name` of each scenario citing the requirement.
    pub scenarios: Vec<String>,
    pub holds: Option<Example>,
    /// The deviation's name, and the example under it.
    pub breaks: Option<(String, Example)>,
}

/// The example of `id` in a run: the first check of it with the given state, and the exchanges
/// that check judged (its step's own, or the latest made before it).
fn example_in(results: &[ScenarioResult], id: &str, state: CheckState) -> Option<Example> {
    results.iter().find_map(|r| {
        let check = r
            .record
            .checks
            .iter()
            .find(|c| c.requirement == id && c.state == state)?;
        let exchanges: Vec<Exchange> = super::report::console::evidence_for(r, check.step)
            .into_iter()
            .cloned()
            .collect();
        let step = r
            .record
            .steps
            .get(check.step)
            .map(|s| format!("{} {}", s.keyword, s.text))
            .unwrap_or_default();
        Some(Example {
            scenario: format!("{} {} — {}", r.id, r.location(), r.name),
            check: format!("{step}\n  => {}", check.detail),
            exchanges,
        })
    })
}

async fn run_selected(
    ids: &[String],
    deviation: Option<&str>,
) -> Result<Vec<ScenarioResult>, String> {
    let options = RunOptions {
        selection: Selection {
            requirements: Some(ids.to_vec()),
            ..Selection::default()
        },
        deviations: deviation.map(|d| vec![d.to_string()]).unwrap_or_default(),
        concurrency: Some(1),
        ..RunOptions::default()
    };
    run(&options)
        .await
        .map(|report| report.results)
        .map_err(|e| e.to_string())
}

/// Every deviation of the reference mocks, AS, RS and client: its name and what it breaks.
pub fn all_deviations() -> Vec<(&'static str, &'static [&'static str])> {
    crate::mock::authorization_server::deviations()
        .iter()
        .map(|d| (d.name, d.breaks))
        .chain(
            crate::mock::resource_server::deviations()
                .iter()
                .map(|d| (d.name, d.breaks)),
        )
        .chain(
            crate::mock::client::deviations()
                .iter()
                .map(|d| (d.name, d.breaks)),
        )
        .collect()
}

fn citing(results: &[ScenarioResult], id: &str) -> Vec<String> {
    results
        .iter()
        .filter(|r| r.requirements.iter().any(|x| x == id))
        .map(|r| format!("{} {} — {}", r.id, r.location(), r.name))
        .collect()
}

/// Explains one requirement: two short runs of the scenarios that cite it.
pub async fn explain(id: &str) -> Result<Explanation, String> {
    let catalogue = Catalogue::embedded();
    let requirement = catalogue
        .get(id)
        .cloned()
        .ok_or_else(|| format!("{id} is not in the requirement catalogue"))?;
    let ids = vec![id.to_string()];
    let faithful = run_selected(&ids, None).await?;
    let mut breaks = None;
    for (name, claimed) in all_deviations() {
        if !claimed.contains(&id) {
            continue;
        }
        let results = run_selected(&ids, Some(name)).await?;
        breaks = example_in(&results, id, CheckState::Failed)
            .or_else(|| example_in(&results, id, CheckState::Warning))
            .map(|e| (name.to_string(), e));
        if breaks.is_some() {
            break;
        }
    }
    Ok(Explanation {
        scenarios: citing(&faithful, id),
        holds: example_in(&faithful, id, CheckState::Passed),
        breaks,
        requirement,
    })
}

/// Explains every requirement a scenario cites, with one faithful run and one run per
/// deviation (of the scenarios citing what it breaks): the examples kept as snapshots.
pub async fn explain_all() -> Result<BTreeMap<String, Explanation>, String> {
    let catalogue = Catalogue::embedded();
    // One scenario at a time: what a scenario sees of the mock (a list of resources, say) must
    // not depend on what others are doing at that moment.
    let options = RunOptions {
        concurrency: Some(1),
        ..RunOptions::default()
    };
    let faithful = run(&options).await.map_err(|e| e.to_string())?.results;
    let mut out: BTreeMap<String, Explanation> = BTreeMap::new();
    for requirement in catalogue.iter() {
        let scenarios = citing(&faithful, &requirement.id);
        if scenarios.is_empty() {
            continue;
        }
        out.insert(
            requirement.id.clone(),
            Explanation {
                requirement: requirement.clone(),
                scenarios,
                holds: example_in(&faithful, &requirement.id, CheckState::Passed),
                breaks: None,
            },
        );
    }
    for (name, claimed) in all_deviations() {
        let wanted: Vec<String> = claimed
            .iter()
            .filter(|id| out.get(**id).is_some_and(|e| e.breaks.is_none()))
            .map(|id| id.to_string())
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let results = run_selected(&wanted, Some(name)).await?;
        for id in &wanted {
            if let Some(example) = example_in(&results, id, CheckState::Failed)
                .or_else(|| example_in(&results, id, CheckState::Warning))
            {
                if let Some(e) = out.get_mut(id) {
                    e.breaks = Some((name.to_string(), example));
                }
            }
        }
    }
    Ok(out)
}

fn render_example(out: &mut String, example: &Example) {
    let _ = writeln!(out, "scenario: {}", example.scenario);
    let _ = writeln!(out, "check:    {}", example.check);
    for exchange in &example.exchanges {
        let _ = writeln!(out, "{}", exchange.to_text().trim_end());
    }
}

/// The explanation as text. `stable` replaces what differs from run to run (ports, ids,
/// tickets' surroundings, times), so that the text can be kept as a snapshot.
pub fn render(e: &Explanation, stable: bool) -> String {
    let r = &e.requirement;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({:?} {}, {}, party {}, HTTP-testable: {})",
        r.id,
        r.document,
        r.section,
        format!("{:?}", r.level).to_uppercase(),
        r.party,
        format!("{:?}", r.testable).to_lowercase()
    );
    let _ = writeln!(out, "{}\n", r.summary);
    let _ = writeln!(out, "Scenarios:");
    for s in &e.scenarios {
        let _ = writeln!(out, "  {s}");
    }
    let _ = writeln!(out, "\n== Where it holds (the reference mock)");
    match &e.holds {
        Some(example) => render_example(&mut out, example),
        None => {
            let _ = writeln!(out, "(no passing check recorded)");
        }
    }
    match &e.breaks {
        Some((name, example)) => {
            let _ = writeln!(out, "\n== Where it breaks (deviation {name})");
            render_example(&mut out, example);
        }
        None => {
            let _ = writeln!(
                out,
                "\n== Where it breaks\n(no deviation of the reference mock breaks it)"
            );
        }
    }
    if stable { normalize(&out) } else { out }
}

/// Replaces the values that change from run to run.
pub fn normalize(text: &str) -> String {
    let rules: [(&str, &str); 11] = [
        (r"after \d+ ms", "after {n} ms"),
        (r"https?://127\.0\.0\.1:\d+", "{issuer}"),
        (r"https?%3A%2F%2F127\.0\.0\.1%3A\d+", "{issuer}"),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:{port}"),
        (r"(?m)^< date: .*\n", ""),
        (r"uma-conformance-[0-9a-f]{16}", "uma-conformance-{marker}"),
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z", "{time}"),
        (r"\b1[6-9]\d{8}\b", "{epoch}"),
        (r"(?m)^([<>]) content-length: \d+", "$1 content-length: {n}"),
        (r"\((\d+) ms\)", "({n} ms)"),
        (r"\b[0-9a-f]{16}\b", "{hex}"),
    ];
    let mut out = text.to_string();
    for (pattern, replacement) in rules {
        let re = Regex::new(pattern).expect("a valid pattern");
        out = re.replace_all(&out, replacement).into_owned();
    }
    // Random handles (ids, tickets, CSRF values) are base64url runs with capitals, or of 22 or 43
    // characters (16 or 32 random bytes) with several digits; words, header names, file names and
    // deviation names are neither.
    let random = Regex::new(r"[A-Za-z0-9_-]{20,}").expect("a valid pattern");
    random
        .replace_all(&out, |c: &regex::Captures<'_>| {
            let word = &c[0];
            let handle_length = word.len() == 22 || word.len() == 43;
            let digits = word.chars().filter(char::is_ascii_digit).count();
            if (handle_length && digits >= 3) || word.chars().any(|ch| ch.is_ascii_uppercase()) {
                "{random}".to_string()
            } else {
                word.to_string()
            }
        })
        .into_owned()
}
