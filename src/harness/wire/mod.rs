//! The wire layer: one HTTP driver for every request the harness makes (timeouts, body caps, no
//! automatic redirects, recording), secret redaction, and parsers for HTTP header syntax.

pub mod challenge;
pub mod driver;
pub mod exchange;
pub mod redact;

pub use driver::{
    Auth, DriverConfig, HttpDriver, HttpResponse, Request, RequestBody, TransportError,
};
pub use exchange::Exchange;
pub use redact::Secrets;
