//! JSON Schemas (draft 2020-12) for every UMA message, loaded from `schemas/` (embedded, or a
//! folder given with `--schemas`).
//!
//! Each schema is compiled once, offline (a schema can never make the harness fetch anything),
//! with `format` treated as an assertion, so `"format": "uri"` rejects relative or broken URIs.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

/// One way an instance breaks a schema.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    /// JSON Pointer into the instance, e.g. `/resource_scopes/0` ("" for the root).
    pub instance_path: String,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.instance_path.is_empty() {
            "/"
        } else {
            &self.instance_path
        };
        write!(f, "{path}: {}", self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("unknown schema {0:?}")]
    Unknown(String),
    #[error("schema {name}: {message}")]
    Invalid { name: String, message: String },
    #[error("reading schemas: {0}")]
    Io(String),
}

struct Compiled {
    text: String,
    validator: jsonschema::Validator,
}

/// The compiled schemas, by name (the file name without `.json`).
pub struct SchemaSet {
    schemas: BTreeMap<String, Compiled>,
}

impl fmt::Debug for SchemaSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemaSet")
            .field("names", &self.names())
            .finish()
    }
}

impl SchemaSet {
    /// The schemas embedded in the binary (`schemas/*.json` at build time).
    pub fn embedded() -> Result<SchemaSet, SchemaError> {
        let mut sources = Vec::new();
        for file in crate::spec::assets::SCHEMAS.files() {
            let Some(name) = schema_name(file.path()) else {
                continue;
            };
            let text = file.contents_utf8().ok_or_else(|| SchemaError::Invalid {
                name: name.clone(),
                message: "not UTF-8".to_string(),
            })?;
            sources.push((name, text.to_string()));
        }
        SchemaSet::compile(sources)
    }

    /// The embedded schemas, compiled once per process.
    ///
    /// # Panics
    /// If an embedded schema does not compile (the crate's own tests rule that out).
    pub fn embedded_shared() -> &'static SchemaSet {
        static SET: OnceLock<SchemaSet> = OnceLock::new();
        SET.get_or_init(|| SchemaSet::embedded().expect("embedded JSON Schemas compile"))
    }

    /// Every `*.json` file directly inside `dir`.
    pub fn from_dir(dir: &Path) -> Result<SchemaSet, SchemaError> {
        let io = |e: std::io::Error| SchemaError::Io(format!("{}: {e}", dir.display()));
        let mut sources = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if !path.is_file() {
                continue;
            }
            let Some(name) = schema_name(&path) else {
                continue;
            };
            let text = std::fs::read_to_string(&path)
                .map_err(|e| SchemaError::Io(format!("{}: {e}", path.display())))?;
            sources.push((name, text));
        }
        if sources.is_empty() {
            return Err(SchemaError::Io(format!(
                "{}: no *.json schema found",
                dir.display()
            )));
        }
        SchemaSet::compile(sources)
    }

    fn compile(sources: Vec<(String, String)>) -> Result<SchemaSet, SchemaError> {
        let mut schemas = BTreeMap::new();
        for (name, text) in sources {
            let invalid = |message: String| SchemaError::Invalid {
                name: name.clone(),
                message,
            };
            let schema: Value =
                serde_json::from_str(&text).map_err(|e| invalid(format!("not JSON: {e}")))?;
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .offline()
                .build(&schema)
                .map_err(|e| invalid(e.to_string()))?;
            if schemas
                .insert(name.clone(), Compiled { text, validator })
                .is_some()
            {
                return Err(invalid("defined twice".to_string()));
            }
        }
        Ok(SchemaSet { schemas })
    }

    /// Schema names, sorted.
    pub fn names(&self) -> Vec<String> {
        self.schemas.keys().cloned().collect()
    }

    /// The source text of a schema, as loaded.
    pub fn schema_text(&self, name: &str) -> Option<&str> {
        self.schemas.get(name).map(|c| c.text.as_str())
    }

    /// Every violation of schema `name` by `instance` (empty when the instance is valid).
    pub fn validate(&self, name: &str, instance: &Value) -> Result<Vec<Violation>, SchemaError> {
        let compiled = self
            .schemas
            .get(name)
            .ok_or_else(|| SchemaError::Unknown(name.to_string()))?;
        let mut violations: Vec<Violation> = Vec::new();
        for error in compiled.validator.iter_errors(instance) {
            let message = match error.kind() {
                // A `false` subschema forbids a member; the library's wording names neither.
                jsonschema::error::ValidationErrorKind::FalseSchema => {
                    format!("must not be present here (found {})", error.instance())
                }
                _ => error.to_string(),
            };
            let violation = Violation {
                instance_path: error.instance_path().as_str().to_string(),
                message,
            };
            if !violations.contains(&violation) {
                violations.push(violation);
            }
        }
        Ok(violations)
    }
}

/// The embedded schemas, compiled once per process (see [`SchemaSet::embedded_shared`]).
pub fn embedded_shared() -> &'static SchemaSet {
    SchemaSet::embedded_shared()
}

/// `foo` for a path ending in `foo.json`; `None` for anything else.
fn schema_name(path: &Path) -> Option<String> {
    if path.extension()? != "json" {
        return None;
    }
    Some(path.file_stem()?.to_str()?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn embedded_schemas_compile_and_are_sorted() {
        let set = SchemaSet::embedded().expect("embedded schemas compile");
        let names = set.names();
        assert!(!names.is_empty());
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        assert!(names.iter().any(|n| n == "uma2-configuration"));
    }

    #[test]
    fn unknown_schema_is_an_error() {
        let set = SchemaSet::embedded_shared();
        assert!(matches!(
            set.validate("no-such-schema", &json!({})),
            Err(SchemaError::Unknown(_))
        ));
    }

    #[test]
    fn root_and_nested_paths_are_json_pointers() {
        let set = SchemaSet::embedded_shared();
        let root = set.validate("resource-description", &json!([])).unwrap();
        assert_eq!(root[0].instance_path, "");
        assert_eq!(root[0].to_string().split(':').next(), Some("/"));
        let nested = set
            .validate(
                "resource-description",
                &json!({"resource_scopes": ["a", 3]}),
            )
            .unwrap();
        assert_eq!(nested.len(), 1);
        assert_eq!(nested[0].instance_path, "/resource_scopes/1");
    }

    #[test]
    fn formats_are_asserted() {
        let set = SchemaSet::embedded_shared();
        let v = set
            .validate(
                "protection-error",
                &json!({"error": "not_found", "error_uri": "not a uri"}),
            )
            .unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].instance_path, "/error_uri");
    }

    #[test]
    fn schema_text_is_kept() {
        let set = SchemaSet::embedded_shared();
        let text = set.schema_text("oauth-error").unwrap();
        assert!(text.contains("2020-12"));
        assert!(set.schema_text("nope").is_none());
    }

    #[test]
    fn from_dir_rejects_bad_files_and_empty_folders() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            SchemaSet::from_dir(dir.path()),
            Err(SchemaError::Io(_))
        ));
        std::fs::write(dir.path().join("broken.json"), "{").unwrap();
        match SchemaSet::from_dir(dir.path()) {
            Err(SchemaError::Invalid { name, .. }) => assert_eq!(name, "broken"),
            other => panic!("expected Invalid, got {other:?}"),
        }
        std::fs::write(dir.path().join("broken.json"), r#"{"type": 12}"#).unwrap();
        assert!(matches!(
            SchemaSet::from_dir(dir.path()),
            Err(SchemaError::Invalid { .. })
        ));
        assert!(matches!(
            SchemaSet::from_dir(&dir.path().join("missing")),
            Err(SchemaError::Io(_))
        ));
    }

    #[test]
    fn from_dir_loads_only_json_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("thing.json"),
            r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "required": ["a"]}"#,
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
        let set = SchemaSet::from_dir(dir.path()).unwrap();
        assert_eq!(set.names(), vec!["thing".to_string()]);
        assert!(set.validate("thing", &json!({"a": 1})).unwrap().is_empty());
        assert_eq!(set.validate("thing", &json!({})).unwrap().len(), 1);
    }

    #[test]
    fn remote_references_are_never_fetched() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("remote.json"),
            r#"{"$ref": "https://example.invalid/elsewhere.json"}"#,
        )
        .unwrap();
        assert!(matches!(
            SchemaSet::from_dir(dir.path()),
            Err(SchemaError::Invalid { .. })
        ));
    }
}
