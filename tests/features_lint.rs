//! The feature files keep their promises: every scenario states its level and party, its level
//! is the strongest of the requirements it proves, every requirement it claims is checked by a
//! step, and every cited id is one it claims.

use std::collections::BTreeSet;

use regex::Regex;
use uma_conformance::runner::features::{embedded_sources, parse};
use uma_conformance::spec::requirements::{Catalogue, Level};

const KNOWN_TAGS: &[&str] = &[
    "must", "should", "may", "as", "rs", "client", "rfc", "serial", "slow",
];

#[test]
fn every_scenario_keeps_its_promises() {
    let catalogue = Catalogue::embedded();
    let features = parse(&embedded_sources()).expect("features parse");
    let citation = Regex::new(r"^\[([^\]]+)\] ").unwrap();
    let mut problems = Vec::new();
    let mut scenarios = 0;
    let mut scenario_ids: std::collections::BTreeMap<String, (String, String)> =
        std::collections::BTreeMap::new();
    for feature in &features {
        let path = feature.path.as_ref().unwrap().display().to_string();
        let background: Vec<&gherkin::Step> = feature
            .background
            .iter()
            .flat_map(|b| b.steps.iter())
            .collect();
        for scenario in &feature.scenarios {
            scenarios += 1;
            let at = format!("{path}:{}", scenario.position.line);
            let tags: Vec<&String> = feature.tags.iter().chain(scenario.tags.iter()).collect();
            let ids: BTreeSet<&str> = tags
                .iter()
                .filter(|t| catalogue.is_requirement_tag(t))
                .map(|t| t.as_str())
                .collect();
            let doc = match path.split('/').rev().nth(1) {
                Some("fedauthz") => "fed",
                other => other.unwrap_or_default(),
            };
            let section = path
                .rsplit('/')
                .next()
                .and_then(|f| f.split('-').next())
                .unwrap_or_default();
            let own_prefix = format!("sc-{doc}-{section}-");
            let id_tags: Vec<&&String> = tags.iter().filter(|t| t.starts_with("sc-")).collect();
            match id_tags.as_slice() {
                [one] => {
                    let number = one.strip_prefix(own_prefix.as_str());
                    if !number
                        .is_some_and(|n| n.len() == 2 && n.chars().all(|c| c.is_ascii_digit()))
                    {
                        problems.push(format!("{at}: id tag @{one} should be @{own_prefix}NN"));
                    }
                    // The examples of an outline share their outline's tag.
                    let owner = if scenario.keyword.contains("Outline") {
                        (path.clone(), "outline".to_string())
                    } else {
                        (path.clone(), format!("line {}", scenario.position.line))
                    };
                    match scenario_ids.get(one.as_str()) {
                        Some(first) if *first != owner => {
                            problems.push(format!("{at}: id tag @{one} is used twice"));
                        }
                        Some(_) => {}
                        None => {
                            scenario_ids.insert(one.to_string(), owner);
                        }
                    }
                }
                _ => problems.push(format!(
                    "{at}: needs exactly one @sc-... id tag, has {id_tags:?}"
                )),
            }
            for tag in &tags {
                if tag.starts_with("sc-") {
                    continue;
                }
                if !catalogue.is_requirement_tag(tag) && !KNOWN_TAGS.contains(&tag.as_str()) {
                    problems.push(format!("{at}: unknown tag @{tag}"));
                }
            }
            if ids.is_empty() {
                problems.push(format!("{at}: no requirement id tag"));
            }
            let levels: Vec<Level> = tags.iter().filter_map(|t| Level::from_tag(t)).collect();
            let strongest = ids
                .iter()
                .filter_map(|id| catalogue.get(id))
                .map(|r| r.level)
                .min();
            if levels.len() != 1 || Some(levels[0]) != strongest {
                problems.push(format!(
                    "{at}: level tags {levels:?}, but the strongest cited level is {strongest:?}"
                ));
            }
            if !tags
                .iter()
                .any(|t| ["as", "rs", "client"].contains(&t.as_str()))
            {
                problems.push(format!("{at}: no party tag (@as, @rs, @client)"));
            }
            let rfc_only = ids
                .iter()
                .all(|id| catalogue.get(id).is_some_and(|r| !r.document.is_uma()));
            if rfc_only != tags.iter().any(|t| t.as_str() == "rfc") {
                problems.push(format!(
                    "{at}: @rfc must mark exactly the scenarios that prove RFC checks only"
                ));
            }
            let mut cited = BTreeSet::new();
            for step in background.iter().copied().chain(scenario.steps.iter()) {
                if let Some(c) = citation.captures(&step.value) {
                    for id in c[1].split(", ") {
                        if !ids.contains(id) {
                            problems.push(format!(
                                "{at}: step cites {id}, which the scenario is not tagged with"
                            ));
                        }
                        cited.insert(id.to_string());
                    }
                }
            }
            for id in &ids {
                if !cited.contains(*id) {
                    problems.push(format!("{at}: tagged @{id} but no step cites it"));
                }
            }
        }
    }
    assert!(scenarios > 0);
    assert!(
        problems.is_empty(),
        "feature problems:\n{}",
        problems.join("\n")
    );
}
