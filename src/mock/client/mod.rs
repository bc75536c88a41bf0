//! The reference UMA client (Grant 3): asks a resource server for a resource, follows the UMA
//! challenge to the authorization server, redeems permission tickets for an RPT (pushing claim
//! tokens, sending the requesting party through claims interaction, polling while the owner
//! decides) and keeps its PCTs, RPTs and refresh tokens between runs. It talks to the other
//! parties only over HTTP and shares no code with the mock AS or RS, nor with the checks.
//!
//! Exit codes of [`run`]: 0 the resource was served; 1 a party refused (request_denied, an
//! error answer, a protocol fault such as a repeated ticket, too many token requests); 2 bad
//! options, transport or parse failures, state file trouble; 3 need_info this client cannot
//! satisfy, or the requesting party never came back; 4 the redirect back from claims
//! interaction was refused (wrong state, an error from the AS).

mod challenge;
pub mod deviations;
mod discovery;
mod error;
mod flow;
mod interaction;
mod listener;
mod options;
mod output;
mod state;
mod store;
mod token;
mod wire;

pub use deviations::{DeviationInfo, deviations};
pub use options::{ClientAuth, ClientOptions, Timeouts};

/// Runs the client once; `out` receives the lines to print on stdout (one per step, the
/// resource's body, or a final `error: ...` line). Returns the exit code.
pub async fn run(options: ClientOptions, out: tokio::sync::mpsc::UnboundedSender<String>) -> i32 {
    flow::run(options, output::Output::new(out)).await
}
