Feature: FedAuthz 1.3 - HTTP usage, API security and identity context
  The protection API is served over TLS and protected by OAuth: every call carries a valid PAT
  as a bearer token, and a PAT belongs to one resource owner, one resource server and one
  authorization server.

  @FED-1.3-b @must @as @sc-fed-1.3-01
  Scenario: the protection API endpoints are served over TLS
    When the harness fetches the discovery document from the issuer's well-known location
    Then [FED-1.3-b] every protection API endpoint in the document is an https URL

  @FED-1.3-c @must @as @sc-fed-1.3-02
  Scenario Outline: the protection API refuses a <operation> request without a PAT
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view" and "print"
    When it sends the "<operation>" request without an Authorization header
    Then [FED-1.3-c] the authorization server refuses the request with a Bearer challenge

    Examples:
      | operation |
      | create    |
      | list      |

  @FED-1.3-c @must @as @sc-fed-1.3-03
  Scenario: the protection API refuses a token it never issued
    Given the resource server holds a PAT for resource owner "alice"
    When it sends the "list" request with a token the authorization server never issued
    Then [FED-1.3-c] the authorization server refuses the request with a Bearer challenge

  @RFC6750-3 @must @as @rfc @sc-fed-1.3-04
  Scenario: a request with an invalid token is answered 401 invalid_token (RFC 6750, reported apart)
    Given the resource server holds a PAT for resource owner "alice"
    When it sends the "list" request with a token the authorization server never issued
    Then [RFC6750-3] the answer is 401 with a Bearer challenge whose error is "invalid_token"

  @RFC6750-3 @must @as @rfc @sc-fed-1.3-05
  Scenario: a request without credentials is answered 401 with a Bearer challenge (RFC 6750, reported apart)
    Given the resource server holds a PAT for resource owner "alice"
    When it sends the "list" request without an Authorization header
    Then [RFC6750-3] the answer is 401 with a Bearer challenge

  @FED-1.3-d @must @as @sc-fed-1.3-06
  Scenario: the PAT is accepted as a bearer token whatever the letter case of the scheme name
    Given the resource server holds a PAT for resource owner "alice"
    When it sends the "list" request with its PAT under the scheme name "bearer"
    Then [FED-1.3-d] the answer is 200 with a JSON array

  @FED-1.3-i1 @must @as @sc-fed-1.3-07
  Scenario: another resource owner's PAT cannot read the resource
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    When the resource server of resource owner "bob" reads the resource
    Then [FED-1.3-i1] the answer does not reveal or change the resource

  @FED-1.3-i1 @must @as @sc-fed-1.3-08
  Scenario: another resource owner's PAT cannot update the resource
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    When the resource server of resource owner "bob" updates the resource
    Then [FED-1.3-i1] the answer does not reveal or change the resource

  @FED-1.3-i1 @must @as @sc-fed-1.3-09
  Scenario: another resource owner's PAT cannot delete the resource
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    When the resource server of resource owner "bob" deletes the resource
    Then [FED-1.3-i1] the answer does not reveal or change the resource

  @FED-1.3-i1 @must @as @sc-fed-1.3-10
  Scenario: another resource owner's list does not show the resource
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    When the resource server of resource owner "bob" lists its resources
    Then [FED-1.3-i1] the list does not contain the resource of resource owner "alice"

  @FED-1.3-d @must @rs @sc-fed-1.3-11
  Scenario: the resource server presents its PAT as a bearer token on every protection API call
    Given the client holds an RPT the authorization server issued for the protected resource
    When the client presents that RPT to the resource server
    Then [FED-1.3-d] every call the resource server made to the protection API carried its PAT as a bearer token
