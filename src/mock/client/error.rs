//! Why a run stopped, and the exit code each reason maps to.

/// A failed run; the message is printed as `error: {message}`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ClientError {
    /// A party said no, or broke the protocol (exit 1).
    #[error("{0}")]
    Refused(String),
    /// Bad options, transport, parse or state file failures (exit 2).
    #[error("{0}")]
    Failure(String),
    /// need_info that this client cannot answer (exit 3).
    #[error("{0}")]
    NeedInfo(String),
    /// The redirect back from claims interaction was refused (exit 4).
    #[error("{0}")]
    Interaction(String),
}

impl ClientError {
    pub(crate) fn exit_code(&self) -> i32 {
        match self {
            ClientError::Refused(_) => 1,
            ClientError::Failure(_) => 2,
            ClientError::NeedInfo(_) => 3,
            ClientError::Interaction(_) => 4,
        }
    }
}
