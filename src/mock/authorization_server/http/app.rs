//! What every handler shares: the domain core behind a lock, the clock, the URLs and the switched
//! deviations, plus discovery values derived once from the fixtures.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::mock::authorization_server::core::AsCore;
use crate::mock::authorization_server::core::clock::Clock;
use crate::mock::authorization_server::core::crafted_introspection::CraftedAnswers;
use crate::mock::authorization_server::core::resources::{Partition, View};
use crate::mock::authorization_server::deviations::{Deviation, DeviationSet};
use crate::mock::authorization_server::error::MockError;
use crate::mock::authorization_server::fixtures::{AUTH_METHODS, Fixtures, RptFormat};
use crate::mock::exchange_log::ExchangeLog;

use super::body::BODY_LIMIT;
use super::urls::{CONTROL, Urls};

/// The client whose identity an unauthenticated request borrows under `protection-api-without-auth`.
const DEFAULT_RS_CLIENT: &str = "rs-alice";

#[derive(Debug)]
pub(crate) struct App {
    core: Mutex<AsCore>,
    pub(crate) clock: Clock,
    pub(crate) urls: Urls,
    pub(crate) deviations: DeviationSet,
    pub(crate) profiles: Vec<String>,
    pub(crate) auth_methods_supported: Vec<&'static str>,
    pub(crate) scopes_supported: Vec<String>,
    pub(crate) unauthenticated_partition: Option<Partition>,
    pub(crate) scope_fetcher: Option<reqwest::Client>,
    /// RPTs are JWTs signed by the AS, whose key `jwks_uri` publishes.
    pub(crate) jwt_rpts: bool,
    /// Every exchange outside the control API, for `/_mock/exchanges`.
    pub(crate) exchanges: Arc<ExchangeLog>,
    /// Introspection answers scripted through the control API.
    crafted: Mutex<CraftedAnswers>,
    /// Taken down through the control API: everything else fails.
    down: AtomicBool,
    /// Deviations switched on at run time through the control API, on top of `deviations`.
    switched: Mutex<DeviationSet>,
}

impl App {
    pub(crate) fn new(
        fixtures: &Fixtures,
        urls: Urls,
        deviations: DeviationSet,
    ) -> Result<App, MockError> {
        let clients = fixtures.clients();
        let auth_methods_supported = AUTH_METHODS
            .into_iter()
            .filter(|m| {
                clients
                    .iter()
                    .any(|c| c.token_endpoint_auth_methods.iter().any(|x| x == m))
            })
            .collect();
        let mut scopes_supported: Vec<String> = Vec::new();
        for scope in clients.iter().flat_map(|c| &c.scopes) {
            if !scopes_supported.contains(scope) {
                scopes_supported.push(scope.clone());
            }
        }
        let unauthenticated_partition = if deviations.has(Deviation::ProtectionApiWithoutAuth) {
            clients
                .iter()
                .filter(|c| c.resource_owner.is_some())
                .find(|c| c.client_id == DEFAULT_RS_CLIENT)
                .or_else(|| clients.iter().find(|c| c.resource_owner.is_some()))
                .and_then(|c| {
                    Some(Partition {
                        owner: c.resource_owner.clone()?,
                        client_id: c.client_id.clone(),
                    })
                })
        } else {
            None
        };
        let scope_fetcher = if deviations.has(Deviation::DereferencesScopeUris) {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(1))
                .redirect(reqwest::redirect::Policy::none())
                .retry(reqwest::retry::never())
                .no_proxy()
                .build()
                .map_err(|err| MockError::Startup(format!("HTTP client: {err}")))?;
            Some(client)
        } else {
            None
        };
        let mut core = AsCore::start(fixtures, urls.issuer()).map_err(MockError::Startup)?;
        // Deviations of how values look are switches of the stores themselves.
        core.tickets.sequential = deviations.has(Deviation::SequentialTickets);
        core.tickets.never_expire = deviations.has(Deviation::TicketsNeverExpire);
        core.pcts.sequential = deviations.has(Deviation::SequentialTickets);
        core.pcts.reveal_claims = deviations.has(Deviation::PctRevealsClaims);
        Ok(App {
            core: Mutex::new(core),
            clock: Clock::default(),
            deviations,
            profiles: fixtures.server().uma_profiles_supported.clone(),
            auth_methods_supported,
            scopes_supported,
            unauthenticated_partition,
            scope_fetcher,
            jwt_rpts: fixtures.server().rpt_format == RptFormat::Jwt,
            exchanges: Arc::new(ExchangeLog::new(&urls.route(CONTROL), BODY_LIMIT)),
            crafted: Mutex::default(),
            down: AtomicBool::new(false),
            switched: Mutex::default(),
            urls,
        })
    }

    /// The core, locked. A handler that panicked while holding the lock leaves consistent data
    /// behind (every mutation is a single map operation), so a poisoned lock is still usable.
    pub(crate) fn core(&self) -> MutexGuard<'_, AsCore> {
        self.core
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The scripted introspection answers, locked (poisoning is harmless: one map operation
    /// per use).
    pub(crate) fn crafted(&self) -> MutexGuard<'_, CraftedAnswers> {
        self.crafted
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn is_down(&self) -> bool {
        self.down.load(Ordering::SeqCst)
    }

    pub(crate) fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    pub(crate) fn has(&self, deviation: Deviation) -> bool {
        self.deviations.has(deviation) || self.switched_on().has(deviation)
    }

    /// The deviations switched on at run time.
    pub(crate) fn switched_on(&self) -> DeviationSet {
        *self
            .switched
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Switches deviations on or off at run time (those given at start stay on).
    pub(crate) fn switch(&self, deviations: DeviationSet, on: bool) {
        let mut switched = self
            .switched
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *switched = switched.switched(deviations, on);
    }

    /// The resources a PAT for `partition` may see: its own, unless isolation is switched off.
    pub(crate) fn view<'a>(&self, partition: &'a Partition) -> View<'a> {
        if self.has(Deviation::NoOwnerIsolation) {
            View::Everything
        } else {
            View::Partition(partition)
        }
    }
}
