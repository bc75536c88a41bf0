//! The cucumber world: one per scenario. It holds the run context, the record of what the
//! scenario did, and the state that flows between its steps.

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use super::context::RunContext;
use super::record::{CheckRecord, CheckState, ScenarioRecord, StepState, StopKind};
use super::roles::tokens::{IssuedToken, read_token_response};
use super::wire::{HttpResponse, Request, TransportError};
use crate::spec::requirements::Level;

/// Why a step stopped the scenario.
#[derive(Debug, Clone)]
pub enum StepError {
    /// A check failed (already recorded by [`UmaWorld::judge`]).
    Check(String),
    /// The scenario does not apply to this target, or a fixture is missing.
    Skip(String),
    /// The scenario could not be arranged.
    Setup(String),
    /// The scenario could not be arranged because this party, which the harness does not play,
    /// answered wrongly (in an interop run, the other party under test).
    Broken(crate::harness::target::Party, String),
    /// A defect of the harness or of a feature file.
    Harness(String),
}

pub type StepResult = Result<(), StepError>;

/// A resource the scenario registered, so later steps can refer to it and cleanup can remove it.
#[derive(Debug, Clone)]
pub struct RegisteredResource {
    pub owner: String,
    pub id: String,
    pub description: Value,
    pub deleted: bool,
}

impl RegisteredResource {
    /// The scopes the resource was registered with.
    pub fn scopes(&self) -> Vec<String> {
        self.description
            .get("resource_scopes")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The answer to the scenario's latest request.
pub type Answer = Result<HttpResponse, TransportError>;

#[derive(Default)]
pub struct UmaWorld {
    pub ctx: Option<Arc<RunContext>>,
    pub record: ScenarioRecord,
    /// The owner whose resource server acts in the `When` steps, and its access token.
    pub actor: Option<(String, String)>,
    pub last: Option<Answer>,
    /// The JSON body of the latest request, if it had one.
    pub last_sent: Option<Value>,
    pub resources: Vec<RegisteredResource>,
    /// The discovery document fetched inside this scenario, and the URL it came from.
    pub fetched_discovery: Option<(String, Answer)>,
    /// A token other than the actor's, for steps that use "that token".
    pub other_token: Option<String>,
    /// A named result a later step compares against (e.g. the id from a create response).
    pub remembered_id: Option<String>,
    /// A random marker unique to this scenario, put in resource names so a leak of one owner's
    /// resource into another owner's answers is recognisable.
    pub marker: String,
    /// The latest permission ticket and the permissions it was requested for.
    pub ticket: Option<(String, Vec<Permission>)>,
    /// The latest RPT, with its `expires_in` if the AS gave one.
    pub rpt: Option<(String, Option<u64>)>,
    /// The RPT held before the latest one was issued (upgrade scenarios).
    pub previous_rpt: Option<String>,
    /// The body of the latest successful RPT response.
    pub rpt_response: Option<Value>,
    /// Every permission a ticket of this scenario was requested for, oldest first.
    pub ticket_history: Vec<Permission>,
    /// How many of two simultaneous presentations of one ticket got an RPT.
    pub race_rpts: Option<usize>,
    /// Tickets sampled to judge their guessability.
    pub sampled_tickets: Vec<String>,
    /// The requesting party's visit to the claims interaction endpoint, if one was made.
    pub interaction: Option<ClaimsVisit>,
    /// The latest PCT issued to the client in this scenario.
    pub pct: Option<String>,
    /// PCTs sampled to judge their guessability.
    pub sampled_pcts: Vec<String>,
    /// For each RPT request that offered the previous RPT and got one: whether it was upgraded.
    pub upgrade_answers: Vec<bool>,
    /// What a resource server scenario learned and changed.
    pub rs: ResourceServerState,
    /// The runs of the client under test in a client scenario.
    pub client_run: ClientRunState,
}

/// State of a scenario that tests a client.
#[derive(Debug, Clone, Default)]
pub struct ClientRunState {
    /// The client's state folder, shared by the scenario's runs.
    pub state_dir: Option<Arc<tempfile::TempDir>>,
    /// Log positions of the harness's AS and RS before the latest run, and before the first.
    pub marks: Option<(u64, u64)>,
    pub first_marks: Option<(u64, u64)>,
    pub outcome: Option<crate::harness::roles::client_under_test::ClientOutcome>,
    /// Where the client sent the requesting party, if it did, and when it said so.
    pub interaction_url: Option<String>,
    pub interaction_at_ms: Option<u64>,
    /// Whether the AS asked for the requesting party's browser during the latest run.
    pub redirect_asked: bool,
    /// The harness's redirect back to the client, if the AS sent the party back.
    pub returned: Option<Returned>,
    /// Come back with a state the client never sent.
    pub forge_state: bool,
    /// Whether the client's claims redirect URI answered the harness's return.
    pub return_answered: bool,
    /// Answer for the owner once the client polls.
    pub approve_owner: bool,
    /// Give the client no claim token to push.
    pub without_claim_token: bool,
    /// The harness's AS was told to hand tickets back unchanged; cleanup undoes it.
    pub same_ticket_switched: bool,
    /// Policies the scenario made at the harness's AS.
    pub policies: Vec<String>,
    /// The harness RS resource the scenario's runs fetch.
    pub resource: usize,
    /// Whether the logs were already added to the evidence (for all runs, or the latest).
    pub evidence_added: Option<bool>,
}

/// The redirect back to the client that the harness delivered.
#[derive(Debug, Clone)]
pub struct Returned {
    /// The ticket the AS put on it.
    pub ticket: Option<String>,
    pub at_ms: u64,
}

/// State of a scenario that tests a resource server.
#[derive(Debug, Clone, Default)]
pub struct ResourceServerState {
    /// The harness AS's log position before the scenario's action.
    pub as_mark: Option<u64>,
    /// Tickets the RS handed out in this scenario, oldest first.
    pub tickets: Vec<String>,
    /// The harness's AS was taken down; cleanup brings it back.
    pub outage: bool,
    /// The resource the scenario's requests go to (index into the target's list).
    pub resource: usize,
    /// The scope descriptions the RS's scope URIs led to, once fetched.
    pub scope_descriptions: Option<Vec<Value>>,
}

/// A requesting party's way through the AS's claims interaction pages (Grant 3.3.2, 3.3.3).
#[derive(Debug, Clone, Default)]
pub struct ClaimsVisit {
    pub client_id: String,
    /// The claims redirect URI the client sent, or expects when it sent none.
    pub claims_redirect_uri: String,
    pub state: Option<String>,
    /// The ticket the client sent along.
    pub presented_ticket: Option<String>,
    pub cookies: crate::harness::roles::claims_interaction::CookieJar,
    /// The URL asked last and its answer: where the party stands.
    pub current: Option<(String, HttpResponse)>,
    /// The redirect back to the client, once it happened.
    pub returned: Option<crate::harness::roles::claims_interaction::Return>,
    /// Requests the AS should refuse, played through as far as the AS lets the party go.
    pub refused: Vec<Refusal>,
}

/// One claims interaction request the AS should refuse.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The claims redirect URI the request named, where the party must never arrive.
    pub uri: String,
    /// The page the AS showed before anything was filled in, its own redirects followed; `None`
    /// when it sent the party elsewhere instead.
    pub landing: Option<HttpResponse>,
    /// Where the party was sent, if it arrived at `uri` after all (at once or after the pages).
    pub reached: Option<String>,
}

/// A permission as a resource server requests it (FedAuthz 4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    pub resource_id: String,
    pub resource_scopes: Vec<String>,
}

impl fmt::Debug for UmaWorld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UmaWorld")
            .field("steps", &self.record.steps.len())
            .field("checks", &self.record.checks.len())
            .field("exchanges", &self.record.exchanges.len())
            .finish()
    }
}

impl cucumber::World for UmaWorld {
    type Error = std::convert::Infallible;
    async fn new() -> Result<Self, Self::Error> {
        let marker = format!("uma-conformance-{:016x}", rand::random::<u64>());
        Ok(UmaWorld {
            marker,
            ..UmaWorld::default()
        })
    }
}

impl UmaWorld {
    pub fn ctx(&self) -> Result<Arc<RunContext>, StepError> {
        self.ctx
            .clone()
            .ok_or_else(|| StepError::Harness("the run context was not installed".into()))
    }

    /// Sends a request through the run's driver and records the exchange in this scenario.
    pub async fn send(&mut self, request: Request) -> Result<&Answer, StepError> {
        let ctx = self.ctx()?;
        self.last_sent = match &request.body {
            Some(super::wire::RequestBody::Json(v)) => Some(v.clone()),
            _ => None,
        };
        let (exchange, answer) = ctx.driver.send(request).await;
        self.record.push_exchange(exchange);
        self.last = Some(answer);
        Ok(self.last.as_ref().expect("just set"))
    }

    /// Sends a request and returns the answer without making it the scenario's latest one.
    pub async fn send_aside(&mut self, request: Request) -> Result<Answer, StepError> {
        let ctx = self.ctx()?;
        let (exchange, answer) = ctx.driver.send(request).await;
        self.record.push_exchange(exchange);
        Ok(answer)
    }

    /// The latest answer, or a failure of the cited check if there was none or it broke off.
    pub fn last_response(&self) -> Result<&HttpResponse, String> {
        match &self.last {
            None => Err("no request was made before this check".into()),
            Some(Err(e)) => Err(format!("the request got no usable answer: {e}")),
            Some(Ok(r)) => Ok(r),
        }
    }

    pub fn level_of(&self, requirement: &str) -> Option<Level> {
        self.ctx
            .as_ref()?
            .catalogue
            .get(requirement)
            .map(|r| r.level)
    }

    /// Records the outcome of a check citing `requirements`. A failure stops the scenario unless
    /// every cited requirement is SHOULD-level or the profile relaxes `relaxable`; then it is a
    /// warning and the scenario goes on.
    pub fn judge(
        &mut self,
        requirements: &[String],
        outcome: Result<String, String>,
        relaxable: Option<&str>,
    ) -> StepResult {
        let step = self.record.current_step().unwrap_or(0);
        let relaxed_by_profile = relaxable.is_some_and(|check| {
            self.ctx
                .as_ref()
                .is_some_and(|c| c.target.profile.relaxes(check))
        });
        let mut stop = None;
        for requirement in requirements {
            let level = self.level_of(requirement).unwrap_or(Level::Must);
            let (state, detail) = match &outcome {
                Ok(note) => (CheckState::Passed, note.clone()),
                Err(why) if relaxed_by_profile => (
                    CheckState::Warning,
                    format!(
                        "{why} (relaxed to a warning by profile {:?})",
                        self.profile_name()
                    ),
                ),
                Err(why) if level == Level::Should => (CheckState::Warning, why.clone()),
                Err(why) => {
                    stop = Some(format!("{requirement}: {why}"));
                    (CheckState::Failed, why.clone())
                }
            };
            self.record.checks.push(CheckRecord {
                requirement: requirement.clone(),
                level,
                step,
                state,
                detail,
            });
        }
        if let (Err(why), None) = (&outcome, &stop) {
            if let Some(s) = self.record.steps.last_mut() {
                s.state = StepState::Warning;
                s.message = Some(why.clone());
            }
        }
        match stop {
            Some(message) => {
                self.record
                    .stop_once(StopKind::Check, Some(step), message.clone());
                Err(StepError::Check(message))
            }
            None => Ok(()),
        }
    }

    fn profile_name(&self) -> String {
        self.ctx
            .as_ref()
            .map(|c| c.target.profile.name.clone())
            .unwrap_or_default()
    }

    pub fn resource_mut(&mut self, owner: &str) -> Option<&mut RegisteredResource> {
        self.resources
            .iter_mut()
            .rev()
            .find(|r| r.owner == owner && !r.deleted)
    }

    /// Keeps a newly issued RPT as the scenario's current one; the one held before becomes the
    /// previous RPT (upgrade and refresh scenarios compare the two).
    pub fn hold_rpt(&mut self, issued: IssuedToken) {
        if let Some(ctx) = &self.ctx {
            ctx.driver.secrets().register(&issued.access_token);
        }
        // A PCT comes with an RPT (Grant 3.3.5); it is a credential like the RPT.
        if let Some(pct) = issued.body.get("pct").and_then(Value::as_str) {
            if let Some(ctx) = &self.ctx {
                ctx.driver.secrets().register(pct);
            }
            self.pct = Some(pct.to_string());
        }
        let expires_in = issued.body.get("expires_in").and_then(Value::as_u64);
        self.previous_rpt = self.rpt.take().map(|(t, _)| t);
        self.rpt = Some((issued.access_token, expires_in));
        self.rpt_response = Some(issued.body);
    }

    /// Holds the RPT of a token answer, if it is a successful one; the checks judge the rest.
    pub fn hold_rpt_if_issued(&mut self, answer: &Answer) {
        if let Ok(issued) = answer
            .as_ref()
            .map_err(|_| ())
            .and_then(|r| read_token_response(r).map_err(|_| ()))
        {
            self.hold_rpt(issued);
        }
    }

    /// The most recently registered resource, deleted or not.
    pub fn last_resource(&self) -> Result<&RegisteredResource, StepError> {
        self.resources
            .last()
            .ok_or_else(|| StepError::Harness("the scenario has not registered a resource".into()))
    }

    /// The most recently registered resource that still exists.
    pub fn current_resource(&self) -> Result<&RegisteredResource, StepError> {
        self.resources
            .iter()
            .rev()
            .find(|r| !r.deleted)
            .ok_or_else(|| StepError::Harness("the scenario has not registered a resource".into()))
    }
}
