//! The client's and the requesting party's side of interactive claims gathering (Grant 3.3.2,
//! 3.3.3): building the redirect to the claims interaction endpoint, carrying the party's
//! cookies across the AS's pages, and recognising the redirect back to the client.

use crate::harness::wire::HttpResponse;

/// The claims interaction endpoint (or a `redirect_user` URI) with the client's parameters added
/// to its query in form encoding, keeping any query it already has.
pub fn interaction_url(endpoint: &str, params: &[(&str, &str)]) -> Result<String, String> {
    let mut url = url::Url::parse(endpoint)
        .map_err(|e| format!("{endpoint:?} is not an absolute URL: {e}"))?;
    if !params.is_empty() {
        let mut query = url.query_pairs_mut();
        for (name, value) in params {
            query.append_pair(name, value);
        }
    }
    Ok(url.to_string())
}

/// Where an answer sends the user agent: the `Location` of a redirect, resolved against the URL
/// that was asked.
pub fn redirect_location(response: &HttpResponse, asked: &str) -> Option<String> {
    if !(300..400).contains(&response.status) {
        return None;
    }
    let location = response.header("location")?.trim();
    // An absolute Location stays as written, so that its encoding can be judged.
    if url::Url::parse(location).is_ok() {
        return Some(location.to_string());
    }
    let base = url::Url::parse(asked).ok()?;
    base.join(location).ok().map(|u| u.to_string())
}

/// A redirect that landed at the client's claims redirect URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Return {
    /// The full URI the user agent was sent to.
    pub location: String,
    /// Its query exactly as the AS wrote it.
    pub raw_query: String,
    /// The decoded query parameters, in order.
    pub params: Vec<(String, String)>,
}

impl Return {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// `location` as a return to `claims_redirect_uri`: the same scheme, authority and path (its
/// query is the client's plus what the AS added), or `None` when it goes elsewhere.
pub fn returned_to(location: &str, claims_redirect_uri: &str) -> Option<Return> {
    let raw_query = location
        .split_once('?')
        .map(|(_, q)| q.split('#').next().unwrap_or_default().to_string())
        .unwrap_or_default();
    let got = url::Url::parse(location).ok()?;
    let want = url::Url::parse(claims_redirect_uri).ok()?;
    let same = got.scheme() == want.scheme()
        && got.host_str() == want.host_str()
        && got.port_or_known_default() == want.port_or_known_default()
        && got.path() == want.path();
    same.then(|| Return {
        location: location.to_string(),
        params: url::form_urlencoded::parse(raw_query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        raw_query,
    })
}

/// Whether the parameters the AS added to a query (`pairs`, raw as written) survive
/// `application/x-www-form-urlencoded` parsing: each is `name=value`, with no byte that a query
/// cannot carry (space, controls, non-ASCII, `#`) and only well-formed `%XX` escapes. Other
/// characters a URI query allows (`/`, `:`, `@`, ...) parse the same either way. A raw `&`, `=`
/// or `+` inside a value changes what is parsed; the state round trip catches that.
pub fn check_form_encoded(pairs: &[&str]) -> Result<(), String> {
    for pair in pairs {
        if !pair.contains('=') {
            return Err(format!("the added parameter {pair:?} is not name=value"));
        }
        let bytes = pair.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'%' {
                let escape = bytes.get(i + 1..i + 3).unwrap_or_default();
                if escape.len() != 2 || !escape.iter().all(u8::is_ascii_hexdigit) {
                    return Err(format!("{pair:?} has a broken percent escape"));
                }
                i += 3;
                continue;
            }
            if !b.is_ascii_graphic() || b == b'#' {
                return Err(format!(
                    "{pair:?} carries {:?} unencoded",
                    String::from_utf8_lossy(&bytes[i..=i])
                ));
            }
            i += 1;
        }
    }
    Ok(())
}

/// The raw `name=value` parts of `raw_query` that the claims redirect URI did not have.
pub fn added_parts<'a>(raw_query: &'a str, claims_redirect_uri: &str) -> Vec<&'a str> {
    let own: Vec<&str> = claims_redirect_uri
        .split_once('?')
        .map(|(_, q)| q.split('&').collect())
        .unwrap_or_default();
    raw_query
        .split('&')
        .filter(|p| !p.is_empty() && !own.contains(p))
        .collect()
}

/// Whether a page sends the user agent to `target` by itself, with a
/// `<meta http-equiv="refresh" content="...; url=...">` tag (the redirect an HTML answer can make).
pub fn page_refreshes_to(response: &HttpResponse, target: &str) -> bool {
    crate::harness::roles::html_form::meta_refresh_targets(&response.text())
        .iter()
        .any(|url| returned_to(url, target).is_some())
}

/// The cookies the AS set during one interaction, sent back as a browser would (one party,
/// one AS: no domain or path scoping is needed to be faithful enough).
#[derive(Debug, Clone, Default)]
pub struct CookieJar {
    /// Name, value, and whether a browser sends it on a cross-site request (`SameSite=None`).
    cookies: Vec<(String, String, bool)>,
}

impl CookieJar {
    /// Takes the cookies a response sets; returns their values, which are session secrets.
    pub fn absorb(&mut self, response: &HttpResponse) -> Vec<String> {
        let mut values = Vec::new();
        for header in response.header_values("set-cookie") {
            let mut parts = header.split(';');
            let Some((name, value)) = parts.next().and_then(|c| c.split_once('=')) else {
                continue;
            };
            let cross_site = parts
                .any(|attr| attr.trim().to_ascii_lowercase().replace(' ', "") == "samesite=none");
            let name = name.trim().to_string();
            self.cookies.retain(|(n, _, _)| *n != name);
            let value = value.trim().to_string();
            if !value.is_empty() {
                values.push(value.clone());
                self.cookies.push((name, value, cross_site));
            }
        }
        values
    }

    fn header_of<'a>(cookies: impl Iterator<Item = &'a (String, String, bool)>) -> Option<String> {
        let pairs: Vec<String> = cookies.map(|(n, v, _)| format!("{n}={v}")).collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    /// The `Cookie` header of the party's own navigation, if any cookie is held.
    pub fn header(&self) -> Option<String> {
        Self::header_of(self.cookies.iter())
    }

    /// The `Cookie` header a browser sends on a request another site makes it send: only the
    /// `SameSite=None` cookies (browsers treat cookies without the attribute as `Lax`).
    pub fn cross_site_header(&self) -> Option<String> {
        Self::header_of(self.cookies.iter().filter(|(_, _, cross)| *cross))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_join_an_existing_query() {
        let url = interaction_url(
            "https://as.example/claims?tenant=a",
            &[("client_id", "c 1"), ("state", "x&y=z")],
        )
        .unwrap();
        assert_eq!(
            url,
            "https://as.example/claims?tenant=a&client_id=c+1&state=x%26y%3Dz"
        );
    }

    #[test]
    fn recognises_the_return_and_its_query() {
        let back = returned_to(
            "https://client.example/cb?app=1&ticket=t%2B1&state=s+p",
            "https://client.example/cb?app=1",
        )
        .unwrap();
        assert_eq!(back.param("app"), Some("1"));
        assert_eq!(back.param("ticket"), Some("t+1"));
        assert_eq!(back.param("state"), Some("s p"));
        assert!(returned_to("https://client.example/cb2?x", "https://client.example/cb").is_none());
        assert!(returned_to("https://evil.example/cb", "https://client.example/cb").is_none());
    }

    #[test]
    fn form_encoding_is_checked_on_what_the_as_added() {
        assert!(check_form_encoded(&["ticket=a/b:c", "state=s+p%26q", "empty="]).is_ok());
        assert!(check_form_encoded(&["state=s p"]).is_err());
        assert!(check_form_encoded(&["state=%G1"]).is_err());
        assert!(check_form_encoded(&["state=é"]).is_err());
        assert!(check_form_encoded(&["flag"]).is_err());
        assert_eq!(
            added_parts(
                "app&next=/x&ticket=t&state=s",
                "https://c.example/cb?app&next=/x"
            ),
            ["ticket=t", "state=s"]
        );
    }
}
