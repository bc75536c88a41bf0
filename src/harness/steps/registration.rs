//! Steps about the resource registration API (FedAuthz 3): registering, reading, updating,
//! deleting and listing resource descriptions, and the refusals that must come with bad input.

use serde_json::{Value, json};

use super::StepDef;
use super::adapter::Args;
use super::def;
use super::support::{describe, json_doc, json_type, unique_marker};
use super::tokens::token_for;
use crate::harness::roles::registration::{self as reg, assigned_id, quoted_list};
use crate::harness::roles::uri::absolute_uri;
use crate::harness::wire::{Auth, Request};
use crate::harness::world::{RegisteredResource, StepError, StepResult, UmaWorld};

pub fn steps() -> Vec<StepDef> {
    vec![
        def!(
            Given,
            r"it has registered a resource with scopes? (.+)",
            has_registered_with_scopes
        ),
        def!(
            Given,
            r"it has registered a resource described by:",
            has_registered_described
        ),
        def!(
            When,
            r"it registers a resource with scopes? (.+)",
            registers_with_scopes
        ),
        def!(
            When,
            r"it registers a resource described by:",
            registers_described
        ),
        def!(
            When,
            r#"it sends a registration request with content type "([^"]*)" and the body:"#,
            sends_raw_create
        ),
        def!(When, r"it reads the resource", reads),
        def!(
            When,
            r"it reads a resource that was never registered",
            reads_unknown
        ),
        def!(
            When,
            r"it updates the resource with the description:",
            updates
        ),
        def!(
            When,
            r"it updates a resource that was never registered",
            updates_unknown
        ),
        def!(When, r"it deletes the resource", deletes),
        def!(
            When,
            r"it deletes a resource that was never registered",
            deletes_unknown
        ),
        def!(When, r"it lists its resources", lists),
        def!(
            When,
            r"it sends a (PATCH|POST|PUT|DELETE|GET) request to (the resource|the resource registration endpoint)",
            sends_method
        ),
        def!(
            When,
            r#"it sends the "(create|read|update|delete|list)" request (without an Authorization header|with a token the authorization server never issued|with the token lacking the uma_protection scope|with its PAT under the scheme name "bearer")"#,
            sends_operation_with_credentials
        ),
        def!(
            When,
            r#"the resource server of resource owner "bob" (reads|updates|deletes) the resource"#,
            other_owner_acts
        ),
        def!(
            When,
            r#"the resource server of resource owner "bob" lists its resources"#,
            other_owner_lists
        ),
        def!(
            Then,
            r"the authorization server accepts the registration",
            accepts_registration
        ),
        def!(
            Then,
            r"the authorization server answers with a success status",
            answers_success
        ),
        def!(Then, r"the response has a Location header", has_location),
        def!(
            Then,
            r"the Location header ends with the returned _id",
            location_ends_with_id
        ),
        def!(
            Then,
            r#"the body has a non-empty "_id" string"#,
            body_has_id
        ),
        def!(
            Then,
            r#"the body's "_id" is the resource's id"#,
            body_id_is_resource
        ),
        def!(
            Then,
            r#"if the body has "user_access_policy_uri", it is an absolute URI"#,
            policy_uri_form
        ),
        def!(
            Then,
            r"the body holds the registered description and the resource's _id",
            body_holds_description
        ),
        def!(
            Then,
            r#"reading the resource back returns "([^"]+)" unchanged"#,
            read_back_member
        ),
        def!(
            Then,
            r#"reading the resource back returns "([^"]+)" unchanged or leaves it out"#,
            read_back_member_or_absent
        ),
        def!(
            Then,
            r#"reading the resource back returns "([^"]+)" as (.+)"#,
            read_back_member_value
        ),
        def!(
            Then,
            r#"reading the resource back no longer returns "([^"]+)""#,
            read_back_member_gone
        ),
        def!(
            Then,
            r"reading the resource back is answered 404",
            read_back_404
        ),
        def!(
            Then,
            r"its list no longer contains the resource",
            list_lacks_resource
        ),
        def!(
            Then,
            r"the body is an array of id strings holding every resource it registered",
            list_holds_registered
        ),
        def!(
            Then,
            r"the answer does not reveal or change the resource",
            answer_hides_resource
        ),
        def!(
            Then,
            r"the list does not contain the resource of resource owner \x22alice\x22",
            other_list_lacks_resource
        ),
        def!(
            Then,
            r"the answer is 200 with a JSON array",
            answer_is_json_array
        ),
    ]
}

fn rreg(w: &UmaWorld) -> Result<String, StepError> {
    super::support::endpoint(w, "resource_registration_endpoint")
}

fn actor(w: &UmaWorld) -> Result<(String, String), StepError> {
    w.actor.clone().ok_or_else(|| {
        StepError::Harness("no resource server holds a PAT yet in this scenario".into())
    })
}

fn description_with_scopes(w: &UmaWorld, scopes: &str) -> Value {
    json!({
        "resource_scopes": quoted_list(scopes),
        "name": format!("{} photo album", unique_marker(w)),
        "type": "https://uma-conformance.dev/types/photo-album",
    })
}

/// Registers `description` as the actor; remembers the resource if the AS gave an id. As a
/// `Given` it must succeed; as a `When` the answer is left for the `Then` steps to judge.
async fn register(w: &mut UmaWorld, description: Value, must_succeed: bool) -> StepResult {
    let (owner, pat) = actor(w)?;
    let endpoint = rreg(w)?;
    let answer = w
        .send(reg::create(&endpoint, description.clone()).bearer(&pat))
        .await?
        .clone();
    match &answer {
        Ok(r) if (200..300).contains(&r.status) => match assigned_id(r) {
            Some(id) => {
                w.resources.push(RegisteredResource {
                    owner,
                    id,
                    description,
                    deleted: false,
                });
                Ok(())
            }
            None if must_succeed => Err(StepError::Setup(format!(
                "registration gave no resource id (no _id, no Location): {}",
                describe(r)
            ))),
            None => Ok(()),
        },
        Ok(r) if must_succeed => Err(StepError::Setup(format!(
            "registration was refused: {}",
            describe(r)
        ))),
        Err(e) if must_succeed => Err(StepError::Setup(format!("registration got no answer: {e}"))),
        _ => Ok(()),
    }
}

async fn has_registered_with_scopes(w: &mut UmaWorld, a: Args) -> StepResult {
    let description = description_with_scopes(w, a.arg(0));
    register(w, description, true).await
}

async fn has_registered_described(w: &mut UmaWorld, a: Args) -> StepResult {
    let description = json_doc(w, a.doc()?)?;
    register(w, description, true).await
}

async fn registers_with_scopes(w: &mut UmaWorld, a: Args) -> StepResult {
    let description = description_with_scopes(w, a.arg(0));
    register(w, description, false).await
}

async fn registers_described(w: &mut UmaWorld, a: Args) -> StepResult {
    let description = json_doc(w, a.doc()?)?;
    register(w, description, false).await
}

async fn sends_raw_create(w: &mut UmaWorld, a: Args) -> StepResult {
    let (owner, pat) = actor(w)?;
    let endpoint = rreg(w)?;
    let content_type = a.arg(0).to_string();
    let body = a.doc()?.replace("{unique}", &unique_marker(w));
    let request = reg::create(&endpoint, Value::Null)
        .raw(
            (!content_type.is_empty()).then_some(content_type.as_str()),
            body.into_bytes(),
        )
        .bearer(&pat);
    let answer = w.send(request).await?.clone();
    // A wrongly accepted body still creates a resource: remember it so cleanup removes it.
    if let Ok(r) = &answer {
        if (200..300).contains(&r.status) {
            if let Some(id) = assigned_id(r) {
                w.resources.push(RegisteredResource {
                    owner,
                    id,
                    description: Value::Null,
                    deleted: false,
                });
            }
        }
    }
    Ok(())
}

async fn reads(w: &mut UmaWorld, _a: Args) -> StepResult {
    let (_, pat) = actor(w)?;
    let endpoint = rreg(w)?;
    let id = w.current_resource()?.id.clone();
    w.send(reg::read(&endpoint, &id).bearer(&pat)).await?;
    Ok(())
}

fn never_registered_id(w: &UmaWorld) -> String {
    format!("never-registered-{}", unique_marker(w))
}

async fn reads_unknown(w: &mut UmaWorld, _a: Args) -> StepResult {
    let (_, pat) = actor(w)?;
    let endpoint = rreg(w)?;
    let id = never_registered_id(w);
    w.send(reg::read(&endpoint, &id).bearer(&pat)).await?;
    Ok(())
}

async fn updates(w: &mut UmaWorld, a: Args) -> StepResult {
    let (_, pat) = actor(w)?;
    let endpoint = rreg(w)?;
    let description = json_doc(w, a.doc()?)?;
    let id = w.current_resource()?.id.clone();
    let answer = w
        .send(reg::update(&endpoint, &id, description.clone()).bearer(&pat))
        .await?
        .clone();
    if matches!(&answer, Ok(r) if (200..300).contains(&r.status)) {
        if let Some(resource) = w.resources.iter_mut().rev().find(|r| r.id == id) {
            resource.description = description;
        }
    }
    Ok(())
}

async fn updates_unknown(w: &mut UmaWorld, _a: Args) -> StepResult {
    let (_, pat) = actor(w)?;
    let endpoint = rreg(w)?;
    let id = never_registered_id(w);
    let description = description_with_scopes(w, "\"view\"");
    w.send(reg::update(&endpoint, &id, description).bearer(&pat))
        .await?;
    Ok(())
}

async fn deletes(w: &mut UmaWorld, _a: Args) -> StepResult {
    let (_, pat) = actor(w)?;
    let endpoint = rreg(w)?;
    let id = w.current_resource()?.id.clone();
    let answer = w
        .send(reg::delete(&endpoint, &id).bearer(&pat))
        .await?
        .clone();
    if matches!(&answer, Ok(r) if (200..300).contains(&r.status)) {
        // Still remembered (not marked deleted) until a read confirms it is gone, so that cleanup
        // retries if the AS only pretended to delete.
        w.remembered_id = Some(id);
    }
    Ok(())
}

async fn deletes_unknown(w: &mut UmaWorld, _a: Args) -> StepResult {
    let (_, pat) = actor(w)?;
    let endpoint = rreg(w)?;
    let id = never_registered_id(w);
    w.send(reg::delete(&endpoint, &id).bearer(&pat)).await?;
    Ok(())
}

async fn lists(w: &mut UmaWorld, _a: Args) -> StepResult {
    let (_, pat) = actor(w)?;
    let endpoint = rreg(w)?;
    w.send(reg::list(&endpoint).bearer(&pat)).await?;
    Ok(())
}

async fn sends_method(w: &mut UmaWorld, a: Args) -> StepResult {
    let (_, pat) = actor(w)?;
    let endpoint = rreg(w)?;
    let method: http::Method = a
        .arg(0)
        .parse()
        .map_err(|_| StepError::Harness("bad method".into()))?;
    let url = if a.arg(1) == "the resource" {
        reg::item_url(&endpoint, &w.current_resource()?.id.clone())
    } else {
        reg::collection_url(&endpoint)
    };
    let mut request = Request::new(method.clone(), url).bearer(&pat);
    if matches!(
        method,
        http::Method::POST | http::Method::PUT | http::Method::PATCH
    ) {
        request = request.json(description_with_scopes(w, "\"view\""));
    }
    w.send(request).await?;
    Ok(())
}

async fn sends_operation_with_credentials(w: &mut UmaWorld, a: Args) -> StepResult {
    let endpoint = rreg(w)?;
    let operation = a.arg(0).to_string();
    let credentials = a.arg(1).to_string();
    let auth = if credentials.starts_with("without") {
        None
    } else if credentials.contains("never issued") {
        Some(Auth::Bearer(format!("not-a-token-{}", unique_marker(w))))
    } else if credentials.contains("lacking") {
        let token = w
            .other_token
            .clone()
            .ok_or_else(|| StepError::Harness("no token lacking uma_protection is held".into()))?;
        Some(Auth::Bearer(token))
    } else {
        let (_, pat) = actor(w)?;
        Some(Auth::Raw(format!("bearer {pat}")))
    };
    // Item operations target a resource the scenario registered, so a refusal cannot be
    // explained by an unknown id.
    let item = || w.current_resource().map(|r| r.id.clone());
    let description = description_with_scopes(w, "\"view\"");
    let request = match operation.as_str() {
        "create" => reg::create(&endpoint, description),
        "read" => reg::read(&endpoint, &item()?),
        "update" => reg::update(&endpoint, &item()?, description),
        "delete" => reg::delete(&endpoint, &item()?),
        _ => reg::list(&endpoint),
    };
    let answer = w.send(request.auth(auth)).await?.clone();
    if operation == "create" {
        if let Ok(r) = &answer {
            if (200..300).contains(&r.status) {
                if let Some(id) = assigned_id(r) {
                    w.resources.push(RegisteredResource {
                        owner: "alice".into(),
                        id,
                        description: Value::Null,
                        deleted: false,
                    });
                }
            }
        }
    }
    Ok(())
}

async fn other_owner_acts(w: &mut UmaWorld, a: Args) -> StepResult {
    let endpoint = rreg(w)?;
    let target = w.current_resource()?.clone();
    let bob = token_for(w, "bob").await?;
    let request = match a.arg(0) {
        "reads" => reg::read(&endpoint, &target.id),
        "updates" => reg::update(
            &endpoint,
            &target.id,
            json!({"resource_scopes": ["hijacked"], "name": "hijacked by another owner"}),
        ),
        _ => reg::delete(&endpoint, &target.id),
    };
    w.send(request.bearer(&bob)).await?;
    Ok(())
}

async fn other_owner_lists(w: &mut UmaWorld, _a: Args) -> StepResult {
    let endpoint = rreg(w)?;
    let bob = token_for(w, "bob").await?;
    w.send(reg::list(&endpoint).bearer(&bob)).await?;
    Ok(())
}

async fn has_location(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| match r.header("location") {
        Some(l) if !l.trim().is_empty() => Ok(format!("Location: {l}")),
        _ => Err(format!("no Location header; answer was {}", describe(r))),
    });
    w.judge(&a.cite, outcome, None)
}

async fn location_ends_with_id(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        let location = r.header("location").ok_or("no Location header")?;
        let body = r.json()?;
        let id = body
            .get("_id")
            .and_then(Value::as_str)
            .ok_or("the body has no _id to compare with")?;
        let path = location
            .split(['?', '#'])
            .next()
            .unwrap_or("")
            .trim_end_matches('/');
        let encoded: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
        if path.ends_with(&format!("/{id}")) || path.ends_with(&format!("/{encoded}")) {
            Ok(format!("Location {location} ends with _id {id}"))
        } else {
            Err(format!(
                "Location {location:?} does not end with the _id {id:?}"
            ))
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn body_has_id(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        let body = r.json()?;
        match body.get("_id") {
            Some(Value::String(id)) if !id.is_empty() => Ok(format!("_id {id}")),
            Some(other) => Err(format!("_id is {other}, expected a non-empty string")),
            None => Err(format!("the body has no _id: {body}")),
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn body_id_is_resource(w: &mut UmaWorld, a: Args) -> StepResult {
    let id = w.current_resource()?.id.clone();
    let outcome = w.last_response().and_then(|r| {
        let body = r
            .json()
            .map_err(|e| format!("{e}; answer was {}", describe(r)))?;
        match body.get("_id") {
            Some(Value::String(got)) if *got == id => Ok(format!("_id {id}")),
            Some(other) => Err(format!("_id is {other}, expected {id:?}")),
            None => Err(format!("the body has no _id: {body}")),
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn policy_uri_form(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        let body = r.json()?;
        match body.get("user_access_policy_uri") {
            None => Ok("no user_access_policy_uri (optional)".to_string()),
            Some(Value::String(uri)) => {
                absolute_uri(uri).map(|_| format!("user_access_policy_uri {uri}"))
            }
            Some(other) => Err(format!(
                "user_access_policy_uri is {}, expected a URI string",
                json_type(other)
            )),
        }
    });
    w.judge(&a.cite, outcome, None)
}

/// Members of `sent` that `got` lacks or holds with another value.
fn differences(sent: &Value, got: &Value) -> Vec<String> {
    let (Some(sent), Some(got)) = (sent.as_object(), got.as_object()) else {
        return vec![format!("expected an object, got {got}")];
    };
    sent.iter()
        .filter(|(k, v)| got.get(k.as_str()) != Some(v))
        .map(|(k, v)| match got.get(k.as_str()) {
            None => format!("{k} is missing (registered {v})"),
            Some(other) => format!("{k} is {other}, registered {v}"),
        })
        .collect()
}

async fn body_holds_description(w: &mut UmaWorld, a: Args) -> StepResult {
    let resource = w.current_resource()?.clone();
    let outcome = w.last_response().and_then(|r| {
        let body = r.json()?;
        let mut problems = differences(&resource.description, &body);
        match body.get("_id") {
            Some(Value::String(id)) if *id == resource.id => {}
            Some(other) => problems.push(format!("_id is {other}, expected {:?}", resource.id)),
            None => problems.push("_id is missing".into()),
        }
        if problems.is_empty() {
            Ok(format!("the stored description and _id {}", resource.id))
        } else {
            Err(problems.join("; "))
        }
    });
    w.judge(&a.cite, outcome, None)
}

/// Reads the current resource as its owner, aside from the scenario's latest answer.
async fn read_back(w: &mut UmaWorld) -> Result<Result<Value, String>, StepError> {
    let Ok(resource) = w.current_resource().cloned() else {
        return Ok(Err(
            "no resource was registered, so there is nothing to read back".into(),
        ));
    };
    let endpoint = rreg(w)?;
    let pat = token_for(w, &resource.owner).await?;
    let answer = w
        .send_aside(reg::read(&endpoint, &resource.id).bearer(&pat))
        .await?;
    Ok(match answer {
        Ok(r) if r.status == 200 => r.json(),
        Ok(r) => Err(format!(
            "reading the resource back was answered {}",
            describe(&r)
        )),
        Err(e) => Err(format!("reading the resource back got no answer: {e}")),
    })
}

async fn read_back_member(w: &mut UmaWorld, a: Args) -> StepResult {
    let member = a.arg(0).to_string();
    let sent = w
        .current_resource()
        .ok()
        .and_then(|r| r.description.get(&member).cloned());
    let outcome = read_back(w)
        .await?
        .and_then(|body| match (sent, body.get(&member)) {
            (None, _) => Err(format!("no registered description carries {member}")),
            (Some(s), Some(g)) if s == *g => Ok(format!("{member} = {g}")),
            (Some(s), Some(g)) => Err(format!("{member} came back as {g}, registered {s}")),
            (Some(s), None) => Err(format!(
                "{member} is missing from the description read back (registered {s})"
            )),
        });
    w.judge(&a.cite, outcome, None)
}

async fn read_back_member_or_absent(w: &mut UmaWorld, a: Args) -> StepResult {
    let member = a.arg(0).to_string();
    let sent = w
        .current_resource()
        .ok()
        .and_then(|r| r.description.get(&member).cloned());
    let outcome = read_back(w)
        .await?
        .and_then(|body| match (sent, body.get(&member)) {
            (_, None) => Ok(format!("{member} is not returned (allowed)")),
            (Some(s), Some(g)) if s == *g => Ok(format!("{member} returned unchanged")),
            (s, Some(g)) => Err(format!(
                "{member} came back altered as {g}, registered {s:?}"
            )),
        });
    w.judge(&a.cite, outcome, None)
}

async fn read_back_member_value(w: &mut UmaWorld, a: Args) -> StepResult {
    let member = a.arg(0).to_string();
    let expected: Value = serde_json::from_str(a.arg(1))
        .map_err(|e| StepError::Harness(format!("bad expected value: {e}")))?;
    let outcome = read_back(w)
        .await?
        .and_then(|body| match body.get(&member) {
            Some(g) if *g == expected => Ok(format!("{member} = {g}")),
            Some(g) => Err(format!("{member} is {g}, expected {expected}")),
            None => Err(format!("{member} is missing, expected {expected}")),
        });
    w.judge(&a.cite, outcome, None)
}

async fn read_back_member_gone(w: &mut UmaWorld, a: Args) -> StepResult {
    let member = a.arg(0).to_string();
    let outcome = read_back(w)
        .await?
        .and_then(|body| match body.get(&member) {
            None => Ok(format!("{member} is gone after the full replacement")),
            Some(v) => Err(format!(
                "{member} is still {v}: the update was merged, not a full replacement"
            )),
        });
    w.judge(&a.cite, outcome, None)
}

async fn read_back_404(w: &mut UmaWorld, a: Args) -> StepResult {
    let resource = w.current_resource()?.clone();
    let endpoint = rreg(w)?;
    let pat = token_for(w, &resource.owner).await?;
    let answer = w
        .send_aside(reg::read(&endpoint, &resource.id).bearer(&pat))
        .await?;
    let outcome = match answer {
        Ok(r) if r.status == 404 => {
            if let Some(res) = w.resources.iter_mut().find(|x| x.id == resource.id) {
                res.deleted = true;
            }
            Ok("the deleted resource is answered 404".to_string())
        }
        Ok(r) => Err(format!(
            "the deleted resource is still answered {}",
            describe(&r)
        )),
        Err(e) => Err(format!("reading the deleted resource got no answer: {e}")),
    };
    w.judge(&a.cite, outcome, None)
}

async fn list_ids(w: &mut UmaWorld, owner: &str) -> Result<Result<Vec<String>, String>, StepError> {
    let endpoint = rreg(w)?;
    let pat = token_for(w, owner).await?;
    let answer = w.send_aside(reg::list(&endpoint).bearer(&pat)).await?;
    Ok(match answer {
        Ok(r) if r.status == 200 => r.json().and_then(|v| {
            if v.is_array() {
                Ok(ids_leniently(&v))
            } else {
                Err(format!("the list is {}, expected an array", json_type(&v)))
            }
        }),
        Ok(r) => Err(format!("listing was answered {}", describe(&r))),
        Err(e) => Err(format!("listing got no answer: {e}")),
    })
}

/// Ids from a list read leniently (strings, or objects with `_id`), for checks about what a list
/// contains rather than about its form (FED-3.2.5-a judges the form).
fn ids_leniently(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_str().or_else(|| i.get("_id").and_then(Value::as_str)))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn ids_of(value: &Value) -> Result<Vec<String>, String> {
    let items = value
        .as_array()
        .ok_or_else(|| format!("the list is {}, expected an array", json_type(value)))?;
    items
        .iter()
        .map(|i| {
            i.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("a list entry is {}, expected an _id string", json_type(i)))
        })
        .collect()
}

async fn list_lacks_resource(w: &mut UmaWorld, a: Args) -> StepResult {
    let resource = w.current_resource()?.clone();
    let outcome = list_ids(w, &resource.owner).await?.and_then(|ids| {
        if ids.contains(&resource.id) {
            Err(format!("the list still holds {}", resource.id))
        } else {
            Ok(format!("the list ({} ids) no longer holds it", ids.len()))
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn list_holds_registered(w: &mut UmaWorld, a: Args) -> StepResult {
    let (owner, _) = actor(w)?;
    let mine: Vec<String> = w
        .resources
        .iter()
        .filter(|r| r.owner == owner && !r.deleted)
        .map(|r| r.id.clone())
        .collect();
    let outcome = w.last_response().and_then(|r| {
        let ids = ids_of(&r.json()?)?;
        let missing: Vec<&String> = mine.iter().filter(|id| !ids.contains(id)).collect();
        if missing.is_empty() {
            Ok(format!(
                "{} ids, including the {} registered here",
                ids.len(),
                mine.len()
            ))
        } else {
            Err(format!("the list lacks {missing:?}"))
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn answer_hides_resource(w: &mut UmaWorld, a: Args) -> StepResult {
    let resource = w.current_resource()?.clone();
    let marker = unique_marker(w);
    let refused = w.last_response().and_then(|r| {
        if (200..300).contains(&r.status) {
            return Err(format!("another owner's PAT was served: {}", describe(r)));
        }
        if r.text().contains(&marker) {
            return Err(format!("the refusal reveals the resource: {}", describe(r)));
        }
        Ok(format!("refused with {}", r.status))
    });
    let outcome = match refused {
        Err(e) => Err(e),
        Ok(note) => read_back(w).await?.and_then(|body| {
            // Only the scopes: other members are judged by FedAuthz 3.1, not by isolation.
            let scopes = |v: &Value| v.get("resource_scopes").cloned();
            let problems: Vec<String> = if scopes(&body) == scopes(&resource.description) {
                Vec::new()
            } else {
                vec![format!("resource_scopes became {:?}", scopes(&body))]
            };
            if problems.is_empty() {
                Ok(format!("{note}; the resource is unchanged for its owner"))
            } else {
                Err(format!(
                    "{note}, but the resource changed for its owner: {}",
                    problems.join("; ")
                ))
            }
        }),
    };
    w.judge(&a.cite, outcome, None)
}

async fn other_list_lacks_resource(w: &mut UmaWorld, a: Args) -> StepResult {
    let resource = w.current_resource()?.clone();
    let outcome = w.last_response().and_then(|r| {
        if r.status != 200 {
            return Err(format!("listing was answered {}", describe(r)));
        }
        let body = r.json()?;
        if !body.is_array() {
            return Err(format!(
                "the list is {}, expected an array",
                json_type(&body)
            ));
        }
        let ids = ids_leniently(&body);
        if ids.contains(&resource.id) || body.to_string().contains(&unique_marker(w)) {
            Err(format!("another owner's list holds {}", resource.id))
        } else {
            Ok(format!(
                "the other owner's list ({} ids) does not hold it",
                ids.len()
            ))
        }
    });
    w.judge(&a.cite, outcome, None)
}

/// Deregisters what the scenario registered so a vendor's AS is left clean. Best effort: the
/// exchanges are kept as cleanup evidence, failures do not change the verdict.
pub async fn cleanup(w: &mut UmaWorld) {
    let Ok(ctx) = w.ctx() else { return };
    let Some(endpoint) = ctx.endpoint("resource_registration_endpoint") else {
        return;
    };
    let leftovers: Vec<RegisteredResource> =
        w.resources.iter().filter(|r| !r.deleted).cloned().collect();
    for resource in leftovers {
        let Some(pat) = ctx.cached_token(&resource.owner).await else {
            continue;
        };
        let (mut exchange, _) = ctx
            .driver
            .send(reg::delete(&endpoint, &resource.id).bearer(&pat))
            .await;
        exchange.step = None;
        w.record.cleanup.push(exchange);
    }
}

async fn accepts_registration(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        if !(200..300).contains(&r.status) {
            return Err(format!("the registration was refused: {}", describe(r)));
        }
        assigned_id(r)
            .map(|id| format!("registered as {id} ({})", r.status))
            .ok_or_else(|| format!("the answer names no resource id: {}", describe(r)))
    });
    w.judge(&a.cite, outcome, None)
}

async fn answers_success(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        if (200..300).contains(&r.status) {
            Ok(format!("answered {}", r.status))
        } else {
            Err(format!("expected a success status, got {}", describe(r)))
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn answer_is_json_array(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        if r.status != 200 {
            return Err(format!("expected 200, got {}", describe(r)));
        }
        match r.json()? {
            Value::Array(items) => Ok(format!("200 with a JSON array of {} item(s)", items.len())),
            other => Err(format!(
                "the body is {}, expected a JSON array",
                json_type(&other)
            )),
        }
    });
    w.judge(&a.cite, outcome, None)
}
