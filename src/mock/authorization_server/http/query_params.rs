//! Reading front-channel parameters (query strings, HTML form posts) the way RFC 6749 3.1 wants:
//! a parameter sent twice is an error the caller reports, and one sent without a value counts as
//! absent.

/// The first value of each name (empty ones left out) and the names sent more than once.
#[derive(Debug, Default)]
pub(crate) struct UniquePairs {
    pub(crate) values: Vec<(String, String)>,
    pub(crate) repeated: Vec<String>,
}

pub(crate) fn unique_pairs(pairs: impl Iterator<Item = (String, String)>) -> UniquePairs {
    let mut out = UniquePairs::default();
    let mut seen: Vec<String> = Vec::new();
    for (name, value) in pairs {
        if seen.contains(&name) {
            if !out.repeated.contains(&name) {
                out.repeated.push(name);
            }
            continue;
        }
        seen.push(name.clone());
        if !value.is_empty() {
            out.values.push((name, value));
        }
    }
    out
}
