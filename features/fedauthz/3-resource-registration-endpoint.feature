Feature: FedAuthz 3 - Resource registration endpoint
  A resource is under the authorization server's protection from its successful registration
  until its successful deregistration.

  @FED-3-i1 @must @as @sc-fed-3-01
  Scenario: a deregistered resource is no longer known to the authorization server
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view" and "print"
    When it deletes the resource
    Then [FED-3-i1] its list no longer contains the resource
    And [FED-3-i1] reading the resource back is answered 404

  @FED-3-i1 @must @as @sc-fed-3-02
  Scenario: a deregistered resource can no longer be named in a permission request
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    When it deletes the resource
    And it requests a permission for the deleted resource
    Then [FED-3-i1] the authorization server answers 400
