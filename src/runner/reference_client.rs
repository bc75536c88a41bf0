//! The reference client as the client under test of the built-in run: started in-process (no
//! binary needed, so `cargo test` and an installed tool behave alike), each run a task whose
//! printed lines reach the harness as a command's would.

use tokio::sync::{mpsc, oneshot};

use crate::harness::roles::client_under_test::{
    ClientExit, ClientInvocation, ClientLauncher, ClientRun,
};
use crate::mock::client::{ClientAuth, ClientOptions, run};

/// The identity the harness's AS registers the reference client under.
pub const CLIENT_ID: &str = "reference-client";
pub const CLIENT_SECRET: &str = "reference-client-secret";

pub struct InProcessClient {
    pub claims_redirect_uri: String,
    pub deviations: Vec<String>,
    /// Scopes it asks for at the token endpoint, pre-registered at the harness's AS.
    pub scope: Option<String>,
}

impl ClientLauncher for InProcessClient {
    fn launch(&self, invocation: &ClientInvocation) -> Result<ClientRun, String> {
        let mut options =
            ClientOptions::new(&invocation.resource_url, CLIENT_ID, Some(CLIENT_SECRET));
        options.auth_method = ClientAuth::Basic;
        options.claims_redirect_uri = Some(self.claims_redirect_uri.clone());
        options.claim_token = invocation.claim_token.clone();
        options.state_dir = Some(invocation.state_dir.clone());
        options.scope = self.scope.clone();
        options.deviations = self.deviations.clone();
        let (lines_tx, lines) = mpsc::unbounded_channel();
        let (exit_tx, exit) = oneshot::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let ended = tokio::select! {
                code = run(options, lines_tx) => ClientExit::Code(code),
                _ = stopped => ClientExit::Abnormal("the client was stopped".into()),
            };
            let _ = exit_tx.send(ended);
        });
        Ok(ClientRun {
            lines,
            exit,
            stop: Some(stop),
        })
    }

    fn describe(&self) -> String {
        "the reference client (in-process)".into()
    }
}
