//! Reference mocks: spec-faithful UMA parties with switchable deviations. Nothing here imports
//! [`crate::harness`]: the checks and the mocks are written independently from the spec. The
//! resource server reaches the authorization server only over HTTP, as any resource server would.

pub mod authorization_server;
pub mod client;
pub mod deviation_info;
pub(crate) mod exchange_log;
pub mod resource_server;
