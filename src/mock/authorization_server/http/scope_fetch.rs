//! Only for the `dereferences-scope-uris` deviation: an AS that insists on fetching every scope
//! description URI, which FedAuthz 3.1.1 says it need not do.

/// Fetches each URI once; the first that fails or answers other than 2xx is the error. Only
/// loopback hosts are ever contacted: the mock must never send traffic off this machine, so any
/// other host counts as unreachable without a connection attempt.
pub(crate) async fn all_reachable(client: &reqwest::Client, uris: &[String]) -> Result<(), String> {
    for uri in uris {
        if !is_loopback_url(uri) {
            return Err(format!(
                "scope description {uri} could not be fetched: only loopback hosts are contacted"
            ));
        }
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

fn is_loopback_url(uri: &str) -> bool {
    let Ok(url) = url::Url::parse(uri) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_hosts_are_contacted() {
        assert!(is_loopback_url("http://127.0.0.1:9/scopes/view"));
        assert!(is_loopback_url("http://[::1]:9/x"));
        assert!(!is_loopback_url("https://scopes.example.com/view"));
        assert!(!is_loopback_url("http://10.0.0.1/view"));
        assert!(!is_loopback_url("urn:example:scope"));
    }
}
