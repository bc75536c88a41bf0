//! Steps for interactive claims gathering (Grant 3.3.2, 3.3.3, 5.1): the harness is the client
//! that sends a requesting party to the AS, and the requesting party that fills the AS's pages
//! as the target description says, until the AS sends it back to the claims redirect URI.

use serde_json::Value;

use super::StepDef;
use super::adapter::Args;
use super::def;
use super::support::{describe, endpoint, uma_client, unique_marker};
use crate::harness::roles::claims_interaction::{
    added_parts, check_form_encoded, interaction_url, page_refreshes_to, redirect_location,
    returned_to,
};
use crate::harness::roles::html_form::forms;
use crate::harness::target::{ClaimsGathering, FormPage};
use crate::harness::wire::{HttpResponse, Request};
use crate::harness::world::{ClaimsVisit, Refusal, StepError, StepResult, UmaWorld};

/// The most requests one visit makes (pages, their submissions and the AS's own redirects), so a
/// redirect loop at the target ends.
const MAX_HOPS: usize = 12;

pub fn steps() -> Vec<StepDef> {
    vec![
        def!(
            When,
            r#"the client sends the requesting party to the claims interaction endpoint (with state "([^"]*)"|without state)"#,
            sends_to_endpoint
        ),
        def!(
            When,
            r#"the client sends the requesting party to the redirect_user of that answer with state "([^"]*)""#,
            sends_to_redirect_user
        ),
        def!(
            When,
            r#"the public client sends the requesting party to the claims interaction endpoint with its claims redirect URI that has a query"#,
            public_sends_with_query
        ),
        def!(
            When,
            r"the client sends the requesting party to the claims interaction endpoint with a ticket the authorization server never issued",
            sends_with_unknown_ticket
        ),
        def!(
            When,
            r"the (client|public client) sends the requesting party to the claims interaction endpoint with (near misses of its registered claims redirect URI|its OAuth redirect URI instead of a claims redirect URI|no client_id|an unknown client_id)",
            sends_bad_request
        ),
        def!(
            When,
            r"the requesting party provides the claims the authorization server asks for",
            provides_claims
        ),
        def!(
            When,
            r"someone else posts the claims form without what the authorization server put in it",
            forges_form
        ),
        def!(
            When,
            r"the client requests an RPT with the ticket from the redirect",
            requests_with_returned_ticket
        ),
        def!(
            Then,
            r"the requesting party is sent back to the claims redirect URI with a ticket",
            returned_with_ticket
        ),
        def!(
            Then,
            r"the ticket from the redirect differs from the one the client sent",
            returned_ticket_differs
        ),
        def!(
            Then,
            r"the redirect back carries state exactly when the client sent one, unchanged",
            state_echoed
        ),
        def!(
            Then,
            r"if the redirect back carries state, it is the client's",
            state_if_present
        ),
        def!(
            Then,
            r"the redirect back keeps the query of the claims redirect URI",
            query_kept
        ),
        def!(
            Then,
            r"the redirect back adds its parameters in form encoding",
            form_encoded
        ),
        def!(
            Then,
            r"the requesting party is not sent to the URI the client gave",
            not_sent_there
        ),
        def!(
            Then,
            r"the requesting party is told of the error",
            told_of_error
        ),
        def!(
            Then,
            r#"the requesting party is sent back to the claims redirect URI with an "error" parameter"#,
            returned_with_error
        ),
        def!(
            Then,
            r"the forged form does not send the requesting party back with a ticket",
            forged_refused
        ),
        def!(
            Then,
            r"the authorization server asks the requesting party before gathering claims",
            asked_first
        ),
    ]
}

fn gathering(w: &UmaWorld) -> Result<ClaimsGathering, StepError> {
    w.ctx()?
        .target
        .authorization_server
        .claims_gathering
        .clone()
        .ok_or_else(|| {
            StepError::Skip(
                "the target describes no claims gathering (authorization_server.claims_gathering)"
                    .into(),
            )
        })
}

fn interaction_endpoint(w: &UmaWorld) -> Result<String, StepError> {
    endpoint(w, "claims_interaction_endpoint").map_err(|_| {
        StepError::Skip(
            "the discovery document names no claims_interaction_endpoint (interactive claims gathering is optional)"
                .into(),
        )
    })
}

/// The ticket to send along: the newest one an answer handed back (need_info), else the held one.
fn current_ticket(w: &UmaWorld) -> Result<String, StepError> {
    let answered = w
        .last_response()
        .ok()
        .and_then(|r| r.json().ok())
        .and_then(|b| b.get("ticket").and_then(Value::as_str).map(str::to_string))
        .filter(|t| !t.is_empty());
    answered
        .or_else(|| w.ticket.as_ref().map(|(t, _)| t.clone()))
        .ok_or_else(|| StepError::Harness("no ticket is held".into()))
}

/// What a browser asks for when it navigates: pages, not JSON.
const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
/// The site a forged form is posted from.
const FORGER_ORIGIN: &str = "https://forger.example.test";

/// Who makes the user agent send a request: the party's own navigation, or another site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sender {
    Party,
    OtherSite,
}

/// Sends the party's user agent to `url` with the visit's cookies; the answer becomes the
/// scenario's latest and the visit's current page.
async fn go_to(w: &mut UmaWorld, request: Request, url: String) -> Result<(), StepError> {
    go_to_as(w, request, url, Sender::Party).await
}

/// The same, for a request `sender` makes the party's browser send: another site's gets only
/// the cookies browsers send cross-site, and that site's `Origin`.
async fn go_to_as(
    w: &mut UmaWorld,
    request: Request,
    url: String,
    sender: Sender,
) -> Result<(), StepError> {
    let mut request = request.header("accept", BROWSER_ACCEPT);
    let cookies = w.interaction.as_ref().and_then(|v| match sender {
        Sender::Party => v.cookies.header(),
        Sender::OtherSite => v.cookies.cross_site_header(),
    });
    if let Some(cookies) = cookies {
        request = request.header("cookie", cookies);
    }
    if sender == Sender::OtherSite {
        request = request.header("origin", FORGER_ORIGIN);
    }
    let answer = w.send(request).await?.clone();
    let ctx = w.ctx()?;
    let visit = w
        .interaction
        .as_mut()
        .ok_or_else(|| StepError::Harness("no claims interaction was started".into()))?;
    match answer {
        Ok(response) => {
            // Session cookies stand for the party's login: as secret as a token.
            for value in visit.cookies.absorb(&response) {
                ctx.driver.secrets().register(&value);
            }
            // A ticket handed back on a redirect is as secret as one in a JSON answer.
            if let Some(location) = redirect_location(&response, &url) {
                if let Ok(parsed) = url::Url::parse(&location) {
                    for (name, value) in parsed.query_pairs() {
                        if name == "ticket" && !value.is_empty() {
                            ctx.driver.secrets().register(&value);
                        }
                    }
                }
            }
            if let Some(back) = redirect_location(&response, &url)
                .and_then(|l| returned_to(&l, &visit.claims_redirect_uri))
            {
                visit.returned = Some(back);
            }
            visit.current = Some((url, response));
        }
        Err(e) => {
            return Err(StepError::Setup(format!(
                "the claims interaction got no answer: {e}"
            )));
        }
    }
    Ok(())
}

struct Start {
    endpoint: String,
    /// `None`: the request leaves client_id out.
    client_id: Option<String>,
    ticket: Option<String>,
    claims_redirect_uri: String,
    /// Whether `claims_redirect_uri` goes into the request.
    send_redirect_uri: bool,
    state: Option<String>,
}

async fn start(w: &mut UmaWorld, s: Start) -> StepResult {
    let mut params: Vec<(&str, &str)> = Vec::new();
    if let Some(client_id) = &s.client_id {
        params.push(("client_id", client_id));
    }
    if let Some(ticket) = &s.ticket {
        params.push(("ticket", ticket));
    }
    if s.send_redirect_uri {
        params.push(("claims_redirect_uri", &s.claims_redirect_uri));
    }
    if let Some(state) = &s.state {
        params.push(("state", state));
    }
    let url = interaction_url(&s.endpoint, &params).map_err(StepError::Setup)?;
    w.interaction = Some(ClaimsVisit {
        client_id: s.client_id.clone().unwrap_or_default(),
        claims_redirect_uri: s.claims_redirect_uri.clone(),
        state: s.state.clone(),
        presented_ticket: s.ticket.clone(),
        ..ClaimsVisit::default()
    });
    go_to(w, Request::get(url.clone()), url).await
}

/// The client's state: the scenario's text made unique, so that a value the AS remembered from
/// another scenario cannot pass for an echo.
fn client_state(w: &UmaWorld, written: Option<&str>) -> Option<String> {
    written.map(|s| format!("{s} {}", &unique_marker(w)[16..]))
}

async fn start_as_uma_client(
    w: &mut UmaWorld,
    endpoint: String,
    state: Option<String>,
) -> StepResult {
    let client = uma_client(w)?;
    let config = gathering(w)?;
    let ticket = current_ticket(w)?;
    w.ctx()?.driver.secrets().register(&ticket);
    start(
        w,
        Start {
            endpoint,
            client_id: Some(client.client_id),
            ticket: Some(ticket),
            claims_redirect_uri: config.claims_redirect_uris[0].clone(),
            send_redirect_uri: true,
            state,
        },
    )
    .await
}

async fn sends_to_endpoint(w: &mut UmaWorld, a: Args) -> StepResult {
    let endpoint = interaction_endpoint(w)?;
    let written = (a.arg(0) != "without state").then(|| a.arg(1));
    let state = client_state(w, written);
    start_as_uma_client(w, endpoint, state).await
}

async fn sends_to_redirect_user(w: &mut UmaWorld, a: Args) -> StepResult {
    let redirect_user = w
        .last_response()
        .ok()
        .and_then(|r| r.json().ok())
        .and_then(|b| {
            b.get("redirect_user")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .ok_or_else(|| {
            StepError::Skip("the need_info answer names no redirect_user (it is optional)".into())
        })?;
    let state = client_state(w, Some(a.arg(0)));
    start_as_uma_client(w, redirect_user, state).await
}

async fn public_sends_with_query(w: &mut UmaWorld, _a: Args) -> StepResult {
    let client_id = super::grant::public_client(w)?;
    let config = gathering(w)?;
    let uri = config
        .public_client_claims_redirect_uris
        .iter()
        .find(|u| u.contains('?'))
        .cloned()
        .ok_or_else(|| {
            StepError::Skip(
                "no claims redirect URI with a query is registered for the public client (claims_gathering.public_client_claims_redirect_uris)"
                    .into(),
            )
        })?;
    let endpoint = interaction_endpoint(w)?;
    let ticket = current_ticket(w)?;
    let state = client_state(w, Some("q"));
    start(
        w,
        Start {
            endpoint,
            client_id: Some(client_id),
            ticket: Some(ticket),
            claims_redirect_uri: uri,
            send_redirect_uri: true,
            state,
        },
    )
    .await
}

async fn sends_with_unknown_ticket(w: &mut UmaWorld, _a: Args) -> StepResult {
    let client = uma_client(w)?;
    let config = gathering(w)?;
    let endpoint = interaction_endpoint(w)?;
    let state = client_state(w, Some("e"));
    start(
        w,
        Start {
            endpoint,
            client_id: Some(client.client_id),
            ticket: Some(format!("never-issued-{}", unique_marker(w))),
            claims_redirect_uri: config.claims_redirect_uris[0].clone(),
            send_redirect_uri: true,
            state,
        },
    )
    .await
}

/// URIs that differ from a registered one only in ways simple string comparison catches
/// (RFC 3986 6.2.1), plus a stranger's.
fn near_misses(registered: &str) -> Vec<String> {
    let (base, query) = registered
        .split_once('?')
        .map_or((registered, None), |(b, q)| (b, Some(q)));
    let with_query = |b: String| match query {
        Some(q) => format!("{b}?{q}"),
        None => b,
    };
    let extra = if query.is_some() { '&' } else { '?' };
    let mut misses = vec![
        with_query(format!("{base}x")),
        with_query(format!("{}/", base.trim_end_matches('/'))),
        format!("{registered}{extra}next=1"),
    ];
    if let Ok(url) = url::Url::parse(registered) {
        let mut other = url.clone();
        if other.set_host(Some("attacker.example.test")).is_ok() {
            misses.push(other.to_string());
        }
    }
    misses.retain(|m| m != registered);
    misses
}

async fn sends_bad_request(w: &mut UmaWorld, a: Args) -> StepResult {
    let config = gathering(w)?;
    let endpoint = interaction_endpoint(w)?;
    let public = a.arg(0) == "public client";
    let (client_id, registered) = if public {
        let uri = config
            .public_client_claims_redirect_uris
            .first()
            .cloned()
            .ok_or_else(|| {
                StepError::Skip(
                    "no claims redirect URI is given for the public client (claims_gathering.public_client_claims_redirect_uris)"
                        .into(),
                )
            })?;
        (super::grant::public_client(w)?, uri)
    } else {
        (
            uma_client(w)?.client_id,
            config.claims_redirect_uris[0].clone(),
        )
    };
    // Each request: the client_id to send (None: left out) and the redirect URI it names.
    let attempts: Vec<(Option<String>, String)> = match a.arg(1) {
        "near misses of its registered claims redirect URI" => near_misses(&registered)
            .into_iter()
            .map(|u| (Some(client_id.clone()), u))
            .collect(),
        "its OAuth redirect URI instead of a claims redirect URI" => {
            let uri = config.oauth_redirect_uri.clone().ok_or_else(|| {
                StepError::Skip(
                    "the target names no OAuth redirect URI of the client (claims_gathering.oauth_redirect_uri)"
                        .into(),
                )
            })?;
            vec![(Some(client_id.clone()), uri)]
        }
        "no client_id" => vec![(None, registered.clone())],
        _ => vec![(
            Some(format!("unknown-client-{}", unique_marker(w))),
            registered.clone(),
        )],
    };
    let scopes: Vec<String> = w
        .ticket
        .as_ref()
        .and_then(|(_, p)| p.first())
        .map(|p| p.resource_scopes.clone())
        .unwrap_or_default();
    let mut refused = Vec::new();
    for (sent_client, uri) in attempts {
        // A fresh ticket each time: an AS that wrongly accepts a request uses its ticket up.
        let ticket = super::permissions::obtain_ticket(w, scopes.clone()).await?;
        let state = client_state(w, Some("bad"));
        start(
            w,
            Start {
                endpoint: endpoint.clone(),
                client_id: sent_client,
                ticket: Some(ticket),
                claims_redirect_uri: uri.clone(),
                send_redirect_uri: true,
                state,
            },
        )
        .await?;
        // The page the AS shows before anything is filled in (its own redirects followed).
        follow_as_redirects(w).await?;
        let landing = w.interaction.as_ref().and_then(|v| match &v.current {
            Some((url, r)) if v.returned.is_none() && redirect_location(r, url).is_none() => {
                Some(r.clone())
            }
            _ => None,
        });
        // Play on as the party would: an AS that took the URI shows its form and only sends
        // the party there at the end.
        play_pages(w, &config.pages).await?;
        let reached = w
            .interaction
            .as_ref()
            .and_then(|v| v.returned.as_ref())
            .filter(|back| carries_query_of(back, &uri))
            .map(|back| back.location.clone());
        refused.push(Refusal {
            uri,
            landing,
            reached,
        });
    }
    if let Some(v) = w.interaction.as_mut() {
        v.refused = refused;
    }
    Ok(())
}

/// Whether a return also carries the query `uri` has, so that a near miss that differs from
/// the registered URI only by its query is told apart from the registered URI.
fn carries_query_of(back: &crate::harness::roles::claims_interaction::Return, uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|u| {
        u.query_pairs()
            .into_owned()
            .all(|pair| back.params.contains(&pair))
    })
}

/// The page's form that `page` describes.
fn pick_form(
    response: &HttpResponse,
    page: &FormPage,
) -> Option<crate::harness::roles::html_form::HtmlForm> {
    let found = forms(&response.text());
    match &page.form_action_contains {
        Some(part) => found.into_iter().find(|f| f.action.contains(part.as_str())),
        None => found.into_iter().next(),
    }
}

/// Submits `pairs` as the form's browser would, from the page at `page_url`.
fn submission_request(
    page_url: &str,
    form: &crate::harness::roles::html_form::HtmlForm,
    pairs: Vec<(String, String)>,
) -> Result<(Request, String), String> {
    let base = url::Url::parse(page_url).map_err(|e| e.to_string())?;
    let action = base
        .join(form.action.trim())
        .map_err(|e| format!("the form action {:?} is unusable: {e}", form.action))?;
    if form.method == "post" {
        Ok((
            Request::post(action.to_string()).form(pairs),
            action.to_string(),
        ))
    } else {
        let mut url = action;
        url.query_pairs_mut().clear().extend_pairs(pairs);
        Ok((Request::get(url.to_string()), url.to_string()))
    }
}

async fn provides_claims(w: &mut UmaWorld, _a: Args) -> StepResult {
    let config = gathering(w)?;
    if config.pages.is_empty() {
        return Err(StepError::Skip(
            "the target does not say how to fill the claims pages (claims_gathering.pages)".into(),
        ));
    }
    play_pages(w, &config.pages).await
}

/// Fills the pages as described and follows the AS's redirects, until the party is sent back
/// to the claims redirect URI, a page has no form left to fill, or the hop limit is reached.
pub(super) async fn play_pages(w: &mut UmaWorld, pages: &[FormPage]) -> StepResult {
    let mut page_index = 0;
    for _ in 0..MAX_HOPS {
        let visit = w
            .interaction
            .as_ref()
            .ok_or_else(|| StepError::Harness("no claims interaction was started".into()))?;
        if visit.returned.is_some() {
            return Ok(());
        }
        let Some((url, response)) = visit.current.clone() else {
            return Ok(());
        };
        if let Some(next) = redirect_location(&response, &url) {
            visit_url(w, next).await?;
            continue;
        }
        let Some(page) = pages.get(page_index) else {
            // No more pages to fill: the checks judge where the party stands.
            return Ok(());
        };
        let Some(form) = pick_form(&response, page) else {
            return Ok(());
        };
        redact_generated_values(w, &form, page)?;
        let pairs = form.submission(&page.fields, page.button.as_deref());
        let (request, target) = submission_request(&url, &form, pairs).map_err(StepError::Setup)?;
        page_index += 1;
        go_to(w, request, target).await?;
    }
    Ok(())
}

/// What the client itself put into the request: anyone, a forger included, knows these.
fn client_values(visit: &ClaimsVisit) -> Vec<String> {
    [
        Some(visit.client_id.clone()),
        visit.presented_ticket.clone(),
        Some(visit.claims_redirect_uri.clone()),
        visit.state.clone(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Values the AS generated for a page (anti-forgery tokens, session handles) are as secret as
/// tickets: they are redacted from the reports. The client's own parameters stay readable.
fn redact_generated_values(
    w: &UmaWorld,
    form: &crate::harness::roles::html_form::HtmlForm,
    page: &FormPage,
) -> Result<(), StepError> {
    let ctx = w.ctx()?;
    let known = w
        .interaction
        .as_ref()
        .map(client_values)
        .unwrap_or_default();
    for field in &form.fields {
        if field.hidden && !known.contains(&field.value) {
            // Very short values are skipped by the registry itself.
            ctx.driver.secrets().register(&field.value);
        }
        // Whatever is typed into a password input is a secret, whatever the field is called.
        if field.password {
            for (_, typed) in page.fields.iter().filter(|(name, _)| *name == field.name) {
                ctx.driver.secrets().register_configured(typed);
            }
        }
    }
    Ok(())
}

pub(super) async fn visit_url(w: &mut UmaWorld, url: String) -> StepResult {
    go_to(w, Request::get(url.clone()), url).await
}

async fn forges_form(w: &mut UmaWorld, _a: Args) -> StepResult {
    let config = gathering(w)?;
    let page = config.pages.first().cloned().ok_or_else(|| {
        StepError::Skip(
            "the target does not say how to fill the claims pages (claims_gathering.pages)".into(),
        )
    })?;
    let visit = w
        .interaction
        .clone()
        .ok_or_else(|| StepError::Harness("no claims interaction was started".into()))?;
    let (url, response) = visit
        .current
        .clone()
        .ok_or_else(|| StepError::Setup("the claims interaction endpoint gave no page".into()))?;
    if visit.returned.is_some() {
        return Err(StepError::Skip(
            "the AS sent the party back without showing a form, so there is none to forge".into(),
        ));
    }
    let form = pick_form(&response, &page).ok_or_else(|| {
        StepError::Setup(format!(
            "the claims interaction endpoint showed no form: {}",
            describe(&response)
        ))
    })?;
    redact_generated_values(w, &form, &page)?;
    // What a forger knows: the client's own request and the party's answers, not the values
    // the AS generated for this page.
    let known = client_values(&visit);
    let mut forged = form.clone();
    forged
        .fields
        .retain(|f| !f.hidden || f.value.is_empty() || known.contains(&f.value));
    let pairs = forged.submission(&page.fields, page.button.as_deref());
    let (request, target) = submission_request(&url, &forged, pairs).map_err(StepError::Setup)?;
    if let Some(v) = w.interaction.as_mut() {
        v.returned = None;
    }
    go_to_as(w, request, target, Sender::OtherSite).await?;
    follow_as_redirects(w).await?;
    // An AS that took the forged page and shows the next one has not refused it yet: the party
    // plays on, and where it ends up is judged.
    let shows_a_form = w
        .interaction
        .as_ref()
        .is_some_and(|v| v.returned.is_none() && current_form_page(v).is_some());
    if shows_a_form && config.pages.len() > 1 {
        play_pages(w, &config.pages[1..]).await?;
    }
    Ok(())
}

/// Follows the AS's own redirects, as a browser would, until it shows a page or sends the party
/// back to the client.
async fn follow_as_redirects(w: &mut UmaWorld) -> StepResult {
    for _ in 0..MAX_HOPS {
        let Some(v) = w.interaction.as_ref() else {
            break;
        };
        if v.returned.is_some() {
            break;
        }
        let Some(next) = v
            .current
            .as_ref()
            .and_then(|(url, r)| redirect_location(r, url))
        else {
            break;
        };
        visit_url(w, next).await?;
    }
    Ok(())
}

/// The page the party stands on, if it is a successful HTML answer with a form.
fn current_form_page(v: &ClaimsVisit) -> Option<&HttpResponse> {
    let (_, response) = v.current.as_ref()?;
    ((200..300).contains(&response.status) && !forms(&response.text()).is_empty())
        .then_some(response)
}

async fn requests_with_returned_ticket(w: &mut UmaWorld, _a: Args) -> StepResult {
    let ticket = w
        .interaction
        .as_ref()
        .and_then(|v| v.returned.as_ref())
        .and_then(|r| r.param("ticket"))
        .map(str::to_string)
        .ok_or_else(|| StepError::Setup("the redirect back carried no ticket".into()))?;
    w.ctx()?.driver.secrets().register(&ticket);
    if let Some((held, _)) = w.ticket.as_mut() {
        *held = ticket.clone();
    }
    super::grant::send_rpt_request(w, Some(ticket), Vec::new()).await
}

/// Where the party stands, for failure messages.
fn standing(visit: &ClaimsVisit) -> String {
    match &visit.current {
        None => "the claims interaction endpoint gave no answer".into(),
        Some((url, r)) => match redirect_location(r, url) {
            Some(to) => format!("the party was last sent to {to}"),
            None => format!("the party was left at {url}: {}", describe(r)),
        },
    }
}

fn returned(w: &UmaWorld) -> Result<crate::harness::roles::claims_interaction::Return, String> {
    let visit = w
        .interaction
        .as_ref()
        .ok_or("no claims interaction was started")?;
    visit.returned.clone().ok_or_else(|| {
        format!(
            "the party never came back to {}: {}",
            visit.claims_redirect_uri,
            standing(visit)
        )
    })
}

async fn returned_with_ticket(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = returned(w).and_then(|back| match back.param("ticket") {
        Some(t) if !t.is_empty() => Ok(format!("sent back to {} with a ticket", back.location)),
        _ => Err(format!(
            "the redirect back carries no ticket: {}",
            back.location
        )),
    });
    w.judge(&a.cite, outcome, None)
}

async fn returned_ticket_differs(w: &mut UmaWorld, a: Args) -> StepResult {
    let presented = w
        .interaction
        .as_ref()
        .and_then(|v| v.presented_ticket.clone());
    let outcome = returned(w).and_then(|back| match back.param("ticket") {
        None => Err("the redirect back carries no ticket".to_string()),
        Some(t) if Some(t) == presented.as_deref() => {
            Err("the redirect back hands back the ticket the client sent".to_string())
        }
        Some(_) => Ok("a new ticket".to_string()),
    });
    w.judge(&a.cite, outcome, None)
}

async fn state_echoed(w: &mut UmaWorld, a: Args) -> StepResult {
    let sent = w.interaction.as_ref().and_then(|v| v.state.clone());
    let outcome = returned(w).and_then(|back| {
        let states: Vec<&str> = back
            .params
            .iter()
            .filter(|(n, _)| n == "state")
            .map(|(_, v)| v.as_str())
            .collect();
        match (sent.as_deref(), states.as_slice()) {
            (None, []) => Ok("no state sent, none returned".to_string()),
            (Some(s), [got]) if s == *got => Ok(format!("state {s:?} returned unchanged")),
            (None, got) => Err(format!(
                "the client sent no state, yet the AS returned {got:?}"
            )),
            (Some(s), []) => Err(format!(
                "the client sent state {s:?}; the redirect back has none"
            )),
            (Some(s), got) => Err(format!(
                "the client sent state {s:?}; the redirect back has {got:?}"
            )),
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn state_if_present(w: &mut UmaWorld, a: Args) -> StepResult {
    let sent = w.interaction.as_ref().and_then(|v| v.state.clone());
    let outcome = returned(w).and_then(|back| match back.param("state") {
        None => Ok("no state (the AS adds one only to return the client's)".to_string()),
        Some(got) if Some(got) == sent.as_deref() => Ok("the client's state".to_string()),
        Some(got) => Err(format!(
            "the redirect back carries state {got:?}, not the client's"
        )),
    });
    w.judge(&a.cite, outcome, None)
}

async fn query_kept(w: &mut UmaWorld, a: Args) -> StepResult {
    let registered = w
        .interaction
        .as_ref()
        .map(|v| v.claims_redirect_uri.clone())
        .unwrap_or_default();
    let own: Vec<(String, String)> = url::Url::parse(&registered)
        .map(|u| u.query_pairs().into_owned().collect())
        .unwrap_or_default();
    let outcome = returned(w).and_then(|back| {
        let missing: Vec<&(String, String)> =
            own.iter().filter(|p| !back.params.contains(p)).collect();
        if missing.is_empty() {
            Ok(format!(
                "the query of {registered} is kept in {}",
                back.location
            ))
        } else {
            Err(format!(
                "the redirect back {} lost {missing:?} of the claims redirect URI's query",
                back.location
            ))
        }
    });
    w.judge(&a.cite, outcome, None)
}

async fn form_encoded(w: &mut UmaWorld, a: Args) -> StepResult {
    let registered = w
        .interaction
        .as_ref()
        .map(|v| v.claims_redirect_uri.clone())
        .unwrap_or_default();
    let outcome = returned(w).and_then(|back| {
        let added = added_parts(&back.raw_query, &registered);
        check_form_encoded(&added)
            .map(|()| format!("the parameters added, {added:?}, are form encoded"))
            .map_err(|e| format!("the redirect back {}: {e}", back.location))
    });
    w.judge(&a.cite, outcome, None)
}

fn refusals(w: &UmaWorld) -> Result<Vec<Refusal>, String> {
    let refused = w
        .interaction
        .as_ref()
        .map(|v| v.refused.clone())
        .unwrap_or_default();
    if refused.is_empty() {
        return Err("no such request was made".to_string());
    }
    Ok(refused)
}

async fn not_sent_there(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = refusals(w).and_then(|refused| {
        for r in &refused {
            if let Some(location) = &r.reached {
                return Err(format!(
                    "the party was sent on to {}, which the client named: {location}",
                    r.uri
                ));
            }
            if let Some(page) = &r.landing {
                if page_refreshes_to(page, &r.uri) {
                    return Err(format!("the answer's page refreshes to {}", r.uri));
                }
            }
        }
        Ok(format!(
            "{} request(s), none sent the party on",
            refused.len()
        ))
    });
    w.judge(&a.cite, outcome, None)
}

async fn told_of_error(w: &mut UmaWorld, a: Args) -> StepResult {
    let first_page = gathering(w).ok().and_then(|g| g.pages.first().cloned());
    let outcome = refusals(w).and_then(|refused| {
        for r in &refused {
            if let Some(location) = &r.reached {
                return Err(format!(
                    "the party was sent to {location} instead of being told"
                ));
            }
            let page = r.landing.as_ref().ok_or_else(|| {
                format!(
                    "the request naming {} left the party on no page of the AS",
                    r.uri
                )
            })?;
            if page.body.is_empty() {
                return Err(format!(
                    "the answer tells the party nothing: {}",
                    describe(page)
                ));
            }
            if first_page.as_ref().is_some_and(|p| is_claims_form(page, p)) {
                return Err(format!(
                    "the request naming {} was answered with the claims form, not an error",
                    r.uri
                ));
            }
        }
        Ok("each refusal is a page the party can read".to_string())
    });
    w.judge(&a.cite, outcome, None)
}

/// Whether `page` shows the form the description's first page fills: a form with one of the
/// fields the party would type into.
fn is_claims_form(page: &HttpResponse, description: &FormPage) -> bool {
    pick_form(page, description).is_some_and(|form| {
        form.fields
            .iter()
            .any(|f| description.fields.iter().any(|(name, _)| *name == f.name))
    })
}

async fn returned_with_error(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = returned(w).and_then(|back| match (back.param("error"), back.param("ticket")) {
        (Some(code), None) if !code.is_empty() => {
            Ok(format!("sent back with error={code}: {}", back.location))
        }
        (Some(_), Some(_)) => Err(format!(
            "the redirect back carries both an error and a ticket: {}",
            back.location
        )),
        _ => Err(format!(
            "the redirect back carries no error: {}",
            back.location
        )),
    });
    w.judge(&a.cite, outcome, None)
}

async fn forged_refused(w: &mut UmaWorld, a: Args) -> StepResult {
    let outcome = match w.interaction.as_ref() {
        None => Err("no claims interaction was started".to_string()),
        Some(v) => match v.returned.as_ref().and_then(|r| r.param("ticket")) {
            Some(_) => Err(format!(
                "a form posted without the AS's own values sent the party back with a ticket: {}",
                v.returned
                    .as_ref()
                    .map(|r| r.location.as_str())
                    .unwrap_or_default()
            )),
            None => Ok(format!("the forged form was refused ({})", standing(v))),
        },
    };
    w.judge(&a.cite, outcome, None)
}

async fn asked_first(w: &mut UmaWorld, a: Args) -> StepResult {
    follow_as_redirects(w).await?;
    let outcome = match w.interaction.as_ref() {
        None => Err("no claims interaction was started".to_string()),
        Some(v)
            if v.returned
                .as_ref()
                .is_some_and(|r| r.param("ticket").is_some()) =>
        {
            Err("the party was sent back with a ticket without being shown anything".to_string())
        }
        Some(v) if current_form_page(v).is_some() => {
            Ok("the party is shown a page with a form before any claim is gathered".to_string())
        }
        Some(v) => {
            return Err(StepError::Skip(format!(
                "the claims interaction showed no page to judge ({})",
                standing(v)
            )));
        }
    };
    w.judge(&a.cite, outcome, None)
}
