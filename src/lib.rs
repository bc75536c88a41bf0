//! uma-conformance: a conformance harness and reference mocks for UMA 2.0.
//!
//! The crate is split so that the independence of checks and mocks is plain to see:
//!
//! - [`spec`]: data every layer may read (the requirement catalogue, JSON Schemas, embedded assets).
//! - [`harness`]: the checks. The HTTP driver, the roles the harness plays, the cucumber world and
//!   steps. It never imports [`mock`].
//! - [`mock`]: the reference mocks (domain core, HTTP adapters, deviations). It never imports
//!   [`harness`].
//! - [`runner`]: the orchestration that may use both: target descriptions, scenario selection,
//!   verdicts, reports, and starting the built-in mocks.
//! - [`cli`]: the command-line interface.
//! - [`text`]: small text helpers (HTML escaping, slugs) that reports and mocks share.

pub mod cli;
pub mod harness;
pub mod mock;
pub mod runner;
pub mod spec;
pub mod text;
