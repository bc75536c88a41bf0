Feature: FedAuthz 3.2.2 - Read resource description
  Reading a registered resource answers 200 with the description as registered plus its "_id".

  @FED-3.2.2-a @must @as @sc-fed-3.2.2-01
  Scenario: reading a resource returns its description and _id
    Given the resource server holds a PAT for resource owner "alice"
    And it has registered a resource described by:
      """
      {
        "resource_scopes": ["view", "print", "download"],
        "name": "{unique} tax documents",
        "description": "Scanned tax documents",
        "type": "https://docs.example.com/types/folder"
      }
      """
    When it reads the resource
    Then [FED-3.2.2-a] the authorization server answers 200
    And [FED-3.2.2-a] the body is a valid "resource-read-response" document
    And [FED-3.2.2-a] the body holds the registered description and the resource's _id
