//! State shared by every scenario of one run: the target, the driver, the schemas, the discovery
//! document fetched at start, and tokens cached so a vendor's token endpoint is not hammered.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::Mutex;

use super::target::Target;
use super::wire::{Exchange, HttpDriver};
use crate::spec::requirements::Catalogue;
use crate::spec::schemas::SchemaSet;

/// The discovery document as fetched when the run started.
#[derive(Debug, Clone)]
pub struct DiscoverySnapshot {
    pub document: Value,
    pub exchange: Exchange,
}

pub struct RunContext {
    pub target: Target,
    pub driver: HttpDriver,
    pub schemas: Arc<SchemaSet>,
    pub catalogue: &'static Catalogue,
    pub discovery: DiscoverySnapshot,
    /// Access tokens by owner label ("alice", "bob", "alice/no-protection").
    tokens: Mutex<HashMap<String, String>>,
}

impl RunContext {
    pub fn new(
        target: Target,
        driver: HttpDriver,
        schemas: Arc<SchemaSet>,
        discovery: DiscoverySnapshot,
    ) -> RunContext {
        for secret in target.secrets() {
            driver.secrets().register_configured(&secret);
        }
        RunContext {
            target,
            driver,
            schemas,
            catalogue: Catalogue::embedded(),
            discovery,
            tokens: Mutex::default(),
        }
    }

    pub async fn cached_token(&self, key: &str) -> Option<String> {
        self.tokens.lock().await.get(key).cloned()
    }

    /// Drops every cached token: after time has moved (a mock clock, a real wait) they may have
    /// expired, and a stale PAT would be blamed on the check that uses it.
    pub async fn forget_tokens(&self) {
        self.tokens.lock().await.clear();
    }

    pub async fn cache_token(&self, key: &str, token: &str) {
        self.tokens
            .lock()
            .await
            .insert(key.to_string(), token.to_string());
    }

    /// The URL of an endpoint named by a discovery member (e.g. `resource_registration_endpoint`).
    /// Read leniently so one broken member does not hide every other verdict (the discovery
    /// scenarios judge the document itself): a relative URL is resolved against the issuer, the
    /// UMA 1.0 name of the registration endpoint is followed, and the target's fallbacks fill
    /// what is still missing.
    pub fn endpoint(&self, member: &str) -> Option<String> {
        let get = |name: &str| {
            self.discovery
                .document
                .get(name)
                .and_then(Value::as_str)
                .and_then(|u| self.absolute(u))
        };
        get(member)
            .or_else(|| match member {
                "resource_registration_endpoint" => get("resource_set_registration_endpoint"),
                _ => None,
            })
            .or_else(|| {
                self.target
                    .authorization_server
                    .endpoint_fallbacks
                    .get(member)
                    .cloned()
            })
    }

    fn absolute(&self, url: &str) -> Option<String> {
        if let Ok(parsed) = url::Url::parse(url) {
            return matches!(parsed.scheme(), "http" | "https").then(|| url.to_string());
        }
        let base = url::Url::parse(&self.target.authorization_server.issuer).ok()?;
        base.join(url).ok().map(|u| u.to_string())
    }
}
