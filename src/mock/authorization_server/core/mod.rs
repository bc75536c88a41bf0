//! The authorization server's domain: resource owners' clients, tokens, registered resources and
//! permission tickets. Nothing here knows about HTTP; the adapter in `http/` translates.

pub(crate) mod clients;
pub(crate) mod clock;
pub(crate) mod description;
pub(crate) mod grants;
pub(crate) mod ids;
pub(crate) mod permissions;
pub(crate) mod resources;
pub(crate) mod scope;
pub(crate) mod tickets;
pub(crate) mod tokens;

use super::fixtures::Fixtures;
use clients::ClientDirectory;
use resources::ResourceRegistry;
use tickets::TicketStore;
use tokens::TokenStore;

/// How long things the AS hands out stay valid, in seconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lifetimes {
    pub(crate) access_token: i64,
    pub(crate) permission_ticket: i64,
}

/// The whole mutable state of one authorization server.
#[derive(Debug)]
pub(crate) struct AsCore {
    pub(crate) clients: ClientDirectory,
    pub(crate) tokens: TokenStore,
    pub(crate) resources: ResourceRegistry,
    pub(crate) tickets: TicketStore,
    pub(crate) lifetimes: Lifetimes,
}

impl AsCore {
    pub(crate) fn new(fixtures: &Fixtures) -> Self {
        let server = fixtures.server();
        // Fixture validation caps lifetimes far below i64::MAX.
        let secs = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        AsCore {
            clients: ClientDirectory::from_fixtures(fixtures.clients()),
            tokens: TokenStore::default(),
            resources: ResourceRegistry::default(),
            tickets: TicketStore::default(),
            lifetimes: Lifetimes {
                access_token: secs(server.access_token_lifetime_secs),
                permission_ticket: secs(server.permission_ticket_lifetime_secs),
            },
        }
    }
}
