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
