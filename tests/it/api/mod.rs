//! Tests of the API clients against wiremock, checked against the official schemas.
//!
//! Every test mounts the four services on one mock server under the sandbox's prefixes
//! (`/heroku/`, `/github/`, `/sentry/`, `/slack/api/`), so path-prefixed bases are exercised
//! everywhere. Canned bodies go through [`serve`] (schema-checked) and every request a test
//! made goes through [`Kit::assert_contract`]. The token is [`SENTINEL`] everywhere, and no
//! error, Debug output or log may contain it.
mod channels;
pub mod contract;
mod endpoints;
pub mod fixtures;
pub mod fixtures_github;
mod harness;
mod paging;
mod redirects;
mod releases;
mod schema;
mod secrets;
mod streams;
mod writes;

use bpdeploy::api::github::{GitHub, GraphQl};
use bpdeploy::api::heroku::Heroku;
use bpdeploy::api::sentry::Sentry;
use bpdeploy::api::slack::Slack;
use bpdeploy::api::{ApiError, HttpCore, HttpSettings, Transport};
use bpdeploy::credentials::{Service, Token};
use serde_json::Value;
use std::time::Duration;
use wiremock::{MockServer, ResponseTemplate};

/// The token every client carries; it must never show up anywhere a person could read.
pub const SENTINEL: &str = "sentinel-tok-7f3a9c41";

/// Milliseconds instead of seconds, two retries, small pages.
pub fn settings() -> HttpSettings {
    HttpSettings {
        retries: 2,
        retry_base: Duration::from_millis(1),
        retry_max: Duration::from_millis(50),
        timeout: Duration::from_millis(2_000),
        connect_timeout: Duration::from_millis(500),
        stream_idle: Duration::from_millis(300),
        poll: Duration::from_millis(5),
        stream_start_tries: 3,
        page_cap: 10,
    }
}

/// The clients of one test, all pointed at one mock server.
#[derive(Clone)]
pub struct Clients {
    pub heroku: Heroku,
    pub github: GitHub,
    pub graphql: GraphQl,
    pub sentry: Sentry,
    pub slack: Slack,
    /// For output streams and webhooks, which carry no service base URL.
    #[allow(dead_code)]
    pub transport: Transport,
}

pub struct Kit {
    pub server: MockServer,
    pub c: Clients,
}

pub const PREFIXES: [(&str, &str); 4] =
    [("heroku", "/heroku"), ("github", "/github"), ("sentry", "/sentry"), ("slack", "/slack/api")];

impl Kit {
    pub async fn new() -> Kit {
        Kit::with(settings()).await
    }

    pub async fn with(settings: HttpSettings) -> Kit {
        let server = MockServer::start().await;
        let transport = Transport::new(settings).unwrap();
        let core = |service, prefix: &str| {
            let base = url::Url::parse(&format!("{}{prefix}/", server.uri())).unwrap();
            HttpCore::new(transport.clone(), service, base, Some(Token::new(SENTINEL)))
        };
        let graphql_url = url::Url::parse(&format!("{}/github/graphql", server.uri())).unwrap();
        let c = Clients {
            heroku: Heroku::new(core(Service::Heroku, "/heroku")),
            github: GitHub::new(core(Service::GitHub, "/github"), "acme", "shop"),
            graphql: GraphQl::new(HttpCore::new(
                transport.clone(),
                Service::GitHub,
                graphql_url,
                Some(Token::new(SENTINEL)),
            )),
            sentry: Sentry::new(core(Service::Sentry, "/sentry"), "acme"),
            slack: Slack::bot(core(Service::Slack, "/slack/api")),
            transport,
        };
        Kit { server, c }
    }

    /// Every request received so far fits the official schema of its service.
    pub async fn assert_contract(&self) {
        for req in self.server.received_requests().await.unwrap_or_default() {
            let full = req.url.path().to_string() + req.url.query().map(|q| format!("?{q}")).as_deref().unwrap_or("");
            let Some((service, path)) = PREFIXES.iter().find_map(|(s, p)| full.strip_prefix(p).map(|rest| (*s, rest)))
            else {
                continue; // streams and other capability URLs are not in the schemas
            };
            let headers: Vec<(String, String)> =
                req.headers.iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string())).collect();
            let body: Option<Value> = serde_json::from_slice(&req.body).ok();
            contract::check_request(service, req.method.as_str(), path, &headers, body.as_ref())
                .unwrap_or_else(|e| panic!("contract: {e}"));
        }
    }
}

/// A canned answer, checked against the response schema of `method path` first.
/// `path` is the mock path with its service prefix.
pub fn serve(method: &str, path: &str, status: u16, body: Value) -> ResponseTemplate {
    if let Some((service, rest)) = PREFIXES.iter().find_map(|(s, p)| path.strip_prefix(p).map(|r| (*s, r))) {
        if rest != "/graphql" {
            contract::check_response(service, method, rest, status, &body)
                .unwrap_or_else(|e| panic!("canned answer: {e}"));
        }
    }
    ResponseTemplate::new(status).set_body_json(body)
}

/// Nothing a person can read about this error carries the token.
pub fn assert_no_secret(e: &ApiError) {
    use bpdeploy::error::Diagnose;
    let shown = format!("{e} | {e:?} | {:?}", e.hint());
    assert!(!shown.contains(SENTINEL), "the token leaked: {shown}");
    assert!(!shown.contains("SIGNED"), "a signed URL leaked: {shown}");
}
