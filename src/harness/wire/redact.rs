//! Redaction by value: every secret the harness sends or learns (client secrets, PATs, tokens,
//! tickets) is registered here, and report text is scrubbed of each one wherever it appears.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

pub const REDACTED: &str = "[REDACTED]";

/// Secrets shorter than this are not redacted: replacing two-letter strings would shred reports
/// while protecting nothing.
const MIN_SECRET_LEN: usize = 6;

#[derive(Clone, Default)]
pub struct Secrets {
    values: Arc<RwLock<BTreeSet<String>>>,
    reveal: bool,
}

/// Never the values themselves: a debug print must not become the leak it guards against.
impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.values.read().map(|v| v.len()).unwrap_or(0);
        f.debug_struct("Secrets")
            .field("registered", &count)
            .field("reveal", &self.reveal)
            .finish()
    }
}

impl Secrets {
    pub fn new(reveal: bool) -> Secrets {
        Secrets {
            values: Arc::default(),
            reveal,
        }
    }

    /// Registers a secret learned from the wire, and the encodings it may travel in. Very short
    /// values are ignored: they are not credentials, and replacing them would shred reports.
    pub fn register(&self, secret: &str) {
        if secret.len() >= MIN_SECRET_LEN {
            self.insert_with_encodings(secret);
        }
    }

    /// Registers a secret the user configured: redacted whatever its length.
    pub fn register_configured(&self, secret: &str) {
        if !secret.is_empty() {
            self.insert_with_encodings(secret);
        }
    }

    fn insert_with_encodings(&self, secret: &str) {
        let mut values = self.values.write().unwrap_or_else(|e| e.into_inner());
        values.insert(secret.to_string());
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        if encoded != secret {
            values.insert(encoded);
        }
        // Inside a JSON string, quotes, backslashes and slashes may come escaped.
        let json = serde_json::to_string(secret).unwrap_or_default();
        let escaped = json.trim_matches('"');
        if escaped != secret && !escaped.is_empty() {
            values.insert(escaped.to_string());
        }
    }

    pub fn reveal(&self) -> bool {
        self.reveal
    }

    /// Every registered value, encodings included (for the test that greps reports for them).
    pub fn values(&self) -> Vec<String> {
        let values = self.values.read().unwrap_or_else(|e| e.into_inner());
        values.iter().cloned().collect()
    }

    /// Replaces every registered secret in `text`, longest first so that a secret containing
    /// another is replaced whole.
    pub fn redact(&self, text: &str) -> String {
        if self.reveal {
            return text.to_string();
        }
        let values = self.values.read().unwrap_or_else(|e| e.into_inner());
        let mut ordered: Vec<&String> = values.iter().collect();
        ordered.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let mut out = text.to_string();
        for secret in ordered {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_every_occurrence_and_encoding() {
        let secrets = Secrets::new(false);
        secrets.register("s3cr3t/value+x");
        let text = "secret=s3cr3t%2Fvalue%2Bx and s3cr3t/value+x";
        assert_eq!(secrets.redact(text), "secret=[REDACTED] and [REDACTED]");
    }

    #[test]
    fn longer_secret_wins_over_its_prefix() {
        let secrets = Secrets::new(false);
        secrets.register("abcdef");
        secrets.register("abcdefghij");
        assert_eq!(secrets.redact("abcdefghij abcdef"), "[REDACTED] [REDACTED]");
    }

    #[test]
    fn reveal_keeps_text_and_short_values_are_ignored() {
        let secrets = Secrets::new(true);
        secrets.register("abcdefgh");
        assert_eq!(secrets.redact("abcdefgh"), "abcdefgh");
        let secrets = Secrets::new(false);
        secrets.register("abc");
        assert_eq!(secrets.redact("abc"), "abc");
    }
}
