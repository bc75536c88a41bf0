//! Steps about whom an RPT belongs to and how upgrades behave over time (Grant 1.3, 3.3.5.1):
//! another client offering the RPT for upgrade, and a chain of upgrades answered alike.

use serde_json::Value;

use super::StepDef;
use super::adapter::Args;
use super::claims::client_named;
use super::def;
use super::grant::{arrange_policy_for, held_rpt, held_ticket, send_rpt_request_as};
use super::support::{describe, endpoint};
use crate::harness::roles::permissions as perm;
use crate::harness::roles::policy_admin::Outcome;
use crate::harness::roles::registration::quoted_list;
use crate::harness::roles::tokens::read_token_response;
use crate::harness::world::{StepError, StepResult, UmaWorld};

pub fn steps() -> Vec<StepDef> {
    vec![
        def!(
            Given,
            r#"resource owner "alice" grants the second client (?:scopes? )?(.+) on the resource"#,
            policy_grants_second
        ),
        def!(
            When,
            r"the second client requests an RPT with the ticket and the first client's RPT",
            second_offers_first_rpt
        ),
        def!(
            Then,
            r"the new RPT carries none of the first client's permissions",
            nothing_carried_across
        ),
        def!(
            Then,
            r"the two upgrade requests were answered alike",
            upgrades_alike
        ),
    ]
}

async fn policy_grants_second(w: &mut UmaWorld, a: Args) -> StepResult {
    let second = client_named(w, "second client")?;
    arrange_policy_for(
        w,
        quoted_list(a.arg(0)),
        Outcome::Grant,
        &second.client_id,
        None,
    )
    .await
}

async fn second_offers_first_rpt(w: &mut UmaWorld, _a: Args) -> StepResult {
    let second = client_named(w, "second client")?;
    let ticket = held_ticket(w)?;
    let rpt = held_rpt(w)?;
    send_rpt_request_as(w, &second, Some(ticket), vec![("rpt".into(), rpt)]).await
}

async fn nothing_carried_across(w: &mut UmaWorld, a: Args) -> StepResult {
    let first_resource = w
        .resources
        .first()
        .map(|r| r.id.clone())
        .ok_or_else(|| StepError::Harness("no resource was registered".into()))?;
    let issued = w
        .last_response()
        .ok()
        .filter(|r| r.status == 200)
        .and_then(|r| read_token_response(r).ok());
    let Some(issued) = issued else {
        let outcome = w
            .last_response()
            .map(|r| format!("the request was refused: {}", describe(r)));
        return w.judge(&a.cite, outcome, None);
    };
    if issued.body.get("upgraded") == Some(&Value::Bool(true)) {
        return w.judge(
            &a.cite,
            Err("the second client's RPT says it was upgraded with the first client's RPT".into()),
            None,
        );
    }
    let pat = w
        .actor
        .as_ref()
        .map(|(_, p)| p.clone())
        .ok_or_else(|| StepError::Harness("no PAT is held".into()))?;
    let endpoint = endpoint(w, "introspection_endpoint").map_err(|_| {
        StepError::Skip("the discovery document names no introspection_endpoint".into())
    })?;
    let answer = w
        .send_aside(perm::introspection_request(
            &endpoint,
            Some(&pat),
            &issued.access_token,
        ))
        .await?;
    let body = answer
        .map_err(|e| format!("the introspection got no answer: {e}"))
        .and_then(|r| r.json());
    // Only an active RPT whose permissions are in the UMA form can show what it carries.
    let readable = body.as_ref().is_ok_and(|b| {
        b.get("active") == Some(&Value::Bool(true))
            && b.get("permissions")
                .and_then(Value::as_array)
                .is_some_and(|list| {
                    list.iter()
                        .all(|p| p.get("resource_id").is_some_and(Value::is_string))
                })
    });
    if !readable {
        return Err(StepError::Skip(
            "the introspection of the second client's RPT does not list its permissions in the UMA form, so what it carries cannot be read".into(),
        ));
    }
    let outcome = body.and_then(|body| {
        let carried = body
            .get("permissions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|p| p.get("resource_id").and_then(Value::as_str) == Some(&first_resource));
        if carried {
            Err(format!(
                "the second client's RPT carries the first client's permission on {first_resource}"
            ))
        } else {
            Ok("the second client's RPT carries only its own permissions".to_string())
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn upgrades_alike(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = match w.upgrade_answers.as_slice() {
        [first, second] if first == second => Ok(format!(
            "both upgrade requests were answered with upgraded = {first}"
        )),
        [first, second] => Err(format!(
            "the first upgrade request was answered upgraded = {first}, the second {second}"
        )),
        other => Err(format!("expected two upgrade answers, saw {}", other.len())),
    };
    w.judge(&a.cite, outcome, None)
}
