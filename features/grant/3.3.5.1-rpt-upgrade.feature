Feature: Grant 3.3.5.1 - Authorization server upgrades an RPT
  A client may present its current RPT with a new ticket. An authorization server that upgrades
  carries the old RPT's permissions into the new one and says so with "upgraded": true; it should
  then revoke the old RPT. Upgrading is optional.

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view"
    And resource owner "alice" grants the client scope "view" on the resource
    And the client has obtained an RPT for the resource with scope "view"
    And it has registered a resource with scopes "print"
    And resource owner "alice" grants the client scope "print" on the resource
    And the client holds a permission ticket for the resource with scope "print"
    When the client requests an RPT with the ticket and its previous RPT

  @GRANT-3.3.5-g @GRANT-3.3.5.1-i1 @GRANT-3.3.5.1-a @must @as @sc-grant-3.3.5.1-01
  Scenario: upgraded is true exactly when the old permissions were carried over
    When the resource server introspects the RPT
    Then [GRANT-3.3.5-g, GRANT-3.3.5.1-i1, GRANT-3.3.5.1-a] "upgraded" was true exactly when the new RPT carries the previous RPT's permissions

  @GRANT-3.3.5.1-c @should @as @sc-grant-3.3.5.1-02
  Scenario: an upgraded RPT replaces the old one
    When the resource server introspects the previous RPT
    Then [GRANT-3.3.5.1-c] if the RPT was upgraded, the previous RPT is no longer active

  @GRANT-3.3.5.1-b @should @as @sc-grant-3.3.5.1-03
  Scenario: a second upgrade is answered like the first
    Given it has registered a resource with scopes "download"
    And resource owner "alice" grants the client scope "download" on the resource
    And the client holds a permission ticket for the resource with scope "download"
    When the client requests an RPT with the ticket and its previous RPT
    Then [GRANT-3.3.5.1-b] the two upgrade requests were answered alike
