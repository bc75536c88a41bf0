Feature: FedAuthz 1.2 - The protection API access token (PAT)
  A resource server calls the protection API with a PAT: an OAuth access token carrying the
  scope "uma_protection", authorized by the resource owner for that resource server.

  @FED-1.2-i1 @must @as @sc-fed-1.2-01
  Scenario: the authorization server issues a PAT with the uma_protection scope
    When the resource server of resource owner "alice" requests a PAT from the token endpoint
    Then [FED-1.2-i1] the authorization server answers 200
    And [FED-1.2-i1] the body is a valid "oauth-token-response" document
    And [FED-1.2-i1] the token response grants the "uma_protection" scope, if it names a scope
    And [FED-1.2-i1] the new token is accepted as a PAT by the resource registration endpoint

  @FED-1.2-i1 @FED-1.3-c @must @as @sc-fed-1.2-02
  Scenario: a token without the uma_protection scope is not a PAT
    Given the resource server of resource owner "alice" holds a token without the uma_protection scope
    When it sends the "list" request with the token lacking the uma_protection scope
    Then [FED-1.2-i1, FED-1.3-c] the authorization server refuses the request with a Bearer challenge

  @RFC6750-3.1 @must @as @rfc @sc-fed-1.2-03
  Scenario: a token lacking the required scope is refused as insufficient_scope (RFC 6750, reported apart)
    Given the resource server of resource owner "alice" holds a token without the uma_protection scope
    When it sends the "list" request with the token lacking the uma_protection scope
    Then [RFC6750-3.1] the answer is 403 with a Bearer challenge whose error is "insufficient_scope"
