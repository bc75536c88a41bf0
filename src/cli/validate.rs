//! `validate`: check a JSON file against one of the harness's schemas, or list the schemas.

use crate::spec::schemas::{SchemaError, SchemaSet};
use serde_json::Value;
use std::io::Write;
use std::path::Path;

/// Exit code when the file is valid, or when the schema names were listed.
pub const VALID: i32 = 0;
/// Exit code when the file is not JSON or breaks the schema.
pub const INVALID: i32 = 1;
/// Exit code for a usage problem: unknown schema, missing or unreadable file.
pub const USAGE: i32 = 2;

/// With no schema name, lists the schema names one per line. With a name and a file, validates
/// the file and prints `valid` or one `<json pointer>: <message>` line per violation (`/` is the
/// root). Returns 0 (valid or listed), 1 (not JSON or invalid) or 2 (usage problem).
pub fn run(
    schemas: &SchemaSet,
    schema: Option<&str>,
    file: Option<&Path>,
    out: &mut dyn Write,
) -> i32 {
    // Output goes to a terminal or a pipe; a failed write cannot be reported any better.
    match execute(schemas, schema, file, out) {
        Ok(code) => code,
        Err(_) => USAGE,
    }
}

fn execute(
    schemas: &SchemaSet,
    schema: Option<&str>,
    file: Option<&Path>,
    out: &mut dyn Write,
) -> std::io::Result<i32> {
    let Some(name) = schema else {
        for name in schemas.names() {
            writeln!(out, "{name}")?;
        }
        return Ok(VALID);
    };
    if schemas.schema_text(name).is_none() {
        writeln!(
            out,
            "unknown schema {name:?}; known schemas: {}",
            schemas.names().join(", ")
        )?;
        return Ok(USAGE);
    }
    let Some(file) = file else {
        writeln!(out, "no file given to validate against schema {name:?}")?;
        return Ok(USAGE);
    };
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            writeln!(out, "cannot read {}: {e}", file.display())?;
            return Ok(USAGE);
        }
    };
    let instance: Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(e) => {
            writeln!(out, "{} is not valid JSON: {e}", file.display())?;
            return Ok(INVALID);
        }
    };
    let violations = match schemas.validate(name, &instance) {
        Ok(violations) => violations,
        Err(SchemaError::Unknown(_)) => {
            writeln!(out, "unknown schema {name:?}")?;
            return Ok(USAGE);
        }
        Err(e) => {
            writeln!(out, "{e}")?;
            return Ok(USAGE);
        }
    };
    if violations.is_empty() {
        writeln!(out, "valid")?;
        return Ok(VALID);
    }
    for violation in &violations {
        let path = if violation.instance_path.is_empty() {
            "/"
        } else {
            violation.instance_path.as_str()
        };
        writeln!(out, "{path}: {}", violation.message)?;
    }
    Ok(INVALID)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schemas() -> &'static SchemaSet {
        SchemaSet::embedded_shared()
    }

    fn json_file(content: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
        file.write_all(content.as_bytes()).unwrap();
        file.flush().unwrap();
        file
    }

    fn call(schema: Option<&str>, file: Option<&Path>) -> (i32, String) {
        let mut out = Vec::new();
        let code = run(schemas(), schema, file, &mut out);
        (code, String::from_utf8(out).unwrap())
    }

    #[test]
    fn without_a_schema_name_lists_the_names() {
        let (code, out) = call(None, None);
        assert_eq!(code, 0);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines, schemas().names());
        assert!(lines.contains(&"uma2-configuration"));
    }

    #[test]
    fn a_valid_file_prints_valid() {
        let file = json_file(r#"{"_id": "KX3A-39WE", "vendor_flag": true}"#);
        let (code, out) = call(Some("resource-create-response"), Some(file.path()));
        assert_eq!((code, out.as_str()), (0, "valid\n"));
    }

    #[test]
    fn violations_are_printed_with_their_paths() {
        let file = json_file(r#"{"resource_scopes": ["read", 7]}"#);
        let (code, out) = call(Some("resource-read-response"), Some(file.path()));
        assert_eq!(code, 1);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("/: ") && l.contains("_id"))
        );
        assert!(lines.iter().any(|l| l.starts_with("/resource_scopes/1: ")));
    }

    #[test]
    fn a_file_that_is_not_json_is_invalid() {
        let file = json_file("{\"error\": ");
        let (code, out) = call(Some("oauth-error"), Some(file.path()));
        assert_eq!(code, 1);
        assert!(out.contains("not valid JSON"), "{out}");
    }

    #[test]
    fn usage_problems_return_2() {
        let file = json_file("{}");
        let (code, out) = call(Some("no-such-schema"), Some(file.path()));
        assert_eq!(code, 2);
        assert!(out.contains("unknown schema"), "{out}");

        let (code, out) = call(Some("oauth-error"), None);
        assert_eq!(code, 2);
        assert!(out.contains("no file"), "{out}");

        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("absent.json");
        let (code, out) = call(Some("oauth-error"), Some(&missing));
        assert_eq!(code, 2);
        assert!(out.contains("cannot read"), "{out}");
    }
}
