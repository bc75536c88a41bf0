//! Steps about token introspection (FedAuthz 5, RFC 7662): what the AS tells a resource server
//! about an RPT, and that inactive tokens reveal nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::{Map, Value};

use super::StepDef;
use super::adapter::Args;
use super::def;
use super::support::{describe, endpoint, json_type, unique_marker};
use super::tokens::token_for;
use crate::harness::roles::permissions as perm;
use crate::harness::world::{Permission, StepError, StepResult, UmaWorld};

/// The longest a `@slow` scenario waits for a token to expire in real time.
const MAX_REAL_WAIT: Duration = Duration::from_secs(900);

pub fn steps() -> Vec<StepDef> {
    vec![
        def!(
            When,
            r"the resource server introspects the RPT",
            introspects_rpt
        ),
        def!(
            When,
            r#"the resource server of resource owner "bob" introspects the RPT"#,
            bob_introspects
        ),
        def!(
            When,
            r"the resource server introspects a token the authorization server never issued",
            introspects_unknown
        ),
        def!(
            When,
            r"the resource server introspects its own PAT",
            introspects_pat
        ),
        def!(
            When,
            r"the RPT is introspected without a PAT",
            introspects_without_pat
        ),
        def!(
            When,
            r"the RPT is introspected with the RPT itself in place of a PAT",
            introspects_with_rpt_as_pat
        ),
        def!(Given, r"the client has revoked the RPT", revokes_rpt),
        def!(Given, r"the RPT has outlived its lifetime", rpt_expires),
        def!(
            Then,
            r"the introspection shows the RPT active with a permissions array",
            active_with_permissions
        ),
        def!(
            Then,
            r#"the active RPT's introspection has no "scope" member"#,
            no_scope_member
        ),
        def!(
            Then,
            r"the introspection reports the RPT active",
            reported_active
        ),
        def!(
            Then,
            r#"every permission has a non-empty string "resource_id""#,
            permission_resource_ids
        ),
        def!(
            Then,
            r"every permission names a resource this resource server registered",
            permission_resources_registered
        ),
        def!(
            Then,
            r#"every permission has "resource_scopes", an array of strings"#,
            permission_scopes_form
        ),
        def!(
            Then,
            r"every granted scope was registered for its resource",
            granted_scopes_registered
        ),
        def!(
            Then,
            r#"if a permission has "(exp|iat|nbf)", it is an integer number of seconds"#,
            permission_time_form
        ),
        def!(
            Then,
            r"the RPT's permissions are exactly those the ticket was requested for",
            permissions_match_ticket
        ),
        def!(
            Then,
            r#"the introspection answer is 200 with "active": false"#,
            inactive_answer
        ),
        def!(
            Then,
            r#"the inactive answer has no member besides "active""#,
            inactive_is_bare
        ),
        def!(
            Then,
            r"the answer shows this resource server none of the RPT's permissions",
            hides_permissions
        ),
    ]
}

fn rpt(w: &UmaWorld) -> Result<String, StepError> {
    w.rpt
        .as_ref()
        .map(|(t, _)| t.clone())
        .ok_or_else(|| StepError::Harness("no RPT is held in this scenario".into()))
}

fn introspection_endpoint(w: &UmaWorld) -> Result<String, StepError> {
    endpoint(w, "introspection_endpoint").map_err(|_| {
        StepError::Skip("the discovery document names no introspection_endpoint (UMA introspection is optional)".into())
    })
}

async fn introspect(w: &mut UmaWorld, pat: Option<String>, token: String) -> StepResult {
    let endpoint = introspection_endpoint(w)?;
    w.send(perm::introspection_request(
        &endpoint,
        pat.as_deref(),
        &token,
    ))
    .await?;
    Ok(())
}

async fn introspects_rpt(w: &mut UmaWorld, _a: Args) -> StepResult {
    let pat = w.actor.as_ref().map(|(_, p)| p.clone());
    let token = rpt(w)?;
    introspect(w, pat, token).await
}

async fn bob_introspects(w: &mut UmaWorld, _a: Args) -> StepResult {
    let token = rpt(w)?;
    let bob = token_for(w, "bob").await?;
    introspect(w, Some(bob), token).await
}

async fn introspects_unknown(w: &mut UmaWorld, _a: Args) -> StepResult {
    let pat = w.actor.as_ref().map(|(_, p)| p.clone());
    let token = format!("never-issued-{}", unique_marker(w));
    introspect(w, pat, token).await
}

async fn introspects_pat(w: &mut UmaWorld, _a: Args) -> StepResult {
    let pat = w
        .actor
        .as_ref()
        .map(|(_, p)| p.clone())
        .ok_or_else(|| StepError::Harness("no PAT held".into()))?;
    introspect(w, Some(pat.clone()), pat).await
}

async fn introspects_without_pat(w: &mut UmaWorld, _a: Args) -> StepResult {
    let token = rpt(w)?;
    introspect(w, None, token).await
}

async fn introspects_with_rpt_as_pat(w: &mut UmaWorld, _a: Args) -> StepResult {
    let token = rpt(w)?;
    introspect(w, Some(token.clone()), token).await
}

async fn revokes_rpt(w: &mut UmaWorld, _a: Args) -> StepResult {
    let client = super::support::uma_client(w)?;
    let endpoint = endpoint(w, "revocation_endpoint").map_err(|_| {
        StepError::Skip(
            "the discovery document names no revocation_endpoint (revocation is optional)".into(),
        )
    })?;
    let token = rpt(w)?;
    let answer = w
        .send_aside(perm::revocation_request(
            &endpoint,
            &token,
            "access_token",
            &client,
        ))
        .await?;
    match answer {
        Ok(r) if r.status == 200 => Ok(()),
        Ok(r) => Err(StepError::Setup(format!(
            "revoking the RPT was answered {}",
            describe(&r)
        ))),
        Err(e) => Err(StepError::Setup(format!(
            "revoking the RPT got no answer: {e}"
        ))),
    }
}

/// Moves the mock's clock past the RPT's lifetime, or waits it out for real in a `@slow`
/// scenario when asked to; otherwise the scenario does not apply.
async fn rpt_expires(w: &mut UmaWorld, _a: Args) -> StepResult {
    let ctx = w.ctx()?;
    let (_, expires_in) = w
        .rpt
        .clone()
        .ok_or_else(|| StepError::Harness("no RPT is held".into()))?;
    let lifetime = expires_in.ok_or_else(|| {
        StepError::Skip(
            "the RPT response gave no expires_in, so its expiry cannot be awaited".into(),
        )
    })?;
    let past = lifetime
        .saturating_add(ctx.target.clock_skew.as_secs())
        .saturating_add(1);
    pass_time(w, past).await
}

/// Lets `seconds` pass at the target: the mock's clock moves, or, in a `@slow` run, the harness
/// waits for real (bounded). Cached tokens are then fetched afresh.
pub async fn pass_time(w: &mut UmaWorld, seconds: u64) -> StepResult {
    let ctx = w.ctx()?;
    if let Some(control) = ctx.target.authorization_server.control_api.clone() {
        let answer = w
            .send_aside(perm::advance_clock_request(&control, seconds))
            .await?;
        match answer {
            Ok(r) if r.status == 200 => {}
            Ok(r) => {
                return Err(StepError::Setup(format!(
                    "the mock clock could not be moved: {}",
                    describe(&r)
                )));
            }
            Err(e) => {
                return Err(StepError::Setup(format!(
                    "the mock clock could not be moved: {e}"
                )));
            }
        }
    } else {
        if !ctx.target.allow_slow {
            return Err(StepError::Skip(format!(
                "letting {seconds} s pass needs a control API or a run with --slow"
            )));
        }
        if seconds > MAX_REAL_WAIT.as_secs() {
            return Err(StepError::Skip(format!(
                "waiting {seconds} s is longer than the {} s this harness waits",
                MAX_REAL_WAIT.as_secs()
            )));
        }
        tokio::time::sleep(Duration::from_secs(seconds)).await;
    }
    ctx.forget_tokens().await;
    if let Some((owner, _)) = w.actor.clone() {
        let fresh = token_for(w, &owner).await?;
        w.actor = Some((owner, fresh));
    }
    Ok(())
}

/// The introspection answer as a JSON object.
fn answer_object(w: &UmaWorld) -> Result<Map<String, Value>, String> {
    let r = w.last_response()?;
    if r.status != 200 {
        return Err(format!("the introspection was answered {}", describe(r)));
    }
    match r.json()? {
        Value::Object(map) => Ok(map),
        other => Err(format!(
            "the introspection answer is {}, not an object",
            json_type(&other)
        )),
    }
}

/// The introspection answer of a token that must be active (a fresh RPT).
fn active_answer(w: &UmaWorld) -> Result<Map<String, Value>, String> {
    let body = answer_object(w)?;
    if body.get("active") == Some(&Value::Bool(true)) {
        Ok(body)
    } else {
        Err(format!(
            "the RPT just issued is not reported active: {}",
            Value::Object(body)
        ))
    }
}

async fn reported_active(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = active_answer(w).map(|_| "active: true".to_string());
    w.judge(&a.cite, outcome, None)
}

/// The permissions of an active RPT's introspection.
fn permissions(w: &UmaWorld) -> Result<Vec<Map<String, Value>>, String> {
    let body = answer_object(w)?;
    if body.get("active") != Some(&Value::Bool(true)) {
        return Err(format!(
            "the RPT is not reported active: {}",
            Value::Object(body)
        ));
    }
    let list = body
        .get("permissions")
        .ok_or("the answer has no permissions member")?;
    let items = list
        .as_array()
        .ok_or_else(|| format!("permissions is {}, expected an array", json_type(list)))?;
    items
        .iter()
        .map(|p| {
            p.as_object()
                .cloned()
                .ok_or_else(|| format!("a permission is {}, expected an object", json_type(p)))
        })
        .collect()
}

/// The permissions whose optional members a MAY-level check judges: none when the answer has no
/// `permissions` at all, since an optional member of no permission is not given.
fn listed_permissions(w: &UmaWorld) -> Result<Vec<Map<String, Value>>, String> {
    let body = answer_object(w)?;
    if body.get("active") != Some(&Value::Bool(true)) {
        return Err(format!(
            "the RPT is not reported active: {}",
            Value::Object(body)
        ));
    }
    if body.get("permissions").is_none() {
        return Ok(Vec::new());
    }
    permissions(w)
}

async fn active_with_permissions(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = permissions(w).map(|p| format!("active, {} permission(s)", p.len()));
    w.judge(&a.cite, outcome, None)
}

async fn no_scope_member(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = active_answer(w).and_then(|body| match body.get("scope") {
        None => Ok("no scope member".to_string()),
        Some(scope) => Err(format!(
            "the active RPT's introspection carries scope {scope}"
        )),
    });
    w.judge(&a.cite, outcome, None)
}

async fn permission_resource_ids(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = permissions(w).and_then(|list| {
        for p in &list {
            match p.get("resource_id") {
                Some(Value::String(id)) if !id.is_empty() => {}
                Some(other) => {
                    return Err(format!(
                        "resource_id is {other}, expected a non-empty string"
                    ));
                }
                None => {
                    return Err(format!(
                        "a permission has no resource_id: {}",
                        Value::Object(p.clone())
                    ));
                }
            }
        }
        Ok(format!("{} permission(s) with a resource_id", list.len()))
    });
    w.judge(&a.cite, outcome, None)
}

/// The resources this scenario's acting resource server registered, with their scopes.
fn registered_here(w: &UmaWorld) -> Vec<(String, BTreeSet<String>)> {
    let owner = w.actor.as_ref().map(|(o, _)| o.clone()).unwrap_or_default();
    w.resources
        .iter()
        .filter(|r| r.owner == owner)
        .map(|r| (r.id.clone(), r.scopes().into_iter().collect()))
        .collect()
}

async fn permission_resources_registered(w: &mut UmaWorld, a: Args) -> StepResult {
    let registered = registered_here(w);
    let outcome = permissions(w).and_then(|list| {
        for p in &list {
            let id = p
                .get("resource_id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !registered.iter().any(|(r, _)| r == id) {
                return Err(format!(
                    "permission for {id:?}, which this resource server did not register"
                ));
            }
        }
        Ok("every permission names a resource registered here".to_string())
    });
    w.judge(&a.cite, outcome, None)
}

fn scope_strings(p: &Map<String, Value>) -> Result<Vec<String>, String> {
    let scopes = p.get("resource_scopes").ok_or_else(|| {
        format!(
            "a permission has no resource_scopes: {}",
            Value::Object(p.clone())
        )
    })?;
    let items = scopes.as_array().ok_or_else(|| {
        format!(
            "resource_scopes is {}, expected an array",
            json_type(scopes)
        )
    })?;
    items
        .iter()
        .map(|s| {
            s.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("a scope is {}, expected a string", json_type(s)))
        })
        .collect()
}

async fn permission_scopes_form(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = permissions(w).and_then(|list| {
        for p in &list {
            scope_strings(p)?;
        }
        Ok("every permission has resource_scopes as strings".to_string())
    });
    w.judge(&a.cite, outcome, None)
}

async fn granted_scopes_registered(w: &mut UmaWorld, a: Args) -> StepResult {
    let registered = registered_here(w);
    let outcome = permissions(w).and_then(|list| {
        for p in &list {
            let id = p
                .get("resource_id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let Some((_, known)) = registered.iter().find(|(r, _)| r == id) else {
                return Err(format!(
                    "permission for {id:?}, which this resource server did not register"
                ));
            };
            for scope in scope_strings(p)? {
                if !known.contains(&scope) {
                    return Err(format!(
                        "scope {scope:?} was granted on {id:?}, where it is not registered"
                    ));
                }
            }
        }
        Ok("every granted scope is registered for its resource".to_string())
    });
    w.judge(&a.cite, outcome, None)
}

async fn permission_time_form(w: &mut UmaWorld, a: Args) -> StepResult {
    let member = a.arg(0).to_string();
    let outcome = listed_permissions(w).and_then(|list| {
        let mut seen = 0;
        for p in &list {
            match p.get(&member) {
                None => {}
                Some(v) if v.as_i64().is_some() => seen += 1,
                Some(other) => {
                    return Err(format!(
                        "permission {member} is {other}, expected integer seconds since the epoch"
                    ));
                }
            }
        }
        Ok(if seen == 0 {
            format!("no permission-level {member} (optional)")
        } else {
            format!("{seen} integer {member} value(s)")
        })
    });
    w.judge(&a.cite, outcome, None)
}

async fn permissions_match_ticket(w: &mut UmaWorld, a: Args) -> StepResult {
    let requested: Vec<Permission> = w
        .ticket
        .as_ref()
        .map(|(_, p)| p.clone())
        .unwrap_or_default();
    let outcome = permissions(w).and_then(|list| {
        // Per resource, the set of scopes: an AS may split or merge permission objects.
        let mut granted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for p in &list {
            let id = p
                .get("resource_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            granted.entry(id).or_default().extend(scope_strings(p)?);
        }
        let mut wanted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for p in &requested {
            wanted
                .entry(p.resource_id.clone())
                .or_default()
                .extend(p.resource_scopes.iter().cloned());
        }
        if granted == wanted {
            Ok(format!(
                "the RPT carries exactly the requested permissions on {} resource(s)",
                wanted.len()
            ))
        } else {
            Err(format!(
                "the ticket asked for {wanted:?}, the RPT carries {granted:?}"
            ))
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn inactive_answer(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = answer_object(w).and_then(|body| match body.get("active") {
        Some(Value::Bool(false)) => Ok("active: false".to_string()),
        other => Err(format!(
            "expected \"active\": false, got active = {other:?} in {}",
            Value::Object(body.clone())
        )),
    });
    w.judge(&a.cite, outcome, None)
}

async fn inactive_is_bare(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = answer_object(w).and_then(|body| {
        let extra: Vec<&String> = body.keys().filter(|k| k.as_str() != "active").collect();
        if extra.is_empty() {
            Ok("only active".to_string())
        } else {
            Err(format!("the inactive answer also carries {extra:?}"))
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn hides_permissions(w: &mut UmaWorld, a: Args) -> StepResult {
    let theirs: Vec<String> = w
        .ticket
        .as_ref()
        .map(|(_, p)| p.iter().map(|x| x.resource_id.clone()).collect())
        .unwrap_or_default();
    if let Ok(r) = w.last_response() {
        if matches!(r.status, 401 | 403) {
            let outcome = Ok(format!(
                "another resource server's introspection is refused ({})",
                r.status
            ));
            return w.judge(&a.cite, outcome, None);
        }
    }
    let outcome = answer_object(w).and_then(|body| {
        if body.get("active") != Some(&Value::Bool(true)) {
            return Ok("the RPT is not shown as active to another resource server".to_string());
        }
        let shown: Vec<String> = body
            .get("permissions")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|p| p.get("resource_id").and_then(Value::as_str)).map(str::to_string).collect())
            .unwrap_or_default();
        let leaked: Vec<&String> = shown.iter().filter(|id| theirs.contains(id)).collect();
        if leaked.is_empty() {
            Ok("active, but with none of the other owner's permissions".to_string())
        } else {
            Err(format!("another resource server is shown permissions on {leaked:?}, which it did not register"))
        }
    });
    w.judge(&a.cite, outcome, None)
}
