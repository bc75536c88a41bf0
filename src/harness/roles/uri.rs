//! URI checks used by many requirements: absolute URIs (RFC 3986 4.3) and https.

/// Ok when `value` is an absolute URI: a scheme, and no fragment.
pub fn absolute_uri(value: &str) -> Result<url::Url, String> {
    let parsed =
        url::Url::parse(value).map_err(|e| format!("{value:?} is not an absolute URI ({e})"))?;
    if parsed.fragment().is_some() {
        return Err(format!("{value:?} carries a fragment"));
    }
    Ok(parsed)
}

/// Ok when `value` is an absolute http(s) URL with a host.
pub fn absolute_http_url(value: &str) -> Result<url::Url, String> {
    let parsed = absolute_uri(value)?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!("{value:?} is not an http(s) URL with a host"));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_and_relative() {
        assert!(absolute_uri("https://as.example.com/x").is_ok());
        assert!(absolute_uri("urn:example:scope").is_ok());
        assert!(absolute_uri("/claims").is_err());
        assert!(absolute_uri("policy/1").is_err());
        assert!(absolute_uri("https://a.example/#frag").is_err());
        assert!(absolute_http_url("urn:x:y").is_err());
        assert!(absolute_http_url("http://127.0.0.1:8080/rreg").is_ok());
    }
}
