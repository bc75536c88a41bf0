//! The feature files, schemas, fixtures and requirement catalogue are embedded in the binary
//! (`src/spec/assets.rs`); rebuild when any of them changes, not only when Rust code does.

fn main() {
    for dir in ["features", "schemas", "mocks", "spec"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
