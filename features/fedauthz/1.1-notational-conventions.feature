Feature: FedAuthz 1.1 - Notational conventions
  JSON objects of the protection API may carry extension members, and a party that receives
  members it does not understand ignores them instead of failing.

  Background:
    Given the resource server holds a PAT for resource owner "alice"

  @FED-1.1-a @FED-1.1-b @should @as @sc-fed-1.1-01
  Scenario: the authorization server accepts a resource description with an extension member
    When it registers a resource described by:
      """
      {
        "resource_scopes": ["view"],
        "name": "{unique} album with an extension",
        "x_vendor_extension": {"colour": "teal", "rank": 3}
      }
      """
    Then [FED-1.1-b] the authorization server accepts the registration
    And [FED-1.1-a] reading the resource back returns "x_vendor_extension" unchanged or leaves it out

  @FED-1.1-b @should @rs @sc-fed-1.1-02
  Scenario: the resource server skips members of an introspection answer it does not know
    Given the client holds an RPT the authorization server issued for the protected resource
    And the resource server serves the protected resource for that RPT
    And the resource server serves the protected resource for a token whose introspection allows it
    When the client presents a token whose introspection shows a sufficient permission among members the resource server cannot know
    Then [FED-1.1-b] the resource server serves the protected resource
