Feature: Grant 3.3.6 - Authorization server response to the client on authorization failure
  Failures at the token endpoint use the OAuth error form: invalid_grant (400) for an unknown or
  expired ticket, invalid_scope (400) for a scope no resource of the ticket offers,
  request_denied (403), need_info (403, with a new ticket and what is needed) and
  request_submitted (403, with a new ticket and maybe a polling interval).

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view" and "print"

  @GRANT-3.3.6-i1 @GRANT-3.3.6-i2 @must @as @sc-grant-3.3.6-01
  Scenario: an unknown ticket is answered invalid_grant in the OAuth error form
    When the client requests an RPT with a ticket the authorization server never issued
    Then [GRANT-3.3.6-i2] the authorization server answers 400
    And [GRANT-3.3.6-i2] the error is "invalid_grant"
    And [GRANT-3.3.6-i1] the error answer is a JSON object in the OAuth error form

  @GRANT-3.3.6-i3 @must @as @sc-grant-3.3.6-02
  Scenario: a requested scope that no resource of the ticket offers is answered invalid_scope
    Given resource owner "alice" grants the client scopes "view" and "print" on the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket and the scope "launch-missiles"
    Then [GRANT-3.3.6-i3] the authorization server answers 400
    And [GRANT-3.3.6-i3] the error is "invalid_scope"

  @GRANT-3.3.6-i5 @must @as @sc-grant-3.3.6-03
  Scenario: a client the owner's policy refuses is answered request_denied
    Given resource owner "alice" denies the client access to the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket
    Then [GRANT-3.3.6-i5] the authorization server answers 403
    And [GRANT-3.3.6-i5] the error is "request_denied"

  @GRANT-3.3.6-i4 @GRANT-3.3.6-b @GRANT-3.3.6-c @GRANT-3.3.6-d @must @as @sc-grant-3.3.6-04
  Scenario: missing claims are answered need_info with a new ticket and what is needed
    Given resource owner "alice" requires claims before the client gets "view" on the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket
    Then [GRANT-3.3.6-i4] the authorization server answers 403
    And [GRANT-3.3.6-i4] the error is "need_info"
    And [GRANT-3.3.6-b] the error body carries a ticket
    And [GRANT-3.3.6-d] that ticket differs from the one the client presented
    And [GRANT-3.3.6-c] the error body carries "required_claims", "redirect_user" or both

  @GRANT-3.3.6-i6 @GRANT-3.3.6-n @GRANT-3.3.6-p @GRANT-3.3.6-o @must @as @sc-grant-3.3.6-05
  Scenario: a request the owner must decide is answered request_submitted with a new ticket
    Given resource owner "alice" wants to be asked before the client gets "view" on the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket
    Then [GRANT-3.3.6-i6] the authorization server answers 403
    And [GRANT-3.3.6-i6] the error is "request_submitted"
    And [GRANT-3.3.6-n] the error body carries a ticket
    And [GRANT-3.3.6-p] that ticket differs from the one the client presented
    And [GRANT-3.3.6-o] if the error body has "interval", it is a whole number of seconds

  @GRANT-3.3.6-i7 @GRANT-3.3.6-b @GRANT-3.3.6-d @GRANT-3.3.3-b @must @as @sc-grant-3.3.6-06
  Scenario: need_info answered by claims gathering at its redirect_user ends in an RPT
    Given resource owner "alice" requires claims before the client gets "view" on the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket
    Then [GRANT-3.3.6-b] the error body carries a ticket
    And [GRANT-3.3.6-d] that ticket differs from the one the client presented
    When the client sends the requesting party to the redirect_user of that answer with state "u"
    And the requesting party provides the claims the authorization server asks for
    Then [GRANT-3.3.6-i7] the requesting party is sent back to the claims redirect URI with a ticket
    And [GRANT-3.3.3-b] the ticket from the redirect differs from the one the client sent
    When the client requests an RPT with the ticket from the redirect
    Then [GRANT-3.3.6-i7] the authorization server answers 200

  @GRANT-3.3.6-e @GRANT-3.3.6-f @GRANT-3.3.6-g @GRANT-3.3.6-h @GRANT-3.3.6-i @GRANT-3.3.6-j @GRANT-3.3.6-k @GRANT-3.3.6-l @GRANT-3.3.6-m @may @as @sc-grant-3.3.6-07
  Scenario: the optional members of each required claim have their form
    Given resource owner "alice" requires claims before the client gets "view" on the resource
    And the client holds a permission ticket for the resource with scope "view"
    When the client requests an RPT with the ticket
    Then [GRANT-3.3.6-e, GRANT-3.3.6-f, GRANT-3.3.6-g, GRANT-3.3.6-h, GRANT-3.3.6-i, GRANT-3.3.6-j, GRANT-3.3.6-k, GRANT-3.3.6-l, GRANT-3.3.6-m] each entry of "required_claims" has its optional members in the form the Grant gives them
