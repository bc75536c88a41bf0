//! The few HTML pages the mock shows people: the login forms of the authorization endpoint and of
//! the claims interaction endpoint, and their error pages. Every value from a request is escaped,
//! and no page may be framed (RFC 6749 10.13, Grant 5.1).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Text safe inside element content and double-quoted attribute values.
pub(crate) use crate::text::html_escaped as escape;

/// A page with `body` (already HTML) under an escaped title.
pub(crate) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let title = escape(title);
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body><h1>{title}</h1>\n{body}</body></html>\n"
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // The form carries a CSRF token; neither it nor an error should be cached or framed.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    response
}

/// The login form: the request's parameters ride along as hidden fields, bound to the request by
/// the CSRF token among them.
pub(crate) fn login_form(action: &str, client_id: &str, hidden: &[(&str, &str)]) -> Response {
    let fields = hidden_fields(hidden);
    let body = format!(
        "<p>The resource server <code>{client}</code> asks for access to manage your resources \
         (a protection API token).</p>\n\
         <form method=\"post\" action=\"{action}\">\n{fields}\
         <label>Username <input name=\"username\" autocomplete=\"username\"></label>\n\
         <label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\"></label>\n\
         <button type=\"submit\" name=\"action\" value=\"allow\">Log in and allow</button>\n\
         <button type=\"submit\" name=\"action\" value=\"deny\">Deny</button>\n\
         </form>\n",
        client = escape(client_id),
        action = escape(action),
    );
    page(StatusCode::OK, "Log in", &body)
}

fn hidden_fields(hidden: &[(&str, &str)]) -> String {
    let mut fields = String::new();
    for (name, value) in hidden {
        fields.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
            escape(name),
            escape(value)
        ));
    }
    fields
}

/// The claims gathering form (Grant 3.3.2): a requesting party logs in, or states claims about
/// itself, or cancels. The request rides along in hidden fields, bound by the CSRF token.
pub(crate) fn claims_form(action: &str, client_id: &str, hidden: &[(&str, &str)]) -> Response {
    let body = format!(
        "<p>The application <code>{client}</code> asks you to say who you are before it can \
         request access on your behalf. The claims you give are kept for this application \
         (a persisted claims token).</p>\n\
         <form method=\"post\" action=\"{action}\">\n{fields}\
         <fieldset><legend>Log in</legend>\n\
         <label>Username <input name=\"username\" autocomplete=\"username\"></label>\n\
         <label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\"></label>\n\
         </fieldset>\n\
         <fieldset><legend>Or state claims about yourself</legend>\n\
         <label>Email <input name=\"claim_email\" type=\"email\"></label>\n\
         <label>Role <input name=\"claim_roles\"></label>\n\
         </fieldset>\n\
         <button type=\"submit\" name=\"action\" value=\"submit\">Continue</button>\n\
         <button type=\"submit\" name=\"action\" value=\"cancel\">Cancel</button>\n\
         </form>\n",
        client = escape(client_id),
        action = escape(action),
        fields = hidden_fields(hidden),
    );
    page(StatusCode::OK, "Claims requested", &body)
}

/// Grant 3.3.3: when the client or its claims redirect URI is in doubt, the requesting party is
/// told and the user agent goes nowhere.
pub(crate) fn claims_error_page(why: &str) -> Response {
    let body = format!(
        "<p>This claims request cannot be completed: {}.</p>\n",
        escape(why)
    );
    page(StatusCode::BAD_REQUEST, "Claims request refused", &body)
}

/// RFC 6749 4.1.2.1: when the client or its redirect URI is in doubt, the owner is told and the
/// user agent goes nowhere.
pub(crate) fn error_page(why: &str) -> Response {
    let body = format!(
        "<p>This authorization request cannot be completed: {}.</p>\n",
        escape(why)
    );
    page(
        StatusCode::BAD_REQUEST,
        "Authorization request refused",
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("plain"), "plain");
    }
}
