//! Claims interaction (Grant 3.3.2, 3.3.3): the URL the requesting party is sent to, and the
//! reading of the redirect back.

use super::deviations::{Deviation, DeviationSet};
use super::error::ClientError;
use super::state;

/// What goes into the claims interaction URL.
pub(crate) struct Request<'a> {
    pub(crate) endpoint: &'a str,
    pub(crate) client_id: &'a str,
    pub(crate) ticket: &'a str,
    pub(crate) claims_redirect_uri: &'a str,
    pub(crate) state: Option<&'a str>,
}

/// The endpoint with client_id, ticket, claims_redirect_uri and state added to whatever query it
/// already has, form-urlencoded.
pub(crate) fn url(request: &Request<'_>, deviations: DeviationSet) -> Result<String, ClientError> {
    let mut params: Vec<(&str, String)> = Vec::new();
    if !deviations.has(Deviation::NoClientIdInRedirect) {
        params.push(("client_id", request.client_id.to_string()));
    }
    if !deviations.has(Deviation::NoTicketInRedirect) {
        params.push(("ticket", request.ticket.to_string()));
    }
    if !deviations.has(Deviation::NoClaimsRedirectUri) {
        params.push((
            "claims_redirect_uri",
            redirect_uri_sent(request.claims_redirect_uri, deviations),
        ));
    }
    if let Some(state) = request.state {
        params.push(("state", state.to_string()));
    }
    if deviations.has(Deviation::UnencodedRedirectQuery) {
        let glue = if request.endpoint.contains('?') {
            '&'
        } else {
            '?'
        };
        let raw: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        return Ok(format!("{}{glue}{}", request.endpoint, raw.join("&")));
    }
    let mut url = url::Url::parse(request.endpoint).map_err(|e| {
        ClientError::Failure(format!(
            "claims_interaction_endpoint {:?} is not a URL: {e}",
            request.endpoint
        ))
    })?;
    url.query_pairs_mut().extend_pairs(params);
    Ok(url.to_string())
}

/// The claims_redirect_uri as sent: as configured, unless a deviation spoils it.
fn redirect_uri_sent(configured: &str, deviations: DeviationSet) -> String {
    if deviations.has(Deviation::RelativeClaimsRedirectUri) {
        if let Ok(url) = url::Url::parse(configured) {
            return url[url::Position::BeforePath..].to_string();
        }
    }
    if deviations.has(Deviation::FragmentInClaimsRedirectUri) {
        return format!("{configured}#claims");
    }
    if deviations.has(Deviation::UnencodedRedirectUriQuery) {
        let joiner = if configured.contains('?') { '&' } else { '?' };
        return format!("{configured}{joiner}note=two words");
    }
    configured.to_string()
}

/// What the redirect back brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Returned {
    pub(crate) ticket: String,
    pub(crate) authorization_state: Option<String>,
}

/// What the client knows about the interaction it started.
pub(crate) struct Expectation {
    pub(crate) state: Option<String>,
    /// Parameters of the claims_redirect_uri's own query: the client's, so known.
    pub(crate) own_params: Vec<String>,
    pub(crate) deviations: DeviationSet,
}

/// Parameters Grant 3.3.3 and RFC 6749 4.1.2.1 define for the redirect back.
const KNOWN: [&str; 6] = [
    "ticket",
    "state",
    "authorization_state",
    "error",
    "error_description",
    "error_uri",
];

/// Checks the redirect back's query: the state first (Grant 5.1), then an error, then the
/// ticket. Unknown parameters are ignored (Grant 3.3.3).
pub(crate) fn read_return(
    params: &[(String, String)],
    expected: &Expectation,
) -> Result<Returned, ClientError> {
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if !expected.deviations.has(Deviation::StateNotChecked) {
        let matches = match (expected.state.as_deref(), get("state")) {
            (Some(sent), Some(got)) => state::same(sent, got),
            (None, None) => true,
            _ => false,
        };
        if !matches {
            return Err(ClientError::Interaction(
                "the state on the redirect back is not the one sent; possible forgery, stopped"
                    .into(),
            ));
        }
    }
    if expected
        .deviations
        .has(Deviation::RejectsUnknownRedirectParams)
    {
        if let Some((name, _)) = params.iter().find(|(k, _)| {
            !KNOWN.contains(&k.as_str()) && !expected.own_params.iter().any(|o| o == k)
        }) {
            return Err(ClientError::Interaction(format!(
                "unrecognised parameter {name:?} on the redirect back"
            )));
        }
    }
    if let Some(error) = get("error") {
        return Err(ClientError::Interaction(format!(
            "claims interaction ended with error {error:?}{}",
            get("error_description")
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        )));
    }
    let ticket = get("ticket")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ClientError::Interaction("the redirect back carries no ticket".into()))?;
    Ok(Returned {
        ticket: ticket.to_string(),
        authorization_state: get("authorization_state").map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str]) -> DeviationSet {
        DeviationSet::parse(&names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn request(endpoint: &str) -> Request<'_> {
        Request {
            endpoint,
            client_id: "c 1",
            ticket: "t&1",
            claims_redirect_uri: "http://127.0.0.1:9/cb?x=1",
            state: Some("s"),
        }
    }

    #[test]
    fn url_keeps_the_endpoint_query_and_encodes() {
        let url = url(&request("http://as/claims?lang=en"), set(&[])).unwrap();
        assert_eq!(
            url,
            "http://as/claims?lang=en&client_id=c+1&ticket=t%261&claims_redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb%3Fx%3D1&state=s"
        );
        let raw = super::url(
            &request("http://as/claims"),
            set(&["unencoded-redirect-query"]),
        )
        .unwrap();
        assert!(raw.ends_with(
            "?client_id=c 1&ticket=t&1&claims_redirect_uri=http://127.0.0.1:9/cb?x=1&state=s"
        ));
        let relative = super::url(
            &request("http://as/c"),
            set(&["relative-claims-redirect-uri"]),
        )
        .unwrap();
        assert!(
            relative.contains("claims_redirect_uri=%2Fcb%3Fx%3D1&"),
            "{relative}"
        );
        assert!(super::url(&request("not a url"), set(&[])).is_err());
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_return_is_checked_state_first() {
        let expected = Expectation {
            state: Some("s".into()),
            own_params: vec!["x".into()],
            deviations: set(&[]),
        };
        let ok = read_return(
            &pairs(&[("x", "1"), ("ticket", "t2"), ("state", "s"), ("new", "?")]),
            &expected,
        )
        .unwrap();
        assert_eq!(ok.ticket, "t2");
        for bad in [
            vec![("ticket", "t2")],
            vec![("ticket", "t2"), ("state", "z")],
        ] {
            let err = read_return(&pairs(&bad), &expected).unwrap_err();
            assert_eq!(err.exit_code(), 4);
        }
        let err = read_return(
            &pairs(&[("state", "s"), ("error", "access_denied")]),
            &expected,
        )
        .unwrap_err();
        assert!(err.to_string().contains("access_denied"));
        let strict = Expectation {
            deviations: set(&["rejects-unknown-redirect-params"]),
            ..expected
        };
        assert!(
            read_return(
                &pairs(&[("x", "1"), ("ticket", "t"), ("state", "s")]),
                &strict
            )
            .is_ok()
        );
        assert!(
            read_return(
                &pairs(&[("ticket", "t"), ("state", "s"), ("new", "1")]),
                &strict
            )
            .is_err()
        );
    }
}
