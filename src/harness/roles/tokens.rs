//! Obtaining access tokens the way a resource server obtains its PAT (FedAuthz 1.2): an OAuth
//! token request, here with the client credentials grant.

use serde_json::Value;

use crate::harness::target::{ClientAuthMethod, TokenSource};
use crate::harness::wire::{Auth, HttpResponse, Request};

/// The token request for `source`, or `None` for a ready-made token.
pub fn token_request(token_endpoint: &str, source: &TokenSource) -> Option<Request> {
    let TokenSource::ClientCredentials {
        client_id,
        client_secret,
        auth_method,
        scope,
    } = source
    else {
        return None;
    };
    let mut form = vec![("grant_type".to_string(), "client_credentials".to_string())];
    if !scope.is_empty() {
        form.push(("scope".into(), scope.clone()));
    }
    let request = Request::post(token_endpoint);
    let request = match auth_method {
        ClientAuthMethod::ClientSecretBasic => request.auth(Some(Auth::Basic {
            user: client_id.clone(),
            password: client_secret.clone(),
        })),
        ClientAuthMethod::ClientSecretPost => {
            form.push(("client_id".into(), client_id.clone()));
            form.push(("client_secret".into(), client_secret.clone()));
            request
        }
    };
    Some(request.form(form))
}

/// A successful token response, read leniently: what a resource server needs to go on.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub access_token: String,
    pub scope: Option<String>,
    pub body: Value,
}

pub fn read_token_response(response: &HttpResponse) -> Result<IssuedToken, String> {
    if response.status != 200 {
        return Err(format!(
            "the token endpoint answered {} ({})",
            response.status,
            excerpt(&response.text())
        ));
    }
    let body = response.json()?;
    let access_token = body
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or("the token response has no access_token string")?
        .to_string();
    let scope = body
        .get("scope")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(IssuedToken {
        access_token,
        scope,
        body,
    })
}

/// The first few hundred characters of a body, for messages.
pub fn excerpt(text: &str) -> String {
    const MAX: usize = 300;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}
