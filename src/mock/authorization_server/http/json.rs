//! JSON parsing that notices repeated member names. serde_json keeps the last of two equal keys
//! without a word, but FedAuthz 3.2 counts a repeated parameter as a malformed request.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JsonError {
    /// Not JSON at all.
    Syntax(String),
    /// Valid JSON, but an object names a member twice.
    Repeated(String),
}

/// Parses `bytes` as one JSON value, rejecting objects (at any depth) with a repeated member.
pub(crate) fn parse_strict(bytes: &[u8]) -> Result<Value, JsonError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = StrictValue::deserialize(&mut deserializer).and_then(|v| {
        deserializer.end()?;
        Ok(v.0)
    });
    parsed.map_err(|err| {
        // Only our visitor raises data errors; everything else is about the text itself.
        if err.is_data() {
            JsonError::Repeated(err.to_string())
        } else {
            JsonError::Syntax(err.to_string())
        }
    })
}

/// Parses `bytes` as serde_json does: the last of repeated members wins.
pub(crate) fn parse_lenient(bytes: &[u8]) -> Result<Value, JsonError> {
    serde_json::from_slice(bytes).map_err(|err| JsonError::Syntax(err.to_string()))
}

struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "member {key:?} appears more than once"
                )));
            }
            let StrictValue(value) = access.next_value()?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_like_serde_json_when_nothing_repeats() {
        let text = br#"{"a":[1,-2,3.5,true,null,"x"],"b":{"c":{}},"name#fr":"\u00e9"}"#;
        assert_eq!(parse_strict(text).unwrap(), parse_lenient(text).unwrap());
        assert_eq!(parse_strict(b" [] ").unwrap(), json!([]));
    }

    #[test]
    fn repeated_members_anywhere_are_reported() {
        let top = br#"{"resource_scopes":["a"],"resource_scopes":["b"]}"#;
        assert!(
            matches!(parse_strict(top), Err(JsonError::Repeated(m)) if m.contains("resource_scopes"))
        );
        assert_eq!(
            parse_lenient(top).unwrap(),
            json!({"resource_scopes": ["b"]})
        );
        let nested = br#"{"x":[{"k":1,"k":2}]}"#;
        assert!(matches!(parse_strict(nested), Err(JsonError::Repeated(_))));
    }

    #[test]
    fn syntax_errors_are_not_repeats() {
        for bad in [&b"not json"[..], b"{\"a\":1", b"{} {}", b"", b"\xff"] {
            assert!(
                matches!(parse_strict(bad), Err(JsonError::Syntax(_))),
                "{bad:?}"
            );
        }
        let deep = "[".repeat(10_000);
        assert!(matches!(
            parse_strict(deep.as_bytes()),
            Err(JsonError::Syntax(_))
        ));
    }
}
