Feature: Grant 1.3 - Abstract flow
  An RPT belongs to one requesting party, one client, one authorization server, one resource
  server and one resource owner. Another client that offers it for upgrade must not come away
  with its permissions.

  @GRANT-1.3-i1 @must @as @sc-grant-1.3-01
  Scenario: a client cannot take over another client's RPT by offering it for upgrade
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    And resource owner "alice" grants the client scope "view" on the resource
    And the client has obtained an RPT for the resource with scope "view"
    And it has registered a resource with scopes "print"
    And resource owner "alice" grants the second client scope "print" on the resource
    And the client holds a permission ticket for the resource with scope "print"
    When the second client requests an RPT with the ticket and the first client's RPT
    Then [GRANT-1.3-i1] the new RPT carries none of the first client's permissions
