Feature: Grant 3.5 - Resource server response to a request with an RPT
  The resource server serves the resource only for an RPT whose permissions cover the request;
  otherwise it answers as to a request without a token: a new ticket in a 401 UMA challenge.
  Each scenario first shows the resource server honouring a sufficient RPT and a made-up token
  whose introspection answer (crafted by the harness's authorization server) allows the request,
  then hands it a token whose crafted answer falls short in one way, and makes sure the resource
  server asked the authorization server about it.

  @GRANT-3.5-a @GRANT-3.5-i1 @must @rs @sc-grant-3.5-01
  Scenario Outline: a token without a current permission for the request is refused
    Given the client holds an RPT the authorization server issued for the protected resource
    And the resource server serves the protected resource for that RPT
    And the resource server serves the protected resource for a token whose introspection allows it
    When the client presents a token whose introspection shows <shortfall>
    Then [GRANT-3.5-a] the resource server does not serve the protected resource
    And [GRANT-3.5-i1] it answers 401 with a UMA challenge carrying a new ticket

    Examples:
      | shortfall                                              |
      | it is inactive                                         |
      | a permission for the resource that expired             |
      | a permission for the resource not valid yet            |
      | a permission for another resource                      |
      | a permission for the resource without the needed scope |
      | an expired token holding a permission for the resource |
