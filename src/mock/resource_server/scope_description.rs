//! The one scope of the resource server that is a URI (FedAuthz 3.1.1): `{base}/scopes/share`,
//! registered for every resource beside the action scopes, and the scope description document
//! it resolves to. No request of the API needs it.

use serde_json::{Value, json};

use super::access::SCOPES;
use super::deviations::{Deviation, DeviationSet};

/// Where the share scope's description is served, and the path of its URI.
pub const SHARE_SCOPE_PATH: &str = "/scopes/share";

/// The share scope's URI for a resource server served at `base_url` (no trailing slash).
pub fn share_scope_uri(base_url: &str) -> String {
    format!("{base_url}{SHARE_SCOPE_PATH}")
}

/// The `resource_scopes` registered for every resource: the action scopes, then the share URI.
pub fn registered_scopes(base_url: &str) -> Vec<String> {
    SCOPES
        .iter()
        .map(|s| s.to_string())
        .chain([share_scope_uri(base_url)])
        .collect()
}

/// The scope description at [`SHARE_SCOPE_PATH`], malformed under `bad-scope-description`.
pub fn share_description(deviations: DeviationSet) -> Value {
    if deviations.has(Deviation::BadScopeDescription) {
        json!({
            "name": 1,
            "name#de": 2,
            "description": 3,
            "description#de": 4,
            "icon_uri": "/icons/share.png",
        })
    } else {
        json!({
            "name": "Share",
            "name#de": "Teilen",
            "description": "Pass the record on to someone else, such as another doctor.",
            "description#de": "Den Befund an jemand anderen weitergeben, etwa an eine andere Ärztin.",
            "icon_uri": "https://rs.example.test/icons/share.png",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_scope_follows_the_action_scopes() {
        assert_eq!(
            registered_scopes("http://127.0.0.1:8081"),
            [
                "view",
                "edit",
                "download",
                "delete",
                "http://127.0.0.1:8081/scopes/share"
            ]
        );
    }

    #[test]
    fn the_faithful_description_has_every_member_as_a_string() {
        let d = share_description(DeviationSet::default());
        let members = d.as_object().unwrap();
        assert_eq!(members.len(), 5);
        assert!(members.values().all(Value::is_string), "{d}");
        assert!(url::Url::parse(d["icon_uri"].as_str().unwrap()).is_ok());
    }
}
