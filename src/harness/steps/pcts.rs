//! Steps about PCTs (Grant 3.3.5, 3.7, 5.2, 5.4): obtaining them by pushing the requesting
//! party's claims, presenting and revoking them, and what a holder can read out of them.

use super::StepDef;
use super::adapter::Args;
use super::claims::{Flaw, claim_token, client_named, party};
use super::def;
use super::grant::send_rpt_request_as;
use super::permissions::obtain_ticket;
use super::support::{describe, endpoint, uma_client, unguessable};
use crate::harness::roles::permissions as perm;
use crate::harness::roles::readable::{json_member_names, readings};
use crate::harness::roles::tokens::read_token_response;
use crate::harness::target::{ClientCredentials, RequestingParty};
use crate::harness::wire::{HttpResponse, Request};
use crate::harness::world::{Answer, StepError, StepResult, UmaWorld};

pub fn steps() -> Vec<StepDef> {
    vec![
        def!(
            Given,
            r#"the client has obtained a PCT for scope "([^"]+)" by pushing the requesting party's claim token"#,
            has_pct
        ),
        def!(
            Given,
            r#"the client has obtained another RPT for scope "([^"]+)" with its PCT alone"#,
            pct_works_for_its_client
        ),
        def!(
            When,
            r#"the (client|second client) requests an RPT for scope "([^"]+)" with the client's PCT"#,
            requests_with_pct
        ),
        def!(
            When,
            r#"the client obtains (\d+) PCTs for scope "([^"]+)", each by pushing the requesting party's claim token"#,
            samples_pcts
        ),
        def!(
            When,
            r#"the client revokes its PCT with token_type_hint "pct""#,
            revokes_pct
        ),
        def!(Then, r"the revocation is accepted", revocation_accepted),
        def!(
            Then,
            r"the PCT holds the requesting party's claims by reference or encrypted",
            pct_by_reference
        ),
        def!(
            Then,
            r"the PCT shows none of the requesting party's claim values",
            pct_hides_values
        ),
        def!(Then, r"the PCTs look unguessable", pcts_unguessable),
        def!(Then, r"the PCT came over TLS", pct_over_tls),
    ]
}

/// A UMA grant request by the client, outside the checks; the RPT (and PCT) are held if issued.
async fn request_aside(
    w: &mut UmaWorld,
    client: &ClientCredentials,
    ticket: String,
    extra: Vec<(String, String)>,
) -> Result<Answer, StepError> {
    let token_endpoint = endpoint(w, "token_endpoint")?;
    let mut form = vec![
        ("grant_type".to_string(), perm::UMA_TICKET_GRANT.to_string()),
        ("ticket".to_string(), ticket),
    ];
    form.extend(extra);
    let request = perm::with_client_auth(Request::post(token_endpoint), form, client);
    let answer = w.send_aside(request).await?;
    w.hold_rpt_if_issued(&answer);
    Ok(answer)
}

fn answer_text(answer: &Answer) -> String {
    match answer {
        Ok(r) => describe(r),
        Err(e) => format!("no answer: {e}"),
    }
}

/// The PCT of a successful answer; the AS need not issue one (Grant 3.3.5), nor issue an RPT
/// for a token it cannot use, and either way there is no PCT to judge.
fn pct_of(answer: &HttpResponse) -> Result<String, StepError> {
    let issued = read_token_response(answer).map_err(|e| {
        StepError::Skip(format!(
            "the requesting party's claim token got the client no RPT, so there is no PCT: {e}"
        ))
    })?;
    issued
        .body
        .get("pct")
        .and_then(serde_json::Value::as_str)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            StepError::Skip("the AS issued no PCT with the RPT (PCTs are optional)".into())
        })
}

/// One authorization process that pushes the party's claims for a fresh ticket; its PCT.
async fn pct_from_new_process(w: &mut UmaWorld, scope: &str) -> Result<String, StepError> {
    let client = uma_client(w)?;
    let ticket = obtain_ticket(w, vec![scope.to_string()]).await?;
    let pushed = claim_token(w, &client.client_id, Flaw::None).await?;
    let answer = request_aside(w, &client, ticket, pushed.to_vec()).await?;
    match &answer {
        Ok(r) => pct_of(r),
        Err(e) => Err(StepError::Setup(format!(
            "the RPT request got no answer: {e}"
        ))),
    }
}

async fn has_pct(w: &mut UmaWorld, a: Args) -> StepResult {
    pct_from_new_process(w, a.arg(0)).await.map(|_| ())
}

fn held_pct(w: &UmaWorld) -> Result<String, StepError> {
    w.pct
        .clone()
        .ok_or_else(|| StepError::Harness("no PCT is held".into()))
}

/// The positive control of the PCT scenarios: without it a refusal proves nothing about the
/// binding or the revocation. A PCT that never works again is not a breach of those, so skip.
async fn pct_works_for_its_client(w: &mut UmaWorld, a: Args) -> StepResult {
    let client = uma_client(w)?;
    let pct = held_pct(w)?;
    let ticket = obtain_ticket(w, vec![a.arg(0).to_string()]).await?;
    let answer = request_aside(w, &client, ticket, vec![("pct".into(), pct)]).await?;
    match answer.as_ref().map(read_token_response) {
        Ok(Ok(_)) => Ok(()),
        _ => Err(StepError::Skip(format!(
            "the PCT got its own client no RPT on a new ticket, so refusing it elsewhere proves nothing: {}",
            answer_text(&answer)
        ))),
    }
}

async fn requests_with_pct(w: &mut UmaWorld, a: Args) -> StepResult {
    let client = client_named(w, a.arg(0))?;
    let pct = held_pct(w)?;
    let ticket = obtain_ticket(w, vec![a.arg(1).to_string()]).await?;
    send_rpt_request_as(w, &client, Some(ticket), vec![("pct".into(), pct)]).await
}

async fn samples_pcts(w: &mut UmaWorld, a: Args) -> StepResult {
    // Enough to see a counter or a repeat, few enough to spare a vendor's token endpoint.
    let count: usize = a.arg(0).parse().unwrap_or(0).min(10);
    let mut pcts = Vec::new();
    for _ in 0..count {
        pcts.push(pct_from_new_process(w, a.arg(1)).await?);
    }
    w.sampled_pcts = pcts;
    Ok(())
}

async fn revokes_pct(w: &mut UmaWorld, _a: Args) -> StepResult {
    let client = uma_client(w)?;
    let pct = held_pct(w)?;
    let endpoint = w.ctx()?.endpoint("revocation_endpoint").ok_or_else(|| {
        StepError::Skip(
            "the AS names no revocation_endpoint (revocation is optional, Grant 3.7)".into(),
        )
    })?;
    w.send(perm::revocation_request(&endpoint, &pct, "pct", &client))
        .await?;
    Ok(())
}

async fn revocation_accepted(w: &mut UmaWorld, a: Args) -> StepResult {
    // RFC 7009 2.2: 200 whether or not the token was known; a refusal means the hint was not.
    let outcome = w.last_response().and_then(|r| match r.status {
        200 => Ok("the revocation endpoint answered 200".to_string()),
        _ => Err(format!("the revocation was answered {}", describe(r))),
    });
    w.judge(&a.cite, outcome, None)
}

/// The PCT of the latest answer, and the party it is about.
fn examined_pct(w: &UmaWorld) -> Result<(String, RequestingParty), StepError> {
    let response = w
        .last_response()
        .map_err(|e| StepError::Setup(format!("no answer to examine: {e}")))?;
    Ok((pct_of(response)?, party(w)?))
}

async fn pct_by_reference(w: &mut UmaWorld, a: Args) -> StepResult {
    let (pct, party) = examined_pct(w)?;
    let names = party.known_names();
    if names.is_empty() {
        return Err(StepError::Skip(
            "the target names none of the requesting party's claims to look for".into(),
        ));
    }
    let outcome = readings(&pct)
        .iter()
        .find_map(|reading| {
            let found: Vec<String> = json_member_names(reading)
                .into_iter()
                .filter(|n| names.contains(n))
                .collect();
            (!found.is_empty()).then(|| {
                format!(
                    "the PCT, {}, is JSON carrying the claims {found:?} itself",
                    reading.how
                )
            })
        })
        .map_or_else(
            || Ok("no reading of the PCT is JSON naming the party's claims".to_string()),
            Err,
        );
    w.judge(&a.cite, outcome, None)
}

/// Shorter values (a "1", a "no") would turn up by chance in any decoded bytes.
const MIN_VALUE_LEN: usize = 4;

async fn pct_hides_values(w: &mut UmaWorld, a: Args) -> StepResult {
    let (pct, party) = examined_pct(w)?;
    let values: Vec<String> = party
        .known_values()
        .into_iter()
        .filter(|v| v.len() >= MIN_VALUE_LEN)
        .collect();
    if values.is_empty() {
        return Err(StepError::Skip(
            "the target gives none of the requesting party's claim values to look for".into(),
        ));
    }
    let outcome = readings(&pct)
        .iter()
        .find_map(|reading| {
            values
                .iter()
                .find(|v| reading.text.contains(v.as_str()))
                .map(|v| format!("the PCT, {}, shows the claim value {v:?}", reading.how))
        })
        .map_or_else(
            || {
                Ok(format!(
                    "none of {} claim values shows in the PCT, as it is or decoded",
                    values.len()
                ))
            },
            Err,
        );
    w.judge(&a.cite, outcome, None)
}

async fn pcts_unguessable(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = unguessable(&w.sampled_pcts, "PCT");
    w.judge(&a.cite, outcome, None)
}

async fn pct_over_tls(w: &mut UmaWorld, a: Args) -> StepResult {
    examined_pct(w)?;
    let token_endpoint = endpoint(w, "token_endpoint")?;
    let outcome = if token_endpoint.starts_with("https://") {
        Ok(format!("the PCT came from {token_endpoint}"))
    } else {
        Err(format!(
            "the PCT came over plain http from {token_endpoint}"
        ))
    };
    w.judge(&a.cite, outcome, Some("https"))
}
