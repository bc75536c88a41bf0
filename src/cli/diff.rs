//! `uma-conformance diff OLD.json NEW.json`: which requirements and scenarios changed verdict
//! between two runs' results files, so a CI job can tell a regression from a fix.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde_json::Value;

/// Verdicts by key (requirement id or scenario id) from one results file.
#[derive(Debug, Default)]
pub struct RunVerdicts {
    pub requirements: BTreeMap<String, String>,
    pub scenarios: BTreeMap<String, String>,
}

pub fn read(path: &Path) -> Result<RunVerdicts, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
    let mut verdicts = RunVerdicts::default();
    let requirements = doc
        .pointer("/summary/requirements")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            format!(
                "{} is not a results file (no summary.requirements)",
                path.display()
            )
        })?;
    for r in requirements {
        if let (Some(id), Some(v)) = (r["id"].as_str(), r["verdict"].as_str()) {
            verdicts.requirements.insert(id.to_string(), v.to_string());
        }
    }
    for s in doc["scenarios"].as_array().into_iter().flatten() {
        // Older files have no scenario id; their location stands in.
        let id = s["id"].as_str().map(str::to_string).unwrap_or_else(|| {
            format!(
                "{}:{}",
                s["feature_path"].as_str().unwrap_or("?"),
                s["line"]
            )
        });
        if let Some(v) = s.pointer("/verdict/verdict").and_then(Value::as_str) {
            verdicts.scenarios.insert(id, v.to_string());
        }
    }
    Ok(verdicts)
}

/// How bad a verdict is, for telling a regression from a fix.
fn badness(verdict: &str) -> u8 {
    match verdict {
        "passed" => 0,
        "skipped" => 1,
        "warning" => 2,
        "expected_failure" => 3,
        "failed" => 4,
        _ => 1,
    }
}

/// One changed verdict: key, before (None: absent), after (None: absent).
pub type Change = (String, Option<String>, Option<String>);

pub fn changes(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Vec<Change> {
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| ((*k).clone(), old.get(k).cloned(), new.get(k).cloned()))
        .collect()
}

/// Worse: a verdict that got worse, or one that passed and is now missing (a run that broke
/// off or lost scenarios must not compare clean).
fn is_regression((_, before, after): &Change) -> bool {
    match (before, after) {
        (Some(b), Some(a)) => badness(a) > badness(b),
        (Some(b), None) => badness(b) == 0,
        _ => false,
    }
}

fn show(verdict: &Option<String>) -> &str {
    verdict.as_deref().unwrap_or("(absent)")
}

/// Prints the changes; the exit code is 1 when some verdict got worse, else 0.
pub fn report(old: &RunVerdicts, new: &RunVerdicts, out: &mut impl Write) -> std::io::Result<i32> {
    let requirement_changes = changes(&old.requirements, &new.requirements);
    let scenario_changes = changes(&old.scenarios, &new.scenarios);
    for (title, list) in [
        ("requirements", &requirement_changes),
        ("scenarios", &scenario_changes),
    ] {
        writeln!(out, "{title}: {} changed", list.len())?;
        for change in list.iter() {
            let mark = if is_regression(change) {
                "worse"
            } else {
                "     "
            };
            writeln!(
                out,
                "  {mark} {}: {} -> {}",
                change.0,
                show(&change.1),
                show(&change.2)
            )?;
        }
    }
    let worse = requirement_changes
        .iter()
        .chain(&scenario_changes)
        .filter(|c| is_regression(c))
        .count();
    writeln!(out, "diff: {worse} verdict(s) got worse")?;
    Ok(i32::from(worse > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn regressions_are_told_apart_from_fixes() {
        let old = RunVerdicts {
            requirements: map(&[("A", "passed"), ("B", "failed"), ("C", "passed")]),
            scenarios: map(&[("sc-1", "passed")]),
        };
        let new = RunVerdicts {
            requirements: map(&[("A", "failed"), ("B", "passed"), ("D", "passed")]),
            scenarios: map(&[("sc-1", "passed")]),
        };
        let mut out = Vec::new();
        let code = report(&old, &new, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(code, 1);
        assert!(text.contains("worse A: passed -> failed"), "{text}");
        assert!(text.contains("B: failed -> passed"), "{text}");
        assert!(text.contains("worse C: passed -> (absent)"), "{text}");
        assert!(text.contains("scenarios: 0 changed"), "{text}");
        let mut out = Vec::new();
        assert_eq!(report(&new, &new, &mut out).unwrap(), 0);
    }
}
