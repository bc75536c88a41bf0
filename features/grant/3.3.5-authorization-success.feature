Feature: Grant 3.3.5 - Authorization server response to the client on authorization success
  When the assessment succeeds, the authorization server answers with an RPT in the form of an
  OAuth token response. It leaves out "scope" (an RPT's scopes are per resource), and may add a
  refresh token, a persisted claims token (pct) and the "upgraded" flag. A PCT stands for the
  claims gathered in the process, so that a later process of the same client can go faster; it
  must not be guessable, and must not show those claims to whoever holds it.

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view" and "print"

  @GRANT-3.3.5-i1 @must @as @sc-grant-3.3.5-01
  Scenario: the RPT comes in the OAuth token response form
    Given resource owner "alice" grants the client scopes "view" and "print" on the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket
    Then [GRANT-3.3.5-i1] the authorization server answers 200
    And [GRANT-3.3.5-i1] the body is a valid "oauth-token-response" document

  @GRANT-3.3.5-j @should @as @sc-grant-3.3.5-02
  Scenario: the RPT response leaves out scope
    Given resource owner "alice" grants the client scopes "view" and "print" on the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket
    Then [GRANT-3.3.5-j] the RPT response has no "scope" member

  @GRANT-3.3.5-a @GRANT-3.6-a @GRANT-3.3.5-b @GRANT-3.3.5-f @GRANT-3.3.5-i @may @as @sc-grant-3.3.5-03
  Scenario: the optional members of the RPT response have their form
    Given resource owner "alice" grants the client scopes "view" and "print" on the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket
    Then [GRANT-3.3.5-a, GRANT-3.6-a] if the body has "refresh_token", it is a string
    And [GRANT-3.3.5-b] if the body has "pct", it is a string
    And [GRANT-3.3.5-f] if the body has "upgraded", it is a boolean
    And [GRANT-3.3.5-i] if the body has "expires_in", it is a whole number of seconds

  @GRANT-3.3.5-b @may @as @sc-grant-3.3.5-04
  Scenario: a PCT stands for the pushed claims in a later process of the same client
    Given resource owner "alice" requires the requesting party's claims before the client gets "view" on the resource
    And the client has obtained a PCT for scope "view" by pushing the requesting party's claim token
    When the client requests an RPT for scope "view" with the client's PCT
    Then [GRANT-3.3.5-b] the client gets an RPT

  @GRANT-3.3.5-d @GRANT-3.3.5-e @must @as @sc-grant-3.3.5-05
  Scenario: a PCT does not show the requesting party's claims
    Given resource owner "alice" requires the requesting party's claims before the client gets "view" on the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket, pushing the requesting party's claim token
    Then [GRANT-3.3.5-e] the PCT holds the requesting party's claims by reference or encrypted
    And [GRANT-3.3.5-d] the PCT shows none of the requesting party's claim values
