Feature: Grant 3.3.3 - Authorization server redirect of the requesting party back to the client
  When the interaction succeeds, the authorization server sends the requesting party back to the
  claims redirect URI with a new ticket, and with the client's state exactly when the client sent
  one, both added to the query in form encoding. Other failures go back to the client as an
  OAuth error parameter; a missing or unknown client, or a bad claims redirect URI, is told to
  the party on the spot, and the user agent goes nowhere.

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view" and "print"
    And resource owner "alice" requires claims before the client gets "view" on the resource
    And the client holds a permission ticket for the resource with scope "view"

  @GRANT-3.3.3-a @GRANT-3.3.3-i1 @GRANT-3.3.3-b @GRANT-3.3.3-d @GRANT-3.3.3-c @must @as @sc-grant-3.3.3-01
  Scenario: after claims gathering a new ticket and the state come back, and the ticket yields the RPT
    When the client sends the requesting party to the claims interaction endpoint with state "s p&a=c/d"
    And the requesting party provides the claims the authorization server asks for
    Then [GRANT-3.3.3-a] the requesting party is sent back to the claims redirect URI with a ticket
    And [GRANT-3.3.3-i1] the redirect back adds its parameters in form encoding
    And [GRANT-3.3.3-b] the ticket from the redirect differs from the one the client sent
    And [GRANT-3.3.3-d] the redirect back carries state exactly when the client sent one, unchanged
    And [GRANT-3.3.3-c] if the redirect back carries state, it is the client's
    When the client requests an RPT with the ticket from the redirect
    Then [GRANT-3.3.3-a] the authorization server answers 200

  @GRANT-3.3.3-d @must @as @sc-grant-3.3.3-02
  Scenario: a client that sent no state gets none back
    When the client sends the requesting party to the claims interaction endpoint without state
    And the requesting party provides the claims the authorization server asks for
    Then [GRANT-3.3.3-d] the redirect back carries state exactly when the client sent one, unchanged

  @GRANT-3.3.3-i2 @must @as @sc-grant-3.3.3-03
  Scenario: a ticket the authorization server never issued goes back to the client as an error
    When the client sends the requesting party to the claims interaction endpoint with a ticket the authorization server never issued
    Then [GRANT-3.3.3-i2] the requesting party is sent back to the claims redirect URI with an "error" parameter

  @GRANT-3.3.3-h @must @as @sc-grant-3.3.3-04
  Scenario: without a client_id, or with an unknown one, the party is not sent to the claims redirect URI
    When the client sends the requesting party to the claims interaction endpoint with no client_id
    Then [GRANT-3.3.3-h] the requesting party is not sent to the URI the client gave
    When the client sends the requesting party to the claims interaction endpoint with an unknown client_id
    Then [GRANT-3.3.3-h] the requesting party is not sent to the URI the client gave

  @GRANT-3.3.3-g @should @as @sc-grant-3.3.3-05
  Scenario: the party is told why a request with an unknown client or a bad claims redirect URI fails
    When the client sends the requesting party to the claims interaction endpoint with an unknown client_id
    Then [GRANT-3.3.3-g] the requesting party is told of the error
    When the client sends the requesting party to the claims interaction endpoint with near misses of its registered claims redirect URI
    Then [GRANT-3.3.3-g] the requesting party is told of the error
