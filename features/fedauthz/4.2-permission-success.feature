Feature: FedAuthz 4.2 - Authorization server response on permission request success
  A successful permission request is answered 201 Created with a JSON body holding the ticket:
  one ticket, however many permissions were requested.

  @FED-4.2-i1 @must @as @sc-fed-4.2-01
  Scenario: a ticket is issued with 201
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view" and "print"
    When it requests a permission for the resource with scopes "view" and "print"
    Then [FED-4.2-i1] the authorization server answers 201
    And [FED-4.2-i1] the body is a valid "permission-ticket-response" document

  @FED-4.2-i1 @must @as @sc-fed-4.2-02
  Scenario: many permissions still get one ticket
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    And it has registered a resource with scopes "view" and "print"
    When it requests one permission per resource it registered, each with scope "view"
    Then [FED-4.2-i1] the authorization server answers 201
    And [FED-4.2-i1] the body holds exactly one ticket
