Feature: Grant 5.5 - Permission ticket management
  A permission ticket is good for one use: once presented at the token endpoint it is spent,
  whatever the answer was.

  @GRANT-5.5-b @must @as @sc-grant-5.5-01
  Scenario: a ticket cannot be used twice
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    And the client has obtained an RPT for the resource with scope "view"
    When the client requests an RPT with the same ticket again
    Then [GRANT-5.5-b] the authorization server answers 400
    And [GRANT-5.5-b] the error is "invalid_grant"

  @GRANT-5.5-c @must @as @serial @sc-grant-5.5-02
  Scenario: an expired ticket is refused
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    And the client holds a permission ticket for the resource with scope "view"
    And the permission ticket has outlived its lifetime
    When the client requests an RPT with the ticket
    Then [GRANT-5.5-c] the authorization server answers 400
    And [GRANT-5.5-c] the error is "invalid_grant"

  @GRANT-5.5-c @must @as @sc-grant-5.5-03
  Scenario: a ticket answered with need_info is spent
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    And resource owner "alice" requires claims before the client gets "view" on the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket
    And the client requests an RPT with the same ticket again
    Then [GRANT-5.5-c] the authorization server answers 400
    And [GRANT-5.5-c] the error is "invalid_grant"

  @GRANT-5.5-b @must @as @sc-grant-5.5-04
  Scenario: one ticket presented twice at once yields one RPT
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    And the client holds a permission ticket for the resource with scope "view"
    When the client presents the ticket twice at the same moment
    Then [GRANT-5.5-b] exactly one of the two answers carries an RPT
