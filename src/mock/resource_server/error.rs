//! Errors of starting the reference resource server. Everything that goes wrong while serving is
//! an HTTP answer, not one of these.

use std::net::SocketAddr;

#[derive(Debug, thiserror::Error)]
pub enum RsError {
    #[error("unknown deviation {name:?}; known resource server deviations: {known}")]
    UnknownDeviation { name: String, known: String },

    #[error("bad fixture {file}: {reason}")]
    Fixtures { file: String, reason: String },

    #[error("bad authorization server issuer {issuer:?}: {reason}")]
    InvalidIssuer { issuer: String, reason: String },

    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },

    /// Discovery, the PAT or a resource registration failed at start.
    #[error("the authorization server at {issuer}: {reason}")]
    AuthorizationServer { issuer: String, reason: String },

    #[error("cannot start the mock resource server: {0}")]
    Startup(String),
}

impl RsError {
    pub(crate) fn fixtures(file: impl Into<String>, reason: impl Into<String>) -> Self {
        RsError::Fixtures {
            file: file.into(),
            reason: reason.into(),
        }
    }
}
