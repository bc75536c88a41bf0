//! The reference resource server's fixtures: its settings and PAT credentials (`server.json`) and
//! the resources it serves (`resources.json`), read from `mocks/resource-server/` (embedded, or a
//! folder on disk with the same files).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Value, json};

use super::error::RsError;
use crate::spec::assets::MOCKS;

const EMBEDDED_FOLDER: &str = "resource-server";
const SERVER: &str = "server.json";
const RESOURCES: &str = "resources.json";

/// The kinds of resource the API serves, as they appear in paths.
pub const KINDS: [&str; 2] = ["lab-reports", "prescriptions"];

/// `server.json`: who the resource server works for and how it gets its PAT.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RsServerFixture {
    /// The `realm` of the UMA challenge.
    pub realm: String,
    /// The resource owner whose resources these are (documentation: the AS ties the PAT client
    /// to its owner).
    pub resource_owner: String,
    /// The AS client the PAT is obtained as, with the client credentials grant.
    pub pat_client_id: String,
    pub pat_client_secret: String,
    /// The scope asked for with the PAT.
    pub pat_scope: String,
}

/// One entry of `resources.json`: served at `/patients/{patient}/{kind}/{number}`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RsResourceFixture {
    pub patient: String,
    /// `lab-reports` or `prescriptions`.
    pub kind: String,
    pub number: u32,
    /// The `name` registered at the AS.
    pub name: String,
    /// The `type` registered at the AS.
    pub r#type: String,
    /// The German `name#de` registered at the AS, if any.
    #[serde(default, rename = "name#de")]
    pub name_de: Option<String>,
    /// The `description` registered at the AS, if any.
    #[serde(default)]
    pub description: Option<String>,
    /// The German `description#de` registered at the AS, if any.
    #[serde(default, rename = "description#de")]
    pub description_de: Option<String>,
    /// The `icon_uri` registered at the AS, if any: an absolute URI.
    #[serde(default)]
    pub icon_uri: Option<String>,
    /// What a GET answers: any JSON value.
    pub content: Value,
}

impl RsResourceFixture {
    /// The path the resource is served at.
    pub fn path(&self) -> String {
        format!("/patients/{}/{}/{}", self.patient, self.kind, self.number)
    }

    /// The resource description registered at the AS for it, with these `resource_scopes`:
    /// `name` and `type`, and the optional members the fixture gives.
    pub fn description(&self, scopes: &[String]) -> Value {
        let mut description = serde_json::Map::new();
        description.insert("resource_scopes".into(), json!(scopes));
        description.insert("name".into(), json!(self.name));
        description.insert("type".into(), json!(self.r#type));
        for (member, value) in self.optional_members() {
            if let Some(value) = value {
                description.insert(member.into(), json!(value));
            }
        }
        Value::Object(description)
    }

    fn optional_members(&self) -> [(&'static str, &Option<String>); 4] {
        [
            ("name#de", &self.name_de),
            ("description", &self.description),
            ("description#de", &self.description_de),
            ("icon_uri", &self.icon_uri),
        ]
    }
}

/// Everything the reference resource server starts from.
#[derive(Debug, Clone, PartialEq)]
pub struct RsFixtures {
    pub server: RsServerFixture,
    pub resources: Vec<RsResourceFixture>,
}

impl RsFixtures {
    /// The fixtures compiled into the binary (`mocks/resource-server/`).
    pub fn embedded() -> Result<RsFixtures, RsError> {
        let read = |name: &str| -> Result<(String, String), RsError> {
            let path = format!("{EMBEDDED_FOLDER}/{name}");
            let text = MOCKS
                .get_file(&path)
                .ok_or_else(|| RsError::fixtures(&path, "missing"))?
                .contents_utf8()
                .ok_or_else(|| RsError::fixtures(&path, "not UTF-8"))?;
            Ok((path, text.to_string()))
        };
        Self::parse(read(SERVER)?, read(RESOURCES)?)
    }

    /// The same files from a folder on disk: one holding them, or one with a
    /// `resource-server/` subfolder holding them (so `mocks/` works too).
    pub fn from_dir(dir: &Path) -> Result<RsFixtures, RsError> {
        let folder: PathBuf = if dir.join(EMBEDDED_FOLDER).join(SERVER).is_file() {
            dir.join(EMBEDDED_FOLDER)
        } else {
            dir.to_path_buf()
        };
        let read = |name: &str| -> Result<(String, String), RsError> {
            let path = folder.join(name);
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(&path)
                .map_err(|e| RsError::fixtures(&shown, e.to_string()))?;
            Ok((shown, text))
        };
        Self::parse(read(SERVER)?, read(RESOURCES)?)
    }

    fn parse(server: (String, String), resources: (String, String)) -> Result<RsFixtures, RsError> {
        let parsed: RsServerFixture = serde_json::from_str(&server.1)
            .map_err(|e| RsError::fixtures(&server.0, e.to_string()))?;
        for (field, value) in [
            ("realm", &parsed.realm),
            ("resource_owner", &parsed.resource_owner),
            ("pat_client_id", &parsed.pat_client_id),
            ("pat_client_secret", &parsed.pat_client_secret),
            ("pat_scope", &parsed.pat_scope),
        ] {
            if value.is_empty() {
                return Err(RsError::fixtures(&server.0, format!("{field} is empty")));
            }
        }
        if parsed.realm.contains(['"', '\\']) {
            return Err(RsError::fixtures(
                &server.0,
                "realm may not hold quotes or backslashes",
            ));
        }
        let list: Vec<RsResourceFixture> = serde_json::from_str(&resources.1)
            .map_err(|e| RsError::fixtures(&resources.0, e.to_string()))?;
        let mut paths = BTreeSet::new();
        for r in &list {
            let segment_ok = !r.patient.is_empty()
                && r.patient
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !segment_ok {
                return Err(RsError::fixtures(
                    &resources.0,
                    format!("patient {:?}: letters, digits, - and _ only", r.patient),
                ));
            }
            if !KINDS.contains(&r.kind.as_str()) {
                return Err(RsError::fixtures(
                    &resources.0,
                    format!("kind {:?}: one of {}", r.kind, KINDS.join(", ")),
                ));
            }
            if r.name.is_empty() || r.r#type.is_empty() {
                return Err(RsError::fixtures(
                    &resources.0,
                    "name and type may not be empty",
                ));
            }
            for (member, value) in r.optional_members() {
                if value.as_deref().is_some_and(str::is_empty) {
                    return Err(RsError::fixtures(
                        &resources.0,
                        format!("{}: {member} may not be empty", r.path()),
                    ));
                }
            }
            if let Some(icon) = &r.icon_uri {
                if url::Url::parse(icon).is_err() {
                    return Err(RsError::fixtures(
                        &resources.0,
                        format!("{}: icon_uri {icon:?} is not an absolute URI", r.path()),
                    ));
                }
            }
            if !paths.insert(r.path()) {
                return Err(RsError::fixtures(
                    &resources.0,
                    format!("{} twice", r.path()),
                ));
            }
        }
        Ok(RsFixtures {
            server: parsed,
            resources: list,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_fixtures_load() {
        let f = RsFixtures::embedded().unwrap();
        assert_eq!(f.server.resource_owner, "alice");
        assert_eq!(f.server.pat_client_id, "rs-alice");
        assert!(
            f.resources
                .iter()
                .any(|r| r.path() == "/patients/alice/lab-reports/1")
        );
        assert!(
            f.resources
                .iter()
                .any(|r| r.path() == "/patients/alice/prescriptions/1")
        );
    }

    #[test]
    fn bad_fixtures_are_refused() {
        let server = || {
            (
                SERVER.to_string(),
                MOCKS
                    .get_file("resource-server/server.json")
                    .unwrap()
                    .contents_utf8()
                    .unwrap()
                    .to_string(),
            )
        };
        let bad = |text: &str| RsFixtures::parse(server(), ("r".into(), text.into())).is_err();
        let one = r#"{"patient":"alice","kind":"lab-reports","number":1,"name":"n","type":"t","content":{}}"#;
        assert!(!bad(&format!("[{one}]")));
        assert!(bad(&format!("[{one},{one}]")));
        assert!(bad(&format!("[{}]", one.replace("lab-reports", "x-rays"))));
        assert!(bad(&format!("[{}]", one.replace("\"alice\"", "\"a/b\""))));
        assert!(bad(&format!(
            "[{}]",
            one.replace("\"content\"", "\"extra\":1,\"content\"")
        )));
        let with = |members: &str| {
            format!(
                "[{}]",
                one.replace("\"content\"", &format!("{members},\"content\""))
            )
        };
        assert!(!bad(&with(
            r#""name#de":"N","description":"d","description#de":"D","icon_uri":"https://rs.example.test/i.png""#
        )));
        assert!(bad(&with(r#""icon_uri":"icons/i.png""#)));
        assert!(bad(&with(r#""description":"""#)));
        assert!(bad(&with(r#""name#de":7"#)));
    }

    #[test]
    fn the_description_carries_the_optional_members_given() {
        let f = RsFixtures::embedded().unwrap();
        let scopes = vec!["view".to_string()];
        for r in &f.resources {
            let d = r.description(&scopes);
            for member in [
                "name",
                "name#de",
                "description",
                "description#de",
                "icon_uri",
                "type",
            ] {
                assert!(d[member].is_string(), "{}: {member} in {d}", r.path());
            }
            assert_eq!(d["resource_scopes"], json!(["view"]));
        }
        let bare: RsResourceFixture = serde_json::from_value(json!({
            "patient": "p", "kind": "lab-reports", "number": 1, "name": "n", "type": "t", "content": {}
        }))
        .unwrap();
        assert_eq!(
            bare.description(&scopes),
            json!({"resource_scopes": ["view"], "name": "n", "type": "t"})
        );
    }

    #[test]
    fn a_folder_on_disk_works_with_or_without_the_subfolder() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("mocks");
        let embedded = RsFixtures::embedded().unwrap();
        assert_eq!(RsFixtures::from_dir(&root).unwrap(), embedded);
        assert_eq!(
            RsFixtures::from_dir(&root.join("resource-server")).unwrap(),
            embedded
        );
    }
}
