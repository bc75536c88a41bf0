Feature: Grant 5.5 - The client checks that a ticket handed back is a new one
  A client is advised to confirm that each ticket the authorization server returns differs from
  the one it sent. For this scenario the harness's authorization server hands a need_info ticket
  back unchanged.

  @GRANT-5.5-d @should @client @sc-grant-5.5-05
  Scenario: a ticket handed back unchanged is not used again
    Given the owner's policy for the resource asks for the requesting party's claims
    And the authorization server hands back the ticket it was sent
    When the client under test fetches the protected resource
    Then [GRANT-5.5-d] the client never sent again a ticket the authorization server had handed back unchanged
