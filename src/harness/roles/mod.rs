//! The roles the harness plays towards an authorization server: reading its discovery document,
//! holding PATs as a resource server would, and registering resources. Each role builds
//! requests and reads answers; sending and recording is the world's job.

pub mod claim_tokens;
pub mod claims_interaction;
pub mod client_under_test;
pub mod discovery;
pub mod html_form;
pub mod observed;
pub mod permissions;
pub mod policy_admin;
pub mod process_group;
pub mod readable;
pub mod registration;
pub mod tokens;
pub mod uri;
