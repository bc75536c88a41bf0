//! What anyone holding an opaque value can read out of it, the way an attacker with a stolen PCT
//! would try (Grant 3.3.5): the value as it is, and the whole and each dot-separated part (a JWS
//! or JWE) decoded as base64url or base64.

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::Value;

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const BASE64URL: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);
const BASE64: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);

/// One way of reading the value: how it was read, and the text it gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub how: String,
    pub text: String,
}

pub fn readings(value: &str) -> Vec<Reading> {
    let mut found = vec![Reading {
        how: "as it is".into(),
        text: value.to_string(),
    }];
    let parts: Vec<&str> = value.split('.').collect();
    let pieces = std::iter::once(("the whole value".to_string(), value)).chain(
        parts
            .iter()
            .enumerate()
            .filter(|_| parts.len() > 1)
            .map(|(i, p)| (format!("part {} of {}", i + 1, parts.len()), *p)),
    );
    for (what, piece) in pieces {
        for (name, engine) in [("base64url", &BASE64URL), ("base64", &BASE64)] {
            if let Ok(bytes) = engine.decode(piece.trim()) {
                found.push(Reading {
                    how: format!("{what} decoded as {name}"),
                    text: String::from_utf8_lossy(&bytes).into_owned(),
                });
            }
        }
    }
    found.dedup_by(|a, b| a.text == b.text);
    found
}

/// The member names of every JSON object a reading holds, nested ones included.
pub fn json_member_names(reading: &Reading) -> Vec<String> {
    fn walk(value: &Value, into: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (name, inner) in map {
                    into.push(name.clone());
                    walk(inner, into);
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, into)),
            _ => {}
        }
    }
    let mut names = Vec::new();
    if let Ok(value) = serde_json::from_str::<Value>(&reading.text) {
        walk(&value, &mut names);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_json_and_jwt_parts_are_read() {
        let claims = r#"{"email":"carol@example.test","roles":["doctor"]}"#;
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims);
        let std = base64::engine::general_purpose::STANDARD.encode(claims);
        for value in [url.clone(), std, format!("eyJhbGciOiJub25lIn0.{url}.sig")] {
            let all = readings(&value);
            let hit = all.iter().find(|r| r.text.contains("carol@example.test"));
            let hit = hit.unwrap_or_else(|| panic!("{value}: {all:?}"));
            assert!(json_member_names(hit).contains(&"roles".to_string()));
        }
    }

    #[test]
    fn random_values_read_as_nothing_useful() {
        let value = "q8Jz0bXr3m7H1vK9wYtP2sLdNcFgAeUi5oRjE4hMxZk";
        let all = readings(value);
        assert!(all.iter().all(|r| !r.text.contains("carol")));
        assert!(all.iter().all(|r| json_member_names(r).is_empty()));
    }
}
