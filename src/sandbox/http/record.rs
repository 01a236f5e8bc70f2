//! What the sandbox was asked. The request log (always on, served at `/_sandbox/requests`) has one
//! small entry per API request: service, method, path and status, so that anyone can count what
//! a command changed. The exchange log keeps every request with its answer, only when
//! [`SandboxOptions::record_exchanges`](crate::sandbox::SandboxOptions) asks for it (contract
//! tests replay it through the official schemas). Output streams and the tarball target are not
//! API calls and are in neither.
use super::Req;
use axum::body::Body;
use axum::http::Method;
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;

/// One API request in the request log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestEntry {
    /// `heroku`, `github`, `sentry` or `slack`.
    pub service: &'static str,
    pub method: String,
    /// Relative to the service's base, starting with `/`, without the query (`/apps/x/builds`).
    pub path: String,
    pub status: u16,
    /// POST, PATCH, PUT or DELETE, except a GraphQL query (a POST that only reads).
    pub mutates: bool,
}

/// The log keeps this many entries (a sandbox may serve a practice session for hours).
pub const REQUEST_LOG_CAP: usize = 100_000;

/// The request log: one small entry per API request, always kept, the oldest dropped past the cap.
#[derive(Debug, Default)]
pub struct RequestLog(std::sync::Mutex<std::collections::VecDeque<RequestEntry>>);

impl RequestLog {
    pub fn note(&self, entry: RequestEntry) {
        let mut log = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if log.len() >= REQUEST_LOG_CAP {
            log.pop_front();
        }
        log.push_back(entry);
    }

    /// Every entry, oldest first.
    pub fn entries(&self) -> Vec<RequestEntry> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).iter().cloned().collect()
    }
}

/// The request-log entry for one answered request.
pub fn entry(service: &'static str, req: &Req, status: u16) -> RequestEntry {
    let writes = matches!(req.method, Method::POST | Method::PATCH | Method::PUT | Method::DELETE);
    let graphql_query = req.segs == ["graphql"]
        && req.json().and_then(|b| b.get("query")?.as_str().map(|q| !q.trim_start().starts_with("mutation")))
            == Some(true);
    RequestEntry {
        service,
        method: req.method.to_string(),
        path: relative(service, &req.path).to_string(),
        status,
        mutates: writes && !graphql_query,
    }
}

/// One API call as the sandbox saw it.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// `heroku`, `github`, `sentry` or `slack`.
    pub service: &'static str,
    pub method: String,
    /// Relative to the service's base, starting with `/`, query included (`/apps/x/releases?…`).
    pub path: String,
    /// Request headers; `authorization` is kept only as `Bearer ***` so nothing can leak from a log.
    pub headers: Vec<(String, String)>,
    pub request: Option<Value>,
    pub status: u16,
    pub response: Option<Value>,
}

/// A path as received, relative to the service's base (`/heroku/apps/x` → `/apps/x`).
fn relative<'a>(service: &str, path: &'a str) -> &'a str {
    let prefix_len = match service {
        "slack" => "/slack/api".len(),
        _ => service.len() + 1,
    };
    path.get(prefix_len..).unwrap_or_default()
}

/// Answers are JSON documents of a few kilobytes; anything larger is not an API answer.
const BODY_LIMIT: usize = 4 << 20;

/// Buffers the answer, records the pair, and hands back an equivalent response.
pub async fn exchange(service: &'static str, req: &Req, resp: Response) -> (Exchange, Response) {
    let (parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT).await.unwrap_or_default();
    let uri = req.uri_path_and_query();
    let headers = req
        .headers
        .iter()
        .map(|(k, v)| {
            let value = match k.as_str() {
                "authorization" if v.as_bytes().starts_with(b"Bearer ") => "Bearer ***".to_string(),
                "authorization" => "***".to_string(),
                _ => v.to_str().unwrap_or_default().to_string(),
            };
            (k.to_string(), value)
        })
        .collect();
    let record = Exchange {
        service,
        method: req.method.to_string(),
        path: relative(service, &uri).to_string(),
        headers,
        request: req.json(),
        status: parts.status.as_u16(),
        response: serde_json::from_slice(&bytes).ok(),
    };
    (record, Response::from_parts(parts, Body::from(bytes)))
}
