Feature: Grant 5.4 - Credentials guessing
  Permission tickets (and PCTs) must not be guessable. A black box can only judge what it sees:
  tickets long enough, over a wide enough alphabet, never repeated and not plain counters.

  @GRANT-5.4-a @must @as
  Scenario: permission tickets look unguessable
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    When the resource server requests 5 permission tickets for the resource
    Then [GRANT-5.4-a] the tickets look unguessable
