Feature: FedAuthz 3.2.5 - List resource descriptions
  Listing answers 200 with a JSON array of the "_id" strings of the resources registered for
  the resource owner by this resource server.

  @FED-3.2.5-a @must @as @sc-fed-3.2.5-01
  Scenario: the list holds the ids of the registered resources
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    And it has registered a resource with scopes "view" and "print"
    When it lists its resources
    Then [FED-3.2.5-a] the authorization server answers 200
    And [FED-3.2.5-a] the body is a valid "resource-list-response" document
    And [FED-3.2.5-a] the body is an array of id strings holding every resource it registered
