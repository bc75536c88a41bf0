//! One run: the resource request, the UMA challenge, token requests until an RPT or a reason to
//! stop, and the resource again with the RPT (Grant 3.1 to 3.6).

use std::time::Duration;

use super::challenge::{self, Challenge};
use super::deviations::{Deviation, DeviationSet};
use super::discovery::{self, Discovery};
use super::error::ClientError;
use super::interaction::{self, Expectation};
use super::listener;
use super::options::ClientOptions;
use super::output::Output;
use super::state::new_state;
use super::store::Store;
use super::token::{self, Caller, Grant, TokenAnswer};
use super::wire;

/// Used when request_submitted names no interval (Grant 3.3.6 suggests 5).
const DEFAULT_INTERVAL_SECS: u64 = 5;
/// Resource requests per run: the first, after a refresh, after an RPT, with margin.
const MAX_RESOURCE_REQUESTS: u32 = 6;

pub(crate) async fn run(options: ClientOptions, out: Output) -> i32 {
    let result = match Run::new(options, &out) {
        Ok(mut run) => run.go().await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            out.line(format!("error: {e}"));
            e.exit_code()
        }
    }
}

struct Run<'o> {
    options: ClientOptions,
    deviations: DeviationSet,
    method: reqwest::Method,
    http: reqwest::Client,
    store: Store,
    out: &'o Output,
    token_requests: u32,
    interactions: u32,
}

/// Where the RPT being presented came from: one just issued that the RS refuses is final.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    Stored,
    Refreshed,
    Issued,
}

impl<'o> Run<'o> {
    fn new(options: ClientOptions, out: &'o Output) -> Result<Self, ClientError> {
        let deviations = DeviationSet::parse(&options.deviations).map_err(ClientError::Failure)?;
        let method = reqwest::Method::from_bytes(options.method.as_bytes()).map_err(|_| {
            ClientError::Failure(format!("{:?} is not an HTTP method", options.method))
        })?;
        url::Url::parse(&options.resource_url).map_err(|e| {
            ClientError::Failure(format!("resource URL {:?}: {e}", options.resource_url))
        })?;
        if let Some(uri) = &options.claims_redirect_uri {
            listener::target(uri)?;
        }
        let http = wire::client(&options.ca_pem, options.timeouts.http)?;
        let store = Store::open(options.state_dir.as_deref())?;
        Ok(Run {
            options,
            deviations,
            method,
            http,
            store,
            out,
            token_requests: 0,
            interactions: 0,
        })
    }

    fn has(&self, deviation: Deviation) -> bool {
        self.deviations.has(deviation)
    }

    async fn go(&mut self) -> Result<(), ClientError> {
        let resource = self.options.resource_url.clone();
        let mut presented = self
            .store
            .issuer_of(&resource)
            .and_then(|issuer| self.store.held(issuer).rpt)
            .map(|rpt| (rpt, Origin::Stored));
        let mut refreshed = false;
        for _ in 0..MAX_RESOURCE_REQUESTS {
            let answer = self
                .request_resource(presented.as_ref().map(|(r, _)| r.as_str()))
                .await?;
            if (200..300).contains(&answer.status) {
                self.out.line(answer.body);
                return Ok(());
            }
            if answer.status != 401 {
                return Err(ClientError::Refused(format!(
                    "the resource server answered {}",
                    answer.status
                )));
            }
            if presented
                .as_ref()
                .is_some_and(|(_, o)| *o == Origin::Issued)
            {
                return Err(ClientError::Refused(
                    "the resource server refused the RPT just issued".into(),
                ));
            }
            let challenge = challenge::parse(
                answer
                    .headers
                    .get_all("www-authenticate")
                    .iter()
                    .filter_map(|v| v.to_str().ok()),
            )
            .map_err(ClientError::Refused)?;
            self.store.remember_resource(&resource, &challenge.as_uri);
            self.store.save()?;
            let held = self.store.held(&challenge.as_uri);
            // Grant 3.6: a refused RPT may just have expired; one refresh per run.
            if presented.is_some() && !refreshed {
                if let Some(refresh_token) = held.refresh_token {
                    refreshed = true;
                    if let Some(rpt) = self.refresh(&challenge.as_uri, &refresh_token).await? {
                        presented = Some((rpt, Origin::Refreshed));
                        continue;
                    }
                }
            }
            let rpt = self.obtain_rpt(&challenge).await?;
            presented = Some((rpt, Origin::Issued));
        }
        Err(ClientError::Refused(format!(
            "no access after {MAX_RESOURCE_REQUESTS} resource requests"
        )))
    }

    async fn request_resource(&self, rpt: Option<&str>) -> Result<wire::Answer, ClientError> {
        let url = &self.options.resource_url;
        let mut request = self.http.request(self.method.clone(), url);
        if let Some(rpt) = rpt {
            request = if self.has(Deviation::RptInQuery) {
                request.query(&[("access_token", rpt)])
            } else {
                request.bearer_auth(rpt)
            };
        }
        let answer = wire::send(request, "resource request").await?;
        // The URL as configured: a deviation may have put the RPT into the one sent.
        let with = if rpt.is_some() { " with RPT" } else { "" };
        self.out
            .line(format!("{} {url}{with} -> {}", self.method, answer.status));
        Ok(answer)
    }

    /// A token request within the run's budget, logged.
    async fn token_request(
        &mut self,
        endpoint: &str,
        grant: &Grant<'_>,
    ) -> Result<TokenAnswer, ClientError> {
        if self.token_requests >= self.options.timeouts.max_token_requests {
            return Err(ClientError::Refused(format!(
                "gave up after {} token requests",
                self.token_requests
            )));
        }
        self.token_requests += 1;
        let caller = Caller {
            client_id: &self.options.client_id,
            client_secret: self.options.client_secret.as_deref(),
            auth: self.options.auth_method,
            deviations: self.deviations,
        };
        let (status, answer) = token::request(&self.http, endpoint, &caller, grant).await?;
        let what = match &answer {
            TokenAnswer::Issued { upgraded: true, .. } => "RPT issued (upgraded)".to_string(),
            TokenAnswer::Issued { .. } => "RPT issued".to_string(),
            TokenAnswer::NeedInfo { .. } => "need_info".to_string(),
            TokenAnswer::Submitted { .. } => "request_submitted".to_string(),
            TokenAnswer::Error { code, .. } => code.clone(),
        };
        self.out.line(format!(
            "POST {endpoint} ({}) -> {status} {what}",
            grant.name()
        ));
        Ok(answer)
    }

    /// The refresh grant; the new RPT, or None when the AS would not refresh (the refresh token
    /// is then forgotten).
    async fn refresh(
        &mut self,
        as_uri: &str,
        refresh_token: &str,
    ) -> Result<Option<String>, ClientError> {
        let discovery = self.discover(as_uri).await?;
        let endpoint = self.token_endpoint(as_uri, &discovery);
        let refresh_token = foreign_if(
            Some(refresh_token.to_string()),
            self.has(Deviation::ForeignRefreshToken),
        )
        .unwrap_or_default();
        let grant = Grant::Refresh {
            refresh_token: &refresh_token,
        };
        match self.token_request(&endpoint, &grant).await? {
            TokenAnswer::Issued {
                rpt, refresh_token, ..
            } => {
                self.store
                    .keep_issued(as_uri, rpt.clone(), None, refresh_token)?;
                Ok(Some(rpt))
            }
            _ => {
                self.store
                    .update(as_uri, |held| held.refresh_token = None)?;
                Ok(None)
            }
        }
    }

    async fn discover(&self, as_uri: &str) -> Result<Discovery, ClientError> {
        let discovery = discovery::fetch(&self.http, as_uri).await?;
        self.out
            .line(format!("GET {} -> 200", discovery::url(as_uri)));
        Ok(discovery)
    }

    fn token_endpoint(&self, as_uri: &str, discovery: &Discovery) -> String {
        if self.has(Deviation::TokenRequestToIssuer) {
            as_uri.to_string()
        } else {
            discovery.token_endpoint.clone()
        }
    }

    /// Grant 3.3: token requests from the challenge's ticket until an RPT is issued.
    async fn obtain_rpt(&mut self, challenge: &Challenge) -> Result<String, ClientError> {
        let as_uri = challenge.as_uri.as_str();
        let discovery = self.discover(as_uri).await?;
        let endpoint = self.token_endpoint(as_uri, &discovery);
        let mut ticket = challenge.ticket.clone();
        let mut push_claim_token = false;
        let mut claim_token_pushed = false;
        loop {
            let held = self.store.held(as_uri);
            let claim_token = self
                .options
                .claim_token
                .clone()
                .filter(|_| push_claim_token);
            push_claim_token = false;
            let scope = self.options.scope.clone();
            let pct = foreign_if(held.pct.clone(), self.has(Deviation::ForeignPct));
            let rpt = foreign_if(held.rpt.clone(), self.has(Deviation::ForeignRptUpgrade));
            let grant = Grant::UmaTicket {
                ticket: &ticket,
                claim_token: claim_token.as_ref().map(|(f, t)| (f.as_str(), t.as_str())),
                pct: pct.as_deref(),
                rpt: rpt.as_deref(),
                scope: scope.as_deref(),
            };
            let answer = self.token_request(&endpoint, &grant).await?;
            match answer {
                TokenAnswer::Issued {
                    rpt,
                    pct,
                    refresh_token,
                    ..
                } => {
                    self.store
                        .keep_issued(as_uri, rpt.clone(), pct, refresh_token)?;
                    return Ok(rpt);
                }
                TokenAnswer::NeedInfo {
                    ticket: new_ticket,
                    required_claims,
                    redirect_user,
                } => {
                    let new_ticket = self.next_ticket(&ticket, new_ticket)?;
                    if required_claims && self.options.claim_token.is_some() && !claim_token_pushed
                    {
                        claim_token_pushed = true;
                        push_claim_token = true;
                        ticket = new_ticket;
                        continue;
                    }
                    let (Some(redirect_uri), Some(endpoint), true) = (
                        self.options.claims_redirect_uri.clone(),
                        discovery.claims_interaction_endpoint.clone(),
                        redirect_user,
                    ) else {
                        return Err(ClientError::NeedInfo(
                            "need_info: the AS wants claims this client cannot provide (no claim \
                             token left to push, or no claims interaction possible)"
                                .into(),
                        ));
                    };
                    ticket = self.interact(&endpoint, &redirect_uri, &new_ticket).await?;
                }
                TokenAnswer::Submitted {
                    ticket: new_ticket,
                    interval,
                } => {
                    self.wait_interval(interval).await;
                    if let Some(new_ticket) = new_ticket {
                        ticket = new_ticket;
                    }
                }
                TokenAnswer::Error { code, description } => {
                    return Err(ClientError::Refused(format!(
                        "the token endpoint answered {code}{}",
                        description.map(|d| format!(": {d}")).unwrap_or_default()
                    )));
                }
            }
        }
    }

    /// The ticket to go on with after need_info: the new one, checked to differ (Grant 5.5).
    fn next_ticket(&self, sent: &str, new: Option<String>) -> Result<String, ClientError> {
        let new = new.ok_or_else(|| {
            ClientError::Refused("need_info without a ticket: nothing to go on with".into())
        })?;
        if new == sent && !self.has(Deviation::AcceptsRepeatedTicket) {
            return Err(ClientError::Refused(
                "need_info handed back the ticket just sent; a ticket is good for one use \
                 (Grant 5.5), stopped"
                    .into(),
            ));
        }
        Ok(if self.has(Deviation::StaleTicket) {
            sent.to_string()
        } else {
            new
        })
    }

    /// Grant 3.3.6: at least `interval` seconds before polling again, capped by the options.
    async fn wait_interval(&self, interval: Option<u64>) {
        if self.has(Deviation::IgnoresInterval) {
            return;
        }
        let wanted = Duration::from_secs(interval.unwrap_or(DEFAULT_INTERVAL_SECS));
        let wait = wanted.min(self.options.timeouts.max_poll_interval);
        self.out
            .line(format!("waiting {} s before polling again", wait.as_secs()));
        tokio::time::sleep(wait).await;
    }

    /// Grant 3.3.2: sends the requesting party to the claims interaction endpoint and waits for
    /// the redirect back; its new ticket.
    async fn interact(
        &mut self,
        endpoint: &str,
        redirect_uri: &str,
        ticket: &str,
    ) -> Result<String, ClientError> {
        self.interactions += 1;
        let target = listener::target(redirect_uri)?;
        let state = new_state(self.deviations, &self.options.client_id, self.interactions);
        let url = interaction::url(
            &interaction::Request {
                endpoint,
                client_id: &self.options.client_id,
                ticket,
                claims_redirect_uri: redirect_uri,
                state: state.as_deref(),
            },
            self.deviations,
        )?;
        let expected = Expectation {
            state,
            own_params: target.own_params.clone(),
            deviations: self.deviations,
        };
        let listening = listener::listen(&target, expected).await?;
        self.out
            .line(format!("open in a browser to continue: {url}"));
        let returned = listening
            .wait(self.options.timeouts.claims_interaction)
            .await?;
        self.out.line(format!(
            "claims redirect received{}",
            returned
                .authorization_state
                .map(|s| format!(" (authorization_state {s})"))
                .unwrap_or_default()
        ));
        Ok(returned.ticket)
    }
}

/// A credential the client was not issued, standing in for the one it holds (a deviation).
fn foreign_if(held: Option<String>, foreign: bool) -> Option<String> {
    held.map(|value| {
        if foreign {
            format!("{value}-foreign")
        } else {
            value
        }
    })
}
