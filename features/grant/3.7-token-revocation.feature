Feature: Grant 3.7 - Client requests token revocation
  Where the authorization server offers RFC 7009 revocation, a client may revoke its RPTs,
  refresh tokens and PCTs. UMA adds the token type hint "pct": a PCT revoked with it no longer
  stands for the requesting party's claims.

  @GRANT-3.7-i1 @must @as @sc-grant-3.7-01
  Scenario: a PCT revoked with the hint "pct" no longer gets the client an RPT
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    And resource owner "alice" requires the requesting party's claims before the client gets "view" on the resource
    And the client has obtained a PCT for scope "view" by pushing the requesting party's claim token
    And the client has obtained another RPT for scope "view" with its PCT alone
    When the client revokes its PCT with token_type_hint "pct"
    Then [GRANT-3.7-i1] the revocation is accepted
    When the client requests an RPT for scope "view" with the client's PCT
    Then [GRANT-3.7-i1] the client gets no RPT
