//! Every requirement of the foundation slice (Grant 2 without dynamic client registration;
//! FedAuthz 1, 2, 3 and 6 where HTTP-testable and checkable at the AS), of the permission and
//! introspection APIs, and every AS-bound Grant requirement HTTP can show has a scenario.

use uma_conformance::cli::requirements::coverage;
use uma_conformance::runner::features::embedded_sources;
use uma_conformance::spec::requirements::Catalogue;

const SLICE: &[&str] = &[
    "GRANT-2-a",
    "GRANT-2-b",
    "GRANT-2-c",
    "GRANT-2-d",
    "GRANT-2-e",
    "GRANT-2-f",
    "FED-1.1-a",
    "FED-1.1-b",
    "FED-1.2-i1",
    "FED-1.3-b",
    "FED-1.3-c",
    "FED-1.3-d",
    "FED-1.3-i1",
    "FED-1.5-a",
    "FED-1.5-b",
    "FED-2-a",
    "FED-2-b",
    "FED-2-c",
    "FED-2-d",
    "FED-3-i1",
    "FED-3.1-a",
    "FED-3.1-b",
    "FED-3.1-c",
    "FED-3.1-e",
    "FED-3.1-f",
    "FED-3.1-h",
    "FED-3.1-j",
    "FED-3.1-k",
    "FED-3.1.1-i1",
    "FED-3.2-a",
    "FED-3.2-b",
    "FED-3.2-c",
    "FED-3.2-d",
    "FED-3.2-e",
    "FED-3.2-f",
    "FED-3.2-g",
    "FED-3.2-h",
    "FED-3.2-i",
    "FED-3.2-j",
    "FED-3.2-i1",
    "FED-3.2.1-a",
    "FED-3.2.2-a",
    "FED-3.2.3-a",
    "FED-3.2.3-i1",
    "FED-3.2.4-a",
    "FED-3.2.5-a",
    "FED-6-a",
    "FED-6-b",
    "FED-6-c",
    "RFC8414-2",
    "RFC6750-3",
    "RFC6750-3.1",
];

/// FedAuthz 4 and 5 where HTTP-testable and checkable at the AS (issue 3), and the ticket rule of
/// Grant 5.5 that the first cut of the grant already makes observable.
const TICKETS_AND_INTROSPECTION: &[&str] = &[
    "FED-4-b",
    "FED-4-c",
    "FED-4-i1",
    "FED-4-i2",
    "FED-4.1-a",
    "FED-4.1-b",
    "FED-4.1-c",
    "FED-4.1-d",
    "FED-4.1-i1",
    "FED-4.2-i1",
    "FED-4.3-i1",
    "FED-5-b",
    "FED-5-c",
    "FED-5.1.1-a",
    "FED-5.1.1-b",
    "FED-5.1.1-c",
    "FED-5.1.1-d",
    "FED-5.1.1-e",
    "FED-5.1.1-f",
    "FED-5.1.1-g",
    "FED-5.1.1-h",
    "FED-5.1.1-i",
    "FED-5.1.1-j",
    "GRANT-5.5-b",
    "RFC7662-2.2",
    "RFC7662-2.2-b",
];

/// The UMA grant at the token endpoint, as far as issue 4 has come (its remaining rows are the
/// PENDING list of the deviation matrix and the interactive claims-gathering path).
/// Grant requirements that bind the AS, are HTTP-testable at least in part and still have no
/// scenario, each with the reason: freedoms that every behaviour satisfies, so that no check of
/// them could fail.
const GRANT_AS_EXEMPT: &[(&str, &str)] = uma_conformance::spec::freedoms::FREEDOMS;

#[test]
fn the_foundation_slice_is_covered() {
    let catalogue = Catalogue::embedded();
    let covered = coverage(&embedded_sources(), catalogue).expect("features parse");
    let missing: Vec<&&str> = SLICE
        .iter()
        .chain(TICKETS_AND_INTROSPECTION)
        .filter(|id| !covered.contains_key(**id))
        .collect();
    assert!(
        missing.is_empty(),
        "requirements without a scenario: {missing:?}"
    );
    for id in SLICE.iter().chain(TICKETS_AND_INTROSPECTION) {
        assert!(catalogue.get(id).is_some(), "{id} is not in the catalogue");
    }
}

#[test]
fn no_scenario_cites_an_untestable_requirement() {
    let catalogue = Catalogue::embedded();
    let covered = coverage(&embedded_sources(), catalogue).expect("features parse");
    for id in covered.keys() {
        let r = catalogue.get(id).unwrap();
        assert_ne!(
            r.testable,
            uma_conformance::spec::requirements::Testability::No,
            "{id} is not HTTP-testable"
        );
    }
}

/// Issue 4's promise: every Grant requirement that binds the AS (or every party) and that HTTP
/// can show has a scenario, but for the listed freedoms.
#[test]
fn every_http_testable_as_bound_grant_requirement_is_covered() {
    use uma_conformance::spec::requirements::{Document, Testability};
    let catalogue = Catalogue::embedded();
    let covered = coverage(&embedded_sources(), catalogue).expect("features parse");
    let exempt: Vec<&str> = GRANT_AS_EXEMPT.iter().map(|(id, _)| *id).collect();
    let missing: Vec<&str> = catalogue
        .iter()
        .filter(|r| r.document == Document::Grant)
        .filter(|r| r.binds("AS") || r.party == "any")
        .filter(|r| r.testable != Testability::No)
        .map(|r| r.id.as_str())
        .filter(|id| !covered.contains_key(*id) && !exempt.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "AS-bound Grant requirements without a scenario: {missing:?}"
    );
    for id in &exempt {
        let r = catalogue.get(id).expect("freedoms are catalogue ids");
        if r.binds("AS") || r.party == "any" {
            assert!(
                !covered.contains_key(*id),
                "{id} is exempt but has a scenario now"
            );
        }
    }
}

/// Client-bound requirements whose client scenarios are still to come. It must shrink to empty.
const CLIENT_PENDING: &[&str] = &[];

/// Shared duties proven at the other party only, with the reason the client's part cannot be
/// seen.
const OTHER_PARTY_ONLY: &[(&str, &str)] = &[(
    "GRANT-5.2-c",
    "how a client keeps its PCT cannot be seen on the wire; the AS scenarios prove the PCT's transport",
)];

/// Requirement ids cited by scenarios tagged with `party`.
fn cited_by_party(party: &str) -> std::collections::BTreeSet<String> {
    let catalogue = Catalogue::embedded();
    let features =
        uma_conformance::runner::features::parse(&embedded_sources()).expect("features parse");
    features
        .iter()
        .flat_map(|f| f.scenarios.iter().map(move |s| (f, s)))
        .filter(|(f, s)| f.tags.iter().chain(s.tags.iter()).any(|t| t == party))
        .flat_map(|(f, s)| {
            f.tags
                .iter()
                .chain(s.tags.iter())
                .cloned()
                .collect::<Vec<_>>()
        })
        .filter(|t| catalogue.is_requirement_tag(t))
        .collect()
}

/// Issue 5's promise: every HTTP-testable requirement binding the RS has an `@rs` scenario and
/// every one binding the client a `@client` one, judged against that party, not the AS.
#[test]
fn every_http_testable_rs_and_client_requirement_has_a_scenario_of_that_party() {
    use uma_conformance::spec::requirements::Testability;
    let catalogue = Catalogue::embedded();
    let exempt: Vec<&str> = uma_conformance::spec::freedoms::FREEDOMS
        .iter()
        .chain(OTHER_PARTY_ONLY)
        .map(|(id, _)| *id)
        .collect();
    let mut missing = Vec::new();
    let mut pending_done = Vec::new();
    for (party, tag) in [("RS", "rs"), ("client", "client")] {
        let cited = cited_by_party(tag);
        for r in catalogue
            .iter()
            .filter(|r| r.binds(party) && r.testable != Testability::No)
        {
            let id = r.id.as_str();
            let pending = CLIENT_PENDING.contains(&id);
            match (cited.contains(id), exempt.contains(&id), pending) {
                (true, true, _) => {
                    missing.push(format!("{id} is a freedom but has a scenario of its party"))
                }
                (true, false, true) => pending_done.push(id.to_string()),
                (false, false, false) => missing.push(format!("{id} ({party})")),
                _ => {}
            }
        }
    }
    assert!(
        missing.is_empty(),
        "RS/client requirements without a scenario of their party: {missing:?}"
    );
    assert!(
        pending_done.is_empty(),
        "covered now, take them off CLIENT_PENDING: {pending_done:?}"
    );
}
