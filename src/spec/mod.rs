//! Spec data shared by every layer: the requirement catalogue, the JSON Schemas and the assets
//! embedded in the binary. Nothing here knows about HTTP, cucumber or the mocks.

pub mod assets;
pub mod freedoms;
pub mod requirements;
pub mod schemas;
