use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use server::config::{Command, Config, OperatorCommand};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    // Colours only on a terminal: journald and log files get plain text.
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(&config.log))
        .with_ansi(std::io::stdout().is_terminal())
        .init();
    let outcome = match config.command {
        Some(Command::VerifyProof(ref args)) => server::verify_proof(&config, args).await,
        Some(Command::ProofKey) => server::print_proof_key(&config),
        Some(Command::Operator(OperatorCommand::Add { ref email, role })) => {
            server::add_operator(&config, email, role).await
        }
        None => server::run(config).await.map(|()| true),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            tracing::error!("{error}");
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
