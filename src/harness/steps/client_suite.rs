//! Steps of the client suite. The client under test is a program the harness runs against its
//! own AS and RS; the harness arranges the owner's policy, plays the requesting party's browser
//! when the client sends it to the claims interaction endpoint, answers for the owner when the
//! client polls, and judges what the client sent from what its AS and RS logged.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::adapter::Args;
use super::claims_gathering::{play_pages, visit_url};
use super::support::all_well;
use super::support::{describe, unguessable};
use super::{StepDef, def};
use crate::harness::roles::claim_tokens::{self, Occasion};
use crate::harness::roles::claims_interaction::{added_parts, check_form_encoded};
use crate::harness::roles::client_under_test::{
    ClientInvocation, ClientOutcome, url_starting_with,
};
use crate::harness::roles::observed::{self, Observed};
use crate::harness::target::{ClaimTokenSource, ClientTarget};
use crate::harness::wire::Request;
use crate::harness::world::{ClaimsVisit, Returned, StepError, StepResult, UmaWorld};

pub const UMA_TICKET_GRANT: &str = "urn:ietf:params:oauth:grant-type:uma-ticket";
/// A parameter the harness adds to the redirect back: the client must not mind it (3.3.3).
const UNKNOWN_RETURN_PARAM: &str = "uma_conformance_extension";

pub fn steps() -> Vec<StepDef> {
    vec![
        def!(
            Given,
            r"the owner's policy for the resource asks for the requesting party's claims",
            policy_asks_claims
        ),
        def!(
            Given,
            r"the owner's policy for the resource sends the requesting party to the claims interaction endpoint",
            policy_redirects
        ),
        def!(
            Given,
            r"the owner's policy for the resource needs the owner's approval",
            policy_asks_owner
        ),
        def!(
            Given,
            r"the client under test already fetched another resource for the requesting party",
            fetched_another
        ),
        def!(
            Given,
            r"the client under test already fetched the protected resource",
            fetched_it
        ),
        def!(
            Given,
            r"the authorization server hands back the ticket it was sent",
            as_repeats_tickets
        ),
        def!(Given, r"the client's RPT has expired", rpt_expired),
        def!(
            When,
            r"the client under test fetches the protected resource",
            fetch
        ),
        def!(
            When,
            r"the client under test fetches the protected resource again",
            fetch
        ),
        def!(
            When,
            r"the client under test fetches the protected resource, and the requesting party comes back with a state the client never sent",
            fetch_with_forged_state
        ),
        def!(
            Then,
            r"the client asked the token endpoint with form-encoded POSTs, authenticating as registered",
            token_requests_well_formed
        ),
        def!(
            Then,
            r"every token request of the client for an RPT has grant_type urn:ietf:params:oauth:grant-type:uma-ticket",
            grant_type_uma_ticket
        ),
        def!(
            Then,
            r"every ticket the client sent was the latest one it had been given",
            latest_ticket
        ),
        def!(
            Then,
            r"the client presented its RPT to the resource server as a bearer token in the Authorization header",
            rpt_as_bearer
        ),
        def!(
            Then,
            r"every token request carrying claim_token or claim_token_format carries both",
            claim_token_pair
        ),
        def!(
            Then,
            r"every claim token the client pushed is base64url text",
            claim_token_base64url
        ),
        def!(
            Then,
            r"every claim token the client pushed is in the format it named, and the format is a string or a URI",
            claim_token_in_format
        ),
        def!(
            Then,
            r"every scope parameter the client sent is a space-separated list of scopes",
            scope_is_list
        ),
        def!(
            Then,
            r"every scope the client asked for is one registered for it",
            scope_registered
        ),
        def!(
            Then,
            r"the client sent the requesting party to the claims interaction endpoint",
            sent_to_interaction
        ),
        def!(
            Then,
            r"the claims interaction request carries the client's client_id",
            interaction_client_id
        ),
        def!(
            Then,
            r"the claims interaction request carries the latest ticket",
            interaction_ticket
        ),
        def!(
            Then,
            r"the claims interaction request names a claims_redirect_uri, as the client registered more than one",
            interaction_names_redirect
        ),
        def!(
            Then,
            r"the claims_redirect_uri is an absolute URI",
            redirect_absolute
        ),
        def!(
            Then,
            r"the claims_redirect_uri has no fragment",
            redirect_no_fragment
        ),
        def!(
            Then,
            r"the claims_redirect_uri is one registered for the client",
            redirect_registered
        ),
        def!(
            Then,
            r"the claims_redirect_uri's own query is form-encoded",
            redirect_query_encoded
        ),
        def!(
            Then,
            r"the parameters were added to the endpoint's query form-encoded",
            interaction_form_encoded
        ),
        def!(
            Then,
            r"the claims interaction request carries a state that cannot be guessed",
            interaction_state
        ),
        def!(Then, r"the state cannot be guessed", state_unguessable),
        def!(
            Then,
            r"the state shows nothing of the client or the requesting party",
            state_opaque
        ),
        def!(
            Then,
            r"the client went on with the ticket the authorization server returned, minding no unknown parameter",
            went_on_after_return
        ),
        def!(
            Then,
            r"the client did not redeem the ticket that came back with the wrong state",
            did_not_redeem_forged
        ),
        def!(
            Then,
            r"the client let the interval pass between its token requests",
            waited_interval
        ),
        def!(
            Then,
            r"the client presented the PCT the authorization server issued it",
            presented_pct
        ),
        def!(
            Then,
            r"the client offered the RPT the authorization server issued it for upgrading",
            offered_rpt
        ),
        def!(
            Then,
            r"the client refreshed with the refresh token the authorization server issued it",
            refreshed
        ),
        def!(
            Then,
            r"the client never sent again a ticket the authorization server had handed back unchanged",
            no_repeated_ticket
        ),
    ]
}

fn client(w: &UmaWorld) -> Result<ClientTarget, StepError> {
    w.ctx()?
        .target
        .client
        .clone()
        .ok_or_else(|| StepError::Harness("this run tests no client".into()))
}

fn control_api(w: &UmaWorld) -> Result<String, StepError> {
    w.ctx()?
        .target
        .authorization_server
        .control_api
        .clone()
        .ok_or_else(|| StepError::Harness("the harness's AS has no control API".into()))
}

/// Creates a policy at the harness's AS for one of its RS's resources; cleanup deletes it.
async fn create_policy(w: &mut UmaWorld, index: usize, extra: Value) -> StepResult {
    let client = client(w)?;
    let control = control_api(w)?;
    let resource =
        client.resources.get(index).cloned().ok_or_else(|| {
            StepError::Harness(format!("the harness's RS has no resource {index}"))
        })?;
    // The scopes the client may add at the token endpoint go in too: the policy is about how
    // the client gets access, not about which scopes.
    let mut scopes = vec![resource.scope.clone()];
    scopes.extend(client.registered_scopes.iter().cloned());
    let mut policy = json!({
        "owner": "alice",
        "resource_id": resource.resource_id,
        "scopes": scopes,
        "clients": [client.client_id],
    });
    if let (Some(map), Value::Object(extra)) = (policy.as_object_mut(), extra) {
        map.extend(extra);
    }
    let ctx = w.ctx()?;
    let (_, answer) = ctx
        .driver
        .send(Request::post(format!("{control}/policies")).json(policy))
        .await;
    let response = answer.map_err(|e| StepError::Setup(format!("creating a policy: {e}")))?;
    let id = response
        .json()
        .ok()
        .and_then(|v| {
            v.get("policy_id")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .ok_or_else(|| {
            StepError::Setup(format!(
                "the harness's AS did not take the policy: {}",
                describe(&response)
            ))
        })?;
    w.client_run.policies.push(id);
    Ok(())
}

/// The claims the fixture requesting party's token carries, as a claims condition.
fn claims_condition(w: &UmaWorld) -> Result<Value, StepError> {
    let party = w
        .ctx()?
        .target
        .authorization_server
        .requesting_party
        .clone()
        .ok_or_else(|| StepError::Harness("the harness's AS names no requesting party".into()))?;
    Ok(Value::Object(party.claims))
}

async fn policy_asks_claims(w: &mut UmaWorld, _a: Args) -> StepResult {
    let claims = claims_condition(w)?;
    let format = claim_token_format(w)?;
    let name = claims
        .as_object()
        .and_then(|m| m.keys().next().cloned())
        .unwrap_or_else(|| "email".into());
    let index = w.client_run.resource;
    create_policy(
        w,
        index,
        json!({
            "outcome": "need_claims",
            "claims": claims,
            "redirect_user": false,
            "required_claims": [{ "name": name, "claim_token_format": [format] }],
        }),
    )
    .await
}

async fn policy_redirects(w: &mut UmaWorld, _a: Args) -> StepResult {
    // Without a claim token to push, the client's way on is the requesting party's browser.
    w.client_run.without_claim_token = true;
    let claims = claims_condition(w)?;
    let index = w.client_run.resource;
    create_policy(
        w,
        index,
        json!({ "outcome": "need_claims", "claims": claims, "redirect_user": true }),
    )
    .await
}

async fn policy_asks_owner(w: &mut UmaWorld, _a: Args) -> StepResult {
    let index = w.client_run.resource;
    w.client_run.approve_owner = true;
    create_policy(w, index, json!({ "outcome": "ask_owner" })).await
}

/// A run for the second resource with claims pushed: the client leaves it holding an RPT and,
/// if the AS gives one, a PCT.
async fn fetched_another(w: &mut UmaWorld, _a: Args) -> StepResult {
    w.client_run.resource = 1;
    policy_asks_claims(w, Args::default()).await?;
    let first = run_before(w).await;
    w.client_run.resource = 0;
    first
}

async fn fetched_it(w: &mut UmaWorld, _a: Args) -> StepResult {
    run_before(w).await
}

/// A run that only sets the scene (the client comes out holding tokens to reuse): if the
/// client cannot fetch the resource, there is nothing to judge after it.
async fn run_before(w: &mut UmaWorld) -> StepResult {
    run_client(w).await?;
    let outcome = w.client_run.outcome.clone().unwrap_or_default();
    if outcome.succeeded() {
        Ok(())
    } else {
        Err(StepError::Skip(format!(
            "the client could not fetch a resource the first time, so there is nothing for it to reuse: {}",
            outcome.describe()
        )))
    }
}

async fn rpt_expired(w: &mut UmaWorld, _a: Args) -> StepResult {
    let control = control_api(w)?;
    let (everything, _) = seen(w, true).await?;
    let lifetime = everything
        .iter()
        .filter_map(|o| o.response_json())
        .filter(|v| v.get("access_token").is_some())
        .filter_map(|v| v.get("expires_in").and_then(Value::as_u64))
        .max()
        .unwrap_or(3600);
    let ctx = w.ctx()?;
    let (_, answer) = ctx
        .driver
        .send(crate::harness::roles::permissions::advance_clock_request(
            &control,
            lifetime + 60,
        ))
        .await;
    match answer {
        Ok(r) if r.status == 200 => Ok(()),
        other => Err(StepError::Setup(format!(
            "the harness's AS clock would not move: {}",
            other
                .map(|r| describe(&r))
                .unwrap_or_else(|e| e.to_string())
        ))),
    }
}

fn claim_token_format(w: &UmaWorld) -> Result<String, StepError> {
    match &w
        .ctx()?
        .target
        .authorization_server
        .requesting_party
        .as_ref()
        .ok_or_else(|| StepError::Harness("no requesting party".into()))?
        .claim_token
    {
        ClaimTokenSource::Literal { format, .. } => Ok(format.clone()),
        ClaimTokenSource::Minted(recipe) => Ok(recipe.format.clone()),
    }
}

/// A fresh claim token for the client to push, addressed to it.
async fn claim_token_for(w: &UmaWorld, client_id: &str) -> Result<(String, String), StepError> {
    let ctx = w.ctx()?;
    let as_ = &ctx.target.authorization_server;
    let Some(party) = &as_.requesting_party else {
        return Err(StepError::Harness("no requesting party".into()));
    };
    let token = match &party.claim_token {
        ClaimTokenSource::Literal { format, token } => (format.clone(), token.clone()),
        ClaimTokenSource::Minted(recipe) => {
            let now = claim_tokens::now(&ctx.driver, as_.control_api.as_deref())
                .await
                .map_err(StepError::Setup)?;
            let at = Occasion {
                client_id,
                as_issuer: &as_.issuer,
                now,
            };
            let token = recipe.mint(at, None).map_err(StepError::Setup)?;
            (recipe.format.clone(), token)
        }
    };
    ctx.driver.secrets().register(&token.1);
    Ok(token)
}

fn state_dir(w: &mut UmaWorld) -> Result<std::path::PathBuf, StepError> {
    if w.client_run.state_dir.is_none() {
        let dir = tempfile::Builder::new()
            .prefix("uma-conformance-client-")
            .tempdir()
            .map_err(|e| StepError::Setup(format!("no folder for the client's state: {e}")))?;
        w.client_run.state_dir = Some(std::sync::Arc::new(dir));
    }
    Ok(w.client_run
        .state_dir
        .as_ref()
        .expect("just set")
        .path()
        .to_path_buf())
}

async fn fetch(w: &mut UmaWorld, _a: Args) -> StepResult {
    run_client(w).await
}

async fn fetch_with_forged_state(w: &mut UmaWorld, _a: Args) -> StepResult {
    w.client_run.forge_state = true;
    run_client(w).await
}

/// Runs the client once for the scenario's resource and plays the other parts while it runs.
async fn run_client(w: &mut UmaWorld) -> StepResult {
    let client = client(w)?;
    let ctx = w.ctx()?;
    let control = control_api(w)?;
    let resource = client
        .resources
        .get(w.client_run.resource)
        .cloned()
        .ok_or_else(|| StepError::Harness("the harness's RS has no such resource".into()))?;
    let as_mark = observed::mark(&ctx.driver, &control)
        .await
        .map_err(StepError::Setup)?;
    let rs_mark = observed::mark(&ctx.driver, &client.rs_control_api)
        .await
        .map_err(StepError::Setup)?;
    w.client_run.first_marks.get_or_insert((as_mark, rs_mark));
    w.client_run.marks = Some((as_mark, rs_mark));
    w.client_run.interaction_url = None;
    w.client_run.interaction_at_ms = None;
    w.client_run.returned = None;
    w.client_run.return_answered = false;
    let invocation = ClientInvocation {
        resource_url: resource.url.clone(),
        state_dir: state_dir(w)?,
        claim_token: if w.client_run.without_claim_token {
            None
        } else {
            Some(claim_token_for(w, &client.client_id).await?)
        },
    };
    let mut run = client
        .launcher
        .launch(&invocation)
        .map_err(|e| StepError::Setup(format!("the client under test did not start: {e}")))?;
    let endpoint = ctx
        .endpoint("claims_interaction_endpoint")
        .unwrap_or_else(|| format!("{}/claims", ctx.target.authorization_server.issuer));
    let deadline = Instant::now() + client.run_timeout;
    let mut outcome = ClientOutcome::default();
    let mut approved = false;
    loop {
        let now = Instant::now();
        if now >= deadline {
            if let Some(stop) = run.stop.take() {
                let _ = stop.send(());
            }
            outcome.timed_out = true;
            break;
        }
        tokio::select! {
            line = run.lines.recv() => match line {
                Some(line) => {
                    let url = url_starting_with(&line, &endpoint);
                    outcome.lines.push(line);
                    if let (Some(url), None) = (url, &w.client_run.interaction_url) {
                        w.client_run.interaction_url = Some(url.clone());
                        w.client_run.interaction_at_ms = Some(now_ms());
                        play_browser(w, &client, &url).await?;
                        // A party the AS never sent back will not come: waiting for the
                        // client to give up on it would only cost time.
                        if w.client_run.returned.is_none() {
                            if let Some(stop) = run.stop.take() {
                                let _ = stop.send(());
                            }
                        }
                    }
                }
                None => {
                    // Output closed: wait for the end alone.
                    match tokio::time::timeout(deadline - now, &mut run.exit).await {
                        Ok(Ok(exit)) => outcome.exit = Some(exit),
                        _ => outcome.timed_out = true,
                    }
                    break;
                }
            },
            exit = &mut run.exit => {
                outcome.exit = exit.ok();
                while let Ok(line) = run.lines.try_recv() {
                    outcome.lines.push(line);
                }
                break;
            }
            _ = tokio::time::sleep(Duration::from_millis(200)) => {
                if w.client_run.approve_owner && !approved {
                    approved = approve_after_a_poll(w, &control, as_mark).await?;
                }
            }
        }
    }
    w.client_run.outcome = Some(outcome);
    // Whether the AS asked for the party's browser at all: if not, the client had no reason to
    // send it anywhere, and the interaction scenarios have nothing to judge.
    let seen = observed::since(&ctx.driver, &control, as_mark)
        .await
        .map_err(StepError::Setup)?;
    w.client_run.redirect_asked = seen.iter().any(|o| {
        response_error(o).as_deref() == Some("need_info")
            && o.response_json()
                .is_some_and(|v| v.get("redirect_user").is_some())
    });
    Ok(())
}

/// Answers for the owner once the client has polled at least once after request_submitted, so
/// that its waiting can be judged.
async fn approve_after_a_poll(
    w: &mut UmaWorld,
    control: &str,
    after: u64,
) -> Result<bool, StepError> {
    let ctx = w.ctx()?;
    let seen = observed::since(&ctx.driver, control, after)
        .await
        .map_err(StepError::Setup)?;
    let submitted = seen
        .iter()
        .filter(|o| !o.from_harness() && response_error(o).as_deref() == Some("request_submitted"))
        .count();
    if submitted < 2 {
        return Ok(false);
    }
    let (_, answer) = ctx
        .driver
        .send(Request::get(format!("{control}/requests")))
        .await;
    let pending: Vec<String> = answer
        .ok()
        .and_then(|r| r.json().ok())
        .and_then(|v| v.get("requests").and_then(Value::as_array).cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|r| {
            r.get("request_id")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect();
    for id in &pending {
        let _ = ctx
            .driver
            .send(Request::post(format!("{control}/requests/{id}/approve")))
            .await;
    }
    Ok(!pending.is_empty())
}

/// A parameter of a request to the token endpoint, read from its form, or from a JSON body (a
/// malformed request is judged for that by the 3.3.1-i1 check, not every other one).
fn param_sent(o: &Observed, name: &str) -> Option<String> {
    o.form_value(name).or_else(|| {
        o.json()
            .and_then(|v| v.get(name).and_then(Value::as_str).map(str::to_string))
    })
}

fn response_error(o: &Observed) -> Option<String> {
    o.response_json()
        .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_string))
}

/// The requesting party's browser: through the AS's pages, then back to the client, with an
/// extra parameter the client cannot know, and (when the scenario says so) a forged state.
async fn play_browser(w: &mut UmaWorld, client: &ClientTarget, url: &str) -> StepResult {
    let pages = w
        .ctx()?
        .target
        .authorization_server
        .claims_gathering
        .as_ref()
        .map(|g| g.pages.clone())
        .unwrap_or_default();
    let query: Vec<(String, String)> = url::Url::parse(url)
        .map(|u| u.query_pairs().into_owned().collect())
        .unwrap_or_default();
    let param = |name: &str| {
        query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let redirect = param("claims_redirect_uri")
        .or_else(|| client.claims_redirect_uri.clone())
        .unwrap_or_default();
    w.interaction = Some(ClaimsVisit {
        client_id: param("client_id").unwrap_or_default(),
        claims_redirect_uri: redirect,
        state: param("state"),
        presented_ticket: param("ticket"),
        ..ClaimsVisit::default()
    });
    visit_url(w, url.to_string()).await?;
    play_pages(w, &pages).await?;
    let Some(back) = w.interaction.as_ref().and_then(|v| v.returned.clone()) else {
        return Ok(());
    };
    let mut target = url::Url::parse(&back.location).map_err(|e| {
        StepError::Setup(format!("the AS sent the party to {:?}: {e}", back.location))
    })?;
    let forged = format!("forged-{:032x}", rand::random::<u128>());
    let pairs: Vec<(String, String)> = back
        .params
        .iter()
        .map(|(n, v)| {
            if n == "state" && w.client_run.forge_state {
                (n.clone(), forged.clone())
            } else {
                (n.clone(), v.clone())
            }
        })
        .chain(
            (w.client_run.forge_state && back.param("state").is_none())
                .then(|| ("state".to_string(), forged.clone())),
        )
        .chain(std::iter::once((
            UNKNOWN_RETURN_PARAM.to_string(),
            "1".to_string(),
        )))
        .collect();
    target.query_pairs_mut().clear().extend_pairs(pairs);
    w.client_run.returned = Some(Returned {
        ticket: back.param("ticket").map(str::to_string),
        at_ms: now_ms(),
    });
    let delivered = w
        .send_aside(Request::get(target.to_string()).header("accept", "text/html"))
        .await?;
    w.client_run.return_answered = delivered.is_ok();
    Ok(())
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// What the client sent the AS and the RS during the latest run (or every run), each exchange
/// added to the scenario's evidence.
async fn seen(
    w: &mut UmaWorld,
    all_runs: bool,
) -> Result<(Vec<Observed>, Vec<Observed>), StepError> {
    let client = client(w)?;
    let control = control_api(w)?;
    let marks = if all_runs {
        w.client_run.first_marks
    } else {
        w.client_run.marks
    };
    let (as_mark, rs_mark) =
        marks.ok_or_else(|| StepError::Harness("the client under test has not run".into()))?;
    let ctx = w.ctx()?;
    let at_as: Vec<Observed> = observed::since(&ctx.driver, &control, as_mark)
        .await
        .map_err(StepError::Setup)?
        .into_iter()
        .filter(|o| !o.from_harness())
        .collect();
    let at_rs: Vec<Observed> = observed::since(&ctx.driver, &client.rs_control_api, rs_mark)
        .await
        .map_err(StepError::Setup)?
        .into_iter()
        .filter(|o| !o.from_harness())
        .collect();
    let step = w.record.current_step();
    let as_base = origin(&ctx.target.authorization_server.issuer);
    let rs_base = client
        .resources
        .first()
        .map(|r| origin(&r.url))
        .unwrap_or_default();
    if w.client_run.evidence_added != Some(all_runs) {
        for o in &at_rs {
            w.record
                .push_exchange(o.to_exchange(&rs_base, "the harness's resource server", step));
        }
        for o in &at_as {
            w.record.push_exchange(o.to_exchange(
                &as_base,
                "the harness's authorization server",
                step,
            ));
        }
        w.client_run.evidence_added = Some(all_runs);
    }
    Ok((at_as, at_rs))
}

fn origin(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default()
}

/// The client's requests to the token endpoint.
async fn token_requests(w: &mut UmaWorld, all_runs: bool) -> Result<Vec<Observed>, StepError> {
    let (at_as, _) = seen(w, all_runs).await?;
    let ctx = w.ctx()?;
    let token = ctx.endpoint("token_endpoint").unwrap_or_default();
    let issuer = ctx.target.authorization_server.issuer.clone();
    // A request to the issuer URL itself (or anywhere but the protection API and the claims
    // pages) is the client looking for the token endpoint in the wrong place: judged as one.
    let elsewhere = |o: &Observed| {
        o.method == "POST" && (o.is_to(&issuer) || param_sent(o, "grant_type").is_some())
    };
    let requests: Vec<Observed> = at_as
        .into_iter()
        .filter(|o| o.is_to(&token) || elsewhere(o))
        .collect();
    if requests.is_empty() {
        let outcome = w.client_run.outcome.clone().unwrap_or_default();
        return Err(StepError::Check(format!(
            "the client sent the authorization server no token request: {}",
            outcome.describe()
        )));
    }
    Ok(requests)
}

/// The client's token requests; none at all is an answer here, not a failure (a harness that
/// could not read its log is one).
async fn token_requests_or_none(w: &mut UmaWorld) -> Result<Vec<Observed>, StepError> {
    match token_requests(w, false).await {
        Ok(requests) => Ok(requests),
        Err(StepError::Check(_)) => Ok(Vec::new()),
        Err(other) => Err(other),
    }
}

/// Judges every token request with `check`; a client that sent none fails the check.
async fn judge_token_requests(
    w: &mut UmaWorld,
    a: &Args,
    all_runs: bool,
    check: &dyn Fn(&Observed) -> Result<(), String>,
) -> StepResult {
    let outcome = match token_requests(w, all_runs).await {
        Ok(requests) => {
            let problems: Vec<String> = requests.iter().filter_map(|o| check(o).err()).collect();
            if problems.is_empty() {
                Ok(format!(
                    "{} token request(s), each as required",
                    requests.len()
                ))
            } else {
                Err(problems.join("; "))
            }
        }
        Err(StepError::Check(why)) => Err(why),
        Err(other) => return Err(other),
    };
    w.judge(&a.cite, outcome, None)
}

async fn token_requests_well_formed(w: &mut UmaWorld, a: Args) -> StepResult {
    let ctx = w.ctx()?;
    let token = ctx.endpoint("token_endpoint").unwrap_or_default();
    let client = client(w)?;
    judge_token_requests(w, &a, false, &|o| {
        if !o.is_to(&token) {
            return Err(format!(
                "a token request went to {} instead of the token endpoint",
                o.path
            ));
        }
        if o.method != "POST" {
            return Err(format!("a {} token request", o.method));
        }
        if o.media_type().as_deref() != Some("application/x-www-form-urlencoded") {
            return Err(format!(
                "a token request with content type {:?}",
                o.media_type()
            ));
        }
        client_authentication(o, &client)
    })
    .await
}

/// Whether a token request authenticates the client the way it registered, with its own
/// credentials (RFC 6749 2.3.1): Basic with the form-encoded id and secret, the two in the body,
/// or for a public client its client_id alone.
fn client_authentication(o: &Observed, client: &ClientTarget) -> Result<(), String> {
    use crate::harness::target::ClientAuthMethod;
    let basic = o.header("authorization").and_then(|v| {
        let (scheme, blob) = v.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("basic")
            .then(|| basic_credentials(blob.trim()))
    });
    let form_id = o.form_value("client_id");
    let form_secret = o.form_value("client_secret");
    let id = client.client_id.as_str();
    match (client.auth_method, &client.secret) {
        (Some(ClientAuthMethod::ClientSecretBasic), Some(secret)) => match basic {
            Some(Some((u, p))) if u == id && &p == secret => Ok(()),
            Some(_) => Err(
                "the Basic credentials are not the client's (id and secret, each form-encoded)"
                    .into(),
            ),
            None => Err(
                "no Basic authentication, though the client registered client_secret_basic".into(),
            ),
        },
        (Some(ClientAuthMethod::ClientSecretPost), Some(secret)) => {
            if form_id.as_deref() == Some(id) && form_secret.as_ref() == Some(secret) {
                Ok(())
            } else {
                Err("client_id and client_secret are not both in the body, though the client registered client_secret_post".into())
            }
        }
        _ => {
            if form_id.as_deref() == Some(id) && basic.is_none() && form_secret.is_none() {
                Ok(())
            } else {
                Err(
                    "a public client identifies itself by client_id in the body, with no secret"
                        .into(),
                )
            }
        }
    }
}

/// `user:password` of a Basic credential, each part form-decoded (RFC 6749 2.3.1).
fn basic_credentials(blob: &str) -> Option<(String, String)> {
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(blob)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((decode(user), decode(password)))
}

async fn grant_type_uma_ticket(w: &mut UmaWorld, a: Args) -> StepResult {
    judge_token_requests(
        w,
        &a,
        false,
        &|o| match param_sent(o, "grant_type").as_deref() {
            Some(UMA_TICKET_GRANT) | Some("refresh_token") => Ok(()),
            Some(other) => Err(format!("grant_type {other:?}")),
            None => Err("a token request without grant_type".into()),
        },
    )
    .await
}

/// A ticket handed to the client: when, and for the AS's answers, at which place in its log.
#[derive(Debug, Clone)]
struct Given {
    at_ms: u64,
    as_seq: Option<u64>,
    ticket: String,
}

impl Given {
    /// Whether the client had it before it sent `request` to the AS.
    fn before(&self, request: &Observed) -> bool {
        match self.as_seq {
            Some(seq) => seq < request.seq,
            None => self.at_ms <= request.at_ms,
        }
    }
}

/// The latest ticket the client held when it sent `request`.
fn held_at<'a>(given: &'a [Given], request: &Observed) -> Option<&'a str> {
    given
        .iter()
        .filter(|g| g.before(request))
        .max_by_key(|g| (g.at_ms, g.as_seq))
        .map(|g| g.ticket.as_str())
}

/// The tickets handed to the client, in the order it got them: the RS's challenges, the AS's
/// need_info and request_submitted answers, and the redirect back from the claims pages.
fn tickets_given(
    at_as: &[Observed],
    at_rs: &[Observed],
    returned: Option<&Returned>,
) -> Vec<Given> {
    let mut given: Vec<Given> = Vec::new();
    for o in at_rs {
        for (name, value) in &o.response_headers {
            if name.eq_ignore_ascii_case("www-authenticate") {
                if let Ok(challenges) = crate::harness::wire::challenge::parse(value) {
                    for c in challenges.iter().filter(|c| c.is_scheme("UMA")) {
                        if let Some(t) = c.param("ticket") {
                            given.push(Given {
                                at_ms: o.at_ms,
                                as_seq: None,
                                ticket: t.to_string(),
                            });
                        }
                    }
                }
            }
        }
    }
    for o in at_as {
        if let Some(t) = o
            .response_json()
            .and_then(|v| v.get("ticket").and_then(Value::as_str).map(str::to_string))
        {
            given.push(Given {
                at_ms: o.at_ms,
                as_seq: Some(o.seq),
                ticket: t,
            });
        }
    }
    if let Some(Returned {
        ticket: Some(t),
        at_ms,
    }) = returned
    {
        given.push(Given {
            at_ms: *at_ms,
            as_seq: None,
            ticket: t.clone(),
        });
    }
    given.sort_by_key(|g| (g.at_ms, g.as_seq));
    given
}

async fn latest_ticket(w: &mut UmaWorld, a: Args) -> StepResult {
    let (at_as, at_rs) = seen(w, false).await?;
    let given = tickets_given(&at_as, &at_rs, w.client_run.returned.as_ref());
    let requests = match token_requests(w, false).await {
        Ok(r) => r,
        Err(StepError::Check(why)) => return w.judge(&a.cite, Err(why), None),
        Err(e) => return Err(e),
    };
    let mut problems = Vec::new();
    let mut judged = 0;
    for o in requests
        .iter()
        .filter(|o| param_sent(o, "grant_type").as_deref() != Some("refresh_token"))
    {
        judged += 1;
        // What the client held when it sent this request: the last ticket handed to it before.
        let latest = held_at(&given, o);
        match (param_sent(o, "ticket"), latest) {
            (None, _) => problems.push("a token request without a ticket".to_string()),
            (Some(sent), Some(latest)) if sent != latest => problems.push(
                "a token request sent a ticket older than the latest one the client had been given"
                    .to_string(),
            ),
            (Some(_), None) => {
                problems.push("a token request sent a ticket nobody had given the client".into())
            }
            _ => {}
        }
    }
    let outcome = all_well(&problems, || {
        format!("{judged} ticket(s) sent, each the latest given")
    });
    w.judge(&a.cite, outcome, None)
}

/// The RPTs the AS issued the client in the latest run.
fn issued(at_as: &[Observed], member: &str) -> Vec<String> {
    at_as
        .iter()
        .filter(|o| o.status == 200)
        .filter_map(|o| {
            o.response_json()
                .and_then(|v| v.get(member).and_then(Value::as_str).map(str::to_string))
        })
        .collect()
}

async fn rpt_as_bearer(w: &mut UmaWorld, a: Args) -> StepResult {
    let (at_as, at_rs) = seen(w, false).await?;
    let rpts = issued(&at_as, "access_token");
    if rpts.is_empty() {
        let outcome = w.client_run.outcome.clone().unwrap_or_default();
        return Err(StepError::Skip(format!(
            "the AS issued the client no RPT in this run ({})",
            outcome.describe()
        )));
    }
    let elsewhere = at_rs.iter().any(|o| {
        o.query_pairs().iter().any(|(_, v)| rpts.contains(v))
            || rpts.iter().any(|r| o.body.contains(r.as_str()))
    });
    let presented = at_rs
        .iter()
        .any(|o| o.bearer().is_some_and(|b| rpts.iter().any(|r| r == b)));
    let outcome = match (presented, elsewhere) {
        (_, true) => {
            Err("the client put its RPT in the query or the body of a resource request".to_string())
        }
        (true, false) => Ok("the RPT went in an Authorization: Bearer header".to_string()),
        (false, false) => Err(
            "the client never presented the RPT it was issued in an Authorization: Bearer header"
                .into(),
        ),
    };
    w.judge(&a.cite, outcome, None)
}

/// The token requests that pushed claims; none means the scenario has nothing to judge.
async fn pushes(w: &mut UmaWorld) -> Result<Vec<Observed>, StepError> {
    let requests = match token_requests(w, false).await {
        Ok(r) => r,
        Err(StepError::Check(why)) => return Err(StepError::Skip(why)),
        Err(e) => return Err(e),
    };
    let pushed: Vec<Observed> = requests
        .into_iter()
        .filter(|o| {
            param_sent(o, "claim_token").is_some() || param_sent(o, "claim_token_format").is_some()
        })
        .collect();
    if pushed.is_empty() {
        return Err(StepError::Skip(
            "the client pushed no claims (it may gather them otherwise)".into(),
        ));
    }
    Ok(pushed)
}

async fn judge_pushes(
    w: &mut UmaWorld,
    a: &Args,
    check: &dyn Fn(&Observed) -> Result<(), String>,
) -> StepResult {
    let pushed = pushes(w).await?;
    let problems: Vec<String> = pushed.iter().filter_map(|o| check(o).err()).collect();
    let outcome = all_well(&problems, || {
        format!("{} push(es), each as required", pushed.len())
    });
    w.judge(&a.cite, outcome, None)
}

async fn claim_token_pair(w: &mut UmaWorld, a: Args) -> StepResult {
    judge_pushes(w, &a, &|o| match (
        param_sent(o, "claim_token"),
        param_sent(o, "claim_token_format"),
    ) {
        (Some(_), Some(_)) => Ok(()),
        (Some(_), None) => Err("claim_token sent without claim_token_format".into()),
        _ => Err("claim_token_format sent without claim_token".into()),
    })
    .await
}

fn is_base64url(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

async fn claim_token_base64url(w: &mut UmaWorld, a: Args) -> StepResult {
    judge_pushes(w, &a, &|o| match param_sent(o, "claim_token") {
        Some(token) if is_base64url(&token) => Ok(()),
        Some(_) => Err("a claim token that is not base64url text (it has characters outside A-Z a-z 0-9 - _ and the JWS dots)".into()),
        None => Ok(()),
    })
    .await
}

async fn claim_token_in_format(w: &mut UmaWorld, a: Args) -> StepResult {
    judge_pushes(w, &a, &|o| {
        let (Some(token), Some(format)) = (
            param_sent(o, "claim_token"),
            param_sent(o, "claim_token_format"),
        ) else {
            return Ok(());
        };
        if format.is_empty() {
            return Err("an empty claim_token_format".into());
        }
        if format.contains(':') && url::Url::parse(&format).is_err() {
            return Err(format!(
                "claim_token_format {format:?} looks like a URI but is not one"
            ));
        }
        let jwt_formats = [
            "http://openid.net/specs/openid-connect-core-1_0.html#IDToken",
            "urn:ietf:params:oauth:token-type:jwt",
        ];
        let segments: Vec<&str> = token.split('.').collect();
        let compact = segments.len() == 3
            && segments[..2].iter().all(|s| !s.is_empty())
            && segments.iter().all(|s| {
                s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            });
        if jwt_formats.contains(&format.as_str()) && !compact {
            return Err(format!(
                "the claim token is not a compact JWT (three base64url segments), as {format} says it is"
            ));
        }
        Ok(())
    })
    .await
}

/// Token requests that carried `scope`; none: nothing to judge.
async fn scoped(w: &mut UmaWorld) -> Result<Vec<(String, String)>, StepError> {
    let requests = match token_requests(w, false).await {
        Ok(r) => r,
        Err(StepError::Check(why)) => return Err(StepError::Skip(why)),
        Err(e) => return Err(e),
    };
    let scopes: Vec<(String, String)> = requests
        .iter()
        .filter_map(|o| param_sent(o, "scope").map(|s| (o.path.clone(), s)))
        .collect();
    if scopes.is_empty() {
        return Err(StepError::Skip(
            "the client asked for no scopes, which it may leave out".into(),
        ));
    }
    Ok(scopes)
}

async fn scope_is_list(w: &mut UmaWorld, a: Args) -> StepResult {
    let scopes = scoped(w).await?;
    let bad: Vec<String> = scopes
        .iter()
        .filter(|(_, s)| {
            s.is_empty()
                || s.split(' ')
                    .any(|p| p.is_empty() || p.contains(['"', '\\', ',']))
        })
        .map(|(_, s)| format!("{s:?}"))
        .collect();
    let outcome = if bad.is_empty() {
        Ok(format!(
            "{} scope parameter(s), each a space-separated list",
            scopes.len()
        ))
    } else {
        Err(format!(
            "scope parameters that are not space-separated scope lists: {}",
            bad.join(", ")
        ))
    };
    w.judge(&a.cite, outcome, None)
}

async fn scope_registered(w: &mut UmaWorld, a: Args) -> StepResult {
    let scopes = scoped(w).await?;
    let registered = client(w)?.registered_scopes;
    let unregistered: Vec<String> = scopes
        .iter()
        .flat_map(|(_, s)| s.split(' ').map(str::to_string).collect::<Vec<_>>())
        .filter(|s| !registered.contains(s))
        .collect();
    let outcome = if unregistered.is_empty() {
        Ok(format!("asked only for registered scopes {registered:?}"))
    } else {
        Err(format!(
            "asked for scopes never registered for the client: {unregistered:?}"
        ))
    };
    w.judge(&a.cite, outcome, None)
}

/// The claims interaction URL the client sent the party to, parsed; its absence fails the check
/// that cites it.
fn interaction(w: &UmaWorld) -> Result<(String, Vec<(String, String)>), String> {
    let url = w.client_run.interaction_url.clone().ok_or_else(|| {
        let outcome = w.client_run.outcome.clone().unwrap_or_default();
        format!(
            "the client never sent the requesting party to the claims interaction endpoint: {}",
            outcome.describe()
        )
    })?;
    let pairs = url::Url::parse(&url)
        .map(|u| u.query_pairs().into_owned().collect())
        .map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    Ok((url, pairs))
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// A check of the claims interaction URL: given the URL and its decoded query.
type InteractionCheck<'a> = &'a dyn Fn(&str, &[(String, String)]) -> Result<String, String>;

async fn judge_interaction(w: &mut UmaWorld, a: &Args, check: InteractionCheck<'_>) -> StepResult {
    if w.client_run.interaction_url.is_none() && !w.client_run.redirect_asked {
        let outcome = w.client_run.outcome.clone().unwrap_or_default();
        return Err(StepError::Skip(format!(
            "the authorization server never asked for the requesting party's browser, so the client had no reason to send it (the 3.3.1 scenarios judge why): {}",
            outcome.describe()
        )));
    }
    let outcome = interaction(w).and_then(|(url, pairs)| check(&url, &pairs));
    w.judge(&a.cite, outcome, None)
}

async fn sent_to_interaction(w: &mut UmaWorld, a: Args) -> StepResult {
    judge_interaction(w, &a, &|_, _| {
        Ok("the party was sent to the claims interaction endpoint".into())
    })
    .await
}

async fn interaction_client_id(w: &mut UmaWorld, a: Args) -> StepResult {
    let client_id = client(w)?.client_id;
    judge_interaction(w, &a, &|_, pairs| match param(pairs, "client_id") {
        Some(id) if id == client_id => Ok("client_id is the client's".into()),
        Some(other) => Err(format!("client_id is {other:?}, not {client_id:?}")),
        None => Err("no client_id".into()),
    })
    .await
}

async fn interaction_ticket(w: &mut UmaWorld, a: Args) -> StepResult {
    let (at_as, at_rs) = seen(w, false).await?;
    let given = tickets_given(&at_as, &at_rs, None);
    // The latest the client held when it showed the URL: tickets given afterwards do not count.
    let shown_at = w.client_run.interaction_at_ms.unwrap_or(u64::MAX);
    let latest = given
        .iter()
        .rfind(|g| g.at_ms <= shown_at)
        .map(|g| g.ticket.clone());
    judge_interaction(w, &a, &|_, pairs| match (param(pairs, "ticket"), &latest) {
        (Some(t), Some(l)) if t == l => Ok("the ticket is the latest one".into()),
        (Some(_), _) => Err("the ticket is not the latest one the client was given".into()),
        (None, _) => Err("no ticket".into()),
    })
    .await
}

async fn interaction_names_redirect(w: &mut UmaWorld, a: Args) -> StepResult {
    judge_interaction(
        w,
        &a,
        &|_, pairs| match param(pairs, "claims_redirect_uri") {
            Some(uri) if !uri.is_empty() => Ok(format!("claims_redirect_uri {uri}")),
            _ => Err("no claims_redirect_uri, though the client registered more than one".into()),
        },
    )
    .await
}

/// A claims_redirect_uri put into the query without encoding loses its own query at its first
/// `&`: the value read is a truncation of the registered URI and the rest stands beside it as
/// parameters of their own.
fn split_redirect_uri(pairs: &[(String, String)], registered: &str) -> Result<(), String> {
    let Some(sent) = param(pairs, "claims_redirect_uri") else {
        return Ok(());
    };
    if sent == registered || !registered.starts_with(sent) {
        return Ok(());
    }
    let Some(rest) = registered[sent.len()..].strip_prefix('&') else {
        return Ok(());
    };
    let stray = rest
        .split('&')
        .all(|part| pairs.iter().any(|(n, v)| format!("{n}={v}") == part));
    if stray {
        Err(format!(
            "the claims_redirect_uri was not form-encoded: its own query part {rest:?} was read as parameters of the endpoint"
        ))
    } else {
        Ok(())
    }
}

/// The claims redirect URI the client named (the scenario is about it, so none is a skip).
fn named_redirect(w: &UmaWorld) -> Result<String, StepError> {
    let (_, pairs) = interaction(w).map_err(StepError::Skip)?;
    param(&pairs, "claims_redirect_uri")
        .map(str::to_string)
        .ok_or_else(|| StepError::Skip("the client named no claims_redirect_uri".into()))
}

async fn redirect_absolute(w: &mut UmaWorld, a: Args) -> StepResult {
    let uri = named_redirect(w)?;
    let outcome = url::Url::parse(&uri)
        .map(|_| format!("{uri} is absolute"))
        .map_err(|e| format!("{uri:?} is not an absolute URI ({e})"));
    w.judge(&a.cite, outcome, None)
}

async fn redirect_no_fragment(w: &mut UmaWorld, a: Args) -> StepResult {
    let uri = named_redirect(w)?;
    let outcome = if uri.contains('#') {
        Err(format!("{uri:?} carries a fragment"))
    } else {
        Ok("no fragment".into())
    };
    w.judge(&a.cite, outcome, None)
}

async fn redirect_registered(w: &mut UmaWorld, a: Args) -> StepResult {
    let uri = named_redirect(w)?;
    let registered = client(w)?.claims_redirect_uri;
    let outcome = if registered.as_deref() == Some(uri.as_str()) {
        Ok("the registered claims redirect URI".into())
    } else {
        Err(format!(
            "{uri:?} is not the claims redirect URI registered for the client"
        ))
    };
    w.judge(&a.cite, outcome, None)
}

async fn redirect_query_encoded(w: &mut UmaWorld, a: Args) -> StepResult {
    let uri = named_redirect(w)?;
    let Some((_, query)) = uri.split_once('?') else {
        return Err(StepError::Skip(
            "the claims redirect URI has no query of its own".into(),
        ));
    };
    let parts: Vec<&str> = query.split('&').collect();
    let outcome = check_form_encoded(&parts).map(|_| format!("query {query:?} is form-encoded"));
    w.judge(&a.cite, outcome, None)
}

async fn interaction_form_encoded(w: &mut UmaWorld, a: Args) -> StepResult {
    let ctx = w.ctx()?;
    let endpoint = ctx
        .endpoint("claims_interaction_endpoint")
        .unwrap_or_default();
    let registered = client(w)?.claims_redirect_uri.unwrap_or_default();
    judge_interaction(w, &a, &|url, pairs| {
        split_redirect_uri(pairs, &registered)?;
        let raw = url
            .split_once('?')
            .map(|(_, q)| q.split('#').next().unwrap_or_default())
            .unwrap_or_default();
        let parts = added_parts(raw, &endpoint);
        check_form_encoded(&parts)?;
        let names: Vec<String> = parts
            .iter()
            .filter_map(|p| p.split_once('=').map(|(n, _)| n.to_string()))
            .collect();
        for wanted in ["client_id", "ticket"] {
            if !names.iter().any(|n| n == wanted) {
                return Err(format!(
                    "{wanted} is not among the query parameters added: {names:?}"
                ));
            }
        }
        Ok(format!("{} parameter(s) added, form-encoded", parts.len()))
    })
    .await
}

async fn interaction_state(w: &mut UmaWorld, a: Args) -> StepResult {
    judge_interaction(w, &a, &|_, pairs| match param(pairs, "state") {
        Some(s) if !s.is_empty() => unguessable(&[s.to_string(), format!("{s}x")], "state"),
        _ => Err("no state: nothing ties the party's return to this request".into()),
    })
    .await
}

fn sent_state(w: &UmaWorld) -> Result<String, StepError> {
    let (_, pairs) = interaction(w).map_err(StepError::Skip)?;
    param(&pairs, "state").map(str::to_string).ok_or_else(|| {
        StepError::Skip("the client sent no state (the SHOULD scenario judges that)".into())
    })
}

async fn state_unguessable(w: &mut UmaWorld, a: Args) -> StepResult {
    let state = sent_state(w)?;
    // One run gives one sample; it stands for itself and a variant, so that the size and
    // counter checks of `unguessable` apply.
    let outcome = unguessable(&[state.clone(), format!("{state}x")], "state");
    w.judge(&a.cite, outcome, None)
}

async fn state_opaque(w: &mut UmaWorld, a: Args) -> StepResult {
    let state = sent_state(w)?;
    let client = client(w)?;
    let mut known = vec![client.client_id.clone()];
    if let Some(party) = &w.ctx()?.target.authorization_server.requesting_party {
        known.extend(party.known_values());
    }
    let decoded = decode_loosely(&state);
    let shown: Vec<&String> = known
        .iter()
        .filter(|k| k.len() >= 3 && (state.contains(k.as_str()) || decoded.contains(k.as_str())))
        .collect();
    let outcome = if shown.is_empty() {
        Ok("the state shows no client or party data".into())
    } else {
        Err(format!("the state shows {shown:?} in readable form"))
    };
    w.judge(&a.cite, outcome, None)
}

/// The state as text, and base64url-decoded if it decodes: readable form includes trivially
/// encoded.
fn decode_loosely(state: &str) -> String {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let decoded = engine
        .decode(state.trim_end_matches('='))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let unescaped = url::form_urlencoded::parse(format!("s={state}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    format!("{decoded} {unescaped}")
}

async fn went_on_after_return(w: &mut UmaWorld, a: Args) -> StepResult {
    let Some(Returned {
        ticket: Some(ticket),
        ..
    }) = w.client_run.returned.clone()
    else {
        return Err(StepError::Skip(
            "the AS never sent the party back to the client".into(),
        ));
    };
    let requests = token_requests_or_none(w).await?;
    let outcome = if requests
        .iter()
        .any(|o| param_sent(o, "ticket").as_deref() == Some(ticket.as_str()))
    {
        Ok("the client asked for an RPT with the returned ticket".to_string())
    } else {
        let outcome = w.client_run.outcome.clone().unwrap_or_default();
        Err(format!(
            "the client did not go on with the returned ticket after a redirect back carrying {UNKNOWN_RETURN_PARAM}: {}",
            outcome.describe()
        ))
    };
    w.judge(&a.cite, outcome, None)
}

async fn did_not_redeem_forged(w: &mut UmaWorld, a: Args) -> StepResult {
    let Some(Returned {
        ticket: Some(ticket),
        ..
    }) = w.client_run.returned.clone()
    else {
        return Err(StepError::Skip(
            "the AS never sent the party back to the client".into(),
        ));
    };
    // A client that was not even listening refused nothing: the forged return must have reached
    // it for its silence afterwards to mean something.
    if !w.client_run.return_answered {
        return Err(StepError::Skip(
            "nothing answered at the client's claims redirect URI, so the forged return never reached it".into(),
        ));
    }
    let requests = token_requests_or_none(w).await?;
    let outcome = if requests
        .iter()
        .any(|o| param_sent(o, "ticket").as_deref() == Some(ticket.as_str()))
    {
        Err(
            "the client redeemed the ticket of a redirect back whose state it never sent"
                .to_string(),
        )
    } else {
        Ok("the forged return was not acted on".to_string())
    };
    w.judge(&a.cite, outcome, None)
}

async fn waited_interval(w: &mut UmaWorld, a: Args) -> StepResult {
    let requests = match token_requests(w, false).await {
        Ok(r) => r,
        Err(StepError::Check(why)) => return w.judge(&a.cite, Err(why), None),
        Err(e) => return Err(e),
    };
    let mut polls = 0;
    // Each poll that came too soon: how long the client waited (ms) and the interval (s).
    let mut problems: Vec<(u64, u64)> = Vec::new();
    for pair in requests.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        if response_error(before).as_deref() != Some("request_submitted") {
            continue;
        }
        polls += 1;
        let interval = before
            .response_json()
            .and_then(|v| v.get("interval").and_then(Value::as_u64))
            .unwrap_or(5);
        let waited = after.at_ms.saturating_sub(before.at_ms);
        // The log's times are when each request arrived; allow a little for scheduling.
        if waited + 100 < interval * 1000 {
            problems.push((waited, interval));
        }
    }
    if polls == 0 {
        let outcome = w.client_run.outcome.clone().unwrap_or_default();
        return Err(StepError::Skip(format!(
            "the client never polled after request_submitted: {}",
            outcome.describe()
        )));
    }
    let outcome = match problems.iter().min() {
        None => Ok(format!("{polls} poll(s), each after the interval")),
        Some((quickest, interval)) => Err(format!(
            "{} of {polls} poll(s) came sooner than the interval of {interval} s, the quickest after {quickest} ms",
            problems.len()
        )),
    };
    w.judge(&a.cite, outcome, None)
}

/// Judges the credentials the client sent in the latest run (`select` picks one from a token
/// request) against those the AS issued it as `issued_as` in the scenario's runs: `what` names
/// them. Sending none is the client's choice, not a failure.
async fn judge_reuse(
    w: &mut UmaWorld,
    a: &Args,
    what: &str,
    issued_as: &str,
    select: fn(&Observed) -> Option<String>,
) -> StepResult {
    let requests = match token_requests(w, false).await {
        Ok(r) => r,
        Err(StepError::Check(why)) => return Err(StepError::Skip(why)),
        Err(e) => return Err(e),
    };
    let sent: Vec<String> = requests.iter().filter_map(select).collect();
    if sent.is_empty() {
        return Err(StepError::Skip(format!(
            "the client sent no {what} (which it may leave out)"
        )));
    }
    let (everything, _) = seen(w, true).await?;
    let issued = issued(&everything, issued_as);
    let foreign: usize = sent.iter().filter(|s| !issued.contains(s)).count();
    let outcome = if foreign == 0 {
        Ok(format!(
            "{} {what} value(s), each one the AS issued the client",
            sent.len()
        ))
    } else {
        Err(format!(
            "{foreign} {what} value(s) the AS never issued the client"
        ))
    };
    w.judge(&a.cite, outcome, None)
}

async fn presented_pct(w: &mut UmaWorld, a: Args) -> StepResult {
    judge_reuse(w, &a, "pct", "pct", |o| param_sent(o, "pct")).await
}

async fn offered_rpt(w: &mut UmaWorld, a: Args) -> StepResult {
    judge_reuse(w, &a, "rpt", "access_token", |o| param_sent(o, "rpt")).await
}

async fn refreshed(w: &mut UmaWorld, a: Args) -> StepResult {
    judge_reuse(w, &a, "refresh token", "refresh_token", |o| {
        (param_sent(o, "grant_type").as_deref() == Some("refresh_token"))
            .then(|| param_sent(o, "refresh_token").unwrap_or_default())
    })
    .await
}

/// The deviation of the harness's AS that hands a need_info ticket back unchanged.
const SAME_TICKET_DEVIATION: &str = "need-info-same-ticket";

async fn switch_same_ticket(
    w: &UmaWorld,
    on: bool,
) -> Result<crate::harness::wire::Exchange, String> {
    let ctx = w.ctx().map_err(|_| "no run context".to_string())?;
    let control = control_api(w).map_err(|_| "no control API".to_string())?;
    let (exchange, answer) = ctx
        .driver
        .send(
            Request::post(format!("{control}/deviations"))
                .json(json!({ "name": SAME_TICKET_DEVIATION, "on": on })),
        )
        .await;
    match answer {
        Ok(r) if r.status == 200 => Ok(exchange),
        Ok(r) => Err(describe(&r)),
        Err(e) => Err(e.to_string()),
    }
}

async fn as_repeats_tickets(w: &mut UmaWorld, _a: Args) -> StepResult {
    switch_same_ticket(w, true)
        .await
        .map_err(|e| StepError::Setup(format!("the harness's AS would not repeat tickets: {e}")))?;
    w.client_run.same_ticket_switched = true;
    Ok(())
}

async fn no_repeated_ticket(w: &mut UmaWorld, a: Args) -> StepResult {
    let requests = match token_requests(w, false).await {
        Ok(r) => r,
        Err(StepError::Check(why)) => return w.judge(&a.cite, Err(why), None),
        Err(e) => return Err(e),
    };
    let mut handed_back = 0;
    let mut resent = 0;
    for (i, before) in requests.iter().enumerate() {
        let sent = param_sent(before, "ticket");
        let back = before
            .response_json()
            .and_then(|v| v.get("ticket").and_then(Value::as_str).map(str::to_string));
        if sent.is_some() && sent == back {
            handed_back += 1;
            if requests
                .get(i + 1)
                .and_then(|after| param_sent(after, "ticket"))
                == sent
            {
                resent += 1;
            }
        }
    }
    if handed_back == 0 {
        return Err(StepError::Skip(
            "the authorization server never handed a ticket back unchanged in this run".into(),
        ));
    }
    let outcome = if resent == 0 {
        Ok("a ticket handed back unchanged was not used again".to_string())
    } else {
        Err(format!(
            "{resent} time(s) the client sent again a ticket the AS had handed back unchanged"
        ))
    };
    w.judge(&a.cite, outcome, None)
}

/// Deletes the policies a client scenario made, so the next scenario meets the fixtures' own,
/// and switches off what the scenario switched on at the harness's AS.
pub async fn cleanup(w: &mut UmaWorld) {
    if std::mem::take(&mut w.client_run.same_ticket_switched) {
        if let Ok(mut exchange) = switch_same_ticket(w, false).await {
            exchange.step = None;
            w.record.cleanup.push(exchange);
        }
    }
    let policies = std::mem::take(&mut w.client_run.policies);
    let (Ok(ctx), Ok(control)) = (w.ctx(), control_api(w)) else {
        return;
    };
    for id in policies {
        let (mut exchange, _) = ctx
            .driver
            .send(Request::delete(format!("{control}/policies/{id}")))
            .await;
        exchange.step = None;
        w.record.cleanup.push(exchange);
    }
}
