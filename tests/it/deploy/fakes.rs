//! A wiremock stand-in for the four services on one server, laid out like the sandbox
//! (`/heroku/`, `/github/`, `/sentry/`, `/slack/api/`, `/streams/`), running bpdeploy in the
//! git2-built repository of `history`. Canned answers are in `canned`.
use crate::support::{Cmd, Run};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const APP: &str = "shop";

pub struct World {
    pub server: MockServer,
    /// The working directory (a git repository, see `history`), HOME and the state directory.
    pub dir: tempfile::TempDir,
    /// The commit production runs before the deploy (v41).
    pub old: String,
    /// PR #1's merge commit (GitHub's `mergeCommit` of #1).
    pub pr1_merge: String,
    /// The tip of `origin/master`: the commit the deploy ships (v42).
    pub sha: String,
}

impl World {
    pub async fn new() -> World {
        let server = MockServer::start().await;
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            "[heroku]\napp = \"{APP}\"\n[github]\nrepo = \"acme/shop\"\nbranch = \"master\"\n\
             [sentry]\norg = \"acme\"\nproject = \"rails\"\n[slack]\nchannel = \"C123\"\n\
             [watch]\nduration = \"400ms\"\ninterval = \"40ms\"\nmin_events = 5\n"
        );
        std::fs::write(dir.path().join("bpdeploy.toml"), config).unwrap();
        let shipped = super::history::create(dir.path());
        World { server, dir, old: shipped.old, pr1_merge: shipped.pr1_merge, sha: shipped.tip }
    }

    pub fn url(&self, rest: &str) -> String {
        format!("{}/{rest}", self.server.uri())
    }

    /// Runs bpdeploy off the async threads, so wiremock keeps answering.
    pub async fn run(&self, args: &[&str], extra: &[(&str, &str)]) -> Run {
        let mut cmd = Cmd::new(self.dir.path(), self.dir.path()).envs(self.env());
        for (k, v) in extra {
            cmd = cmd.env(k, v);
        }
        let cmd = cmd.args(args);
        tokio::task::spawn_blocking(move || cmd.run()).await.unwrap()
    }

    /// The environment every run gets: the services' URLs, dummy tokens, millisecond knobs.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("PATH", std::env::var("PATH").unwrap_or_default()),
            ("HOME", self.dir.path().display().to_string()),
            ("NO_COLOR", "1".into()),
            ("BPDEPLOY_HEROKU_URL", self.url("heroku/")),
            ("BPDEPLOY_GITHUB_URL", self.url("github/")),
            ("BPDEPLOY_SENTRY_URL", self.url("sentry/")),
            ("BPDEPLOY_SLACK_URL", self.url("slack/api/")),
            ("HEROKU_API_KEY", "heroku-token".into()),
            ("GITHUB_TOKEN", "github-token".into()),
            ("SENTRY_AUTH_TOKEN", "sentry-token".into()),
            ("SLACK_BOT_TOKEN", "xoxb-test".into()),
            ("BPDEPLOY_USER", "alice".into()),
            ("BPDEPLOY_POLL_MS", "10".into()),
            ("BPDEPLOY_HTTP_RETRY_BASE_MS", "1".into()),
            ("BPDEPLOY_HTTP_RETRY_MAX_MS", "5".into()),
            ("BPDEPLOY_STREAM_IDLE_MS", "2000".into()),
            ("XDG_STATE_HOME", self.dir.path().join("state").display().to_string()),
        ]
    }

    pub async fn get(&self, p: &str, body: Value) {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&self.server)
            .await;
    }

    /// A stub that must be hit exactly `times` times.
    pub async fn expect(&self, verb: &str, p: &str, status: u16, body: Value, times: u64) {
        Mock::given(method(verb))
            .and(path(p))
            .respond_with(serve(verb, p, status, body))
            .expect(times)
            .named(format!("{verb} {p}"))
            .mount(&self.server)
            .await;
    }

    pub async fn stream(&self, name: &str, lines: &[&str]) {
        let body = lines.iter().map(|l| format!("{l}\n")).collect::<String>();
        Mock::given(method("GET"))
            .and(path(format!("/streams/{name}")))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/plain"))
            .mount(&self.server)
            .await;
    }

    pub fn build(&self, id: &str, status: &str, release: Option<&str>) -> Value {
        json!({
            "id": id, "status": status, "output_stream_url": self.url(&format!("streams/{id}")),
            "source_blob": {"url": "https://codeload.example/acme/shop", "version": self.sha, "version_description": "master", "checksum": null},
            "release": release.map(|r| json!({"id": r})), "slug": {"id": "s42"},
            "user": {"id": "u1", "email": "alice@acme.io"},
            "created_at": "2025-01-01T10:00:00Z", "updated_at": "2025-01-01T10:04:00Z"
        })
    }

    /// Heroku's release `version`, on slug `s<version>`; v41 runs `old`, later ones the tip.
    pub fn release(&self, version: u64, status: &str, current: bool) -> Value {
        let commit = if version == 41 { &self.old } else { &self.sha };
        let mut release = crate::api::fixtures::heroku::release(version, current, true);
        let facts = json!({
            "id": format!("r{version}"), "status": status, "description": format!("Deploy {}", &commit[..7]),
            "output_stream_url": self.url(&format!("streams/r{version}")), "slug": {"id": format!("s{version}")},
            "user": {"id": "u1", "email": "alice@acme.io"}, "app": {"id": "a1", "name": APP},
            "created_at": "2025-01-01T10:05:00Z", "updated_at": "2025-01-01T10:06:00Z"
        });
        release.as_object_mut().unwrap().extend(facts.as_object().unwrap().clone());
        release
    }

    /// The records: deployment, its statuses, the Sentry release, Slack.
    pub async fn records(&self, statuses: u64, slack_posts: u64, slack_updates: u64) {
        self.expect("POST", "/github/repos/acme/shop/deployments", 201, self.gh_deployment(7), 1).await;
        let status = super::canned::gh_deployment_status(1, "in_progress");
        self.expect("POST", "/github/repos/acme/shop/deployments/7/statuses", 201, status, statuses).await;
        self.expect(
            "POST",
            "/sentry/api/0/organizations/acme/releases/",
            201,
            super::canned::sentry_release(&self.sha),
            1,
        )
        .await;
        let posted = json!({"ok": true, "channel": "C123", "ts": "1700000000.000100"});
        self.expect("POST", "/slack/api/chat.postMessage", 200, posted.clone(), slack_posts).await;
        self.expect("POST", "/slack/api/chat.update", 200, posted, slack_updates).await;
    }

    /// The tarball redirect GitHub answers.
    pub async fn tarball(&self) {
        Mock::given(method("GET"))
            .and(path(format!("/github/repos/acme/shop/tarball/{}", self.sha)))
            .respond_with(
                ResponseTemplate::new(302).insert_header("location", self.url("codeload/acme/shop?token=secret")),
            )
            .mount(&self.server)
            .await;
    }

    pub async fn requests_to(&self, verb: &str, p: &str) -> Vec<Value> {
        let all = self.server.received_requests().await.unwrap_or_default();
        all.iter()
            .filter(|r| r.method.as_str() == verb && r.url.path() == p)
            .map(|r| serde_json::from_slice(&r.body).unwrap_or(Value::Null))
            .collect()
    }
}

const PREFIXES: [(&str, &str); 4] =
    [("heroku", "/heroku"), ("github", "/github"), ("sentry", "/sentry"), ("slack", "/slack/api")];

impl World {
    /// Every request the binary made fits the official schema of its service (shared/api-specs).
    pub async fn assert_contract(&self) {
        for req in self.server.received_requests().await.unwrap_or_default() {
            let full = req.url.path().to_string() + req.url.query().map(|q| format!("?{q}")).as_deref().unwrap_or("");
            let Some((service, rest)) = PREFIXES.iter().find_map(|(s, p)| full.strip_prefix(p).map(|r| (*s, r))) else {
                continue; // output streams and the tarball target are capability URLs
            };
            let headers: Vec<(String, String)> =
                req.headers.iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string())).collect();
            let body: Option<Value> = serde_json::from_slice(&req.body).ok();
            crate::api::contract::check_request(service, req.method.as_str(), rest, &headers, body.as_ref())
                .unwrap_or_else(|e| panic!("contract: {e}"));
        }
    }
}

/// A canned answer, checked against the response schema first.
pub fn serve(verb: &str, p: &str, status: u16, body: Value) -> ResponseTemplate {
    if let Some((service, rest)) = PREFIXES.iter().find_map(|(s, pre)| p.strip_prefix(pre).map(|r| (*s, r))) {
        crate::api::contract::check_response(service, verb, rest, status, &body)
            .unwrap_or_else(|e| panic!("canned answer for {verb} {p}: {e}"));
    }
    ResponseTemplate::new(status).set_body_json(body)
}

pub fn types(run: &Run) -> Vec<String> {
    run.events().iter().map(|e| e["type"].as_str().unwrap_or("?").to_string()).collect()
}

pub fn result(run: &Run) -> Value {
    let events = run.events();
    let last = events.last().cloned().unwrap_or(Value::Null);
    assert_eq!(last["type"], "result", "last event is the result:\n{}\n{}", run.stdout, run.stderr);
    last
}
