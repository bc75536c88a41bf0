//! Resource server scenarios judged from what the harness's AS saw: the resource descriptions
//! the RS registered (FedAuthz 3.1), the scope descriptions its scope URIs lead to (3.1.1) and
//! the permission requests it sent (4, 4.1). Only the harness's own AS keeps such a log; with a
//! target's AS these scenarios are skipped.

use std::collections::BTreeMap;

use serde_json::Value;

use super::adapter::Args;
use super::resource_server::seen_at_as;
use super::support::all_well;
use super::support::{endpoint, json_type};
use super::{StepDef, def};
use crate::harness::roles::observed::Observed;
use crate::harness::wire::Request;
use crate::harness::world::{StepError, StepResult, UmaWorld};

pub fn steps() -> Vec<StepDef> {
    vec![
        def!(
            Given,
            r"the resource server has registered its resources",
            has_registered
        ),
        def!(
            When,
            r"the client fetches the scope descriptions the resource server's scope URIs point at",
            fetch_scope_descriptions
        ),
        def!(
            Then,
            r"every resource description the resource server registered has resource_scopes, an array of strings",
            descriptions_have_scopes
        ),
        def!(
            Then,
            r"every scope it registered is a plain string or an absolute URI",
            scopes_are_strings_or_uris
        ),
        def!(
            Then,
            r#"every "([a-z_]+)" it gave(?: a resource)?, in any language, is a string"#,
            tagged_member_is_string
        ),
        def!(
            Then,
            r#"every "([a-z_]+)" it gave(?: a resource)? is a string"#,
            member_is_string
        ),
        def!(
            Then,
            r"every icon_uri it gave(?: a resource)? is an absolute URI",
            icon_uri_is_absolute
        ),
        def!(
            Then,
            r"each is a JSON scope description",
            each_is_scope_description
        ),
        def!(
            Then,
            r"every permission request the resource server sent is a POST of one JSON permission or a non-empty array of them",
            permission_requests_are_json
        ),
        def!(
            Then,
            r"every permission it requested names a resource_id",
            permissions_name_resource
        ),
        def!(
            Then,
            r"every permission it requested has resource_scopes, an array of strings",
            permissions_have_scopes
        ),
        def!(
            Then,
            r"every resource_id it requested is one the authorization server gave it at registration",
            permissions_name_registered_resources
        ),
        def!(
            Then,
            r"every scope it requested was registered for that resource",
            permissions_name_registered_scopes
        ),
        def!(
            Then,
            r"every permission request holding several permissions is a JSON array of permission objects",
            several_permissions_as_array
        ),
        def!(
            Then,
            r"every permission requested without scopes has resource_scopes as an empty array",
            empty_scopes_as_array
        ),
    ]
}

/// The registration calls (create and update) the RS made since the AS started.
async fn registrations(w: &mut UmaWorld) -> Result<Vec<Observed>, StepError> {
    let url = endpoint(w, "resource_registration_endpoint")?;
    let path = url::Url::parse(&url)
        .map(|u| u.path().trim_end_matches('/').to_string())
        .unwrap_or_default();
    let seen = seen_at_as(w, true).await?;
    Ok(seen
        .into_iter()
        .filter(|o| {
            matches!(o.method.as_str(), "POST" | "PUT")
                && (o.path.trim_end_matches('/') == path || o.path.starts_with(&format!("{path}/")))
        })
        .collect())
}

async fn has_registered(w: &mut UmaWorld, _a: Args) -> StepResult {
    if registrations(w).await?.is_empty() {
        return Err(StepError::Skip(
            "the harness's AS saw no resource registration from the resource server (it may have registered before this run)".into(),
        ));
    }
    Ok(())
}

/// The bodies the RS registered, as JSON (a body that is not JSON is kept as a string so the
/// checks can name it).
async fn registered_bodies(w: &mut UmaWorld) -> Result<Vec<Value>, StepError> {
    Ok(registrations(w)
        .await?
        .iter()
        .map(|o| o.json().unwrap_or_else(|| Value::String(o.body.clone())))
        .collect())
}

async fn descriptions_have_scopes(w: &mut UmaWorld, a: Args) -> StepResult {
    let bodies = registered_bodies(w).await?;
    let problems: Vec<String> = bodies
        .iter()
        .filter_map(|b| match b.get("resource_scopes") {
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => None,
            Some(other) => Some(format!("resource_scopes is {} in {b}", json_type(other))),
            None => Some(format!("no resource_scopes in {b}")),
        })
        .collect();
    let outcome = all_well(&problems, || {
        format!(
            "{} registration(s), each with resource_scopes",
            bodies.len()
        )
    });
    w.judge(&a.cite, outcome, None)
}

fn scope_is_fine(scope: &Value) -> Result<(), String> {
    let Some(s) = scope.as_str() else {
        return Err(format!("scope {scope} is {}", json_type(scope)));
    };
    if s.is_empty() {
        return Err("a scope is the empty string".into());
    }
    // A scope with a scheme-like prefix claims to be a URI and must parse as one.
    if s.contains("://") && url::Url::parse(s).is_err() {
        return Err(format!("scope {s:?} looks like a URI but is not one"));
    }
    Ok(())
}

async fn scopes_are_strings_or_uris(w: &mut UmaWorld, a: Args) -> StepResult {
    let bodies = registered_bodies(w).await?;
    let scopes: Vec<Value> = bodies
        .iter()
        .filter_map(|b| b.get("resource_scopes").and_then(Value::as_array))
        .flatten()
        .cloned()
        .collect();
    if scopes.is_empty() {
        return Err(StepError::Skip(
            "the resource server registered no scopes".into(),
        ));
    }
    let problems: Vec<String> = scopes
        .iter()
        .filter_map(|s| scope_is_fine(s).err())
        .collect();
    let outcome = all_well(&problems, || {
        format!("{} scope(s), each a string", scopes.len())
    });
    w.judge(&a.cite, outcome, None)
}

/// The values of `member` and, with `tagged`, of its language-tagged forms (`name#de`).
fn member_values(documents: &[Value], member: &str, tagged: bool) -> Vec<(String, Value)> {
    let prefix = format!("{member}#");
    documents
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|o| o.iter())
        .filter(|(k, _)| k.as_str() == member || (tagged && k.starts_with(&prefix)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The documents the scenario judges: scope descriptions once fetched, else registrations.
async fn judged_documents(w: &mut UmaWorld) -> Result<Vec<Value>, StepError> {
    match &w.rs.scope_descriptions {
        Some(docs) => Ok(docs.clone()),
        None => registered_bodies(w).await,
    }
}

async fn judge_members(
    w: &mut UmaWorld,
    a: &Args,
    member: &str,
    tagged: bool,
    check: fn(&Value) -> Result<(), String>,
) -> StepResult {
    let documents = judged_documents(w).await?;
    let values = member_values(&documents, member, tagged);
    if values.is_empty() {
        return Err(StepError::Skip(format!(
            "the resource server never gives {member:?}, which it may leave out"
        )));
    }
    let problems: Vec<String> = values
        .iter()
        .filter_map(|(k, v)| check(v).err().map(|e| format!("{k}: {e}")))
        .collect();
    let outcome = all_well(&problems, || {
        format!("{} value(s) of {member:?}, each well formed", values.len())
    });
    w.judge(&a.cite, outcome, None)
}

fn is_string(v: &Value) -> Result<(), String> {
    if v.is_string() {
        Ok(())
    } else {
        Err(format!("{v} is {}, not a string", json_type(v)))
    }
}

fn is_absolute_uri(v: &Value) -> Result<(), String> {
    let s = v
        .as_str()
        .ok_or_else(|| format!("{v} is {}, not a string", json_type(v)))?;
    url::Url::parse(s)
        .map(|_| ())
        .map_err(|e| format!("{s:?} is not an absolute URI ({e})"))
}

async fn tagged_member_is_string(w: &mut UmaWorld, a: Args) -> StepResult {
    let member = a.arg(0).to_string();
    judge_members(w, &a, &member, true, is_string).await
}

async fn member_is_string(w: &mut UmaWorld, a: Args) -> StepResult {
    let member = a.arg(0).to_string();
    judge_members(w, &a, &member, false, is_string).await
}

async fn icon_uri_is_absolute(w: &mut UmaWorld, a: Args) -> StepResult {
    judge_members(w, &a, "icon_uri", false, is_absolute_uri).await
}

/// Scope URIs the RS registered that are http(s) URLs.
async fn scope_urls(w: &mut UmaWorld) -> Result<Vec<String>, StepError> {
    let mut urls: Vec<String> = registered_bodies(w)
        .await?
        .iter()
        .filter_map(|b| b.get("resource_scopes").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .filter(|s| s.starts_with("http://") || s.starts_with("https://"))
        .map(str::to_string)
        .collect();
    urls.sort();
    urls.dedup();
    Ok(urls)
}

/// The most scope descriptions one scenario fetches.
const MAX_SCOPE_FETCHES: usize = 20;

async fn fetch_scope_descriptions(w: &mut UmaWorld, _a: Args) -> StepResult {
    let urls = scope_urls(w).await?;
    if urls.is_empty() {
        return Err(StepError::Skip(
            "the resource server registered no scope URIs (plain scope strings are allowed)".into(),
        ));
    }
    let mut documents = Vec::new();
    let mut fetched = Vec::new();
    for url in urls.into_iter().take(MAX_SCOPE_FETCHES) {
        let answer = w
            .send_aside(Request::get(url.clone()).header("accept", "application/json"))
            .await?;
        if let Ok(response) = answer {
            if (200..300).contains(&response.status) {
                fetched.push((url, response.clone()));
                documents.push(
                    response
                        .json()
                        .unwrap_or_else(|_| Value::String(response.text())),
                );
            }
        }
    }
    if documents.is_empty() {
        return Err(StepError::Skip(
            "none of the resource server's scope URIs leads to a document (FedAuthz 3.1.1 does not require one)".into(),
        ));
    }
    w.rs.scope_descriptions = Some(documents);
    Ok(())
}

async fn each_is_scope_description(w: &mut UmaWorld, a: Args) -> StepResult {
    let ctx = w.ctx()?;
    let documents =
        w.rs.scope_descriptions
            .clone()
            .ok_or_else(|| StepError::Harness("no scope description was fetched".into()))?;
    let mut problems = Vec::new();
    for doc in &documents {
        match ctx.schemas.validate("scope-description", doc) {
            Ok(violations) if violations.is_empty() => {}
            Ok(violations) => problems.push(format!(
                "{doc}: {}",
                violations
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            Err(e) => return Err(StepError::Harness(e.to_string())),
        }
    }
    let outcome = all_well(&problems, || {
        format!("{} scope description(s)", documents.len())
    });
    w.judge(&a.cite, outcome, None)
}

/// The permission requests the RS sent since the scenario began (or since the AS started).
async fn permission_requests(w: &mut UmaWorld) -> Result<Vec<Observed>, StepError> {
    let url = endpoint(w, "permission_endpoint")?;
    let since_start = w.rs.as_mark.is_none();
    let seen = seen_at_as(w, since_start).await?;
    let requests: Vec<Observed> = seen.into_iter().filter(|o| o.is_to(&url)).collect();
    if requests.is_empty() {
        return Err(StepError::Skip(
            "the resource server sent no permission request (the Grant 3.2 scenarios judge whether it should have)".into(),
        ));
    }
    Ok(requests)
}

/// Each permission object of each request (requests that are not JSON contribute none).
fn permissions_of(requests: &[Observed]) -> Vec<Value> {
    requests
        .iter()
        .filter_map(Observed::json)
        .flat_map(|body| match body {
            Value::Array(items) => items,
            other => vec![other],
        })
        .collect()
}

/// The permissions that name a resource: what an object without resource_id is, the
/// resource_id check says; the others need not say it again.
fn named_permissions(requests: &[Observed]) -> Vec<Value> {
    permissions_of(requests)
        .into_iter()
        .filter(|p| p.get("resource_id").is_some())
        .collect()
}

/// Which permissions a check looks at.
#[derive(Clone, Copy)]
enum Judged {
    Every,
    /// Those naming a resource (the others fail the resource_id check already).
    Named,
}

async fn judge_permissions(
    w: &mut UmaWorld,
    a: &Args,
    judged: Judged,
    check: &dyn Fn(&Value) -> Result<(), String>,
) -> StepResult {
    let requests = permission_requests(w).await?;
    let permissions = match judged {
        Judged::Every => permissions_of(&requests),
        Judged::Named => named_permissions(&requests),
    };
    let problems: Vec<String> = permissions
        .iter()
        .filter_map(|p| check(p).err().map(|e| format!("{e} in {p}")))
        .collect();
    let outcome = all_well(&problems, || {
        format!(
            "{} permission(s) requested, each well formed",
            permissions.len()
        )
    });
    w.judge(&a.cite, outcome, None)
}

async fn permission_requests_are_json(w: &mut UmaWorld, a: Args) -> StepResult {
    let requests = permission_requests(w).await?;
    let problems: Vec<String> = requests
        .iter()
        .filter_map(|o| {
            if o.method != "POST" {
                return Some(format!("a {} request", o.method));
            }
            if o.media_type().as_deref() != Some("application/json") {
                return Some(format!("content type {:?}", o.media_type()));
            }
            match o.json() {
                Some(Value::Object(map)) if map.contains_key("resource_id") => None,
                Some(Value::Array(items))
                    if !items.is_empty() && items.iter().all(Value::is_object) =>
                {
                    None
                }
                Some(other) => Some(format!(
                    "the body is {other}, neither a permission nor a non-empty array of them"
                )),
                None => Some(format!("the body is not JSON: {:?}", o.body)),
            }
        })
        .collect();
    let outcome = all_well(&problems, || {
        format!("{} permission request(s), each a JSON POST", requests.len())
    });
    w.judge(&a.cite, outcome, None)
}

async fn permissions_name_resource(w: &mut UmaWorld, a: Args) -> StepResult {
    judge_permissions(w, &a, Judged::Every, &|p| match p.get("resource_id") {
        Some(Value::String(s)) if !s.is_empty() => Ok(()),
        Some(other) => Err(format!("resource_id is {other}")),
        None => Err("no resource_id".into()),
    })
    .await
}

async fn permissions_have_scopes(w: &mut UmaWorld, a: Args) -> StepResult {
    judge_permissions(w, &a, Judged::Every, &|p| match p.get("resource_scopes") {
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => Ok(()),
        Some(other) => Err(format!("resource_scopes is {}", json_type(other))),
        None => Err("no resource_scopes".into()),
    })
    .await
}

/// The resources the RS registered: the id the AS gave each, and its registered scopes.
async fn registered_resources(
    w: &mut UmaWorld,
) -> Result<BTreeMap<String, Vec<String>>, StepError> {
    let mut held = BTreeMap::new();
    for o in registrations(w).await? {
        if !(200..300).contains(&o.status) {
            continue;
        }
        let id = match o.method.as_str() {
            "POST" => o
                .response_json()
                .and_then(|v| v.get("_id").and_then(Value::as_str).map(str::to_string)),
            _ => o.path.rsplit('/').next().map(str::to_string),
        };
        let scopes: Vec<String> = o
            .json()
            .and_then(|b| b.get("resource_scopes").and_then(Value::as_array).cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect();
        if let Some(id) = id {
            held.insert(id, scopes);
        }
    }
    Ok(held)
}

async fn permissions_name_registered_resources(w: &mut UmaWorld, a: Args) -> StepResult {
    let held = registered_resources(w).await?;
    judge_permissions(w, &a, Judged::Named, &|p| {
        let id = p
            .get("resource_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if held.contains_key(id) {
            Ok(())
        } else {
            Err(format!(
                "resource_id {id:?} was never registered by this resource server"
            ))
        }
    })
    .await
}

async fn permissions_name_registered_scopes(w: &mut UmaWorld, a: Args) -> StepResult {
    let held = registered_resources(w).await?;
    judge_permissions(w, &a, Judged::Named, &|p| {
        let id = p
            .get("resource_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(registered) = held.get(id) else {
            return Ok(());
        };
        let asked: Vec<&str> = p
            .get("resource_scopes")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let unknown: Vec<&&str> = asked
            .iter()
            .filter(|s| !registered.iter().any(|r| r == *s))
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(format!("scopes {unknown:?} were never registered for {id}"))
        }
    })
    .await
}

async fn several_permissions_as_array(w: &mut UmaWorld, a: Args) -> StepResult {
    let requests = permission_requests(w).await?;
    let mut several = 0;
    let mut problems = Vec::new();
    for o in &requests {
        match o.json() {
            Some(Value::Array(items)) if items.len() > 1 => {
                several += 1;
                if !items.iter().all(|i| i.get("resource_id").is_some()) {
                    problems.push(format!(
                        "an array holding something other than permissions: {}",
                        o.body
                    ));
                }
            }
            // Several permissions wrapped in an object: not a form FedAuthz 4.1 allows.
            Some(Value::Object(map)) if map.get("resource_id").is_none() => {
                let nested = map
                    .values()
                    .filter_map(Value::as_array)
                    .any(|a| a.iter().any(|i| i.get("resource_id").is_some()));
                if nested {
                    several += 1;
                    problems.push(format!(
                        "several permissions wrapped in an object: {}",
                        o.body
                    ));
                }
            }
            _ => {}
        }
    }
    if several == 0 {
        return Err(StepError::Skip(
            "the resource server never asked for several permissions at once, which it may do"
                .into(),
        ));
    }
    let outcome = all_well(&problems, || {
        format!("{several} request(s) for several permissions, each a JSON array")
    });
    w.judge(&a.cite, outcome, None)
}

async fn empty_scopes_as_array(w: &mut UmaWorld, a: Args) -> StepResult {
    let requests = permission_requests(w).await?;
    let without: Vec<Value> = named_permissions(&requests)
        .into_iter()
        .filter(|p| match p.get("resource_scopes") {
            None | Some(Value::Null) => true,
            Some(Value::Array(items)) => items.is_empty(),
            _ => false,
        })
        .collect();
    if without.is_empty() {
        return Err(StepError::Skip(
            "the resource server never asked for a permission without scopes, which it may do"
                .into(),
        ));
    }
    let problems: Vec<String> = without
        .iter()
        .filter(|p| !matches!(p.get("resource_scopes"), Some(Value::Array(_))))
        .map(|p| format!("resource_scopes missing or null in {p}"))
        .collect();
    let outcome = all_well(&problems, || {
        format!(
            "{} permission(s) without scopes, each with []",
            without.len()
        )
    });
    w.judge(&a.cite, outcome, None)
}
