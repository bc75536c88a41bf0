Feature: Grant 5.1 - The client defends its claims redirect URI against forgery
  The client's state ties the party's return to the request it made: it cannot be guessed,
  shows nothing of the client or the party, and a return with a state the client never sent is
  an error, not a ticket to redeem.

  @GRANT-5.1-d @must @client @sc-grant-5.1-02
  Scenario: the state cannot be guessed
    Given the owner's policy for the resource sends the requesting party to the claims interaction endpoint
    When the client under test fetches the protected resource
    Then [GRANT-5.1-d] the state cannot be guessed

  @GRANT-5.1-g @should @client @sc-grant-5.1-03
  Scenario: the state shows nothing readable of the client or the party
    Given the owner's policy for the resource sends the requesting party to the claims interaction endpoint
    When the client under test fetches the protected resource
    Then [GRANT-5.1-g] the state shows nothing of the client or the requesting party

  @GRANT-5.1-b @GRANT-5.1-e @GRANT-5.1-f @must @client @sc-grant-5.1-04
  Scenario: a return with a state the client never sent is refused
    Given the owner's policy for the resource sends the requesting party to the claims interaction endpoint
    When the client under test fetches the protected resource, and the requesting party comes back with a state the client never sent
    Then [GRANT-5.1-b, GRANT-5.1-e, GRANT-5.1-f] the client did not redeem the ticket that came back with the wrong state
