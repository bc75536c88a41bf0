//! Named switches that make the reference client misbehave the way a real one might, each
//! breaking specific client requirement ids of `spec/requirements.tsv`, each visible on the wire.

pub use crate::mock::deviation_info::DeviationInfo;

/// Every deviation of the client, in the order of [`CATALOGUE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deviation {
    WrongGrantType,
    StaleTicket,
    TokenRequestToIssuer,
    JsonTokenRequest,
    NoClientAuth,
    RptInQuery,
    ClaimTokenWithoutFormat,
    ClaimTokenPadded,
    UnregisteredScope,
    NoClientIdInRedirect,
    NoTicketInRedirect,
    NoClaimsRedirectUri,
    RelativeClaimsRedirectUri,
    FragmentInClaimsRedirectUri,
    UnencodedRedirectQuery,
    NoState,
    GuessableState,
    StateNotChecked,
    StateExposesClientId,
    RejectsUnknownRedirectParams,
    IgnoresInterval,
    AcceptsRepeatedTicket,
    ForeignRptUpgrade,
    ForeignPct,
    ForeignRefreshToken,
    UnencodedRedirectUriQuery,
}

const ALL: [Deviation; 26] = [
    Deviation::WrongGrantType,
    Deviation::StaleTicket,
    Deviation::TokenRequestToIssuer,
    Deviation::JsonTokenRequest,
    Deviation::NoClientAuth,
    Deviation::RptInQuery,
    Deviation::ClaimTokenWithoutFormat,
    Deviation::ClaimTokenPadded,
    Deviation::UnregisteredScope,
    Deviation::NoClientIdInRedirect,
    Deviation::NoTicketInRedirect,
    Deviation::NoClaimsRedirectUri,
    Deviation::RelativeClaimsRedirectUri,
    Deviation::FragmentInClaimsRedirectUri,
    Deviation::UnencodedRedirectQuery,
    Deviation::NoState,
    Deviation::GuessableState,
    Deviation::StateNotChecked,
    Deviation::StateExposesClientId,
    Deviation::RejectsUnknownRedirectParams,
    Deviation::IgnoresInterval,
    Deviation::AcceptsRepeatedTicket,
    Deviation::ForeignRptUpgrade,
    Deviation::ForeignPct,
    Deviation::ForeignRefreshToken,
    Deviation::UnencodedRedirectUriQuery,
];

static CATALOGUE: [DeviationInfo; 26] = [
    DeviationInfo {
        name: "wrong-grant-type",
        breaks: &["GRANT-3.3.1-a"],
        summary: "Token requests name grant_type \"uma-ticket\" instead of the UMA grant's URN.",
    },
    DeviationInfo {
        name: "stale-ticket",
        breaks: &["GRANT-3.3.1-b", "GRANT-3.3.2-b"],
        summary: "After need_info the client retries with the ticket it sent before, not the new one.",
    },
    DeviationInfo {
        name: "token-request-to-issuer",
        breaks: &["GRANT-3.3.1-i1"],
        summary: "Token requests go to the challenge's as_uri itself, not to the discovered token endpoint.",
    },
    DeviationInfo {
        name: "json-token-request",
        breaks: &["GRANT-3.3.1-i1"],
        summary: "Token requests carry a JSON body instead of a form-encoded one.",
    },
    DeviationInfo {
        name: "no-client-auth",
        breaks: &["GRANT-3.3.1-i1"],
        summary: "Token requests carry no client authentication and no client_id at all.",
    },
    DeviationInfo {
        name: "rpt-in-query",
        breaks: &["GRANT-3.4-i1"],
        summary: "The RPT travels to the resource server as an access_token query parameter.",
    },
    DeviationInfo {
        name: "claim-token-without-format",
        breaks: &["GRANT-3.3.1-d"],
        summary: "A pushed claim_token goes without its claim_token_format.",
    },
    DeviationInfo {
        name: "claim-token-padded",
        // Wrapped, the token is no longer in the format the client names either.
        breaks: &[
            "GRANT-3.3.1-e",
            "GRANT-3.3.1-c",
            "GRANT-3.3.1-g",
            "GRANT-3.3.1-h",
        ],
        summary: "A pushed claim token is wrapped in standard, padded base64 (+, /, =) instead of sent as given.",
    },
    DeviationInfo {
        name: "unregistered-scope",
        breaks: &["GRANT-3.3.1-p"],
        summary: "Token requests add the scope \"print\", which the client never registered.",
    },
    DeviationInfo {
        name: "no-client-id-in-redirect",
        breaks: &["GRANT-3.3.2-a"],
        summary: "The claims interaction URL has no client_id.",
    },
    DeviationInfo {
        name: "no-ticket-in-redirect",
        breaks: &["GRANT-3.3.2-b"],
        summary: "The claims interaction URL has no ticket.",
    },
    DeviationInfo {
        name: "no-claims-redirect-uri",
        breaks: &["GRANT-3.3.2-c"],
        summary: "The claims interaction URL has no claims_redirect_uri, whatever the client registered.",
    },
    DeviationInfo {
        name: "relative-claims-redirect-uri",
        breaks: &["GRANT-3.3.2-d", "GRANT-3.3.2-h"],
        summary: "The claims_redirect_uri sent is the path alone, a relative reference.",
    },
    DeviationInfo {
        name: "fragment-in-claims-redirect-uri",
        breaks: &["GRANT-3.3.2-g", "GRANT-3.3.2-h", "GRANT-3.3.2-e"],
        summary: "The claims_redirect_uri sent ends with a fragment (#claims).",
    },
    DeviationInfo {
        name: "unencoded-redirect-query",
        breaks: &["GRANT-3.3.2-i1", "GRANT-3.3.2-h"],
        summary: "The claims interaction query is glued together without percent-encoding the values.",
    },
    DeviationInfo {
        name: "no-state",
        breaks: &["GRANT-3.3.2-m", "GRANT-5.1-c"],
        summary: "No state goes to the claims interaction endpoint, so nothing ties the return to the request.",
    },
    DeviationInfo {
        name: "guessable-state",
        breaks: &["GRANT-3.3.2-m", "GRANT-5.1-c", "GRANT-5.1-d"],
        summary: "The state is a small counter (\"1\", \"2\", ...) instead of 128 random bits.",
    },
    DeviationInfo {
        name: "state-not-checked",
        breaks: &["GRANT-5.1-b", "GRANT-5.1-e", "GRANT-5.1-f"],
        summary: "Any state, or none, is accepted on the redirect back.",
    },
    DeviationInfo {
        name: "state-exposes-client-id",
        breaks: &["GRANT-5.1-g"],
        summary: "The state is the client_id in plain text followed by a nonce.",
    },
    DeviationInfo {
        name: "rejects-unknown-redirect-params",
        breaks: &["GRANT-3.3.3-f"],
        summary: "An unrecognised parameter on the redirect back is treated as an error.",
    },
    DeviationInfo {
        name: "ignores-interval",
        breaks: &["GRANT-3.3.6-q"],
        summary: "After request_submitted the client polls again at once, ignoring interval.",
    },
    DeviationInfo {
        name: "accepts-repeated-ticket",
        breaks: &["GRANT-5.5-d"],
        summary: "A need_info ticket equal to the one just sent is used without complaint.",
    },
    DeviationInfo {
        name: "foreign-rpt-upgrade",
        breaks: &["GRANT-3.3.1-m"],
        summary: "The rpt the client offers for upgrading is not the one it was issued (a suffix is added).",
    },
    DeviationInfo {
        name: "foreign-pct",
        breaks: &["GRANT-3.3.1-i", "GRANT-3.3.1-j", "GRANT-3.3.1-l"],
        summary: "The pct the client presents is not the one it was issued (a suffix is added).",
    },
    DeviationInfo {
        name: "foreign-refresh-token",
        breaks: &["GRANT-3.6-b"],
        summary: "The refresh token the client refreshes with is not the one it was issued (a suffix is added).",
    },
    DeviationInfo {
        name: "unencoded-redirect-uri-query",
        // The URI with the raw space is no longer the one registered either.
        breaks: &["GRANT-3.3.2-e", "GRANT-3.3.2-h"],
        summary: "The claims redirect URI the client sends gets a query part with a raw space (note=two words).",
    },
];

impl Deviation {
    fn index(self) -> usize {
        ALL.iter().position(|d| *d == self).unwrap_or(0)
    }
}

/// Every deviation the reference client knows.
pub fn deviations() -> &'static [DeviationInfo] {
    &CATALOGUE
}

/// The deviations switched on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DeviationSet(u32);

impl DeviationSet {
    /// The set of `names`, or the first unknown name with the list of known ones.
    pub(crate) fn parse(names: &[String]) -> Result<Self, String> {
        let mut set = 0u32;
        for name in names {
            set |= 1 << crate::mock::deviation_info::position(&CATALOGUE, name, "client")?;
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
        assert_eq!(ALL.len(), CATALOGUE.len());
    }

    #[test]
    fn broken_ids_are_client_requirements_of_the_catalogue() {
        crate::mock::deviation_info::assert_breaks_bind(&CATALOGUE, "client");
    }

    #[test]
    fn parse_sets_and_rejects() {
        let set = DeviationSet::parse(&["no-state".to_string()]).unwrap();
        assert!(set.has(Deviation::NoState));
        assert!(!set.has(Deviation::GuessableState));
        let err = DeviationSet::parse(&["nope".to_string()]).unwrap_err();
        assert!(err.contains("foreign-pct"));
    }
}
