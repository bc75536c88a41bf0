//! Orchestration: target descriptions, scenario selection, running cucumber, verdicts, reports,
//! and starting the built-in mocks when no target is given.

pub mod builtin;
pub mod config;
pub mod execute;
pub mod expected;
pub mod explain;
pub mod features;
pub mod legs;
pub mod party_config;
pub mod redaction;
pub mod reference_client;
pub mod report;
pub mod run;
pub mod summary;
pub mod verdict;
