//! `uma-conformance requirements`: the catalogue with the scenarios citing each id, marking the
//! uncovered ones.

use std::collections::BTreeMap;
use std::io::Write;

use crate::runner::features::{FeatureSource, parse};
use crate::spec::requirements::{Catalogue, Testability};

/// Scenario locations citing each requirement id.
pub fn coverage(
    sources: &[FeatureSource],
    catalogue: &Catalogue,
) -> Result<BTreeMap<String, Vec<String>>, String> {
    let features = parse(sources).map_err(|e| e.to_string())?;
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for feature in &features {
        let path = feature
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        for scenario in &feature.scenarios {
            for tag in feature.tags.iter().chain(scenario.tags.iter()) {
                if catalogue.is_requirement_tag(tag) {
                    let entry = map.entry(tag.clone()).or_default();
                    let location = format!("{path}:{}", scenario.position.line);
                    if !entry.contains(&location) {
                        entry.push(location);
                    }
                }
            }
        }
    }
    Ok(map)
}

pub fn print(
    out: &mut dyn Write,
    sources: &[FeatureSource],
    uncovered_only: bool,
    prefix: Option<&str>,
) -> Result<(), String> {
    let catalogue = Catalogue::embedded();
    let coverage = coverage(sources, catalogue)?;
    let mut shown = 0;
    let mut uncovered = 0;
    for r in catalogue.iter() {
        if prefix.is_some_and(|p| !r.id.starts_with(p)) {
            continue;
        }
        let scenarios = coverage.get(&r.id);
        let freedom = crate::spec::freedoms::reason(&r.id).filter(|_| scenarios.is_none());
        let gap = scenarios.is_none() && freedom.is_none();
        if gap {
            uncovered += 1;
        }
        if uncovered_only && !gap {
            continue;
        }
        shown += 1;
        let testable = match r.testable {
            Testability::Yes => "yes",
            Testability::Partly => "partly",
            Testability::No => "no",
        };
        let mark = match (scenarios, freedom) {
            (Some(_), _) => "covered",
            (None, Some(_)) => "freedom",
            (None, None) => "UNCOVERED",
        };
        let _ = writeln!(
            out,
            "{:<16} {:<6} {:<9} testable:{:<6} {:<9} {}",
            r.id,
            r.level.as_str(),
            r.party,
            testable,
            mark,
            r.summary
        );
        for s in scenarios.into_iter().flatten() {
            let _ = writeln!(out, "{:<16} └ {s}", "");
        }
        if let Some(why) = freedom {
            let _ = writeln!(out, "{:<16} └ no scenario can fail: {why}", "");
        }
    }
    let _ = writeln!(
        out,
        "{shown} requirement(s) shown, {uncovered} without a scenario (freedoms, which no behaviour can break, not counted)"
    );
    Ok(())
}
