//! Resource owners' access policies (Grant 3.3.4 step 3), evaluated without the owner. How
//! policies are set is outside UMA 2.0 (Part F 17); the mock reads them from `policies.json` and
//! lets a test change them at run time through its control API.
//!
//! A policy names an owner, a target (one resource by id, every resource of a registered `type`,
//! or all of the owner's resources), the scopes it covers, the clients it applies to, optional
//! conditions (a validity window, a time of day by the mock's clock, claims of the requesting
//! party) and an outcome: grant, deny, require claims, or ask the owner.
//!
//! For one resource, the most specific target level that has a policy for the client decides
//! (resource id, then type, then owner-wide), so an owner can make exceptions to a blanket rule.
//! Within that level, for each requested scope, among the policies covering it whose conditions
//! hold: an explicit deny wins, then a grant, then claims that satisfy a claims requirement, then
//! the owner's answer to a request; a claims requirement nobody satisfied asks for claims;
//! anything else is denied (Grant 5.6: default deny). A policy outside its validity window or
//! time of day grants nothing, and the levels below it do not stand in.

use serde::{Deserialize, Serialize};

use super::claims::{ClaimSet, RequestingParty, satisfies};
use super::clock::Timestamp;
use super::ids::{RESOURCE_ID_BYTES, RandomnessUnavailable, random_id};
use super::scope::is_scope_token;
use crate::mock::authorization_server::fixtures::{OutcomeFixture, PolicyFixture};

/// The claim token formats the mock verifies (Grant 3.3.1).
pub(crate) const ID_TOKEN_FORMAT: &str =
    "http://openid.net/specs/openid-connect-core-1_0.html#IDToken";
pub(crate) const JWT_FORMAT: &str = "urn:ietf:params:oauth:token-type:jwt";

const SECONDS_PER_DAY: i64 = 24 * 3600;

/// One entry of `required_claims` in a need_info answer (Grant 3.3.6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimHint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_token_format: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friendly_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Resource(String),
    ResourceType(String),
    AllOfOwner,
}

impl Target {
    /// Lower is more specific.
    fn level(&self) -> u8 {
        match self {
            Target::Resource(_) => 0,
            Target::ResourceType(_) => 1,
            Target::AllOfOwner => 2,
        }
    }

    fn matches(&self, resource: &ResourceFacts<'_>) -> bool {
        match self {
            Target::Resource(id) => id == resource.resource_id,
            Target::ResourceType(t) => resource.resource_type == Some(t.as_str()),
            Target::AllOfOwner => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PolicyOutcome {
    Grant,
    Deny,
    /// Granted once the requesting party's claims satisfy the policy's claims (any claims at
    /// all when it names none); until then need_info with these hints.
    NeedClaims {
        hints: Vec<ClaimHint>,
        redirect_user: bool,
    },
    AskOwner,
}

/// When a policy applies, by the mock's clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) from: Option<Timestamp>,
    pub(crate) until: Option<Timestamp>,
    /// Seconds after midnight UTC: from (inclusive) and until (exclusive); wraps past midnight
    /// when from is later than until.
    pub(crate) time_of_day: Option<(i64, i64)>,
}

impl Window {
    fn is_open(&self, now: Timestamp) -> bool {
        if self.from.is_some_and(|from| now < from) || self.until.is_some_and(|until| now >= until)
        {
            return false;
        }
        match self.time_of_day {
            None => true,
            Some((from, until)) => {
                let t = now.rem_euclid(SECONDS_PER_DAY);
                if from <= until {
                    from <= t && t < until
                } else {
                    t >= from || t < until
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Policy {
    pub(crate) owner: String,
    pub(crate) target: Target,
    /// Empty: every scope.
    pub(crate) scopes: Vec<String>,
    pub(crate) outcome: PolicyOutcome,
    /// None: every client.
    pub(crate) clients: Option<Vec<String>>,
    /// Claims the requesting party must have for the policy to count.
    pub(crate) claims: ClaimSet,
    pub(crate) window: Window,
}

impl Policy {
    /// Checks a policy as written in `policies.json` or sent to the control API. Whether its
    /// owner and clients exist is for the caller to say.
    pub(crate) fn from_fixture(f: &PolicyFixture) -> Result<Policy, String> {
        if f.owner.is_empty() {
            return Err("owner must not be empty".into());
        }
        let target = match (&f.resource_id, &f.resource_type) {
            (Some(_), Some(_)) => {
                return Err("give resource_id or resource_type, not both".into());
            }
            (Some(id), None) if !id.is_empty() => Target::Resource(id.clone()),
            (None, Some(t)) if !t.is_empty() => Target::ResourceType(t.clone()),
            (None, None) => Target::AllOfOwner,
            _ => return Err("resource_id and resource_type must not be empty".into()),
        };
        if let Some(bad) = f.scopes.iter().find(|s| !is_scope_token(s)) {
            return Err(format!("scope {bad:?} is not an RFC 6749 scope token"));
        }
        if let Some(clients) = &f.clients {
            if clients.iter().any(String::is_empty) {
                return Err("clients must not contain an empty client_id".into());
            }
        }
        let is_need_claims = f.outcome == OutcomeFixture::NeedClaims;
        if !is_need_claims && (!f.required_claims.is_empty() || f.redirect_user.is_some()) {
            return Err("required_claims and redirect_user belong to need_claims policies".into());
        }
        let outcome = match f.outcome {
            OutcomeFixture::Grant => PolicyOutcome::Grant,
            OutcomeFixture::Deny => PolicyOutcome::Deny,
            OutcomeFixture::AskOwner => PolicyOutcome::AskOwner,
            OutcomeFixture::NeedClaims => PolicyOutcome::NeedClaims {
                hints: if f.required_claims.is_empty() {
                    default_hints(&f.claims)
                } else {
                    f.required_claims.clone()
                },
                redirect_user: f.redirect_user.unwrap_or(true),
            },
        };
        if let (Some(from), Some(until)) = (f.valid_from, f.valid_until) {
            if from >= until {
                return Err("valid_from must be earlier than valid_until".into());
            }
        }
        let time_of_day = match &f.time_of_day {
            None => None,
            Some(t) => {
                let from = time_of_day(&t.from)?;
                let until = time_of_day(&t.until)?;
                if from == until {
                    return Err("time_of_day from and until must differ".into());
                }
                Some((from, until))
            }
        };
        Ok(Policy {
            owner: f.owner.clone(),
            target,
            scopes: f.scopes.clone(),
            outcome,
            clients: f.clients.clone(),
            claims: f.claims.clone(),
            window: Window {
                from: f.valid_from,
                until: f.valid_until,
                time_of_day,
            },
        })
    }

    /// Whether the policy is about this resource and this client: such policies pick the level
    /// that decides.
    fn concerns(&self, resource: &ResourceFacts<'_>, facts: &Facts<'_>) -> bool {
        self.owner == resource.owner
            && self.target.matches(resource)
            && self
                .clients
                .as_ref()
                .is_none_or(|c| c.iter().any(|id| id == facts.client_id))
    }

    /// A scope of None stands for a request for the resource as such, which any policy covers.
    fn covers(&self, scope: Option<&str>) -> bool {
        match scope {
            None => true,
            Some(scope) => self.scopes.is_empty() || self.scopes.iter().any(|s| s == scope),
        }
    }

    fn claims_hold(&self, party: &RequestingParty) -> bool {
        self.claims.is_empty() || satisfies(&party.claims, &self.claims)
    }
}

/// Hints derived from the claims a need_claims policy wants, for policies that give none.
fn default_hints(claims: &ClaimSet) -> Vec<ClaimHint> {
    let formats = Some(vec![ID_TOKEN_FORMAT.to_string(), JWT_FORMAT.to_string()]);
    if claims.is_empty() {
        return vec![ClaimHint {
            claim_token_format: formats,
            friendly_name: Some("requesting party identifier".into()),
            name: Some("sub".into()),
            ..ClaimHint::default()
        }];
    }
    claims
        .keys()
        .map(|name| ClaimHint {
            claim_token_format: formats.clone(),
            friendly_name: Some(name.clone()),
            name: Some(name.clone()),
            ..ClaimHint::default()
        })
        .collect()
}

/// "HH:MM", 00:00 to 24:00, as seconds after midnight.
fn time_of_day(text: &str) -> Result<i64, String> {
    let bad = || format!("time of day {text:?} is not HH:MM (00:00 to 24:00)");
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: i64 = h.parse().map_err(|_| bad())?;
    let m: i64 = m.parse().map_err(|_| bad())?;
    if !(0..=24).contains(&h) || !(0..60).contains(&m) || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 3600 + m * 60)
}

/// The resource a decision is about.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResourceFacts<'a> {
    pub(crate) owner: &'a str,
    pub(crate) resource_id: &'a str,
    /// The `type` of its registered description.
    pub(crate) resource_type: Option<&'a str>,
}

/// The owner's answer to a pending request of this authorization process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OwnerAnswer {
    Pending,
    Approved,
    Denied,
}

/// What the decision may use besides the resource.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts<'a> {
    pub(crate) client_id: &'a str,
    pub(crate) party: &'a RequestingParty,
    pub(crate) now: Timestamp,
    pub(crate) owner_answer: Option<OwnerAnswer>,
}

/// The result for one scope, worst last: the assessment is all or nothing, so the worst verdict
/// of any scope decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Verdict {
    Granted,
    Submitted,
    NeedInfo,
    Denied,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResourceDecision {
    pub(crate) verdict: Verdict,
    /// For NeedInfo: what would help.
    pub(crate) hints: Vec<ClaimHint>,
    pub(crate) redirect_user: bool,
}

#[derive(Debug, Clone)]
struct Stored {
    id: String,
    /// As written, to show back through the control API.
    source: PolicyFixture,
    policy: Policy,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Policies {
    entries: Vec<Stored>,
}

impl Policies {
    /// Fixture policies, already validated; those without an `id` are numbered.
    pub(crate) fn from_fixtures(fixtures: &[PolicyFixture]) -> Self {
        let entries = fixtures
            .iter()
            .enumerate()
            .filter_map(|(n, f)| {
                let policy = Policy::from_fixture(f).ok()?;
                let id = f.id.clone().unwrap_or_else(|| format!("fixture-{}", n + 1));
                Some(Stored {
                    id,
                    source: f.clone(),
                    policy,
                })
            })
            .collect();
        Policies { entries }
    }

    /// Adds a policy under a fresh id.
    pub(crate) fn create(
        &mut self,
        source: PolicyFixture,
        policy: Policy,
    ) -> Result<String, RandomnessUnavailable> {
        let id = loop {
            let id = random_id(RESOURCE_ID_BYTES)?;
            if !self.entries.iter().any(|e| e.id == id) {
                break id;
            }
        };
        self.entries.push(Stored {
            id: id.clone(),
            source,
            policy,
        });
        Ok(id)
    }

    /// Replaces a policy wholesale; false if the id is unknown.
    pub(crate) fn replace(&mut self, id: &str, source: PolicyFixture, policy: Policy) -> bool {
        match self.entries.iter_mut().find(|e| e.id == id) {
            Some(entry) => {
                entry.source = source;
                entry.policy = policy;
                true
            }
            None => false,
        }
    }

    pub(crate) fn delete(&mut self, id: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.id != id);
        self.entries.len() != before
    }

    pub(crate) fn get(&self, id: &str) -> Option<&PolicyFixture> {
        self.entries.iter().find(|e| e.id == id).map(|e| &e.source)
    }

    /// Every policy with its id, oldest first.
    pub(crate) fn list(&self) -> Vec<(&str, &PolicyFixture)> {
        self.entries
            .iter()
            .map(|e| (e.id.as_str(), &e.source))
            .collect()
    }

    /// Decides one resource for `scopes` (RequestedScopes(resource); empty asks for the resource
    /// as such).
    pub(crate) fn decide(
        &self,
        resource: ResourceFacts<'_>,
        scopes: &[String],
        facts: &Facts<'_>,
    ) -> ResourceDecision {
        let applicable: Vec<&Policy> = self
            .entries
            .iter()
            .map(|e| &e.policy)
            .filter(|p| p.concerns(&resource, facts))
            .collect();
        let mut decision = ResourceDecision {
            verdict: Verdict::Granted,
            hints: Vec::new(),
            redirect_user: false,
        };
        let Some(level) = applicable.iter().map(|p| p.target.level()).min() else {
            decision.verdict = Verdict::Denied;
            return decision;
        };
        let deciding: Vec<&Policy> = applicable
            .into_iter()
            .filter(|p| p.target.level() == level)
            .collect();
        let asked: Vec<Option<&str>> = if scopes.is_empty() {
            vec![None]
        } else {
            scopes.iter().map(|s| Some(s.as_str())).collect()
        };
        for scope in asked {
            let covering: Vec<&Policy> = deciding
                .iter()
                .copied()
                .filter(|p| p.covers(scope) && p.window.is_open(facts.now))
                .collect();
            let verdict = scope_verdict(&covering, facts, &mut decision);
            decision.verdict = decision.verdict.max(verdict);
        }
        if decision.verdict != Verdict::NeedInfo {
            decision.hints.clear();
            decision.redirect_user = false;
        }
        decision
    }
}

fn scope_verdict(
    covering: &[&Policy],
    facts: &Facts<'_>,
    decision: &mut ResourceDecision,
) -> Verdict {
    let party = facts.party;
    let has = |wanted: fn(&PolicyOutcome) -> bool| {
        covering
            .iter()
            .any(|p| wanted(&p.outcome) && p.claims_hold(party))
    };
    if has(|o| *o == PolicyOutcome::Deny) {
        return Verdict::Denied;
    }
    if has(|o| *o == PolicyOutcome::Grant) {
        return Verdict::Granted;
    }
    let need_claims: Vec<&Policy> = covering
        .iter()
        .copied()
        .filter(|p| matches!(p.outcome, PolicyOutcome::NeedClaims { .. }))
        .collect();
    // Grant 5.6: a claims requirement that names no claim still needs some claims; an empty set
    // satisfies nothing.
    let satisfied = |p: &&Policy| {
        if p.claims.is_empty() {
            !party.claims.is_empty()
        } else {
            satisfies(&party.claims, &p.claims)
        }
    };
    if need_claims.iter().any(satisfied) {
        return Verdict::Granted;
    }
    if has(|o| *o == PolicyOutcome::AskOwner) {
        return match facts.owner_answer {
            Some(OwnerAnswer::Approved) => Verdict::Granted,
            Some(OwnerAnswer::Denied) => Verdict::Denied,
            Some(OwnerAnswer::Pending) | None => Verdict::Submitted,
        };
    }
    if need_claims.is_empty() {
        return Verdict::Denied;
    }
    for policy in need_claims {
        if let PolicyOutcome::NeedClaims {
            hints,
            redirect_user,
        } = &policy.outcome
        {
            for hint in hints {
                if !decision.hints.contains(hint) {
                    decision.hints.push(hint.clone());
                }
            }
            decision.redirect_user |= *redirect_user;
        }
    }
    Verdict::NeedInfo
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::authorization_server::fixtures::TimeOfDayFixture;
    use serde_json::{Value, json};

    fn fixture(value: Value) -> PolicyFixture {
        serde_json::from_value(value).unwrap()
    }

    fn policies(values: &[Value]) -> Policies {
        let fixtures: Vec<_> = values.iter().cloned().map(fixture).collect();
        for f in &fixtures {
            Policy::from_fixture(f).unwrap();
        }
        Policies::from_fixtures(&fixtures)
    }

    fn party(claims: Value) -> RequestingParty {
        let Value::Object(claims) = claims else {
            unreachable!()
        };
        RequestingParty {
            subject: None,
            claims,
        }
    }

    fn decide(
        p: &Policies,
        resource: &str,
        kind: Option<&str>,
        scopes: &[&str],
        f: Facts<'_>,
    ) -> Verdict {
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        p.decide(
            ResourceFacts {
                owner: "alice",
                resource_id: resource,
                resource_type: kind,
            },
            &scopes,
            &f,
        )
        .verdict
    }

    fn facts<'a>(client: &'a str, party: &'a RequestingParty) -> Facts<'a> {
        Facts {
            client_id: client,
            party,
            now: 1_000_000,
            owner_answer: None,
        }
    }

    #[test]
    fn the_most_specific_level_decides() {
        let p = policies(&[
            json!({"owner": "alice", "outcome": "grant", "clients": ["app"]}),
            json!({"owner": "alice", "resource_type": "diary", "outcome": "deny"}),
            json!({"owner": "alice", "resource_id": "r1", "scopes": ["view"], "outcome": "grant"}),
        ]);
        let nobody = RequestingParty::default();
        let app = facts("app", &nobody);
        assert_eq!(
            decide(&p, "r0", None, &["view", "print"], app),
            Verdict::Granted
        );
        assert_eq!(decide(&p, "r0", None, &[], app), Verdict::Granted);
        assert_eq!(
            decide(&p, "r0", Some("diary"), &["view"], app),
            Verdict::Denied
        );
        // The resource-level policy covers view only; print is not covered there.
        assert_eq!(decide(&p, "r1", None, &["view"], app), Verdict::Granted);
        assert_eq!(
            decide(&p, "r1", None, &["view", "print"], app),
            Verdict::Denied
        );
        // Another client: only the resource-level policy applies to it.
        let other = facts("other", &nobody);
        assert_eq!(decide(&p, "r0", None, &["view"], other), Verdict::Denied);
        assert_eq!(decide(&p, "r1", None, &["view"], other), Verdict::Granted);
        // Another owner's resources: default deny.
        let bob = p.decide(
            ResourceFacts {
                owner: "bob",
                resource_id: "r0",
                resource_type: None,
            },
            &[],
            &app,
        );
        assert_eq!(bob.verdict, Verdict::Denied);
    }

    #[test]
    fn claims_requirements_and_owner_requests() {
        let p = policies(&[
            json!({"owner": "alice", "resource_type": "record", "outcome": "need_claims",
                   "claims": {"roles": "doctor"}}),
            json!({"owner": "alice", "resource_type": "any-claims", "outcome": "need_claims",
                   "redirect_user": false}),
            json!({"owner": "alice", "resource_type": "album", "outcome": "ask_owner"}),
        ]);
        let nobody = RequestingParty::default();
        let decision = p.decide(
            ResourceFacts {
                owner: "alice",
                resource_id: "r",
                resource_type: Some("record"),
            },
            &["view".to_string()],
            &facts("app", &nobody),
        );
        assert_eq!(decision.verdict, Verdict::NeedInfo);
        assert!(decision.redirect_user);
        assert_eq!(decision.hints[0].name.as_deref(), Some("roles"));
        let doctor = party(json!({"roles": ["doctor"]}));
        assert_eq!(
            decide(&p, "r", Some("record"), &["view"], facts("app", &doctor)),
            Verdict::Granted
        );
        let patient = party(json!({"roles": ["patient"]}));
        assert_eq!(
            decide(&p, "r", Some("record"), &["view"], facts("app", &patient)),
            Verdict::NeedInfo
        );
        // Grant 5.6: no claims at all do not satisfy a requirement that names none.
        assert_eq!(
            decide(
                &p,
                "r",
                Some("any-claims"),
                &["view"],
                facts("app", &nobody)
            ),
            Verdict::NeedInfo
        );
        assert_eq!(
            decide(
                &p,
                "r",
                Some("any-claims"),
                &["view"],
                facts("app", &patient)
            ),
            Verdict::Granted
        );

        let mut f = facts("app", &nobody);
        assert_eq!(
            decide(&p, "r", Some("album"), &["view"], f),
            Verdict::Submitted
        );
        f.owner_answer = Some(OwnerAnswer::Approved);
        assert_eq!(
            decide(&p, "r", Some("album"), &["view"], f),
            Verdict::Granted
        );
        f.owner_answer = Some(OwnerAnswer::Denied);
        assert_eq!(
            decide(&p, "r", Some("album"), &["view"], f),
            Verdict::Denied
        );
    }

    #[test]
    fn windows_and_times_of_day() {
        let day = 1_000 * SECONDS_PER_DAY;
        // The blanket grant does not stand in when the resource's own policy is out of time.
        let mut p = policies(&[
            json!({"owner": "alice", "resource_id": "r", "outcome": "grant",
                   "valid_from": day, "valid_until": day + 100}),
            json!({"owner": "alice", "outcome": "grant"}),
        ]);
        let nobody = RequestingParty::default();
        let at = |now| Facts {
            client_id: "app",
            party: &nobody,
            now,
            owner_answer: None,
        };
        assert_eq!(decide(&p, "r", None, &[], at(day - 1)), Verdict::Denied);
        assert_eq!(decide(&p, "r", None, &[], at(day)), Verdict::Granted);
        assert_eq!(decide(&p, "r", None, &[], at(day + 100)), Verdict::Denied);

        let office = fixture(json!({"owner": "alice", "resource_id": "r", "outcome": "grant"}));
        let office = PolicyFixture {
            time_of_day: Some(TimeOfDayFixture {
                from: "09:00".into(),
                until: "17:00".into(),
            }),
            ..office
        };
        let policy = Policy::from_fixture(&office).unwrap();
        assert!(p.replace("fixture-1", office, policy));
        assert_eq!(
            decide(&p, "r", None, &[], at(day + 9 * 3600)),
            Verdict::Granted
        );
        assert_eq!(
            decide(&p, "r", None, &[], at(day + 17 * 3600)),
            Verdict::Denied
        );
        let night = Window {
            time_of_day: Some((22 * 3600, 6 * 3600)),
            ..Window::default()
        };
        assert!(night.is_open(day + 23 * 3600) && night.is_open(day + 3600));
        assert!(!night.is_open(day + 12 * 3600));
    }

    #[test]
    fn malformed_policies_are_refused() {
        for bad in [
            json!({"owner": "", "outcome": "grant"}),
            json!({"owner": "a", "resource_id": "r", "resource_type": "t", "outcome": "grant"}),
            json!({"owner": "a", "resource_id": "", "outcome": "grant"}),
            json!({"owner": "a", "scopes": ["a b"], "outcome": "grant"}),
            json!({"owner": "a", "outcome": "grant", "required_claims": [{"name": "x"}]}),
            json!({"owner": "a", "outcome": "deny", "redirect_user": true}),
            json!({"owner": "a", "outcome": "grant", "valid_from": 5, "valid_until": 5}),
            json!({"owner": "a", "outcome": "grant", "time_of_day": {"from": "9:00", "until": "17:00"}}),
            json!({"owner": "a", "outcome": "grant", "time_of_day": {"from": "24:30", "until": "17:00"}}),
            json!({"owner": "a", "outcome": "grant", "time_of_day": {"from": "10:00", "until": "10:00"}}),
            json!({"owner": "a", "outcome": "grant", "clients": [""]}),
        ] {
            assert!(
                Policy::from_fixture(&fixture(bad.clone())).is_err(),
                "{bad}"
            );
        }
        assert!(
            serde_json::from_value::<PolicyFixture>(json!({"owner": "a", "outcome": "maybe"}))
                .is_err()
        );
    }

    #[test]
    fn control_operations() {
        let mut p = policies(&[json!({"id": "mine", "owner": "alice", "outcome": "grant"})]);
        assert!(p.get("mine").is_some());
        let deny = fixture(json!({"owner": "alice", "outcome": "deny"}));
        let id = p
            .create(deny.clone(), Policy::from_fixture(&deny).unwrap())
            .unwrap();
        assert_eq!(p.list().len(), 2);
        let nobody = RequestingParty::default();
        assert_eq!(
            decide(&p, "r", None, &["view"], facts("app", &nobody)),
            Verdict::Denied
        );
        assert!(p.delete(&id));
        assert!(!p.delete(&id));
        assert_eq!(
            decide(&p, "r", None, &["view"], facts("app", &nobody)),
            Verdict::Granted
        );
        assert!(!p.replace("nope", deny.clone(), Policy::from_fixture(&deny).unwrap()));
    }
}
