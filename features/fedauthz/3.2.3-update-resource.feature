Feature: FedAuthz 3.2.3 - Update resource description
  Updating replaces the whole description and answers 200 with the resource's "_id".

  Background:
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource described by:
      """
      {"resource_scopes": ["view", "print"], "name": "{unique} album", "description": "to be removed by the update"}
      """

  @FED-3.2.3-a @must @as @sc-fed-3.2.3-01
  Scenario: an update answers 200 with the resource's _id
    When it updates the resource with the description:
      """
      {"resource_scopes": ["view"], "name": "{unique} renamed album"}
      """
    Then [FED-3.2.3-a] the authorization server answers 200
    And [FED-3.2.3-a] the body is a valid "resource-update-response" document
    And [FED-3.2.3-a] the body's "_id" is the resource's id
    And [FED-3.2.3-a] reading the resource back returns "name" unchanged

  @FED-3.2.3-i1 @must @as @sc-fed-3.2.3-02
  Scenario: an update replaces the whole description
    When it updates the resource with the description:
      """
      {"resource_scopes": ["view"], "name": "{unique} renamed album"}
      """
    Then [FED-3.2.3-i1] reading the resource back no longer returns "description"
    And [FED-3.2.3-i1] reading the resource back returns "resource_scopes" as ["view"]
