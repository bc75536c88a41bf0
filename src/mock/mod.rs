//! Reference mocks: spec-faithful UMA parties with switchable deviations. Nothing here imports
//! [`crate::harness`]: the checks and the mocks are written independently from the spec.

pub mod authorization_server;
