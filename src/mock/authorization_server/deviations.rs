//! Named switches that make the mock misbehave the way a real authorization server might, each
//! breaking specific requirement ids. The deviation matrix runs the suite against each one to
//! prove that every check can fail.

use super::error::MockError;

pub use crate::mock::deviation_info::DeviationInfo;

/// Every deviation the mock knows. The order matches [`CATALOGUE`], which a unit test checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deviation {
    DiscoveryWithoutPermissionEndpoint,
    DiscoveryWithoutIntrospectionEndpoint,
    DiscoveryGrantTypesNotArray,
    DiscoveryIssuerMismatch,
    DiscoveryRelativeClaimsInteractionEndpoint,
    DiscoveryProfilesNotArray,
    DiscoveryProfilesUnlisted,
    DiscoveryWithoutResponseTypes,
    PatScopeIgnored,
    ProtectionApiWithoutAuth,
    BadPatWithoutChallenge,
    Create200WithoutLocation,
    LocationWithoutId,
    ResourceIdCamelCase,
    Update204NoBody,
    UpdateMerges,
    DeleteKeepsResource,
    ListReturnsObjects,
    ReadDropsOptionalMembers,
    RejectsUriScopes,
    RejectsExtensionMembers,
    DereferencesScopeUris,
    ResourceScopesOptional,
    AcceptsRepeatedMembers,
    NotFoundAs400,
    MethodNotAllowedAs404,
    VendorErrorCodes,
    ErrorBodyPlainText,
    ErrorDescriptionNotString,
    ErrorUriRelative,
    PolicyUriRelative,
    NoOwnerIsolation,
    DiscoveryWrongContentType,
    DiscoveryRelativeIntrospectionEndpoint,
    BearerSchemeCaseSensitive,
    TokenResponseScopeMismatch,
    DiscoveryUma1RegistrationEndpointName,
    MalformedBody500,
    CoercesScopeTypes,
    UpdateNotSupported,
    PermissionRejectsArray,
    PermissionRejectsEmptyScopes,
    PermissionMissingMembersAccepted,
    PermissionAcceptsUnknownResource,
    PermissionAcceptsUnknownScope,
    PermissionGenericErrorCodes,
    Permission200,
    PermissionTicketPerPermission,
    TicketGrantsAllRegisteredScopes,
    RptGrantsUnregisteredScope,
    IntrospectionScopeForRpt,
    IntrospectionWithoutPermissions,
    IntrospectionKeycloakNames,
    IntrospectionPermissionTimesAsStrings,
    IntrospectionUnknownToken404,
    IntrospectionInactiveWithDetails,
    IntrospectionIgnoresExpiry,
    IntrospectionIgnoresRevocation,
    IntrospectionLeaksToOtherRs,
    IntrospectionAnyTokenAsPat,
    TicketsReusable,
    IntrospectionPatScopeArray,
    NeedInfoTicketReusable,
    NeedInfoSameTicket,
    NeedInfoWithoutTicket,
    NeedInfoWithoutClaimsOrRedirect,
    RptResponseWithScope,
    UpgradeWithoutFlag,
    UpgradeKeepsOldRptActive,
    ClaimsRedirectStateDropped,
    ClaimsRedirectUriNotValidated,
    ClaimsRedirectSameTicket,
    ClaimsRedirectDropsQuery,
    ClaimsInteractionNoCsrf,
    AccessDeniedInsteadOfRequestDenied,
    RequestSubmittedWithoutTicket,
    RequestSubmittedSameTicket,
    ClaimTokenSignatureUnchecked,
    ClaimTokenAudienceIgnored,
    PctUsableByOtherClient,
    PctRevealsClaims,
    RefreshReassesses,
    TokenErrorsNotJson,
    UnknownTicketInvalidRequest,
    RequestedScopeIgnored,
    NeedInfoStatus401,
    TicketsNeverExpire,
    DcrRejectsClaimsRedirectUris,
    PublicClientUnsupported,
    SequentialTickets,
    RevocationIgnoresPctHint,
    ConcurrentTicketRedemption,
    RefreshBroadensScope,
    RptResponseWithoutTokenType,
    RefreshTokenAsObject,
    ClaimsRedirectAcceptsOauthRedirectUris,
    ClaimsErrorsOnPage,
    ClaimsRedirectRawQuery,
    NeedInfoRedirectUserBroken,
    ClaimsGatheredWithoutAsking,
    ClaimsRedirectEmptyState,
    ClaimsUnknownClientRedirected,
    PermissionRejectsUnknownMembers,
    TokenParametersCaseInsensitive,
    RequiredClaimsMalformed,
    RptExpiresInAsString,
    DiscoveryWithoutClaimTokenFormats,
    PartialGrantIncludesRefusedScopes,
    RegisteredScopesIgnored,
    PushedClaimsIgnored,
    PctRecallsNothing,
    PctAnswerCacheable,
    UpgradeAcrossClients,
    UpgradeOnlyOnce,
    UnregisteredScopesHonoured,
}

impl Deviation {
    const ALL: [Deviation; 115] = [
        Deviation::DiscoveryWithoutPermissionEndpoint,
        Deviation::DiscoveryWithoutIntrospectionEndpoint,
        Deviation::DiscoveryGrantTypesNotArray,
        Deviation::DiscoveryIssuerMismatch,
        Deviation::DiscoveryRelativeClaimsInteractionEndpoint,
        Deviation::DiscoveryProfilesNotArray,
        Deviation::DiscoveryProfilesUnlisted,
        Deviation::DiscoveryWithoutResponseTypes,
        Deviation::PatScopeIgnored,
        Deviation::ProtectionApiWithoutAuth,
        Deviation::BadPatWithoutChallenge,
        Deviation::Create200WithoutLocation,
        Deviation::LocationWithoutId,
        Deviation::ResourceIdCamelCase,
        Deviation::Update204NoBody,
        Deviation::UpdateMerges,
        Deviation::DeleteKeepsResource,
        Deviation::ListReturnsObjects,
        Deviation::ReadDropsOptionalMembers,
        Deviation::RejectsUriScopes,
        Deviation::RejectsExtensionMembers,
        Deviation::DereferencesScopeUris,
        Deviation::ResourceScopesOptional,
        Deviation::AcceptsRepeatedMembers,
        Deviation::NotFoundAs400,
        Deviation::MethodNotAllowedAs404,
        Deviation::VendorErrorCodes,
        Deviation::ErrorBodyPlainText,
        Deviation::ErrorDescriptionNotString,
        Deviation::ErrorUriRelative,
        Deviation::PolicyUriRelative,
        Deviation::NoOwnerIsolation,
        Deviation::DiscoveryWrongContentType,
        Deviation::DiscoveryRelativeIntrospectionEndpoint,
        Deviation::BearerSchemeCaseSensitive,
        Deviation::TokenResponseScopeMismatch,
        Deviation::DiscoveryUma1RegistrationEndpointName,
        Deviation::MalformedBody500,
        Deviation::CoercesScopeTypes,
        Deviation::UpdateNotSupported,
        Deviation::PermissionRejectsArray,
        Deviation::PermissionRejectsEmptyScopes,
        Deviation::PermissionMissingMembersAccepted,
        Deviation::PermissionAcceptsUnknownResource,
        Deviation::PermissionAcceptsUnknownScope,
        Deviation::PermissionGenericErrorCodes,
        Deviation::Permission200,
        Deviation::PermissionTicketPerPermission,
        Deviation::TicketGrantsAllRegisteredScopes,
        Deviation::RptGrantsUnregisteredScope,
        Deviation::IntrospectionScopeForRpt,
        Deviation::IntrospectionWithoutPermissions,
        Deviation::IntrospectionKeycloakNames,
        Deviation::IntrospectionPermissionTimesAsStrings,
        Deviation::IntrospectionUnknownToken404,
        Deviation::IntrospectionInactiveWithDetails,
        Deviation::IntrospectionIgnoresExpiry,
        Deviation::IntrospectionIgnoresRevocation,
        Deviation::IntrospectionLeaksToOtherRs,
        Deviation::IntrospectionAnyTokenAsPat,
        Deviation::TicketsReusable,
        Deviation::IntrospectionPatScopeArray,
        Deviation::NeedInfoTicketReusable,
        Deviation::NeedInfoSameTicket,
        Deviation::NeedInfoWithoutTicket,
        Deviation::NeedInfoWithoutClaimsOrRedirect,
        Deviation::RptResponseWithScope,
        Deviation::UpgradeWithoutFlag,
        Deviation::UpgradeKeepsOldRptActive,
        Deviation::ClaimsRedirectStateDropped,
        Deviation::ClaimsRedirectUriNotValidated,
        Deviation::ClaimsRedirectSameTicket,
        Deviation::ClaimsRedirectDropsQuery,
        Deviation::ClaimsInteractionNoCsrf,
        Deviation::AccessDeniedInsteadOfRequestDenied,
        Deviation::RequestSubmittedWithoutTicket,
        Deviation::RequestSubmittedSameTicket,
        Deviation::ClaimTokenSignatureUnchecked,
        Deviation::ClaimTokenAudienceIgnored,
        Deviation::PctUsableByOtherClient,
        Deviation::PctRevealsClaims,
        Deviation::RefreshReassesses,
        Deviation::TokenErrorsNotJson,
        Deviation::UnknownTicketInvalidRequest,
        Deviation::RequestedScopeIgnored,
        Deviation::NeedInfoStatus401,
        Deviation::TicketsNeverExpire,
        Deviation::DcrRejectsClaimsRedirectUris,
        Deviation::PublicClientUnsupported,
        Deviation::SequentialTickets,
        Deviation::RevocationIgnoresPctHint,
        Deviation::ConcurrentTicketRedemption,
        Deviation::RefreshBroadensScope,
        Deviation::RptResponseWithoutTokenType,
        Deviation::RefreshTokenAsObject,
        Deviation::ClaimsRedirectAcceptsOauthRedirectUris,
        Deviation::ClaimsErrorsOnPage,
        Deviation::ClaimsRedirectRawQuery,
        Deviation::NeedInfoRedirectUserBroken,
        Deviation::ClaimsGatheredWithoutAsking,
        Deviation::ClaimsRedirectEmptyState,
        Deviation::ClaimsUnknownClientRedirected,
        Deviation::PermissionRejectsUnknownMembers,
        Deviation::TokenParametersCaseInsensitive,
        Deviation::RequiredClaimsMalformed,
        Deviation::RptExpiresInAsString,
        Deviation::DiscoveryWithoutClaimTokenFormats,
        Deviation::PartialGrantIncludesRefusedScopes,
        Deviation::RegisteredScopesIgnored,
        Deviation::PushedClaimsIgnored,
        Deviation::PctRecallsNothing,
        Deviation::PctAnswerCacheable,
        Deviation::UpgradeAcrossClients,
        Deviation::UpgradeOnlyOnce,
        Deviation::UnregisteredScopesHonoured,
    ];

    fn bit(self) -> u128 {
        1u128 << (self as u32)
    }

    #[cfg(test)]
    fn info(self) -> &'static DeviationInfo {
        &CATALOGUE[self as usize]
    }
}

const fn dev(
    name: &'static str,
    breaks: &'static [&'static str],
    summary: &'static str,
) -> DeviationInfo {
    DeviationInfo {
        name,
        breaks,
        summary,
    }
}

static CATALOGUE: [DeviationInfo; 115] = [
    dev(
        "discovery-without-permission-endpoint",
        &["FED-2-a", "FED-1.5-b"],
        "The discovery document omits permission_endpoint (the endpoint is still served).",
    ),
    dev(
        "discovery-without-introspection-endpoint",
        &["FED-2-c", "FED-1.5-b", "FED-5-b"],
        "The discovery document omits introspection_endpoint although introspection is served.",
    ),
    dev(
        "discovery-grant-types-not-array",
        &["GRANT-2-b"],
        "grant_types_supported is a single space-separated string instead of an array.",
    ),
    dev(
        "discovery-issuer-mismatch",
        &["GRANT-2-c"],
        "The issuer in the discovery document ends in \"/other\", unlike the issuer it is served under.",
    ),
    dev(
        "discovery-relative-claims-interaction-endpoint",
        &["GRANT-2-d", "GRANT-2-b"],
        "The discovery document publishes claims_interaction_endpoint as the relative URI \"/claims\".",
    ),
    dev(
        "discovery-profiles-not-array",
        &[
            "GRANT-2-e",
            "GRANT-2-b",
            "GRANT-2-f",
            "FED-2-d",
            "GRANT-4-b",
        ],
        "uma_profiles_supported is a single string instead of an array.",
    ),
    dev(
        "discovery-profiles-unlisted",
        &["GRANT-2-f", "FED-2-d", "GRANT-4-b"],
        "uma_profiles_supported is empty although the mock supports its control API extension.",
    ),
    dev(
        "discovery-without-response-types",
        &["RFC8414-2"],
        "The discovery document omits response_types_supported.",
    ),
    dev(
        "pat-scope-ignored",
        &["FED-1.2-i1", "FED-1.3-c", "RFC6750-3.1"],
        "A token issued without the uma_protection scope is accepted on the protection API as a PAT.",
    ),
    dev(
        "protection-api-without-auth",
        &["FED-1.3-c", "FED-3.2-b", "RFC6750-3"],
        "The resource registration API accepts requests with no Authorization header, acting for alice's rs-alice.",
    ),
    dev(
        "bad-pat-without-challenge",
        &["FED-3.2-b", "FED-1.3-c", "RFC6750-3"],
        "401 answers to a missing or invalid PAT carry no WWW-Authenticate header.",
    ),
    dev(
        "create-200-without-location",
        &["FED-3.2.1-a", "FED-3.2-i1"],
        "Create answers 200 without a Location header.",
    ),
    dev(
        "location-without-id",
        &["FED-3.2-i1"],
        "Create's Location header points to {rreg}/latest instead of the new resource id.",
    ),
    dev(
        "resource-id-camel-case",
        &[
            "FED-3.2-c",
            "FED-3.2.1-a",
            "FED-3.2.2-a",
            "FED-3.2.3-a",
            "FED-3.2-i1",
        ],
        "Create, read and update bodies name the id resourceId instead of _id.",
    ),
    dev(
        "update-204-no-body",
        &["FED-3.2.3-a", "FED-3.2-c"],
        "Update answers 204 with no body.",
    ),
    dev(
        "update-merges",
        &["FED-3.2.3-i1"],
        "Update merges the new description into the old one instead of replacing it.",
    ),
    dev(
        "delete-keeps-resource",
        &["FED-3.2.4-a", "FED-3-i1"],
        "Delete answers 204 but the resource stays readable, listed and usable in permission requests.",
    ),
    dev(
        "list-returns-objects",
        &["FED-3.2.5-a"],
        "List returns full resource descriptions (objects) instead of _id strings.",
    ),
    dev(
        "read-drops-optional-members",
        &[
            "FED-3.1-c",
            "FED-3.1-e",
            "FED-3.1-f",
            "FED-3.1-h",
            "FED-3.1-j",
            "FED-3.1-k",
            "FED-3.2.2-a",
            "FED-3.2.3-a",
        ],
        "Only resource_scopes (and extension members) are stored: name, description, icon_uri, type and their language variants are dropped.",
    ),
    dev(
        "rejects-uri-scopes",
        &["FED-3.1-b", "FED-3.1.1-i1"],
        "Scope strings that look like URIs are rejected with 400 invalid_request.",
    ),
    dev(
        "rejects-extension-members",
        &["FED-1.1-b", "FED-1.1-a"],
        "Unknown top-level members of a resource description are rejected with 400 invalid_request.",
    ),
    dev(
        "dereferences-scope-uris",
        &["FED-3.1.1-i1", "FED-3.1-b"],
        "Create and update GET every http(s) scope URI (1 s timeout, no retries) and answer 400 invalid_request when one cannot be fetched.",
    ),
    dev(
        "resource-scopes-optional",
        &["FED-3.1-a"],
        "A resource description without resource_scopes is accepted.",
    ),
    dev(
        "accepts-repeated-members",
        &["FED-3.2-i"],
        "Repeated JSON members (last wins) and mistyped optional members such as a numeric name are accepted.",
    ),
    dev(
        "not-found-as-400",
        &["FED-3.2-e", "FED-3-i1", "FED-3.2-f", "FED-3.2.4-a"],
        "An unknown resource id answers 400 invalid_request instead of 404.",
    ),
    dev(
        "method-not-allowed-as-404",
        &["FED-3.2-g", "FED-3.2-h"],
        "Unsupported methods on the registration API answer 404 not_found instead of 405.",
    ),
    dev(
        "vendor-error-codes",
        &["FED-3.2-f", "FED-3.2-h", "FED-3.2-j"],
        "Registration errors use resource_not_found, method_not_allowed and bad_request instead of not_found, unsupported_method_type and invalid_request.",
    ),
    dev(
        "error-body-plain-text",
        &["FED-6-a", "FED-4.1-b", "FED-4.1-d", "FED-4.3-i1"],
        "Protection API errors after authentication have a text/plain body (status codes unchanged).",
    ),
    dev(
        "error-description-not-string",
        &["FED-6-b", "FED-6-a"],
        "Protection API error bodies carry error_description as a JSON number.",
    ),
    dev(
        "error-uri-relative",
        &["FED-6-c", "FED-6-a"],
        "Protection API error bodies carry the relative error_uri \"errors/help\".",
    ),
    dev(
        "policy-uri-relative",
        &["FED-3.2-d", "FED-3.2.1-a", "FED-3.2.2-a", "FED-3.2.3-a"],
        "Create, read and update bodies carry the relative user_access_policy_uri \"policy/1\".",
    ),
    dev(
        "no-owner-isolation",
        &["FED-1.3-i1"],
        "Any valid PAT lists, reads, updates and deletes every resource, whoever registered it.",
    ),
    dev(
        "discovery-wrong-content-type",
        &["GRANT-2-a"],
        "The discovery document is served with Content-Type text/html.",
    ),
    dev(
        "discovery-relative-introspection-endpoint",
        &["FED-1.5-a", "FED-1.5-b", "FED-2-c", "GRANT-2-b", "FED-5-b"],
        "The discovery document publishes introspection_endpoint as the relative URI \"/introspect\".",
    ),
    dev(
        "bearer-scheme-case-sensitive",
        &["FED-1.3-d"],
        "The protection API accepts the Bearer scheme only when spelled exactly \"Bearer\".",
    ),
    dev(
        "token-response-scope-mismatch",
        &["FED-1.2-i1"],
        "The token response names scope \"profile\" for a PAT that really carries uma_protection.",
    ),
    dev(
        "discovery-uma1-registration-endpoint-name",
        &["FED-2-b", "FED-1.5-b"],
        "The discovery document names the registration endpoint resource_set_registration_endpoint, as UMA 1.0 did.",
    ),
    dev(
        "malformed-body-500",
        &["FED-3.2-i", "FED-3.2-j"],
        "A registration body that is not JSON, or not a JSON object, is answered 500 server_error.",
    ),
    dev(
        "coerces-scope-types",
        &["FED-3.2-i"],
        "Non-string entries of resource_scopes are turned into strings instead of refused.",
    ),
    dev(
        "update-not-supported",
        &[
            "FED-3.2-a",
            "FED-3.2-c",
            "FED-3.2-e",
            "FED-3.2.3-a",
            "FED-3.2.3-i1",
        ],
        "PUT on a registered resource is answered 405: updates are not supported.",
    ),
    dev(
        "permission-rejects-array",
        &["FED-4-b", "FED-4.1-i1", "FED-4.2-i1", "FED-4-i2"],
        "The permission endpoint refuses an array body (several permissions, or even one) with 400 invalid_request.",
    ),
    dev(
        "permission-rejects-empty-scopes",
        &["FED-4-c"],
        "A requested permission with resource_scopes [] is refused with 400 invalid_scope.",
    ),
    dev(
        "permission-missing-members-accepted",
        &["FED-4.1-c", "FED-4.1-a"],
        "A permission without resource_scopes is taken as asking for none, and one without resource_id is dropped; the request still gets a ticket.",
    ),
    dev(
        "permission-accepts-unknown-resource",
        &["FED-4.1-b", "FED-4.3-i1", "FED-4-i1", "FED-3-i1"],
        "Permission requests naming a resource the PAT's owner and resource server did not register (unknown, deleted or someone else's) get a ticket.",
    ),
    dev(
        "permission-accepts-unknown-scope",
        &["FED-4.1-d", "FED-4.3-i1"],
        "Permission requests naming scopes not registered for the resource get a ticket.",
    ),
    dev(
        "permission-generic-error-codes",
        &["FED-4.3-i1", "FED-4.1-b", "FED-4.1-d"],
        "Permission request failures use invalid_request instead of invalid_resource_id and invalid_scope (still 400).",
    ),
    dev(
        "permission-200",
        &["FED-4.2-i1", "FED-4-b", "FED-4-c", "FED-4.1-i1"],
        "A successful permission request is answered 200 instead of 201.",
    ),
    dev(
        "permission-ticket-per-permission",
        &["FED-4.2-i1", "FED-4-b", "FED-4-i2"],
        "A request for several permissions gets {\"tickets\": [...]}, one ticket per permission, and no ticket member.",
    ),
    dev(
        "ticket-grants-all-registered-scopes",
        &["FED-4-i2"],
        "An RPT obtained with a ticket carries every scope registered for each resource, not the requested ones.",
    ),
    dev(
        "rpt-grants-unregistered-scope",
        &["FED-5.1.1-g", "FED-4-i2"],
        "Every permission of an RPT also carries the scope \"admin\", which no resource registers.",
    ),
    dev(
        "introspection-scope-for-rpt",
        &["FED-5.1.1-b", "FED-5.1.1-a"],
        "Introspection of an active RPT adds a scope member: the visible permissions' scopes, space-separated.",
    ),
    dev(
        "introspection-without-permissions",
        &[
            "FED-5.1.1-c",
            "FED-5-b",
            "FED-5.1.1-a",
            "FED-4-i2",
            "FED-5.1.1-d",
            "FED-5.1.1-e",
            "FED-5.1.1-f",
        ],
        "Introspection of an active RPT has no permissions member.",
    ),
    dev(
        "introspection-keycloak-names",
        &[
            "FED-5.1.1-d",
            "FED-5.1.1-f",
            "FED-5.1.1-a",
            "FED-5.1.1-e",
            "FED-4-i2",
        ],
        "Permission objects in introspection answers name their members rsid and scopes instead of resource_id and resource_scopes.",
    ),
    dev(
        "introspection-permission-times-as-strings",
        &["FED-5.1.1-h", "FED-5.1.1-i", "FED-5.1.1-j", "FED-5.1.1-a"],
        "Permission exp, iat and nbf are JSON strings instead of integers.",
    ),
    dev(
        "introspection-unknown-token-404",
        &["RFC7662-2.2"],
        "Introspection of a token this AS never issued is answered 404 not_found instead of {\"active\": false}.",
    ),
    dev(
        "introspection-inactive-with-details",
        &["RFC7662-2.2-b"],
        "Inactive introspection answers add \"error\": \"token expired or unknown\".",
    ),
    dev(
        "introspection-ignores-expiry",
        &["RFC7662-2.2"],
        "An expired RPT (and its expired permissions) is still reported active.",
    ),
    dev(
        "introspection-ignores-revocation",
        &["RFC7662-2.2"],
        "Revoking an RPT answers 200 but leaves the RPT active, so introspection still reports it active.",
    ),
    dev(
        "introspection-leaks-to-other-rs",
        &["FED-5.1.1-e", "FED-5.1.1-g"],
        "Any resource server's PAT sees an active RPT with all its permissions, including those on other servers' resources.",
    ),
    dev(
        "introspection-any-token-as-pat",
        &["FED-1.3-c"],
        "Any active token this AS issued (an RPT, a token without uma_protection) authorizes an introspection call.",
    ),
    dev(
        "tickets-reusable",
        &["GRANT-5.5-b", "GRANT-5.5-c"],
        "A permission ticket stays valid after the token endpoint used it, so it can be redeemed again.",
    ),
    dev(
        "introspection-pat-scope-array",
        &["FED-5-c"],
        "Introspection of a PAT gives scope as a JSON array instead of a space-separated string.",
    ),
    dev(
        "need-info-ticket-reusable",
        &["GRANT-5.5-c"],
        "After need_info, the ticket the client presented stays valid beside the new one.",
    ),
    dev(
        "need-info-same-ticket",
        &["GRANT-3.3.6-d"],
        "need_info hands back the ticket the client presented (still used up, so the process cannot go on) instead of a new one.",
    ),
    dev(
        "need-info-without-ticket",
        &["GRANT-3.3.6-b"],
        "need_info carries no ticket member (and no new ticket is issued).",
    ),
    dev(
        "need-info-without-claims-or-redirect",
        &["GRANT-3.3.6-c"],
        "need_info carries neither required_claims nor redirect_user.",
    ),
    dev(
        "rpt-response-with-scope",
        &["GRANT-3.3.5-j"],
        "The RPT response carries a scope member: every scope of the RPT's permissions, space-separated.",
    ),
    dev(
        "upgrade-without-flag",
        &["GRANT-3.3.5-g", "GRANT-3.3.5.1-i1", "GRANT-3.3.5.1-a"],
        "An upgraded RPT carries the previous RPT's permissions, but the response has no upgraded member.",
    ),
    dev(
        "upgrade-keeps-old-rpt-active",
        &["GRANT-3.3.5.1-c"],
        "After an upgrade, the previous RPT (and its refresh token) stays active.",
    ),
    dev(
        "claims-redirect-state-dropped",
        &["GRANT-3.3.3-d"],
        "The redirect back from the claims interaction endpoint never carries state.",
    ),
    dev(
        "claims-redirect-uri-not-validated",
        &[
            "GRANT-3.3.2-l",
            "GRANT-3.3.3-h",
            "GRANT-3.3.2-i",
            "GRANT-3.3.2-j",
            "GRANT-3.3.3-g",
            "GRANT-3.3.2-k",
        ],
        "The claims interaction endpoint redirects to any absolute claims_redirect_uri, registered or not.",
    ),
    dev(
        "claims-redirect-same-ticket",
        &["GRANT-3.3.3-b"],
        "The redirect back from the claims interaction endpoint carries the ticket the client sent (still used up; what was gathered is lost) instead of a new one.",
    ),
    dev(
        "claims-redirect-drops-query",
        &["GRANT-3.3.2-f"],
        "The redirect back replaces the query of the claims redirect URI instead of adding to it.",
    ),
    dev(
        "claims-interaction-no-csrf",
        &["GRANT-5.1-a"],
        "The claims form is accepted without its CSRF token: a post without it completes the client's latest pending interaction, or presents the ticket it carries.",
    ),
    dev(
        "access-denied-instead-of-request-denied",
        &["GRANT-3.3.6-i5"],
        "A policy denial is answered 403 access_denied instead of request_denied.",
    ),
    dev(
        "request-submitted-without-ticket",
        &["GRANT-3.3.6-n"],
        "request_submitted carries no ticket member (and no new ticket is issued).",
    ),
    dev(
        "request-submitted-same-ticket",
        &["GRANT-3.3.6-p"],
        "request_submitted hands back the ticket the client presented (still used up, so polling gets invalid_grant) instead of a new one.",
    ),
    dev(
        "claim-token-signature-unchecked",
        &["GRANT-5.7-b"],
        "Pushed claim tokens are taken on their face: no signature check, and neither the issuer nor the pushing client is checked against the trusted identity providers.",
    ),
    dev(
        "claim-token-audience-ignored",
        &["GRANT-5.7-c"],
        "The audience of pushed claim tokens is not checked.",
    ),
    dev(
        "pct-usable-by-other-client",
        &["GRANT-5.2-e"],
        "Any client may present any PCT.",
    ),
    dev(
        "pct-reveals-claims",
        &["GRANT-3.3.5-d", "GRANT-3.3.5-e"],
        "The PCT is the base64url JSON of the requesting party's claims (and a random jti, so each PCT is still distinct).",
    ),
    dev(
        "refresh-reassesses",
        &["GRANT-3.6-d"],
        "A refresh runs the owner's policies again and answers invalid_grant if they no longer grant the permissions.",
    ),
    dev(
        "token-errors-not-json",
        &["GRANT-3.3.6-i1"],
        "Errors of UMA grant requests are sent with Content-Type text/plain (the body is unchanged).",
    ),
    dev(
        "unknown-ticket-invalid-request",
        &["GRANT-3.3.6-i2"],
        "A ticket this AS never issued is answered 400 invalid_request instead of invalid_grant.",
    ),
    dev(
        "requested-scope-ignored",
        &["GRANT-3.3.6-i3"],
        "A requested scope that none of the ticket's resources has is ignored instead of answered invalid_scope.",
    ),
    dev(
        "need-info-status-401",
        &["GRANT-3.3.6-i4"],
        "need_info is sent with status 401 instead of 403.",
    ),
    dev(
        "tickets-never-expire",
        &["GRANT-5.5-c"],
        "Permission tickets never expire.",
    ),
    dev(
        "dcr-rejects-claims-redirect-uris",
        &["GRANT-2-g"],
        "Dynamic client registration refuses claims_redirect_uris with 400 invalid_client_metadata.",
    ),
    dev(
        "public-client-unsupported",
        &["GRANT-3.3-i1"],
        "Public clients (client_id without a secret) are refused with 401 invalid_client.",
    ),
    dev(
        "sequential-tickets",
        &["GRANT-5.4-a", "GRANT-3.3.5-c"],
        "Permission tickets and PCTs are counters: \"1\", \"2\", ...",
    ),
    dev(
        "revocation-ignores-pct-hint",
        &["GRANT-3.7-i1"],
        "Revocation with token_type_hint=pct looks only at access and refresh tokens, so the PCT stays usable.",
    ),
    dev(
        "concurrent-ticket-redemption",
        &["GRANT-5.5-b"],
        "The token endpoint reads the ticket, waits, then uses it up: two presentations of one ticket at the same time can both succeed.",
    ),
    dev(
        "refresh-broadens-scope",
        &["GRANT-3.6-c"],
        "A refresh narrowed by scope gets every scope registered for the resources instead.",
    ),
    dev(
        "rpt-response-without-token-type",
        &["GRANT-3.3.5-i1", "GRANT-3.3-i1"],
        "The RPT response has no token_type.",
    ),
    dev(
        "refresh-token-as-object",
        &["GRANT-3.3.5-a", "GRANT-3.6-a", "GRANT-3.3.5-i1"],
        "The RPT response carries refresh_token as a JSON object wrapping the token.",
    ),
    dev(
        "claims-redirect-accepts-oauth-redirect-uris",
        &["GRANT-3.3.2-k"],
        "The claims interaction endpoint also sends requesting parties to the client's OAuth redirect_uris, which are not claims redirect URIs.",
    ),
    dev(
        "claims-errors-on-page",
        &["GRANT-3.3.3-i2"],
        "Failures of a claims interaction request with a good claims redirect URI (unknown ticket, refused form) are shown on an error page instead of being sent back to the client.",
    ),
    dev(
        "claims-redirect-raw-query",
        &["GRANT-3.3.3-i1"],
        "The redirect back from the claims interaction endpoint adds ticket and state to the query as they are, without form encoding.",
    ),
    dev(
        "need-info-redirect-user-broken",
        &["GRANT-3.3.6-i7"],
        "need_info names as redirect_user a URI where no claims interaction takes place (404).",
    ),
    dev(
        "claims-gathered-without-asking",
        &["GRANT-6.2-b"],
        "The claims interaction endpoint logs the requesting party in as the first fixture party at once and sends it back with a new ticket, without asking anything.",
    ),
    dev(
        "claims-redirect-empty-state",
        &["GRANT-3.3.3-d"],
        "The redirect back from the claims interaction endpoint carries an empty state when the client sent none.",
    ),
    dev(
        "claims-unknown-client-redirected",
        &["GRANT-3.3.3-h", "GRANT-3.3.3-g"],
        "A claims interaction request without a client_id or with an unknown one is redirected, with an error, to whatever claims_redirect_uri it names.",
    ),
    dev(
        "permission-rejects-unknown-members",
        &["GRANT-1.1-b"],
        "A permission object with a member other than resource_id and resource_scopes is refused with 400 invalid_request.",
    ),
    dev(
        "token-parameters-case-insensitive",
        &["GRANT-1.1-i1"],
        "The token endpoint reads parameter names and scope values without regard to case (\"Ticket\" for ticket, \"VIEW\" for view).",
    ),
    dev(
        "required-claims-malformed",
        &[
            "GRANT-3.3.6-e",
            "GRANT-3.3.6-f",
            "GRANT-3.3.6-g",
            "GRANT-3.3.6-h",
            "GRANT-3.3.6-i",
            "GRANT-3.3.6-j",
            "GRANT-3.3.6-k",
            "GRANT-3.3.6-l",
            "GRANT-3.3.6-m",
        ],
        "The optional members of required_claims entries have the wrong JSON types (a format string instead of an array, a number for claim_type, ...).",
    ),
    dev(
        "rpt-expires-in-as-string",
        &["GRANT-3.3.5-i", "GRANT-3.3.5-i1", "GRANT-3.3-i1"],
        "The RPT response carries expires_in as a string of digits.",
    ),
    dev(
        "discovery-without-claim-token-formats",
        &["GRANT-3.3.1-q"],
        "The discovery document does not say which claim token formats the AS accepts.",
    ),
    dev(
        "partial-grant-includes-refused-scopes",
        &["GRANT-3.3.4-i1"],
        "When the policy grants some requested scopes and refuses others, the RPT carries all of them.",
    ),
    dev(
        "registered-scopes-ignored",
        &["GRANT-3.3.4-a"],
        "Scopes the client is pre-registered for and asks for at the token endpoint are left out of RequestedScopes.",
    ),
    dev(
        "pushed-claims-ignored",
        &["GRANT-3.3.4-i1"],
        "Pushed claim tokens are verified but their claims never reach the assessment: a policy they satisfy still answers need_info, and no PCT is issued for them.",
    ),
    dev(
        "pct-recalls-nothing",
        &["GRANT-3.3.5-b"],
        "A PCT is accepted when presented but stands for no claims: a policy its claims satisfied answers need_info.",
    ),
    dev(
        "pct-answer-cacheable",
        &["GRANT-5.2-c"],
        "A token answer carrying a PCT comes without Cache-Control: no-store and Pragma: no-cache.",
    ),
    dev(
        "upgrade-across-clients",
        &["GRANT-1.3-i1"],
        "An RPT offered for upgrade is taken from any client: its permissions pass to the RPT of whichever client presented it.",
    ),
    dev(
        "upgrade-only-once",
        &["GRANT-3.3.5.1-b"],
        "Only an RPT with a single permission is upgraded; an RPT that already carries several is ignored when offered again.",
    ),
    dev(
        "unregistered-scopes-honoured",
        &["GRANT-3.3.6-a", "GRANT-3.3.4-a"],
        "A scope the client asks for at the token endpoint counts even if the client is not pre-registered for it.",
    ),
];

/// Every deviation the mock can be started with.
pub fn deviations() -> &'static [DeviationInfo] {
    &CATALOGUE
}

/// The deviations switched on for one mock instance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DeviationSet(u128);

impl DeviationSet {
    pub(crate) fn parse(names: &[String]) -> Result<Self, MockError> {
        let mut set = DeviationSet::default();
        for name in names {
            let Some(index) = CATALOGUE.iter().position(|info| info.name == name.as_str()) else {
                return Err(MockError::UnknownDeviation {
                    name: name.clone(),
                    known: CATALOGUE
                        .iter()
                        .map(|info| info.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            };
            set.0 |= Deviation::ALL[index].bit();
        }
        Ok(set)
    }

    pub(crate) fn has(self, deviation: Deviation) -> bool {
        self.0 & deviation.bit() != 0
    }

    /// This set with the deviations of `other` switched on (`on`) or off.
    pub(crate) fn switched(self, other: DeviationSet, on: bool) -> DeviationSet {
        if on {
            DeviationSet(self.0 | other.0)
        } else {
            DeviationSet(self.0 & !other.0)
        }
    }

    /// The names of the deviations in the set, in catalogue order.
    pub(crate) fn names(self) -> Vec<&'static str> {
        Deviation::ALL
            .iter()
            .zip(CATALOGUE.iter())
            .filter(|(d, _)| self.has(**d))
            .map(|(_, info)| info.name)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_and_catalogue_agree() {
        assert_eq!(Deviation::ALL.len(), CATALOGUE.len());
        // One bit each in the set.
        assert!(CATALOGUE.len() <= 128);
        for (index, deviation) in Deviation::ALL.iter().enumerate() {
            assert_eq!(*deviation as usize, index);
            let set = DeviationSet::parse(&[deviation.info().name.to_string()]).unwrap();
            assert!(set.has(*deviation));
        }
    }

    #[test]
    fn names_are_unique_and_every_one_breaks_something() {
        crate::mock::deviation_info::assert_sound(&CATALOGUE);
    }

    #[test]
    fn unknown_name_lists_the_known_ones() {
        let err = DeviationSet::parse(&["no-such-thing".to_string()]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("no-such-thing"));
        assert!(text.contains("update-merges"));
    }

    #[test]
    fn empty_set_has_nothing() {
        let set = DeviationSet::default();
        assert!(Deviation::ALL.iter().all(|d| !set.has(*d)));
    }
}
