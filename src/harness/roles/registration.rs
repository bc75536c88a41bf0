//! The resource registration API (FedAuthz 3.2) as a resource server calls it.

use serde_json::Value;

use crate::harness::wire::{HttpResponse, Request};

/// The URL of one registered resource: `{rreguri}/{_id}`.
pub fn item_url(endpoint: &str, id: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
    let encoded = encoded.replace('+', "%20");
    format!("{}/{}", endpoint.trim_end_matches('/'), encoded)
}

/// The URL of the collection: the endpoint as published.
pub fn collection_url(endpoint: &str) -> String {
    endpoint.to_string()
}

pub fn create(endpoint: &str, description: Value) -> Request {
    Request::post(collection_url(endpoint)).json(description)
}

pub fn read(endpoint: &str, id: &str) -> Request {
    Request::get(item_url(endpoint, id)).header("Accept", "application/json")
}

pub fn update(endpoint: &str, id: &str, description: Value) -> Request {
    Request::put(item_url(endpoint, id)).json(description)
}

pub fn delete(endpoint: &str, id: &str) -> Request {
    Request::delete(item_url(endpoint, id))
}

pub fn list(endpoint: &str) -> Request {
    Request::get(collection_url(endpoint)).header("Accept", "application/json")
}

/// The id the AS assigned on create, read leniently so that one broken requirement does not
/// hide the others: `_id` from the body, else the last path segment of `Location`.
pub fn assigned_id(response: &HttpResponse) -> Option<String> {
    raw_assigned_id(response).filter(|id| usable_id(id))
}

/// An id the harness can put in a URL path: "." and ".." would be resolved away as dot
/// segments (even percent-encoded), sending requests with the PAT to another path.
pub fn usable_id(id: &str) -> bool {
    !id.is_empty() && id != "." && id != ".."
}

fn raw_assigned_id(response: &HttpResponse) -> Option<String> {
    if let Ok(body) = response.json() {
        if let Some(id) = body
            .get("_id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            return Some(id.to_string());
        }
    }
    let location = response.header("location")?;
    let path = location.split(['?', '#']).next()?.trim_end_matches('/');
    let segment = path.rsplit('/').next()?;
    let decoded = url::form_urlencoded::parse(format!("x={segment}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())?;
    (!decoded.is_empty()).then_some(decoded)
}

/// Parses a Gherkin list of quoted scopes: `"view"`, `"view" and "print"`, `"a", "b" and "c"`.
pub fn quoted_list(text: &str) -> Vec<String> {
    text.split('"')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_urls_join_cleanly() {
        assert_eq!(item_url("http://a/rreg/", "x y"), "http://a/rreg/x%20y");
        assert_eq!(item_url("http://a/rreg", "KX3A"), "http://a/rreg/KX3A");
        assert_eq!(item_url("http://a/rreg", "a/b"), "http://a/rreg/a%2Fb");
    }

    #[test]
    fn quoted_lists() {
        assert_eq!(quoted_list(r#""view" and "print""#), vec!["view", "print"]);
        assert_eq!(quoted_list(r#""a", "b" and "c""#), vec!["a", "b", "c"]);
    }
}
