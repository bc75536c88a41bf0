//! The JSON Schemas in `schemas/`: every schema accepts a minimal payload and one carrying
//! extension members (UMA 1.1 notational conventions), and rejects broken payloads at the
//! expected JSON Pointer. The example payloads are the project's own, shaped like the examples
//! of the UMA and OAuth texts.

use serde_json::{Value, json};
use std::path::PathBuf;
use uma_conformance::spec::schemas::{SchemaError, SchemaSet};

const NAMES: [&str; 15] = [
    "introspection-response",
    "oauth-error",
    "oauth-token-response",
    "permission-request",
    "permission-ticket-response",
    "protection-error",
    "resource-create-response",
    "resource-description",
    "resource-list-response",
    "resource-read-response",
    "resource-update-response",
    "rpt-introspection-response",
    "scope-description",
    "uma-conformance-results",
    "uma2-configuration",
];

fn set() -> &'static SchemaSet {
    SchemaSet::embedded_shared()
}

#[track_caller]
fn valid(name: &str, instance: Value) {
    let violations = set().validate(name, &instance).expect("known schema");
    assert!(
        violations.is_empty(),
        "{name} rejected {instance}: {violations:#?}"
    );
}

/// Asserts that `instance` breaks `name` exactly at the given instance paths (sorted, unique).
#[track_caller]
fn invalid_at(name: &str, instance: Value, expected: &[&str]) {
    let violations = set().validate(name, &instance).expect("known schema");
    let mut paths: Vec<&str> = violations
        .iter()
        .map(|v| v.instance_path.as_str())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    let mut wanted = expected.to_vec();
    wanted.sort_unstable();
    assert_eq!(
        paths, wanted,
        "{name} on {instance}: violations {violations:#?}"
    );
    assert!(violations.iter().all(|v| !v.message.trim().is_empty()));
}

// ---------------------------------------------------------------- the set itself

#[test]
fn the_embedded_set_has_exactly_the_documented_schemas() {
    assert_eq!(set().names(), NAMES);
}

#[test]
fn every_schema_declares_draft_2020_12_an_id_a_title_and_a_description() {
    for name in NAMES {
        let text = set().schema_text(name).expect("schema text");
        let schema: Value = serde_json::from_str(text).expect("schema is JSON");
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        assert_eq!(
            schema["$id"],
            format!("https://uma-conformance.dev/schemas/{name}.json"),
            "{name}"
        );
        for key in ["title", "description"] {
            let value = schema[key].as_str().unwrap_or_default();
            assert!(!value.trim().is_empty(), "{name} has no {key}");
        }
    }
}

#[test]
fn no_object_schema_forbids_extension_members() {
    fn walk(name: &str, at: &str, node: &Value) {
        match node {
            Value::Object(map) => {
                if let Some(extra) = map.get("additionalProperties") {
                    assert_ne!(extra, &json!(false), "{name} closes the object at {at}");
                }
                assert!(
                    !map.contains_key("unevaluatedProperties"),
                    "{name} uses unevaluatedProperties at {at}"
                );
                for (key, child) in map {
                    walk(name, &format!("{at}/{key}"), child);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(name, &format!("{at}/{i}"), child);
                }
            }
            _ => {}
        }
    }
    for name in NAMES {
        let schema: Value = serde_json::from_str(set().schema_text(name).unwrap()).unwrap();
        walk(name, "", &schema);
    }
}

#[test]
fn the_schemas_folder_loads_the_same_set() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let from_disk = SchemaSet::from_dir(&dir).expect("schemas/ compiles");
    assert_eq!(from_disk.names(), set().names());
    for name in NAMES {
        assert_eq!(
            from_disk.schema_text(name),
            set().schema_text(name),
            "{name}"
        );
    }
}

#[test]
fn an_unknown_schema_name_is_reported() {
    let error = set().validate("policy", &json!({})).unwrap_err();
    assert!(matches!(error, SchemaError::Unknown(ref n) if n == "policy"));
}

// ---------------------------------------------------------------- uma2-configuration

fn discovery_example() -> Value {
    json!({
        "issuer": "https://auth.example.net/tenants/photos",
        "authorization_endpoint": "https://auth.example.net/tenants/photos/authorize",
        "token_endpoint": "https://auth.example.net/tenants/photos/token",
        "jwks_uri": "https://auth.example.net/tenants/photos/keys",
        "registration_endpoint": "https://auth.example.net/tenants/photos/clients",
        "scopes_supported": ["openid", "uma_protection"],
        "response_types_supported": ["code"],
        "grant_types_supported": [
            "authorization_code",
            "client_credentials",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:uma-ticket"
        ],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256"],
        "ui_locales_supported": ["en-GB", "fr"],
        "revocation_endpoint": "https://auth.example.net/tenants/photos/revoke",
        "introspection_endpoint": "https://auth.example.net/tenants/photos/introspect",
        "code_challenge_methods_supported": ["S256"],
        "claims_interaction_endpoint": "https://auth.example.net/tenants/photos/claims",
        "uma_profiles_supported": ["https://profiles.example.net/uma/claims-jwt"],
        "permission_endpoint": "https://auth.example.net/tenants/photos/uma/permission",
        "resource_registration_endpoint": "https://auth.example.net/tenants/photos/uma/resources",
        "policy_endpoint": "https://auth.example.net/tenants/photos/uma/policy",
        "end_session_endpoint": "https://auth.example.net/tenants/photos/logout",
        "x_vendor": {"build": 42}
    })
}

fn discovery_minimal() -> Value {
    json!({
        "issuer": "https://as.example.com",
        "token_endpoint": "https://as.example.com/token",
        "permission_endpoint": "https://as.example.com/perm",
        "resource_registration_endpoint": "https://as.example.com/rreg"
    })
}

fn with(mut base: Value, key: &str, value: Value) -> Value {
    base[key] = value;
    base
}

fn without(mut base: Value, key: &str) -> Value {
    base.as_object_mut().unwrap().remove(key);
    base
}

#[test]
fn discovery_valid_documents() {
    valid("uma2-configuration", discovery_example());
    // response_types_supported is an RFC 8414 matter, checked elsewhere.
    valid("uma2-configuration", discovery_minimal());
    // Plain http is a dev-profile question, not a schema one.
    valid(
        "uma2-configuration",
        with(
            discovery_minimal(),
            "issuer",
            json!("http://127.0.0.1:8080/realms/test"),
        ),
    );
}

#[test]
fn discovery_invalid_documents() {
    let name = "uma2-configuration";
    invalid_at(name, json!(["issuer"]), &[""]);
    for required in ["issuer", "token_endpoint"] {
        invalid_at(name, without(discovery_example(), required), &[""]);
    }
    // The FedAuthz endpoints are judged by FedAuthz 2 itself, not by the metadata's structure.
    for fedauthz in ["permission_endpoint", "resource_registration_endpoint"] {
        valid(name, without(discovery_example(), fedauthz));
    }
    invalid_at(
        name,
        with(
            discovery_minimal(),
            "issuer",
            json!("https://as.example.com/?tenant=1"),
        ),
        &["/issuer"],
    );
    invalid_at(
        name,
        with(
            discovery_minimal(),
            "issuer",
            json!("https://as.example.com/#top"),
        ),
        &["/issuer"],
    );
    invalid_at(
        name,
        with(discovery_minimal(), "issuer", json!("as.example.com")),
        &["/issuer"],
    );
    invalid_at(
        name,
        with(discovery_minimal(), "token_endpoint", json!("/token")),
        &["/token_endpoint"],
    );
    invalid_at(
        name,
        with(discovery_minimal(), "permission_endpoint", json!(17)),
        &["/permission_endpoint"],
    );
    invalid_at(
        name,
        with(
            discovery_example(),
            "uma_profiles_supported",
            json!("https://p.example/x"),
        ),
        &["/uma_profiles_supported"],
    );
    invalid_at(
        name,
        with(
            discovery_example(),
            "uma_profiles_supported",
            json!(["https://p.example/x", "not a uri"]),
        ),
        &["/uma_profiles_supported/1"],
    );
    invalid_at(
        name,
        with(
            discovery_example(),
            "grant_types_supported",
            json!(["authorization_code", 5]),
        ),
        &["/grant_types_supported/1"],
    );
    invalid_at(
        name,
        with(
            discovery_example(),
            "claims_interaction_endpoint",
            json!("claims"),
        ),
        &["/claims_interaction_endpoint"],
    );
}

// ---------------------------------------------------------------- resource descriptions

fn resource_example() -> Value {
    json!({
        "resource_scopes": [
            "read",
            "https://photos.example.org/scopes/print"
        ],
        "description": "Holiday pictures from 2019",
        "description#fr": "Photos de vacances 2019",
        "icon_uri": "https://photos.example.org/icons/album.png",
        "name": "Holiday album",
        "name#ja": "休日のアルバム",
        "type": "https://photos.example.org/types/album",
        "x-retention-days": 30
    })
}

#[test]
fn resource_description_valid() {
    valid("resource-description", resource_example());
    valid("resource-description", json!({"resource_scopes": []}));
    valid(
        "resource-description",
        json!({
            "resource_scopes": ["post", "read-public", "read-private", "https://feed.example.com/scopes/all"],
            "icon_uri": "https://feed.example.com/icon.svg",
            "name": "Status feed",
            "type": "https://feed.example.com/types/stream/v2"
        }),
    );
}

#[test]
fn resource_description_invalid() {
    let name = "resource-description";
    invalid_at(name, json!("album"), &[""]);
    invalid_at(name, without(resource_example(), "resource_scopes"), &[""]);
    invalid_at(
        name,
        with(resource_example(), "resource_scopes", json!("read")),
        &["/resource_scopes"],
    );
    invalid_at(
        name,
        with(
            resource_example(),
            "resource_scopes",
            json!(["read", {"id": "print"}]),
        ),
        &["/resource_scopes/1"],
    );
    invalid_at(
        name,
        with(resource_example(), "icon_uri", json!("icons/album.png")),
        &["/icon_uri"],
    );
    invalid_at(
        name,
        with(resource_example(), "name", json!(["Holiday"])),
        &["/name"],
    );
    invalid_at(
        name,
        with(resource_example(), "description", json!(1)),
        &["/description"],
    );
    invalid_at(
        name,
        with(resource_example(), "description#de", json!(null)),
        &["/description#de"],
    );
    invalid_at(
        name,
        with(resource_example(), "name#de", json!(false)),
        &["/name#de"],
    );
    invalid_at(
        name,
        with(resource_example(), "type", json!({"uri": "x"})),
        &["/type"],
    );
}

#[test]
fn scope_description_valid_and_invalid() {
    let name = "scope-description";
    valid(name, json!({}));
    valid(
        name,
        json!({
            "name": "Print",
            "name#es": "Imprimir",
            "description": "Send pictures to a print service",
            "description#es": "Enviar fotos a un servicio de impresión",
            "icon_uri": "https://photos.example.org/icons/printer.png",
            "x-audit": true
        }),
    );
    invalid_at(name, json!("print"), &[""]);
    invalid_at(name, json!({"name": 3}), &["/name"]);
    invalid_at(name, json!({"icon_uri": "printer.png"}), &["/icon_uri"]);
    invalid_at(name, json!({"name#es": ["Imprimir"]}), &["/name#es"]);
    invalid_at(
        name,
        json!({"description#es": 0, "description": false}),
        &["/description", "/description#es"],
    );
}

// ---------------------------------------------------------------- registration responses

#[test]
fn create_and_update_responses() {
    for name in ["resource-create-response", "resource-update-response"] {
        valid(name, json!({"_id": "R-71c2"}));
        valid(
            name,
            json!({
                "_id": "R-71c2",
                "user_access_policy_uri": "https://as.example.com/owners/7/resources/R-71c2/policy",
                "created_at": "2024-05-01T10:00:00Z"
            }),
        );
        invalid_at(name, json!([]), &[""]);
        invalid_at(name, json!({}), &[""]);
        invalid_at(
            name,
            json!({"user_access_policy_uri": "https://as.example.com/p"}),
            &[""],
        );
        invalid_at(name, json!({"_id": ""}), &["/_id"]);
        invalid_at(name, json!({"_id": 71}), &["/_id"]);
        invalid_at(
            name,
            json!({"_id": "R-71c2", "user_access_policy_uri": "/policy/R-71c2"}),
            &["/user_access_policy_uri"],
        );
    }
}

#[test]
fn read_response() {
    let name = "resource-read-response";
    valid(
        name,
        with(
            with(resource_example(), "_id", json!("R-71c2")),
            "user_access_policy_uri",
            json!("https://as.example.com/policy/R-71c2"),
        ),
    );
    valid(name, json!({"_id": "R-71c2", "resource_scopes": []}));
    invalid_at(name, resource_example(), &[""]);
    invalid_at(name, json!({"_id": "R-71c2"}), &[""]);
    invalid_at(
        name,
        json!({"_id": "", "resource_scopes": ["read"]}),
        &["/_id"],
    );
    invalid_at(
        name,
        json!({"_id": "R-71c2", "resource_scopes": [1]}),
        &["/resource_scopes/0"],
    );
    invalid_at(
        name,
        json!({"_id": "R-71c2", "resource_scopes": ["read"], "icon_uri": "album.png", "name#fr": 2}),
        &["/icon_uri", "/name#fr"],
    );
    invalid_at(
        name,
        json!({"_id": "R-71c2", "resource_scopes": ["read"], "user_access_policy_uri": "policy"}),
        &["/user_access_policy_uri"],
    );
}

#[test]
fn list_response() {
    let name = "resource-list-response";
    valid(name, json!([]));
    valid(name, json!(["R-71c2", "R-9a0f", "KX3A-39WE"]));
    invalid_at(name, json!({"resources": []}), &[""]);
    invalid_at(name, json!(["R-71c2", 4]), &["/1"]);
    invalid_at(name, json!(["", "R-71c2"]), &["/0"]);
    invalid_at(name, json!([{"_id": "R-71c2"}]), &["/0"]);
}

// ---------------------------------------------------------------- errors

#[test]
fn protection_error() {
    let name = "protection-error";
    valid(name, json!({"error": "invalid_resource_id"}));
    valid(
        name,
        json!({
            "error": "invalid_scope",
            "error_description": "scope 'print' is not registered for R-71c2",
            "error_uri": "https://as.example.com/errors/invalid_scope",
            "trace_id": "d2f1"
        }),
    );
    invalid_at(name, json!("not_found"), &[""]);
    invalid_at(name, json!({"error_description": "nothing here"}), &[""]);
    invalid_at(name, json!({"error": ""}), &["/error"]);
    invalid_at(name, json!({"error": 404}), &["/error"]);
    invalid_at(
        name,
        json!({"error": "not_found", "error_description": ["x"]}),
        &["/error_description"],
    );
    invalid_at(
        name,
        json!({"error": "not_found", "error_uri": "errors/404"}),
        &["/error_uri"],
    );
}

#[test]
fn oauth_error() {
    let name = "oauth-error";
    valid(name, json!({"error": "invalid_grant"}));
    valid(
        name,
        json!({
            "error": "need_info",
            "error_description": "more information about the requesting party is needed",
            "ticket": "b3f0a1e4-2c9d-4b5e-8f7a-61d2c0e9a345",
            "required_claims": [
                {
                    "claim_token_format": ["http://openid.net/specs/openid-connect-core-1_0.html#IDToken"],
                    "claim_type": "urn:oid:0.9.2342.19200300.100.1.3",
                    "friendly_name": "email",
                    "issuer": ["https://idp.example.org"],
                    "name": "mail"
                }
            ],
            "redirect_user": "https://as.example.com/claims?session=2"
        }),
    );
    invalid_at(name, json!([]), &[""]);
    invalid_at(name, json!({"error_description": "bad"}), &[""]);
    invalid_at(name, json!({"error": ""}), &["/error"]);
    invalid_at(name, json!({"error": "bad\"quote"}), &["/error"]);
    invalid_at(name, json!({"error": "caf\u{e9}"}), &["/error"]);
    invalid_at(
        name,
        json!({"error": "invalid_grant", "error_uri": "help"}),
        &["/error_uri"],
    );
    invalid_at(
        name,
        json!({"error": "invalid_grant", "error_description": 1}),
        &["/error_description"],
    );
}

// ---------------------------------------------------------------- token responses

#[test]
fn oauth_token_response() {
    let name = "oauth-token-response";
    valid(
        name,
        json!({"access_token": "at-Qm9vayBvZiBsb2dz", "token_type": "Bearer"}),
    );
    valid(
        name,
        json!({
            "access_token": "rpt-5f7e1c",
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": "rt-9a8b7c",
            "pct": "pct-c2VjcmV0",
            "upgraded": true,
            "x-session": {"id": 1}
        }),
    );
    invalid_at(name, json!("rpt-5f7e1c"), &[""]);
    invalid_at(name, json!({"access_token": "rpt"}), &[""]);
    invalid_at(name, json!({"token_type": "Bearer"}), &[""]);
    invalid_at(
        name,
        json!({"access_token": 12, "token_type": "Bearer"}),
        &["/access_token"],
    );
    invalid_at(
        name,
        json!({"access_token": "", "token_type": "Bearer"}),
        &["/access_token"],
    );
    invalid_at(
        name,
        json!({"access_token": "rpt", "token_type": "Bearer", "expires_in": "3600"}),
        &["/expires_in"],
    );
    invalid_at(
        name,
        json!({"access_token": "rpt", "token_type": "Bearer", "expires_in": 1.5}),
        &["/expires_in"],
    );
    invalid_at(
        name,
        json!({"access_token": "rpt", "token_type": "Bearer", "expires_in": -1}),
        &["/expires_in"],
    );
    invalid_at(
        name,
        json!({"access_token": "rpt", "token_type": "Bearer", "upgraded": "true"}),
        &["/upgraded"],
    );
    invalid_at(
        name,
        json!({"access_token": "rpt", "token_type": "Bearer", "scope": ["read"]}),
        &["/scope"],
    );
}

// ---------------------------------------------------------------- introspection

fn active_rpt() -> Value {
    json!({
        "active": true,
        "exp": 1_767_225_600,
        "iat": 1_767_222_000,
        "client_id": "photo-printer",
        "permissions": [
            {
                "resource_id": "R-71c2",
                "resource_scopes": ["read", "https://photos.example.org/scopes/print"],
                "exp": 1_767_224_000
            },
            {
                "resource_id": "R-9a0f",
                "resource_scopes": [],
                "iat": 1_767_222_000,
                "nbf": 1_767_222_000,
                "x-note": "granted by owner rule 4"
            }
        ],
        "x-risk": "low"
    })
}

#[test]
fn plain_introspection_response() {
    let name = "introspection-response";
    valid(name, json!({"active": false}));
    valid(
        name,
        json!({
            "active": true,
            "scope": "uma_protection",
            "client_id": "photo-rs",
            "username": "alice",
            "token_type": "Bearer",
            "exp": 1_767_225_600,
            "iat": 1_767_222_000,
            "nbf": 1_767_222_000,
            "sub": "u-1234",
            "aud": ["photo-rs", "https://as.example.com"],
            "iss": "https://as.example.com",
            "jti": "a1b2",
            "x-tenant": "photos"
        }),
    );
    valid(name, json!({"active": true, "aud": "photo-rs"}));
    // A PAT has no permissions; a plain introspection has no UMA conditions.
    valid(name, json!({"active": true, "scope": "uma_protection"}));
    valid(name, active_rpt());
    invalid_at(name, json!({}), &[""]);
    invalid_at(name, json!([{"active": true}]), &[""]);
    invalid_at(name, json!({"active": "true"}), &["/active"]);
    invalid_at(name, json!({"active": true, "exp": 1.5}), &["/exp"]);
    invalid_at(name, json!({"active": true, "aud": [1]}), &["/aud"]);
    invalid_at(
        name,
        json!({"active": true, "scope": ["a"], "sub": 3}),
        &["/scope", "/sub"],
    );
}

#[test]
fn rpt_introspection_response_valid() {
    let name = "rpt-introspection-response";
    valid(name, active_rpt());
    valid(name, json!({"active": false}));
    valid(name, json!({"active": true, "permissions": []}));
    // The UMA conditions apply to active RPTs only.
    valid(name, json!({"active": false, "scope": "read"}));
}

#[test]
fn rpt_introspection_response_invalid() {
    let name = "rpt-introspection-response";
    invalid_at(name, json!({"permissions": []}), &[""]);
    invalid_at(name, json!({"active": true}), &[""]);
    invalid_at(
        name,
        with(active_rpt(), "scope", json!("read")),
        &["/scope"],
    );
    invalid_at(
        name,
        with(
            active_rpt(),
            "permissions",
            json!({"resource_id": "R-71c2"}),
        ),
        &["/permissions"],
    );
    invalid_at(
        name,
        json!({"active": true, "permissions": [{"resource_scopes": ["read"]}]}),
        &["/permissions/0"],
    );
    invalid_at(
        name,
        json!({"active": true, "permissions": [{"resource_id": "R-71c2"}]}),
        &["/permissions/0"],
    );
    invalid_at(
        name,
        json!({"active": true, "permissions": [{"resource_id": "R-71c2", "resource_scopes": "read"}]}),
        &["/permissions/0/resource_scopes"],
    );
    invalid_at(
        name,
        json!({"active": true, "permissions": [
            {"resource_id": "R-71c2", "resource_scopes": ["read"]},
            {"resource_id": 9, "resource_scopes": ["read", 2], "exp": "soon"}
        ]}),
        &[
            "/permissions/1/exp",
            "/permissions/1/resource_id",
            "/permissions/1/resource_scopes/1",
        ],
    );
    invalid_at(
        name,
        json!({"active": true, "permissions": [{"resource_id": "R", "resource_scopes": [], "nbf": 1.25, "iat": "x"}]}),
        &["/permissions/0/iat", "/permissions/0/nbf"],
    );
}

#[test]
fn permission_ticket_response() {
    valid(
        "permission-ticket-response",
        json!({"ticket": "016f84e8-f9b9-11e0-bd6f-0021cc6004de"}),
    );
    valid(
        "permission-ticket-response",
        json!({"ticket": "t", "x_vendor": 1}),
    );
    invalid_at(
        "permission-ticket-response",
        json!({"tickets": ["a", "b"]}),
        &[""],
    );
    invalid_at(
        "permission-ticket-response",
        json!({"ticket": ""}),
        &["/ticket"],
    );
}

#[test]
fn permission_request() {
    valid(
        "permission-request",
        json!({"resource_id": "r1", "resource_scopes": ["view"]}),
    );
    valid(
        "permission-request",
        json!([{"resource_id": "r1", "resource_scopes": []}, {"resource_id": "r2", "resource_scopes": ["print"], "x": true}]),
    );
    let violations = set().validate("permission-request", &json!([])).unwrap();
    assert!(
        !violations.is_empty(),
        "an empty array is not a permission request"
    );
    let violations = set()
        .validate("permission-request", &json!({"resource_id": "r1"}))
        .unwrap();
    assert!(!violations.is_empty(), "resource_scopes is required");
}
