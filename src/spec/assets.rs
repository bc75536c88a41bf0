//! Files embedded in the binary so that `cargo install` yields a working tool; each can be
//! overridden by a folder on disk.

use include_dir::{Dir, include_dir};

pub static FEATURES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/features");
pub static SCHEMAS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/schemas");
pub static MOCKS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/mocks");
pub static SPEC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/spec");
