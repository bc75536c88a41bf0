//! Known failures a target declares (issue 6): a failure listed with its reason is reported as
//! expected rather than failed, and a listed failure that no longer happens is reported as stale,
//! so that the list cannot rot. Entries name a scenario by its stable id (`sc-...`) or a
//! requirement id; the file is TOML:
//!
//! ```toml
//! [[failure]]
//! requirement = "FED-3.2.1-c"
//! reason = "the resource id comes back as resourceId"
//!
//! [[failure]]
//! scenario = "sc-grant-3.3.6-03"
//! reason = "access_denied instead of request_denied"
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::execute::ScenarioResult;
use super::verdict::Verdict;
use crate::spec::requirements::Catalogue;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedFile {
    #[serde(default)]
    failure: Vec<Entry>,
}

/// One declared failure.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    pub reason: String,
}

impl Entry {
    /// What the entry names, for messages.
    pub fn subject(&self) -> String {
        match (&self.scenario, &self.requirement) {
            (Some(s), _) => format!("scenario {s}"),
            (None, Some(r)) => format!("requirement {r}"),
            (None, None) => "nothing".into(),
        }
    }

    /// Whether this entry excuses the failure of `result`: its scenario (an outline's examples
    /// included), or the requirement whose check failed (for a warning: any check of it that
    /// was not met).
    fn covers(&self, result: &ScenarioResult) -> bool {
        if self.scenario.is_some() {
            return self.names(result);
        }
        let Some(wanted) = &self.requirement else {
            return false;
        };
        if result.verdict.failed_requirement.as_ref() == Some(wanted) {
            return true;
        }
        result.verdict.verdict == Verdict::Warning
            && result.record.checks.iter().any(|c| {
                c.requirement == *wanted && c.state == crate::harness::record::CheckState::Warning
            })
    }

    /// Whether `result` is a scenario this entry speaks about.
    fn names(&self, result: &ScenarioResult) -> bool {
        if let Some(id) = &self.scenario {
            let base = result.id.split('#').next().unwrap_or_default();
            return result.id == *id || base == id;
        }
        self.requirement
            .as_ref()
            .is_some_and(|r| result.requirements.contains(r))
    }
}

/// Reads and checks an expected-failures file.
pub fn load(path: &Path, catalogue: &Catalogue) -> Result<Vec<Entry>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(&text, catalogue).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn parse(text: &str, catalogue: &Catalogue) -> Result<Vec<Entry>, String> {
    let file: ExpectedFile = toml::from_str(text).map_err(|e| e.to_string())?;
    for entry in &file.failure {
        match (&entry.scenario, &entry.requirement) {
            (Some(_), Some(_)) | (None, None) => {
                return Err(format!(
                    "each [[failure]] names either a scenario or a requirement: {entry:?}"
                ));
            }
            (Some(s), None) if !s.starts_with(super::verdict::SCENARIO_ID_PREFIX) => {
                return Err(format!("{s:?} is not a scenario id (sc-...)"));
            }
            (None, Some(r)) if catalogue.get(r).is_none() => {
                return Err(format!("{r:?} is not in the requirement catalogue"));
            }
            _ => {}
        }
        if entry.reason.trim().is_empty() {
            return Err(format!("{} has no reason", entry.subject()));
        }
    }
    Ok(file.failure)
}

/// Turns the failures (and SHOULD warnings) the entries cover into expected failures; returns
/// the stale entries: those that excused nothing although a scenario they name ran to a verdict.
/// An entry whose scenarios were not selected or were skipped is left alone: nothing was seen.
/// Suite defects are never excused.
pub fn apply(entries: &[Entry], results: &mut [ScenarioResult]) -> Vec<Entry> {
    let mut used = vec![false; entries.len()];
    let mut exercised = vec![false; entries.len()];
    for result in results.iter_mut() {
        if result.verdict.verdict != Verdict::Skipped {
            for (i, entry) in entries.iter().enumerate() {
                if entry.names(result) {
                    exercised[i] = true;
                }
            }
        }
        let failing = match result.verdict.verdict {
            Verdict::Failed => result.verdict.failed_requirement.is_some(),
            Verdict::Warning => true,
            _ => false,
        };
        if !failing {
            continue;
        }
        if let Some(i) = entries.iter().position(|e| e.covers(result)) {
            used[i] = true;
            let was = result.verdict.reason.clone().unwrap_or_default();
            result.verdict.verdict = Verdict::ExpectedFailure;
            result.verdict.reason = Some(format!("expected: {} (it {was})", entries[i].reason));
        }
    }
    entries
        .iter()
        .enumerate()
        .filter(|(i, _)| exercised[*i] && !used[*i])
        .map(|(_, e)| e.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_name_one_thing_with_a_reason() {
        let catalogue = Catalogue::embedded();
        let ok = parse(
            "[[failure]]\nrequirement = \"FED-3.2.1-a\"\nreason = \"r\"\n[[failure]]\nscenario = \"sc-fed-3.2-01\"\nreason = \"r\"\n",
            catalogue,
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        for bad in [
            "[[failure]]\nreason = \"r\"\n",
            "[[failure]]\nrequirement = \"FED-3.2.1-a\"\nscenario = \"sc-x\"\nreason = \"r\"\n",
            "[[failure]]\nrequirement = \"NOPE-1\"\nreason = \"r\"\n",
            "[[failure]]\nscenario = \"fed/3.2:12\"\nreason = \"r\"\n",
            "[[failure]]\nrequirement = \"FED-3.2.1-a\"\nreason = \" \"\n",
            "[[failure]]\nrequirement = \"FED-3.2.1-a\"\nreason = \"r\"\ntypo = 1\n",
        ] {
            assert!(parse(bad, catalogue).is_err(), "{bad}");
        }
    }
}
