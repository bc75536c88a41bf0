Feature: Grant 5.7 - Pre-established trust regarding claim tokens
  A pushed claim token counts only when the authorization server trusts the client that pushes
  it and the token is meant for whoever it is pushed to. Tokens from untrusted clients, with a
  signature that does not verify, or addressed to someone else, get no RPT.

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"

  @GRANT-5.7-b @should @as @sc-grant-5.7-01
  Scenario: a claim token pushed by a client the identity provider does not trust gets no RPT
    Given resource owner "alice" requires the requesting party's claims before the client gets "view" on the resource
    And resource owner "alice" requires the requesting party's claims before the second client gets "view" on the resource
    And the client gets an RPT when it pushes the requesting party's sound claim token
    And the client holds a permission ticket for the resource with scope "view"
    When the second client requests an RPT with the ticket, pushing the requesting party's claim token
    Then [GRANT-5.7-b] the second client gets no RPT

  @GRANT-5.7-b @should @as @sc-grant-5.7-02
  Scenario: a claim token whose signature does not verify gets no RPT
    Given resource owner "alice" requires the requesting party's claims before the client gets "view" on the resource
    And the client gets an RPT when it pushes the requesting party's sound claim token
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket, pushing the requesting party's claim token with a broken signature
    Then [GRANT-5.7-b] the client gets no RPT

  @GRANT-5.7-c @should @as @sc-grant-5.7-03
  Scenario: a claim token addressed to someone else gets no RPT
    Given resource owner "alice" requires the requesting party's claims before the client gets "view" on the resource
    And the client gets an RPT when it pushes the requesting party's sound claim token
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket, pushing the requesting party's claim token addressed to someone else
    Then [GRANT-5.7-c] the client gets no RPT
