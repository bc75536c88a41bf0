//! The authorization server's domain: resource owners and their policies, clients, tokens,
//! registered resources, permission tickets, authorization codes, and the assessment that turns
//! a ticket into an RPT. Nothing here knows about HTTP; the adapter in `http/` translates.

pub(crate) mod assessment;
pub(crate) mod authorization;
pub(crate) mod clients;
pub(crate) mod clock;
pub(crate) mod codes;
pub(crate) mod description;
pub(crate) mod grants;
pub(crate) mod ids;
pub(crate) mod introspection;
pub(crate) mod logins;
pub(crate) mod owners;
pub(crate) mod permissions;
pub(crate) mod pkce;
pub(crate) mod policy;
pub(crate) mod resources;
pub(crate) mod scope;
pub(crate) mod secrets;
pub(crate) mod sha256;
pub(crate) mod tickets;
pub(crate) mod tokens;

use super::fixtures::Fixtures;
use clients::ClientDirectory;
use codes::CodeStore;
use logins::LoginStore;
use owners::OwnerDirectory;
use policy::Policies;
use resources::ResourceRegistry;
use tickets::TicketStore;
use tokens::TokenStore;

/// How long things the AS hands out stay valid, in seconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lifetimes {
    pub(crate) access_token: i64,
    pub(crate) permission_ticket: i64,
    pub(crate) rpt: i64,
    pub(crate) permission: i64,
    pub(crate) authorization_code: i64,
}

/// The whole mutable state of one authorization server.
#[derive(Debug)]
pub(crate) struct AsCore {
    pub(crate) owners: OwnerDirectory,
    pub(crate) clients: ClientDirectory,
    pub(crate) policies: Policies,
    pub(crate) tokens: TokenStore,
    pub(crate) resources: ResourceRegistry,
    pub(crate) tickets: TicketStore,
    pub(crate) logins: LoginStore,
    pub(crate) codes: CodeStore,
    pub(crate) lifetimes: Lifetimes,
}

impl AsCore {
    pub(crate) fn new(fixtures: &Fixtures) -> Self {
        let server = fixtures.server();
        // Fixture validation caps lifetimes far below i64::MAX.
        let secs = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        AsCore {
            owners: OwnerDirectory::from_fixtures(fixtures.resource_owners()),
            clients: ClientDirectory::from_fixtures(fixtures.clients()),
            policies: Policies::from_fixtures(fixtures.policies()),
            tokens: TokenStore::default(),
            resources: ResourceRegistry::default(),
            tickets: TicketStore::default(),
            logins: LoginStore::default(),
            codes: CodeStore::default(),
            lifetimes: Lifetimes {
                access_token: secs(server.access_token_lifetime_secs),
                permission_ticket: secs(server.permission_ticket_lifetime_secs),
                rpt: secs(server.rpt_lifetime_secs),
                permission: secs(server.permission_lifetime_secs),
                authorization_code: secs(server.authorization_code_lifetime_secs),
            },
        }
    }
}
