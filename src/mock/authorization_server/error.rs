//! Errors of starting the mock. Everything that goes wrong while serving is an HTTP answer, not one
//! of these.

use std::net::SocketAddr;

#[derive(Debug, thiserror::Error)]
pub enum MockError {
    #[error("unknown deviation {name:?}; known deviations: {known}")]
    UnknownDeviation { name: String, known: String },

    #[error("bad fixture {file}: {reason}")]
    Fixtures { file: String, reason: String },

    #[error("bad issuer {issuer:?}: {reason}")]
    InvalidIssuer { issuer: String, reason: String },

    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot start the mock authorization server: {0}")]
    Startup(String),
}

impl MockError {
    pub(crate) fn fixtures(file: impl Into<String>, reason: impl Into<String>) -> Self {
        MockError::Fixtures {
            file: file.into(),
            reason: reason.into(),
        }
    }
}
