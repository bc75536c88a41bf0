Feature: Grant 3.3.1 - The client's request to the token endpoint
  The client under test is run against the harness's resource server and authorization server;
  what it sends the token endpoint is judged from the authorization server's log. It asks with
  a form-encoded POST, authenticated as OAuth requires, with the UMA grant type and the latest
  ticket it holds; claims it pushes travel as a claim token with its format; scopes it asks for
  are ones registered for it; a PCT or an RPT it offers is one the authorization server issued it.

  @GRANT-3.3.1-i1 @GRANT-3.3.1-a @GRANT-3.3.1-b @must @client @sc-grant-3.3.1-02
  Scenario: the client asks for an RPT with the UMA grant and the ticket it was given
    When the client under test fetches the protected resource
    Then [GRANT-3.3.1-i1] the client asked the token endpoint with form-encoded POSTs, authenticating as registered
    And [GRANT-3.3.1-a] every token request of the client for an RPT has grant_type urn:ietf:params:oauth:grant-type:uma-ticket
    And [GRANT-3.3.1-b] every ticket the client sent was the latest one it had been given

  @GRANT-3.3.1-b @GRANT-3.3.1-d @GRANT-3.3.1-e @must @client @sc-grant-3.3.1-03
  Scenario: claims pushed after need_info go with their format, on the new ticket
    Given the owner's policy for the resource asks for the requesting party's claims
    When the client under test fetches the protected resource
    Then [GRANT-3.3.1-b] every ticket the client sent was the latest one it had been given
    And [GRANT-3.3.1-d] every token request carrying claim_token or claim_token_format carries both
    And [GRANT-3.3.1-e] every claim token the client pushed is base64url text

  @GRANT-3.3.1-c @GRANT-3.3.1-g @GRANT-3.3.1-h @may @client @sc-grant-3.3.1-04
  Scenario: a pushed claim token is in the format the client names
    Given the owner's policy for the resource asks for the requesting party's claims
    When the client under test fetches the protected resource
    Then [GRANT-3.3.1-c, GRANT-3.3.1-g, GRANT-3.3.1-h] every claim token the client pushed is in the format it named, and the format is a string or a URI

  @GRANT-3.3.1-o @GRANT-3.3.1-p @must @client @sc-grant-3.3.1-05
  Scenario: the scopes the client asks for are registered for it
    When the client under test fetches the protected resource
    Then [GRANT-3.3.1-o] every scope parameter the client sent is a space-separated list of scopes
    And [GRANT-3.3.1-p] every scope the client asked for is one registered for it

  @GRANT-3.3.1-i @GRANT-3.3.1-j @GRANT-3.3.1-l @GRANT-3.3.1-m @may @client @sc-grant-3.3.1-06
  Scenario: a PCT and an RPT the client offers are ones the authorization server issued it
    Given the client under test already fetched another resource for the requesting party
    And the owner's policy for the resource asks for the requesting party's claims
    When the client under test fetches the protected resource
    Then [GRANT-3.3.1-i, GRANT-3.3.1-j, GRANT-3.3.1-l] the client presented the PCT the authorization server issued it
    And [GRANT-3.3.1-m] the client offered the RPT the authorization server issued it for upgrading
