Feature: Grant 3.4 - The client presents its RPT to the resource server
  Having got an RPT, the client asks the resource server again with the RPT as an RFC 6750
  bearer token in the Authorization header.

  @GRANT-3.4-i1 @must @client @sc-grant-3.4-01
  Scenario: the RPT goes in the Authorization header
    When the client under test fetches the protected resource
    Then [GRANT-3.4-i1] the client presented its RPT to the resource server as a bearer token in the Authorization header
