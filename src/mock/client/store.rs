//! The tokens kept between runs, per AS issuer, in `{state_dir}/uma-client-state.json`: the RPT,
//! the PCT and the refresh token, plus which AS protects which resource URL (so that a later run
//! can present the RPT on its first request). On unix the file is readable by its owner only
//! (Grant 5.2: the PCT stays confidential in storage).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::ClientError;

const FILE_NAME: &str = "uma-client-state.json";

/// The tokens of one authorization server.
#[derive(Clone, Default, Serialize, Deserialize)]
pub(crate) struct Held {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) rpt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) pct: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) refresh_token: Option<String>,
}

#[derive(Default, Serialize, Deserialize)]
struct Saved {
    #[serde(default)]
    issuers: BTreeMap<String, Held>,
    /// Resource URL -> the as_uri of its last challenge.
    #[serde(default)]
    resources: BTreeMap<String, String>,
}

/// The state of a run; without a state dir it lives in memory only.
pub(crate) struct Store {
    file: Option<PathBuf>,
    saved: Saved,
}

impl Store {
    /// Reads the state file under `dir`; a missing file or dir is an empty state.
    pub(crate) fn open(dir: Option<&Path>) -> Result<Store, ClientError> {
        let Some(dir) = dir else {
            return Ok(Store {
                file: None,
                saved: Saved::default(),
            });
        };
        let file = dir.join(FILE_NAME);
        let saved = match std::fs::read_to_string(&file) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| ClientError::Failure(format!("state file {}: {e}", file.display())))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Saved::default(),
            Err(e) => {
                return Err(ClientError::Failure(format!(
                    "state file {}: {e}",
                    file.display()
                )));
            }
        };
        Ok(Store {
            file: Some(file),
            saved,
        })
    }

    pub(crate) fn issuer_of(&self, resource_url: &str) -> Option<&str> {
        self.saved.resources.get(resource_url).map(String::as_str)
    }

    pub(crate) fn held(&self, issuer: &str) -> Held {
        self.saved.issuers.get(issuer).cloned().unwrap_or_default()
    }

    pub(crate) fn remember_resource(&mut self, resource_url: &str, issuer: &str) {
        self.saved
            .resources
            .insert(resource_url.to_string(), issuer.to_string());
    }

    /// Changes what is held for `issuer` and writes the file.
    pub(crate) fn update(
        &mut self,
        issuer: &str,
        change: impl FnOnce(&mut Held),
    ) -> Result<(), ClientError> {
        change(self.saved.issuers.entry(issuer.to_string()).or_default());
        self.save()
    }

    /// Keeps a newly issued RPT, and the PCT and refresh token that came with it; an answer
    /// without them leaves the ones held before.
    pub(crate) fn keep_issued(
        &mut self,
        issuer: &str,
        rpt: String,
        pct: Option<String>,
        refresh_token: Option<String>,
    ) -> Result<(), ClientError> {
        self.update(issuer, |held| {
            held.rpt = Some(rpt);
            held.pct = pct.or(held.pct.take());
            held.refresh_token = refresh_token.or(held.refresh_token.take());
        })
    }

    /// Writes a temporary file (owner-only on unix) and renames it over the old one, so that an
    /// interrupted run never leaves half a file.
    pub(crate) fn save(&self) -> Result<(), ClientError> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let fail =
            |e: std::io::Error| ClientError::Failure(format!("state file {}: {e}", file.display()));
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let text = serde_json::to_string_pretty(&self.saved)
            .map_err(|e| ClientError::Failure(format!("state file: {e}")))?;
        let temp = file.with_extension("json.tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut handle = options.open(&temp).map_err(fail)?;
        handle.write_all(text.as_bytes()).map_err(fail)?;
        handle.sync_all().map_err(fail)?;
        drop(handle);
        std::fs::rename(&temp, file).map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_tokens_per_issuer_across_opens() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(Some(dir.path())).unwrap();
        store.remember_resource("http://rs/r", "http://as");
        store
            .update("http://as", |h| h.pct = Some("p".into()))
            .unwrap();
        let again = Store::open(Some(dir.path())).unwrap();
        assert_eq!(again.issuer_of("http://rs/r"), Some("http://as"));
        assert_eq!(again.held("http://as").pct.as_deref(), Some("p"));
        assert!(again.held("http://other").pct.is_none());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "owner only");
        }
    }

    #[test]
    fn a_corrupt_file_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "{not json").unwrap();
        assert!(Store::open(Some(dir.path())).is_err());
    }
}
