Feature: Grant 3.6 - The client refreshes its RPT
  A client holding a refresh token may use the refresh_token grant once its RPT has expired;
  when it does, it refreshes with the refresh token it was issued.

  @GRANT-3.6-b @may @client @sc-grant-3.6-03
  Scenario: an expired RPT is refreshed with the refresh token issued
    Given the client under test already fetched the protected resource
    And the client's RPT has expired
    When the client under test fetches the protected resource again
    Then [GRANT-3.6-b] the client refreshed with the refresh token the authorization server issued it
