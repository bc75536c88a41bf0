//! A record of every HTTP exchange a reference mock handles, so that a harness testing the other
//! party can see exactly what was sent (say, the permission request a resource server made). Both
//! mocks install [`record`] as their outermost layer and publish [`ExchangeLog::page`] at
//! `{base}/_mock/exchanges`. Calls to the control API itself are never recorded: reading the log
//! must not change it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use futures::StreamExt;
use http::HeaderMap;
use serde::Serialize;
use serde_json::{Value, json};

/// How many exchanges are kept; older ones are dropped.
pub const CAPACITY: usize = 5000;
/// How much of each body is recorded.
pub const BODY_RECORD_CAP: usize = 64 * 1024;
/// How long a cut-off body waits before failing, so that the status line and headers leave first.
const CUT_OFF_PAUSE: Duration = Duration::from_millis(20);

/// One request and the answer to it.
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    pub seq: u64,
    /// When the request arrived, in Unix milliseconds of the real clock (not a mock's clock,
    /// which tests move).
    pub at_ms: u64,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub body_truncated: bool,
    pub status: u16,
    pub response_headers: Vec<(String, String)>,
    pub response_body: String,
    pub response_body_truncated: bool,
}

#[derive(Debug, Default)]
struct Entries {
    last_seq: u64,
    kept: VecDeque<Exchange>,
}

/// The bounded log of one mock.
#[derive(Debug)]
pub struct ExchangeLog {
    /// The router path of the control API (`/_mock`, or `{issuer path}/_mock`).
    control_prefix: String,
    /// The mock's request body limit: bodies are buffered up to it, and anything longer is
    /// handed on just long enough for the handler to refuse it as it always did.
    body_limit: usize,
    entries: Mutex<Entries>,
}

impl ExchangeLog {
    pub fn new(control_prefix: &str, body_limit: usize) -> ExchangeLog {
        ExchangeLog {
            control_prefix: control_prefix.trim_end_matches('/').to_string(),
            body_limit,
            entries: Mutex::default(),
        }
    }

    /// Whether a router path belongs to the control API.
    pub fn is_control(&self, path: &str) -> bool {
        path.strip_prefix(&self.control_prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        // Every mutation is a single push or pop: a poisoned lock still holds consistent data.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn push(&self, mut exchange: Exchange) {
        let mut entries = self.entries();
        entries.last_seq += 1;
        exchange.seq = entries.last_seq;
        entries.kept.push_back(exchange);
        while entries.kept.len() > CAPACITY {
            entries.kept.pop_front();
        }
    }

    /// The answer of `GET {base}/_mock/exchanges?after=N`: the exchanges with a `seq` above N
    /// (0 when absent), oldest first, and the highest `seq` so far. A bad `after` is an error
    /// message for the mock to render its own way.
    pub fn page(&self, query: Option<&str>) -> Result<Value, String> {
        let mut after = 0u64;
        for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            if name == "after" {
                after = value
                    .parse()
                    .map_err(|_| format!("after must be a non-negative integer, not {value:?}"))?;
            }
        }
        let entries = self.entries();
        let listed: Vec<&Exchange> = entries.kept.iter().filter(|e| e.seq > after).collect();
        Ok(json!({ "exchanges": listed, "last_seq": entries.last_seq }))
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// The recorded text of a body and whether it was cut.
fn recorded(bytes: &[u8]) -> (String, bool) {
    let kept = &bytes[..bytes.len().min(BODY_RECORD_CAP)];
    (
        String::from_utf8_lossy(kept).into_owned(),
        bytes.len() > BODY_RECORD_CAP,
    )
}

/// Reads a body into memory, stopping once it holds more than `limit` bytes. Answers the bytes
/// read and whether the stream failed.
async fn read_body(body: Body, limit: usize) -> (Bytes, bool) {
    let mut stream = body.into_data_stream();
    let mut buffer = Vec::new();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) => buffer.extend_from_slice(&chunk),
            Err(_) => return (buffer.into(), true),
        }
        if buffer.len() > limit {
            break;
        }
    }
    (buffer.into(), false)
}

/// A body that sends `prefix` and then fails, which makes the server cut the connection: the
/// client has the status and headers but sees its read of the body break.
pub fn cut_off_body(prefix: Bytes) -> Body {
    let failure = futures::stream::once(async {
        tokio::time::sleep(CUT_OFF_PAUSE).await;
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "the answer is cut off on purpose",
        ))
    });
    Body::from_stream(futures::stream::iter([Ok(prefix)]).chain(failure))
}

/// The middleware: buffers the request body (up to the mock's limit, then hands it on intact),
/// runs the handler, buffers the answer, records both and sends the answer on unchanged. An
/// answer whose body failed fails the same way after the bytes it had.
pub async fn record(State(log): State<Arc<ExchangeLog>>, request: Request, next: Next) -> Response {
    if log.is_control(request.uri().path()) {
        return next.run(request).await;
    }
    let at_ms = now_ms();
    let (parts, body) = request.into_parts();
    // A request body that failed mid-way reaches the handler as the bytes that came; its own
    // reading then sees a short body, which it refuses like any malformed one.
    let (request_bytes, _) = read_body(body, log.body_limit).await;
    let (body_text, body_truncated) = recorded(&request_bytes);
    let method = parts.method.to_string();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(str::to_string);
    let headers = header_pairs(&parts.headers);
    let response = next
        .run(Request::from_parts(parts, Body::from(request_bytes)))
        .await;
    let (parts, body) = response.into_parts();
    let (response_bytes, failed) = read_body(body, usize::MAX).await;
    let (response_text, response_truncated) = recorded(&response_bytes);
    log.push(Exchange {
        seq: 0,
        at_ms,
        method,
        path,
        query,
        headers,
        body: body_text,
        body_truncated,
        status: parts.status.as_u16(),
        response_headers: header_pairs(&parts.headers),
        response_body: response_text,
        response_body_truncated: response_truncated,
    });
    let body = if failed {
        cut_off_body(response_bytes)
    } else {
        Body::from(response_bytes)
    };
    Response::from_parts(parts, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(path: &str) -> Exchange {
        Exchange {
            seq: 0,
            at_ms: 0,
            method: "GET".into(),
            path: path.into(),
            query: None,
            headers: Vec::new(),
            body: String::new(),
            body_truncated: false,
            status: 200,
            response_headers: Vec::new(),
            response_body: String::new(),
            response_body_truncated: false,
        }
    }

    #[test]
    fn control_paths_are_told_apart() {
        let log = ExchangeLog::new("/realm/_mock/", 10);
        assert!(log.is_control("/realm/_mock"));
        assert!(log.is_control("/realm/_mock/exchanges"));
        assert!(!log.is_control("/realm/_mockery"));
        assert!(!log.is_control("/_mock/exchanges"));
    }

    #[test]
    fn keeps_the_newest_and_pages_after_a_seq() {
        let log = ExchangeLog::new("/_mock", 10);
        assert_eq!(
            log.page(None).unwrap(),
            json!({"exchanges": [], "last_seq": 0})
        );
        for n in 0..CAPACITY + 3 {
            log.push(exchange(&format!("/{n}")));
        }
        let all = log.page(None).unwrap();
        assert_eq!(all["last_seq"], json!(CAPACITY + 3));
        assert_eq!(all["exchanges"].as_array().unwrap().len(), CAPACITY);
        assert_eq!(all["exchanges"][0]["seq"], json!(4));
        let tail = log.page(Some(&format!("after={}", CAPACITY + 1))).unwrap();
        let seqs: Vec<_> = tail["exchanges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["seq"].as_u64().unwrap())
            .collect();
        assert_eq!(seqs, [CAPACITY as u64 + 2, CAPACITY as u64 + 3]);
        assert!(log.page(Some("after=-1")).is_err());
        assert!(log.page(Some("after=x")).is_err());
    }

    #[test]
    fn bodies_are_capped_lossily() {
        let (text, cut) = recorded(&[b'a'; BODY_RECORD_CAP + 1]);
        assert_eq!(text.len(), BODY_RECORD_CAP);
        assert!(cut);
        let (text, cut) = recorded(b"\xffok");
        assert_eq!(text, "\u{fffd}ok");
        assert!(!cut);
    }
}
