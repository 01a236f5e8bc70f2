//! Online preflight against wiremock stand-ins for Heroku, GitHub (REST and GraphQL) and Sentry,
//! laid out like the sandbox (`/heroku/`, `/github/`, `/sentry/`), over a git2 fixture repository.
use super::fixture::{self, Fixture};
use crate::support::{Cmd, Run};
use git2::Oid;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub(super) const T0: &str = "2026-09-01T12:00:00Z";

pub(super) struct World {
    pub(super) server: MockServer,
    pub(super) dir: tempfile::TempDir,
    pub(super) f: Fixture,
}

impl World {
    pub(super) async fn new() -> World {
        let server = MockServer::start().await;
        let dir = tempfile::tempdir().unwrap();
        let config = "[heroku]\napp = \"shop\"\n[github]\nrepo = \"acme/shop\"\nbranch = \"master\"\n\
                      [sentry]\norg = \"acme\"\nproject = \"rails\"\n";
        std::fs::write(dir.path().join("bpdeploy.toml"), config).unwrap();
        let f = Fixture::init(dir.path());
        World { server, dir, f }
    }

    fn url(&self, rest: &str) -> String {
        format!("{}/{rest}", self.server.uri())
    }

    pub(super) async fn run(&self, args: &[&str]) -> Run {
        let env = vec![
            ("BPDEPLOY_HEROKU_URL", self.url("heroku/")),
            ("BPDEPLOY_GITHUB_URL", self.url("github/")),
            ("BPDEPLOY_SENTRY_URL", self.url("sentry/")),
            ("HEROKU_API_KEY", "heroku-token".into()),
            ("GITHUB_TOKEN", "github-token".into()),
            ("SENTRY_AUTH_TOKEN", "sentry-token".into()),
            ("BPDEPLOY_HTTP_RETRIES", "0".into()),
            ("XDG_STATE_HOME", self.dir.path().join("state").display().to_string()),
        ];
        let cmd = Cmd::new(self.dir.path(), self.dir.path()).envs(env).args(["preflight"]).args(args);
        tokio::task::spawn_blocking(move || cmd.run()).await.unwrap()
    }

    pub(super) async fn get(&self, p: &str, body: Value) {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&self.server)
            .await;
    }

    /// Heroku runs `production` as v42; `builds` are the app's recent builds.
    pub(super) async fn heroku(&self, production: Oid, builds: Value) {
        let release = json!({"id": "r-42", "version": 42, "status": "succeeded", "current": true,
            "description": "Deploy 0000000", "slug": {"id": "slug-42"}, "user": {"id": "u1", "email": "ops@example.com"},
            "created_at": T0, "updated_at": T0});
        self.get("/heroku/apps/shop/releases", json!([release])).await;
        self.get("/heroku/apps/shop/builds", builds).await;
        self.get(
            "/heroku/apps/shop/slugs/slug-42",
            json!({"id": "slug-42", "commit": production.to_string(), "process_types": {}}),
        )
        .await;
    }

    /// GitHub's master is `head`; CI of `head` reports `check` (`(status, conclusion)`).
    pub(super) async fn github(&self, head: Oid, check: (&str, Option<&str>)) {
        let status = |sha: Oid| {
            json!({"state": "success", "sha": sha.to_string(), "total_count": 1,
            "statuses": [{"context": "ci/build", "state": "success", "description": null, "target_url": null}]})
        };
        self.get("/github/repos/acme/shop/commits/heads/master/status", status(head)).await;
        self.get(&format!("/github/repos/acme/shop/commits/{head}/status"), status(head)).await;
        let run = json!({"id": 1, "name": "rspec", "head_sha": head.to_string(), "status": check.0, "conclusion": check.1,
            "html_url": "https://github.com/acme/shop/runs/1"});
        self.get(
            &format!("/github/repos/acme/shop/commits/{head}/check-runs"),
            json!({"total_count": 1, "check_runs": [run]}),
        )
        .await;
        Mock::given(method("POST")).and(path("/github/graphql")).respond_with(PullsByAlias).mount(&self.server).await;
    }

    pub(super) async fn sentry(&self) {
        let issue = |n: u64, count: u64| {
            json!({"id": n.to_string(), "shortId": format!("RAILS-{n}"), "title": format!("Error {n}"),
            "count": count.to_string(), "userCount": 1, "firstSeen": T0, "lastSeen": T0, "permalink": null})
        };
        self.get("/sentry/api/0/organizations/acme/issues/", json!([issue(1, 5), issue(2, 50)])).await;
        self.get("/sentry/api/0/organizations/acme/events/", json!({"data": [{"count()": 120}], "meta": {}})).await;
    }

    /// The standard release fixture, with production on its first commit, green CI on its tip
    /// and a Sentry baseline; GitHub knows no PR for the direct push.
    pub(super) async fn standard(&self, r: &fixture::Release) {
        self.heroku(r.production, json!([])).await;
        self.github(r.pr3_squash, ("completed", Some("success"))).await;
        self.sentry().await;
        self.get(&format!("/github/repos/acme/shop/commits/{}/pulls", r.direct), json!([])).await;
    }

    async fn requests(&self, p: &str) -> usize {
        self.server.received_requests().await.unwrap().iter().filter(|r| r.url.path() == p).count()
    }
}

/// Answers the GraphQL PR batch lookup for whichever `prN:` aliases the query asks.
struct PullsByAlias;

impl Respond for PullsByAlias {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let query = body["query"].as_str().unwrap();
        let mut repo = serde_json::Map::new();
        for part in query.split(" pr").skip(1) {
            let Some((n, _)) = part.split_once(": pullRequest") else { continue };
            let n: u64 = n.parse().unwrap();
            repo.insert(format!("pr{n}"), json!({"id": format!("PR_{n}"), "number": n, "title": format!("GitHub title {n}"),
                "url": format!("https://github.com/acme/shop/pull/{n}"), "state": "MERGED", "mergedAt": T0,
                "mergeCommit": null, "author": {"login": format!("dev{n}")}, "labels": {"nodes": [{"name": "backend"}]}}));
        }
        ResponseTemplate::new(200).set_body_json(json!({"data": {"repository": repo}}))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_preflight_joins_production_ci_prs_and_the_sentry_baseline() {
    let mut w = World::new().await;
    let r = fixture::release(&mut w.f);
    // The direct push names no PR: GitHub is asked, and knows none.
    w.standard(&r).await;
    // Remove the refs offline preflight would use: online, Heroku says where production is.
    w.f.repo.find_reference("refs/remotes/heroku/master").unwrap().delete().unwrap();

    let run = w.run(&["--json"]).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["offline"], false);
    assert_eq!(report["range"]["from"], r.production.to_string());
    assert_eq!(report["range"]["from_ref"], "heroku release");
    let pr1 = report["pull_requests"].as_array().unwrap().iter().find(|p| p["number"] == 1).unwrap().clone();
    assert_eq!(pr1["title"], "GitHub title 1");
    assert_eq!(pr1["author"], "dev1");
    assert_eq!(pr1["url"], "https://github.com/acme/shop/pull/1");
    assert_eq!(pr1["labels"], json!(["backend"]));
    assert_eq!(report["ci"]["state"], "success");
    assert_eq!(report["production"]["release_version"], 42);
    assert_eq!(report["production"]["commit"], r.production.to_string());
    assert_eq!(report["production"]["in_progress"], json!([]));
    let baseline = &report["sentry_baseline"];
    assert_eq!(baseline["unresolved_issues"], 2);
    assert_eq!(baseline["top_issues"][0]["short_id"], "RAILS-2", "most events first");
    assert_eq!(baseline["error_events_last_hour"], 120);
    let saved = std::path::PathBuf::from(baseline["saved_to"].as_str().unwrap());
    assert!(saved.starts_with(w.dir.path().join("state/bpdeploy/baselines/shop")), "{saved:?}");
    let on_disk: Value = serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap();
    assert_eq!((&on_disk["app"], &on_disk["release"]), (&json!("shop"), &json!(r.production.to_string())));
    assert_eq!(report["verdict"]["level"], "caution", "the fixture's migration changes; CI is green");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_ci_or_a_build_in_progress_is_a_stop_and_strict_exits_3() {
    let mut w = World::new().await;
    let r = fixture::release(&mut w.f);
    let build = json!({"id": "b-1", "status": "pending", "source_blob": {"url": null, "version": "abc"},
        "user": {"id": "u2", "email": "bob@example.com"}, "created_at": T0, "updated_at": T0});
    w.heroku(r.production, json!([build])).await;
    w.github(r.pr3_squash, ("completed", Some("failure"))).await;
    w.sentry().await;
    w.get(&format!("/github/repos/acme/shop/commits/{}/pulls", r.direct), json!([])).await;

    let run = w.run(&["--json", "--strict"]).await;
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["verdict"]["level"], "stop");
    let codes: Vec<&str> =
        report["verdict"]["reasons"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"ci_failing") && codes.contains(&"deploy_in_progress"), "{codes:?}");
    assert_eq!(report["production"]["in_progress"][0]["user"], "bob@example.com");
}

/// A repository whose range holds `n` squash-merged PRs, and the requests preflight made.
async fn requests_for(n: u64) -> (usize, usize) {
    let mut w = World::new().await;
    w.f.write("Procfile", "release: bin/rails db:migrate\n");
    let production = w.f.commit("Alice", "Initial app", &[]);
    let mut tip = production;
    for i in 1..=n {
        w.f.write(&format!("app/models/m{i}.rb"), "class M\nend\n");
        tip = w.f.commit("Dave", &format!("Feature {i} (#{i})"), &[tip]);
    }
    w.f.set_ref("refs/remotes/origin/master", tip);
    w.heroku(production, json!([])).await;
    w.github(tip, ("completed", Some("success"))).await;
    w.sentry().await;
    let run = w.run(&["--json"]).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.json()["pull_requests"].as_array().unwrap().len() as u64, n);
    let all = w.server.received_requests().await.unwrap().len();
    let graphql = w.requests("/github/graphql").await;
    (all - graphql, graphql)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_count_does_not_grow_with_the_number_of_prs() {
    let (rest_5, graphql_5) = requests_for(5).await;
    let (rest_120, graphql_120) = requests_for(120).await;
    assert_eq!(rest_5, rest_120, "no REST request per PR");
    assert_eq!((graphql_5, graphql_120), (1, 3), "one GraphQL request per 50 PRs (the alias cap)");
}

/// `-v` says how long each step took; a baseline that cannot be had says why it is unknown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_times_each_step_and_an_unknown_baseline_says_why() {
    let mut w = World::new().await;
    let r = fixture::release(&mut w.f);
    w.standard(&r).await;
    let plain = w.run(&[]).await;
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(!plain.stderr.contains(" took "), "{}", plain.stderr);
    let verbose = w.run(&["-v"]).await;
    for step in ["Asking Heroku and GitHub what production runs", "Reading the range from git"] {
        assert!(verbose.stderr.contains(&format!("{step} took ")), "-v times {step}:\n{}", verbose.stderr);
    }
    assert!(verbose.stderr.contains("Checking CI, pull requests and Sentry took "), "{}", verbose.stderr);

    // Without [sentry] org and project there is no baseline, and the report says why.
    std::fs::write(w.dir.path().join("bpdeploy.toml"), "[heroku]\napp = \"shop\"\n[github]\nrepo = \"acme/shop\"\n")
        .unwrap();
    let unset = w.run(&[]).await;
    assert_eq!(unset.code, 0, "{}", unset.stderr);
    let section = unset.stdout.split("Sentry baseline\n").nth(1).unwrap_or_default();
    assert!(section.starts_with("  unknown: [sentry] org and project are not set"), "{}", unset.stdout);
    assert!(w.run(&["--json"]).await.json()["sentry_baseline"].is_null());
}
