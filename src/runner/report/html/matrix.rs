//! The traceability matrix: one row per catalogue requirement, in spec order.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::escape::{esc, token};
use super::{ScenarioRef, party_tokens, spec_url};
use crate::runner::summary::Summary;
use crate::spec::requirements::{Catalogue, Testability};

/// The filter token of a verdict label (`expected failure` becomes `expected-failure`).
pub fn verdict_token(label: &str) -> &'static str {
    match label {
        "passed" => "passed",
        "warning" => "warning",
        "skipped" => "skipped",
        "expected failure" => "expected-failure",
        "failed" => "failed",
        "not covered" => "not-covered",
        _ => "not-testable",
    }
}

pub fn render(
    out: &mut String,
    catalogue: &Catalogue,
    summary: &Summary,
    scenarios: &HashMap<String, ScenarioRef>,
) {
    let verdicts: HashMap<&str, &crate::runner::summary::RequirementVerdict> = summary
        .requirements
        .iter()
        .map(|r| (r.id.as_str(), r))
        .collect();
    out.push_str(
        "<section id=\"matrix\"><h2>Traceability matrix</h2>\
         <p class=\"note\">Every requirement of the catalogue in spec order; a requirement's verdict is the worst of its scenarios'.</p>\
         <table><thead><tr><th>Requirement</th><th>Level</th><th>Party</th><th>Summary</th>\
         <th>Verdict</th><th>Scenarios</th></tr></thead><tbody>\n",
    );
    for requirement in catalogue.iter() {
        let (vtoken, vlabel) = match verdicts.get(requirement.id.as_str()) {
            Some(r) => {
                let label = r.verdict.as_str();
                (verdict_token(label), label)
            }
            None if requirement.testable == Testability::No => {
                ("not-testable", "not HTTP-testable")
            }
            None => ("not-covered", "not covered"),
        };
        let id = esc(&requirement.id);
        let _ = write!(
            out,
            "<tr id=\"req-{id}\" data-party=\"{party}\" data-level=\"{level}\" data-verdict=\"{vtoken}\">\
             <td class=\"id\"><a href=\"{url}\" title=\"{doc} section {section}\">{id}</a></td>\
             <td>{level_label}</td><td>{party_label}</td><td>{summary}</td>\
             <td><span class=\"v v-{vtoken}\">{vlabel}</span></td><td>",
            party = esc(&party_tokens(&requirement.party).join(" ")),
            level = token(requirement.level.as_str()),
            url = esc(&spec_url(requirement.document, &requirement.section)),
            doc = esc(requirement.document.as_str()),
            section = esc(&requirement.section),
            level_label = requirement.level.as_str(),
            party_label = esc(&requirement.party),
            summary = esc(&requirement.summary),
        );
        if let Some(r) = verdicts.get(requirement.id.as_str()) {
            for (i, location) in r.scenarios.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match scenarios.get(location) {
                    Some(s) => {
                        let _ = write!(
                            out,
                            "<a href=\"#{anchor}\" title=\"{name}\">{loc}</a>",
                            anchor = s.anchor,
                            name = esc(&s.name),
                            loc = esc(location),
                        );
                    }
                    None => out.push_str(&esc(location)),
                }
            }
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody></table></section>\n");
}
