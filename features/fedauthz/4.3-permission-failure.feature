Feature: FedAuthz 4.3 - Authorization server response on permission request failure
  An authenticated permission request that names an unknown resource, or a scope not registered
  for the resource, is answered 400 with the error "invalid_resource_id" or "invalid_scope".

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"

  @FED-4.3-i1 @must @as @sc-fed-4.3-01
  Scenario: an unknown resource is answered invalid_resource_id
    When it requests a permission for a resource that was never registered
    Then [FED-4.3-i1] the authorization server answers 400
    And [FED-4.3-i1] the error is "invalid_resource_id"

  @FED-4.3-i1 @must @as @sc-fed-4.3-02
  Scenario: an unregistered scope is answered invalid_scope
    When it requests a permission for the resource with scope "print"
    Then [FED-4.3-i1] the authorization server answers 400
    And [FED-4.3-i1] the error is "invalid_scope"
