Feature: Grant 3.3.6 - The client polls no faster than the interval
  While the owner decides, the authorization server answers request_submitted with an interval;
  a polling client waits at least that long between token requests. The harness answers for
  the owner after the client polled once.

  @GRANT-3.3.6-q @should @client @sc-grant-3.3.6-08
  Scenario: the client waits out the interval between polls
    Given the owner's policy for the resource needs the owner's approval
    When the client under test fetches the protected resource
    Then [GRANT-3.3.6-q] the client let the interval pass between its token requests
