//! Steps about the requesting party's claims the client pushes (Grant 3.3.1, 3.3.4, 5.7): the
//! policies that want them, the claim tokens (sound or flawed on purpose), and whether an RPT
//! follows.

use super::StepDef;
use super::adapter::Args;
use super::def;
use super::grant::{arrange_policy_for, held_ticket, hold_answered_ticket, send_rpt_request_as};
use super::support::{describe, uma_client};
use crate::harness::roles::claim_tokens::{self, Occasion, with_broken_signature};
use crate::harness::roles::policy_admin::Outcome;
use crate::harness::roles::registration::quoted_list;
use crate::harness::roles::tokens::read_token_response;
use crate::harness::target::{ClaimTokenSource, ClientCredentials, RequestingParty};
use crate::harness::world::{StepError, StepResult, UmaWorld};

pub fn steps() -> Vec<StepDef> {
    vec![
        def!(
            Given,
            r#"resource owner "alice" requires the requesting party's claims before the (client|second client) gets (.+) on the resource"#,
            policy_needs_party_claims
        ),
        def!(
            When,
            r"the (client|second client) requests an RPT with the ticket, pushing the requesting party's claim token",
            pushes
        ),
        def!(
            When,
            r"the client requests an RPT with the ticket from that answer, pushing the requesting party's claim token",
            pushes_after_need_info
        ),
        def!(
            When,
            r"the client requests an RPT with the ticket, pushing the requesting party's claim token with a broken signature",
            pushes_broken_signature
        ),
        def!(
            When,
            r"the client requests an RPT with the ticket, pushing the requesting party's claim token addressed to someone else",
            pushes_foreign_audience
        ),
        def!(Then, r"the client gets an RPT", gets_rpt),
        def!(
            Given,
            r"the client gets an RPT when it pushes the requesting party's sound claim token",
            sound_token_control
        ),
        def!(
            Then,
            r"the (?:client|second client) gets no RPT",
            gets_no_rpt
        ),
    ]
}

pub(super) fn party(w: &UmaWorld) -> Result<RequestingParty, StepError> {
    w.ctx()?
        .target
        .authorization_server
        .requesting_party
        .clone()
        .ok_or_else(|| {
            StepError::Skip(
                "the target gives no requesting party (authorization_server.requesting_party)"
                    .into(),
            )
        })
}

/// "client" is the target's UMA client, "second client" the one no identity provider trusts.
pub(super) fn client_named(w: &UmaWorld, which: &str) -> Result<ClientCredentials, StepError> {
    if which != "second client" {
        return uma_client(w);
    }
    w.ctx()?
        .target
        .authorization_server
        .second_uma_client
        .clone()
        .ok_or_else(|| {
            StepError::Skip(
                "the target gives no second UMA client (authorization_server.second_uma_client)"
                    .into(),
            )
        })
}

async fn policy_needs_party_claims(w: &mut UmaWorld, a: Args) -> StepResult {
    let client = client_named(w, a.arg(0))?;
    let claims = party(w)?.claims;
    // No claims named: the AS decides which it wants.
    let claims = (!claims.is_empty()).then_some(&claims);
    arrange_policy_for(
        w,
        quoted_list(a.arg(1)),
        Outcome::NeedClaims,
        &client.client_id,
        claims,
    )
    .await
}

/// What is wrong with the token the scenario pushes, on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flaw {
    None,
    BrokenSignature,
    /// Its audience is a party that is neither the pushing client nor the AS.
    ForeignAudience,
}

/// Someone the token could be meant for that is neither the client nor any AS under test.
const FOREIGN_AUDIENCE: &str = "https://elsewhere.uma-conformance.invalid";

/// The claim token `client_id` pushes now, as its two form fields; a minted one is fresh.
pub(super) async fn claim_token(
    w: &UmaWorld,
    client_id: &str,
    flaw: Flaw,
) -> Result<[(String, String); 2], StepError> {
    let ctx = w.ctx()?;
    let as_ = &ctx.target.authorization_server;
    let (format, token) = match (&party(w)?.claim_token, flaw) {
        (ClaimTokenSource::Literal { .. }, Flaw::ForeignAudience) => {
            return Err(StepError::Skip(
                "a literal claim token cannot be addressed to someone else; give a mint table"
                    .into(),
            ));
        }
        (ClaimTokenSource::Literal { format, token }, _) => (format.clone(), token.clone()),
        (ClaimTokenSource::Minted(recipe), _) => {
            let now = claim_tokens::now(&ctx.driver, as_.control_api.as_deref())
                .await
                .map_err(StepError::Setup)?;
            let at = Occasion {
                client_id,
                as_issuer: &as_.issuer,
                now,
            };
            let audience = (flaw == Flaw::ForeignAudience).then_some(FOREIGN_AUDIENCE);
            let token = recipe.mint(at, audience).map_err(StepError::Setup)?;
            (recipe.format.clone(), token)
        }
    };
    let token = if flaw == Flaw::BrokenSignature {
        with_broken_signature(&token).ok_or_else(|| {
            StepError::Skip(
                "the claim token is not a JWS, so its signature cannot be broken".into(),
            )
        })?
    } else {
        token
    };
    ctx.driver.secrets().register(&token);
    Ok([
        ("claim_token".to_string(), token),
        ("claim_token_format".to_string(), format),
    ])
}

async fn push_with(w: &mut UmaWorld, which: &str, ticket: String, flaw: Flaw) -> StepResult {
    let client = client_named(w, which)?;
    let pushed = claim_token(w, &client.client_id, flaw).await?;
    send_rpt_request_as(w, &client, Some(ticket), pushed.to_vec()).await
}

async fn pushes(w: &mut UmaWorld, a: Args) -> StepResult {
    let ticket = held_ticket(w)?;
    push_with(w, a.arg(0), ticket, Flaw::None).await
}

async fn pushes_broken_signature(w: &mut UmaWorld, _a: Args) -> StepResult {
    let ticket = held_ticket(w)?;
    push_with(w, "client", ticket, Flaw::BrokenSignature).await
}

async fn pushes_foreign_audience(w: &mut UmaWorld, _a: Args) -> StepResult {
    let ticket = held_ticket(w)?;
    push_with(w, "client", ticket, Flaw::ForeignAudience).await
}

async fn pushes_after_need_info(w: &mut UmaWorld, _a: Args) -> StepResult {
    let ticket = hold_answered_ticket(w)?;
    push_with(w, "client", ticket, Flaw::None).await
}

/// The positive control of the refusal scenarios: unless the AS takes the sound token from the
/// trusted client, its refusal of a flawed one proves nothing.
async fn sound_token_control(w: &mut UmaWorld, _a: Args) -> StepResult {
    let client = uma_client(w)?;
    let scopes: Vec<String> = w.current_resource()?.scopes().into_iter().take(1).collect();
    let ticket = super::permissions::obtain_ticket(w, scopes).await?;
    let pushed = claim_token(w, &client.client_id, Flaw::None).await?;
    send_rpt_request_as(w, &client, Some(ticket), pushed.to_vec()).await?;
    match w.last_response().map(read_token_response) {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(why)) | Err(why) => Err(StepError::Skip(format!(
            "the AS does not take the requesting party's sound claim token ({why}), so refusing a flawed one proves nothing"
        ))),
    }
}

async fn gets_rpt(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        read_token_response(r)
            .map(|_| "an RPT was issued".to_string())
            .map_err(|e| format!("no RPT: {e}"))
    });
    w.judge(&a.cite, outcome, None)
}

async fn gets_no_rpt(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w
        .last_response()
        .and_then(|r| match read_token_response(r) {
            Ok(_) => Err(format!("an RPT was issued: {}", describe(r))),
            // A server error is a failure to answer, not a decision to refuse.
            Err(_) if r.status >= 500 => Err(format!("the AS failed: {}", describe(r))),
            Err(_) => Ok(format!("no RPT: {}", describe(r))),
        });
    w.judge(&a.cite, outcome, None)
}
