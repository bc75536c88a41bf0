//! The authorization server's domain: resource owners and their policies, clients, tokens,
//! registered resources, permission tickets, claims about requesting parties, authorization
//! codes, and the assessment that turns a ticket into an RPT. Nothing here knows about HTTP; the
//! adapter in `http/` translates.

pub(crate) mod assessment;
pub(crate) mod authorization;
pub(crate) mod claim_tokens;
pub(crate) mod claims;
pub(crate) mod claims_interaction;
pub(crate) mod client_registration;
pub(crate) mod clients;
pub(crate) mod clock;
pub(crate) mod codes;
pub(crate) mod crafted_introspection;
pub(crate) mod description;
pub(crate) mod grants;
pub(crate) mod ids;
pub(crate) mod interactions;
pub(crate) mod introspection;
pub(crate) mod logins;
pub(crate) mod owner_requests;
pub(crate) mod owners;
pub(crate) mod pcts;
pub(crate) mod permissions;
pub(crate) mod pkce;
pub(crate) mod policy;
pub(crate) mod refresh_tokens;
pub(crate) mod requesting_parties;
pub(crate) mod resources;
pub(crate) mod scope;
pub(crate) mod secrets;
pub(crate) mod sha256;
pub(crate) mod signing;
pub(crate) mod tickets;
pub(crate) mod tokens;

use super::fixtures::{Fixtures, RptFormat};
use claim_tokens::IdentityProviders;
use clients::ClientDirectory;
use codes::CodeStore;
use interactions::InteractionStore;
use logins::LoginStore;
use owner_requests::OwnerRequests;
use owners::OwnerDirectory;
use pcts::PctStore;
use policy::Policies;
use refresh_tokens::RefreshStore;
use requesting_parties::RequestingParties;
use resources::ResourceRegistry;
use signing::RptSigner;
use tickets::TicketStore;
use tokens::TokenStore;

/// The issuer the core assumes in unit tests, which have no HTTP side.
#[cfg(test)]
const PLACEHOLDER_ISSUER: &str = "https://as.example.test";

/// How long things the AS hands out stay valid, in seconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lifetimes {
    pub(crate) access_token: i64,
    pub(crate) permission_ticket: i64,
    pub(crate) rpt: i64,
    pub(crate) permission: i64,
    pub(crate) authorization_code: i64,
    pub(crate) refresh_token: i64,
    pub(crate) pct: i64,
    /// The least time between two polls after request_submitted.
    pub(crate) poll_interval: i64,
}

/// The whole mutable state of one authorization server.
#[derive(Debug)]
pub(crate) struct AsCore {
    /// The issuer, as published: the audience of JWT claim tokens and the `iss` of JWT RPTs.
    pub(crate) issuer: String,
    pub(crate) owners: OwnerDirectory,
    pub(crate) clients: ClientDirectory,
    pub(crate) policies: Policies,
    pub(crate) requesting_parties: RequestingParties,
    pub(crate) identity_providers: IdentityProviders,
    pub(crate) tokens: TokenStore,
    pub(crate) resources: ResourceRegistry,
    pub(crate) tickets: TicketStore,
    pub(crate) owner_requests: OwnerRequests,
    pub(crate) pcts: PctStore,
    pub(crate) refresh_tokens: RefreshStore,
    pub(crate) logins: LoginStore,
    pub(crate) interactions: InteractionStore,
    pub(crate) codes: CodeStore,
    /// Set when RPTs are JWTs.
    pub(crate) signer: Option<RptSigner>,
    pub(crate) lifetimes: Lifetimes,
}

impl AsCore {
    /// A core with opaque RPTs and a placeholder issuer; enough for everything but JWT RPTs.
    #[cfg(test)]
    pub(crate) fn new(fixtures: &Fixtures) -> Self {
        Self::build(fixtures, PLACEHOLDER_ISSUER)
    }

    /// The core for a server published under `issuer`, with a fresh signing key if the
    /// fixtures ask for JWT RPTs.
    pub(crate) fn start(fixtures: &Fixtures, issuer: &str) -> Result<Self, String> {
        let mut core = Self::build(fixtures, issuer);
        if fixtures.server().rpt_format == RptFormat::Jwt {
            core.signer = Some(RptSigner::generate()?);
        }
        Ok(core)
    }

    fn build(fixtures: &Fixtures, issuer: &str) -> Self {
        let server = fixtures.server();
        // Fixture validation caps lifetimes far below i64::MAX.
        let secs = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        AsCore {
            issuer: issuer.to_string(),
            owners: OwnerDirectory::from_fixtures(fixtures.resource_owners()),
            clients: ClientDirectory::from_fixtures(fixtures.clients()),
            policies: Policies::from_fixtures(fixtures.policies()),
            requesting_parties: RequestingParties::from_fixtures(fixtures.requesting_parties()),
            identity_providers: IdentityProviders::from_fixtures(fixtures.identity_providers()),
            tokens: TokenStore::default(),
            resources: ResourceRegistry::default(),
            tickets: TicketStore::default(),
            owner_requests: OwnerRequests::default(),
            pcts: PctStore::default(),
            refresh_tokens: RefreshStore::default(),
            logins: LoginStore::default(),
            interactions: InteractionStore::default(),
            codes: CodeStore::default(),
            signer: None,
            lifetimes: Lifetimes {
                access_token: secs(server.access_token_lifetime_secs),
                permission_ticket: secs(server.permission_ticket_lifetime_secs),
                rpt: secs(server.rpt_lifetime_secs),
                permission: secs(server.permission_lifetime_secs),
                authorization_code: secs(server.authorization_code_lifetime_secs),
                refresh_token: secs(server.refresh_token_lifetime_secs),
                pct: secs(server.pct_lifetime_secs),
                poll_interval: secs(server.request_submitted_interval_secs),
            },
        }
    }
}
