//! One listener, one prefix per service. Each service module matches real paths on decoded
//! segments (GitHub refs and Sentry versions may hold `/` or need decoding) and answers with
//! the service's own headers, status codes and error bodies.
mod codeload;
mod echo;
mod github;
mod github_checks;
mod github_data;
mod github_git;
pub mod github_json;
mod github_pulls;
mod github_reply;
mod graphql;
mod heroku;
pub mod logplex;
pub(crate) mod paging;
pub mod record;
mod sentry;
mod sentry_query;
mod sentry_stats;
pub mod slack;
mod streams;

use crate::sandbox::Shared;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
pub use github_json::merged;
use serde_json::Value;
pub use slack::SLACK_CHANNEL_ID;
use std::sync::atomic::Ordering;
use std::sync::Arc;

pub type SharedState = Arc<Shared>;

/// A request, decoded once: method, path segments after the service prefix, query pairs.
pub struct Req {
    pub method: Method,
    pub segs: Vec<String>,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The path as received, for Link headers and logs.
    pub path: String,
    /// The query as received (undecoded), for the exchange log.
    raw_query: Option<String>,
}

impl Req {
    fn new(method: Method, uri: &Uri, prefix: &str, headers: HeaderMap, body: Bytes) -> Req {
        let path = uri.path().to_string();
        let rest = path.strip_prefix(prefix).unwrap_or(&path);
        let segs = rest
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
            .collect();
        let query = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect();
        Req { method, segs, query, headers, body, path, raw_query: uri.query().map(str::to_string) }
    }

    /// The path and query as received.
    pub fn uri_path_and_query(&self) -> String {
        match &self.raw_query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }

    pub fn seg_strs(&self) -> Vec<&str> {
        self.segs.iter().map(String::as_str).collect()
    }

    pub fn param(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn params(&self, key: &str) -> Vec<&str> {
        self.query.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn bearer(&self) -> Option<&str> {
        self.header("authorization").and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

pub fn json(status: StatusCode, value: Value) -> Response {
    (status, [("content-type", "application/json; charset=utf-8")], value.to_string()).into_response()
}

pub fn set_header(resp: &mut Response, name: &'static str, value: impl AsRef<str>) {
    if let Ok(v) = HeaderValue::from_str(value.as_ref()) {
        resp.headers_mut().insert(name, v);
    }
}

pub fn router(shared: SharedState) -> Router {
    Router::new()
        .route("/heroku/{*rest}", api_route(Api::Heroku))
        .route("/github/{*rest}", api_route(Api::GitHub))
        .route("/sentry/{*rest}", api_route(Api::Sentry))
        .route("/slack/api/{*rest}", api_route(Api::Slack))
        .route("/hooks/services/{*rest}", axum::routing::post(webhook))
        .route("/streams/{*rest}", get(streams::serve))
        .route("/codeload/{*rest}", get(codeload::serve))
        .route("/logplex/sessions/{key}", get(logplex::serve))
        .route("/storefront/", get(logplex::page))
        .route("/storefront/{*rest}", get(logplex::page))
        .route("/_sandbox/slack", get(slack_record))
        .route("/_sandbox/requests", get(request_log))
        .fallback(|| async { (StatusCode::NOT_FOUND, "no such sandbox path\n") })
        .with_state(shared)
}

/// The flaky-api drill: every other API call fails. Creating calls get a 429 (not processed,
/// safe to retry); reads alternate between 502 and 429, both with a short Retry-After.
fn flaky(s: &Shared, method: &Method) -> Option<(StatusCode, u64)> {
    if !s.drill.flaky {
        return None;
    }
    let n = s.calls.fetch_add(1, Ordering::SeqCst);
    if n % 2 == 0 {
        return None;
    }
    let creates = matches!(*method, Method::POST | Method::PATCH);
    let status = if creates || (n / 2) % 2 == 0 { StatusCode::TOO_MANY_REQUESTS } else { StatusCode::BAD_GATEWAY };
    Some((status, s.clock.retry_after_secs()))
}

/// Logs the call, adds it to the request log and, when the sandbox keeps one, the exchange log.
async fn log(s: &Shared, service: &'static str, req: &Req, resp: Response) -> Response {
    tracing::info!("sandbox {} {} -> {}", req.method, req.path, resp.status().as_u16());
    s.requests.note(record::entry(service, req, resp.status().as_u16()));
    match &s.exchanges {
        Some(log) => {
            let (exchange, resp) = record::exchange(service, req, resp).await;
            log.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(exchange);
            resp
        }
        None => resp,
    }
}

/// The four API services the sandbox plays, each under its own prefix.
#[derive(Debug, Clone, Copy)]
enum Api {
    Heroku,
    GitHub,
    Sentry,
    Slack,
}

impl Api {
    fn prefix(self) -> &'static str {
        match self {
            Api::Heroku => "/heroku/",
            Api::GitHub => "/github/",
            Api::Sentry => "/sentry/",
            Api::Slack => "/slack/api/",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Api::Heroku => "heroku",
            Api::GitHub => "github",
            Api::Sentry => "sentry",
            Api::Slack => "slack",
        }
    }
}

/// One entry for every API call: decode, maybe fail (flaky-api), answer, add the service's
/// headers, log.
async fn entry(api: Api, s: SharedState, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let req = Req::new(method, &uri, api.prefix(), headers, body);
    let failure = flaky(&s, &req.method);
    let mut resp = match (api, failure) {
        (Api::Heroku, Some((status, after))) => heroku::flaky(status, after),
        (Api::GitHub, Some((status, after))) => github::flaky(status, after),
        (Api::Sentry, Some((status, after))) => sentry::flaky(status, after),
        (Api::Slack, Some((_, after))) => slack::rate_limited(after),
        (Api::Heroku, None) => heroku::handle(&s, &req).await,
        (Api::GitHub, None) if req.segs.len() == 1 && req.segs[0] == "graphql" => graphql::handle(&s, &req),
        (Api::GitHub, None) => github::handle(&s, &req),
        (Api::Sentry, None) => sentry::handle(&s, &req),
        (Api::Slack, None) => slack::handle(&s, &req),
    };
    match api {
        Api::Heroku => heroku::headers(&s, &mut resp),
        Api::GitHub => github::headers(&s, &req, &mut resp),
        Api::Sentry => sentry::headers(&mut resp),
        Api::Slack => {}
    }
    if s.echo_secrets {
        resp = echo::echo_secrets(&s, &req, resp).await;
    }
    log(&s, api.name(), &req, resp).await
}

/// Slack's incoming webhook (not an API under a prefix: the path is the credential).
async fn webhook(State(s): State<SharedState>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let req = Req::new(method, &uri, "/hooks/", headers, body);
    let mut resp = match flaky(&s, &req.method) {
        Some((_, after)) => slack::rate_limited(after),
        None => slack::webhook(&s, &req),
    };
    if s.echo_secrets {
        resp = echo::echo_secrets(&s, &req, resp).await;
    }
    tracing::info!("sandbox {} /hooks/services/… -> {}", req.method, resp.status().as_u16());
    resp
}

/// The axum handler for one service.
fn api_route(api: Api) -> axum::routing::MethodRouter<SharedState> {
    any(move |State(s): State<SharedState>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        entry(api, s, method, uri, headers, body)
    })
}

/// Everything posted to Slack, for tests and for people following a drill.
async fn slack_record(State(s): State<SharedState>) -> Response {
    let record = s.slack_record();
    json(StatusCode::OK, serde_json::to_value(record).unwrap_or_default())
}

/// Every API request answered so far, oldest first: `[{"service","method","path","status","mutates"}]`.
async fn request_log(State(s): State<SharedState>) -> Response {
    json(StatusCode::OK, serde_json::to_value(s.requests.entries()).unwrap_or_default())
}

pub fn empty(status: StatusCode) -> Response {
    (status, Body::empty()).into_response()
}
