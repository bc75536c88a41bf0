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

  @FED-3.1.1-a @may @rs @sc-fed-3.1.1-02
  Scenario: the scope URIs of the resource server lead to scope descriptions
    Given the resource server has registered its resources
    When the client fetches the scope descriptions the resource server's scope URIs point at
    Then [FED-3.1.1-a] each is a JSON scope description

  @FED-3.1.1-b @FED-3.1.1-d @may @rs @sc-fed-3.1.1-03
  Scenario: the descriptions of the resource server's scopes are strings in every language
    Given the resource server has registered its resources
    When the client fetches the scope descriptions the resource server's scope URIs point at
    Then [FED-3.1.1-b, FED-3.1.1-d] every "description" it gave, in any language, is a string

  @FED-3.1.1-e @may @rs @sc-fed-3.1.1-04
  Scenario: the icons of the resource server's scopes are absolute URIs
    Given the resource server has registered its resources
    When the client fetches the scope descriptions the resource server's scope URIs point at
    Then [FED-3.1.1-e] every icon_uri it gave is an absolute URI

  @FED-3.1.1-g @FED-3.1.1-i @may @rs @sc-fed-3.1.1-05
  Scenario: the names of the resource server's scopes are strings in every language
    Given the resource server has registered its resources
    When the client fetches the scope descriptions the resource server's scope URIs point at
    Then [FED-3.1.1-g, FED-3.1.1-i] every "name" it gave, in any language, is a string
