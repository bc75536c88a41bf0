Feature: FedAuthz 3.1.1 - Scope description
  A scope may be a URI that resolves to a scope description document. The authorization server
  is not expected to fetch such documents, at registration or later.

  @FED-3.1.1-i1 @must @as @sc-fed-3.1.1-01
  Scenario: scope URIs are accepted without being dereferenced
    Given the resource server holds a PAT for resource owner "alice"
    When it registers a resource described by:
      """
      {
        "resource_scopes": ["http://127.0.0.1:9/scopes/{unique}/view", "http://127.0.0.1:9/scopes/{unique}/print"],
        "name": "{unique} album with unreachable scope descriptions"
      }
      """
    Then [FED-3.1.1-i1] the authorization server accepts the registration
