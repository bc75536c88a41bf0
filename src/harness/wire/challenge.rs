//! Parser for `WWW-Authenticate` challenges (RFC 7235 section 4.1): a header may hold several
//! challenges, each a scheme followed by a token68 or by comma-separated `name=value` params.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub scheme: String,
    pub token68: Option<String>,
    /// Parameter names lower-cased (they are case-insensitive); values unquoted.
    pub params: Vec<(String, String)>,
}

impl Challenge {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is_scheme(&self, scheme: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(scheme)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed WWW-Authenticate header at byte {at}: {message}")]
pub struct ChallengeError {
    pub at: usize,
    pub message: &'static str,
}

fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn skip_ws(&mut self) {
        while self.pos < self.bytes.len() && matches!(self.bytes[self.pos], b' ' | b'\t') {
            self.pos += 1;
        }
    }
    fn skip_ws_and_commas(&mut self) {
        while self.pos < self.bytes.len() && matches!(self.bytes[self.pos], b' ' | b'\t' | b',') {
            self.pos += 1;
        }
    }
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }
    fn token(&mut self) -> Option<String> {
        let start = self.pos;
        while self.pos < self.bytes.len() && is_tchar(self.bytes[self.pos]) {
            self.pos += 1;
        }
        (self.pos > start).then(|| String::from_utf8_lossy(&self.bytes[start..self.pos]).into())
    }
    fn quoted(&mut self) -> Result<String, ChallengeError> {
        // Caller has seen the opening quote.
        self.pos += 1;
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'"' => return Ok(String::from_utf8_lossy(&out).into()),
                b'\\' => {
                    let escaped = self.peek().ok_or(ChallengeError {
                        at: self.pos,
                        message: "dangling escape",
                    })?;
                    out.push(escaped);
                    self.pos += 1;
                }
                _ => out.push(c),
            }
        }
        Err(ChallengeError {
            at: self.pos,
            message: "unterminated quoted string",
        })
    }
}

/// Parses every challenge of one header value.
pub fn parse(header: &str) -> Result<Vec<Challenge>, ChallengeError> {
    let mut cur = Cursor {
        bytes: header.as_bytes(),
        pos: 0,
    };
    let mut challenges: Vec<Challenge> = Vec::new();
    cur.skip_ws_and_commas();
    while cur.peek().is_some() {
        let scheme = cur.token().ok_or(ChallengeError {
            at: cur.pos,
            message: "expected an auth-scheme",
        })?;
        let mut challenge = Challenge {
            scheme,
            token68: None,
            params: Vec::new(),
        };
        let mut first = true;
        loop {
            let before_ws = cur.pos;
            if first {
                cur.skip_ws();
            } else {
                cur.skip_ws_and_commas();
            }
            // Only whitespace may separate a scheme from its token68 or first param.
            let comma_seen = header.as_bytes()[before_ws..cur.pos].contains(&b',');
            let start = cur.pos;
            let Some(name) = cur.token() else {
                match cur.peek() {
                    None | Some(b',') => break,
                    Some(_) => {
                        return Err(ChallengeError {
                            at: cur.pos,
                            message: "unexpected character",
                        });
                    }
                }
            };
            let after_name = cur.pos;
            cur.skip_ws();
            if cur.peek() == Some(b'=') {
                cur.pos += 1;
                cur.skip_ws();
                match cur.peek() {
                    Some(b'"') => {
                        let value = cur.quoted()?;
                        challenge.params.push((name.to_ascii_lowercase(), value));
                    }
                    Some(b'=') | Some(b',') | None if first && !comma_seen => {
                        // A token68 ending in '=' padding, e.g. "abc==".
                        cur.pos = after_name;
                        while cur.peek() == Some(b'=') {
                            cur.pos += 1;
                        }
                        challenge.token68 = Some(header[start..cur.pos].to_string());
                    }
                    _ => {
                        let value = cur.token().ok_or(ChallengeError {
                            at: cur.pos,
                            message: "expected a token or quoted string",
                        })?;
                        challenge.params.push((name.to_ascii_lowercase(), value));
                    }
                }
            } else if first && !comma_seen && start > before_ws {
                challenge.token68 = Some(name);
            } else {
                // A bare token after a comma starts the next challenge.
                cur.pos = start;
                break;
            }
            first = false;
        }
        challenges.push(challenge);
        cur.skip_ws_and_commas();
    }
    Ok(challenges)
}

/// Parses several header values (a response may repeat `WWW-Authenticate`).
pub fn parse_all<'a>(
    values: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Challenge>, ChallengeError> {
    let mut out = Vec::new();
    for value in values {
        out.extend(parse(value)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_with_params() {
        let c = parse(r#"Bearer realm="example", error="invalid_token", error_description="The access token expired""#).unwrap();
        assert_eq!(c.len(), 1);
        assert!(c[0].is_scheme("bearer"));
        assert_eq!(c[0].param("realm"), Some("example"));
        assert_eq!(c[0].param("error"), Some("invalid_token"));
        assert_eq!(
            c[0].param("error_description"),
            Some("The access token expired")
        );
    }

    #[test]
    fn bare_scheme_and_several_challenges() {
        let c = parse(r#"Bearer, Basic realm="x""#).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].scheme, "Bearer");
        assert!(c[0].params.is_empty());
        assert_eq!(c[1].scheme, "Basic");
        assert_eq!(c[1].param("realm"), Some("x"));
        let c = parse(r#"Basic realm="a", Bearer error=invalid_token"#).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[1].param("error"), Some("invalid_token"));
    }

    #[test]
    fn uma_challenge_with_escaped_quote() {
        let c = parse(r#"UMA realm="ex\"ample", as_uri="https://as.example.com", ticket="016f84e8-f9b9-11e0-bd6f-0021cc6004de""#).unwrap();
        assert_eq!(c[0].param("realm"), Some("ex\"ample"));
        assert_eq!(c[0].param("as_uri"), Some("https://as.example.com"));
        assert_eq!(
            c[0].param("ticket"),
            Some("016f84e8-f9b9-11e0-bd6f-0021cc6004de")
        );
    }

    #[test]
    fn token68() {
        let c = parse("Negotiate abc123==").unwrap();
        assert_eq!(c[0].token68.as_deref(), Some("abc123=="));
        let c = parse("Bearer").unwrap();
        assert_eq!(c[0].scheme, "Bearer");
    }

    #[test]
    fn malformed() {
        assert!(parse(r#"Bearer realm="unterminated"#).is_err());
        assert!(parse("=oops").is_err());
    }
}
