//! What each subcommand does; `main` only parses and exits with the code returned here.

use std::io::Write;

use super::args::{Cli, Command, MockAsArgs, MockCommand, RequirementsArgs, RunArgs, ValidateArgs};
use crate::mock::authorization_server::{self as mock_as, Fixtures, MockAs, MockAsConfig};
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
        Command::Requirements(args) => requirements_command(args),
        Command::Deviations => deviations_command(),
        Command::Validate(args) => validate_command(args),
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
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "uma-conformance: the mock listens on loopback addresses only (got {})",
            args.listen
        );
        return 2;
    }
    let tls = args.tls_mode();
    let fixtures = match &args.fixtures {
        Some(dir) => Fixtures::from_dir(dir),
        None => Fixtures::embedded(),
    };
    let config = match (MockAsConfig::new(args.listen), fixtures) {
        (Ok(mut config), Ok(fixtures)) => {
            config.fixtures = fixtures;
            config.issuer = args.issuer;
            config.deviations = args.deviations;
            config.tls = tls;
            config
        }
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("uma-conformance: {e}");
            return 2;
        }
    };
    let mock = match MockAs::start(config).await {
        Ok(mock) => mock,
        Err(e) => {
            eprintln!("uma-conformance: {e}");
            return 2;
        }
    };
    if let Some(path) = &args.ca_out {
        // Written before the issuer is printed: whoever reads that line can trust the file.
        let pem = mock.ca_certificate_pem().unwrap_or_default();
        if let Err(e) = std::fs::write(path, pem) {
            eprintln!("uma-conformance: --ca-out {}: {e}", path.display());
            mock.stop().await;
            return 2;
        }
    }
    println!("{}", mock.issuer());
    let _ = std::io::stdout().flush();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = mock.wait() => {}
    }
    0
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
    0
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
