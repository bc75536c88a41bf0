Feature: Grant 5.5 - Permission ticket management
  A permission ticket is good for one use: once presented at the token endpoint it is spent,
  whatever the answer was.

  @GRANT-5.5-b @must @as
  Scenario: a ticket cannot be used twice
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    And the client has obtained an RPT for the resource with scope "view"
    When the client requests an RPT with the same ticket again
    Then [GRANT-5.5-b] the authorization server answers 400
    And [GRANT-5.5-b] the error is "invalid_grant"
