//! Validation of a resource description (FedAuthz 3.1) before it is stored.

use serde_json::Value;

use super::resources::Description;

/// Members whose value is human-readable text or a URI and which may carry a language tag
/// (`name#fr`, RFC 7591 2.2).
const TEXT_MEMBERS: [&str; 4] = ["description", "icon_uri", "name", "type"];

/// Members the AS assigns; a resource server that echoes them back (say, a read result sent as an
/// update) does not get to choose them, so they are dropped rather than stored.
const AS_ASSIGNED: [&str; 2] = ["_id", "user_access_policy_uri"];

/// Switches for the validation. The default is the spec's behaviour; deviations turn parts off or
/// on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DescriptionRules {
    pub(crate) require_resource_scopes: bool,
    pub(crate) check_text_members: bool,
    pub(crate) allow_uri_scopes: bool,
    pub(crate) allow_extension_members: bool,
}

impl Default for DescriptionRules {
    fn default() -> Self {
        DescriptionRules {
            require_resource_scopes: true,
            check_text_members: true,
            allow_uri_scopes: true,
            allow_extension_members: true,
        }
    }
}

/// Checks a parsed request body and returns the description to store, or what is wrong with it.
pub(crate) fn validate(body: Value, rules: DescriptionRules) -> Result<Description, String> {
    let Value::Object(mut description) = body else {
        return Err("a resource description must be a JSON object".into());
    };
    for member in AS_ASSIGNED {
        description.remove(member);
    }
    match description.get("resource_scopes") {
        None if rules.require_resource_scopes => {
            return Err("resource_scopes is required".into());
        }
        None => {}
        Some(scopes) => check_scopes(scopes, rules)?,
    }
    for (key, value) in &description {
        if key == "resource_scopes" {
            continue;
        }
        let (base, tag) = match key.split_once('#') {
            Some((base, tag)) => (base, Some(tag)),
            None => (key.as_str(), None),
        };
        if TEXT_MEMBERS.contains(&base) {
            if rules.check_text_members {
                check_text_member(key, base, tag, value)?;
            }
        } else if !rules.allow_extension_members {
            return Err(format!("unknown member {key:?}"));
        }
    }
    Ok(description)
}

fn check_scopes(scopes: &Value, rules: DescriptionRules) -> Result<(), String> {
    let Some(scopes) = scopes.as_array() else {
        return Err("resource_scopes must be an array of strings".into());
    };
    for scope in scopes {
        let Some(scope) = scope.as_str() else {
            return Err("resource_scopes must be an array of strings".into());
        };
        if scope.is_empty() {
            return Err("resource_scopes must not contain an empty string".into());
        }
        if !rules.allow_uri_scopes && looks_like_uri(scope) {
            return Err(format!("scope {scope:?} must be a plain string, not a URI"));
        }
    }
    Ok(())
}

fn check_text_member(
    key: &str,
    base: &str,
    tag: Option<&str>,
    value: &Value,
) -> Result<(), String> {
    if let Some(tag) = tag {
        if !is_language_tag(tag) {
            return Err(format!("{key:?} does not end in a language tag"));
        }
    }
    let Some(text) = value.as_str() else {
        return Err(format!("{key} must be a string"));
    };
    if base == "icon_uri" && url::Url::parse(text).is_err() {
        return Err(format!("{key} must be an absolute URI"));
    }
    Ok(())
}

/// A loose BCP 47 shape check: letters, digits and hyphens.
fn is_language_tag(tag: &str) -> bool {
    !tag.is_empty()
        && !tag.starts_with('-')
        && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Whether a scope string is an absolute URI (has a scheme).
pub(crate) fn looks_like_uri(scope: &str) -> bool {
    url::Url::parse(scope).is_ok()
}

/// The http(s) scope URIs of a stored description.
pub(crate) fn http_scope_uris(description: &Description) -> Vec<String> {
    super::resources::registered_scopes(description)
        .into_iter()
        .filter(|s| {
            url::Url::parse(s)
                .map(|u| matches!(u.scheme(), "http" | "https"))
                .unwrap_or(false)
        })
        .map(str::to_string)
        .collect()
}

/// Drops the human-readable members and their language variants, keeping scopes and extensions.
pub(crate) fn without_text_members(description: Description) -> Description {
    description
        .into_iter()
        .filter(|(key, _)| {
            let base = key.split_once('#').map_or(key.as_str(), |(b, _)| b);
            !TEXT_MEMBERS.contains(&base)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(body: Value) -> Description {
        validate(body, DescriptionRules::default()).unwrap()
    }

    fn bad(body: Value) -> String {
        validate(body, DescriptionRules::default()).unwrap_err()
    }

    #[test]
    fn accepts_spec_examples_and_extensions() {
        let d = ok(json!({
            "resource_scopes": ["read-public", "http://www.example.com/scopes/all"],
            "icon_uri": "http://www.example.com/icons/sharesocial.png",
            "name": "Tweedl",
            "name#fr": "Tweedl (fr)",
            "description#en-GB": "text",
            "type": "http://www.example.com/rsrcs/socialstream/140-compatible",
            "x-vendor": {"nested": [1, 2]},
            "_id": "chosen-by-client"
        }));
        assert_eq!(d.len(), 7);
        assert!(!d.contains_key("_id"));
        assert!(ok(json!({"resource_scopes": []})).contains_key("resource_scopes"));
    }

    #[test]
    fn rejects_malformed_descriptions() {
        assert!(bad(json!([])).contains("object"));
        assert!(bad(json!({"name": "x"})).contains("required"));
        assert!(bad(json!({"resource_scopes": "view"})).contains("array"));
        assert!(bad(json!({"resource_scopes": [1]})).contains("array"));
        assert!(bad(json!({"resource_scopes": [""]})).contains("empty"));
        assert!(bad(json!({"resource_scopes": [], "name": 3})).contains("name"));
        assert!(bad(json!({"resource_scopes": [], "name#fr": null})).contains("name#fr"));
        assert!(bad(json!({"resource_scopes": [], "name#": "x"})).contains("language"));
        assert!(bad(json!({"resource_scopes": [], "icon_uri": "/icon.png"})).contains("absolute"));
    }

    #[test]
    fn rules_switch_checks() {
        let loose = DescriptionRules {
            require_resource_scopes: false,
            check_text_members: false,
            ..DescriptionRules::default()
        };
        assert!(validate(json!({"name": 3}), loose).is_ok());
        let strict = DescriptionRules {
            allow_uri_scopes: false,
            allow_extension_members: false,
            ..DescriptionRules::default()
        };
        assert!(validate(json!({"resource_scopes": ["urn:x:y"]}), strict).is_err());
        assert!(validate(json!({"resource_scopes": ["view"], "ext": 1}), strict).is_err());
        assert!(validate(json!({"resource_scopes": ["view"], "name#fr": "n"}), strict).is_ok());
    }

    #[test]
    fn helpers() {
        let d = ok(json!({
            "resource_scopes": ["view", "https://x.example/s", "urn:a:b"],
            "name": "n", "name#fr": "n", "ext": true
        }));
        assert_eq!(http_scope_uris(&d), ["https://x.example/s"]);
        let stripped = without_text_members(d);
        let keys: Vec<_> = stripped.keys().cloned().collect();
        assert_eq!(keys, ["resource_scopes", "ext"]);
        assert!(looks_like_uri("http://a/b") && !looks_like_uri("view"));
    }
}
