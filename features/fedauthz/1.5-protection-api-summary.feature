Feature: FedAuthz 1.5 - Protection API summary
  The protection API consists of the resource registration endpoint, the permission endpoint
  and, optionally, the UMA-extended token introspection endpoint. The authorization server
  names them in its discovery document.

  Background:
    When the harness fetches the discovery document from the issuer's well-known location

  @FED-1.5-b @must @as @sc-fed-1.5-01
  Scenario: the discovery document names the protection API endpoints
    Then [FED-1.5-b] the document has "resource_registration_endpoint" as an absolute URL
    And [FED-1.5-b] the document has "permission_endpoint" as an absolute URL

  @FED-1.5-b @must @as @sc-fed-1.5-02
  Scenario: the discovery document names the introspection endpoint the authorization server offers
    Given the target declares that the authorization server supports UMA token introspection
    Then [FED-1.5-b] the document has "introspection_endpoint" as an absolute URL

  @FED-1.5-a @may @as @sc-fed-1.5-03
  Scenario: a published introspection endpoint is an absolute URL
    Then [FED-1.5-a] if the document has "introspection_endpoint", it is an absolute URL
