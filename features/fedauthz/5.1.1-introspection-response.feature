Feature: FedAuthz 5.1.1 - Authorization server response on token introspection success
  The introspection of an active RPT is an RFC 7662 object without a "scope" member and with a
  "permissions" array. Each permission names a resource registered by the introspecting
  resource server and the scopes granted on it, all registered for that resource, and may carry
  its own exp, iat and nbf as integer seconds. An unknown, expired or revoked token is answered
  with "active": false and nothing else (RFC 7662).

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view", "print" and "download"

  @FED-5.1.1-a @must @as @sc-fed-5.1.1-01
  Scenario: the introspection answer has the RFC 7662 structure
    Given the client has obtained an RPT for the resource with scopes "view" and "print"
    When the resource server introspects the RPT
    Then [FED-5.1.1-a] the authorization server answers 200
    And [FED-5.1.1-a] the introspection reports the RPT active
    And [FED-5.1.1-a] the body is a valid "rpt-introspection-response" document

  @FED-5.1.1-b @must @as @sc-fed-5.1.1-02
  Scenario: an active RPT's introspection has no scope member
    Given the client has obtained an RPT for the resource with scope "view"
    When the resource server introspects the RPT
    Then [FED-5.1.1-b] the active RPT's introspection has no "scope" member

  @FED-5.1.1-c @must @as @sc-fed-5.1.1-03
  Scenario: an active RPT's introspection lists its permissions
    Given the client has obtained an RPT for the resource with scope "view"
    When the resource server introspects the RPT
    Then [FED-5.1.1-c] the introspection shows the RPT active with a permissions array

  @FED-5.1.1-d @must @as @sc-fed-5.1.1-04
  Scenario: every permission names its resource
    Given the client has obtained an RPT for the resource with scopes "view" and "download"
    When the resource server introspects the RPT
    Then [FED-5.1.1-d] every permission has a non-empty string "resource_id"

  @FED-5.1.1-f @must @as @sc-fed-5.1.1-05
  Scenario: every permission lists the scopes granted
    Given the client has obtained an RPT for the resource with scopes "view" and "download"
    When the resource server introspects the RPT
    Then [FED-5.1.1-f] every permission has "resource_scopes", an array of strings

  @FED-5.1.1-e @FED-5.1.1-g @must @as @sc-fed-5.1.1-06
  Scenario: permissions name registered resources and scopes
    Given the client has obtained an RPT for the resource with scopes "view" and "print"
    When the resource server introspects the RPT
    Then [FED-5.1.1-e] every permission names a resource this resource server registered
    And [FED-5.1.1-g] every granted scope was registered for its resource

  @FED-5.1.1-e @FED-5.1.1-g @must @as @sc-fed-5.1.1-07
  Scenario: another resource server is not shown the RPT's permissions
    Given the client has obtained an RPT for the resource with scope "view"
    When the resource server of resource owner "bob" introspects the RPT
    Then [FED-5.1.1-e, FED-5.1.1-g] the answer shows this resource server none of the RPT's permissions

  @FED-5.1.1-h @may @as @sc-fed-5.1.1-08
  Scenario: a permission-level expiry, when given, is integer seconds
    Given the client has obtained an RPT for the resource with scope "view"
    When the resource server introspects the RPT
    Then [FED-5.1.1-h] if a permission has "exp", it is an integer number of seconds

  @FED-5.1.1-i @may @as @sc-fed-5.1.1-09
  Scenario: a permission-level issue time, when given, is integer seconds
    Given the client has obtained an RPT for the resource with scope "view"
    When the resource server introspects the RPT
    Then [FED-5.1.1-i] if a permission has "iat", it is an integer number of seconds

  @FED-5.1.1-j @may @as @sc-fed-5.1.1-10
  Scenario: a permission-level start time, when given, is integer seconds
    Given the client has obtained an RPT for the resource with scope "view"
    When the resource server introspects the RPT
    Then [FED-5.1.1-j] if a permission has "nbf", it is an integer number of seconds

  @RFC7662-2.2 @RFC7662-2.2-b @must @as @rfc @sc-fed-5.1.1-11
  Scenario: an unknown token is inactive and nothing more (RFC 7662, reported apart)
    When the resource server introspects a token the authorization server never issued
    Then [RFC7662-2.2] the introspection answer is 200 with "active": false
    And [RFC7662-2.2-b] the inactive answer has no member besides "active"

  @RFC7662-2.2 @must @as @rfc @slow @serial @sc-fed-5.1.1-12
  Scenario: an expired RPT is inactive (RFC 7662, reported apart)
    Given the client has obtained an RPT for the resource with scope "view"
    And the RPT has outlived its lifetime
    When the resource server introspects the RPT
    Then [RFC7662-2.2] the introspection answer is 200 with "active": false

  @RFC7662-2.2 @must @as @rfc @sc-fed-5.1.1-13
  Scenario: a revoked RPT is inactive (RFC 7662, reported apart)
    Given the client has obtained an RPT for the resource with scope "view"
    And the client has revoked the RPT
    When the resource server introspects the RPT
    Then [RFC7662-2.2] the introspection answer is 200 with "active": false
