//! Report writers. Each takes results that are already redacted.

pub mod console;
pub mod cucumber_json;
pub mod html;
pub mod junit;
pub mod markdown;
pub mod results_json;
