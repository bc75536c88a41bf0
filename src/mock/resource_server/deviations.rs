//! Named switches that make the reference resource server misbehave the way a real one might,
//! each breaking specific requirement ids of `spec/requirements.tsv`.

use super::error::RsError;

pub use crate::mock::deviation_info::DeviationInfo;

/// Every deviation of the resource server, in the order of [`CATALOGUE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deviation {
    NoTicketInChallenge,
    AsUriNotIssuer,
    NoWarningWhenAsDown,
    ServesExpiredPermission,
    ServesWithoutScopeCheck,
    ChallengeWith403,
    ServesInactiveToken,
    ServesOtherResource,
    InsufficientRptWithoutTicket,
    PermissionForEveryScope,
    PermissionWithoutScopesMember,
    PermissionUnregisteredScope,
    PermissionUnknownResource,
    PermissionFormEncoded,
    IntrospectionWrongHint,
    IntrospectionPatInQuery,
    RegistersScopesAsString,
    RegistersBadOptionalMembers,
    CollectionPermissionsNotArray,
    EmptyScopesAsNull,
    BadScopeDescription,
    ServesNotYetValid,
    IgnoresTokenExp,
    RejectsUnknownMembers,
}

const ALL: [Deviation; 24] = [
    Deviation::NoTicketInChallenge,
    Deviation::AsUriNotIssuer,
    Deviation::NoWarningWhenAsDown,
    Deviation::ServesExpiredPermission,
    Deviation::ServesWithoutScopeCheck,
    Deviation::ChallengeWith403,
    Deviation::ServesInactiveToken,
    Deviation::ServesOtherResource,
    Deviation::InsufficientRptWithoutTicket,
    Deviation::PermissionForEveryScope,
    Deviation::PermissionWithoutScopesMember,
    Deviation::PermissionUnregisteredScope,
    Deviation::PermissionUnknownResource,
    Deviation::PermissionFormEncoded,
    Deviation::IntrospectionWrongHint,
    Deviation::IntrospectionPatInQuery,
    Deviation::RegistersScopesAsString,
    Deviation::RegistersBadOptionalMembers,
    Deviation::CollectionPermissionsNotArray,
    Deviation::EmptyScopesAsNull,
    Deviation::BadScopeDescription,
    Deviation::ServesNotYetValid,
    Deviation::IgnoresTokenExp,
    Deviation::RejectsUnknownMembers,
];

/// What breaks once the AS refuses a permission request for the resource a tokenless request
/// asks for: the RS gets no ticket, so it answers 403 with the Warning instead of a ticket
/// (Grant 3.2) in a 401 challenge (3.2.1). (What it would answer an insufficient RPT, 3.5, is
/// never seen: without a ticket no client gets an RPT to begin with.)
macro_rules! refused_ticket {
    ($($id:literal),*) => {
        &[$($id,)* "GRANT-3.2-a", "GRANT-3.2.1-i1"]
    };
}
/// Every permission request lacks the member, the index's empty ones too (4-c).
const KNOCK_ON_FED_4_1_C: &[&str] = refused_ticket!("FED-4.1-c", "FED-4-c");
const KNOCK_ON_FED_4_1_D: &[&str] = refused_ticket!("FED-4.1-d");
/// The suffixed id names no resource the RS registered.
const KNOCK_ON_FED_4_1_B: &[&str] = refused_ticket!("FED-4.1-b");
const KNOCK_ON_FED_4_1_I1: &[&str] = refused_ticket!("FED-4.1-i1");
/// Only collections are asked for this way: the body is neither a permission nor an array of
/// them (4.1-i1), and several permissions are not sent as an array (4-b).
const KNOCK_ON_COLLECTION: &[&str] = &["FED-4.1-i1", "FED-4-b"];
/// Only the patient index asks without scopes.
const KNOCK_ON_EMPTY_SCOPES: &[&str] = &["FED-4-c", "FED-4.1-c"];

static CATALOGUE: [DeviationInfo; 24] = [
    DeviationInfo {
        name: "no-ticket-in-challenge",
        // Never asking the AS, it cannot tell when the AS is down either (3.2.2).
        breaks: &["GRANT-3.2-a", "GRANT-3.2.1-i1", "GRANT-3.2.2-i1"],
        summary: "The 401 challenge names the realm and as_uri but no ticket, and no ticket is asked for.",
    },
    DeviationInfo {
        name: "as-uri-not-issuer",
        breaks: &["GRANT-3.2.1-i1"],
        summary: "The challenge's as_uri is the AS's permission endpoint instead of its issuer URI.",
    },
    DeviationInfo {
        name: "no-warning-when-as-down",
        breaks: &["GRANT-3.2.2-i1"],
        summary: "With the AS unreachable, the 403 answer carries no Warning header.",
    },
    DeviationInfo {
        name: "serves-expired-permission",
        breaks: &["GRANT-3.5-a"],
        summary: "Permission-level exp is ignored: a permission past its expiry in an active RPT still serves.",
    },
    DeviationInfo {
        name: "serves-without-scope-check",
        breaks: &["GRANT-3.5-a"],
        summary: "Any permission on the resource serves, whatever its scopes (view allows delete).",
    },
    DeviationInfo {
        name: "challenge-with-403",
        breaks: &["GRANT-3.2.1-i1", "GRANT-3.5-i1"],
        summary: "Tokenless and insufficient requests get the UMA challenge (with its ticket) under status 403 instead of 401.",
    },
    DeviationInfo {
        name: "serves-inactive-token",
        breaks: &["GRANT-3.5-a"],
        summary: "The introspection answer's active member is ignored: an inactive token whose permissions would allow the request serves (introspected RPTs only: a JWT RPT checked locally against jwks_uri has no active member).",
    },
    DeviationInfo {
        name: "serves-other-resource",
        breaks: &["GRANT-3.5-a"],
        summary: "A permission with the needed scope on any resource serves, whichever resource it names.",
    },
    DeviationInfo {
        name: "insufficient-rpt-without-ticket",
        breaks: &["GRANT-3.5-i1"],
        summary: "An RPT that does not suffice gets a bare 403: no challenge, no ticket asked for (tokenless requests still get the 401 challenge).",
    },
    DeviationInfo {
        name: "permission-for-every-scope",
        breaks: &["GRANT-3.2-b", "FED-4-a"],
        summary: "Permission requests ask for every action scope of the resource (view, edit, download, delete) instead of the one the request needs; the AS grants the ticket.",
    },
    DeviationInfo {
        name: "permission-without-scopes-member",
        breaks: KNOCK_ON_FED_4_1_C,
        summary: "Permission requests leave out resource_scopes; the AS refuses them, so no ticket: 403 with the Warning instead of the challenge.",
    },
    DeviationInfo {
        name: "permission-unregistered-scope",
        breaks: KNOCK_ON_FED_4_1_D,
        summary: "Permission requests add the scope print, never registered for the resource; the AS refuses them (invalid_scope), so 403 with the Warning instead of the challenge.",
    },
    DeviationInfo {
        name: "permission-unknown-resource",
        breaks: KNOCK_ON_FED_4_1_B,
        summary: "Permission requests name the resource's _id with a suffix the AS never issued; the AS refuses them (invalid_resource_id), so 403 with the Warning instead of the challenge.",
    },
    DeviationInfo {
        name: "permission-form-encoded",
        breaks: KNOCK_ON_FED_4_1_I1,
        summary: "Permission requests are sent form-encoded instead of as JSON; the AS refuses them, so 403 with the Warning instead of the challenge.",
    },
    DeviationInfo {
        name: "introspection-wrong-hint",
        breaks: &["FED-5.1-i1"],
        summary: "Introspection calls send token_type_hint=refresh_token (the AS looks the RPT up anyway). JWT RPTs of an AS with jwks_uri are checked locally, not introspected, so only opaque ones show it.",
    },
    DeviationInfo {
        name: "introspection-pat-in-query",
        breaks: &["FED-1.3-d", "FED-5.1-i1"],
        summary: "Introspection calls carry the PAT in an access_token query parameter instead of the Authorization header; the AS refuses them, so even a sufficient RPT gets a fresh challenge. JWT RPTs of an AS with jwks_uri are checked locally, not introspected, so only opaque ones show it.",
    },
    DeviationInfo {
        name: "registers-scopes-as-string",
        breaks: &["FED-3.1-a"],
        summary: "At start, also registers one extra resource whose resource_scopes is a space-separated string, and carries on whatever the AS answers.",
    },
    DeviationInfo {
        name: "registers-bad-optional-members",
        breaks: &[
            "FED-3.1-b",
            "FED-3.1-c",
            "FED-3.1-e",
            "FED-3.1-f",
            "FED-3.1-h",
            "FED-3.1-j",
            "FED-3.1-k",
        ],
        summary: "At start, also registers one extra resource whose name, name#de, description, description#de and type are numbers, icon_uri not a URI and resource_scopes holds an empty string beside the valid scopes, and carries on whatever the AS answers.",
    },
    DeviationInfo {
        name: "collection-permissions-not-array",
        breaks: KNOCK_ON_COLLECTION,
        summary: "A collection's permission request is {\"permissions\": [...]} instead of a JSON array; the AS refuses it, so the collection gets 403 with the Warning instead of the challenge.",
    },
    DeviationInfo {
        name: "empty-scopes-as-null",
        breaks: KNOCK_ON_EMPTY_SCOPES,
        summary: "The patient index's permission request sends resource_scopes: null instead of []; the AS refuses it, so the index gets 403 with the Warning instead of the challenge.",
    },
    DeviationInfo {
        name: "bad-scope-description",
        breaks: &[
            "FED-3.1.1-a",
            "FED-3.1.1-b",
            "FED-3.1.1-d",
            "FED-3.1.1-e",
            "FED-3.1.1-g",
            "FED-3.1.1-i",
        ],
        summary: "The share scope's description document (/scopes/share) has name, name#de, description and description#de as numbers and a relative icon_uri.",
    },
    DeviationInfo {
        name: "serves-not-yet-valid",
        breaks: &["GRANT-3.5-a"],
        summary: "Permission-level nbf is ignored: a permission not valid yet serves.",
    },
    DeviationInfo {
        name: "ignores-token-exp",
        breaks: &["GRANT-3.5-a"],
        summary: "The token's own exp is ignored: an answer that calls a token active past its exp still serves.",
    },
    DeviationInfo {
        name: "rejects-unknown-members",
        breaks: &["FED-1.1-b"],
        summary: "An introspection answer with a member the RS does not know is refused instead of the member being skipped.",
    },
];

impl Deviation {
    fn index(self) -> usize {
        ALL.iter().position(|d| *d == self).unwrap_or(0)
    }

    fn info(self) -> &'static DeviationInfo {
        &CATALOGUE[self.index()]
    }
}

/// Every deviation the reference resource server knows.
pub fn deviations() -> &'static [DeviationInfo] {
    &CATALOGUE
}

/// The deviations switched on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DeviationSet(u32);

impl DeviationSet {
    pub(crate) fn parse(names: &[String]) -> Result<Self, RsError> {
        let mut set = 0u32;
        for name in names {
            let Some(d) = ALL.iter().find(|d| d.info().name == name) else {
                return Err(RsError::UnknownDeviation {
                    name: name.clone(),
                    known: CATALOGUE
                        .iter()
                        .map(|d| d.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            };
            set |= 1 << d.index();
        }
        Ok(DeviationSet(set))
    }

    pub(crate) fn has(self, deviation: Deviation) -> bool {
        self.0 & (1 << deviation.index()) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_one_breaks_something() {
        crate::mock::deviation_info::assert_sound(&CATALOGUE);
    }

    #[test]
    fn broken_ids_are_resource_server_requirements_of_the_catalogue() {
        crate::mock::deviation_info::assert_breaks_bind(&CATALOGUE, "RS");
    }

    #[test]
    fn parse_sets_and_rejects() {
        let set = DeviationSet::parse(&["as-uri-not-issuer".to_string()]).unwrap();
        assert!(set.has(Deviation::AsUriNotIssuer));
        assert!(!set.has(Deviation::NoTicketInChallenge));
        assert!(!DeviationSet::default().has(Deviation::ServesExpiredPermission));
        let err = DeviationSet::parse(&["nope".to_string()]).unwrap_err();
        assert!(err.to_string().contains("serves-without-scope-check"));
    }
}
