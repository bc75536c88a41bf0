Feature: Grant 3.2.2 - Resource server response when it cannot get a permission ticket
  When the authorization server cannot be reached, the resource server has no ticket to give and
  says why in a Warning header, so the client knows it cannot go on. The harness takes its own
  authorization server down for the scenario (it cannot do that to a target's).

  @GRANT-3.2.2-i1 @must @rs @serial @sc-grant-3.2.2-01
  Scenario: with the authorization server unreachable, the answer warns of it
    Given the authorization server cannot be reached
    When the client asks the resource server for the protected resource without a token
    Then [GRANT-3.2.2-i1] its answer carries the header Warning: 199 - "UMA Authorization Server Unreachable"
