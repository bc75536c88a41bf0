//! Only for the `dereferences-scope-uris` deviation: an AS that insists on fetching every scope
//! description URI, which FedAuthz 3.1.1 says it need not do.

/// Fetches each URI once; the first that fails or answers other than 2xx is the error.
pub(crate) async fn all_reachable(client: &reqwest::Client, uris: &[String]) -> Result<(), String> {
    for uri in uris {
        match client.get(uri).send().await {
            Ok(response) if response.status().is_success() => {}
            Ok(response) => {
                return Err(format!(
                    "scope description {uri} answered {}",
                    response.status()
                ));
            }
            Err(err) => {
                return Err(format!(
                    "scope description {uri} could not be fetched: {err}"
                ));
            }
        }
    }
    Ok(())
}
