Feature: Grant 3.3.4 - Authorization assessment and results determination
  For each resource of the ticket, the scopes requested are the ticket's plus the scopes the
  client is pre-registered for and asked for at the token endpoint. Only the scopes the policy
  grants may end up in an RPT: when some are refused, the answer is an RPT with the granted ones
  or an error.

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view", "print" and "download"

  @GRANT-3.3.4-i1 @must @as
  Scenario: a request the policy grants only in part gets no permission the policy refused
    Given resource owner "alice" grants the client scope "view" on the resource
    And the client holds a permission ticket for the resource with scopes "view" and "print"
    When the client requests an RPT with the ticket
    Then [GRANT-3.3.4-i1] either the answer is an error, or the RPT it carries grants nothing but "view"

  @GRANT-3.3.4-a @must @as
  Scenario: a pre-registered scope the client asks for joins the ticket's scopes
    Given the client is pre-registered for the scope "download"
    And resource owner "alice" grants the client scopes "view", "print" and "download" on the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket and the scope "download"
    Then [GRANT-3.3.4-a] the RPT grants "view" and "download" on the resource
