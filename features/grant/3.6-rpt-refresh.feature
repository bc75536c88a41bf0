Feature: Grant 3.6 - Authorization server refreshes an RPT
  With an RPT the authorization server may issue a refresh token. Refreshing does not run the
  authorization assessment again, and a refresh narrowed by scope never grants more.

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource with scopes "view", "print" and "download"
    And resource owner "alice" grants the client scopes "view" and "print" on the resource
    And the client has obtained an RPT for the resource with scopes "view" and "print"

  @GRANT-3.6-d @must @as @sc-grant-3.6-01
  Scenario: refreshing does not assess the policy again
    Given resource owner "alice" denies the client access to the resource
    When the client refreshes the RPT
    Then [GRANT-3.6-d] the authorization server answers 200

  @GRANT-3.6-c @may @as @sc-grant-3.6-02
  Scenario: a refresh narrowed by scope grants nothing more
    When the client refreshes the RPT narrowed to the scope "view"
    And the resource server introspects the RPT
    Then [GRANT-3.6-c] the refreshed RPT grants nothing beyond what the first RPT was granted
