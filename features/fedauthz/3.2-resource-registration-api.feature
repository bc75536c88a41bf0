Feature: FedAuthz 3.2 - Resource registration API
  The resource registration endpoint offers five operations on resource descriptions: create,
  read, update, delete and list. Each needs a valid PAT. Success bodies of create, read and
  update carry the resource's "_id". Failures use fixed status codes: 404 for an unknown
  resource, 405 for an unsupported method, 400 for a malformed request.

  Background:
    Given the resource server holds a PAT for resource owner "alice"

  @FED-3.2-a @must @as @sc-fed-3.2-01
  Scenario: all five operations are supported
    When it registers a resource with scopes "view" and "print"
    Then [FED-3.2-a] the authorization server accepts the registration
    When it reads the resource
    Then [FED-3.2-a] the authorization server answers with a success status
    When it updates the resource with the description:
      """
      {"resource_scopes": ["view"], "name": "{unique} renamed album"}
      """
    Then [FED-3.2-a] the authorization server answers with a success status
    When it lists its resources
    Then [FED-3.2-a] the authorization server answers with a success status
    When it deletes the resource
    Then [FED-3.2-a] the authorization server answers with a success status

  @FED-3.2-b @must @as @sc-fed-3.2-02
  Scenario Outline: every operation requires a PAT: <operation>
    Given it has registered a resource with scopes "view"
    When it sends the "<operation>" request without an Authorization header
    Then [FED-3.2-b] the authorization server refuses the request with a Bearer challenge

    Examples:
      | operation |
      | create    |
      | read      |
      | update    |
      | delete    |
      | list      |

  @FED-3.2-b @must @as @sc-fed-3.2-03
  Scenario Outline: every operation refuses a token the authorization server never issued: <operation>
    Given it has registered a resource with scopes "view"
    When it sends the "<operation>" request with a token the authorization server never issued
    Then [FED-3.2-b] the authorization server refuses the request with a Bearer challenge

    Examples:
      | operation |
      | create    |
      | read      |
      | update    |
      | delete    |
      | list      |

  @FED-3.2-c @must @as @sc-fed-3.2-04
  Scenario: create, read and update answers carry the _id
    When it registers a resource with scopes "view"
    Then [FED-3.2-c] the body has a non-empty "_id" string
    When it reads the resource
    Then [FED-3.2-c] the body's "_id" is the resource's id
    When it updates the resource with the description:
      """
      {"resource_scopes": ["view", "print"], "name": "{unique} album"}
      """
    Then [FED-3.2-c] the body's "_id" is the resource's id

  @FED-3.2-d @may @as @sc-fed-3.2-05
  Scenario: a user access policy URI, when given, is an absolute URI
    When it registers a resource with scopes "view"
    Then [FED-3.2-d] if the body has "user_access_policy_uri", it is an absolute URI
    When it reads the resource
    Then [FED-3.2-d] if the body has "user_access_policy_uri", it is an absolute URI

  @FED-3.2-e @must @as @sc-fed-3.2-06
  Scenario Outline: an unknown resource id is answered 404: <operation>
    When it <operation> a resource that was never registered
    Then [FED-3.2-e] the authorization server answers 404

    Examples:
      | operation |
      | reads     |
      | updates   |
      | deletes   |

  @FED-3.2-f @may @as @sc-fed-3.2-07
  Scenario: the error code for an unknown resource, when given, is not_found
    When it reads a resource that was never registered
    Then [FED-3.2-f] if the error body is JSON with an "error" member, its value is "not_found"

  @FED-3.2-g @must @as @sc-fed-3.2-08
  Scenario Outline: an unsupported method is answered 405: <method> on <where>
    Given it has registered a resource with scopes "view"
    When it sends a <method> request to <where>
    Then [FED-3.2-g] the authorization server answers 405

    Examples:
      | method | where                                 |
      | PATCH  | the resource                          |
      | POST   | the resource                          |
      | PUT    | the resource registration endpoint    |
      | DELETE | the resource registration endpoint    |

  @FED-3.2-h @may @as @sc-fed-3.2-09
  Scenario: the error code for an unsupported method, when given, is unsupported_method_type
    Given it has registered a resource with scopes "view"
    When it sends a PATCH request to the resource
    Then [FED-3.2-h] if the error body is JSON with an "error" member, its value is "unsupported_method_type"

  @FED-3.2-i @must @as @sc-fed-3.2-10
  Scenario: a body that is not JSON is answered 400
    When it sends a registration request with content type "application/json" and the body:
      """
      this is not JSON {
      """
    Then [FED-3.2-i] the authorization server answers 400

  @FED-3.2-i @must @as @sc-fed-3.2-11
  Scenario: a resource description that is not a JSON object is answered 400
    When it sends a registration request with content type "application/json" and the body:
      """
      [{"resource_scopes": ["view"]}]
      """
    Then [FED-3.2-i] the authorization server answers 400

  @FED-3.2-i @must @as @sc-fed-3.2-12
  Scenario: a repeated member is answered 400
    When it sends a registration request with content type "application/json" and the body:
      """
      {"resource_scopes": ["view"], "name": "{unique} first", "name": "{unique} second"}
      """
    Then [FED-3.2-i] the authorization server answers 400

  @FED-3.2-i @must @as @sc-fed-3.2-13
  Scenario: a member of the wrong type is answered 400
    When it sends a registration request with content type "application/json" and the body:
      """
      {"resource_scopes": ["view"], "name": 42}
      """
    Then [FED-3.2-i] the authorization server answers 400

  @FED-3.2-i @must @as @sc-fed-3.2-14
  Scenario: scopes that are not strings are answered 400
    When it sends a registration request with content type "application/json" and the body:
      """
      {"resource_scopes": ["view", 7], "name": "{unique} album"}
      """
    Then [FED-3.2-i] the authorization server answers 400

  @FED-3.2-j @may @as @sc-fed-3.2-15
  Scenario: the error code for a malformed request, when given, is invalid_request
    When it sends a registration request with content type "application/json" and the body:
      """
      this is not JSON {
      """
    Then [FED-3.2-j] if the error body is JSON with an "error" member, its value is "invalid_request"

  @FED-3.2-i1 @must @as @sc-fed-3.2-16
  Scenario: the Location of a new resource ends with its _id
    When it registers a resource with scopes "view"
    Then [FED-3.2-i1] the Location header ends with the returned _id
