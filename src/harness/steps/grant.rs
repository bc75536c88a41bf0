//! Steps about the UMA grant at the token endpoint (Grant 3.3-3.7): arranging the owner's
//! policies, the client's RPT requests, and what the authorization server answers.

use serde_json::Value;

use super::StepDef;
use super::adapter::Args;
use super::def;
use super::support::{describe, endpoint, json_type, uma_client, unguessable, unique_marker};
use crate::harness::roles::permissions as perm;
use crate::harness::roles::policy_admin::{Outcome, create_policy};
use crate::harness::roles::registration::quoted_list;
use crate::harness::roles::tokens::read_token_response;
use crate::harness::roles::uri::absolute_uri;
use crate::harness::target::ClientCredentials;
use crate::harness::wire::Request;
use crate::harness::world::{StepError, StepResult, UmaWorld};

pub fn steps() -> Vec<StepDef> {
    vec![
        def!(
            Given,
            r#"resource owner "alice" grants the client (?:scopes? )?(.+) on the resource"#,
            policy_grants
        ),
        def!(
            Given,
            r#"resource owner "alice" denies the client access to the resource"#,
            policy_denies
        ),
        def!(
            Given,
            r#"resource owner "alice" wants to be asked before the client gets (.+) on the resource"#,
            policy_asks_owner
        ),
        def!(
            Given,
            r#"resource owner "alice" requires claims before the client gets (.+) on the resource"#,
            policy_needs_claims
        ),
        def!(
            When,
            r#"the client requests an RPT with the ticket and the scope "([^"]+)""#,
            requests_with_scope
        ),
        def!(
            When,
            r#"the client requests an RPT with the ticket under the parameter name "([^"]+)""#,
            requests_with_renamed_ticket
        ),
        def!(
            Then,
            r#"each entry of "required_claims" has its optional members in the form the Grant gives them"#,
            required_claims_members
        ),
        def!(
            When,
            r"the client requests an RPT with the ticket and its previous RPT",
            requests_upgrade
        ),
        def!(
            When,
            r"the client requests an RPT with a ticket the authorization server never issued",
            requests_unknown_ticket
        ),
        def!(
            When,
            r"the client requests an RPT with the ticket from that answer",
            requests_with_new_ticket
        ),
        def!(
            When,
            r"the client requests an RPT without a ticket",
            requests_without_ticket
        ),
        def!(
            Then,
            r#"the RPT response has no "scope" member"#,
            no_scope_in_rpt_response
        ),
        def!(Then, r"the error body carries a ticket", ticket_in_error),
        def!(
            When,
            r#"a client registers dynamically with the claims redirect URIs? (.+)"#,
            registers_dynamically
        ),
        def!(
            Then,
            r"the registration is accepted with the claims redirect URIs it asked for",
            dcr_accepted
        ),
        def!(
            When,
            r"the resource server requests (\d+) permission tickets for the resource",
            requests_many_tickets
        ),
        def!(Then, r"the tickets look unguessable", tickets_unguessable),
        def!(
            When,
            r"the client presents the ticket twice at the same moment",
            presents_twice
        ),
        def!(
            Then,
            r"exactly one of the two answers carries an RPT",
            exactly_one_rpt
        ),
        def!(
            Then,
            r"that ticket differs from the one the client presented",
            ticket_differs
        ),
        def!(
            Then,
            r"the error answer is a JSON object in the OAuth error form",
            oauth_error_form
        ),
        def!(
            Then,
            r#"the error body carries "required_claims", "redirect_user" or both"#,
            claims_or_redirect
        ),
        def!(
            Then,
            r#"if the (?:error )?body has "(interval|expires_in)", it is a whole number of seconds"#,
            seconds_form
        ),
        def!(
            Then,
            r#"if the body has "(refresh_token|pct)", it is a string"#,
            optional_string_member
        ),
        def!(
            Then,
            r#"if the body has "upgraded", it is a boolean"#,
            upgraded_form
        ),
        def!(
            Then,
            r#"the body has "upgraded" set to true"#,
            upgraded_true
        ),
        def!(
            Then,
            r"the token answer is JSON that no cache keeps",
            token_answer_not_cached
        ),
        def!(
            When,
            r"the resource server introspects the previous RPT",
            introspects_previous
        ),
        def!(When, r"the client refreshes the RPT", refreshes),
        def!(
            When,
            r#"the client refreshes the RPT narrowed to the scope "([^"]+)""#,
            refreshes_narrowed
        ),
        def!(
            Given,
            r#"resource owner "alice" grants the public client (?:scopes? )?(.+) on the resource"#,
            policy_grants_public
        ),
        def!(
            When,
            r"the public client requests an RPT with the ticket",
            public_requests
        ),
        def!(
            Then,
            r"the refreshed RPT grants nothing beyond what the first RPT was granted",
            refreshed_not_broader
        ),
        def!(
            Then,
            r#""upgraded" was true exactly when the new RPT carries the previous RPT's permissions"#,
            upgraded_iff_carried
        ),
        def!(
            Then,
            r"if the RPT was upgraded, the previous RPT is no longer active",
            previous_inactive_if_upgraded
        ),
    ]
}

async fn arrange_policy(w: &mut UmaWorld, scopes: Vec<String>, outcome: Outcome) -> StepResult {
    let client = uma_client(w)?.client_id;
    arrange_policy_for(w, scopes, outcome, &client, None).await
}

/// Creates a policy for the current resource through the target's policy backend.
pub(super) async fn arrange_policy_for(
    w: &mut UmaWorld,
    scopes: Vec<String>,
    outcome: Outcome,
    client_id: &str,
    claims: Option<&serde_json::Map<String, Value>>,
) -> StepResult {
    let ctx = w.ctx()?;
    let admin = ctx
        .target
        .authorization_server
        .policy_admin
        .clone()
        .ok_or_else(|| {
            StepError::Skip(
                "the target gives no way to arrange policies (authorization_server.hook)".into(),
            )
        })?;
    let resource = w.current_resource()?.clone();
    let action = create_policy(
        &resource.owner,
        &resource.id,
        &scopes,
        outcome,
        client_id,
        claims,
    );
    admin.perform(&ctx.driver, &action).await.map_err(|e| {
        StepError::Setup(format!(
            "arranging a {} policy failed: {e}",
            outcome.as_str()
        ))
    })?;
    Ok(())
}

async fn policy_grants(w: &mut UmaWorld, a: Args) -> StepResult {
    arrange_policy(w, quoted_list(a.arg(0)), Outcome::Grant).await
}

async fn policy_denies(w: &mut UmaWorld, _a: Args) -> StepResult {
    let scopes = w.current_resource()?.scopes();
    arrange_policy(w, scopes, Outcome::Deny).await
}

async fn policy_asks_owner(w: &mut UmaWorld, a: Args) -> StepResult {
    arrange_policy(w, quoted_list(a.arg(0)), Outcome::AskOwner).await
}

async fn policy_needs_claims(w: &mut UmaWorld, a: Args) -> StepResult {
    arrange_policy(w, quoted_list(a.arg(0)), Outcome::NeedClaims).await
}

/// Sends the UMA grant's token request with extra form fields; keeps the RPT if one came.
pub(super) async fn send_rpt_request(
    w: &mut UmaWorld,
    ticket: Option<String>,
    extra: Vec<(String, String)>,
) -> StepResult {
    let client = uma_client(w)?;
    send_rpt_request_as(w, &client, ticket, extra).await
}

/// The same, from a given client.
pub(super) async fn send_rpt_request_as(
    w: &mut UmaWorld,
    client: &ClientCredentials,
    ticket: Option<String>,
    extra: Vec<(String, String)>,
) -> StepResult {
    let token_endpoint = endpoint(w, "token_endpoint")?;
    let mut form = vec![("grant_type".to_string(), perm::UMA_TICKET_GRANT.to_string())];
    if let Some(ticket) = ticket {
        form.push(("ticket".into(), ticket));
    }
    form.extend(extra);
    let request = perm::with_client_auth(Request::post(token_endpoint), form, client);
    let answer = w.send(request).await?.clone();
    w.hold_rpt_if_issued(&answer);
    Ok(())
}

pub(super) fn held_ticket(w: &UmaWorld) -> Result<String, StepError> {
    w.ticket
        .as_ref()
        .map(|(t, _)| t.clone())
        .ok_or_else(|| StepError::Harness("no ticket is held".into()))
}

async fn requests_with_scope(w: &mut UmaWorld, a: Args) -> StepResult {
    let ticket = held_ticket(w)?;
    send_rpt_request(
        w,
        Some(ticket),
        vec![("scope".into(), a.arg(0).to_string())],
    )
    .await
}

async fn requests_with_renamed_ticket(w: &mut UmaWorld, a: Args) -> StepResult {
    let ticket = held_ticket(w)?;
    send_rpt_request(w, None, vec![(a.arg(0).to_string(), ticket)]).await
}

/// The RPT the client holds now.
pub(super) fn held_rpt(w: &UmaWorld) -> Result<String, StepError> {
    w.rpt
        .as_ref()
        .map(|(t, _)| t.clone())
        .ok_or_else(|| StepError::Harness("no RPT is held".into()))
}

async fn requests_upgrade(w: &mut UmaWorld, _a: Args) -> StepResult {
    let ticket = held_ticket(w)?;
    let rpt = held_rpt(w)?;
    send_rpt_request(w, Some(ticket), vec![("rpt".into(), rpt)]).await?;
    // Whether it upgraded, for the check that upgrades are answered alike (Grant 3.3.5.1).
    let issued = w
        .last_response()
        .ok()
        .filter(|r| r.status == 200)
        .and_then(|r| r.json().ok());
    if let Some(body) = issued {
        w.upgrade_answers
            .push(body.get("upgraded") == Some(&Value::Bool(true)));
    }
    Ok(())
}

async fn requests_unknown_ticket(w: &mut UmaWorld, _a: Args) -> StepResult {
    let ticket = format!("never-issued-{}", unique_marker(w));
    send_rpt_request(w, Some(ticket), Vec::new()).await
}

async fn requests_without_ticket(w: &mut UmaWorld, _a: Args) -> StepResult {
    send_rpt_request(w, None, Vec::new()).await
}

/// The ticket an error answer handed back (need_info, request_submitted).
fn answered_ticket(w: &UmaWorld) -> Result<String, String> {
    let body = w.last_response()?.json()?;
    body.get("ticket")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .ok_or_else(|| format!("the answer carries no ticket: {body}"))
}

/// Takes the ticket the latest error answer handed back as the one the client now holds.
pub(super) fn hold_answered_ticket(w: &mut UmaWorld) -> Result<String, StepError> {
    let ticket = answered_ticket(w)
        .map_err(|e| StepError::Setup(format!("no new ticket to present: {e}")))?;
    w.ctx()?.driver.secrets().register(&ticket);
    if let Some((held, _)) = w.ticket.as_mut() {
        *held = ticket.clone();
    }
    Ok(ticket)
}

async fn requests_with_new_ticket(w: &mut UmaWorld, _a: Args) -> StepResult {
    let ticket = hold_answered_ticket(w)?;
    send_rpt_request(w, Some(ticket), Vec::new()).await
}

async fn no_scope_in_rpt_response(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        let issued = read_token_response(r)?;
        match issued.body.get("scope") {
            None => Ok("no scope member".to_string()),
            Some(scope) => Err(format!("the RPT response carries scope {scope}")),
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn ticket_in_error(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = answered_ticket(w).map(|_| "the answer carries a ticket".to_string());
    w.judge(&a.cite, outcome, None)
}

async fn ticket_differs(w: &mut UmaWorld, a: Args) -> StepResult {
    let presented = held_ticket(w).ok();
    let outcome = match answered_ticket(w) {
        // Its absence is judged by the step that requires a ticket.
        Err(_) => Ok("no ticket was handed back, so none repeats the presented one".to_string()),
        Ok(ticket) if Some(&ticket) == presented.as_ref() => {
            Err("the answer hands back the ticket the client just presented".to_string())
        }
        Ok(_) => Ok("the ticket differs from the one presented".to_string()),
    };
    w.judge(&a.cite, outcome, None)
}

async fn claims_or_redirect(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        let body = r.json()?;
        let claims = body.get("required_claims");
        let redirect = body.get("redirect_user");
        if claims.is_none() && redirect.is_none() {
            return Err(format!(
                "need_info carries neither required_claims nor redirect_user: {body}"
            ));
        }
        if let Some(c) = claims {
            let items = c
                .as_array()
                .ok_or_else(|| format!("required_claims is {}, expected an array", json_type(c)))?;
            if let Some(item) = items.iter().find(|i| !i.is_object()) {
                return Err(format!(
                    "a required claim is {}, expected an object",
                    json_type(item)
                ));
            }
        }
        if let Some(r) = redirect {
            let uri = r
                .as_str()
                .ok_or_else(|| format!("redirect_user is {}, expected a URI", json_type(r)))?;
            absolute_uri(uri)?;
        }
        Ok("need_info says what it needs".to_string())
    });
    w.judge(&a.cite, outcome, None)
}

async fn required_claims_members(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        let body = r.json()?;
        let entries = body
            .get("required_claims")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for entry in &entries {
            check_required_claim(entry)?;
        }
        Ok(format!(
            "{} required claim(s), every optional member in form",
            entries.len()
        ))
    });
    w.judge(&a.cite, outcome, None)
}

/// A `required_claims` entry's optional members, when present, have the Grant 3.3.6 types.
fn check_required_claim(item: &Value) -> Result<(), String> {
    let Some(object) = item.as_object() else {
        // Its shape is judged with the need_info answer itself.
        return Ok(());
    };
    for (member, want_array) in [
        ("claim_token_format", true),
        ("issuer", true),
        ("claim_type", false),
        ("friendly_name", false),
        ("name", false),
    ] {
        match object.get(member) {
            None => {}
            Some(Value::Array(list)) if want_array && list.iter().all(Value::is_string) => {}
            Some(Value::String(_)) if !want_array => {}
            Some(other) => return Err(format!("required claim member {member} is {other}")),
        }
    }
    Ok(())
}

async fn seconds_form(w: &mut UmaWorld, a: Args) -> StepResult {
    let member = a.arg(0).to_string();
    let outcome = w.last_response().and_then(|r| {
        let body = r.json()?;
        match body.get(&member) {
            None => Ok(format!("no {member} (optional)")),
            Some(v) if v.as_u64().is_some() => Ok(format!("{member} {v} s")),
            Some(other) => Err(format!("{member} is {other}, expected whole seconds")),
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn optional_string_member(w: &mut UmaWorld, a: Args) -> StepResult {
    let member = a.arg(0).to_string();
    let outcome = w.last_response().and_then(|r| {
        let body = r.json()?;
        match body.get(&member) {
            None => Ok(format!("no {member} (optional)")),
            Some(Value::String(s)) if !s.is_empty() => Ok(format!("{member} is a string")),
            Some(other) => Err(format!("{member} is {other}, expected a non-empty string")),
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn upgraded_form(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        let body = r.json()?;
        match body.get("upgraded") {
            None => Ok("no upgraded member (optional)".to_string()),
            Some(Value::Bool(_)) => Ok("upgraded is a boolean".to_string()),
            Some(other) => Err(format!("upgraded is {other}, expected a boolean")),
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn upgraded_true(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        let body = r.json()?;
        match body.get("upgraded") {
            Some(Value::Bool(true)) => Ok("upgraded: true".to_string()),
            other => Err(format!("expected \"upgraded\": true, got {other:?}")),
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn token_answer_not_cached(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        let media = r.media_type().unwrap_or_default();
        if media != "application/json" {
            return Err(format!("the token answer is not JSON: {}", describe(r)));
        }
        r.json()?;
        let cache = r
            .header("cache-control")
            .unwrap_or_default()
            .to_ascii_lowercase();
        if cache.split(',').any(|d| d.trim() == "no-store") {
            Ok("JSON with Cache-Control: no-store".to_string())
        } else {
            Err(format!("Cache-Control is {cache:?}, without no-store"))
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn introspects_previous(w: &mut UmaWorld, _a: Args) -> StepResult {
    let previous = w
        .previous_rpt
        .clone()
        .ok_or_else(|| StepError::Harness("no previous RPT is held".into()))?;
    let pat = w.actor.as_ref().map(|(_, p)| p.clone());
    let endpoint = endpoint(w, "introspection_endpoint").map_err(|_| {
        StepError::Skip("the discovery document names no introspection_endpoint".into())
    })?;
    w.send(perm::introspection_request(
        &endpoint,
        pat.as_deref(),
        &previous,
    ))
    .await?;
    Ok(())
}

fn upgraded_flag(w: &UmaWorld) -> bool {
    w.rpt_response
        .as_ref()
        .and_then(|b| b.get("upgraded"))
        .and_then(Value::as_bool)
        == Some(true)
}

/// The resource ids an active introspection answer lists.
fn introspected_resources(w: &UmaWorld) -> Result<Vec<String>, String> {
    let body = w.last_response()?.json()?;
    if body.get("active") != Some(&Value::Bool(true)) {
        return Err(format!("the new RPT is not reported active: {body}"));
    }
    Ok(body
        .get("permissions")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| p.get("resource_id").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default())
}

async fn upgraded_iff_carried(w: &mut UmaWorld, a: Args) -> StepResult {
    let latest: Vec<String> = w
        .ticket
        .as_ref()
        .map(|(_, p)| p.iter().map(|x| x.resource_id.clone()).collect())
        .unwrap_or_default();
    let earlier: Vec<String> = w
        .ticket_history
        .iter()
        .map(|p| p.resource_id.clone())
        .filter(|id| !latest.contains(id))
        .collect();
    let upgraded = upgraded_flag(w);
    if let Ok(listed) = introspected_resources(w) {
        if listed.is_empty() {
            return Err(StepError::Skip(
                "the introspection lists no permissions in the UMA form, so the carry-over cannot be judged".into(),
            ));
        }
    }
    let outcome = introspected_resources(w).and_then(|listed| {
        let carried = !earlier.is_empty() && earlier.iter().all(|id| listed.contains(id));
        match (carried, upgraded) {
            (true, true) => {
                Ok("the previous permissions were carried over and upgraded is true".to_string())
            }
            (false, false) => {
                Ok("no upgrade, and upgraded is not claimed (upgrading is optional)".to_string())
            }
            (true, false) => Err(
                "the new RPT carries the previous RPT's permissions, but upgraded is not true"
                    .to_string(),
            ),
            (false, true) => Err(format!(
                "upgraded is true, but the new RPT lacks the earlier permissions on {earlier:?}"
            )),
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn previous_inactive_if_upgraded(w: &mut UmaWorld, a: Args) -> StepResult {
    let upgraded = upgraded_flag(w);
    let outcome = w.last_response().and_then(|r| {
        let body = r.json()?;
        match (upgraded, body.get("active")) {
            (false, _) => Ok("no upgrade took place".to_string()),
            (true, Some(Value::Bool(false))) => {
                Ok("the previous RPT was revoked on upgrade".to_string())
            }
            (true, _) => Err(format!(
                "the RPT was upgraded but the previous one is still active: {body}"
            )),
        }
    });
    w.judge(&a.cite, outcome, None)
}

pub(super) fn public_client(w: &UmaWorld) -> Result<String, StepError> {
    w.ctx()?
        .target
        .authorization_server
        .uma_public_client_id
        .clone()
        .ok_or_else(|| {
            StepError::Skip(
                "the target gives no public client (authorization_server.uma_public_client_id)"
                    .into(),
            )
        })
}

async fn policy_grants_public(w: &mut UmaWorld, a: Args) -> StepResult {
    let client = public_client(w)?;
    arrange_policy_for(w, quoted_list(a.arg(0)), Outcome::Grant, &client, None).await
}

async fn public_requests(w: &mut UmaWorld, _a: Args) -> StepResult {
    let client_id = public_client(w)?;
    let ticket = held_ticket(w)?;
    let token_endpoint = endpoint(w, "token_endpoint")?;
    // A public client identifies itself with client_id and has no secret (RFC 6749 2.3).
    let form = vec![
        ("grant_type".to_string(), perm::UMA_TICKET_GRANT.to_string()),
        ("ticket".to_string(), ticket),
        ("client_id".to_string(), client_id),
    ];
    let answer = w
        .send(Request::post(token_endpoint).form(form))
        .await?
        .clone();
    w.hold_rpt_if_issued(&answer);
    Ok(())
}

async fn refresh(w: &mut UmaWorld, scope: Option<String>) -> StepResult {
    let client = uma_client(w)?;
    let refresh_token = w
        .rpt_response
        .as_ref()
        .and_then(|b| b.get("refresh_token"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| {
            StepError::Skip(
                "the RPT came without a refresh token (refresh tokens are optional)".into(),
            )
        })?;
    let token_endpoint = endpoint(w, "token_endpoint")?;
    let mut form = vec![
        ("grant_type".to_string(), "refresh_token".to_string()),
        ("refresh_token".to_string(), refresh_token),
    ];
    if let Some(scope) = scope {
        form.push(("scope".into(), scope));
    }
    let answer = w
        .send(perm::with_client_auth(
            Request::post(token_endpoint),
            form,
            &client,
        ))
        .await?
        .clone();
    w.hold_rpt_if_issued(&answer);
    Ok(())
}

async fn refreshes(w: &mut UmaWorld, _a: Args) -> StepResult {
    refresh(w, None).await
}

async fn refreshes_narrowed(w: &mut UmaWorld, a: Args) -> StepResult {
    refresh(w, Some(a.arg(0).to_string())).await
}

async fn refreshed_not_broader(w: &mut UmaWorld, a: Args) -> StepResult {
    let granted: Vec<(String, Vec<String>)> = w
        .ticket_history
        .iter()
        .map(|p| (p.resource_id.clone(), p.resource_scopes.clone()))
        .collect();
    let outcome = w.last_response().and_then(|r| {
        let body = r.json()?;
        if body.get("active") != Some(&Value::Bool(true)) {
            return Err(format!("the refreshed RPT is not reported active: {body}"));
        }
        for p in body
            .get("permissions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            let id = p
                .get("resource_id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let before: Vec<&String> = granted
                .iter()
                .filter(|(r, _)| r == id)
                .flat_map(|(_, s)| s)
                .collect();
            for scope in p
                .get("resource_scopes")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
            {
                let scope = scope.as_str().unwrap_or_default().to_string();
                if !before.contains(&&scope) {
                    return Err(format!(
                        "the refreshed RPT grants {scope:?} on {id:?}, beyond the first RPT"
                    ));
                }
            }
        }
        Ok("the refreshed RPT grants nothing new".to_string())
    });
    w.judge(&a.cite, outcome, None)
}

async fn oauth_error_form(w: &mut UmaWorld, a: Args) -> StepResult {
    let ctx = w.ctx()?;
    let outcome = w.last_response().and_then(|r| {
        let media = r.media_type().unwrap_or_default();
        if media != "application/json" {
            return Err(format!(
                "the error answer is not declared as JSON: {}",
                describe(r)
            ));
        }
        let body = r.json()?;
        let violations = ctx
            .schemas
            .validate("oauth-error", &body)
            .map_err(|e| format!("cannot validate: {e}"))?;
        match violations.first() {
            None => Ok(format!("OAuth error {body}")),
            Some(v) => Err(format!(
                "the error body {body} breaks the OAuth error form at {}: {}",
                v.instance_path, v.message
            )),
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn presents_twice(w: &mut UmaWorld, _a: Args) -> StepResult {
    let ctx = w.ctx()?;
    let client = uma_client(w)?;
    let ticket = held_ticket(w)?;
    let token_endpoint = endpoint(w, "token_endpoint")?;
    let request = || perm::rpt_request(&token_endpoint, &ticket, &client);
    let (first, second) = futures::join!(ctx.driver.send(request()), ctx.driver.send(request()));
    let mut issued = 0;
    for (exchange, answer) in [first, second] {
        w.record.push_exchange(exchange);
        if let Ok(r) = &answer {
            if let Ok(token) = read_token_response(r) {
                ctx.driver.secrets().register(&token.access_token);
                issued += 1;
            }
        }
    }
    w.race_rpts = Some(issued);
    Ok(())
}

async fn exactly_one_rpt(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = match w.race_rpts {
        Some(1) => Ok("one presentation got an RPT, the other was refused".to_string()),
        Some(n) => Err(format!(
            "{n} of the two simultaneous presentations of one ticket got an RPT"
        )),
        None => Err("the ticket was not presented".to_string()),
    };
    w.judge(&a.cite, outcome, None)
}

async fn registers_dynamically(w: &mut UmaWorld, a: Args) -> StepResult {
    let endpoint = endpoint(w, "registration_endpoint").map_err(|_| {
        StepError::Skip("the discovery document names no registration_endpoint (dynamic registration is optional)".into())
    })?;
    let uris = quoted_list(a.arg(0));
    let metadata = serde_json::json!({
        "client_name": format!("uma-conformance {}", unique_marker(w)),
        "grant_types": [perm::UMA_TICKET_GRANT],
        "token_endpoint_auth_method": "client_secret_basic",
        "claims_redirect_uris": uris,
    });
    w.send(Request::post(endpoint).json(metadata)).await?;
    Ok(())
}

async fn dcr_accepted(w: &mut UmaWorld, a: Args) -> StepResult {
    let sent = w
        .last_sent
        .as_ref()
        .and_then(|b| b.get("claims_redirect_uris"))
        .cloned();
    let outcome = w.last_response().and_then(|r| {
        if r.status != 201 {
            return Err(format!("the registration was answered {}", describe(r)));
        }
        let body = r.json()?;
        match (body.get("claims_redirect_uris"), &sent) {
            (Some(got), Some(want)) if got == want => {
                Ok(format!("registered with claims_redirect_uris {got}"))
            }
            (got, want) => Err(format!(
                "asked for claims_redirect_uris {want:?}, the registration holds {got:?}"
            )),
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn requests_many_tickets(w: &mut UmaWorld, a: Args) -> StepResult {
    let count: usize = a.arg(0).parse().unwrap_or(0).min(20);
    let pat = w
        .actor
        .as_ref()
        .map(|(_, p)| p.clone())
        .ok_or_else(|| StepError::Harness("no PAT held".into()))?;
    let endpoint = endpoint(w, "permission_endpoint")?;
    let resource = w.current_resource()?.clone();
    // One registered scope: the plainest request every AS must answer with a ticket.
    let scope: Vec<String> = resource.scopes().into_iter().take(1).collect();
    let permission = crate::harness::world::Permission {
        resource_id: resource.id,
        resource_scopes: scope,
    };
    let mut tickets = Vec::new();
    for _ in 0..count {
        let answer = w
            .send_aside(
                perm::request(&endpoint, std::slice::from_ref(&permission), false).bearer(&pat),
            )
            .await?;
        let response = answer
            .map_err(|e| StepError::Setup(format!("the permission request got no answer: {e}")))?;
        let ticket = perm::ticket_of(&response).ok_or_else(|| {
            StepError::Setup(format!("no permission ticket: {}", describe(&response)))
        })?;
        tickets.push(ticket);
    }
    w.sampled_tickets = tickets;
    Ok(())
}

async fn tickets_unguessable(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = unguessable(&w.sampled_tickets, "ticket");
    w.judge(&a.cite, outcome, None)
}
