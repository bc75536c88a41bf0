Feature: FedAuthz 5 - Token introspection endpoint
  An authorization server that offers UMA token introspection names the endpoint in its
  discovery document and answers with the RFC 7662 form extended by the RPT's permissions. It
  may serve plain RFC 7662 introspection for other tokens too.

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view" and "print"

  @FED-5-b @must @as @sc-fed-5-01
  Scenario: introspecting an RPT gives the UMA-extended answer at the endpoint the document names
    Given the client has obtained an RPT for the resource with scope "view"
    When the resource server introspects the RPT
    Then [FED-5-b] the introspection shows the RPT active with a permissions array
    When the harness fetches the discovery document from the issuer's well-known location
    Then [FED-5-b] the document has "introspection_endpoint" as an absolute URL

  @FED-5-c @may @as @sc-fed-5-02
  Scenario: introspecting a PAT gives a plain RFC 7662 answer
    When the resource server introspects its own PAT
    Then [FED-5-c] the authorization server answers 200
    And [FED-5-c] the body is a valid "introspection-response" document

  @FED-1.3-c @must @as @sc-fed-5-03
  Scenario: introspection requires a PAT
    Given the client has obtained an RPT for the resource with scope "view"
    When the RPT is introspected without a PAT
    Then [FED-1.3-c] the authorization server refuses the request with a Bearer challenge

  @FED-1.3-c @must @as @sc-fed-5-04
  Scenario: an RPT is not a PAT
    Given the client has obtained an RPT for the resource with scope "view"
    When the RPT is introspected with the RPT itself in place of a PAT
    Then [FED-1.3-c] the authorization server refuses the request with a Bearer challenge
