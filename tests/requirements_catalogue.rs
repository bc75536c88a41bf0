//! The embedded requirement catalogue (`spec/requirements.tsv`) against the shared catalogue
//! (`../shared/spec/requirements.tsv`): same ids in the same order, same level, party and
//! testability, plus the RFC checks the harness adds.

use std::path::PathBuf;
use uma_conformance::spec::requirements::{Catalogue, Document, Level, Testability};

fn shared_catalogue() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/requirements.tsv");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            println!(
                "note: {} not readable ({e}); skipping the comparison with the shared catalogue",
                path.display()
            );
            None
        }
    }
}

/// One row of the shared catalogue: id, doc, section, keyword, level, party, http_testable.
struct SharedRow {
    id: String,
    doc: String,
    section: String,
    level: String,
    party: String,
    testable: String,
}

fn shared_rows(text: &str) -> Vec<SharedRow> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("shared catalogue has no {name:?} column"))
    };
    let (id, doc, section, level, party, testable) = (
        col("id"),
        col("doc"),
        col("section"),
        col("level"),
        col("party"),
        col("http_testable"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            SharedRow {
                id: cols[id].to_string(),
                doc: cols[doc].to_string(),
                section: cols[section].to_string(),
                level: cols[level].to_string(),
                party: cols[party].to_string(),
                testable: cols[testable].to_string(),
            }
        })
        .collect()
}

#[test]
fn embedded_catalogue_parses() {
    let catalogue = Catalogue::embedded();
    assert!(catalogue.len() >= 235, "only {} rows", catalogue.len());
    for requirement in catalogue.iter() {
        let summary = requirement.summary.trim();
        assert!(!summary.is_empty(), "{} has no summary", requirement.id);
        assert!(
            summary.chars().count() <= 160,
            "{} summary is too long",
            requirement.id
        );
        assert!(
            !requirement.party.is_empty(),
            "{} has no party",
            requirement.id
        );
    }
}

#[test]
fn embedded_catalogue_matches_the_shared_one() {
    let Some(text) = shared_catalogue() else {
        return;
    };
    let shared = shared_rows(&text);
    assert!(!shared.is_empty(), "the shared catalogue has no rows");
    let catalogue = Catalogue::embedded();
    let mut mismatches = Vec::new();
    for row in &shared {
        let Some(ours) = catalogue.get(&row.id) else {
            mismatches.push(format!("{}: missing", row.id));
            continue;
        };
        if ours.document.as_str() != row.doc {
            mismatches.push(format!(
                "{}: document {} vs {}",
                row.id,
                ours.document.as_str(),
                row.doc
            ));
        }
        if ours.section != row.section {
            mismatches.push(format!(
                "{}: section {} vs {}",
                row.id, ours.section, row.section
            ));
        }
        if ours.level.as_str() != row.level {
            mismatches.push(format!("{}: level {} vs {}", row.id, ours.level, row.level));
        }
        if ours.party != row.party {
            mismatches.push(format!("{}: party {} vs {}", row.id, ours.party, row.party));
        }
        let testable: Testability = row.testable.parse().expect("shared testability");
        if ours.testable != testable {
            mismatches.push(format!(
                "{}: testable {:?} vs {}",
                row.id, ours.testable, row.testable
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "mismatches:\n{}",
        mismatches.join("\n")
    );

    // Same order as the shared file, and every UMA id we hold comes from it.
    let uma_ids: Vec<&str> = catalogue
        .iter()
        .filter(|r| r.document.is_uma())
        .map(|r| r.id.as_str())
        .collect();
    let shared_ids: Vec<&str> = shared.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(uma_ids, shared_ids);
}

#[test]
fn rfc_checks_are_catalogued() {
    let catalogue = Catalogue::embedded();
    for (id, document, section) in [
        ("RFC8414-2", Document::Rfc8414, "2"),
        ("RFC6750-3", Document::Rfc6750, "3"),
        ("RFC6750-3.1", Document::Rfc6750, "3.1"),
        ("RFC7662-2.2", Document::Rfc7662, "2.2"),
    ] {
        let requirement = catalogue
            .get(id)
            .unwrap_or_else(|| panic!("{id} is not catalogued"));
        assert_eq!(requirement.document, document, "{id}");
        assert!(!requirement.document.is_uma(), "{id}");
        assert_eq!(requirement.section, section, "{id}");
        assert_eq!(requirement.level, Level::Must, "{id}");
        assert_eq!(requirement.party, "AS", "{id}");
        assert_eq!(requirement.testable, Testability::Yes, "{id}");
    }
}

#[test]
fn ids_follow_the_naming_scheme() {
    let pattern =
        regex::Regex::new(r"^(GRANT|FED)-\d+(\.\d+)*-([a-z]|i\d+)$|^RFC\d+-\d+(\.\d+)*(-[a-z])?$")
            .unwrap();
    for requirement in Catalogue::embedded().iter() {
        assert!(
            pattern.is_match(&requirement.id),
            "unexpected id {}",
            requirement.id
        );
        if requirement.document.is_uma() {
            let section = requirement
                .id
                .split_once('-')
                .and_then(|(_, rest)| rest.rsplit_once('-'))
                .map(|(section, _)| section);
            assert_eq!(
                section,
                Some(requirement.section.as_str()),
                "{}",
                requirement.id
            );
        }
    }
}
