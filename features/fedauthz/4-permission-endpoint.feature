Feature: FedAuthz 4 - Permission endpoint
  A resource server asks the authorization server for a permission ticket on a client's behalf.
  It may ask for several permissions at once, and a permission may carry no scope. The PAT tells
  the authorization server whose resources are meant, and the ticket stands for exactly the
  permissions requested.

  Background:
    Given the resource server holds a PAT for resource owner "alice"

  @FED-4-b @may @as @sc-fed-4-01
  Scenario: several permissions in one request get one ticket
    Given it has registered a resource with scopes "view" and "print"
    And it has registered a resource with scopes "view" and "download"
    When it requests one permission per resource it registered, each with scope "view"
    Then [FED-4-b] the authorization server answers 201
    And [FED-4-b] the body holds exactly one ticket

  @FED-4-c @may @as @sc-fed-4-02
  Scenario: a permission may carry no scope
    Given it has registered a resource with scopes "view"
    When it requests a permission for the resource with no scopes
    Then [FED-4-c] the authorization server answers 201

  @FED-4-i1 @must @as @sc-fed-4-03
  Scenario: another resource owner's PAT cannot obtain a ticket for the resource
    Given it has registered a resource with scopes "view"
    When the resource server of resource owner "bob" requests a permission for the resource with scope "view"
    Then [FED-4-i1] the authorization server answers 400

  @FED-4-i2 @must @as @sc-fed-4-04
  Scenario: the ticket stands for exactly the permissions requested
    Given it has registered a resource with scopes "view", "print" and "download"
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket
    And the resource server introspects the RPT
    Then [FED-4-i2] the RPT's permissions are exactly those the ticket was requested for

  @FED-4-i2 @must @as @sc-fed-4-05
  Scenario: a ticket for several resources stands for all of them
    Given it has registered a resource with scopes "view" and "print"
    And it has registered a resource with scopes "view" and "download"
    When it requests one permission per resource it registered, each with scope "view"
    Then [FED-4-i2] the body holds exactly one ticket
    When the client requests an RPT with the ticket
    And the resource server introspects the RPT
    Then [FED-4-i2] the RPT's permissions are exactly those the ticket was requested for

  @FED-4-b @may @rs @sc-fed-4-06
  Scenario: the resource server asks for several permissions in one well-formed request
    When the client asks the resource server for every protected resource without a token
    Then [FED-4-b] every permission request holding several permissions is a JSON array of permission objects

  @FED-4-c @may @rs @sc-fed-4-07
  Scenario: the resource server asks for a permission without scopes with an empty array
    When the client asks the resource server for every protected resource without a token
    Then [FED-4-c] every permission requested without scopes has resource_scopes as an empty array
