//! The command-line interface: `run`, `mock as`, `requirements`, `deviations`, `validate`.

pub mod args;
pub mod commands;
pub mod requirements;
pub mod validate;

pub use args::Cli;
