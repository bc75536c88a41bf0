Feature: FedAuthz 4.1 - Resource server request to the permission endpoint
  A permission request is a JSON object, or an array of objects, each with the "resource_id" of
  a registered resource and its "resource_scopes" (zero or more scopes registered for it).

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view" and "print"

  @FED-4.1-i1 @must @as @sc-fed-4.1-01
  Scenario: a permission request may be a single object
    When it requests a permission for the resource with scope "view"
    Then [FED-4.1-i1] the authorization server answers 201

  @FED-4.1-i1 @must @as @sc-fed-4.1-02
  Scenario: a permission request may be an array
    When it requests, as an array, a permission for the resource with scope "view"
    Then [FED-4.1-i1] the authorization server answers 201

  @FED-4.1-a @must @as @sc-fed-4.1-03
  Scenario: a permission without resource_id is refused
    When it sends the permission request:
      """
      {"resource_scopes": ["view"]}
      """
    Then [FED-4.1-a] the authorization server answers 400

  @FED-4.1-b @must @as @sc-fed-4.1-04
  Scenario: a permission for a resource that was never registered is refused
    When it requests a permission for a resource that was never registered
    Then [FED-4.1-b] the authorization server answers 400
    And [FED-4.1-b] the error is "invalid_resource_id"

  @FED-4.1-c @must @as @sc-fed-4.1-05
  Scenario: a permission without resource_scopes is refused
    When it sends the permission request:
      """
      {"resource_id": "{resource_id}"}
      """
    Then [FED-4.1-c] the authorization server answers 400

  @FED-4.1-d @must @as @sc-fed-4.1-06
  Scenario: a permission naming a scope not registered for the resource is refused
    When it requests a permission for the resource with scope "delete"
    Then [FED-4.1-d] the authorization server answers 400
    And [FED-4.1-d] the error is "invalid_scope"

  @FED-4.1-i1 @FED-4.1-a @FED-4.1-c @must @rs @sc-fed-4.1-07
  Scenario: the resource server's permission requests are well formed
    When the client asks the resource server for every protected resource without a token
    Then [FED-4.1-i1] every permission request the resource server sent is a POST of one JSON permission or a non-empty array of them
    And [FED-4.1-a] every permission it requested names a resource_id
    And [FED-4.1-c] every permission it requested has resource_scopes, an array of strings

  @FED-4.1-b @FED-4.1-d @must @rs @sc-fed-4.1-08
  Scenario: the resource server asks only for resources and scopes it registered
    When the client asks the resource server for every protected resource without a token
    Then [FED-4.1-b] every resource_id it requested is one the authorization server gave it at registration
    And [FED-4.1-d] every scope it requested was registered for that resource
