//! Step definitions: thin Gherkin glue that calls a role and asserts. Checking steps open with
//! the requirement ids they prove, in brackets: `Then [FED-3.2.1-a] the authorization server
//! answers 201`.

pub mod adapter;
mod assessment;
mod claims;
mod claims_gathering;
mod client_suite;
mod discovery;
mod grant;
mod introspection;
mod pcts;
mod permissions;
mod registration;
mod resource_server;
mod responses;
mod rs_protection_calls;
mod support;
mod tokens;
mod upgrades;

use cucumber::step::Collection;
use regex::Regex;

use crate::harness::world::UmaWorld;

/// Which Gherkin keyword a definition answers to (`And`/`But` inherit the previous one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Given,
    When,
    Then,
}

pub struct StepDef {
    pub kind: Kind,
    pub regex: Regex,
    pub func: cucumber::step::Step<UmaWorld>,
}

/// Wraps an `async fn(&mut UmaWorld, Args) -> StepResult` into a registered step.
macro_rules! def {
    ($kind:ident, $pattern:expr, $body:path) => {{
        let cites = matches!(
            $crate::harness::steps::Kind::$kind,
            $crate::harness::steps::Kind::Then
        );
        let func: cucumber::step::Step<$crate::harness::world::UmaWorld> = |world, ctx| {
            Box::pin(async move {
                let cites = matches!(
                    $crate::harness::steps::Kind::$kind,
                    $crate::harness::steps::Kind::Then
                );
                $crate::harness::steps::adapter::run(world, ctx, cites, |w, a| {
                    Box::pin($body(w, a))
                })
                .await
            })
        };
        $crate::harness::steps::StepDef {
            kind: $crate::harness::steps::Kind::$kind,
            regex: $crate::harness::steps::adapter::step_regex($pattern, cites),
            func,
        }
    }};
}
pub(crate) use def;

/// Every step definition of the harness.
pub fn definitions() -> Vec<StepDef> {
    let mut all = Vec::new();
    all.extend(discovery::steps());
    all.extend(tokens::steps());
    all.extend(registration::steps());
    all.extend(permissions::steps());
    all.extend(grant::steps());
    all.extend(claims_gathering::steps());
    all.extend(assessment::steps());
    all.extend(upgrades::steps());
    all.extend(claims::steps());
    all.extend(pcts::steps());
    all.extend(introspection::steps());
    all.extend(responses::steps());
    all.extend(resource_server::steps());
    all.extend(client_suite::steps());
    all.extend(rs_protection_calls::steps());
    all
}

/// Undoes what a scenario left behind: resources it registered, an AS it took down.
pub async fn cleanup(world: &mut UmaWorld) {
    resource_server::cleanup(world).await;
    client_suite::cleanup(world).await;
    registration::cleanup(world).await;
}

pub fn collection() -> Collection<UmaWorld> {
    definitions()
        .into_iter()
        .fold(Collection::new(), |c, def| match def.kind {
            Kind::Given => c.given(None, def.regex, def.func),
            Kind::When => c.when(None, def.regex, def.func),
            Kind::Then => c.then(None, def.regex, def.func),
        })
}
