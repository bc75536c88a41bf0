//! The command-line interface: `run`, `mock as`, `requirements`, `deviations`, `validate`,
//! `diff`, `explain`.

pub mod args;
pub mod commands;
pub mod diff;
pub mod requirements;
pub mod validate;

pub use args::Cli;
