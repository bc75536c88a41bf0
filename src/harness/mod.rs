//! The checks: everything that drives a target over HTTP and judges what comes back. Nothing here
//! imports [`crate::mock`].

pub mod context;
pub mod record;
pub mod roles;
pub mod steps;
pub mod target;
pub mod wire;
pub mod world;
