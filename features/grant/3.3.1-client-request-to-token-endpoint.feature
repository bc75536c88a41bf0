Feature: Grant 3.3.1 - Client request to the authorization server for an RPT
  A client may push claim tokens about its requesting party; the formats an authorization server
  accepts for them belong in its discovery document, so that clients know what to push.

  @GRANT-3.3.1-q @should @as @sc-grant-3.3.1-01
  Scenario: the discovery document names the claim token formats the authorization server accepts
    When the harness fetches the discovery document from the issuer's well-known location
    Then [GRANT-3.3.1-q] the document names the claim token formats the authorization server accepts
