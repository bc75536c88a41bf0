//! The resource server's `WWW-Authenticate: UMA realm="...", as_uri="...", ticket="..."`
//! challenge (Grant 3.2), read leniently: any parameter order, quoted or bare values.

/// What the client needs from the challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    pub(crate) as_uri: String,
    pub(crate) ticket: String,
}

/// The UMA challenge among `values` (several headers, or several challenges in one), or why
/// there is none usable.
pub(crate) fn parse<'a>(values: impl Iterator<Item = &'a str>) -> Result<Challenge, String> {
    for value in values {
        let Some(params) = uma_params(value) else {
            continue;
        };
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .filter(|v| !v.is_empty())
        };
        let as_uri = get("as_uri").ok_or("the UMA challenge has no as_uri")?;
        let ticket = get("ticket").ok_or("the UMA challenge has no ticket")?;
        return Ok(Challenge { as_uri, ticket });
    }
    Err("the 401 answer has no WWW-Authenticate: UMA challenge".to_string())
}

/// The auth-params of a value starting with the `UMA` scheme (case-insensitive).
fn uma_params(value: &str) -> Option<Vec<(String, String)>> {
    let value = value.trim_start();
    let (scheme, rest) = value.split_once(char::is_whitespace)?;
    if !scheme.eq_ignore_ascii_case("UMA") {
        return None;
    }
    Some(auth_params(rest))
}

/// `name=value` or `name="quoted \" value"` pairs separated by commas, up to a following scheme.
fn auth_params(text: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let name: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=' && *c != ','))
            .collect::<String>()
            .trim()
            .to_string();
        if name.is_empty() || chars.next() != Some('=') {
            // A bare token is the start of another scheme's challenge, or the end.
            return params;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            value = std::iter::from_fn(|| chars.next_if(|c| *c != ','))
                .collect::<String>()
                .trim()
                .to_string();
        }
        params.push((name, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quoted_and_bare_parameters_in_any_order() {
        let c = parse(
            [r#"uma ticket="t-1", realm="r, \"x\"", as_uri=https://as.example/"#].into_iter(),
        )
        .unwrap();
        assert_eq!(c.as_uri, "https://as.example/");
        assert_eq!(c.ticket, "t-1");
    }

    #[test]
    fn skips_other_schemes_and_reports_what_is_missing() {
        let c = parse(
            [
                r#"Bearer realm="x""#,
                r#"UMA realm="r", as_uri="https://as", ticket="t""#,
            ]
            .into_iter(),
        )
        .unwrap();
        assert_eq!(c.ticket, "t");
        assert!(parse([r#"UMA realm="r", as_uri="https://as""#].into_iter()).is_err());
        assert!(parse(["Bearer"].into_iter()).is_err());
        assert!(parse(std::iter::empty()).is_err());
        assert!(parse([r#"UMA as_uri="a", ticket=""#].into_iter()).is_err());
    }
}
