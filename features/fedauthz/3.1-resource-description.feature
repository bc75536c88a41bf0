Feature: FedAuthz 3.1 - Resource description
  A resource description lists the scopes available for the resource and may carry a
  human-readable name and description (with language-tagged variants), an icon and a type.
  The authorization server keeps what the resource server registered.

  Background:
    Given the resource server holds a PAT for resource owner "alice"

  @FED-3.1-a @must @as @sc-fed-3.1-01
  Scenario: a resource description without resource_scopes is refused
    When it sends a registration request with content type "application/json" and the body:
      """
      {"name": "{unique} album without scopes"}
      """
    Then [FED-3.1-a] the authorization server answers 400

  @FED-3.1-b @may @as @sc-fed-3.1-02
  Scenario: scopes may be URIs
    When it registers a resource described by:
      """
      {
        "resource_scopes": ["https://scopes.example.com/view", "urn:example:scope:print", "plain-scope"],
        "name": "{unique} album with URI scopes"
      }
      """
    Then [FED-3.1-b] the authorization server accepts the registration
    And [FED-3.1-b] reading the resource back returns "resource_scopes" unchanged

  @FED-3.1-c @may @as @sc-fed-3.1-03
  Scenario: the description member is kept
    Given it has registered a resource described by:
      """
      {"resource_scopes": ["view"], "name": "{unique} album", "description": "Photos from the summer of 2024"}
      """
    Then [FED-3.1-c] reading the resource back returns "description" unchanged

  @FED-3.1-e @may @as @sc-fed-3.1-04
  Scenario: language-tagged descriptions are kept
    Given it has registered a resource described by:
      """
      {"resource_scopes": ["view"], "name": "{unique} album", "description": "Summer photos", "description#fr": "Photos de l'été"}
      """
    Then [FED-3.1-e] reading the resource back returns "description#fr" unchanged

  @FED-3.1-f @may @as @sc-fed-3.1-05
  Scenario: the icon URI is kept
    Given it has registered a resource described by:
      """
      {"resource_scopes": ["view"], "name": "{unique} album", "icon_uri": "https://photos.example.com/icons/album.png"}
      """
    Then [FED-3.1-f] reading the resource back returns "icon_uri" unchanged

  @FED-3.1-h @may @as @sc-fed-3.1-06
  Scenario: the name is kept
    Given it has registered a resource described by:
      """
      {"resource_scopes": ["view"], "name": "{unique} holiday album"}
      """
    Then [FED-3.1-h] reading the resource back returns "name" unchanged

  @FED-3.1-j @may @as @sc-fed-3.1-07
  Scenario: language-tagged names are kept
    Given it has registered a resource described by:
      """
      {"resource_scopes": ["view"], "name": "{unique} holiday album", "name#de": "{unique} Urlaubsalbum"}
      """
    Then [FED-3.1-j] reading the resource back returns "name#de" unchanged

  @FED-3.1-k @may @as @sc-fed-3.1-08
  Scenario: the resource type is kept
    Given it has registered a resource described by:
      """
      {"resource_scopes": ["view"], "name": "{unique} album", "type": "https://photos.example.com/types/album"}
      """
    Then [FED-3.1-k] reading the resource back returns "type" unchanged

  @FED-3.1-a @must @rs @sc-fed-3.1-09
  Scenario: every resource the resource server registers has resource_scopes
    Given the resource server has registered its resources
    Then [FED-3.1-a] every resource description the resource server registered has resource_scopes, an array of strings

  @FED-3.1-b @may @rs @sc-fed-3.1-10
  Scenario: the resource server's scopes are strings or URIs
    Given the resource server has registered its resources
    Then [FED-3.1-b] every scope it registered is a plain string or an absolute URI

  @FED-3.1-c @FED-3.1-e @may @rs @sc-fed-3.1-11
  Scenario: the descriptions the resource server gives its resources are strings in every language
    Given the resource server has registered its resources
    Then [FED-3.1-c, FED-3.1-e] every "description" it gave a resource, in any language, is a string

  @FED-3.1-f @may @rs @sc-fed-3.1-12
  Scenario: the icons the resource server gives its resources are absolute URIs
    Given the resource server has registered its resources
    Then [FED-3.1-f] every icon_uri it gave a resource is an absolute URI

  @FED-3.1-h @FED-3.1-j @may @rs @sc-fed-3.1-13
  Scenario: the names the resource server gives its resources are strings in every language
    Given the resource server has registered its resources
    Then [FED-3.1-h, FED-3.1-j] every "name" it gave a resource, in any language, is a string

  @FED-3.1-k @may @rs @sc-fed-3.1-14
  Scenario: the types the resource server gives its resources are strings
    Given the resource server has registered its resources
    Then [FED-3.1-k] every "type" it gave a resource is a string
