//! The sandbox, spoken to as the clients will: raw HTTP with each service's headers.
mod channels;
mod contract;
mod drills;
mod github;
mod heroku;
mod process;
mod sentry_slack;

use bpdeploy::cli::Scenario;
use bpdeploy::sandbox::{Sandbox, SandboxOptions};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;
use std::time::Duration;

/// Drills run twenty times faster than at a desk.
pub const SPEED: f64 = 20.0;

pub struct Fx {
    pub sb: Sandbox,
    pub http: reqwest::Client,
}

pub async fn start(scenario: Scenario) -> Fx {
    let sb = Sandbox::start(SandboxOptions { speed: SPEED, record_exchanges: true, ..SandboxOptions::new(scenario) })
        .await
        .expect("sandbox starts");
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Fx { sb, http }
}

impl Fx {
    pub fn env(&self, key: &str) -> String {
        self.sb.env_pairs().into_iter().find(|(k, _)| k == key).map(|(_, v)| v).unwrap()
    }

    pub fn heroku(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.env("BPDEPLOY_HEROKU_URL")))
            .header("accept", "application/vnd.heroku+json; version=3")
            .bearer_auth(self.env("HEROKU_API_KEY"))
    }

    pub fn github(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.env("BPDEPLOY_GITHUB_URL")))
            .header("accept", "application/vnd.github+json")
            .header("x-github-api-version", "2022-11-28")
            .header("user-agent", "bpdeploy-tests")
            .bearer_auth(self.env("GITHUB_TOKEN"))
    }

    pub fn sentry(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.env("BPDEPLOY_SENTRY_URL")))
            .bearer_auth(self.env("SENTRY_AUTH_TOKEN"))
    }

    pub fn slack(&self, method: &str, body: Value) -> RequestBuilder {
        self.http
            .post(format!("{}{method}", self.env("BPDEPLOY_SLACK_URL")))
            .bearer_auth(self.env("SLACK_BOT_TOKEN"))
            .json(&body)
    }

    /// Calls a Slack Web API method and returns its JSON answer (Slack answers 200 even on errors).
    pub async fn slack_json(&self, method: &str, body: Value) -> Value {
        self.slack(method, body).send().await.unwrap().json().await.unwrap()
    }

    /// GETs Heroku JSON, asserting success.
    pub async fn heroku_json(&self, path: &str) -> Value {
        ok_json(self.heroku(Method::GET, path).send().await.unwrap()).await
    }

    pub async fn github_json(&self, path: &str) -> Value {
        ok_json(self.github(Method::GET, path).send().await.unwrap()).await
    }

    pub async fn sentry_json(&self, path: &str) -> Value {
        ok_json(self.sentry(Method::GET, path).send().await.unwrap()).await
    }

    /// Starts a build of `reference` the way deploy will: tarball redirect, then POST build.
    pub async fn build(&self, reference: &str) -> Value {
        let redirect =
            self.github(Method::GET, &format!("repos/acme/storefront/tarball/{reference}")).send().await.unwrap();
        assert_eq!(redirect.status(), 302);
        let location = redirect.headers()["location"].to_str().unwrap().to_string();
        let sha = location.split('?').next().unwrap().rsplit('/').next().unwrap().to_string();
        let body =
            serde_json::json!({"source_blob": {"url": location, "version": sha, "version_description": "deploy"}});
        let resp = self.heroku(Method::POST, "apps/storefront/builds").json(&body).send().await.unwrap();
        assert_eq!(resp.status(), 201);
        resp.json().await.unwrap()
    }

    /// Polls a Heroku resource until `done` says so; panics after a generous bound.
    pub async fn poll(&self, path: &str, done: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..400 {
            let v = self.heroku_json(path).await;
            if done(&v) {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("{path} never reached the expected state");
    }
}

pub async fn ok_json(resp: Response) -> Value {
    let status = resp.status();
    let url = resp.url().clone();
    let text = resp.text().await.unwrap();
    assert!(status.is_success(), "{url} answered {status}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: not JSON ({e}): {text}"))
}

/// Waits on a condition (not a clock) polled every few milliseconds; the bound only turns a
/// sandbox that never gets there into a failure instead of a hung test.
pub async fn until<F, Fut>(mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let give_up = std::time::Instant::now() + Duration::from_secs(60);
    while !done().await {
        assert!(std::time::Instant::now() < give_up, "the condition never held");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
