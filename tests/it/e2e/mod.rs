//! End to end: the real binary against the sandbox, one scenario per test (issues 4 and 6).
//!
//! Each test starts the sandbox in-process at drill speed [`SPEED`] with its exchange log on,
//! runs `bpdeploy` in the scratch repository with the sandbox's exports and millisecond knobs,
//! and asserts on exit codes, NDJSON events and the sandbox's own record. At the end every API
//! call the real clients made is checked against the official schemas ([`Drill::assert_contract`]).
mod channels;
mod deploy;
mod drills;
mod dry_run;
mod lock;
mod polish;
mod process;
mod ships;
mod snippet;
mod watch;

use crate::api::contract;
use crate::support::{Cmd, Run};
use bpdeploy::cli::Scenario;
use bpdeploy::sandbox::{Sandbox, SandboxOptions};
use serde_json::Value;

/// The user agent of the tests' own reads of the sandbox, left out of the contract check (which
/// is about what bpdeploy sends).
const PROBE: &str = "e2e-probe";

/// Drills run twenty times faster than at a desk: a watch lasts 1.5 s, ticks every 150 ms.
pub const SPEED: f64 = 20.0;

pub struct Drill {
    pub sb: Sandbox,
    home: tempfile::TempDir,
}

impl Drill {
    pub async fn start(scenario: Scenario) -> Drill {
        Drill::start_at(scenario, SPEED).await
    }

    pub async fn start_at(scenario: Scenario, speed: f64) -> Drill {
        let opts = SandboxOptions { speed, record_exchanges: true, ..SandboxOptions::new(scenario) };
        Drill::with(Sandbox::start(opts).await.expect("sandbox starts"))
    }

    /// A drill around a sandbox started elsewhere (behind the fault proxy).
    pub fn with(sb: Sandbox) -> Drill {
        Drill { sb, home: tempfile::tempdir().unwrap() }
    }

    /// `bpdeploy` in the scratch repository with the sandbox's exports and short knobs.
    pub fn cmd(&self) -> Cmd {
        let mut cmd = Cmd::new(self.sb.repo_dir(), self.home.path());
        for (k, v) in self.sb.env_pairs() {
            cmd = cmd.env(&k, v);
        }
        cmd.env("BPDEPLOY_USER", "drill")
            .env("BPDEPLOY_POLL_MS", "20")
            .env("BPDEPLOY_HTTP_RETRY_BASE_MS", "5")
            .env("BPDEPLOY_HTTP_RETRY_MAX_MS", "200")
            .env("BPDEPLOY_HTTP_TIMEOUT_MS", "5000")
            .env("BPDEPLOY_STREAM_IDLE_MS", "1000")
    }

    /// Runs the binary off the runtime's worker threads, so the sandbox keeps answering.
    pub async fn run(&self, args: &[&str]) -> Run {
        self.run_cmd(self.cmd().args(args)).await
    }

    pub async fn run_cmd(&self, cmd: Cmd) -> Run {
        tokio::task::spawn_blocking(move || cmd.run()).await.expect("bpdeploy ran")
    }

    /// `bpdeploy --json releases`: the app's releases, newest first.
    pub async fn releases(&self) -> Vec<Value> {
        let run = self.run(&["--json", "releases"]).await;
        assert_eq!(run.code, 0, "releases: {}", run.stderr);
        run.json().as_array().cloned().unwrap_or_default()
    }

    /// GETs a Sentry path (relative to its base) straight from the sandbox, not through bpdeploy.
    pub async fn sentry(&self, path: &str) -> Value {
        self.probe("BPDEPLOY_SENTRY_URL", &self.sb.tokens().sentry, path).await
    }

    /// GETs a GitHub path straight from the sandbox.
    pub async fn github(&self, path: &str) -> Value {
        self.probe("BPDEPLOY_GITHUB_URL", &self.sb.tokens().github, path).await
    }

    /// GETs a Heroku path straight from the sandbox.
    pub async fn heroku(&self, path: &str) -> Value {
        self.probe("BPDEPLOY_HEROKU_URL", &self.sb.tokens().heroku, path).await
    }

    async fn probe(&self, base_env: &str, token: &str, path: &str) -> Value {
        let base = self.sb.env_pairs().into_iter().find(|(k, _)| k == base_env).unwrap().1;
        let resp = reqwest::Client::new()
            .get(format!("{base}{path}"))
            .header("user-agent", PROBE)
            .header("accept", "application/vnd.heroku+json; version=3")
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap()
    }

    /// Every API call the clients made so far, and the sandbox's answer, fit the official
    /// schemas (the API area's checker, the same one wiremock answers go through).
    pub fn assert_contract(&self) {
        let exchanges = self.sb.exchanges();
        assert!(!exchanges.is_empty(), "the exchange log is on");
        let mut problems = Vec::new();
        for x in exchanges.iter().filter(|x| !x.headers.iter().any(|(k, v)| k == "user-agent" && v == PROBE)) {
            if let Err(e) = contract::check_request(x.service, &x.method, &x.path, &x.headers, x.request.as_ref()) {
                problems.push(format!("request: {e}"));
            }
            let answer = x.response.as_ref().filter(|_| x.service != "slack" && x.path != "/graphql");
            if let Some(body) = answer {
                if let Err(e) = contract::check_response(x.service, &x.method, &x.path, x.status, body) {
                    problems.push(format!("answer: {e}"));
                }
            }
        }
        problems.dedup();
        assert!(problems.is_empty(), "{} calls, contract problems:\n{}", exchanges.len(), problems.join("\n"));
    }
}

/// The last NDJSON line: `{"type":"result", …}`.
pub fn result(run: &Run) -> Value {
    let events = run.events();
    let last = events.last().cloned().unwrap_or_else(|| panic!("no output; stderr:\n{}", run.stderr));
    assert_eq!(last["type"], "result", "the last line is the result: {last}");
    last
}

/// Events of one type, in order.
pub fn of_type(run: &Run, kind: &str) -> Vec<Value> {
    run.events().into_iter().filter(|e| e["type"] == kind).collect()
}

/// Everything a run printed, for assertion messages.
pub fn context(run: &Run) -> String {
    format!("exit {}\nstdout:\n{}\nstderr:\n{}", run.code, run.stdout, run.stderr)
}

/// The Slack announcement: the top-level message the deploy posted and edited.
pub fn announcement(sb: &Sandbox) -> bpdeploy::sandbox::world::slack::SlackMessage {
    let record = sb.slack_record();
    let top: Vec<_> = record.messages.iter().filter(|m| m.thread_ts.is_none()).cloned().collect();
    assert_eq!(top.len(), 1, "one announcement, edited in place: {top:#?}");
    top[0].clone()
}

/// The index of the first history entry containing `needle`, or a panic naming the history.
pub fn step(history: &[String], needle: &str) -> usize {
    history.iter().position(|t| t.contains(needle)).unwrap_or_else(|| panic!("no {needle:?} in {history:#?}"))
}
