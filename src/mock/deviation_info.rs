//! What every mock says of each of its deviations: the switch name, the requirement ids it
//! breaks and what it does. One type for the AS, the RS and the client, so that the listings and
//! the deviation matrix read them alike.

/// One deviation as listed to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviationInfo {
    pub name: &'static str,
    pub breaks: &'static [&'static str],
    pub summary: &'static str,
}

/// The position of `name` in `catalogue`, or the message naming the known ones.
pub(crate) fn position(
    catalogue: &[DeviationInfo],
    name: &str,
    whose: &str,
) -> Result<usize, String> {
    catalogue
        .iter()
        .position(|d| d.name == name)
        .ok_or_else(|| {
            let known: Vec<&str> = catalogue.iter().map(|d| d.name).collect();
            format!(
                "unknown {whose} deviation {name:?}; known: {}",
                known.join(", ")
            )
        })
}

/// Asserts that every id a catalogue claims to break is in the requirement catalogue and binds
/// the mock's party (`any` binds every party). For the mocks' unit tests.
#[cfg(test)]
pub(crate) fn assert_breaks_bind(catalogue: &[DeviationInfo], party: &str) {
    let requirements = crate::spec::requirements::Catalogue::embedded();
    for d in catalogue {
        for id in d.breaks {
            let r = requirements
                .get(id)
                .unwrap_or_else(|| panic!("{}: unknown id {id}", d.name));
            assert!(
                r.binds(party) || r.party == "any",
                "{}: {id} is not a requirement of the {party}",
                d.name
            );
        }
    }
}

/// Asserts that the catalogue's names are unique and that every deviation breaks something.
#[cfg(test)]
pub(crate) fn assert_sound(catalogue: &[DeviationInfo]) {
    let mut names: Vec<&str> = catalogue.iter().map(|d| d.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(
        names.len(),
        catalogue.len(),
        "a deviation name is used twice"
    );
    for d in catalogue {
        assert!(!d.breaks.is_empty(), "{} breaks nothing", d.name);
    }
}
