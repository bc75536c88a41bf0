//! A recorded HTTP exchange: the evidence behind a verdict.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct RecordedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as text (invalid UTF-8 replaced); at most the driver's body cap.
    pub body: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    /// Index of the scenario step that made the exchange, if made inside a step.
    pub step: Option<usize>,
    /// RFC 3339 time the request was sent.
    pub started_at: String,
    pub elapsed_ms: u64,
    pub request: RecordedRequest,
    pub response: Option<RecordedResponse>,
    /// Why no (complete) response was received: timeout, refused connection, body over the cap.
    pub error: Option<String>,
}

impl Exchange {
    /// A plain-text rendering in HTTP/1.1 style, for console output and reports.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("> {} {}\n", self.request.method, self.request.url));
        for (name, value) in &self.request.headers {
            out.push_str(&format!("> {name}: {value}\n"));
        }
        if let Some(body) = &self.request.body {
            out.push_str(">\n");
            for line in body.lines() {
                out.push_str(&format!("> {line}\n"));
            }
        }
        match (&self.response, &self.error) {
            (Some(response), _) => {
                out.push_str(&format!("< {} ({} ms)\n", response.status, self.elapsed_ms));
                for (name, value) in &response.headers {
                    out.push_str(&format!("< {name}: {value}\n"));
                }
                if !response.body.is_empty() {
                    out.push_str("<\n");
                    for line in response.body.lines() {
                        out.push_str(&format!("< {line}\n"));
                    }
                }
                if let Some(error) = &self.error {
                    out.push_str(&format!("! {error}\n"));
                }
            }
            (None, Some(error)) => {
                out.push_str(&format!(
                    "! no response after {} ms: {error}\n",
                    self.elapsed_ms
                ));
            }
            (None, None) => out.push_str("! no response\n"),
        }
        out
    }

    /// Applies `f` to every string that could carry a secret.
    pub fn map_text(&self, f: &dyn Fn(&str) -> String) -> Exchange {
        let map_headers = |headers: &[(String, String)]| {
            headers
                .iter()
                .map(|(n, v)| (n.clone(), f(v)))
                .collect::<Vec<_>>()
        };
        Exchange {
            step: self.step,
            started_at: self.started_at.clone(),
            elapsed_ms: self.elapsed_ms,
            request: RecordedRequest {
                method: self.request.method.clone(),
                url: f(&self.request.url),
                headers: map_headers(&self.request.headers),
                body: self.request.body.as_deref().map(f),
            },
            response: self.response.as_ref().map(|r| RecordedResponse {
                status: r.status,
                headers: map_headers(&r.headers),
                body: f(&r.body),
            }),
            error: self.error.as_deref().map(f),
        }
    }
}
