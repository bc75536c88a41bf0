//! The AS's UMA discovery document (Grant 2): where to ask for tokens and send the requesting
//! party.

use super::error::ClientError;
use super::wire;

pub(crate) struct Discovery {
    pub(crate) token_endpoint: String,
    pub(crate) claims_interaction_endpoint: Option<String>,
}

/// `{as_uri}/.well-known/uma2-configuration`, with the as_uri's trailing slash dropped.
pub(crate) fn url(as_uri: &str) -> String {
    format!(
        "{}/.well-known/uma2-configuration",
        as_uri.trim_end_matches('/')
    )
}

pub(crate) async fn fetch(http: &reqwest::Client, as_uri: &str) -> Result<Discovery, ClientError> {
    let url = url(as_uri);
    let answer = wire::send(http.get(&url), "discovery").await?;
    if answer.status != 200 {
        return Err(ClientError::Refused(format!(
            "discovery {url} answered {}",
            answer.status
        )));
    }
    let doc = answer.json_object("discovery")?;
    let text = |name: &str| doc.get(name).and_then(|v| v.as_str()).map(str::to_string);
    let token_endpoint = text("token_endpoint").ok_or_else(|| {
        ClientError::Failure(format!("discovery {url}: no token_endpoint string"))
    })?;
    Ok(Discovery {
        token_endpoint,
        claims_interaction_endpoint: text("claims_interaction_endpoint"),
    })
}
