Feature: Grant 3.3.5 - Authorization server response to the client on authorization success
  When the assessment succeeds, the authorization server answers with an RPT in the form of an
  OAuth token response. It leaves out "scope" (an RPT's scopes are per resource), and may add a
  refresh token, a persisted claims token (pct) and the "upgraded" flag.

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view" and "print"
    And resource owner "alice" grants the client scopes "view" and "print" on the resource
    And the client holds a permission ticket for the resource with scope "view"

  @GRANT-3.3.5-i1 @must @as
  Scenario: the RPT comes in the OAuth token response form
    When the client requests an RPT with the ticket
    Then [GRANT-3.3.5-i1] the authorization server answers 200
    And [GRANT-3.3.5-i1] the body is a valid "oauth-token-response" document

  @GRANT-3.3.5-j @should @as
  Scenario: the RPT response leaves out scope
    When the client requests an RPT with the ticket
    Then [GRANT-3.3.5-j] the RPT response has no "scope" member

  @GRANT-3.3.5-a @GRANT-3.6-a @GRANT-3.3.5-b @GRANT-3.3.5-f @GRANT-3.3.5-i @may @as
  Scenario: the optional members of the RPT response have their form
    When the client requests an RPT with the ticket
    Then [GRANT-3.3.5-a, GRANT-3.6-a] if the body has "refresh_token", it is a string
    And [GRANT-3.3.5-b] if the body has "pct", it is a string
    And [GRANT-3.3.5-f] if the body has "upgraded", it is a boolean
    And [GRANT-3.3.5-i] if the body has "expires_in", it is a whole number of seconds
