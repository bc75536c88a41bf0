//! Reading request bodies. Handlers receive the raw bytes (or the framework's rejection) and turn
//! every problem into an `invalid_request`, so no plain-text framework answer ever leaks out.

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::{Map, Value};

use super::errors::ApiError;
use super::json::{JsonError, parse_lenient, parse_strict};

/// The largest request body the mock reads.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;

pub(crate) type RawBody = Result<Bytes, BytesRejection>;

/// The media type of the request, lower-cased and without parameters.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next().unwrap_or_default().trim();
    Some(essence.to_ascii_lowercase())
}

fn bytes(body: RawBody) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::invalid_request(format!("request body larger than {BODY_LIMIT} bytes"))
        } else {
            ApiError::invalid_request("the request body could not be read")
        }
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeats {
    Reject,
    LastWins,
}

/// A JSON request body (`application/json` or a `+json` type).
pub(crate) fn json(
    headers: &HeaderMap,
    body: RawBody,
    repeats: Repeats,
) -> Result<Value, ApiError> {
    match media_type(headers) {
        Some(t)
            if t == "application/json"
                || (t.starts_with("application/") && t.ends_with("+json")) => {}
        Some(t) => {
            return Err(ApiError::invalid_request(format!(
                "Content-Type must be application/json, not {t}"
            )));
        }
        None => {
            return Err(ApiError::invalid_request(
                "Content-Type application/json is required",
            ));
        }
    }
    let bytes = bytes(body)?;
    let parsed = match repeats {
        Repeats::Reject => parse_strict(&bytes),
        Repeats::LastWins => parse_lenient(&bytes),
    };
    parsed.map_err(|err| match err {
        JsonError::Syntax(detail) => {
            ApiError::invalid_request(format!("the body is not valid JSON: {detail}"))
        }
        JsonError::Repeated(detail) => {
            ApiError::invalid_request(format!("repeated parameter: {detail}"))
        }
    })
}

/// A control API body: a JSON object with no members but `allowed`, since a misspelt member
/// would otherwise be a silent no-op. `example` shows the expected shape in the error.
pub(crate) fn control_object(
    headers: &HeaderMap,
    body: RawBody,
    allowed: &[&str],
    example: &str,
) -> Result<Map<String, Value>, ApiError> {
    let Value::Object(object) = json(headers, body, Repeats::Reject)? else {
        return Err(ApiError::invalid_request(format!(
            "the body must be a JSON object like {example}"
        )));
    };
    if let Some(unknown) = object.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(ApiError::invalid_request(format!(
            "unknown member {unknown:?}; only {} accepted",
            allowed.join(" and ")
        )));
    }
    Ok(object)
}

/// An `application/x-www-form-urlencoded` body whose parameters each appear at most once
/// (RFC 6749 3.1, 3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    pub(crate) fn parse(headers: &HeaderMap, body: RawBody) -> Result<Form, ApiError> {
        match media_type(headers) {
            Some(t) if t == "application/x-www-form-urlencoded" => {}
            _ => {
                return Err(ApiError::invalid_request(
                    "Content-Type must be application/x-www-form-urlencoded",
                ));
            }
        }
        let bytes = bytes(body)?;
        if std::str::from_utf8(&bytes).is_err() {
            return Err(ApiError::invalid_request("the form body is not UTF-8"));
        }
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&bytes)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut seen = HashSet::new();
        if let Some((name, _)) = pairs.iter().find(|(name, _)| !seen.insert(name.as_str())) {
            return Err(ApiError::invalid_request(format!(
                "parameter {name:?} appears more than once"
            )));
        }
        Ok(Form { pairs })
    }

    /// The form with every name, and the values of `values_of`, in lower case (a deviation's
    /// careless reading).
    pub(crate) fn lowercased(&self, values_of: &[&str]) -> Form {
        Form {
            pairs: self
                .pairs
                .iter()
                .map(|(k, v)| {
                    let name = k.to_lowercase();
                    let value = if values_of.contains(&name.as_str()) {
                        v.to_lowercase()
                    } else {
                        v.clone()
                    };
                    (name, value)
                })
                .collect(),
        }
    }

    /// Every parameter, in order.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// A parameter's value; one sent without a value counts as absent (RFC 6749 3.1).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(content_type: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).unwrap(),
        );
        h
    }

    #[test]
    fn form_rules() {
        let form_type = headers("application/x-www-form-urlencoded; charset=UTF-8");
        let form = Form::parse(&form_type, Ok(Bytes::from("a=1&b=&c=x%20y"))).unwrap();
        assert_eq!(form.get("a"), Some("1"));
        assert_eq!(form.get("b"), None);
        assert_eq!(form.get("c"), Some("x y"));
        assert!(Form::parse(&form_type, Ok(Bytes::from("a=1&a=1"))).is_err());
        assert!(Form::parse(&headers("text/plain"), Ok(Bytes::from("a=1"))).is_err());
        assert!(Form::parse(&HeaderMap::new(), Ok(Bytes::from("a=1"))).is_err());
    }

    #[test]
    fn json_rules() {
        let ok = json(
            &headers("Application/JSON; charset=utf-8"),
            Ok(Bytes::from("{}")),
            Repeats::Reject,
        );
        assert!(ok.is_ok());
        assert!(
            json(
                &headers("application/merge-patch+json"),
                Ok(Bytes::from("[]")),
                Repeats::Reject
            )
            .is_ok()
        );
        for (ct, body) in [
            ("text/plain", "{}"),
            ("application/json", "nope"),
            ("application/json", "{\"a\":1,\"a\":2}"),
        ] {
            let err = json(&headers(ct), Ok(Bytes::from(body)), Repeats::Reject).unwrap_err();
            assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        }
        assert!(
            json(
                &headers("application/json"),
                Ok(Bytes::from("{\"a\":1,\"a\":2}")),
                Repeats::LastWins
            )
            .is_ok()
        );
    }
}
