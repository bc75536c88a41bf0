//! Named switches that make the reference resource server misbehave the way a real one might,
//! each breaking specific requirement ids of `spec/requirements.tsv`.

use super::error::RsError;

/// One deviation as listed to users: its switch name, the requirement ids it breaks and what it
/// does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviationInfo {
    pub name: &'static str,
    pub breaks: &'static [&'static str],
    pub summary: &'static str,
}

/// Every deviation of the resource server, in the order of [`CATALOGUE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deviation {
    NoTicketInChallenge,
    AsUriNotIssuer,
    NoWarningWhenAsDown,
    ServesExpiredPermission,
    ServesWithoutScopeCheck,
}

const ALL: [Deviation; 5] = [
    Deviation::NoTicketInChallenge,
    Deviation::AsUriNotIssuer,
    Deviation::NoWarningWhenAsDown,
    Deviation::ServesExpiredPermission,
    Deviation::ServesWithoutScopeCheck,
];

static CATALOGUE: [DeviationInfo; 5] = [
    DeviationInfo {
        name: "no-ticket-in-challenge",
        breaks: &["GRANT-3.2-a", "GRANT-3.2.1-i1", "GRANT-3.5-i1"],
        summary: "The 401 challenge names the realm and as_uri but no ticket, and no ticket is asked for.",
    },
    DeviationInfo {
        name: "as-uri-not-issuer",
        breaks: &["GRANT-3.2.1-i1"],
        summary: "The challenge's as_uri is the AS's permission endpoint instead of its issuer URI.",
    },
    DeviationInfo {
        name: "no-warning-when-as-down",
        breaks: &["GRANT-3.2.2-i1"],
        summary: "With the AS unreachable, the 403 answer carries no Warning header.",
    },
    DeviationInfo {
        name: "serves-expired-permission",
        breaks: &["GRANT-3.5-a", "GRANT-3.5-i1"],
        summary: "Permission-level exp is ignored: a permission past its expiry in an active RPT still serves.",
    },
    DeviationInfo {
        name: "serves-without-scope-check",
        breaks: &["GRANT-3.5-a", "GRANT-3.5-i1"],
        summary: "Any permission on the resource serves, whatever its scopes (view allows delete).",
    },
];

impl Deviation {
    fn index(self) -> usize {
        ALL.iter().position(|d| *d == self).unwrap_or(0)
    }

    fn info(self) -> &'static DeviationInfo {
        &CATALOGUE[self.index()]
    }
}

/// Every deviation the reference resource server knows.
pub fn deviations() -> &'static [DeviationInfo] {
    &CATALOGUE
}

/// The deviations switched on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DeviationSet(u32);

impl DeviationSet {
    pub(crate) fn parse(names: &[String]) -> Result<Self, RsError> {
        let mut set = 0u32;
        for name in names {
            let Some(d) = ALL.iter().find(|d| d.info().name == name) else {
                return Err(RsError::UnknownDeviation {
                    name: name.clone(),
                    known: CATALOGUE
                        .iter()
                        .map(|d| d.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            };
            set |= 1 << d.index();
        }
        Ok(DeviationSet(set))
    }

    pub(crate) fn has(self, deviation: Deviation) -> bool {
        self.0 & (1 << deviation.index()) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_one_breaks_something() {
        let mut names: Vec<_> = CATALOGUE.iter().map(|d| d.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CATALOGUE.len());
        assert!(CATALOGUE.iter().all(|d| !d.breaks.is_empty()));
    }

    #[test]
    fn broken_ids_are_resource_server_requirements_of_the_catalogue() {
        let tsv = crate::spec::assets::SPEC
            .get_file("requirements.tsv")
            .and_then(|f| f.contents_utf8())
            .expect("spec/requirements.tsv is embedded");
        for d in &CATALOGUE {
            for id in d.breaks {
                let row = tsv
                    .lines()
                    .find(|l| l.split('\t').next() == Some(id))
                    .unwrap_or_else(|| panic!("{}: unknown id {id}", d.name));
                let party = row.split('\t').nth(4).unwrap_or_default();
                assert!(
                    party.contains("RS"),
                    "{}: {id} is not an RS requirement",
                    d.name
                );
            }
        }
    }

    #[test]
    fn parse_sets_and_rejects() {
        let set = DeviationSet::parse(&["as-uri-not-issuer".to_string()]).unwrap();
        assert!(set.has(Deviation::AsUriNotIssuer));
        assert!(!set.has(Deviation::NoTicketInChallenge));
        assert!(!DeviationSet::default().has(Deviation::ServesExpiredPermission));
        let err = DeviationSet::parse(&["nope".to_string()]).unwrap_err();
        assert!(err.to_string().contains("serves-without-scope-check"));
    }
}
