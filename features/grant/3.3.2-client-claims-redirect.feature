Feature: Grant 3.3.2 - The client sends the requesting party to the claims interaction endpoint
  When the authorization server asks for the requesting party to be redirected, the client sends
  the party's browser to the claims interaction endpoint with its client_id, the latest ticket,
  a claims redirect URI (it registered two with the harness's authorization server, so it must
  say which) and a state. A command-line client shows the URL to open; the harness opens it and
  plays the party.

  @GRANT-3.3.2-a @GRANT-3.3.2-b @GRANT-3.3.2-c @GRANT-3.3.2-d @GRANT-3.3.2-g @GRANT-3.3.2-i1 @must @client @sc-grant-3.3.2-05
  Scenario: the claims interaction request carries what the authorization server needs
    Given the owner's policy for the resource sends the requesting party to the claims interaction endpoint
    When the client under test fetches the protected resource
    Then [GRANT-3.3.2-a] the claims interaction request carries the client's client_id
    And [GRANT-3.3.2-b] the claims interaction request carries the latest ticket
    And [GRANT-3.3.2-c] the claims interaction request names a claims_redirect_uri, as the client registered more than one
    And [GRANT-3.3.2-d] the claims_redirect_uri is an absolute URI
    And [GRANT-3.3.2-g] the claims_redirect_uri has no fragment
    And [GRANT-3.3.2-i1] the parameters were added to the endpoint's query form-encoded

  @GRANT-3.3.2-h @should @client @sc-grant-3.3.2-06
  Scenario: the claims redirect URI is one the client registered
    Given the owner's policy for the resource sends the requesting party to the claims interaction endpoint
    When the client under test fetches the protected resource
    Then [GRANT-3.3.2-h] the claims_redirect_uri is one registered for the client

  @GRANT-3.3.2-m @GRANT-5.1-c @should @client @sc-grant-3.3.2-07
  Scenario: the client sends an unguessable state along
    Given the owner's policy for the resource sends the requesting party to the claims interaction endpoint
    When the client under test fetches the protected resource
    Then [GRANT-3.3.2-m, GRANT-5.1-c] the claims interaction request carries a state that cannot be guessed

  @GRANT-3.3.2-e @may @client @sc-grant-3.3.2-08
  Scenario: a query of the claims redirect URI's own is form-encoded
    Given the owner's policy for the resource sends the requesting party to the claims interaction endpoint
    When the client under test fetches the protected resource
    Then [GRANT-3.3.2-e] the claims_redirect_uri's own query is form-encoded
