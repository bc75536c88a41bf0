Feature: Grant 3.3 - Client seeks an RPT on the requesting party's behalf
  The UMA grant serves confidential clients, which authenticate at the token endpoint, and
  public clients, which only name themselves.

  @GRANT-3.3-i1 @must @as @sc-grant-3.3-01
  Scenario: a public client obtains an RPT with the ticket
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    And resource owner "alice" grants the public client scope "view" on the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the public client requests an RPT with the ticket
    Then [GRANT-3.3-i1] the authorization server answers 200
    And [GRANT-3.3-i1] the body is a valid "oauth-token-response" document
