Feature: FedAuthz 3 - Resource registration endpoint
  A resource is under the authorization server's protection from its successful registration
  until its successful deregistration.

  @FED-3-i1 @must @as
  Scenario: a deregistered resource is no longer known to the authorization server
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view" and "print"
    When it deletes the resource
    Then [FED-3-i1] its list no longer contains the resource
    And [FED-3-i1] reading the resource back is answered 404
