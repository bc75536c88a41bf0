Feature: Grant 3.2.1 - Resource server response when it got a permission ticket
  With a ticket in hand, the resource server answers the client 401 with a WWW-Authenticate
  challenge of scheme UMA naming the authorization server's issuer (as_uri) and the ticket; the
  client finds the authorization server from as_uri alone.

  @GRANT-3.2.1-i1 @must @rs @sc-grant-3.2.1-01
  Scenario: the challenge is a 401 naming the issuer and the ticket
    When the client asks the resource server for the protected resource without a token
    Then [GRANT-3.2.1-i1] the resource server answers 401
    And [GRANT-3.2.1-i1] its WWW-Authenticate header holds a UMA challenge with as_uri and ticket
    And [GRANT-3.2.1-i1] the challenge's as_uri is the authorization server's issuer
