//! Steps about PATs (FedAuthz 1.2, 1.3): obtaining them as a resource server does, and tokens
//! that must not work as PATs.

use super::StepDef;
use super::adapter::Args;
use super::def;
use super::support::{describe, endpoint};
use crate::harness::roles::{registration, tokens};
use crate::harness::target::TokenSource;
use crate::harness::wire::Auth;
use crate::harness::world::{StepError, StepResult, UmaWorld};

pub fn steps() -> Vec<StepDef> {
    vec![
        def!(
            Given,
            r#"the resource server holds a PAT for resource owner "(alice|bob)""#,
            holds_pat
        ),
        def!(
            Given,
            r#"the resource server of resource owner "alice" holds a token without the uma_protection scope"#,
            holds_unprotected_token
        ),
        def!(
            When,
            r#"the resource server of resource owner "alice" requests a PAT from the token endpoint"#,
            requests_pat
        ),
        def!(
            Then,
            r#"the token response grants the "uma_protection" scope, if it names a scope"#,
            grants_protection_scope
        ),
        def!(
            Then,
            r"the new token is accepted as a PAT by the resource registration endpoint",
            new_token_works
        ),
    ]
}

/// The token source the target gives for an owner label.
fn source_for(w: &UmaWorld, owner: &str) -> Result<TokenSource, StepError> {
    let ctx = w.ctx()?;
    let as_ = &ctx.target.authorization_server;
    match owner {
        "alice" => Ok(as_.pat.clone()),
        "bob" => as_.second_owner_pat.clone().ok_or_else(|| {
            StepError::Skip("the target gives no second resource owner (authorization_server.second_owner_pat)".into())
        }),
        "alice/no-protection" => as_.token_without_protection_scope.clone().ok_or_else(|| {
            StepError::Skip(
                "the target gives no token lacking uma_protection (authorization_server.token_without_protection_scope)".into(),
            )
        }),
        other => Err(StepError::Harness(format!("unknown owner label {other:?}"))),
    }
}

/// A token for `owner`, from the run's cache or freshly requested. Failing to get one is a setup
/// failure: the scenario cannot be arranged.
pub async fn token_for(w: &mut UmaWorld, owner: &str) -> Result<String, StepError> {
    let ctx = w.ctx()?;
    if let Some(token) = ctx.cached_token(owner).await {
        return Ok(token);
    }
    let source = source_for(w, owner)?;
    let token = match &source {
        TokenSource::Static { token } => token.clone(),
        TokenSource::ClientCredentials { .. } => {
            let token_endpoint = endpoint(w, "token_endpoint")?;
            let request = tokens::token_request(&token_endpoint, &source)
                .expect("credentials give a request");
            let answer = w.send_aside(request).await?;
            let response = answer.map_err(|e| {
                StepError::Setup(format!("could not obtain a token for {owner}: {e}"))
            })?;
            let issued = tokens::read_token_response(&response).map_err(|e| {
                StepError::Setup(format!("could not obtain a token for {owner}: {e}"))
            })?;
            issued.access_token
        }
    };
    ctx.driver.secrets().register(&token);
    ctx.cache_token(owner, &token).await;
    Ok(token)
}

async fn holds_pat(w: &mut UmaWorld, a: Args) -> StepResult {
    let owner = a.arg(0).to_string();
    let token = token_for(w, &owner).await?;
    w.actor = Some((owner, token));
    Ok(())
}

async fn holds_unprotected_token(w: &mut UmaWorld, _a: Args) -> StepResult {
    let token = token_for(w, "alice/no-protection").await?;
    w.other_token = Some(token);
    Ok(())
}

async fn requests_pat(w: &mut UmaWorld, _a: Args) -> StepResult {
    let source = source_for(w, "alice")?;
    let token_endpoint = endpoint(w, "token_endpoint")?;
    let Some(request) = tokens::token_request(&token_endpoint, &source) else {
        return Err(StepError::Skip(
            "the target gives a ready-made PAT, so its issuance cannot be observed".into(),
        ));
    };
    let answer = w.send(request).await?.clone();
    if let Ok(response) = &answer {
        if let Ok(issued) = tokens::read_token_response(response) {
            w.ctx()?.driver.secrets().register(&issued.access_token);
            w.other_token = Some(issued.access_token);
        }
    }
    Ok(())
}

async fn grants_protection_scope(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = w.last_response().and_then(|r| {
        let issued = tokens::read_token_response(r)?;
        match issued.scope {
            // RFC 6749 5.1: an omitted scope means the requested one was granted.
            None => Ok(
                "no scope in the response: the requested uma_protection was granted".to_string(),
            ),
            Some(scope) if scope.split(' ').any(|s| s == "uma_protection") => {
                Ok(format!("scope {scope:?}"))
            }
            Some(scope) => Err(format!(
                "the token was issued with scope {scope:?}, without uma_protection"
            )),
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn new_token_works(w: &mut UmaWorld, a: Args) -> StepResult {
    let Some(token) = w.other_token.clone() else {
        let outcome = Err("no token was issued".to_string());
        return w.judge(&a.cite, outcome, None);
    };
    let rreg = endpoint(w, "resource_registration_endpoint")?;
    let answer = w
        .send_aside(registration::list(&rreg).auth(Some(Auth::Bearer(token))))
        .await?;
    let outcome = match answer {
        Ok(r) if r.status == 200 => {
            Ok("listing resources with the new token succeeded".to_string())
        }
        Ok(r) => Err(format!(
            "listing resources with the new token was answered {}",
            describe(&r)
        )),
        Err(e) => Err(format!(
            "listing resources with the new token got no answer: {e}"
        )),
    };
    w.judge(&a.cite, outcome, None)
}
