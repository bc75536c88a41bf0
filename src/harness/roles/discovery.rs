//! The discovery document (Grant 2): where it lives and what the harness reads from it.

use serde_json::Value;

use crate::harness::wire::Request;

pub const WELL_KNOWN_SUFFIX: &str = "/.well-known/uma2-configuration";

/// UMA appends the suffix to the whole issuer (Part F 6), unlike RFC 8414 which inserts it
/// before the path. A trailing slash is dropped first so that no `//` appears.
pub fn well_known_url(issuer: &str) -> String {
    format!("{}{WELL_KNOWN_SUFFIX}", issuer.trim_end_matches('/'))
}

pub fn request(issuer: &str) -> Request {
    Request::get(well_known_url(issuer)).header("Accept", "application/json")
}

/// The protection API endpoints FedAuthz 2 defines, with the requirement that makes each one
/// mandatory.
pub const PROTECTION_ENDPOINTS: &[&str] = &[
    "resource_registration_endpoint",
    "permission_endpoint",
    "introspection_endpoint",
];

pub fn member<'a>(document: &'a Value, name: &str) -> Option<&'a Value> {
    document.as_object()?.get(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_goes_after_the_whole_issuer() {
        assert_eq!(
            well_known_url("https://host/realms/x"),
            "https://host/realms/x/.well-known/uma2-configuration"
        );
        assert_eq!(
            well_known_url("https://host/"),
            "https://host/.well-known/uma2-configuration"
        );
    }
}
