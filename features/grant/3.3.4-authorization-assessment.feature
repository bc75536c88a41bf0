Feature: Grant 3.3.4 - Authorization assessment and results determination
  The authorization server weighs what it knows about the requesting party against the owner's
  policy conditions, resource by resource. Claims the client pushes in a claim token count: once
  they satisfy the policy, every requested scope can be granted and the client gets its RPT.

  @GRANT-3.3.4-i1 @GRANT-3.3.6-b @GRANT-3.3.6-d @must @as
  Scenario: claims pushed after need_info satisfy the policy and an RPT follows
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view" and "print"
    And resource owner "alice" requires the requesting party's claims before the client gets "view" on the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket
    Then [GRANT-3.3.6-b] the error body carries a ticket
    And [GRANT-3.3.6-d] that ticket differs from the one the client presented
    When the client requests an RPT with the ticket from that answer, pushing the requesting party's claim token
    Then [GRANT-3.3.4-i1] the client gets an RPT
