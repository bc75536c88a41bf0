Feature: Grant 2 - Authorization server metadata
  An UMA authorization server describes itself in a discovery document that has the form of
  OAuth authorization server metadata. The document lives at the issuer with
  "/.well-known/uma2-configuration" appended to the whole issuer string.

  Background:
    When the harness fetches the discovery document from the issuer's well-known location

  @GRANT-2-a @must @as @sc-grant-2-01
  Scenario: the authorization server publishes its discovery document
    Then [GRANT-2-a] the discovery document is served as a JSON object

  @GRANT-2-b @must @as @sc-grant-2-02
  Scenario: the discovery document has the structure of OAuth authorization server metadata
    Then [GRANT-2-b] the body is a valid "uma2-configuration" document

  @GRANT-2-c @must @as @sc-grant-2-03
  Scenario: the discovery document names the issuer it is served under
    Then [GRANT-2-c] the document's issuer is the issuer it was fetched under

  @GRANT-2-d @may @as @sc-grant-2-04
  Scenario: a published claims interaction endpoint is an absolute URL
    Then [GRANT-2-d] if the document has "claims_interaction_endpoint", it is an absolute URL

  @GRANT-2-e @may @as @sc-grant-2-05
  Scenario: published UMA profiles are a list of URIs
    Then [GRANT-2-e] if the document has "uma_profiles_supported", it is an array of absolute URIs

  @GRANT-2-f @FED-2-d @GRANT-4-b @should @as @sc-grant-2-06
  Scenario: every UMA profile and extension the authorization server implements is listed
    Given the target declares the UMA profiles and extensions it implements
    Then [GRANT-2-f, FED-2-d, GRANT-4-b] "uma_profiles_supported" lists every declared profile

  @RFC8414-2 @must @as @rfc @sc-grant-2-07
  Scenario: the metadata lists the response types it supports (RFC 8414, reported apart)
    Then [RFC8414-2] the document has "response_types_supported" as an array of strings
