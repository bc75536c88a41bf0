//! Steps about the permission endpoint (FedAuthz 4) and the first step of the UMA grant: a
//! client trading the ticket for an RPT (Grant 3.3.1).

use serde_json::Value;

use super::StepDef;
use super::adapter::Args;
use super::def;
use super::support::{describe, endpoint, json_doc, uma_client, unique_marker};
use super::tokens::token_for;
use crate::harness::roles::permissions as perm;
use crate::harness::roles::registration::quoted_list;
use crate::harness::roles::tokens::read_token_response;
use crate::harness::wire::Request;
use crate::harness::world::{Permission, StepError, StepResult, UmaWorld};

pub fn steps() -> Vec<StepDef> {
    vec![
        def!(
            When,
            r"it requests a permission for the resource with scopes? (.+)",
            requests_for_resource
        ),
        def!(
            When,
            r"it requests a permission for the resource with no scopes",
            requests_no_scopes
        ),
        def!(
            When,
            r"it requests, as an array, a permission for the resource with scopes? (.+)",
            requests_as_array
        ),
        def!(
            When,
            r#"it requests one permission per resource it registered, each with scope "([^"]+)""#,
            requests_per_resource
        ),
        def!(
            When,
            r"it requests a permission for a resource that was never registered",
            requests_unknown
        ),
        def!(
            When,
            r"it requests a permission for the deleted resource",
            requests_deleted
        ),
        def!(When, r"it sends the permission request:", sends_raw),
        def!(
            When,
            r#"the resource server of resource owner "bob" requests a permission for the resource with scopes? (.+)"#,
            bob_requests
        ),
        def!(
            Given,
            r"the client holds a permission ticket for the resource with scopes? (.+)",
            holds_ticket
        ),
        def!(
            Given,
            r"the client has obtained an RPT for the resource with scopes? (.+)",
            has_rpt
        ),
        def!(
            When,
            r"the client requests an RPT with the ticket",
            requests_rpt
        ),
        def!(
            When,
            r"the client requests an RPT with the same ticket again",
            requests_rpt_again
        ),
        def!(
            Then,
            r"the body holds exactly one ticket",
            exactly_one_ticket
        ),
        def!(Then, r#"the error is "([a-z_]+)""#, error_is),
        def!(
            Given,
            r"the permission ticket has outlived its lifetime",
            ticket_expires
        ),
    ]
}

fn pat_of_actor(w: &UmaWorld) -> Result<String, StepError> {
    w.actor.as_ref().map(|(_, pat)| pat.clone()).ok_or_else(|| {
        StepError::Harness("no resource server holds a PAT yet in this scenario".into())
    })
}

async fn send_permissions(
    w: &mut UmaWorld,
    permissions: Vec<Permission>,
    as_array: bool,
    pat: &str,
) -> StepResult {
    let endpoint = endpoint(w, "permission_endpoint")?;
    let answer = w
        .send(perm::request(&endpoint, &permissions, as_array).bearer(pat))
        .await?
        .clone();
    if let Some(ticket) = answer.as_ref().ok().and_then(perm::ticket_of) {
        w.ctx()?.driver.secrets().register(&ticket);
        w.ticket_history.extend(permissions.iter().cloned());
        w.ticket = Some((ticket, permissions));
    }
    Ok(())
}

fn for_current(w: &UmaWorld, scopes: Vec<String>) -> Result<Permission, StepError> {
    Ok(Permission {
        resource_id: w.current_resource()?.id.clone(),
        resource_scopes: scopes,
    })
}

async fn requests_for_resource(w: &mut UmaWorld, a: Args) -> StepResult {
    let permission = for_current(w, quoted_list(a.arg(0)))?;
    let pat = pat_of_actor(w)?;
    send_permissions(w, vec![permission], false, &pat).await
}

async fn requests_no_scopes(w: &mut UmaWorld, _a: Args) -> StepResult {
    let permission = for_current(w, Vec::new())?;
    let pat = pat_of_actor(w)?;
    send_permissions(w, vec![permission], false, &pat).await
}

async fn requests_as_array(w: &mut UmaWorld, a: Args) -> StepResult {
    let permission = for_current(w, quoted_list(a.arg(0)))?;
    let pat = pat_of_actor(w)?;
    send_permissions(w, vec![permission], true, &pat).await
}

async fn requests_per_resource(w: &mut UmaWorld, a: Args) -> StepResult {
    let (owner, pat) = w
        .actor
        .clone()
        .ok_or_else(|| StepError::Harness("no PAT held".into()))?;
    let scope = a.arg(0).to_string();
    let permissions: Vec<Permission> = w
        .resources
        .iter()
        .filter(|r| r.owner == owner && !r.deleted)
        .map(|r| Permission {
            resource_id: r.id.clone(),
            resource_scopes: vec![scope.clone()],
        })
        .collect();
    if permissions.len() < 2 {
        return Err(StepError::Harness(
            "this step needs at least two registered resources".into(),
        ));
    }
    send_permissions(w, permissions, true, &pat).await
}

async fn requests_unknown(w: &mut UmaWorld, _a: Args) -> StepResult {
    let permission = Permission {
        resource_id: format!("never-registered-{}", unique_marker(w)),
        resource_scopes: vec!["view".into()],
    };
    let pat = pat_of_actor(w)?;
    send_permissions(w, vec![permission], false, &pat).await
}

async fn requests_deleted(w: &mut UmaWorld, _a: Args) -> StepResult {
    let resource = w.last_resource()?.clone();
    let scopes: Vec<String> = resource.scopes();
    let permission = Permission {
        resource_id: resource.id,
        resource_scopes: scopes,
    };
    let pat = pat_of_actor(w)?;
    send_permissions(w, vec![permission], false, &pat).await
}

async fn sends_raw(w: &mut UmaWorld, a: Args) -> StepResult {
    let pat = pat_of_actor(w)?;
    let endpoint = endpoint(w, "permission_endpoint")?;
    let id = w
        .current_resource()
        .map(|r| r.id.clone())
        .unwrap_or_default();
    let body = json_doc(w, &a.doc()?.replace("{resource_id}", &id))?;
    w.send(Request::post(endpoint).json(body).bearer(&pat))
        .await?;
    Ok(())
}

async fn bob_requests(w: &mut UmaWorld, a: Args) -> StepResult {
    let permission = for_current(w, quoted_list(a.arg(0)))?;
    let bob = token_for(w, "bob").await?;
    send_permissions(w, vec![permission], false, &bob).await
}

/// Asks for a ticket as the actor, outside the checks: a failure is a setup failure.
pub(super) async fn obtain_ticket(
    w: &mut UmaWorld,
    scopes: Vec<String>,
) -> Result<String, StepError> {
    let permission = for_current(w, scopes)?;
    let pat = pat_of_actor(w)?;
    let endpoint = endpoint(w, "permission_endpoint")?;
    let answer = w
        .send_aside(perm::request(&endpoint, std::slice::from_ref(&permission), false).bearer(&pat))
        .await?;
    let response = answer
        .map_err(|e| StepError::Setup(format!("the permission request got no answer: {e}")))?;
    let ticket = perm::ticket_of(&response).ok_or_else(|| {
        StepError::Setup(format!("no permission ticket: {}", describe(&response)))
    })?;
    w.ctx()?.driver.secrets().register(&ticket);
    w.ticket_history.push(permission.clone());
    w.ticket = Some((ticket.clone(), vec![permission]));
    Ok(ticket)
}

async fn holds_ticket(w: &mut UmaWorld, a: Args) -> StepResult {
    uma_client(w)?;
    obtain_ticket(w, quoted_list(a.arg(0))).await.map(|_| ())
}

async fn has_rpt(w: &mut UmaWorld, a: Args) -> StepResult {
    let client = uma_client(w)?;
    let ticket = obtain_ticket(w, quoted_list(a.arg(0))).await?;
    let token_endpoint = endpoint(w, "token_endpoint")?;
    let answer = w
        .send_aside(perm::rpt_request(&token_endpoint, &ticket, &client))
        .await?;
    let response =
        answer.map_err(|e| StepError::Setup(format!("the RPT request got no answer: {e}")))?;
    let issued = read_token_response(&response)
        .map_err(|e| StepError::Setup(format!("no RPT was issued: {e}")))?;
    w.hold_rpt(issued);
    Ok(())
}

async fn requests_rpt(w: &mut UmaWorld, _a: Args) -> StepResult {
    let client = uma_client(w)?;
    let (ticket, _) = w
        .ticket
        .clone()
        .ok_or_else(|| StepError::Harness("no ticket is held".into()))?;
    let token_endpoint = endpoint(w, "token_endpoint")?;
    let answer = w
        .send(perm::rpt_request(&token_endpoint, &ticket, &client))
        .await?
        .clone();
    w.hold_rpt_if_issued(&answer);
    Ok(())
}

async fn requests_rpt_again(w: &mut UmaWorld, a: Args) -> StepResult {
    requests_rpt(w, a).await
}

async fn exactly_one_ticket(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        let body = r.json()?;
        match body.get("ticket") {
            Some(Value::String(t)) if !t.is_empty() => {
                Ok("one ticket for the whole request".to_string())
            }
            Some(other) => Err(format!("ticket is {other}, expected one non-empty string")),
            None => Err(format!("the body has no ticket: {body}")),
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn error_is(w: &mut UmaWorld, a: Args) -> StepResult {
    let expected = a.arg(0).to_string();
    let outcome = w.last_response().and_then(|r| {
        let body = r
            .json()
            .map_err(|e| format!("{e}; answer was {}", describe(r)))?;
        match body.get("error") {
            Some(Value::String(code)) if *code == expected => Ok(format!("error {expected}")),
            Some(other) => Err(format!("error is {other}, expected \"{expected}\"")),
            None => Err(format!("the error body has no error member: {body}")),
        }
    });
    w.judge(&a.cite, outcome, None)
}

/// Long past any reasonable ticket lifetime (the reference AS's tickets live 300 s), yet short of
/// the day a PAT might live.
const PAST_TICKET_LIFETIME_SECS: u64 = 901;

async fn ticket_expires(w: &mut UmaWorld, _a: Args) -> StepResult {
    if w.ctx()?.target.authorization_server.control_api.is_none() {
        return Err(StepError::Skip(
            "a ticket's lifetime cannot be read off the wire, so its expiry needs a control API"
                .into(),
        ));
    }
    super::introspection::pass_time(w, PAST_TICKET_LIFETIME_SECS).await
}
