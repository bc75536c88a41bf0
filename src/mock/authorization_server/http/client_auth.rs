//! How a client proves who it is at the token endpoint: HTTP Basic (client_secret_basic) or
//! credentials in the form body (client_secret_post), never both (RFC 6749 2.3); a public
//! client names itself with `client_id` alone (RFC 6749 2.1, 3.2.1).

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::body::Form;
use super::errors::ApiError;
use crate::mock::authorization_server::core::clients::AuthMethod;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Credentials {
    pub(crate) method: AuthMethod,
    pub(crate) client_id: String,
    pub(crate) secret: String,
}

pub(crate) fn credentials(headers: &HeaderMap, form: &Form) -> Result<Credentials, ApiError> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let header = values.next();
    if values.next().is_some() {
        return Err(ApiError::invalid_request(
            "more than one Authorization header",
        ));
    }
    let body_id = form.get("client_id");
    let body_secret = form.get("client_secret");
    if let Some(header) = header {
        let value = header
            .to_str()
            .map_err(|_| ApiError::invalid_client("malformed Authorization header"))?;
        let (scheme, encoded) = value.split_once(' ').unwrap_or((value, ""));
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(ApiError::invalid_client(
                "unsupported authentication scheme; use Basic or client_secret_post",
            ));
        }
        let (client_id, secret) = decode_basic(encoded)
            .ok_or_else(|| ApiError::invalid_client("malformed Basic credentials"))?;
        if body_secret.is_some() {
            return Err(ApiError::invalid_request(
                "more than one client authentication method (Basic and client_secret)",
            ));
        }
        if body_id.is_some_and(|id| id != client_id) {
            return Err(ApiError::invalid_request(
                "client_id differs from the Basic credentials",
            ));
        }
        return Ok(Credentials {
            method: AuthMethod::ClientSecretBasic,
            client_id,
            secret,
        });
    }
    match (body_id, body_secret) {
        (Some(id), Some(secret)) => Ok(Credentials {
            method: AuthMethod::ClientSecretPost,
            client_id: id.to_string(),
            secret: secret.to_string(),
        }),
        // A public client; whether this client is one is for the directory to say.
        (Some(id), None) => Ok(Credentials {
            method: AuthMethod::None,
            client_id: id.to_string(),
            secret: String::new(),
        }),
        (None, Some(_)) => Err(ApiError::invalid_request(
            "client_secret was sent without client_id",
        )),
        (None, None) => Err(ApiError::invalid_client(
            "client authentication is required",
        )),
    }
}

/// `base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 2.3.1, RFC 7617).
fn decode_basic(encoded: &str) -> Option<(String, String)> {
    let raw = STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((form_decode(id)?, form_decode(secret)?))
}

/// Reverses application/x-www-form-urlencoded encoding of one value; None if it is malformed.
fn form_decode(value: &str) -> Option<String> {
    let mut out = Vec::with_capacity(value.len());
    let mut bytes = value.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = (bytes.next()? as char).to_digit(16)?;
                let lo = (bytes.next()? as char).to_digit(16)?;
                out.push(u8::try_from(hi * 16 + lo).ok()?);
            }
            other => out.push(other),
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_decoded() {
        let encoded = STANDARD.encode("my%3Aclient:p%40ss+word");
        assert_eq!(
            decode_basic(&encoded),
            Some(("my:client".to_string(), "p@ss word".to_string()))
        );
        assert_eq!(decode_basic("!!!"), None);
        assert_eq!(decode_basic(&STANDARD.encode("no-colon")), None);
        assert_eq!(decode_basic(&STANDARD.encode("a:%zz")), None);
        assert_eq!(decode_basic(&STANDARD.encode("a:%4")), None);
    }
}
