//! Steps of the resource server suite. The harness plays the client towards the RS under test
//! and, unless the target brings an AS, the RS's authorization server as well: then it sees
//! every request the RS sends the AS (its log), can hand the RS crafted introspection answers
//! and can take itself down.

use serde_json::{Value, json};

use super::adapter::Args;
use super::grant::send_rpt_request;
use super::support::all_well;
use super::support::describe;
use super::tokens::token_for;
use super::{StepDef, def};
use crate::harness::roles::observed::{self, Observed};
use crate::harness::roles::permissions as perm;
use crate::harness::target::{Party, ProtectedResource};
use crate::harness::wire::challenge::{self, Challenge};
use crate::harness::wire::{HttpResponse, Request};
use crate::harness::world::{StepError, StepResult, UmaWorld};

pub fn steps() -> Vec<StepDef> {
    vec![
        def!(
            Given,
            r"the authorization server cannot be reached",
            take_as_down
        ),
        def!(
            Given,
            r"the client holds an RPT the authorization server issued for the protected resource",
            obtain_rpt
        ),
        def!(
            Given,
            r"the resource server serves the protected resource for that RPT",
            serves_for_rpt
        ),
        def!(
            Given,
            r"the resource server serves the protected resource for a token whose introspection allows it",
            serves_for_crafted_sufficient
        ),
        def!(
            When,
            r"the client asks the resource server for the protected resource without a token",
            ask_without_token
        ),
        def!(
            When,
            r"the client asks the resource server for every protected resource without a token",
            ask_every_resource
        ),
        def!(
            When,
            r"the client presents that RPT to the resource server",
            present_rpt
        ),
        def!(
            When,
            r"the client presents a token whose introspection shows (.+)",
            present_crafted
        ),
        def!(Then, r"the resource server answers (\d+)", rs_answers),
        def!(
            Then,
            r"the resource server answers with a UMA challenge carrying a ticket",
            challenge_with_ticket
        ),
        def!(
            Then,
            r"the authorization server knows the ticket",
            as_knows_ticket
        ),
        def!(
            Then,
            r"its WWW-Authenticate header holds a UMA challenge with as_uri and ticket",
            header_has_as_uri_and_ticket
        ),
        def!(
            Then,
            r"the challenge's as_uri is the authorization server's issuer",
            as_uri_is_issuer
        ),
        def!(
            Then,
            r"the ticket it handed over was asked for only the scopes the request needs",
            ticket_fits_request
        ),
        def!(
            Then,
            r#"its answer carries the header Warning: 199 - "UMA Authorization Server Unreachable""#,
            carries_unreachable_warning
        ),
        def!(
            Then,
            r"the resource server does not serve the protected resource",
            does_not_serve
        ),
        def!(
            Then,
            r"the resource server serves the protected resource",
            serves
        ),
        def!(
            Then,
            r"it answers 401 with a UMA challenge carrying a new ticket",
            new_challenge
        ),
        def!(
            Then,
            r"the resource server introspected the RPT with its PAT as a bearer token",
            introspected_properly
        ),
        def!(
            Then,
            r"every call the resource server made to the protection API carried its PAT as a bearer token",
            pat_as_bearer
        ),
    ]
}

/// An arrangement step the AS made impossible: the AS broke it when it is a target (an interop
/// run); when it is the harness's own, the harness is at fault.
fn as_failed(w: &UmaWorld, message: String) -> StepError {
    let harness_as = w
        .ctx()
        .is_ok_and(|c| c.target.authorization_server.control_api.is_some());
    if harness_as {
        StepError::Setup(format!("(the harness's own AS) {message}"))
    } else {
        StepError::Broken(Party::AuthorizationServer, message)
    }
}

/// The log of the harness's AS, when the harness plays the AS.
fn control_api(w: &UmaWorld) -> Result<String, StepError> {
    w.ctx()?
        .target
        .authorization_server
        .control_api
        .clone()
        .ok_or_else(|| {
            StepError::Skip(
                "the target brings its own authorization server, so the harness cannot see or steer what the resource server asks of it".into(),
            )
        })
}

fn resource(w: &UmaWorld, index: usize) -> Result<ProtectedResource, StepError> {
    let ctx = w.ctx()?;
    let rs = ctx
        .target
        .resource_server
        .as_ref()
        .ok_or_else(|| StepError::Harness("this run tests no resource server".into()))?;
    rs.resources.get(index).cloned().ok_or_else(|| {
        StepError::Skip(format!(
            "the target names fewer than {} protected resources",
            index + 1
        ))
    })
}

fn request_to(resource: &ProtectedResource) -> Request {
    let method = http::Method::from_bytes(resource.method.as_bytes()).unwrap_or(http::Method::GET);
    Request::new(method, resource.url.clone())
}

/// Marks the AS log so later checks see only what followed; a no-op without a log.
async fn mark_as_log(w: &mut UmaWorld) -> StepResult {
    let ctx = w.ctx()?;
    if let Some(control) = ctx.target.authorization_server.control_api.clone() {
        let at = observed::mark(&ctx.driver, &control)
            .await
            .map_err(StepError::Setup)?;
        w.rs.as_mark.get_or_insert(at);
    }
    Ok(())
}

/// What the RS (not the harness) sent the AS since the scenario's mark, or since the AS
/// started; each exchange is added to the scenario's evidence.
/// The same, from the start, without adding evidence (for lookups, not judgements).
async fn seen_at_as_quietly(w: &mut UmaWorld) -> Result<Vec<Observed>, StepError> {
    let control = control_api(w)?;
    let ctx = w.ctx()?;
    Ok(observed::since(&ctx.driver, &control, 0)
        .await
        .map_err(StepError::Setup)?
        .into_iter()
        .filter(|o| !o.from_harness())
        .collect())
}

pub(super) async fn seen_at_as(
    w: &mut UmaWorld,
    since_start: bool,
) -> Result<Vec<Observed>, StepError> {
    let control = control_api(w)?;
    let ctx = w.ctx()?;
    let after = if since_start {
        0
    } else {
        w.rs.as_mark.unwrap_or(0)
    };
    let seen = observed::since(&ctx.driver, &control, after)
        .await
        .map_err(StepError::Setup)?;
    let step = w.record.current_step();
    let issuer = ctx.target.authorization_server.issuer.clone();
    let base = url::Url::parse(&issuer)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or(issuer);
    let from_rs: Vec<Observed> = seen.into_iter().filter(|o| !o.from_harness()).collect();
    for o in &from_rs {
        w.record
            .push_exchange(o.to_exchange(&base, "the harness's authorization server", step));
    }
    Ok(from_rs)
}

fn uma_challenge(response: &HttpResponse) -> Result<Challenge, String> {
    let values: Vec<&str> = response.header_values("www-authenticate").collect();
    if values.is_empty() {
        return Err(format!(
            "the answer has no WWW-Authenticate header: {}",
            describe(response)
        ));
    }
    let challenges = challenge::parse_all(values.iter().copied())
        .map_err(|e| format!("the WWW-Authenticate header cannot be parsed: {e}"))?;
    challenges
        .into_iter()
        .find(|c| c.is_scheme("UMA"))
        .ok_or_else(|| format!("no UMA challenge among {values:?}"))
}

async fn take_as_down(w: &mut UmaWorld, _a: Args) -> StepResult {
    let control = control_api(w)?;
    let ctx = w.ctx()?;
    let (_, answer) = ctx
        .driver
        .send(Request::post(format!("{control}/outage")).json(json!({"down": true})))
        .await;
    match answer {
        Ok(r) if r.status == 200 => {
            w.rs.outage = true;
            Ok(())
        }
        Ok(r) => Err(StepError::Setup(format!(
            "the harness's AS would not go down: {}",
            describe(&r)
        ))),
        Err(e) => Err(StepError::Setup(format!(
            "the harness's AS would not go down: {e}"
        ))),
    }
}

/// Brings the harness's AS back after a scenario that took it down.
pub async fn cleanup(w: &mut UmaWorld) {
    if !w.rs.outage {
        return;
    }
    let (Ok(ctx), Ok(control)) = (w.ctx(), control_api(w)) else {
        return;
    };
    let (mut exchange, _) = ctx
        .driver
        .send(Request::post(format!("{control}/outage")).json(json!({"down": false})))
        .await;
    exchange.step = None;
    w.record.cleanup.push(exchange);
    w.rs.outage = false;
}

async fn ask_without_token(w: &mut UmaWorld, _a: Args) -> StepResult {
    mark_as_log(w).await?;
    let target = resource(w, w.rs.resource)?;
    let answer = w.send(request_to(&target)).await?.clone();
    if let Ok(response) = &answer {
        if let Some(ticket) = uma_challenge(response)
            .ok()
            .and_then(|c| c.param("ticket").map(str::to_string))
        {
            w.rs.tickets.push(ticket);
        }
    }
    Ok(())
}

async fn ask_every_resource(w: &mut UmaWorld, _a: Args) -> StepResult {
    mark_as_log(w).await?;
    let count = w
        .ctx()?
        .target
        .resource_server
        .as_ref()
        .map(|rs| rs.resources.len())
        .unwrap_or(0);
    for index in 0..count {
        let target = resource(w, index)?;
        w.send(request_to(&target)).await?;
    }
    Ok(())
}

/// The harness as client: the RS's ticket, then an RPT for it from the AS. A RS whose
/// challenge is unusable is judged by the 3.2 scenarios; here it only means there is nothing
/// to go on.
async fn obtain_rpt(w: &mut UmaWorld, a: Args) -> StepResult {
    ask_without_token(w, a).await?;
    let response = w.last_response().map_err(StepError::Skip)?.clone();
    let ticket = uma_challenge(&response)
        .ok()
        .and_then(|c| c.param("ticket").map(str::to_string))
        .ok_or_else(|| {
            StepError::Skip(format!(
                "the resource server gave no ticket to obtain an RPT with (the Grant 3.2 scenarios judge that): {}",
                describe(&response)
            ))
        })?;
    send_rpt_request(w, Some(ticket), Vec::new()).await?;
    if w.rpt.is_none() {
        let why = w
            .last_response()
            .map(describe)
            .unwrap_or_else(|e| e.to_string());
        return Err(StepError::Broken(
            Party::AuthorizationServer,
            format!(
                "the authorization server issued no RPT for the resource server's ticket: {why}"
            ),
        ));
    }
    Ok(())
}

fn held_rpt(w: &UmaWorld) -> Result<String, StepError> {
    w.rpt
        .as_ref()
        .map(|(t, _)| t.clone())
        .ok_or_else(|| StepError::Harness("no RPT is held".into()))
}

async fn present_token(w: &mut UmaWorld, token: &str) -> StepResult {
    let target = resource(w, w.rs.resource)?;
    mark_as_log(w).await?;
    w.send(request_to(&target).bearer(token)).await?;
    Ok(())
}

async fn present_rpt(w: &mut UmaWorld, _a: Args) -> StepResult {
    let rpt = held_rpt(w)?;
    present_token(w, &rpt).await
}

/// A positive control: refusing bad RPTs proves something only if a good one is honoured.
async fn serves_for_rpt(w: &mut UmaWorld, _a: Args) -> StepResult {
    let rpt = held_rpt(w)?;
    present_token(w, &rpt).await?;
    let response = w.last_response().map_err(StepError::Skip)?;
    if (200..300).contains(&response.status) {
        Ok(())
    } else {
        Err(StepError::Skip(format!(
            "the resource server refused an RPT the AS issued for exactly this request, so refusing other tokens proves nothing (FedAuthz 1.4 lets an RS add its own checks): {}",
            describe(response)
        )))
    }
}

/// The AS's own introspection answer for the held RPT, read with the owner's PAT.
async fn genuine_answer(w: &mut UmaWorld) -> Result<Value, StepError> {
    let rpt = held_rpt(w)?;
    let endpoint = super::support::endpoint(w, "introspection_endpoint")?;
    let pat = token_for(w, "alice").await?;
    let answer = w
        .send_aside(perm::introspection_request(&endpoint, Some(&pat), &rpt))
        .await?;
    let response = answer.map_err(|e| StepError::Setup(format!("introspecting the RPT: {e}")))?;
    response
        .json()
        .ok()
        .filter(|v| v.get("active") == Some(&Value::Bool(true)))
        .ok_or_else(|| {
            as_failed(
                w,
                format!(
                    "the authorization server does not call its own RPT active: {}",
                    describe(&response)
                ),
            )
        })
}

/// The harness AS's clock, which the RS compares times against.
async fn as_now(w: &mut UmaWorld, control: &str) -> Result<i64, StepError> {
    let ctx = w.ctx()?;
    let (_, answer) = ctx
        .driver
        .send(Request::get(format!("{control}/clock")))
        .await;
    answer
        .ok()
        .and_then(|r| r.json().ok())
        .and_then(|v| v.get("now").and_then(Value::as_i64))
        .ok_or_else(|| StepError::Setup("the harness's AS did not tell its time".into()))
}

/// Rewrites the genuine answer so that it no longer allows the request, in the named way.
fn crafted_answer(
    case: &str,
    genuine: &Value,
    now: i64,
    needed: &[String],
) -> Result<Value, StepError> {
    let mut answer = genuine.clone();
    let permissions = |answer: &mut Value| -> Vec<Value> {
        answer
            .get("permissions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let each = |answer: &mut Value, f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut list = permissions(answer);
        for p in list.iter_mut() {
            if let Value::Object(map) = p {
                f(map);
            }
        }
        answer["permissions"] = Value::Array(list);
    };
    match case {
        // The permissions stay: an RS must go by `active`, whatever else the answer lists.
        "it is inactive" => answer["active"] = json!(false),
        "a permission for the resource that expired" => {
            each(&mut answer, &|p| {
                p.insert("exp".into(), json!(now - 600));
            });
        }
        "a permission for the resource not valid yet" => {
            each(&mut answer, &|p| {
                p.insert("nbf".into(), json!(now + 3600));
            });
        }
        "a permission for another resource" => {
            each(&mut answer, &|p| {
                let id = p
                    .get("resource_id")
                    .and_then(Value::as_str)
                    .unwrap_or("resource");
                p.insert("resource_id".into(), json!(format!("{id}-another")));
            });
        }
        "a permission for the resource without the needed scope" => {
            if needed.is_empty() {
                return Err(StepError::Skip(
                    "the protected resource needs no particular scope".into(),
                ));
            }
            each(&mut answer, &|p| {
                p.insert(
                    "resource_scopes".into(),
                    json!(["uma-conformance-unrelated"]),
                );
            });
        }
        "an expired token holding a permission for the resource" => {
            answer["exp"] = json!(now - 600);
            answer["iat"] = json!(now - 1200);
            each(&mut answer, &|p| {
                p.remove("exp");
            });
        }
        "a sufficient permission among members the resource server cannot know" => {
            answer["uma-conformance-extension"] = json!({ "nested": [1, 2, 3] });
            each(&mut answer, &|p| {
                p.insert("uma-conformance-note".into(), json!("ignore me"));
            });
        }
        other => {
            return Err(StepError::Harness(format!(
                "unknown crafted introspection case {other:?}"
            )));
        }
    }
    Ok(answer)
}

/// Hands the RS a made-up token whose introspection the harness's AS answers with `answer`.
/// Refusing such a token proves something only if the RS asked the AS about it: otherwise it
/// refused a token it never looked into (a format it does not know, say).
async fn present_with_answer(w: &mut UmaWorld, answer: Value) -> StepResult {
    let control = control_api(w)?;
    let token = format!("crafted-{:032x}", rand::random::<u128>());
    let ctx = w.ctx()?;
    ctx.driver.secrets().register(&token);
    let (_, stored) = ctx
        .driver
        .send(
            Request::post(format!("{control}/introspection-answers"))
                .json(json!({ "token": token, "answer": answer })),
        )
        .await;
    match stored {
        Ok(r) if (200..300).contains(&r.status) => {}
        other => {
            return Err(StepError::Setup(format!(
                "the harness's AS did not take the crafted answer: {}",
                other
                    .map(|r| describe(&r))
                    .unwrap_or_else(|e| e.to_string())
            )));
        }
    }
    present_token(w, &token).await?;
    let endpoint = super::support::endpoint(w, "introspection_endpoint")?;
    let asked = seen_at_as(w, false)
        .await?
        .iter()
        .any(|o| o.is_to(&endpoint) && o.form_value("token").as_deref() == Some(token.as_str()));
    if !asked {
        return Err(StepError::Skip(
            "the resource server never introspected the token, so it answered without the authorization server's word on it (it may check RPTs otherwise, FedAuthz 5)".into(),
        ));
    }
    Ok(())
}

async fn present_crafted(w: &mut UmaWorld, a: Args) -> StepResult {
    let control = control_api(w)?;
    let genuine = genuine_answer(w).await?;
    let now = as_now(w, &control).await?;
    let needed = resource(w, w.rs.resource)?.scopes;
    let answer = crafted_answer(a.arg(0), &genuine, now, &needed)?;
    present_with_answer(w, answer).await
}

/// The positive control of the crafted answers: the AS's own answer for the RPT, under another
/// token, must get the resource served, or refusals of crafted tokens prove nothing.
async fn serves_for_crafted_sufficient(w: &mut UmaWorld, _a: Args) -> StepResult {
    let genuine = genuine_answer(w).await?;
    present_with_answer(w, genuine).await?;
    let response = w.last_response().map_err(StepError::Skip)?;
    if (200..300).contains(&response.status) {
        Ok(())
    } else {
        Err(StepError::Skip(format!(
            "the resource server refused a token whose introspection allows the request, so its refusal of the others proves nothing: {}",
            describe(response)
        )))
    }
}

async fn rs_answers(w: &mut UmaWorld, a: Args) -> StepResult {
    let expected: u16 = a.arg(0).parse().unwrap_or(0);
    let outcome = w.last_response().and_then(|r| {
        if r.status == expected {
            Ok(format!("answered {}", r.status))
        } else {
            Err(format!("expected {expected}, got {}", describe(r)))
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn challenge_with_ticket(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        let c = uma_challenge(r)?;
        match c.param("ticket") {
            Some(t) if !t.is_empty() => Ok(format!("a UMA challenge with a ticket ({})", r.status)),
            _ => Err(format!(
                "the UMA challenge carries no ticket: {}",
                describe(r)
            )),
        }
    });
    w.judge(&a.cite, outcome, None)
}

/// The AS's word on the ticket: it answers a ticket it never issued with `invalid_grant`.
async fn as_knows_ticket(w: &mut UmaWorld, a: Args) -> StepResult {
    let ticket =
        w.rs.tickets
            .last()
            .cloned()
            .ok_or_else(|| StepError::Harness("no ticket was handed over".into()))?;
    send_rpt_request(w, Some(ticket), Vec::new()).await?;
    let outcome = w.last_response().and_then(|r| {
        let error = r
            .json()
            .ok()
            .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_string));
        match (r.status, error.as_deref()) {
            (200, _) => Ok("the AS issued an RPT for it".to_string()),
            (_, Some("invalid_grant")) => Err(format!(
                "the AS does not know the ticket the resource server handed over: {}",
                describe(r)
            )),
            (_, Some(e @ ("need_info" | "request_submitted" | "request_denied"))) => {
                Ok(format!("the AS took the ticket and answered {e}"))
            }
            _ => Err(format!(
                "the AS did not accept the ticket as one of its own: {}",
                describe(r)
            )),
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn header_has_as_uri_and_ticket(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        let c = uma_challenge(r)?;
        let missing: Vec<&str> = ["as_uri", "ticket"]
            .into_iter()
            .filter(|p| c.param(p).is_none_or(str::is_empty))
            .collect();
        if missing.is_empty() {
            Ok("UMA challenge with as_uri and ticket".to_string())
        } else {
            Err(format!(
                "the UMA challenge lacks {}: {}",
                missing.join(" and "),
                describe(r)
            ))
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn as_uri_is_issuer(w: &mut UmaWorld, a: Args) -> StepResult {
    let issuer = w.ctx()?.target.authorization_server.issuer.clone();
    let outcome = w.last_response().and_then(|r| {
        let c = uma_challenge(r)?;
        let as_uri = c.param("as_uri").unwrap_or_default();
        if as_uri.trim_end_matches('/') == issuer.trim_end_matches('/') {
            Ok(format!("as_uri is {as_uri}"))
        } else {
            Err(format!(
                "as_uri is {as_uri:?}, not the AS's issuer {issuer:?} (a client finds the AS's discovery document from it)"
            ))
        }
    });
    w.judge(&a.cite, outcome, None)
}

/// The permission request whose answer held `ticket`.
fn request_for_ticket<'a>(seen: &'a [Observed], ticket: &str) -> Option<&'a Observed> {
    seen.iter().find(|o| {
        o.response_json()
            .and_then(|v| v.get("ticket").and_then(Value::as_str).map(|t| t == ticket))
            .unwrap_or(false)
    })
}

fn requested_permissions(body: &Value) -> Vec<Value> {
    match body {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    }
}

async fn ticket_fits_request(w: &mut UmaWorld, a: Args) -> StepResult {
    let ticket = w.rs.tickets.last().cloned().ok_or_else(|| {
        StepError::Skip("the resource server handed over no ticket (Grant 3.2 judges that)".into())
    })?;
    let needed = resource(w, w.rs.resource)?.scopes;
    if needed.is_empty() {
        return Err(StepError::Skip(
            "the target names no scopes for this request (resource_server.resources.scopes), so there is nothing to compare with".into(),
        ));
    }
    let seen = seen_at_as(w, false).await?;
    let outcome = match request_for_ticket(&seen, &ticket) {
        None => Err(
            "the AS saw no permission request from the resource server that got this ticket"
                .to_string(),
        ),
        Some(o) => match o.json() {
            None => Err(format!(
                "the permission request body is not JSON: {:?}",
                o.body
            )),
            Some(body) => {
                let asked: Vec<String> = requested_permissions(&body)
                    .iter()
                    .flat_map(|p| {
                        p.get("resource_scopes")
                            .and_then(Value::as_array)
                            .cloned()
                            .unwrap_or_default()
                    })
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect();
                let extra: Vec<&String> = asked.iter().filter(|s| !needed.contains(s)).collect();
                if extra.is_empty() {
                    Ok(format!("asked for {asked:?}; the request needs {needed:?}"))
                } else {
                    Err(format!(
                        "asked for {asked:?}, more than the request needs ({needed:?}): {extra:?}"
                    ))
                }
            }
        },
    };
    w.judge(&a.cite, outcome, None)
}

/// RFC 7234 warning: code 199, any agent, the text in quotes.
fn is_unreachable_warning(value: &str) -> bool {
    let mut parts = value.trim().splitn(3, ' ');
    let (Some(code), Some(_agent), Some(text)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    code == "199" && text.trim().trim_matches('"') == "UMA Authorization Server Unreachable"
}

async fn carries_unreachable_warning(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        let warnings: Vec<&str> = r.header_values("warning").collect();
        if warnings.iter().any(|v| is_unreachable_warning(v)) {
            Ok(format!("Warning: {}", warnings.join(", ")))
        } else if warnings.is_empty() {
            Err(format!("the answer has no Warning header: {}", describe(r)))
        } else {
            Err(format!("the Warning header reads {warnings:?}"))
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn does_not_serve(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        if (200..400).contains(&r.status) {
            Err(format!("the resource server served it: {}", describe(r)))
        } else {
            Ok(format!("refused with {}", r.status))
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn serves(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        if (200..300).contains(&r.status) {
            Ok(format!("served with {}", r.status))
        } else {
            Err(format!("the resource server refused: {}", describe(r)))
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn new_challenge(w: &mut UmaWorld, a: Args) -> StepResult {
    let earlier = w.rs.tickets.clone();
    let outcome = w.last_response().and_then(|r| {
        if r.status != 401 {
            return Err(format!("expected 401, got {}", describe(r)));
        }
        let c = uma_challenge(r)?;
        let ticket = c
            .param("ticket")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| format!("the UMA challenge carries no ticket: {}", describe(r)))?;
        if earlier.iter().any(|t| t == ticket) {
            return Err("the challenge repeats a ticket handed out before".into());
        }
        Ok("401 with a UMA challenge and a fresh ticket".to_string())
    });
    w.judge(&a.cite, outcome, None)
}

fn is_protection_call(w: &UmaWorld, o: &Observed) -> Result<bool, StepError> {
    let ctx = w.ctx()?;
    Ok([
        "resource_registration_endpoint",
        "permission_endpoint",
        "introspection_endpoint",
    ]
    .iter()
    .filter_map(|m| ctx.endpoint(m))
    .any(|url| {
        url::Url::parse(&url).is_ok_and(|u| {
            let path = u.path().trim_end_matches('/');
            o.path == path || o.path.starts_with(&format!("{path}/"))
        })
    }))
}

/// The PATs the AS issued (to the RS: the harness asks for none by client credentials in the
/// RS suite) since it started.
async fn issued_pats(w: &mut UmaWorld) -> Result<Vec<String>, StepError> {
    let token_endpoint = super::support::endpoint(w, "token_endpoint")?;
    Ok(seen_at_as_quietly(w)
        .await?
        .iter()
        .filter(|o| {
            o.is_to(&token_endpoint)
                && o.form_value("grant_type").as_deref() == Some("client_credentials")
        })
        .filter_map(|o| {
            o.response_json().and_then(|v| {
                v.get("access_token")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
        })
        .collect())
}

/// What a bearer token presented to the protection API should be: a PAT the AS issued.
fn bearer_problem(o: &Observed, pats: &[String]) -> Option<String> {
    match o.bearer() {
        None => Some(format!(
            "{} {} carried no bearer token in the Authorization header",
            o.method, o.path
        )),
        Some(b) if !pats.iter().any(|p| p == b) => Some(format!(
            "{} {} carried a bearer token that is not a PAT the AS issued (an RPT, say)",
            o.method, o.path
        )),
        Some(_) => None,
    }
}

async fn introspected_properly(w: &mut UmaWorld, a: Args) -> StepResult {
    let rpt = held_rpt(w)?;
    let pats = issued_pats(w).await?;
    let seen = seen_at_as(w, false).await?;
    let endpoint = super::support::endpoint(w, "introspection_endpoint")?;
    let calls: Vec<&Observed> = seen
        .iter()
        .filter(|o| o.is_to(&endpoint) && o.form_value("token").as_deref() == Some(rpt.as_str()))
        .collect();
    if calls.is_empty() {
        return Err(StepError::Skip(
            "the resource server did not introspect the RPT (it may check RPTs locally, FedAuthz 5)".into(),
        ));
    }
    let problems: Vec<String> = calls
        .iter()
        .filter_map(|o| {
            introspection_problem(o)
                .err()
                .or_else(|| bearer_problem(o, &pats))
        })
        .collect();
    let outcome = all_well(&problems, || {
        format!(
            "{} introspection call(s), each a POST with the PAT as bearer",
            calls.len()
        )
    });
    w.judge(&a.cite, outcome, None)
}

fn introspection_problem(o: &Observed) -> Result<(), String> {
    if o.method != "POST" {
        return Err(format!("introspection by {} instead of POST", o.method));
    }
    if o.media_type().as_deref() != Some("application/x-www-form-urlencoded") {
        return Err(format!(
            "the introspection body is {:?}, not a form",
            o.media_type()
        ));
    }
    if o.bearer().is_none() {
        return Err(
            "the introspection call carries no bearer PAT in its Authorization header".into(),
        );
    }
    if o.query_pairs().iter().any(|(n, _)| n == "access_token") {
        return Err("the PAT travels in the query string".into());
    }
    match o.form_value("token_type_hint").as_deref() {
        None | Some("access_token") => Ok(()),
        Some(other) => Err(format!("token_type_hint is {other:?}, not access_token")),
    }
}

async fn pat_as_bearer(w: &mut UmaWorld, a: Args) -> StepResult {
    let pats = issued_pats(w).await?;
    let seen = seen_at_as(w, true).await?;
    let mut calls = Vec::new();
    for o in &seen {
        if is_protection_call(w, o)? {
            calls.push(o);
        }
    }
    if calls.is_empty() {
        return Err(StepError::Setup(
            "the AS saw no protection API call from the resource server".into(),
        ));
    }
    let without: Vec<String> = calls
        .iter()
        .filter_map(|o| bearer_problem(o, &pats))
        .collect();
    let outcome = if without.is_empty() {
        Ok(format!(
            "{} protection API calls, each with a bearer PAT",
            calls.len()
        ))
    } else {
        Err(format!(
            "{} of {} protection API calls without the PAT as a bearer token: {}",
            without.len(),
            calls.len(),
            without.join("; ")
        ))
    };
    w.judge(&a.cite, outcome, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unreachable_warning_is_recognised() {
        assert!(is_unreachable_warning(
            r#"199 - "UMA Authorization Server Unreachable""#
        ));
        assert!(is_unreachable_warning(
            r#"199 rs.example "UMA Authorization Server Unreachable""#
        ));
        assert!(!is_unreachable_warning(r#"199 - "Something else""#));
        assert!(!is_unreachable_warning(
            r#"110 - "UMA Authorization Server Unreachable""#
        ));
    }

    #[test]
    fn crafted_answers_break_the_permission_the_named_way() {
        let genuine = json!({"active": true, "exp": 2000, "permissions": [
            {"resource_id": "r1", "resource_scopes": ["view"], "exp": 2000}
        ]});
        let expired = crafted_answer(
            "a permission for the resource that expired",
            &genuine,
            1000,
            &[],
        )
        .unwrap();
        assert_eq!(expired["permissions"][0]["exp"], json!(400));
        let other =
            crafted_answer("a permission for another resource", &genuine, 1000, &[]).unwrap();
        assert_eq!(other["permissions"][0]["resource_id"], json!("r1-another"));
        assert!(
            crafted_answer(
                "a permission for the resource without the needed scope",
                &genuine,
                1000,
                &[]
            )
            .is_err()
        );
        let token = crafted_answer(
            "an expired token holding a permission for the resource",
            &genuine,
            1000,
            &[],
        )
        .unwrap();
        assert_eq!(token["exp"], json!(400));
        assert!(token["permissions"][0].get("exp").is_none());
    }
}
