//! What each subcommand does; `main` only parses and exits with the code returned here.

use std::io::{Read, Write};
use std::net::IpAddr;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::args::{
    Cli, Command, DiffArgs, ExplainArgs, MockAsArgs, MockClientAction, MockClientArgs,
    MockClientGetArgs, MockCommand, MockHookArgs, MockRsArgs, RequirementsArgs, RunArgs,
    ValidateArgs,
};
use crate::mock::authorization_server::{self as mock_as, Fixtures, MockAs, MockAsConfig};
use crate::mock::resource_server::{MockRs, MockRsConfig, RsFixtures};
use crate::runner::execute::Selection;
use crate::runner::features;
use crate::runner::run::{RunOptions, print_summary, run};
use crate::spec::schemas::SchemaSet;

pub async fn dispatch(cli: Cli) -> i32 {
    match cli.command {
        Command::Run(args) => run_command(args).await,
        Command::Mock {
            mock: MockCommand::As(args),
        } => mock_as_command(args).await,
        Command::Mock {
            mock: MockCommand::Rs(args),
        } => mock_rs_command(args).await,
        Command::Mock {
            mock: MockCommand::Hook(args),
        } => mock_hook_command(args).await,
        Command::Mock {
            mock: MockCommand::Client(args),
        } => mock_client_command(args).await,
        Command::Requirements(args) => requirements_command(args),
        Command::Deviations => deviations_command(),
        Command::Validate(args) => validate_command(args),
        Command::Diff(args) => diff_command(args),
        Command::Explain(args) => explain_command(args).await,
    }
}

async fn run_command(args: RunArgs) -> i32 {
    let tags = match args
        .tags
        .as_deref()
        .map(str::parse::<gherkin::tagexpr::TagOperation>)
    {
        None => None,
        Some(Ok(expr)) => Some(expr),
        Some(Err(e)) => {
            eprintln!("uma-conformance: --tags: not a tag expression: {e}");
            return 2;
        }
    };
    let options = RunOptions {
        config: args.config,
        selection: Selection {
            tags,
            requirement_prefix: args.requirement,
            requirements: None,
            party: None,
        },
        features_dir: args.features,
        schemas_dir: args.schemas,
        fixtures_dir: args.fixtures,
        reports_dir: Some(args.reports),
        reveal_secrets: args.reveal_secrets,
        concurrency: args.concurrency.map(usize::from),
        deviations: args.deviations,
        progress: !args.quiet,
        slow: args.slow,
        plain_http: args.http,
        expected_failures: args.expected_failures,
    };
    match run(&options).await {
        Ok(report) => {
            let mut out = std::io::stdout().lock();
            let _ = print_summary(&mut out, &report);
            let _ = out.flush();
            if report.results.is_empty() {
                eprintln!("uma-conformance: no scenario matched the selection");
                return 2;
            }
            report.summary.exit_code()
        }
        Err(e) => {
            eprintln!("uma-conformance: {e}");
            e.exit_code()
        }
    }
}

async fn mock_as_command(args: MockAsArgs) -> i32 {
    if !on_loopback(args.listen) {
        return 2;
    }
    let tls = args.serve.tls_mode();
    let fixtures = match &args.fixtures {
        Some(dir) => Fixtures::from_dir(dir),
        None => Fixtures::embedded(),
    };
    let (Some(mut config), Some(fixtures)) =
        (reported(MockAsConfig::new(args.listen)), reported(fixtures))
    else {
        return 2;
    };
    config.fixtures = fixtures;
    config.issuer = args.issuer;
    config.deviations = args.deviations;
    config.tls = tls;
    let Some(mock) = reported(MockAs::start(config).await) else {
        return 2;
    };
    if !write_ca_file(args.serve.ca_out.as_deref(), mock.ca_certificate_pem()) {
        mock.stop().await;
        return 2;
    }
    let address = mock.issuer().to_string();
    announce_and_wait(&address, mock.wait()).await
}

/// Writes the generated CA certificate where --ca-out says, before the address is printed, so
/// that whoever reads that line can trust the file. False (reported) when it cannot be written.
fn write_ca_file(path: Option<&std::path::Path>, pem: Option<String>) -> bool {
    let Some(path) = path else {
        return true;
    };
    match std::fs::write(path, pem.unwrap_or_default()) {
        Ok(()) => true,
        Err(e) => {
            eprintln!("uma-conformance: --ca-out {}: {e}", path.display());
            false
        }
    }
}

/// Whether a mock may listen on `listen`: loopback only; otherwise says why.
fn on_loopback(listen: std::net::SocketAddr) -> bool {
    if !listen.ip().is_loopback() {
        eprintln!("uma-conformance: the mock listens on loopback addresses only (got {listen})");
    }
    listen.ip().is_loopback()
}

/// The value, or `None` with the error told to the user (the command then exits 2).
fn reported<T, E: std::fmt::Display>(result: Result<T, E>) -> Option<T> {
    result.map_err(|e| eprintln!("uma-conformance: {e}")).ok()
}

/// Prints where the mock serves (its first line of output) and serves until Ctrl-C or its end.
async fn announce_and_wait(address: &str, served: impl std::future::Future<Output = ()>) -> i32 {
    println!("{address}");
    let _ = std::io::stdout().flush();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = served => {}
    }
    0
}

/// `mock rs`: the reference resource server, in front of the AS at --as-issuer.
async fn mock_rs_command(args: MockRsArgs) -> i32 {
    if !on_loopback(args.listen) {
        return 2;
    }
    let tls = args.serve.tls_mode();
    let fixtures = match &args.fixtures {
        Some(dir) => RsFixtures::from_dir(dir),
        None => RsFixtures::embedded(),
    };
    let as_ca_pem = match &args.as_ca {
        None => None,
        Some(path) => match std::fs::read_to_string(path) {
            Ok(pem) => Some(pem),
            Err(e) => {
                eprintln!("uma-conformance: --as-ca {}: {e}", path.display());
                return 2;
            }
        },
    };
    let (Some(mut config), Some(fixtures)) = (
        reported(MockRsConfig::new(args.listen, &args.as_issuer)),
        reported(fixtures),
    ) else {
        return 2;
    };
    config.fixtures = fixtures;
    config.as_ca_pem = as_ca_pem;
    config.deviations = args.deviations;
    config.tls = tls;
    let Some(mock) = reported(MockRs::start(config).await) else {
        return 2;
    };
    if !write_ca_file(args.serve.ca_out.as_deref(), mock.ca_certificate_pem()) {
        mock.stop().await;
        return 2;
    }
    let address = mock.base_url().to_string();
    announce_and_wait(&address, mock.wait()).await
}

/// The most of standard input the hook reads: one action is a few hundred bytes.
const HOOK_INPUT_CAP: u64 = 64 * 1024;
/// How long one control API call may take.
const HOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// `mock hook`: the worked example of the vendor hook of issue 4 section 3, for the reference AS.
/// One JSON result line on standard output, exit code 0 on success and 1 on failure.
async fn mock_hook_command(args: MockHookArgs) -> i32 {
    let (result, code) = match hook(&args).await {
        Ok(result) => {
            let mut line = Map::from_iter([("ok".to_string(), Value::Bool(true))]);
            line.extend(result);
            (Value::Object(line), 0)
        }
        Err(error) => (json!({ "ok": false, "error": error }), 1),
    };
    println!("{result}");
    let _ = std::io::stdout().flush();
    code
}

async fn hook(args: &MockHookArgs) -> Result<Map<String, Value>, String> {
    let base = control_api_base(&args.control_api)?;
    // Standard input is read off the runtime: it blocks until the writer closes it.
    let input = tokio::task::spawn_blocking(|| {
        let mut input = Vec::new();
        std::io::stdin()
            .take(HOOK_INPUT_CAP)
            .read_to_end(&mut input)
            .map(|_| input)
    })
    .await
    .map_err(|e| format!("cannot read standard input: {e}"))?
    .map_err(|e| format!("cannot read the action from standard input: {e}"))?;
    let Ok(Value::Object(mut action)) = serde_json::from_slice::<Value>(&input) else {
        return Err("standard input must hold one JSON object with an \"action\"".into());
    };
    let name = match action.remove("action") {
        Some(Value::String(name)) => name,
        _ => return Err("the action object needs an \"action\" string".into()),
    };
    let client = hook_client(args)?;
    let text = |action: &Map<String, Value>, key: &str| -> Option<String> {
        action.get(key).and_then(Value::as_str).map(str::to_string)
    };
    match name.as_str() {
        "create-policy" => {
            let answer = control_call(
                &client,
                reqwest::Method::POST,
                &base,
                &["policies"],
                Some(&action),
            )
            .await?;
            Ok(pick(&answer, &["policy_id"]))
        }
        "change-policy" => {
            let id = text(&action, "policy_id").ok_or("change-policy needs \"policy_id\"")?;
            action.remove("policy_id");
            control_call(
                &client,
                reqwest::Method::PUT,
                &base,
                &["policies", &id],
                Some(&action),
            )
            .await?;
            Ok(Map::from_iter([("policy_id".to_string(), Value::from(id))]))
        }
        "delete-policy" => {
            let id = text(&action, "policy_id").ok_or("delete-policy needs \"policy_id\"")?;
            control_call(
                &client,
                reqwest::Method::DELETE,
                &base,
                &["policies", &id],
                None,
            )
            .await?;
            Ok(Map::from_iter([("policy_id".to_string(), Value::from(id))]))
        }
        "approve-request" | "deny-request" => {
            let id = match (text(&action, "request_id"), text(&action, "ticket")) {
                (Some(id), _) => id,
                (None, Some(ticket)) => request_for_ticket(&client, &base, &ticket).await?,
                (None, None) => return Err(format!("{name} needs \"request_id\" or \"ticket\"")),
            };
            let verb = if name == "approve-request" {
                "approve"
            } else {
                "deny"
            };
            let answer = control_call(
                &client,
                reqwest::Method::POST,
                &base,
                &["requests", &id, verb],
                None,
            )
            .await?;
            Ok(pick(&answer, &["request_id", "status"]))
        }
        "list-requests" => {
            let answer =
                control_call(&client, reqwest::Method::GET, &base, &["requests"], None).await?;
            Ok(pick(&answer, &["requests"]))
        }
        other => Err(format!(
            "unknown action {other:?}; known: create-policy, change-policy, delete-policy, approve-request, deny-request, list-requests"
        )),
    }
}

/// The control API's base URL, refused unless it is http(s) on a loopback host: the hook acts
/// on a local mock and sends nothing anywhere else.
fn control_api_base(given: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(given).map_err(|e| format!("--control-api {given:?}: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "--control-api {given:?}: only http and https are supported"
        ));
    }
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    if !loopback {
        return Err(format!(
            "--control-api {given:?}: the host must be a loopback address"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() || url.cannot_be_a_base() {
        return Err(format!(
            "--control-api {given:?}: give a base URL without query or fragment"
        ));
    }
    Ok(url)
}

fn hook_client(args: &MockHookArgs) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(HOOK_TIMEOUT);
    if let Some(path) = &args.ca {
        let pem = std::fs::read(path).map_err(|e| format!("--ca {}: {e}", path.display()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| format!("--ca {}: {e}", path.display()))?;
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder
        .build()
        .map_err(|e| format!("cannot build an HTTP client: {e}"))
}

/// One control API call; a non-2xx answer is an error carrying the mock's description.
async fn control_call(
    client: &reqwest::Client,
    method: reqwest::Method,
    base: &url::Url,
    segments: &[&str],
    body: Option<&Map<String, Value>>,
) -> Result<Value, String> {
    let mut url = base.clone();
    url.path_segments_mut()
        .map_err(|_| "the control API URL cannot take a path".to_string())?
        .pop_if_empty()
        .extend(segments);
    let mut request = client.request(method, url.clone());
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("{url}: no answer: {e}"))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| format!("{url}: unreadable answer: {e}"))?;
    let answer: Value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    if !status.is_success() {
        let why = answer
            .get("error_description")
            .and_then(Value::as_str)
            .map_or_else(|| answer.to_string(), str::to_string);
        return Err(format!(
            "the control API answered {}: {why}",
            status.as_u16()
        ));
    }
    Ok(answer)
}

/// The pending owner request a ticket was handed out for.
async fn request_for_ticket(
    client: &reqwest::Client,
    base: &url::Url,
    ticket: &str,
) -> Result<String, String> {
    let answer = control_call(client, reqwest::Method::GET, base, &["requests"], None).await?;
    answer
        .get("requests")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|r| {
            r.get("tickets")
                .and_then(Value::as_array)
                .is_some_and(|t| t.iter().any(|v| v.as_str() == Some(ticket)))
        })
        .and_then(|r| r.get("request_id").and_then(Value::as_str))
        .map(str::to_string)
        .ok_or_else(|| "no pending owner request was handed this ticket".to_string())
}

/// The named members of a control API answer.
fn pick(answer: &Value, names: &[&str]) -> Map<String, Value> {
    names
        .iter()
        .filter_map(|name| Some((name.to_string(), answer.get(*name)?.clone())))
        .collect()
}

fn requirements_command(args: RequirementsArgs) -> i32 {
    let sources = match &args.features {
        Some(dir) => match features::sources_from_dir(dir) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("uma-conformance: {e}");
                return 2;
            }
        },
        None => features::embedded_sources(),
    };
    let mut out = std::io::stdout().lock();
    match super::requirements::print(
        &mut out,
        &sources,
        args.uncovered,
        args.requirement.as_deref(),
    ) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("uma-conformance: {e}");
            2
        }
    }
}

fn deviations_command() -> i32 {
    let mut out = std::io::stdout().lock();
    for d in mock_as::deviations() {
        let _ = writeln!(out, "{:<44} breaks {}", d.name, d.breaks.join(", "));
        let _ = writeln!(out, "{:<44} {}", "", d.summary);
    }
    let _ = writeln!(
        out,
        "\nResource server (uma-conformance mock rs --deviate NAME):"
    );
    for d in crate::mock::resource_server::deviations() {
        let _ = writeln!(out, "{:<44} breaks {}", d.name, d.breaks.join(", "));
        let _ = writeln!(out, "{:<44} {}", "", d.summary);
    }
    let _ = writeln!(
        out,
        "\nClient (uma-conformance mock client get --deviate NAME):"
    );
    list_client_deviations(&mut out);
    0
}

fn list_client_deviations(out: &mut impl Write) {
    for d in crate::mock::client::deviations() {
        let _ = writeln!(out, "{:<44} breaks {}", d.name, d.breaks.join(", "));
        let _ = writeln!(out, "{:<44} {}", "", d.summary);
    }
}

/// `mock client`: the reference client's run, its lines forwarded to stdout as they come.
async fn mock_client_command(args: MockClientArgs) -> i32 {
    match args.action {
        Some(MockClientAction::Get(get)) => mock_client_get(get).await,
        None if args.list_deviations => {
            list_client_deviations(&mut std::io::stdout().lock());
            0
        }
        None => {
            eprintln!("uma-conformance: mock client needs `get URL` or --list-deviations");
            2
        }
    }
}

async fn mock_client_get(args: MockClientGetArgs) -> i32 {
    use crate::mock::client::{ClientAuth, ClientOptions};
    let Some(auth_method) = ClientAuth::from_name(&args.auth_method) else {
        eprintln!(
            "uma-conformance: --auth-method {:?}: client_secret_basic or client_secret_post",
            args.auth_method
        );
        return 2;
    };
    let mut ca_pem = Vec::new();
    for path in &args.ca_files {
        match std::fs::read_to_string(path) {
            Ok(pem) => ca_pem.push(pem),
            Err(e) => {
                eprintln!("uma-conformance: --ca-file {}: {e}", path.display());
                return 2;
            }
        }
    }
    let mut options = ClientOptions::new(
        &args.resource_url,
        &args.client_id,
        args.client_secret.as_deref(),
    );
    options.auth_method = auth_method;
    options.claims_redirect_uri = args.claims_redirect_uri;
    options.claim_token = args.claim_token_format.zip(args.claim_token);
    options.state_dir = args.state_dir;
    options.ca_pem = ca_pem;
    options.scope = args.scope;
    options.method = args.method;
    options.deviations = args.deviations;
    let (sender, mut lines) = tokio::sync::mpsc::unbounded_channel();
    let printer = tokio::spawn(async move {
        while let Some(line) = lines.recv().await {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }
    });
    let code = crate::mock::client::run(options, sender).await;
    // The run dropped its sender: the printer ends once every line is out.
    let _ = printer.await;
    code
}

async fn explain_command(args: ExplainArgs) -> i32 {
    match crate::runner::explain::explain(&args.id).await {
        Ok(explanation) => {
            let text = crate::runner::explain::render(&explanation, args.stable);
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            0
        }
        Err(e) => {
            eprintln!("uma-conformance: {e}");
            2
        }
    }
}

fn diff_command(args: DiffArgs) -> i32 {
    let read = |path: &std::path::Path| {
        super::diff::read(path).map_err(|e| eprintln!("uma-conformance: {e}"))
    };
    let (Ok(old), Ok(new)) = (read(&args.old), read(&args.new)) else {
        return 2;
    };
    let mut out = std::io::stdout().lock();
    super::diff::report(&old, &new, &mut out).unwrap_or(2)
}

fn validate_command(args: ValidateArgs) -> i32 {
    let schemas = match &args.schemas {
        Some(dir) => SchemaSet::from_dir(dir),
        None => SchemaSet::embedded(),
    };
    let schemas = match schemas {
        Ok(s) => s,
        Err(e) => {
            eprintln!("uma-conformance: {e}");
            return 2;
        }
    };
    let name = args.schema.as_deref().filter(|n| !n.is_empty());
    if args.schema.is_none() && args.file.is_none() {
        eprintln!(
            "uma-conformance: validate needs --schema NAME FILE (or --schema alone to list the names)"
        );
        return 2;
    }
    let mut out = std::io::stdout().lock();
    super::validate::run(&schemas, name, args.file.as_deref(), &mut out)
}
