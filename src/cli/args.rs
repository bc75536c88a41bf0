//! Command-line arguments.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::mock::authorization_server::TlsMode;

#[derive(Debug, Parser)]
#[command(
    name = "uma-conformance",
    version,
    about = "Conformance tests and reference mocks for UMA 2.0 (Grant and Federated Authorization)",
    long_about = "Runs the UMA 2.0 conformance suite against an authorization server (or, with no target, against the built-in reference mocks) and reports a verdict per requirement, with the HTTP evidence behind each one."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the suite: against the target described by --config, or against the built-in mocks.
    Run(RunArgs),
    /// Serve a reference mock.
    Mock {
        #[command(subcommand)]
        mock: MockCommand,
    },
    /// List the requirement catalogue with the scenarios citing each id.
    Requirements(RequirementsArgs),
    /// List the deviations the reference mocks can be switched into, and the ids each breaks.
    Deviations,
    /// Validate a JSON file against one of the schemas; with no name, list the schemas.
    Validate(ValidateArgs),
    /// Compare two runs' results.json files: the requirements and scenarios whose verdict changed
    /// (exit code 1 when one got worse).
    Diff(DiffArgs),
    /// Show a requirement, the scenarios proving it, and the HTTP exchange behind its check
    /// against the reference mocks: where it holds, and under a deviation that breaks it.
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A requirement id, e.g. GRANT-3.3.6-i5.
    pub id: String,
    /// Replace what changes from run to run (ports, random ids, times), as the snapshots do.
    #[arg(long)]
    pub stable: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier run's results.json.
    pub old: PathBuf,
    /// The later run's results.json.
    pub new: PathBuf,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Target description (TOML); see examples/target.toml. Without it the built-in mocks are tested.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Cucumber tag expression selecting scenarios, e.g. "@must and @as".
    #[arg(long, value_name = "EXPR")]
    pub tags: Option<String>,
    /// Only scenarios citing a requirement id that starts with PREFIX, e.g. FED-3.2.
    #[arg(long, value_name = "PREFIX")]
    pub requirement: Option<String>,
    /// Feature files to use instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub features: Option<PathBuf>,
    /// JSON Schemas to use instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub schemas: Option<PathBuf>,
    /// Mock fixtures to use instead of the embedded ones (a folder shaped like mocks/).
    #[arg(long, value_name = "DIR")]
    pub fixtures: Option<PathBuf>,
    /// Where to write the reports.
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub reports: PathBuf,
    /// Write secrets and tokens into reports unredacted.
    #[arg(long)]
    pub reveal_secrets: bool,
    /// Scenarios run at once (spare a vendor's rate limits with a low number).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: Option<u16>,
    /// Switch the built-in mock into a deviation (repeatable); see `uma-conformance deviations`.
    #[arg(long = "deviate", value_name = "NAME")]
    pub deviations: Vec<String>,
    /// Print only the closing summary, not a line per scenario.
    #[arg(long)]
    pub quiet: bool,
    /// Serve the built-in mocks over plain http instead of https (the TLS checks then only warn).
    #[arg(long)]
    pub http: bool,
    /// Also run @slow scenarios, which wait out token lifetimes in real time on a target
    /// without a control API.
    #[arg(long)]
    pub slow: bool,
    /// A TOML file of known failures (`[[failure]]` with `scenario` or `requirement`, and
    /// `reason`): they are reported as expected; listed failures that no longer happen fail the run
    #[arg(long, value_name = "FILE")]
    pub expected_failures: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum MockCommand {
    /// The reference UMA authorization server.
    As(MockAsArgs),
    /// The reference UMA resource server (a patient's lab reports and prescriptions), protected
    /// by the authorization server at --as-issuer.
    Rs(MockRsArgs),
    /// The policy hook for the reference AS: reads one JSON action on standard input
    /// (create-policy, change-policy, delete-policy, approve-request, deny-request,
    /// list-requests), performs it on the mock's control API and prints one JSON result line.
    Hook(MockHookArgs),
    /// The reference UMA client: `get URL` asks a resource server for a resource and follows
    /// the UMA grant (exit 0 served, 1 refused, 2 failure, 3 need_info unanswerable, 4 claims
    /// redirect refused); `--list-deviations` lists its deviations.
    Client(MockClientArgs),
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct MockClientArgs {
    #[command(subcommand)]
    pub action: Option<MockClientAction>,
    /// List the client's deviations and the ids each breaks.
    #[arg(long)]
    pub list_deviations: bool,
}

#[derive(Debug, Subcommand)]
pub enum MockClientAction {
    /// Request a protected resource, obtaining an RPT the UMA way when challenged.
    Get(MockClientGetArgs),
}

#[derive(Debug, Args)]
pub struct MockClientGetArgs {
    /// The resource's URL.
    pub resource_url: String,
    /// The client's identifier at the authorization server.
    #[arg(long, value_name = "ID")]
    pub client_id: String,
    /// The client's secret; without it the client is public.
    #[arg(long, value_name = "SECRET")]
    pub client_secret: Option<String>,
    /// How to send the secret: client_secret_basic or client_secret_post.
    #[arg(long, value_name = "METHOD", default_value = "client_secret_basic")]
    pub auth_method: String,
    /// Loopback http://127.0.0.1:PORT/path to listen on during claims interaction.
    #[arg(long, value_name = "URI")]
    pub claims_redirect_uri: Option<String>,
    /// Format of --claim-token (e.g. the OpenID ID token URI).
    #[arg(long, value_name = "FORMAT", requires = "claim_token")]
    pub claim_token_format: Option<String>,
    /// A claim token to push when the AS asks for claims.
    #[arg(long, value_name = "TOKEN", requires = "claim_token_format")]
    pub claim_token: Option<String>,
    /// Folder keeping PCTs, RPTs and refresh tokens between runs.
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// PEM CA certificate(s) to trust besides the system roots (repeatable).
    #[arg(long = "ca-file", value_name = "PEM")]
    pub ca_files: Vec<PathBuf>,
    /// Scopes to request at the token endpoint (space-separated, registered beforehand).
    #[arg(long, value_name = "SCOPES")]
    pub scope: Option<String>,
    /// HTTP method for the resource.
    #[arg(long, value_name = "METHOD", default_value = "GET")]
    pub method: String,
    /// Switch on a client deviation (repeatable); see `mock client --list-deviations`.
    #[arg(long = "deviate", value_name = "NAME")]
    pub deviations: Vec<String>,
}

#[derive(Debug, Args)]
pub struct MockHookArgs {
    /// Base URL of the mock's control API, `{issuer}/_mock` (loopback hosts only).
    #[arg(long, value_name = "URL")]
    pub control_api: String,
    /// PEM CA certificate to trust for an https control API (e.g. the file of `mock as --ca-out`).
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MockAsArgs {
    /// Address to listen on (loopback), e.g. 127.0.0.1:8080; port 0 picks a free one.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Issuer URL to publish (default: https://ADDR, or http://ADDR with --http).
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,
    /// Fixtures to use instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub fixtures: Option<PathBuf>,
    /// Switch on a deviation (repeatable).
    #[arg(long = "deviate", value_name = "NAME")]
    pub deviations: Vec<String>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// How a mock serves: HTTPS with a generated CA (the default), given certificate files, or
/// plain HTTP.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Serve HTTPS (the default): with --tls-cert/--tls-key if given, else with a certificate
    /// for 127.0.0.1, ::1 and localhost from a CA generated at start (see --ca-out).
    #[arg(long)]
    pub tls: bool,
    /// Serve plain HTTP instead of HTTPS.
    #[arg(long, conflicts_with_all = ["tls", "tls_cert", "tls_key", "ca_out"])]
    pub http: bool,
    /// Serve HTTPS with this PEM certificate chain (leaf first) instead of a generated one.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key (PKCS#8, RSA or EC) of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Write the generated CA certificate (PEM) to FILE before printing the address served, for
    /// a target file to trust with `[http] ca_certificates = [FILE]`.
    #[arg(long, value_name = "FILE", conflicts_with = "tls_cert")]
    pub ca_out: Option<PathBuf>,
}

impl ServeArgs {
    /// HTTPS with a generated CA unless --http or certificate files say otherwise.
    pub fn tls_mode(&self) -> TlsMode {
        match (&self.tls_cert, &self.tls_key) {
            _ if self.http => TlsMode::Off,
            (Some(cert), Some(key)) => TlsMode::Files {
                cert_pem: cert.clone(),
                key_pem: key.clone(),
            },
            _ => TlsMode::Generated,
        }
    }
}

#[derive(Debug, Args)]
pub struct MockRsArgs {
    /// Address to listen on (loopback), e.g. 127.0.0.1:8081; port 0 picks a free one.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Issuer URL of the authorization server protecting the resources.
    #[arg(long, value_name = "URL")]
    pub as_issuer: String,
    /// PEM CA certificate(s) to trust for an https authorization server (e.g. the file of
    /// `mock as --ca-out`).
    #[arg(long, value_name = "FILE")]
    pub as_ca: Option<PathBuf>,
    /// Fixtures to use instead of the embedded ones (a folder like mocks/resource-server/).
    #[arg(long, value_name = "DIR")]
    pub fixtures: Option<PathBuf>,
    /// Switch on a resource server deviation (repeatable).
    #[arg(long = "deviate", value_name = "NAME")]
    pub deviations: Vec<String>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Args)]
pub struct RequirementsArgs {
    /// Feature files to read instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub features: Option<PathBuf>,
    /// Only requirements no scenario cites.
    #[arg(long)]
    pub uncovered: bool,
    /// Only ids starting with PREFIX.
    #[arg(long, value_name = "PREFIX")]
    pub requirement: Option<String>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Schema name; give the option without a value to list the names.
    #[arg(long, value_name = "NAME", num_args = 0..=1, default_missing_value = "")]
    pub schema: Option<String>,
    /// JSON file to validate.
    pub file: Option<PathBuf>,
    /// JSON Schemas to use instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub schemas: Option<PathBuf>,
}
