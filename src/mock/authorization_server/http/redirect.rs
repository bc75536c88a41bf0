//! Sending a user agent back to a client: 302 to a URI the client registered, with parameters
//! added to its query.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::html;

/// 302 to `uri` with `pairs` added to its query. With `keep_query`, a query the URI already has
/// stays (RFC 6749 3.1.2, Grant 3.3.2); without it, it is replaced (a deviation).
pub(crate) fn redirect(uri: &str, pairs: &[(&str, &str)], keep_query: bool) -> Response {
    // Registered URIs were checked to be absolute when they were registered.
    let Ok(mut url) = url::Url::parse(uri) else {
        return html::error_page("the registered redirect URI is unusable");
    };
    if !keep_query {
        url.set_query(None);
    }
    url.query_pairs_mut().extend_pairs(pairs);
    let Ok(location) = HeaderValue::from_str(url.as_str()) else {
        return html::error_page("the redirect URI cannot be sent in a header");
    };
    let mut response = StatusCode::FOUND.into_response();
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, location);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(response: &Response) -> &str {
        response.headers()[header::LOCATION].to_str().unwrap()
    }

    #[test]
    fn adds_to_the_query_or_replaces_it() {
        let kept = redirect("https://c.example/cb?app=1", &[("ticket", "t&1")], true);
        assert_eq!(kept.status(), StatusCode::FOUND);
        assert_eq!(location(&kept), "https://c.example/cb?app=1&ticket=t%261");
        let dropped = redirect("https://c.example/cb?app=1", &[("ticket", "t")], false);
        assert_eq!(location(&dropped), "https://c.example/cb?ticket=t");
        assert_eq!(
            redirect("nope", &[], true).status(),
            StatusCode::BAD_REQUEST
        );
    }
}
