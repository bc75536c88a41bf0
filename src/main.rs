use clap::Parser;

fn main() {
    let cli = uma_conformance::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("uma-conformance: cannot start the async runtime: {e}");
            std::process::exit(2);
        }
    };
    let code = runtime.block_on(uma_conformance::cli::commands::dispatch(cli));
    std::process::exit(code);
}
