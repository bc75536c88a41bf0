//! A run tests each party the target brings in a leg of its own: the AS leg runs the `@as`
//! scenarios against the AS, the RS leg the `@rs` scenarios against a resource server (the
//! harness playing the client, and the AS too unless the target brings one), the client leg the
//! `@client` scenarios against a client the harness runs against its own AS and RS. With no
//! target file, every leg runs against the reference mocks.

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::builtin::{self, MockAsOptions};
use super::config::{LoadedTarget, TargetPlan};
use super::party_config::{ClientPlan, ResourceServerPlan};
use super::reference_client;
use crate::harness::roles::client_under_test::{ClientLauncher, CommandLauncher};
use crate::harness::roles::process_group;
use crate::harness::target::{
    ClientTarget, HarnessResource, Party, ProtectedResource, ResourceServerTarget,
};
use crate::mock::authorization_server::{ClientFixture, MockAs};
use crate::mock::resource_server::{MockRs, MockRsConfig, RsFixtures};

/// Where the targets come from.
pub enum Source<'a> {
    /// The reference mocks, each leg with the deviations meant for its party.
    Builtin {
        fixtures_dir: Option<&'a Path>,
        deviations: &'a Deviations,
        plain_http: bool,
    },
    File(&'a TargetPlan),
}

/// Deviations sorted by the mock that carries them.
#[derive(Debug, Clone, Default)]
pub struct Deviations {
    pub authorization_server: Vec<String>,
    pub resource_server: Vec<String>,
    pub client: Vec<String>,
}

impl Deviations {
    /// Sends each name to the mock whose catalogue has it.
    pub fn route(names: &[String]) -> Result<Deviations, String> {
        let mut routed = Deviations::default();
        for name in names {
            let in_as = crate::mock::authorization_server::deviations()
                .iter()
                .any(|d| d.name == name);
            let in_rs = crate::mock::resource_server::deviations()
                .iter()
                .any(|d| d.name == name);
            let in_client = crate::mock::client::deviations()
                .iter()
                .any(|d| d.name == name);
            match (in_as, in_rs, in_client) {
                (true, false, false) => routed.authorization_server.push(name.clone()),
                (false, true, false) => routed.resource_server.push(name.clone()),
                (false, false, true) => routed.client.push(name.clone()),
                (false, false, false) => {
                    return Err(format!(
                        "unknown deviation {name:?}; `uma-conformance deviations` lists them"
                    ));
                }
                _ => {
                    return Err(format!(
                        "deviation {name:?} is in two mocks' catalogues (a harness defect)"
                    ));
                }
            }
        }
        Ok(routed)
    }
}

/// The parties a source brings, in the order their legs run.
pub fn parties(source: &Source<'_>) -> Vec<Party> {
    match source {
        Source::Builtin { .. } => Party::ALL.to_vec(),
        Source::File(plan) => {
            let mut parties = Vec::new();
            if plan.authorization_server.is_some() {
                parties.push(Party::AuthorizationServer);
            }
            if plan.resource_server.is_some() {
                parties.push(Party::ResourceServer);
            }
            if plan.client.is_some() {
                parties.push(Party::Client);
            }
            parties
        }
    }
}

/// One started leg: what the scenarios are told about the parties, and what to stop after.
pub struct Leg {
    pub party: Party,
    pub loaded: LoadedTarget,
    /// One line for reports: who is tested, who is played by the harness.
    pub description: String,
    running: Vec<Running>,
}

enum Running {
    As(MockAs),
    Rs(MockRs),
    Process(tokio::process::Child),
}

impl Leg {
    pub async fn stop(self) {
        stop_all(self.running).await;
    }
}

/// Stops in reverse order of starting: the servers under test before the harness's AS.
async fn stop_all(mut running: Vec<Running>) {
    {
        while let Some(running) = running.pop() {
            match running {
                Running::As(mock) => mock.stop().await,
                Running::Rs(mock) => mock.stop().await,
                Running::Process(mut child) => process_group::kill_group(&mut child).await,
            }
        }
    }
}

pub async fn start(party: Party, source: &Source<'_>) -> Result<Leg, String> {
    match (party, source) {
        (
            Party::AuthorizationServer,
            Source::Builtin {
                fixtures_dir,
                deviations,
                plain_http,
            },
        ) => {
            let builtin =
                builtin::start(*fixtures_dir, &deviations.authorization_server, *plain_http)
                    .await?;
            Ok(Leg {
                party,
                description: format!("authorization server {}", builtin.mock.issuer()),
                loaded: builtin.loaded,
                running: vec![Running::As(builtin.mock)],
            })
        }
        (Party::AuthorizationServer, Source::File(plan)) => {
            let loaded = plan
                .authorization_server
                .clone()
                .ok_or("the target file has no [authorization_server]")?;
            Ok(Leg {
                party,
                description: format!(
                    "authorization server {}",
                    loaded.target.authorization_server.issuer
                ),
                loaded,
                running: Vec::new(),
            })
        }
        (
            Party::ResourceServer,
            Source::Builtin {
                fixtures_dir,
                deviations,
                ..
            },
        ) => builtin_rs_leg(*fixtures_dir, &deviations.resource_server).await,
        (Party::ResourceServer, Source::File(plan)) => {
            let rs = plan
                .resource_server
                .as_ref()
                .ok_or("the target file has no [resource_server]")?;
            file_rs_leg(plan, rs).await
        }
        (Party::Client, Source::File(plan)) => {
            let client = plan
                .client
                .as_ref()
                .ok_or("the target file has no [client]")?;
            file_client_leg(plan, client).await
        }
        (
            Party::Client,
            Source::Builtin {
                fixtures_dir,
                deviations,
                ..
            },
        ) => builtin_client_leg(*fixtures_dir, &deviations.client).await,
    }
}

/// The harness's own AS: the reference AS over plain http, described like the built-in target.
async fn harness_as(
    fixtures_dir: Option<&Path>,
    listen: std::net::SocketAddr,
    extra_client: Option<ClientFixture>,
) -> Result<(MockAs, LoadedTarget), String> {
    let builtin = builtin::start_with(&MockAsOptions {
        fixtures_dir,
        deviations: &[],
        plain_http: true,
        listen,
        // A client under test waits out each interval for real: one second keeps runs short
        // while still telling a client that waits from one that does not.
        poll_interval_secs: extra_client.as_ref().map(|_| 1),
        extra_client,
    })
    .await
    .map_err(|e| format!("the harness's authorization server did not start: {e}"))?;
    Ok((builtin.mock, builtin.loaded))
}

fn rs_fixtures(fixtures_dir: Option<&Path>) -> Result<RsFixtures, String> {
    match fixtures_dir {
        Some(dir) => RsFixtures::from_dir(dir),
        None => RsFixtures::embedded(),
    }
    .map_err(|e| e.to_string())
}

/// The reference RS's URLs the RS scenarios use, in the order the features name them: a lab
/// report, a prescription, a collection (several permissions at once) and a patient's index
/// (permissions without scopes).
fn reference_rs_resources(base: &str) -> Vec<ProtectedResource> {
    let get = |path: &str, scopes: &[&str]| ProtectedResource {
        url: format!("{base}{path}"),
        method: "GET".into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
    };
    vec![
        get("/patients/alice/lab-reports/1", &["view"]),
        get("/patients/alice/prescriptions/1", &["view"]),
        get("/patients/alice/lab-reports", &["view"]),
        get("/patients/alice", &[]),
    ]
}

async fn start_reference_rs(
    fixtures_dir: Option<&Path>,
    as_issuer: &str,
    deviations: &[String],
) -> Result<MockRs, String> {
    let mut config = MockRsConfig::new("127.0.0.1:0".parse().expect("loopback"), as_issuer)
        .map_err(|e| e.to_string())?;
    config.fixtures = rs_fixtures(fixtures_dir)?;
    config.deviations = deviations.to_vec();
    MockRs::start(config)
        .await
        .map_err(|e| format!("the reference resource server did not start: {e}"))
}

async fn builtin_rs_leg(fixtures_dir: Option<&Path>, deviations: &[String]) -> Result<Leg, String> {
    let (as_mock, mut loaded) =
        harness_as(fixtures_dir, "127.0.0.1:0".parse().expect("loopback"), None).await?;
    let rs = match start_reference_rs(fixtures_dir, as_mock.issuer(), deviations).await {
        Ok(rs) => rs,
        Err(e) => {
            as_mock.stop().await;
            return Err(e);
        }
    };
    loaded.target.resource_server = Some(ResourceServerTarget {
        resources: reference_rs_resources(rs.base_url()),
    });
    Ok(Leg {
        party: Party::ResourceServer,
        description: format!(
            "resource server {} (the harness plays its AS at {} and the client)",
            rs.base_url(),
            as_mock.issuer()
        ),
        loaded,
        running: vec![Running::As(as_mock), Running::Rs(rs)],
    })
}

async fn file_rs_leg(plan: &TargetPlan, rs: &ResourceServerPlan) -> Result<Leg, String> {
    let mut running = Vec::new();
    let (mut loaded, as_description) = match &plan.authorization_server {
        // An interop run: the RS works with the AS under test; the harness only plays the client.
        Some(loaded) => {
            let issuer = loaded.target.authorization_server.issuer.clone();
            (loaded.clone(), format!("its AS {issuer} (under test)"))
        }
        None => {
            let (mock, mut loaded) = harness_as(None, rs.harness_as_listen, None).await?;
            loaded.driver.connect_timeout = plan.driver.connect_timeout;
            loaded.driver.total_timeout = plan.driver.total_timeout;
            loaded
                .driver
                .extra_roots_pem
                .extend(plan.driver.extra_roots_pem.iter().cloned());
            let description = format!("the harness plays its AS at {}", mock.issuer());
            running.push(Running::As(mock));
            (loaded, description)
        }
    };
    loaded.expected_failures = plan.expected_failures.clone();
    loaded.concurrency = plan.concurrency;
    let issuer = loaded.target.authorization_server.issuer.clone();
    if !rs.command.is_empty() {
        let argv: Vec<String> = rs
            .command
            .iter()
            .map(|a| a.replace("{as_issuer}", &issuer).replace("{exe}", &exe()))
            .collect();
        match spawn_and_wait(&argv, &rs.resources[0].url, rs.ready_timeout).await {
            Ok(child) => running.push(Running::Process(child)),
            Err(e) => {
                stop_all(running).await;
                return Err(e);
            }
        }
    }
    loaded.target.resource_server = Some(ResourceServerTarget {
        resources: rs.resources.clone(),
    });
    Ok(Leg {
        party: Party::ResourceServer,
        description: format!(
            "resource server {} ({as_description}; the harness plays the client)",
            rs.resources[0].url
        ),
        loaded,
        running,
    })
}

/// The harness's AS and RS for a client under test: the AS knows the client (with a second
/// claims redirect URI, so the client must say which one it wants, Grant 3.3.2) and polls
/// may be answered with a short interval.
async fn harness_for_client(
    fixtures_dir: Option<&Path>,
    client: &ClientPlan,
) -> Result<(MockAs, MockRs, LoadedTarget), String> {
    let fixture = client_fixture(client);
    let (as_mock, loaded) =
        harness_as(fixtures_dir, client.harness_as_listen, Some(fixture)).await?;
    let mut config =
        MockRsConfig::new(client.harness_rs_listen, as_mock.issuer()).map_err(|e| e.to_string())?;
    config.fixtures = rs_fixtures(fixtures_dir)?;
    match MockRs::start(config).await {
        Ok(rs) => Ok((as_mock, rs, loaded)),
        Err(e) => {
            as_mock.stop().await;
            Err(format!("the harness's resource server did not start: {e}"))
        }
    }
}

async fn client_leg(
    as_mock: MockAs,
    rs: MockRs,
    mut loaded: LoadedTarget,
    client: &ClientPlan,
    launcher: Arc<dyn ClientLauncher>,
    described: String,
) -> Leg {
    loaded.target.client = Some(ClientTarget {
        launcher,
        client_id: client.client_id.clone(),
        secret: client.client_secret.clone(),
        auth_method: client.auth_method,
        claims_redirect_uri: client.claims_redirect_uri.clone(),
        resources: harness_resources(&rs).await,
        rs_control_api: format!("{}/_mock", rs.base_url()),
        run_timeout: client.run_timeout,
        registered_scopes: vec![REGISTERED_CLIENT_SCOPE.to_string()],
    });
    Leg {
        party: Party::Client,
        description: format!(
            "client {described} (the harness plays its AS at {} and its RS at {})",
            as_mock.issuer(),
            rs.base_url()
        ),
        loaded,
        running: vec![Running::As(as_mock), Running::Rs(rs)],
    }
}

async fn builtin_client_leg(
    fixtures_dir: Option<&Path>,
    deviations: &[String],
) -> Result<Leg, String> {
    let plan = ClientPlan {
        command: Vec::new(),
        client_id: reference_client::CLIENT_ID.into(),
        client_secret: Some(reference_client::CLIENT_SECRET.into()),
        auth_method: Some(crate::harness::target::ClientAuthMethod::ClientSecretBasic),
        claims_redirect_uri: Some(format!(
            "http://127.0.0.1:{}/claims-cb?app=reference&mode=cli",
            free_port()?
        )),
        harness_as_listen: "127.0.0.1:0".parse().expect("loopback"),
        harness_rs_listen: "127.0.0.1:0".parse().expect("loopback"),
        run_timeout: crate::harness::roles::client_under_test::DEFAULT_RUN_TIMEOUT,
    };
    let (as_mock, rs, loaded) = harness_for_client(fixtures_dir, &plan).await?;
    let launcher = Arc::new(reference_client::InProcessClient {
        claims_redirect_uri: plan.claims_redirect_uri.clone().unwrap_or_default(),
        deviations: deviations.to_vec(),
        scope: Some(REGISTERED_CLIENT_SCOPE.into()),
    });
    Ok(client_leg(
        as_mock,
        rs,
        loaded,
        &plan,
        launcher,
        "the reference client".into(),
    )
    .await)
}

/// A loopback port free right now, for the reference client's claims redirect URI.
fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// The scope a client under test is pre-registered for at the harness's AS (Grant 3.3.4).
pub const REGISTERED_CLIENT_SCOPE: &str = "download";

async fn file_client_leg(plan: &TargetPlan, client: &ClientPlan) -> Result<Leg, String> {
    let (as_mock, rs, mut loaded) = harness_for_client(None, client).await?;
    loaded.expected_failures = plan.expected_failures.clone();
    let fixed = std::collections::BTreeMap::from([
        ("client_id".to_string(), client.client_id.clone()),
        (
            "client_secret".to_string(),
            client.client_secret.clone().unwrap_or_default(),
        ),
        (
            "claims_redirect_uri".to_string(),
            client.claims_redirect_uri.clone().unwrap_or_default(),
        ),
        ("as_issuer".to_string(), as_mock.issuer().to_string()),
        ("scope".to_string(), REGISTERED_CLIENT_SCOPE.to_string()),
        ("exe".to_string(), exe()),
    ]);
    let launcher: Arc<dyn ClientLauncher> =
        Arc::new(CommandLauncher::new(client.command.clone(), fixed)?);
    let described = format!("`{}`", client.command.join(" "));
    Ok(client_leg(as_mock, rs, loaded, client, launcher, described).await)
}

/// Registered for every client under test besides its own; nothing listens there.
pub const UNUSED_CLAIMS_REDIRECT_URI: &str = "http://127.0.0.1:9/uma-conformance-unused-cb";

/// The client under test as the harness's AS registers it.
pub fn client_fixture(client: &ClientPlan) -> ClientFixture {
    use crate::harness::target::ClientAuthMethod;
    let method = match client.auth_method {
        Some(ClientAuthMethod::ClientSecretBasic) => "client_secret_basic",
        Some(ClientAuthMethod::ClientSecretPost) => "client_secret_post",
        None => "none",
    };
    ClientFixture {
        client_id: client.client_id.clone(),
        client_secret: client.client_secret.clone(),
        resource_owner: None,
        token_endpoint_auth_methods: vec![method.to_string()],
        grant_types: vec![
            "urn:ietf:params:oauth:grant-type:uma-ticket".to_string(),
            "refresh_token".to_string(),
        ],
        redirect_uris: Vec::new(),
        // A second URI the client never uses: with two registered, the client must name the
        // one it wants (Grant 3.3.2).
        claims_redirect_uris: client
            .claims_redirect_uri
            .iter()
            .cloned()
            .chain(
                client
                    .claims_redirect_uri
                    .as_ref()
                    .map(|_| UNUSED_CLAIMS_REDIRECT_URI.to_string()),
            )
            .collect(),
        scopes: vec![REGISTERED_CLIENT_SCOPE.to_string()],
    }
}

/// The harness RS's resources with the ids its AS gave them, and the scope a GET needs.
async fn harness_resources(rs: &MockRs) -> Vec<HarnessResource> {
    rs.resources()
        .await
        .into_iter()
        .map(|(path, resource_id)| HarnessResource {
            url: format!("{}{path}", rs.base_url()),
            resource_id,
            scope: "view".into(),
        })
        .collect()
}

/// The path of this binary, for target files that start the reference mocks (`{exe}`).
fn exe() -> String {
    std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "uma-conformance".into())
}

/// The most of a started server's standard error kept for a message.
const STDERR_TAIL: usize = 8 * 1024;

/// Starts a server under test and waits until `probe_url` gets any HTTP answer.
async fn spawn_and_wait(
    argv: &[String],
    probe_url: &str,
    timeout: Duration,
) -> Result<tokio::process::Child, String> {
    let (program, args) = argv.split_first().ok_or("the command is empty")?;
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    process_group::own_group(&mut command);
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start {program:?}: {e}"))?;
    // Drained for as long as it runs, so that a chatty server never blocks on a full pipe; the
    // tail is kept for the message when it dies at start.
    let tail = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    if let Some(mut stderr) = child.stderr.take() {
        let tail = std::sync::Arc::clone(&tail);
        tokio::spawn(async move {
            use tokio::io::AsyncReadExt;
            let mut chunk = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut chunk).await {
                if n == 0 {
                    break;
                }
                let mut kept = tail.lock().unwrap_or_else(|e| e.into_inner());
                kept.extend_from_slice(&chunk[..n]);
                let excess = kept.len().saturating_sub(STDERR_TAIL);
                kept.drain(..excess);
            }
        });
    }
    // Readiness only: any answer, even over a certificate the harness does not trust yet.
    let probe = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .timeout(Duration::from_secs(2))
        .build()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            // Give the drain a moment to take what the process wrote last.
            tokio::time::sleep(Duration::from_millis(100)).await;
            let err = String::from_utf8_lossy(&tail.lock().unwrap_or_else(|e| e.into_inner()))
                .into_owned();
            process_group::kill_group(&mut child).await;
            return Err(format!(
                "`{}` ended ({status}) before answering at {probe_url}: {}",
                argv.join(" "),
                err.trim()
            ));
        }
        if probe.get(probe_url).send().await.is_ok() {
            return Ok(child);
        }
        if started.elapsed() > timeout {
            process_group::kill_group(&mut child).await;
            return Err(format!(
                "`{}` did not answer at {probe_url} within {} s",
                argv.join(" "),
                timeout.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
