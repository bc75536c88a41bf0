Feature: Grant 6.2 - Requesting party information at the authorization server
  Unless the requesting party agreed beforehand, the authorization server asks it before it
  gathers claims about it: a claims interaction starts with a page, not with a silent return to
  the client.

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view" and "print"
    And resource owner "alice" requires claims before the client gets "view" on the resource
    And the client holds a permission ticket for the resource with scope "view"

  @GRANT-6.2-b @should @as @sc-grant-6.2-01
  Scenario: the authorization server asks the requesting party before it gathers claims
    When the client sends the requesting party to the claims interaction endpoint with state "p"
    Then [GRANT-6.2-b] the authorization server asks the requesting party before gathering claims
