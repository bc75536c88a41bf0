//! The loopback listener at the claims redirect URI: it waits, bounded, for the requesting
//! party's user agent to come back from claims interaction, answers it a small page and hands
//! the redirect's query to the run.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use tokio::sync::oneshot;

use super::error::ClientError;
use super::interaction::{Expectation, Returned, read_return};

/// Where the claims redirect URI points: a loopback socket and a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) addr: SocketAddr,
    pub(crate) path: String,
    /// Names of the URI's own query parameters.
    pub(crate) own_params: Vec<String>,
}

/// Checks that `uri` is `http://` on a loopback address with an explicit port and no fragment.
pub(crate) fn target(uri: &str) -> Result<Target, ClientError> {
    let bad = |why: &str| ClientError::Failure(format!("claims redirect URI {uri:?}: {why}"));
    let url = url::Url::parse(uri).map_err(|e| bad(&e.to_string()))?;
    if url.scheme() != "http" {
        return Err(bad("only http on a loopback address is served"));
    }
    if url.fragment().is_some() {
        return Err(bad("a fragment is not allowed (Grant 3.3.2)"));
    }
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        Some(url::Host::Domain("localhost")) => IpAddr::V4(Ipv4Addr::LOCALHOST),
        _ => return Err(bad("the host must be a loopback address")),
    };
    if !ip.is_loopback() {
        return Err(bad("the host must be a loopback address"));
    }
    let port = url.port().ok_or_else(|| bad("give the port explicitly"))?;
    Ok(Target {
        addr: SocketAddr::new(ip, port),
        path: url.path().to_string(),
        own_params: url.query_pairs().map(|(k, _)| k.into_owned()).collect(),
    })
}

type Outcome = Result<Returned, ClientError>;

struct Shared {
    path: String,
    expected: Expectation,
    outcome: Mutex<Option<oneshot::Sender<Outcome>>>,
}

/// A bound listener, serving until [`Listening::wait`] ends.
pub(crate) struct Listening {
    outcome: oneshot::Receiver<Outcome>,
    shutdown: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

/// Binds before the URL is shown, so the user agent never finds the port closed.
pub(crate) async fn listen(
    target: &Target,
    expected: Expectation,
) -> Result<Listening, ClientError> {
    let listener = tokio::net::TcpListener::bind(target.addr)
        .await
        .map_err(|e| {
            ClientError::Failure(format!(
                "cannot listen on {} for the claims redirect: {e}",
                target.addr
            ))
        })?;
    let (sender, outcome) = oneshot::channel();
    let shared = Arc::new(Shared {
        path: target.path.clone(),
        expected,
        outcome: Mutex::new(Some(sender)),
    });
    let router = axum::Router::new().fallback(arrive).with_state(shared);
    let (shutdown, signal) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        // Serving only ends on the signal; an accept error leaves nobody to tell but the wait.
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = signal.await;
            })
            .await;
    });
    Ok(Listening {
        outcome,
        shutdown,
        task,
    })
}

impl Listening {
    /// The first arrival at the redirect path, or an error after `timeout`.
    pub(crate) async fn wait(self, timeout: Duration) -> Outcome {
        let outcome = match tokio::time::timeout(timeout, self.outcome).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => Err(ClientError::Failure(
                "the claims redirect listener stopped".into(),
            )),
            Err(_) => Err(ClientError::NeedInfo(format!(
                "the requesting party did not come back from claims interaction within {} s",
                timeout.as_secs()
            ))),
        };
        let _ = self.shutdown.send(());
        // The page is already answered; in-flight extras get a moment, then are cut off.
        let mut task = self.task;
        if tokio::time::timeout(Duration::from_secs(2), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
        outcome
    }
}

async fn arrive(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    if uri.path() != shared.path {
        return (
            StatusCode::NOT_FOUND,
            Html(page("Not found", "Nothing here.")),
        )
            .into_response();
    }
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let outcome = read_return(&params, &shared.expected);
    let answer = match &outcome {
        Ok(_) => (
            StatusCode::OK,
            Html(page(
                "Thank you",
                "The client received your answer. You may close this window.",
            )),
        ),
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Html(page("Not accepted", &e.to_string())),
        ),
    };
    let sender = shared.outcome.lock().ok().and_then(|mut s| s.take());
    if let Some(sender) = sender {
        let _ = sender.send(outcome);
    }
    answer.into_response()
}

fn page(title: &str, text: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{0}</title></head><body><h1>{0}</h1><p>{1}</p></body></html>\n",
        escape(title),
        escape(text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_with_a_port() {
        let t = target("http://127.0.0.1:8123/cb?app=1").unwrap();
        assert_eq!(t.addr, "127.0.0.1:8123".parse().unwrap());
        assert_eq!(t.path, "/cb");
        assert_eq!(t.own_params, vec!["app".to_string()]);
        assert!(target("http://localhost:1/cb").is_ok());
        for bad in [
            "https://127.0.0.1:1/cb",
            "http://10.0.0.1:1/cb",
            "http://example.test:1/cb",
            "http://127.0.0.1/cb",
            "http://127.0.0.1:1/cb#x",
            "/cb",
        ] {
            assert!(target(bad).is_err(), "{bad}");
        }
    }
}
