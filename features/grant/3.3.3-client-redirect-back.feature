Feature: Grant 3.3.3 - The client takes the requesting party back
  When the party comes back from the claims interaction endpoint, the client goes on with the
  ticket the authorization server put on the redirect, disregarding parameters it does not know
  (the harness adds one).

  @GRANT-3.3.3-f @must @client @sc-grant-3.3.3-06
  Scenario: an unknown parameter on the redirect back does not stop the client
    Given the owner's policy for the resource sends the requesting party to the claims interaction endpoint
    When the client under test fetches the protected resource
    Then [GRANT-3.3.3-f] the client went on with the ticket the authorization server returned, minding no unknown parameter
