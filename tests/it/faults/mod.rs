//! Issue 9's fault injection: the real binary against the sandbox, with a proxy in between that
//! resets, stalls, delays, fails, rate-limits and cuts requests at the points where a deploy can
//! lose track of production (build POST, build poll, build stream, release poll, release stream,
//! rollback POST, Sentry polls, Slack posts). For every case: no create is duplicated, the exit
//! code is the documented one (README, Reliability), and the final account, in JSON and as people
//! read it, matches what the sandbox really holds afterwards, read straight from the sandbox.
mod cases;
mod proxy;

use crate::e2e::{result, Drill};
use crate::support::Run;
use bpdeploy::cli::Scenario;
use bpdeploy::sandbox::{Sandbox, SandboxOptions};
pub use proxy::{Fault, Proxy, Rule};
use serde_json::Value;
use std::time::Duration;

/// bpdeploy's request timeout in these runs: stalls and late requests are measured against it.
pub const TIMEOUT: Duration = Duration::from_millis(1000);
/// Drills at forty times a desk's pace.
const SPEED: f64 = 40.0;

pub struct Faulty {
    pub d: Drill,
    pub proxy: Proxy,
    http: reqwest::Client,
}

impl Faulty {
    pub async fn start(scenario: Scenario) -> Faulty {
        let (proxy, listener) = Proxy::bind().await;
        let opts =
            SandboxOptions { speed: SPEED, public_url: Some(proxy.url.clone()), ..SandboxOptions::new(scenario) };
        let sb = Sandbox::start(opts).await.expect("sandbox starts");
        let upstream = sb.listen_url().trim_start_matches("http://").parse().unwrap();
        proxy.serve(listener, upstream);
        Faulty { d: Drill::with(sb), proxy, http: reqwest::Client::new() }
    }

    /// Runs bpdeploy through the proxy. A 1 s Retry-After is short (waited), a longer one is not.
    pub async fn run(&self, args: &[&str]) -> Run {
        let cmd = self
            .d
            .cmd()
            .env("BPDEPLOY_HTTP_TIMEOUT_MS", TIMEOUT.as_millis().to_string())
            .env("BPDEPLOY_HTTP_RETRY_MAX_MS", "2000")
            .args(args);
        self.d.run_cmd(cmd).await
    }

    /// A Heroku read straight from the sandbox, past the proxy: the truth the account is held to.
    pub async fn heroku(&self, path: &str) -> Value {
        let token = self.d.sb.tokens().heroku.clone();
        self.probe("heroku", &token, path, ("accept", "application/vnd.heroku+json; version=3")).await
    }

    pub async fn github(&self, path: &str) -> Value {
        let token = self.d.sb.tokens().github.clone();
        self.probe("github", &token, path, ("accept", "application/vnd.github+json")).await
    }

    async fn probe(&self, service: &str, token: &str, path: &str, accept: (&str, &str)) -> Value {
        let url = format!("{}/{service}/{path}", self.d.sb.listen_url());
        let request = self.http.get(url).header(accept.0, accept.1).header("user-agent", "faults-probe");
        request.bearer_auth(token).send().await.unwrap().json().await.unwrap()
    }

    /// Holds the run to the sandbox's state: creates never duplicated, the account true.
    pub async fn assert_truth(&self, run: &Run, label: &str) {
        let r = result(run);
        let sha = self.d.sb.scratch().head.to_string();
        let builds = self.heroku("apps/storefront/builds").await;
        let ours: Vec<&Value> =
            builds.as_array().unwrap().iter().filter(|b| b["source_blob"]["version"] == sha).collect();
        assert!(ours.len() <= 1, "{label}: one build at most: {ours:#?}");
        let releases = self.heroku("apps/storefront/releases").await;
        let releases = releases.as_array().unwrap();
        let rollbacks =
            releases.iter().filter(|r| r["description"].as_str().unwrap_or("").starts_with("Rollback")).count();
        assert!(rollbacks <= 1, "{label}: one rollback at most");
        let deployments = self.github("repos/acme/storefront/deployments?environment=storefront").await;
        assert!(deployments.as_array().unwrap().len() <= 1, "{label}: one GitHub deployment at most");
        let top = self.d.sb.slack_record().messages.iter().filter(|m| m.thread_ts.is_none()).count();
        assert!(top <= 1, "{label}: one Slack announcement at most ({top})");

        let account = &r["account"];
        let current = releases.iter().find(|r| r["current"] == true).and_then(|r| r["version"].as_u64());
        let in_flight = !r["resume"].is_null();
        match (account["current_release"].as_u64(), in_flight) {
            (Some(said), false) => assert_eq!(Some(said), current, "{label}: the current release: {r}"),
            // Work still running when it ended: what it read then, or what that work made since.
            (Some(said), true) => assert!(Some(said) <= current, "{label}: {r}"),
            (None, _) => assert!(
                in_flight && account["current_release"] == "unknown",
                "{label}: unknown says how to find out: {r}"
            ),
        }
        let said = account["current_release"].as_u64().map(|v| format!("serves v{v}"));
        let production = r["production"].as_str().unwrap();
        if let Some(said) = said {
            assert!(production.contains(&said), "{label}: the sentence says what the account says: {production}");
        }
        if let (Some(build), Some(real)) = (account["build"].as_object(), ours.first()) {
            if build["status"] != "unknown" && !in_flight {
                assert_eq!(build["status"], real["status"], "{label}: the build's status");
            }
        }
        if let Some(id) = account["deployment"]["id"].as_u64() {
            let statuses = self.github(&format!("repos/acme/storefront/deployments/{id}/statuses")).await;
            assert_eq!(account["deployment"]["state"], statuses[0]["state"], "{label}: the deployment's state");
            let live = account["release"]["status"] == "succeeded";
            if live && account["release"]["version"] == current.map_or(Value::Null, Value::from) {
                assert_eq!(statuses[0]["state"], "success", "{label}: a live release's deployment succeeded");
            }
        }
        if account["slack"] == "up_to_date" {
            let message = crate::e2e::announcement(&self.d.sb);
            let release = r["release"].as_u64().map(|v| format!("v{v}")).unwrap_or_default();
            assert!(message.text.contains(&release), "{label}: Slack names {release}: {}", message.text);
        }
    }
}

/// The human report ends with the same account: `Production: <sentence>.` and the next steps.
pub fn assert_human_matches(human: &Run, json: &Run, label: &str) {
    let r = result(json);
    assert_eq!(human.code, json.code, "{label}: the same exit code without --json");
    let line = human
        .stdout
        .lines()
        .find(|l| l.starts_with("Production: "))
        .unwrap_or_else(|| panic!("{label}: {}", human.stdout));
    let said = r["account"]["current_release"].as_u64().map(|v| format!("serves v{v}"));
    if let Some(said) = said {
        assert!(line.contains(&said), "{label}: {line} vs {}", r["production"]);
    }
    if let Some(resume) = r["resume"].as_str() {
        assert!(
            human.stdout.contains(&format!("Next: {resume}")),
            "{label}: the human report resumes: {}",
            human.stdout
        );
    }
}
