//! Steps about the authorization assessment and its results (Grant 3.3.4): which scopes make
//! up a request, and what a partly granted request may yield. The RPT's permissions are read
//! by introspection, as the resource server would read them.

use serde_json::Value;

use super::StepDef;
use super::adapter::Args;
use super::def;
use super::support::{describe, endpoint, uma_client};
use crate::harness::roles::permissions as perm;
use crate::harness::roles::registration::quoted_list;
use crate::harness::roles::tokens::read_token_response;
use crate::harness::world::{StepError, StepResult, UmaWorld};

pub fn steps() -> Vec<StepDef> {
    vec![
        def!(
            Given,
            r#"the client is pre-registered for the scope "([^"]+)""#,
            pre_registered
        ),
        def!(
            Given,
            r#"the client is not pre-registered for the scope "([^"]+)""#,
            not_pre_registered
        ),
        def!(
            Then,
            r#"either the answer is an error, or the RPT it carries grants nothing but "([^"]+)""#,
            error_or_narrow_rpt
        ),
        def!(Then, r"the RPT grants (.+) on the resource", rpt_grants),
        def!(
            Then,
            r"the permission request is answered with a ticket",
            answered_with_ticket
        ),
    ]
}

async fn pre_registered(w: &mut UmaWorld, a: Args) -> StepResult {
    let client = uma_client(w)?;
    if client.registered_scopes.iter().any(|s| s == a.arg(0)) {
        Ok(())
    } else {
        Err(StepError::Skip(format!(
            "the target does not say that uma_client is pre-registered for {:?} (uma_client.registered_scopes)",
            a.arg(0)
        )))
    }
}

async fn not_pre_registered(w: &mut UmaWorld, a: Args) -> StepResult {
    let client = uma_client(w)?;
    if client.registered_scopes.is_empty() {
        return Err(StepError::Skip(
            "the target does not say which scopes uma_client is pre-registered for (uma_client.registered_scopes)".into(),
        ));
    }
    if client.registered_scopes.iter().any(|s| s == a.arg(0)) {
        return Err(StepError::Setup(format!(
            "uma_client is pre-registered for {:?}, which this scenario needs it not to be",
            a.arg(0)
        )));
    }
    Ok(())
}

/// The scopes an introspection of `token` grants on the scenario's resource, or why they
/// cannot be read. An answer without UMA permissions cannot tell, which skips the scenario.
async fn granted_scopes(
    w: &mut UmaWorld,
    token: &str,
) -> Result<Result<Vec<String>, String>, StepError> {
    let read = read_granted_scopes(w, token).await;
    match read {
        Err(e) if e == NO_PERMISSIONS => Err(StepError::Skip(
            "the introspection lists no permissions in the UMA form, so the RPT's scopes cannot be read".into(),
        )),
        other => Ok(other),
    }
}

const NO_PERMISSIONS: &str = "no permissions member";

async fn read_granted_scopes(w: &mut UmaWorld, token: &str) -> Result<Vec<String>, String> {
    let resource = w
        .current_resource()
        .map_err(|e| format!("{e:?}"))?
        .id
        .clone();
    let pat = w
        .actor
        .as_ref()
        .map(|(_, p)| p.clone())
        .ok_or("no PAT is held to introspect with")?;
    let endpoint = endpoint(w, "introspection_endpoint")
        .map_err(|_| "the discovery document names no introspection_endpoint".to_string())?;
    let answer = w
        .send_aside(perm::introspection_request(&endpoint, Some(&pat), token))
        .await
        .map_err(|e| format!("{e:?}"))?;
    let response = answer.map_err(|e| format!("the introspection got no answer: {e}"))?;
    let body = response.json()?;
    if body.get("active") != Some(&Value::Bool(true)) {
        return Err(format!(
            "the RPT's introspection does not report it active: {}",
            describe(&response)
        ));
    }
    let permissions = body
        .get("permissions")
        .and_then(Value::as_array)
        .filter(|list| {
            list.iter()
                .all(|p| p.get("resource_id").is_some_and(Value::is_string))
        })
        .ok_or(NO_PERMISSIONS)?;
    Ok(permissions
        .iter()
        .filter(|p| p.get("resource_id").and_then(Value::as_str) == Some(resource.as_str()))
        .flat_map(|p| {
            p.get("resource_scopes")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect())
}

/// The RPT of the latest answer, if it issued one.
fn issued_rpt(w: &UmaWorld) -> Result<Option<String>, String> {
    let response = w.last_response()?;
    if response.status != 200 {
        return Ok(None);
    }
    read_token_response(response).map(|t| Some(t.access_token))
}

async fn error_or_narrow_rpt(w: &mut UmaWorld, a: Args) -> StepResult {
    let allowed = a.arg(0).to_string();
    let outcome = match issued_rpt(w) {
        Err(e) => Err(e),
        Ok(None) => w.last_response().and_then(|r| {
            let body = r.json()?;
            match body.get("error").and_then(Value::as_str) {
                Some(code) if r.status >= 400 => Ok(format!("refused with {code}")),
                _ => Err(format!("neither an RPT nor an error: {}", describe(r))),
            }
        }),
        Ok(Some(rpt)) => granted_scopes(w, &rpt).await?.and_then(|scopes| {
            match scopes.iter().find(|s| **s != allowed) {
                Some(extra) => Err(format!(
                    "the RPT grants {extra:?}, which should not have counted (it grants {scopes:?})"
                )),
                None => Ok(format!("a partial RPT granting {scopes:?}")),
            }
        }),
    };
    w.judge(&a.cite, outcome, None)
}

async fn rpt_grants(w: &mut UmaWorld, a: Args) -> StepResult {
    let wanted = quoted_list(a.arg(0));
    let outcome = match issued_rpt(w) {
        Err(e) => Err(e),
        Ok(None) => w
            .last_response()
            .and_then(|r| Err(format!("no RPT was issued: {}", describe(r)))),
        Ok(Some(rpt)) => granted_scopes(w, &rpt).await?.and_then(|scopes| {
            let missing: Vec<&String> = wanted.iter().filter(|s| !scopes.contains(s)).collect();
            if missing.is_empty() {
                Ok(format!("the RPT grants {scopes:?}"))
            } else {
                Err(format!(
                    "the RPT grants {scopes:?} on the resource, without {missing:?}"
                ))
            }
        }),
    };
    w.judge(&a.cite, outcome, None)
}

async fn answered_with_ticket(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w
        .last_response()
        .and_then(|r| match (r.status, perm::ticket_of(r)) {
            (200..=299, Some(_)) => Ok(format!("answered {} with a ticket", r.status)),
            _ => Err(format!(
                "the request was not answered with a ticket: {}",
                describe(r)
            )),
        });
    w.judge(&a.cite, outcome, None)
}
