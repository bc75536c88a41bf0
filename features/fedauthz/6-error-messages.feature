Feature: FedAuthz 6 - Error messages
  When an authenticated request to the protection API fails, the body is a JSON object with an
  "error" code, optionally an "error_description" string and an "error_uri".

  Background:
    Given the resource server holds a PAT for resource owner "alice"

  @FED-6-a @must @as @sc-fed-6-01
  Scenario: the error body for an unknown resource is a JSON object with an error code
    When it reads a resource that was never registered
    Then [FED-6-a] the error body is a JSON object with an "error" string

  @FED-6-a @must @as @sc-fed-6-02
  Scenario: the error body for a malformed request is a JSON object with an error code
    When it sends a registration request with content type "application/json" and the body:
      """
      this is not JSON {
      """
    Then [FED-6-a] the error body is a JSON object with an "error" string

  @FED-6-a @must @as @sc-fed-6-03
  Scenario: the error body for an unsupported method is a JSON object with an error code
    Given it has registered a resource with scopes "view"
    When it sends a PATCH request to the resource
    Then [FED-6-a] the error body is a JSON object with an "error" string

  @FED-6-b @may @as @sc-fed-6-04
  Scenario: an error description, when given, is a string
    When it reads a resource that was never registered
    Then [FED-6-b] if the error body has "error_description", it is a string

  @FED-6-c @may @as @sc-fed-6-05
  Scenario: an error URI, when given, is an absolute URI
    When it reads a resource that was never registered
    Then [FED-6-c] if the error body has "error_uri", it is an absolute URI
