Feature: FedAuthz 3.2.1 - Create resource description
  Registering a resource answers 201 Created with a Location header for the new resource and
  its "_id" in the JSON body.

  @FED-3.2.1-a @must @as @sc-fed-3.2.1-01
  Scenario: a registered resource gets an identifier and a location
    Given the resource server holds a PAT for resource owner "alice"
    When it registers a resource with scopes "view" and "print"
    Then [FED-3.2.1-a] the authorization server answers 201
    And [FED-3.2.1-a] the response has a Location header
    And [FED-3.2.1-a] the body is a valid "resource-create-response" document
