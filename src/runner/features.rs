//! Loading the feature files (embedded, or a folder given with `--features`), parsing them with
//! gherkin, and handing them to cucumber already parsed.

use std::path::{Path, PathBuf};

use cucumber::feature::Ext as _;
use futures::stream;

use crate::spec::assets;

#[derive(Debug, Clone)]
pub struct FeatureSource {
    /// Path relative to the features folder, with `/` separators.
    pub path: String,
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum FeatureError {
    #[error("cannot read features from {0}: {1}")]
    Read(String, String),
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("no .feature file found in {0}")]
    Empty(String),
}

pub fn embedded_sources() -> Vec<FeatureSource> {
    let mut out = Vec::new();
    collect_embedded(&assets::FEATURES, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn collect_embedded(dir: &include_dir::Dir<'static>, out: &mut Vec<FeatureSource>) {
    for file in dir.files() {
        if file.path().extension().is_some_and(|e| e == "feature") {
            out.push(FeatureSource {
                path: file.path().to_string_lossy().replace('\\', "/"),
                text: file.contents_utf8().unwrap_or_default().to_string(),
            });
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

pub fn sources_from_dir(root: &Path) -> Result<Vec<FeatureSource>, FeatureError> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| FeatureError::Read(dir.display().to_string(), e.to_string()))?;
        for entry in entries {
            let path = entry
                .map_err(|e| FeatureError::Read(dir.display().to_string(), e.to_string()))?
                .path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "feature") {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| FeatureError::Read(path.display().to_string(), e.to_string()))?;
                let relative = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push(FeatureSource {
                    path: relative,
                    text,
                });
            }
        }
    }
    if out.is_empty() {
        return Err(FeatureError::Empty(root.display().to_string()));
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Parses every source and expands scenario outlines.
pub fn parse(sources: &[FeatureSource]) -> Result<Vec<gherkin::Feature>, FeatureError> {
    sources
        .iter()
        .map(|source| {
            let err = |message: String| FeatureError::Parse {
                path: source.path.clone(),
                message,
            };
            let mut feature = gherkin::Feature::parse(&source.text, gherkin::GherkinEnv::default())
                .map_err(|e| err(e.to_string()))?;
            feature.path = Some(PathBuf::from(&source.path));
            feature.expand_examples().map_err(|e| err(e.to_string()))
        })
        .collect()
}

/// A cucumber parser over features that are already parsed.
pub struct Preparsed;

impl cucumber::Parser<Vec<gherkin::Feature>> for Preparsed {
    type Cli = cucumber::cli::Empty;
    type Output = stream::Iter<std::vec::IntoIter<cucumber::parser::Result<gherkin::Feature>>>;

    fn parse(self, input: Vec<gherkin::Feature>, _cli: Self::Cli) -> Self::Output {
        stream::iter(input.into_iter().map(Ok).collect::<Vec<_>>())
    }
}
