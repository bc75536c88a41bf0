Feature: FedAuthz 5.1 - Resource server's introspection request
  A resource server that checks an RPT at the authorization server posts it, as a form, to the
  introspection endpoint with its PAT as a bearer token (RFC 7662 with UMA's additions). A
  resource server may check RPTs otherwise (FedAuthz 5); then this scenario is skipped.

  @FED-5.1-i1 @must @rs @sc-fed-5.1-01
  Scenario: the resource server introspects an RPT with its PAT as a bearer token
    Given the client holds an RPT the authorization server issued for the protected resource
    When the client presents that RPT to the resource server
    Then [FED-5.1-i1] the resource server introspected the RPT with its PAT as a bearer token
