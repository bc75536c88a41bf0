Feature: Grant 3.3.4 - Authorization assessment and results determination
  For each resource of the ticket, the scopes requested are the ticket's plus the scopes the
  client is pre-registered for and asked for at the token endpoint. The authorization server
  weighs what it knows about the requesting party, pushed claim tokens included, against the
  owner's policy. Only the scopes the policy grants may end up in an RPT: when some are refused,
  the answer is an RPT with the granted ones or an error.

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view", "print" and "download"

  @GRANT-3.3.4-i1 @must @as @sc-grant-3.3.4-01
  Scenario: a request the policy grants only in part gets no permission the policy refused
    Given resource owner "alice" grants the client scope "view" on the resource
    And the client holds a permission ticket for the resource with scopes "view" and "print"
    When the client requests an RPT with the ticket
    Then [GRANT-3.3.4-i1] either the answer is an error, or the RPT it carries grants nothing but "view"

  @GRANT-3.3.4-a @must @as @sc-grant-3.3.4-02
  Scenario: a pre-registered scope the client asks for joins the ticket's scopes
    Given the client is pre-registered for the scope "download"
    And resource owner "alice" grants the client scopes "view", "print" and "download" on the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket and the scope "download"
    Then [GRANT-3.3.4-a] the RPT grants "view" and "download" on the resource

  @GRANT-3.3.4-i1 @GRANT-3.3.6-b @GRANT-3.3.6-d @must @as @sc-grant-3.3.4-03
  Scenario: claims pushed after need_info satisfy the policy and an RPT follows
    Given resource owner "alice" requires the requesting party's claims before the client gets "view" on the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket
    Then [GRANT-3.3.6-b] the error body carries a ticket
    And [GRANT-3.3.6-d] that ticket differs from the one the client presented
    When the client requests an RPT with the ticket from that answer, pushing the requesting party's claim token
    Then [GRANT-3.3.4-i1] the client gets an RPT

  @GRANT-3.3.6-a @GRANT-3.3.4-a @FED-4-i2 @must @as @sc-grant-3.3.4-04
  Scenario: a scope the client is not pre-registered for does not count, or is refused
    Given the client is pre-registered for the scope "download"
    And the client is not pre-registered for the scope "print"
    And resource owner "alice" grants the client scopes "view", "print" and "download" on the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket
    Then [FED-4-i2] either the answer is an error, or the RPT it carries grants nothing but "view"
    Given the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket and the scope "print"
    Then [GRANT-3.3.6-a, GRANT-3.3.4-a] either the answer is an error, or the RPT it carries grants nothing but "view"
