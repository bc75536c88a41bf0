//! OAuth scope strings (RFC 6749 3.3).

/// The scope that makes an access token a PAT (FedAuthz 1.2).
pub(crate) const PROTECTION_SCOPE: &str = "uma_protection";

/// Whether `s` is one RFC 6749 scope-token: one or more printable ASCII characters other than
/// space, double quote and backslash.
pub(crate) fn is_scope_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b))
}

/// Splits a space-delimited scope parameter into distinct scope tokens, in order. Extra spaces are
/// tolerated; a character outside the scope-token set is not, and is returned as the error.
pub(crate) fn parse_scope(value: &str) -> Result<Vec<String>, String> {
    let mut scopes: Vec<String> = Vec::new();
    for token in value.split(' ').filter(|t| !t.is_empty()) {
        if !is_scope_token(token) {
            return Err(token.to_string());
        }
        if !scopes.iter().any(|s| s == token) {
            scopes.push(token.to_string());
        }
    }
    Ok(scopes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_deduplicates() {
        assert_eq!(
            parse_scope("uma_protection  profile uma_protection").unwrap(),
            ["uma_protection", "profile"]
        );
        assert!(parse_scope("").unwrap().is_empty());
        assert_eq!(parse_scope("a \"b\"").unwrap_err(), "\"b\"");
        assert!(is_scope_token("http://example.com/scope"));
        assert!(!is_scope_token("a\\b"));
        assert!(!is_scope_token("caf\u{e9}"));
    }
}
