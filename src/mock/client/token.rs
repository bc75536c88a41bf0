//! Token requests (Grant 3.3.1, 3.6): the UMA grant and the refresh grant, form-encoded with
//! the client's authentication, and what the answer means (Grant 3.3.5, 3.3.6).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

use super::deviations::{Deviation, DeviationSet};
use super::error::ClientError;
use super::options::ClientAuth;
use super::wire;

pub(crate) const UMA_GRANT: &str = "urn:ietf:params:oauth:grant-type:uma-ticket";

/// What is asked for.
pub(crate) enum Grant<'a> {
    UmaTicket {
        ticket: &'a str,
        /// (format, token)
        claim_token: Option<(&'a str, &'a str)>,
        pct: Option<&'a str>,
        rpt: Option<&'a str>,
        scope: Option<&'a str>,
    },
    Refresh {
        refresh_token: &'a str,
    },
}

impl Grant<'_> {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Grant::UmaTicket { .. } => "uma-ticket",
            Grant::Refresh { .. } => "refresh_token",
        }
    }
}

/// Who asks.
pub(crate) struct Caller<'a> {
    pub(crate) client_id: &'a str,
    pub(crate) client_secret: Option<&'a str>,
    pub(crate) auth: ClientAuth,
    pub(crate) deviations: DeviationSet,
}

/// What the AS answered.
pub(crate) enum TokenAnswer {
    Issued {
        rpt: String,
        pct: Option<String>,
        refresh_token: Option<String>,
        upgraded: bool,
    },
    NeedInfo {
        ticket: Option<String>,
        required_claims: bool,
        redirect_user: bool,
    },
    Submitted {
        ticket: Option<String>,
        interval: Option<u64>,
    },
    /// request_denied and every other error code.
    Error {
        code: String,
        description: Option<String>,
    },
}

/// The fields of the request body, deviations applied.
fn fields(grant: &Grant<'_>, deviations: DeviationSet) -> Vec<(&'static str, String)> {
    let mut fields = Vec::new();
    match grant {
        Grant::UmaTicket {
            ticket,
            claim_token,
            pct,
            rpt,
            scope,
        } => {
            let grant_type = if deviations.has(Deviation::WrongGrantType) {
                "uma-ticket"
            } else {
                UMA_GRANT
            };
            fields.push(("grant_type", grant_type.to_string()));
            fields.push(("ticket", ticket.to_string()));
            if let Some((format, token)) = claim_token {
                let token = if deviations.has(Deviation::ClaimTokenPadded) {
                    standard_padded(token)
                } else {
                    token.to_string()
                };
                fields.push(("claim_token", token));
                if !deviations.has(Deviation::ClaimTokenWithoutFormat) {
                    fields.push(("claim_token_format", format.to_string()));
                }
            }
            if let Some(pct) = pct {
                fields.push(("pct", pct.to_string()));
            }
            if let Some(rpt) = rpt {
                fields.push(("rpt", rpt.to_string()));
            }
            let mut scopes: Vec<&str> = scope.map(|s| s.split(' ').collect()).unwrap_or_default();
            if deviations.has(Deviation::UnregisteredScope) {
                scopes.push("print");
            }
            if !scopes.is_empty() {
                fields.push(("scope", scopes.join(" ")));
            }
        }
        Grant::Refresh { refresh_token } => {
            fields.push(("grant_type", "refresh_token".to_string()));
            fields.push(("refresh_token", refresh_token.to_string()));
        }
    }
    fields
}

/// RFC 6749 2.3.1: id and secret are form-urlencoded before they go into Basic.
fn basic(client_id: &str, secret: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", enc(client_id), enc(secret)))
    )
}

/// Posts one token request and reads the answer.
pub(crate) async fn request(
    http: &reqwest::Client,
    endpoint: &str,
    caller: &Caller<'_>,
    grant: &Grant<'_>,
) -> Result<(u16, TokenAnswer), ClientError> {
    let mut fields = fields(grant, caller.deviations);
    let mut builder = http.post(endpoint);
    if !caller.deviations.has(Deviation::NoClientAuth) {
        match (caller.client_secret, caller.auth) {
            (Some(secret), ClientAuth::Basic) => {
                builder = builder.header("authorization", basic(caller.client_id, secret));
            }
            (Some(secret), ClientAuth::Post) => {
                fields.push(("client_id", caller.client_id.to_string()));
                fields.push(("client_secret", secret.to_string()));
            }
            (None, _) => fields.push(("client_id", caller.client_id.to_string())),
        }
    }
    builder = if caller.deviations.has(Deviation::JsonTokenRequest) {
        let body: Map<String, Value> = fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::from(v)))
            .collect();
        builder.json(&body)
    } else {
        builder.form(&fields)
    };
    let answer = wire::send(
        builder.header("accept", "application/json"),
        "token request",
    )
    .await?;
    let body = answer.json_object("token endpoint")?;
    Ok((answer.status, classify(answer.status, &body)?))
}

fn classify(status: u16, body: &Map<String, Value>) -> Result<TokenAnswer, ClientError> {
    let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_string);
    if status == 200 {
        let rpt = text("access_token")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ClientError::Failure(
                    "the token endpoint answered 200 without an access_token".into(),
                )
            })?;
        return Ok(TokenAnswer::Issued {
            rpt,
            pct: text("pct"),
            refresh_token: text("refresh_token"),
            upgraded: body.get("upgraded") == Some(&Value::Bool(true)),
        });
    }
    let code = text("error").ok_or_else(|| {
        ClientError::Failure(format!(
            "the token endpoint answered {status} without an error code"
        ))
    })?;
    Ok(match code.as_str() {
        "need_info" => TokenAnswer::NeedInfo {
            ticket: text("ticket"),
            required_claims: body
                .get("required_claims")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty()),
            // A boolean in the spec's examples; some servers name the endpoint instead.
            redirect_user: match body.get("redirect_user") {
                Some(Value::Bool(b)) => *b,
                Some(Value::String(s)) => !s.is_empty(),
                _ => false,
            },
        },
        "request_submitted" => TokenAnswer::Submitted {
            ticket: text("ticket"),
            interval: body.get("interval").and_then(Value::as_u64),
        },
        _ => TokenAnswer::Error {
            code,
            description: text("error_description"),
        },
    })
}

/// The token's base64url segments rewritten in the standard, padded alphabet (`+`, `/`, `=`):
/// what a client that reaches for the wrong encoder sends.
fn standard_padded(token: &str) -> String {
    token
        .split('.')
        .map(|segment| {
            let mut s: String = segment
                .chars()
                .map(|c| match c {
                    '-' => '+',
                    '_' => '/',
                    other => other,
                })
                .collect();
            // Standard base64 pads to a whole number of 4-character groups; a whole segment
            // gets one group of padding so the deviation always shows.
            let pad = match s.len() % 4 {
                0 => 4,
                n => 4 - n,
            };
            s.push_str(&"=".repeat(pad));
            s
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str]) -> DeviationSet {
        DeviationSet::parse(&names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap()
    }

    const GRANT: Grant<'static> = Grant::UmaTicket {
        ticket: "t",
        claim_token: Some(("f", "a.b.c")),
        pct: None,
        rpt: Some("r"),
        scope: Some("view"),
    };

    #[test]
    fn fields_follow_the_deviations() {
        let plain = fields(&GRANT, set(&[]));
        let names: Vec<_> = plain.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            names,
            [
                "grant_type",
                "ticket",
                "claim_token",
                "claim_token_format",
                "rpt",
                "scope"
            ]
        );
        assert_eq!(plain[0].1, UMA_GRANT);
        let bent = fields(
            &GRANT,
            set(&[
                "wrong-grant-type",
                "claim-token-padded",
                "claim-token-without-format",
                "unregistered-scope",
            ]),
        );
        assert_eq!(bent[0].1, "uma-ticket");
        assert_eq!(bent[2].1, "a===.b===.c===");
        assert!(bent.iter().all(|(k, _)| *k != "claim_token_format"));
        assert_eq!(bent.last().unwrap().1, "view print");
    }

    #[test]
    fn answers_are_classified_without_panicking() {
        let obj = |v: Value| v.as_object().unwrap().clone();
        assert!(matches!(
            classify(
                200,
                &obj(serde_json::json!({"access_token": "x", "upgraded": true}))
            ),
            Ok(TokenAnswer::Issued { upgraded: true, .. })
        ));
        assert!(classify(200, &obj(serde_json::json!({"access_token": 1}))).is_err());
        assert!(classify(400, &obj(serde_json::json!({}))).is_err());
        assert!(matches!(
            classify(
                403,
                &obj(
                    serde_json::json!({"error": "need_info", "ticket": "n", "redirect_user": true})
                )
            ),
            Ok(TokenAnswer::NeedInfo {
                redirect_user: true,
                required_claims: false,
                ..
            })
        ));
        assert!(matches!(
            classify(
                403,
                &obj(serde_json::json!({"error": "request_submitted", "interval": "x"}))
            ),
            Ok(TokenAnswer::Submitted { interval: None, .. })
        ));
        assert_eq!(
            basic("a b", "c:d"),
            format!("Basic {}", STANDARD.encode("a+b:c%3Ad"))
        );
    }
}
