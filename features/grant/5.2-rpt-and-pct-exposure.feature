Feature: Grant 5.2 - RPT and PCT exposure
  A PCT lets its client obtain RPTs without gathering the claims again, much like a refresh
  token. The authorization server keeps it confidential on the wire and honours it only from the
  client it was issued to.

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    And resource owner "alice" requires the requesting party's claims before the client gets "view" on the resource

  @GRANT-5.2-e @must @as @sc-grant-5.2-01
  Scenario: another client presenting the PCT gets no RPT
    Given resource owner "alice" requires the requesting party's claims before the second client gets "view" on the resource
    And the client has obtained a PCT for scope "view" by pushing the requesting party's claim token
    And the client has obtained another RPT for scope "view" with its PCT alone
    When the second client requests an RPT for scope "view" with the client's PCT
    Then [GRANT-5.2-e] the second client gets no RPT

  @GRANT-5.2-c @must @as @sc-grant-5.2-02
  Scenario: the answer carrying a PCT comes over TLS and is kept by no cache
    Given the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket, pushing the requesting party's claim token
    Then [GRANT-5.2-c] the PCT came over TLS
    And [GRANT-5.2-c] the token answer is JSON that no cache keeps
