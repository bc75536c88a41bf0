Feature: Grant 1.1 - Notational conventions
  Parameter names and values are compared as they are written, case included, unless a
  specification says otherwise; and whoever receives a JSON object skips the members it does not
  know instead of failing on them.

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view", "print" and "download"
    And resource owner "alice" grants the client scopes "view", "print" and "download" on the resource
    And the client holds a permission ticket for the resource with scope "view"

  @GRANT-1.1-i1 @must @as @sc-grant-1.1-01
  Scenario: "Ticket" is not the ticket parameter
    When the client requests an RPT with the ticket under the parameter name "Ticket"
    Then [GRANT-1.1-i1] the authorization server answers 400

  @GRANT-1.1-i1 @must @as @sc-grant-1.1-02
  Scenario: a scope written in other case is another scope
    Given the client is pre-registered for the scope "download"
    When the client requests an RPT with the ticket and the scope "DOWNLOAD"
    Then [GRANT-1.1-i1] either the answer is an error, or the RPT it carries grants nothing but "view"

  @GRANT-1.1-b @should @as @sc-grant-1.1-03
  Scenario: a permission request with a member the authorization server does not know still gets a ticket
    When it sends the permission request:
      """
      {"resource_id": "{resource_id}", "resource_scopes": ["view"], "x_uma_conformance_note": "an extension member"}
      """
    Then [GRANT-1.1-b] the permission request is answered with a ticket
