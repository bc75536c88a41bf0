//! Every requirement of the foundation slice (Grant 2 without dynamic client registration;
//! FedAuthz 1, 2, 3 and 6 where HTTP-testable and checkable at the AS) has a scenario.

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
const GRANT_SO_FAR: &[&str] = &[
    "GRANT-3.3-i1",
    "GRANT-3.3.4-i1",
    "GRANT-3.3.5-a",
    "GRANT-3.3.5-b",
    "GRANT-3.3.5-c",
    "GRANT-3.3.5-d",
    "GRANT-3.3.5-e",
    "GRANT-3.3.5-f",
    "GRANT-3.3.5-g",
    "GRANT-3.3.5-i1",
    "GRANT-3.3.5-j",
    "GRANT-3.3.5.1-c",
    "GRANT-3.3.5.1-i1",
    "GRANT-3.3.6-b",
    "GRANT-3.3.6-c",
    "GRANT-3.3.6-d",
    "GRANT-3.3.6-i1",
    "GRANT-3.3.6-i2",
    "GRANT-3.3.6-i3",
    "GRANT-3.3.6-i4",
    "GRANT-3.3.6-i5",
    "GRANT-3.3.6-i6",
    "GRANT-3.3.6-n",
    "GRANT-3.3.6-o",
    "GRANT-3.3.6-p",
    "GRANT-3.6-a",
    "GRANT-3.6-c",
    "GRANT-3.6-d",
    "GRANT-3.7-i1",
    "GRANT-5.2-c",
    "GRANT-5.2-e",
    "GRANT-5.4-a",
    "GRANT-5.5-b",
    "GRANT-5.5-c",
    "GRANT-5.7-b",
    "GRANT-5.7-c",
];

#[test]
fn the_foundation_slice_is_covered() {
    let catalogue = Catalogue::embedded();
    let covered = coverage(&embedded_sources(), catalogue).expect("features parse");
    let missing: Vec<&&str> = SLICE
        .iter()
        .chain(TICKETS_AND_INTROSPECTION)
        .chain(GRANT_SO_FAR)
        .filter(|id| !covered.contains_key(**id))
        .collect();
    assert!(
        missing.is_empty(),
        "requirements without a scenario: {missing:?}"
    );
    for id in SLICE
        .iter()
        .chain(TICKETS_AND_INTROSPECTION)
        .chain(GRANT_SO_FAR)
    {
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
