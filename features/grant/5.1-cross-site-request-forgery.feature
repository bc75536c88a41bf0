Feature: Grant 5.1 - Cross-site request forgery
  The claims interaction endpoint must not let anyone but the requesting party complete the
  interaction: a form posted from elsewhere, without the values the authorization server put in
  the page it showed, must not send the party back to the client with a ticket.

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view" and "print"
    And resource owner "alice" requires claims before the client gets "view" on the resource
    And the client holds a permission ticket for the resource with scope "view"

  @GRANT-5.1-a @must @as @sc-grant-5.1-01
  Scenario: a claims form posted without what the authorization server put in it is refused
    When the client sends the requesting party to the claims interaction endpoint with state "c"
    And someone else posts the claims form without what the authorization server put in it
    Then [GRANT-5.1-a] the forged form does not send the requesting party back with a ticket
