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

/// Whether `raw` is an `application/x-www-form-urlencoded` string as a serializer writes it:
/// `name=value` pairs joined by `&`, every byte unreserved, `+` or a well-formed `%XX` escape.
pub fn check_form_encoded(raw: &str) -> Result<(), String> {
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        if !pair.contains('=') {
            return Err(format!("the query part {pair:?} is not name=value"));
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
            if !(b.is_ascii_alphanumeric() || b"*-._~+=".contains(&b)) {
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

/// Whether a page sends the user agent on by itself: a `<meta http-equiv="refresh">` naming
/// `target` (the automatic redirect an HTML answer can make).
pub fn page_refreshes_to(response: &HttpResponse, target: &str) -> bool {
    let page = response.text().to_ascii_lowercase();
    page.contains("http-equiv")
        && page.contains("refresh")
        && page.contains(&target.to_ascii_lowercase())
}

/// The cookies the AS set during one interaction, sent back as a browser would (one party,
/// one AS: no domain or path scoping is needed to be faithful enough).
#[derive(Debug, Clone, Default)]
pub struct CookieJar {
    cookies: Vec<(String, String)>,
}

impl CookieJar {
    pub fn absorb(&mut self, response: &HttpResponse) {
        for header in response.header_values("set-cookie") {
            let Some((name, value)) = header.split(';').next().and_then(|c| c.split_once('='))
            else {
                continue;
            };
            let name = name.trim().to_string();
            self.cookies.retain(|(n, _)| *n != name);
            if !value.trim().is_empty() {
                self.cookies.push((name, value.trim().to_string()));
            }
        }
    }

    /// The `Cookie` header value, if any cookie is held.
    pub fn header(&self) -> Option<String> {
        (!self.cookies.is_empty()).then(|| {
            self.cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
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
    fn form_encoding_is_checked_byte_by_byte() {
        assert!(check_form_encoded("a=1&state=s+p%26q&empty=").is_ok());
        assert!(check_form_encoded("state=s p").is_err());
        assert!(check_form_encoded("state=%G1").is_err());
        assert!(check_form_encoded("state=é").is_err());
        assert!(check_form_encoded("flag").is_err());
    }
}
