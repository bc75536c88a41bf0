//! Steps about the discovery document (Grant 2, FedAuthz 1.5 and 2).

use serde_json::Value;

use super::StepDef;
use super::adapter::Args;
use super::def;
use super::support::{describe, json_type};
use crate::harness::roles::discovery::{self, PROTECTION_ENDPOINTS};
use crate::harness::roles::uri::{absolute_http_url, absolute_uri};
use crate::harness::world::{StepError, StepResult, UmaWorld};

pub fn steps() -> Vec<StepDef> {
    vec![
        def!(
            When,
            r"the harness fetches the discovery document from the issuer's well-known location",
            fetch
        ),
        def!(
            Given,
            r"the target declares the UMA profiles and extensions it implements",
            profiles_declared
        ),
        def!(
            Given,
            r"the target declares that the authorization server supports UMA token introspection",
            introspection_declared
        ),
        def!(
            Then,
            r"the discovery document is served as a JSON object",
            served_as_json
        ),
        def!(
            Then,
            r"the document's issuer is the issuer it was fetched under",
            issuer_matches
        ),
        def!(
            Then,
            r#"the document has "([a-z_]+)" as an absolute URL"#,
            has_url
        ),
        def!(
            Then,
            r#"if the document has "([a-z_]+)", it is an absolute URL"#,
            url_if_present
        ),
        def!(
            Then,
            r#"if the document has "uma_profiles_supported", it is an array of absolute URIs"#,
            profiles_form
        ),
        def!(
            Then,
            r#""uma_profiles_supported" lists every declared profile"#,
            profiles_listed
        ),
        def!(
            Then,
            r#"the document has "([a-z_]+)" as an array of strings"#,
            has_string_array
        ),
        def!(
            Then,
            r"every protection API endpoint in the document is an https URL",
            protection_api_https
        ),
        def!(
            Then,
            r"the document names the claim token formats the authorization server accepts",
            claim_token_formats
        ),
    ]
}

async fn fetch(w: &mut UmaWorld, _a: Args) -> StepResult {
    let ctx = w.ctx()?;
    let issuer = ctx.target.authorization_server.issuer.clone();
    let url = discovery::well_known_url(&issuer);
    let answer = w.send(discovery::request(&issuer)).await?.clone();
    w.fetched_discovery = Some((url, answer));
    Ok(())
}

/// The document fetched in this scenario, parsed as a JSON object.
fn document(w: &UmaWorld) -> Result<serde_json::Map<String, Value>, String> {
    let (_, answer) = w
        .fetched_discovery
        .as_ref()
        .ok_or("the scenario has not fetched the discovery document")?;
    let response = answer
        .as_ref()
        .map_err(|e| format!("the discovery document could not be fetched: {e}"))?;
    if response.status != 200 {
        return Err(format!(
            "the discovery request was answered {}",
            describe(response)
        ));
    }
    match response.json()? {
        Value::Object(map) => Ok(map),
        other => Err(format!(
            "the discovery document is {}, not a JSON object",
            json_type(&other)
        )),
    }
}

async fn profiles_declared(w: &mut UmaWorld, _a: Args) -> StepResult {
    if w.ctx()?.target.authorization_server.profiles.is_empty() {
        return Err(StepError::Skip(
            "the target declares no UMA profiles or extensions (authorization_server.profiles)"
                .into(),
        ));
    }
    Ok(())
}

async fn introspection_declared(w: &mut UmaWorld, _a: Args) -> StepResult {
    let as_ = w.ctx()?.target.authorization_server.clone();
    // A target that tells the harness where its introspection endpoint is offers introspection.
    let implied = as_
        .endpoint_fallbacks
        .contains_key("introspection_endpoint");
    match as_.introspection {
        Some(true) => Ok(()),
        None if implied => Ok(()),
        Some(false) => Err(StepError::Skip("the target declares no UMA token introspection support".into())),
        None => Err(StepError::Skip(
            "the target does not declare whether it supports UMA token introspection (authorization_server.introspection)".into(),
        )),
    }
}

async fn served_as_json(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = (|| {
        let (_, answer) = w
            .fetched_discovery
            .as_ref()
            .ok_or("the scenario has not fetched the discovery document")?;
        let response = answer
            .as_ref()
            .map_err(|e| format!("the discovery document could not be fetched: {e}"))?;
        if response.status != 200 {
            return Err(format!("expected 200, got {}", describe(response)));
        }
        let media = response.media_type().unwrap_or_default();
        if media != "application/json" {
            return Err(format!(
                "the document is served as {:?}, not application/json",
                media
            ));
        }
        document(w).map(|m| format!("200 application/json, an object with {} members", m.len()))
    })();
    w.judge(&a.cite, outcome, None)
}

async fn issuer_matches(w: &mut UmaWorld, a: Args) -> StepResult {
    let expected = w.ctx()?.target.authorization_server.issuer.clone();
    let outcome = document(w).and_then(|doc| {
        let url = w.fetched_discovery.as_ref().map(|(u, _)| u.clone()).unwrap_or_default();
        match doc.get("issuer") {
            Some(Value::String(issuer)) if *issuer == expected => {
                Ok(format!("issuer {issuer} and the document was served at {url}"))
            }
            Some(Value::String(issuer)) => Err(format!(
                "the document served at {url} names issuer {issuer:?}; {:?} + the suffix would be {}",
                issuer,
                discovery::well_known_url(issuer)
            )),
            Some(other) => Err(format!("issuer is {}, expected a string", json_type(other))),
            None => Err("the document has no issuer".into()),
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn has_url(w: &mut UmaWorld, a: Args) -> StepResult {
    let member = a.arg(0).to_string();
    let outcome = document(w).and_then(|doc| match doc.get(&member) {
        Some(Value::String(url)) => absolute_http_url(url).map(|_| format!("{member} is {url}")),
        Some(other) => Err(format!(
            "{member} is {}, expected a URL string",
            json_type(other)
        )),
        None => Err(format!("the document has no {member}")),
    });
    w.judge(&a.cite, outcome, None)
}

async fn url_if_present(w: &mut UmaWorld, a: Args) -> StepResult {
    let member = a.arg(0).to_string();
    let outcome = document(w).and_then(|doc| match doc.get(&member) {
        None => Ok(format!("{member} is not published (optional)")),
        Some(Value::String(url)) => absolute_http_url(url).map(|_| format!("{member} is {url}")),
        Some(other) => Err(format!(
            "{member} is {}, expected a URL string",
            json_type(other)
        )),
    });
    w.judge(&a.cite, outcome, None)
}

async fn profiles_form(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = document(w).and_then(|doc| match doc.get("uma_profiles_supported") {
        None => Ok("uma_profiles_supported is not published (optional)".to_string()),
        Some(Value::Array(items)) => {
            for item in items {
                let uri = item.as_str().ok_or_else(|| {
                    format!("an entry is {}, expected a URI string", json_type(item))
                })?;
                absolute_uri(uri)?;
            }
            Ok(format!("{} profile URI(s)", items.len()))
        }
        Some(other) => Err(format!(
            "uma_profiles_supported is {}, expected an array",
            json_type(other)
        )),
    });
    w.judge(&a.cite, outcome, None)
}

async fn profiles_listed(w: &mut UmaWorld, a: Args) -> StepResult {
    let declared = w.ctx()?.target.authorization_server.profiles.clone();
    let outcome = document(w).and_then(|doc| {
        let listed: Vec<&str> = doc
            .get("uma_profiles_supported")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let missing: Vec<&String> = declared
            .iter()
            .filter(|p| !listed.contains(&p.as_str()))
            .collect();
        if missing.is_empty() {
            Ok(format!("lists {declared:?}"))
        } else {
            Err(format!(
                "uma_profiles_supported {listed:?} does not list {missing:?}"
            ))
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn has_string_array(w: &mut UmaWorld, a: Args) -> StepResult {
    let member = a.arg(0).to_string();
    let outcome = document(w).and_then(|doc| match doc.get(&member) {
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
            Ok(format!("{member} is {}", Value::Array(items.clone())))
        }
        Some(other) => Err(format!("{member} is {other}, expected an array of strings")),
        None => Err(format!("the document has no {member}")),
    });
    w.judge(&a.cite, outcome, None)
}

async fn protection_api_https(w: &mut UmaWorld, a: Args) -> StepResult {
    let issuer = w.ctx()?.target.authorization_server.issuer.clone();
    let outcome = document(w).and_then(|doc| {
        let present: Vec<(&str, &str)> = PROTECTION_ENDPOINTS
            .iter()
            .filter_map(|m| doc.get(*m).and_then(Value::as_str).map(|u| (*m, u)))
            .collect();
        if present.is_empty() {
            return Err("the document names no protection API endpoint to check".into());
        }
        let plain: Vec<String> = present
            .iter()
            // A relative URL inherits the issuer's scheme; FedAuthz 2 judges its form.
            .filter(|(_, u)| url::Url::parse(u).is_ok() && !u.starts_with("https://"))
            .map(|(m, u)| format!("{m} = {u}"))
            .chain((!issuer.starts_with("https://")).then(|| format!("issuer = {issuer}")))
            .collect();
        if plain.is_empty() {
            Ok(format!(
                "the issuer and {} protection API endpoint(s) are https",
                present.len()
            ))
        } else {
            Err(format!("served without TLS: {}", plain.join(", ")))
        }
    });
    w.judge(&a.cite, outcome, Some("https"))
}

/// UMA defines no member for the claim token formats an AS accepts (Grant 3.3.1), so any
/// member whose name speaks of claim tokens and lists format URIs documents them.
async fn claim_token_formats(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = document(w).and_then(|doc| {
        let listed: Vec<(&String, &Vec<Value>)> = doc
            .iter()
            .filter(|(name, _)| name.contains("claim_token"))
            .filter_map(|(name, value)| value.as_array().map(|list| (name, list)))
            .filter(|(_, list)| !list.is_empty() && list.iter().all(Value::is_string))
            .collect();
        match listed.first() {
            Some((name, list)) => Ok(format!("{name} lists {} format(s)", list.len())),
            None => Err(
                "no member of the discovery document lists the claim token formats the AS accepts"
                    .to_string(),
            ),
        }
    });
    w.judge(&a.cite, outcome, None)
}
