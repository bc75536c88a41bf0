//! The requirement catalogue: every requirement id of the UMA 2.0 documents (and the few RFC
//! checks the harness adds), with level, party, section, testability and the project's own
//! one-line summary. The data lives in `spec/requirements.tsv`.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

/// How strongly a requirement binds, from its BCP 14 keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Must,
    Should,
    May,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::May => "MAY",
        }
    }

    /// The Gherkin tag that marks a scenario of this level.
    pub fn tag(self) -> &'static str {
        match self {
            Level::Must => "must",
            Level::Should => "should",
            Level::May => "may",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Level> {
        match tag {
            "must" => Some(Level::Must),
            "should" => Some(Level::Should),
            "may" => Some(Level::May),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "MUST" => Ok(Level::Must),
            "SHOULD" => Ok(Level::Should),
            "MAY" => Ok(Level::May),
            other => Err(format!("unknown level {other:?}")),
        }
    }
}

/// The document a requirement comes from. RFC checks are reported apart from the UMA verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Document {
    Grant,
    Fedauthz,
    Rfc6749,
    Rfc6750,
    Rfc7662,
    Rfc8414,
}

impl Document {
    pub fn is_uma(self) -> bool {
        matches!(self, Document::Grant | Document::Fedauthz)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Document::Grant => "grant",
            Document::Fedauthz => "fedauthz",
            Document::Rfc6749 => "rfc6749",
            Document::Rfc6750 => "rfc6750",
            Document::Rfc7662 => "rfc7662",
            Document::Rfc8414 => "rfc8414",
        }
    }
}

impl FromStr for Document {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "grant" => Document::Grant,
            "fedauthz" => Document::Fedauthz,
            "rfc6749" => Document::Rfc6749,
            "rfc6750" => Document::Rfc6750,
            "rfc7662" => Document::Rfc7662,
            "rfc8414" => Document::Rfc8414,
            other => return Err(format!("unknown document {other:?}")),
        })
    }
}

/// Whether a black-box harness can observe the requirement over HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Testability {
    Yes,
    Partly,
    No,
}

impl FromStr for Testability {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "yes" => Ok(Testability::Yes),
            "partly" => Ok(Testability::Partly),
            "no" => Ok(Testability::No),
            other => Err(format!("unknown testability {other:?}")),
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Requirement {
    pub id: String,
    pub document: Document,
    pub section: String,
    pub level: Level,
    /// The party the requirement binds, as the catalogue labels it (AS, RS, client, any, AS+RS, ...).
    pub party: String,
    pub testable: Testability,
    pub summary: String,
}

impl Requirement {
    /// Whether the party label names `party` (e.g. "AS" is named by "AS" and "AS+RS").
    pub fn binds(&self, party: &str) -> bool {
        self.party
            .split(['+', '/'])
            .any(|p| p.eq_ignore_ascii_case(party))
    }
}

#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    by_id: BTreeMap<String, Requirement>,
    order: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("requirements catalogue line {line}: {message}")]
pub struct CatalogueError {
    pub line: usize,
    pub message: String,
}

/// The columns of `spec/requirements.tsv`, in order.
pub const COLUMNS: [&str; 7] = [
    "id", "document", "section", "level", "party", "testable", "summary",
];

impl Catalogue {
    /// The catalogue embedded in the binary.
    pub fn embedded() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| {
            let text = crate::spec::assets::SPEC
                .get_file("requirements.tsv")
                .and_then(|f| f.contents_utf8())
                .expect("spec/requirements.tsv is embedded");
            Catalogue::from_tsv(text).expect("embedded requirements catalogue is valid")
        })
    }

    /// Parses the tab-separated catalogue; the first line is the header.
    pub fn from_tsv(text: &str) -> Result<Catalogue, CatalogueError> {
        let mut catalogue = Catalogue::default();
        let mut lines = text.lines().enumerate();
        let header = lines.next().map(|(_, l)| l).unwrap_or_default();
        let expected = COLUMNS.join("\t");
        if header.trim_end() != expected {
            return Err(CatalogueError {
                line: 1,
                message: format!("header must be {expected:?}"),
            });
        }
        for (index, line) in lines {
            let line_no = index + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: String| CatalogueError {
                line: line_no,
                message,
            };
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() != COLUMNS.len() {
                return Err(err(format!(
                    "expected {} columns, found {}",
                    COLUMNS.len(),
                    cols.len()
                )));
            }
            let requirement = Requirement {
                id: cols[0].to_string(),
                document: cols[1].parse().map_err(err)?,
                section: cols[2].to_string(),
                level: cols[3].parse().map_err(err)?,
                party: cols[4].to_string(),
                testable: cols[5].parse().map_err(err)?,
                summary: cols[6].to_string(),
            };
            if requirement.summary.trim().is_empty() {
                return Err(err(format!("{} has no summary", requirement.id)));
            }
            if catalogue.by_id.contains_key(&requirement.id) {
                return Err(err(format!("duplicate id {}", requirement.id)));
            }
            catalogue.order.push(requirement.id.clone());
            catalogue.by_id.insert(requirement.id.clone(), requirement);
        }
        Ok(catalogue)
    }

    pub fn get(&self, id: &str) -> Option<&Requirement> {
        self.by_id.get(id)
    }

    /// Requirements in catalogue (spec) order.
    pub fn iter(&self) -> impl Iterator<Item = &Requirement> {
        self.order.iter().map(|id| &self.by_id[id])
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Whether a Gherkin tag (without `@`) names a requirement id of this catalogue.
    pub fn is_requirement_tag(&self, tag: &str) -> bool {
        self.by_id.contains_key(tag)
    }
}
