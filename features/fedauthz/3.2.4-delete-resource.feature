Feature: FedAuthz 3.2.4 - Delete resource description
  Deleting deregisters the resource and answers 200 or 204.

  @FED-3.2.4-a @must @as @sc-fed-3.2.4-01
  Scenario: a deleted resource is deregistered
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    When it deletes the resource
    Then [FED-3.2.4-a] the authorization server answers 200 or 204
    And [FED-3.2.4-a] reading the resource back is answered 404
