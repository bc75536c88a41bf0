Feature: Grant 3.2 - Resource server response to a request without a token
  A resource server asked for a protected resource without an RPT gets a permission ticket from
  its authorization server for what the client tried to do, and hands it to the client. The
  harness plays the client; unless the target brings the authorization server, it plays that
  too, and then sees every request the resource server sends it.

  @GRANT-3.2-a @must @rs @sc-grant-3.2-01
  Scenario: a request without a token gets a ticket the authorization server issued
    When the client asks the resource server for the protected resource without a token
    Then [GRANT-3.2-a] the resource server answers with a UMA challenge carrying a ticket
    And [GRANT-3.2-a] the authorization server knows the ticket

  @GRANT-3.2-b @FED-4-a @should @rs @sc-grant-3.2-02
  Scenario: the permission asked for fits what the client tried to do
    When the client asks the resource server for the protected resource without a token
    Then [GRANT-3.2-b, FED-4-a] the ticket it handed over was asked for only the scopes the request needs
