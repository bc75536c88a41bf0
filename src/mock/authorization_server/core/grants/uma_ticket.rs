//! The UMA grant (Grant 3.3): a client presents a permission ticket, perhaps with a pushed claim
//! token, a PCT, an RPT to upgrade and extra scopes, and gets an RPT carrying the permissions the
//! owner's policies allow, or an error that tells it how to go on.
//!
//! The flow: use the ticket up (Grant 5.5: presenting a ticket ends it, whatever the answer),
//! check the client and the request, gather what is known about the requesting party (the
//! ticket's context, the PCT, the claim token), assess (Grant 3.3.4, in `assessment`), and
//! answer. need_info and request_submitted hand out a new ticket carrying the same permissions
//! and everything learnt so far, bound to this client.

use super::rpt::all_scopes;
use super::{GrantError, IssuedToken, REFRESH_TOKEN, UMA_TICKET};
use crate::mock::authorization_server::core::AsCore;
use crate::mock::authorization_server::core::assessment::{
    Outcome, Requested, Unassessable, assess, requested_permissions,
};
use crate::mock::authorization_server::core::claim_tokens::{ClaimTokenRules, Presentation};
use crate::mock::authorization_server::core::claims::RequestingParty;
use crate::mock::authorization_server::core::clock::Timestamp;
use crate::mock::authorization_server::core::owner_requests::{OwnerRequest, RequestStatus};
use crate::mock::authorization_server::core::pcts::Pct;
use crate::mock::authorization_server::core::policy::{
    ClaimHint, Facts, ID_TOKEN_FORMAT, JWT_FORMAT, OwnerAnswer,
};
use crate::mock::authorization_server::core::refresh_tokens::RefreshGrant;
use crate::mock::authorization_server::core::resources::{View, registered_scopes};
use crate::mock::authorization_server::core::scope::parse_scope;
use crate::mock::authorization_server::core::tickets::{Presented, Ticket, TicketContext};
use crate::mock::authorization_server::core::tokens::{GrantedPermission, TokenGrant};

/// Switches for the grant. The default is the spec's behaviour; deviations flip them.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RptRules {
    /// Leave the ticket valid after use (breaks Grant 5.5).
    pub(crate) tickets_reusable: bool,
    /// Grant every scope the resource registers instead of the assessed ones.
    pub(crate) all_registered_scopes: bool,
    /// Add this scope, registered for no resource, to every permission.
    pub(crate) extra_scope: Option<&'static str>,
    /// After need_info, the presented ticket stays valid besides the new one.
    pub(crate) need_info_ticket_reusable: bool,
    /// need_info hands back the presented (used-up) ticket instead of a new one.
    pub(crate) need_info_same_ticket: bool,
    /// need_info hands back no ticket at all.
    pub(crate) need_info_without_ticket: bool,
    /// request_submitted hands back the presented (used-up) ticket instead of a new one.
    pub(crate) submitted_same_ticket: bool,
    /// request_submitted hands back no ticket at all.
    pub(crate) submitted_without_ticket: bool,
    /// A requested scope no resource of the ticket has is dropped, not refused.
    pub(crate) requested_scope_ignored: bool,
    /// The client's pre-registered scopes are not added to RequestedScopes.
    pub(crate) registered_scopes_ignored: bool,
    /// A request the policy grants only in part gets everything it asked for.
    pub(crate) partial_grant_all: bool,
    pub(crate) claim_tokens: ClaimTokenRules,
    /// Any client may use any PCT.
    pub(crate) pct_any_client: bool,
    /// Pushed claim tokens are verified, then their claims are dropped.
    pub(crate) pushed_claims_ignored: bool,
    /// A usable PCT adds nothing to what the AS knows about the requesting party.
    pub(crate) pct_recalls_nothing: bool,
    /// An upgraded RPT stays active.
    pub(crate) upgrade_keeps_old_rpt: bool,
    /// Another client's RPT is upgraded too.
    pub(crate) upgrade_across_clients: bool,
    /// Only an RPT with one permission is upgraded.
    pub(crate) upgrade_only_once: bool,
    /// Requested scopes count whether or not the client is pre-registered for them.
    pub(crate) unregistered_scopes_honoured: bool,
}

/// The token request's parameters for this grant.
#[derive(Debug, Clone, Default)]
pub(crate) struct RptRequest<'a> {
    pub(crate) ticket: Option<&'a str>,
    /// The ticket as read before the request was processed (the `concurrent-ticket-redemption`
    /// deviation): it then counts even if another request used it in between.
    pub(crate) peeked: Option<Ticket>,
    pub(crate) scope: Option<&'a str>,
    pub(crate) claim_token: Option<&'a str>,
    pub(crate) claim_token_format: Option<&'a str>,
    pub(crate) pct: Option<&'a str>,
    pub(crate) rpt: Option<&'a str>,
}

/// The request, checked, with the ticket it presented.
struct Process {
    /// The value presented, for deviations that hand it back.
    presented: String,
    ticket: Ticket,
    context: TicketContext,
}

impl AsCore {
    pub(crate) fn uma_ticket(
        &mut self,
        client_id: &str,
        request: RptRequest<'_>,
        rules: RptRules,
        now: Timestamp,
    ) -> Result<IssuedToken, GrantError> {
        // Grant 5.5: presenting a ticket ends it, whatever the answer, so it is taken first.
        let presented = request.ticket.map(|value| match request.peeked.clone() {
            Some(peeked) => {
                self.tickets.present(value, now);
                Presented::Valid(Box::new(peeked))
            }
            None if rules.tickets_reusable => self.tickets.peek(value, now),
            None => self.tickets.present(value, now),
        });
        let client = self
            .clients
            .get(client_id)
            .ok_or_else(|| GrantError::UnauthorizedClient("unknown client".into()))?;
        if !client.may_use(UMA_TICKET) {
            return Err(GrantError::UnauthorizedClient(format!(
                "client {client_id} may not use the UMA grant"
            )));
        }
        let registered = if rules.registered_scopes_ignored {
            Vec::new()
        } else {
            client.scopes.clone()
        };
        let (Some(value), Some(presented)) = (request.ticket, presented) else {
            return Err(GrantError::InvalidRequest("ticket is required".into()));
        };
        if request.claim_token.is_some() != request.claim_token_format.is_some() {
            return Err(GrantError::InvalidRequest(
                "claim_token and claim_token_format must be sent together".into(),
            ));
        }
        let ticket = match presented {
            Presented::Valid(ticket) => *ticket,
            Presented::Unknown => return Err(GrantError::UnknownTicket),
            Presented::Expired | Presented::Spent => {
                return Err(GrantError::InvalidGrant(
                    "the ticket has expired or was already used".into(),
                ));
            }
        };
        // A ticket handed out in a client's process carries what its requesting party said.
        if ticket
            .context
            .client_id
            .as_deref()
            .is_some_and(|bound| bound != client_id)
        {
            return Err(GrantError::InvalidGrant(
                "the ticket belongs to another client's authorization process".into(),
            ));
        }
        let asked = match request.scope {
            Some(value) => parse_scope(value).map_err(|bad| {
                GrantError::InvalidScope(format!("{bad:?} is not a valid scope token"))
            })?,
            None => Vec::new(),
        };
        let registered = if rules.unregistered_scopes_honoured {
            asked.clone()
        } else {
            registered
        };
        let requested = requested_permissions(
            &ticket,
            &self.resources,
            &registered,
            &asked,
            rules.requested_scope_ignored,
        )
        .map_err(|why| match why {
            Unassessable::ScopeNotAvailable(scope) => GrantError::InvalidScope(format!(
                "scope {scope:?} is available on none of the ticket's resources"
            )),
            Unassessable::NoResourceLeft => GrantError::InvalidGrant(
                "every resource of the ticket has been deregistered".into(),
            ),
        })?;
        let mut context = ticket.context.clone();
        context.client_id = Some(client_id.to_string());
        let mut process = Process {
            presented: value.to_string(),
            ticket,
            context,
        };
        if let Err(why) = self.learn(client_id, &request, &mut process.context, rules, now) {
            let hints = self.generic_hints(client_id);
            return Err(self.need_info(process, hints, true, why, rules, now));
        }
        let owner_answer = process
            .context
            .owner_request
            .as_deref()
            .and_then(|id| self.owner_requests.get(id))
            .map(|r| match r.status {
                RequestStatus::Pending => OwnerAnswer::Pending,
                RequestStatus::Approved => OwnerAnswer::Approved,
                RequestStatus::Denied => OwnerAnswer::Denied,
            });
        let facts = Facts {
            client_id,
            party: &process.context.party,
            now,
            owner_answer,
        };
        let mut outcome = assess(&self.policies, &self.resources, requested.clone(), &facts);
        if rules.partial_grant_all && outcome == Outcome::Denied {
            outcome = self.grant_if_any_scope_passes(requested, &facts);
        }
        match outcome {
            Outcome::Granted(granted) => {
                self.grant(client_id, process.context, granted, request.rpt, rules, now)
            }
            Outcome::Denied => Err(GrantError::RequestDenied),
            Outcome::NeedInfo {
                hints,
                redirect_user,
            } => {
                let hints = self.with_issuers(client_id, hints);
                let why = "the owner's policy needs claims about the requesting party".to_string();
                Err(self.need_info(process, hints, redirect_user, why, rules, now))
            }
            Outcome::Submitted => Err(self.submitted(process, rules, now)),
        }
    }

    /// The deviation that turns a partial grant into a whole one: if any single requested scope
    /// would pass, every requested scope is granted.
    fn grant_if_any_scope_passes(&self, requested: Vec<Requested>, facts: &Facts<'_>) -> Outcome {
        let any = requested.iter().any(|item| {
            item.scopes.iter().any(|scope| {
                let alone = Requested {
                    scopes: vec![scope.clone()],
                    ..item.clone()
                };
                matches!(
                    assess(&self.policies, &self.resources, vec![alone], facts),
                    Outcome::Granted(_)
                )
            })
        });
        if any {
            Outcome::Granted(requested)
        } else {
            Outcome::Denied
        }
    }

    /// Adds what the PCT and the pushed claim token say about the requesting party. Anything
    /// that cannot be used is the reason for need_info. A token about another party than the
    /// one this process learnt about replaces what was learnt (the client now speaks for someone
    /// else); a PCT and a token about two different parties in one request are refused.
    fn learn(
        &self,
        client_id: &str,
        request: &RptRequest<'_>,
        context: &mut TicketContext,
        rules: RptRules,
        now: Timestamp,
    ) -> Result<(), String> {
        let mut recalled = None;
        if let Some(value) = request.pct {
            let pct = self
                .pcts
                .usable(value, client_id, now, rules.pct_any_client)
                .map_err(|_| "the PCT is unknown, expired, revoked or not this client's")?;
            if !pct.party.compatible_with(&context.party) {
                return Err("the PCT is about another requesting party".into());
            }
            if rules.pct_recalls_nothing {
                return self.learn_pushed(client_id, request, context, rules, now, None);
            }
            // What this process learnt is newer than what the PCT recalls.
            let mut party = pct.party.clone();
            party.merge(&context.party);
            context.party = party;
            recalled = Some(&pct.party);
        }
        self.learn_pushed(client_id, request, context, rules, now, recalled)
    }

    /// Adds what the pushed claim token says, if one was pushed; `recalled` is the party the
    /// request's PCT stands for.
    fn learn_pushed(
        &self,
        client_id: &str,
        request: &RptRequest<'_>,
        context: &mut TicketContext,
        rules: RptRules,
        now: Timestamp,
        recalled: Option<&RequestingParty>,
    ) -> Result<(), String> {
        if let (Some(token), Some(format)) = (request.claim_token, request.claim_token_format) {
            let presentation = Presentation {
                token,
                format,
                client_id,
                as_issuer: &self.issuer,
                now,
            };
            let party = self
                .identity_providers
                .verify(presentation, rules.claim_tokens)
                .map_err(|err| err.describe())?;
            if recalled.is_some_and(|pct| !party.compatible_with(pct)) {
                return Err(
                    "the claim token and the PCT are about different requesting parties".into(),
                );
            }
            if rules.pushed_claims_ignored {
                return Ok(());
            }
            if party.compatible_with(&context.party) {
                context.party.merge(&party);
            } else {
                context.party = party;
            }
            context.collected = true;
        }
        Ok(())
    }

    /// Hints for a claim token or PCT that could not be used: any supported format from any
    /// issuer the client may push.
    fn generic_hints(&self, client_id: &str) -> Vec<ClaimHint> {
        self.with_issuers(
            client_id,
            vec![ClaimHint {
                claim_token_format: Some(vec![ID_TOKEN_FORMAT.into(), JWT_FORMAT.into()]),
                friendly_name: Some("requesting party identifier".into()),
                name: Some("sub".into()),
                ..ClaimHint::default()
            }],
        )
    }

    /// Names the issuers the client may push tokens of, in hints that name none.
    fn with_issuers(&self, client_id: &str, mut hints: Vec<ClaimHint>) -> Vec<ClaimHint> {
        let issuers = self.identity_providers.issuers_trusting(client_id);
        if !issuers.is_empty() {
            for hint in hints.iter_mut().filter(|h| h.issuer.is_none()) {
                hint.issuer = Some(issuers.clone());
            }
        }
        hints
    }

    /// The next ticket of this process: same permissions and owner, everything learnt so far.
    fn next_ticket(&self, process: &Process, now: Timestamp) -> Ticket {
        Ticket {
            partition: process.ticket.partition.clone(),
            permissions: process.ticket.permissions.clone(),
            issued_at: now,
            expires_at: now.saturating_add(self.lifetimes.permission_ticket),
            context: process.context.clone(),
        }
    }

    /// The ticket an answer that calls for another request hands back (Grant 3.3.6): a new one,
    /// or under the deviations none at all or the used-up value the client sent (all else
    /// stays faithful, Grant 5.5, so the client has nothing to go on with).
    fn handed_back_ticket(
        &mut self,
        process: &Process,
        without: bool,
        same: bool,
        now: Timestamp,
    ) -> Result<Option<String>, GrantError> {
        if without {
            return Ok(None);
        }
        if same {
            return Ok(Some(process.presented.clone()));
        }
        let next = self.next_ticket(process, now);
        self.tickets
            .issue(next)
            .map(Some)
            .map_err(GrantError::Randomness)
    }

    fn need_info(
        &mut self,
        process: Process,
        required_claims: Vec<ClaimHint>,
        redirect_user: bool,
        why: String,
        rules: RptRules,
        now: Timestamp,
    ) -> GrantError {
        let ticket = match self.handed_back_ticket(
            &process,
            rules.need_info_without_ticket,
            rules.need_info_same_ticket,
            now,
        ) {
            Ok(ticket) => ticket,
            Err(err) => return err,
        };
        if rules.need_info_ticket_reusable && !rules.need_info_same_ticket {
            self.tickets.reissue(&process.presented, process.ticket);
        }
        GrantError::NeedInfo {
            ticket,
            required_claims,
            redirect_user,
            why,
        }
    }

    fn submitted(&mut self, mut process: Process, rules: RptRules, now: Timestamp) -> GrantError {
        let open = process
            .context
            .owner_request
            .as_deref()
            .filter(|id| {
                self.owner_requests
                    .get(id)
                    .is_some_and(|r| r.status == RequestStatus::Pending)
            })
            .map(str::to_string);
        let request_id = match open {
            Some(id) => id,
            None => {
                // The ticket that led here counts as one of the request's, so that whoever
                // answers for the owner can name the request by any ticket the client held.
                let request = OwnerRequest {
                    owner: process.ticket.partition.owner.clone(),
                    client_id: process.context.client_id.clone().unwrap_or_default(),
                    permissions: process.ticket.permissions.clone(),
                    status: RequestStatus::Pending,
                    created_at: now,
                    tickets: vec![process.presented.clone()],
                };
                match self.owner_requests.open(request) {
                    Ok(id) => id,
                    Err(err) => return GrantError::Randomness(err),
                }
            }
        };
        process.context.owner_request = Some(request_id.clone());
        let ticket = match self.handed_back_ticket(
            &process,
            rules.submitted_without_ticket,
            rules.submitted_same_ticket,
            now,
        ) {
            Ok(ticket) => ticket,
            Err(err) => return err,
        };
        if let Some(value) = &ticket {
            self.owner_requests.record_ticket(&request_id, value);
        }
        GrantError::RequestSubmitted {
            ticket,
            interval: self.lifetimes.poll_interval,
        }
    }

    /// Success (Grant 3.3.5): the RPT, carrying over the permissions of the RPT the client sent
    /// (Grant 3.3.5.1), a refresh token for clients allowed one, and a PCT when claims were
    /// collected.
    fn grant(
        &mut self,
        client_id: &str,
        context: TicketContext,
        granted: Vec<Requested>,
        previous_rpt: Option<&str>,
        rules: RptRules,
        now: Timestamp,
    ) -> Result<IssuedToken, GrantError> {
        let mut permissions = self.permissions_for(granted, rules, now);
        let carried = previous_rpt
            .map(|old| self.carried_permissions(old, client_id, &context, rules, now))
            .unwrap_or_default();
        let upgraded = !carried.is_empty();
        for old in carried {
            match permissions
                .iter_mut()
                .find(|p| p.partition == old.partition && p.resource_id == old.resource_id)
            {
                Some(fresh) => {
                    for scope in old.resource_scopes {
                        if !fresh.resource_scopes.contains(&scope) {
                            fresh.resource_scopes.push(scope);
                        }
                    }
                }
                None => permissions.push(old),
            }
        }
        let rpt_scopes = all_scopes(&permissions);
        let access_token = self.mint_rpt(client_id, &context.party, permissions.clone(), now)?;
        if let (true, Some(old)) = (upgraded, previous_rpt) {
            if !rules.upgrade_keeps_old_rpt {
                // Grant 3.3.5.1: the client must discard it, so the AS revokes it.
                self.tokens.revoke(old, client_id, false);
                self.refresh_tokens.revoke_for_rpt(old);
            }
        }
        let may_refresh = self
            .clients
            .get(client_id)
            .is_some_and(|c| c.may_use(REFRESH_TOKEN));
        let refresh_token = if may_refresh {
            Some(self.refresh_tokens.issue(RefreshGrant {
                client_id: client_id.to_string(),
                party: context.party.clone(),
                permissions,
                rpt: access_token.clone(),
                expires_at: now.saturating_add(self.lifetimes.refresh_token),
                revoked: false,
            })?)
        } else {
            None
        };
        let pct = if context.collected {
            Some(self.pcts.issue(Pct {
                client_id: client_id.to_string(),
                party: context.party,
                expires_at: now.saturating_add(self.lifetimes.pct),
                revoked: false,
            })?)
        } else {
            None
        };
        Ok(IssuedToken {
            access_token,
            expires_in: self.lifetimes.rpt,
            scope: None,
            refresh_token,
            pct,
            upgraded,
            rpt_scopes,
        })
    }

    /// The permissions of the RPT the client sent that still count: its own (same client, same
    /// requesting party), not revoked, on resources still registered, not expired. The RPT
    /// itself may have expired (Grant 3.3.1).
    fn carried_permissions(
        &self,
        old: &str,
        client_id: &str,
        context: &TicketContext,
        rules: RptRules,
        now: Timestamp,
    ) -> Vec<GrantedPermission> {
        let Some(token) = self.tokens.find(old) else {
            return Vec::new();
        };
        let TokenGrant::Rpt {
            permissions,
            subject,
        } = &token.grant
        else {
            return Vec::new();
        };
        let foreign = token.client_id != client_id && !rules.upgrade_across_clients;
        if foreign || token.revoked || *subject != context.party.subject {
            return Vec::new();
        }
        if rules.upgrade_only_once && permissions.len() > 1 {
            return Vec::new();
        }
        permissions
            .iter()
            .filter(|p| now < p.expires_at)
            .filter(|p| {
                self.resources
                    .get(View::Partition(&p.partition), &p.resource_id)
                    .is_some()
            })
            .cloned()
            .collect()
    }

    /// The assessed permissions with their times, shaped by the scope deviations.
    fn permissions_for(
        &self,
        granted: Vec<Requested>,
        rules: RptRules,
        now: Timestamp,
    ) -> Vec<GrantedPermission> {
        granted
            .into_iter()
            .map(|item| {
                let mut scopes = if rules.all_registered_scopes {
                    self.resources
                        .get(View::Partition(&item.partition), &item.resource_id)
                        .map(|d| {
                            registered_scopes(d)
                                .into_iter()
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or(item.scopes)
                } else {
                    item.scopes
                };
                if let Some(extra) = rules.extra_scope {
                    if !scopes.iter().any(|s| s == extra) {
                        scopes.push(extra.to_string());
                    }
                }
                GrantedPermission {
                    partition: item.partition,
                    resource_id: item.resource_id,
                    resource_scopes: scopes,
                    issued_at: now,
                    expires_at: now.saturating_add(self.lifetimes.permission),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::authorization_server::core::permissions::PermissionRules;
    use crate::mock::authorization_server::core::resources::Partition;
    use crate::mock::authorization_server::core::tickets::Permission;
    use crate::mock::authorization_server::fixtures::Fixtures;
    use crate::spec::assets::MOCKS;
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    use serde_json::{Value, json};

    struct Setup {
        core: AsCore,
        resource: String,
    }

    fn alice() -> Partition {
        Partition {
            owner: "alice".into(),
            client_id: "rs-alice".into(),
        }
    }

    fn setup() -> Setup {
        let mut core = AsCore::new(&Fixtures::embedded().unwrap());
        let resource = register(&mut core, json!({"resource_scopes": ["view", "print"]}));
        Setup { core, resource }
    }

    fn register(core: &mut AsCore, description: Value) -> String {
        let Value::Object(description) = description else {
            unreachable!()
        };
        core.resources.create(&alice(), description).unwrap()
    }

    fn id_token(claims: Value) -> String {
        let pem = MOCKS
            .get_file("authorization-server/keys/idp-test-private.pem")
            .unwrap()
            .contents();
        let key = EncodingKey::from_rsa_pem(pem).unwrap();
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &key).unwrap()
    }

    fn doctor_token() -> String {
        id_token(
            json!({"iss": "https://idp.example.test", "sub": "carol", "aud": "uma-client",
                        "exp": 4_000_000_000u64, "roles": ["doctor"]}),
        )
    }

    impl Setup {
        fn ticket_for(&mut self, resource: &str, scopes: &[&str]) -> String {
            let permissions = vec![Permission {
                resource_id: resource.to_string(),
                resource_scopes: scopes.iter().map(|s| s.to_string()).collect(),
            }];
            self.core
                .check_permissions(&alice(), &permissions, PermissionRules::default())
                .unwrap();
            self.core.issue_ticket(&alice(), permissions, 0).unwrap()
        }

        fn ticket(&mut self, scopes: &[&str]) -> String {
            let resource = self.resource.clone();
            self.ticket_for(&resource, scopes)
        }

        fn grant(
            &mut self,
            client: &str,
            ticket: &str,
            rules: RptRules,
        ) -> Result<IssuedToken, GrantError> {
            let request = RptRequest {
                ticket: Some(ticket),
                ..RptRequest::default()
            };
            self.core.uma_ticket(client, request, rules, 10)
        }

        fn permissions(&self, rpt: &str) -> Vec<GrantedPermission> {
            match &self.core.tokens.active(rpt, 10).unwrap().grant {
                TokenGrant::Rpt { permissions, .. } => permissions.clone(),
                other => panic!("not an RPT: {other:?}"),
            }
        }
    }

    #[test]
    fn grants_exactly_what_was_asked_once() {
        let mut s = setup();
        let ticket = s.ticket(&["view"]);
        let issued = s.grant("uma-client", &ticket, RptRules::default()).unwrap();
        assert_eq!(issued.scope, None);
        assert_eq!(issued.expires_in, 300);
        assert!(issued.refresh_token.is_some(), "uma-client may refresh");
        assert_eq!(issued.pct, None, "no claims were collected");
        assert!(!issued.upgraded);
        let permissions = s.permissions(&issued.access_token);
        assert_eq!(permissions.len(), 1);
        assert_eq!(permissions[0].resource_scopes, ["view"]);
        assert_eq!(permissions[0].partition, alice());
        assert_eq!(
            (permissions[0].issued_at, permissions[0].expires_at),
            (10, 250)
        );
        assert!(matches!(
            s.grant("uma-client", &ticket, RptRules::default()),
            Err(GrantError::InvalidGrant(_))
        ));
        assert!(matches!(
            s.grant("uma-client", "never-issued", RptRules::default()),
            Err(GrantError::UnknownTicket)
        ));
    }

    #[test]
    fn a_refused_request_uses_the_ticket_up_too() {
        let mut s = setup();
        let ticket = s.ticket(&["view"]);
        assert!(matches!(
            s.grant("rs-alice", &ticket, RptRules::default()),
            Err(GrantError::UnauthorizedClient(_))
        ));
        assert!(matches!(
            s.grant("uma-client", &ticket, RptRules::default()),
            Err(GrantError::InvalidGrant(_))
        ));
        let missing =
            s.core
                .uma_ticket("uma-client", RptRequest::default(), RptRules::default(), 0);
        assert!(matches!(missing, Err(GrantError::InvalidRequest(_))));
        let fresh = s.ticket(&[]);
        let asked_unavailable = s.core.uma_ticket(
            "uma-client",
            RptRequest {
                ticket: Some(&fresh),
                scope: Some("fly"),
                ..RptRequest::default()
            },
            RptRules::default(),
            0,
        );
        assert!(matches!(
            asked_unavailable,
            Err(GrantError::InvalidScope(_))
        ));
        let fresh = s.ticket(&[]);
        let half_pushed = s.core.uma_ticket(
            "uma-client",
            RptRequest {
                ticket: Some(&fresh),
                claim_token: Some("x"),
                ..RptRequest::default()
            },
            RptRules::default(),
            0,
        );
        assert!(matches!(half_pushed, Err(GrantError::InvalidRequest(_))));
    }

    #[test]
    fn need_info_then_pushed_claims_then_pct() {
        let mut s = setup();
        let record = register(
            &mut s.core,
            json!({"resource_scopes": ["view"], "type": "urn:uma-conformance:type:medical-record"}),
        );
        let ticket = s.ticket_for(&record, &["view"]);
        let Err(GrantError::NeedInfo {
            ticket: Some(next),
            required_claims,
            redirect_user: true,
            ..
        }) = s.grant("uma-client", &ticket, RptRules::default())
        else {
            panic!("need_info expected")
        };
        assert_ne!(next, ticket);
        assert_eq!(required_claims[0].name.as_deref(), Some("roles"));
        // The new ticket belongs to uma-client's process.
        assert!(matches!(
            s.grant("uma-public-client", &next, RptRules::default()),
            Err(GrantError::InvalidGrant(_))
        ));
        let ticket = s.ticket_for(&record, &["view"]);
        let token = doctor_token();
        let pushed = RptRequest {
            ticket: Some(&ticket),
            claim_token: Some(&token),
            claim_token_format: Some(ID_TOKEN_FORMAT),
            ..RptRequest::default()
        };
        let issued = s
            .core
            .uma_ticket("uma-client", pushed, RptRules::default(), 10)
            .unwrap();
        let pct = issued.pct.expect("claims were pushed: a PCT");
        // The PCT stands in for the claims next time, for this client only.
        let ticket = s.ticket_for(&record, &["view"]);
        let with_pct = |ticket| RptRequest {
            ticket: Some(ticket),
            pct: Some(&pct),
            ..RptRequest::default()
        };
        let again = s
            .core
            .uma_ticket("uma-client", with_pct(&ticket), RptRules::default(), 10)
            .unwrap();
        assert_eq!(again.pct, None);
        let ticket = s.ticket_for(&record, &["view"]);
        assert!(matches!(
            s.core.uma_ticket(
                "uma-public-client",
                with_pct(&ticket),
                RptRules::default(),
                10
            ),
            Err(GrantError::NeedInfo { .. })
        ));
    }

    #[test]
    fn owner_requests_are_answered_on_the_next_poll() {
        let mut s = setup();
        let album = register(
            &mut s.core,
            json!({"resource_scopes": ["view"], "type": "urn:uma-conformance:type:photo-album"}),
        );
        let ticket = s.ticket_for(&album, &["view"]);
        let Err(GrantError::RequestSubmitted {
            ticket: Some(next),
            interval: 5,
        }) = s.grant("uma-client", &ticket, RptRules::default())
        else {
            panic!("request_submitted expected")
        };
        let (id, request) = s.core.owner_requests.pending()[0];
        assert_eq!(request.tickets, [ticket.clone(), next.clone()]);
        let id = id.to_string();
        // Still pending: the same request, a new ticket.
        let Err(GrantError::RequestSubmitted {
            ticket: Some(third),
            ..
        }) = s.grant("uma-client", &next, RptRules::default())
        else {
            panic!("still pending")
        };
        assert_eq!(s.core.owner_requests.pending().len(), 1);
        s.core.owner_requests.decide(&id, true).unwrap();
        assert!(s.grant("uma-client", &third, RptRules::default()).is_ok());
    }

    #[test]
    fn upgrades_carry_permissions_and_revoke_the_old_rpt() {
        let mut s = setup();
        let other = register(&mut s.core, json!({"resource_scopes": ["view"]}));
        let ticket = s.ticket(&["view"]);
        let first = s.grant("uma-client", &ticket, RptRules::default()).unwrap();
        let ticket = s.ticket_for(&other, &["view"]);
        let request = RptRequest {
            ticket: Some(&ticket),
            rpt: Some(&first.access_token),
            ..RptRequest::default()
        };
        let second = s
            .core
            .uma_ticket("uma-client", request, RptRules::default(), 10)
            .unwrap();
        assert!(second.upgraded);
        assert_eq!(s.permissions(&second.access_token).len(), 2);
        assert!(s.core.tokens.active(&first.access_token, 10).is_none());
        // Another client's RPT is not carried over.
        let ticket = s.ticket_for(&other, &["view"]);
        let request = RptRequest {
            ticket: Some(&ticket),
            rpt: Some(&second.access_token),
            ..RptRequest::default()
        };
        let third = s
            .core
            .uma_ticket("uma-public-client", request, RptRules::default(), 10)
            .unwrap();
        assert!(!third.upgraded);
        assert!(s.core.tokens.active(&second.access_token, 10).is_some());
    }

    #[test]
    fn deviating_rules() {
        let mut s = setup();
        let ticket = s.ticket(&["view"]);
        let reusable = RptRules {
            tickets_reusable: true,
            ..RptRules::default()
        };
        assert!(s.grant("uma-client", &ticket, reusable).is_ok());
        assert!(s.grant("uma-client", &ticket, reusable).is_ok());

        let ticket = s.ticket(&["view"]);
        let all = RptRules {
            all_registered_scopes: true,
            extra_scope: Some("admin"),
            ..RptRules::default()
        };
        let issued = s.grant("uma-client", &ticket, all).unwrap();
        assert_eq!(
            s.permissions(&issued.access_token)[0].resource_scopes,
            ["view", "print", "admin"]
        );

        let record = register(
            &mut s.core,
            json!({"resource_scopes": ["view"], "type": "urn:uma-conformance:type:medical-record"}),
        );
        let ticket = s.ticket_for(&record, &["view"]);
        let same = RptRules {
            need_info_same_ticket: true,
            ..RptRules::default()
        };
        assert!(matches!(
            s.grant("uma-client", &ticket, same),
            Err(GrantError::NeedInfo { ticket: Some(t), .. }) if t == ticket
        ));
        // Handed back, but still used up.
        assert!(matches!(
            s.grant("uma-client", &ticket, RptRules::default()),
            Err(GrantError::InvalidGrant(_))
        ));
        let ticket = s.ticket_for(&record, &["view"]);
        let reusable = RptRules {
            need_info_ticket_reusable: true,
            ..RptRules::default()
        };
        let Err(GrantError::NeedInfo {
            ticket: Some(next), ..
        }) = s.grant("uma-client", &ticket, reusable)
        else {
            panic!("need_info expected")
        };
        assert_ne!(next, ticket);
        assert!(matches!(
            s.grant("uma-client", &ticket, RptRules::default()),
            Err(GrantError::NeedInfo { .. })
        ));
        let ticket = s.ticket_for(&record, &["view"]);
        let without = RptRules {
            need_info_without_ticket: true,
            ..RptRules::default()
        };
        assert!(matches!(
            s.grant("uma-client", &ticket, without),
            Err(GrantError::NeedInfo { ticket: None, .. })
        ));
    }
}
