Feature: Grant 3.3.2 - Client redirect of the requesting party to the claims interaction endpoint
  A client sends its requesting party to the claims interaction endpoint with its client_id, the
  latest ticket, a claims redirect URI and a state. The authorization server only ever sends the
  party back to a claims redirect URI the client registered beforehand, compared as plain
  strings, never to the client's OAuth redirect URIs, and keeps any query that URI has.

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view" and "print"
    And the client holds a permission ticket for the resource with scope "view"

  @GRANT-3.3.2-l @GRANT-3.3.2-i @GRANT-3.3.3-h @must @as @sc-grant-3.3.2-01
  Scenario: near misses of a registered claims redirect URI are refused without sending the party there
    When the client sends the requesting party to the claims interaction endpoint with near misses of its registered claims redirect URI
    Then [GRANT-3.3.2-l, GRANT-3.3.2-i, GRANT-3.3.3-h] the requesting party is not sent to the URI the client gave

  @GRANT-3.3.2-j @GRANT-3.3.3-h @must @as @sc-grant-3.3.2-02
  Scenario: a public client cannot use a claims redirect URI it did not register
    When the public client sends the requesting party to the claims interaction endpoint with near misses of its registered claims redirect URI
    Then [GRANT-3.3.2-j, GRANT-3.3.3-h] the requesting party is not sent to the URI the client gave

  @GRANT-3.3.2-k @must @as @sc-grant-3.3.2-03
  Scenario: the client's OAuth redirect URI does not serve as a claims redirect URI
    When the client sends the requesting party to the claims interaction endpoint with its OAuth redirect URI instead of a claims redirect URI
    Then [GRANT-3.3.2-k] the requesting party is not sent to the URI the client gave

  @GRANT-3.3.2-f @must @as @sc-grant-3.3.2-04
  Scenario: the redirect back keeps the query of the claims redirect URI
    When the public client sends the requesting party to the claims interaction endpoint with its claims redirect URI that has a query
    And the requesting party provides the claims the authorization server asks for
    Then [GRANT-3.3.2-f] the redirect back keeps the query of the claims redirect URI
