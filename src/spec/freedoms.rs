//! Requirements that are freedoms: whatever a party does satisfies them, so no check of them
//! could ever fail, and the suite has no scenario for them by design. Each carries the reason;
//! `uma-conformance requirements` shows them as such instead of as gaps, and the coverage tests
//! refuse a freedom that gains a scenario.

/// Requirement id and why no scenario can prove it.
pub const FREEDOMS: &[(&str, &str)] = &[
    (
        "GRANT-1.1-a",
        "a JSON object may carry extra members: nothing a party sends can break it",
    ),
    (
        "FED-1.4-b",
        "a resource server may refuse even a sufficient RPT: no answer can break it (the RS scenarios skip when it does)",
    ),
    (
        "FED-5-a",
        "a resource server may introspect, reuse a cached answer or verify locally: each way is allowed",
    ),
    (
        "GRANT-2-h",
        "the harness registers the client under test at its AS; whether a client registers claims redirect URIs itself is its own choice",
    ),
    (
        "GRANT-3.3.1-f",
        "claims may be pushed on the first token request or a later one: every client satisfies it",
    ),
    (
        "GRANT-3.3.1-n",
        "an RPT offered for upgrading may be expired: every client satisfies it",
    ),
    (
        "GRANT-3.7-a",
        "a client revokes at moments of its own choosing, which the harness cannot bring about; the AS suite checks revocation",
    ),
];

/// Why `id` has no scenario, if it is a freedom.
pub fn reason(id: &str) -> Option<&'static str> {
    FREEDOMS.iter().find(|(f, _)| *f == id).map(|(_, why)| *why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::requirements::Catalogue;

    #[test]
    fn every_freedom_is_in_the_catalogue() {
        for (id, why) in FREEDOMS {
            assert!(Catalogue::embedded().get(id).is_some(), "{id}");
            assert!(!why.is_empty());
        }
    }
}
