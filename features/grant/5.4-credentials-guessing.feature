Feature: Grant 5.4 - Credentials guessing
  Permission tickets and PCTs must not be guessable. A black box can only judge what it sees:
  values long enough, over a wide enough alphabet, never repeated and not plain counters.

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"

  @GRANT-5.4-a @must @as @sc-grant-5.4-01
  Scenario: permission tickets look unguessable
    When the resource server requests 5 permission tickets for the resource
    Then [GRANT-5.4-a] the tickets look unguessable

  @GRANT-5.4-a @GRANT-3.3.5-c @must @as @sc-grant-5.4-02
  Scenario: PCTs look unguessable
    Given resource owner "alice" requires the requesting party's claims before the client gets "view" on the resource
    When the client obtains 5 PCTs for scope "view", each by pushing the requesting party's claim token
    Then [GRANT-3.3.5-c, GRANT-5.4-a] the PCTs look unguessable
