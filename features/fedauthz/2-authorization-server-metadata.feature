Feature: FedAuthz 2 - Authorization server metadata
  The discovery document of an authorization server that implements Federated Authorization
  adds the permission endpoint and the resource registration endpoint, and the introspection
  endpoint when it supports UMA token introspection.

  Background:
    When the harness fetches the discovery document from the issuer's well-known location

  @FED-2-a @must @as @sc-fed-2-01
  Scenario: the discovery document names the permission endpoint
    Then [FED-2-a] the document has "permission_endpoint" as an absolute URL

  @FED-2-b @must @as @sc-fed-2-02
  Scenario: the discovery document names the resource registration endpoint
    Then [FED-2-b] the document has "resource_registration_endpoint" as an absolute URL

  @FED-2-c @must @as @sc-fed-2-03
  Scenario: an authorization server that supports UMA token introspection names its endpoint
    Given the target declares that the authorization server supports UMA token introspection
    Then [FED-2-c] the document has "introspection_endpoint" as an absolute URL
