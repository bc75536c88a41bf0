Feature: Grant 2 - Client registration metadata for claims redirection
  An authorization server that offers dynamic client registration accepts the
  "claims_redirect_uris" client metadata: the claims redirect URIs a client will use for
  interactive claims gathering.

  @GRANT-2-g @must @as @sc-grant-2-08
  Scenario: dynamic registration accepts claims redirect URIs
    When a client registers dynamically with the claims redirect URIs "https://client.example.test/cb/one" and "https://client.example.test/cb/two?tab=claims"
    Then [GRANT-2-g] the registration is accepted with the claims redirect URIs it asked for
