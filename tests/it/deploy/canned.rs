//! Canned answers: what preflight reads before a deploy (production's release and commit, CI of
//! the tip, the PRs, the Sentry baseline), and the objects the deploy's records create. Bodies
//! are the API area's schema-checked fixtures with this world's facts put in, and go through
//! [`World::answer`], which checks them against the official response schemas once more.
use super::fakes::{World, APP};
use crate::api::fixtures::{heroku, sentry};
use crate::api::fixtures_github as github;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

/// How the tip's one check run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ci {
    Green,
    Failing,
}

impl World {
    /// Every read the deploy makes before the build, answered for a free lock and green CI.
    pub async fn production_and_free_lock(&self) {
        self.production_with_ci(Ci::Green).await;
    }

    /// Production runs `old` as v41; GitHub's master is the tip; CI of the tip ends as `ci`;
    /// GitHub knows the PRs; Sentry has a quiet baseline; no GitHub deployment is in progress.
    pub async fn production_with_ci(&self, ci: Ci) {
        self.answer("/heroku/apps/shop/releases", json!([self.release(41, "succeeded", true)])).await;
        let mut slug = heroku::slug(41);
        (slug["id"], slug["commit"]) = (json!("s41"), json!(self.old));
        self.answer("/heroku/apps/shop/slugs/s41", slug).await;
        self.get("/github/repos/acme/shop/deployments", json!([])).await;
        // Preflight asks for `heads/master`, the deploy for `master`: both are the tip.
        for r in ["heads/master", "master", self.sha.as_str()] {
            self.answer(&format!("/github/repos/acme/shop/commits/{r}/status"), self.combined_status()).await;
        }
        let mut run = github::check_run(1);
        run["head_sha"] = json!(self.sha);
        run["conclusion"] = json!(if ci == Ci::Green { "success" } else { "failure" });
        let runs = json!({"total_count": 1, "check_runs": [run]});
        self.answer(&format!("/github/repos/acme/shop/commits/{}/check-runs", self.sha), runs).await;
        self.pull_requests().await;
        self.answer("/sentry/api/0/organizations/acme/issues/", json!([sentry::issue(7)])).await;
        self.answer("/sentry/api/0/organizations/acme/events/", sentry::events_total(3)).await;
    }

    fn combined_status(&self) -> Value {
        let mut status = github::combined_status(1);
        status["sha"] = json!(self.sha);
        status
    }

    /// The GraphQL batch lookup of PRs #1 and #2 (CONTRACTS.md's shape; GraphQL has no schema
    /// in api-specs, the request side is checked by `assert_contract`).
    async fn pull_requests(&self) {
        let pr = |n: u64, title: &str, merge: &str, login: &str| {
            json!({"id": format!("PR_{n}"), "number": n, "title": title,
                "url": format!("https://github.com/acme/shop/pull/{n}"), "state": "MERGED",
                "mergedAt": "2025-01-01T09:00:00Z", "mergeCommit": {"oid": merge}, "author": {"login": login},
                "labels": {"nodes": []}})
        };
        let body = json!({"data": {"repository": {
            "pr1": pr(1, "Add gift cards", &self.pr1_merge, "bob"),
            "pr2": pr(2, "Index orders by customer", &self.sha, "dave")
        }}});
        Mock::given(method("POST"))
            .and(path("/github/graphql"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&self.server)
            .await;
    }

    /// A GET answer checked against the official response schema first.
    pub async fn answer(&self, p: &str, body: Value) {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(super::fakes::serve("GET", p, 200, body))
            .mount(&self.server)
            .await;
    }

    pub fn gh_deployment(&self, id: u64) -> Value {
        let mut deployment = github::deployment(id);
        deployment["sha"] = json!(self.sha);
        deployment["ref"] = json!(self.sha);
        deployment["environment"] = json!(APP);
        deployment["creator"] = github::user("alice");
        deployment["description"] = json!(format!("bpdeploy: alice deploying {}", &self.sha[..7]));
        deployment
    }
}

pub fn gh_deployment_status(id: u64, state: &str) -> Value {
    let mut status = github::deployment_status(id, state);
    status["creator"] = github::user("alice");
    status
}

/// Sentry's answer to a release create.
pub fn sentry_release(version: &str) -> Value {
    sentry::release(version)
}

pub fn sentry_deploy() -> Value {
    let mut deploy = sentry::deploy();
    deploy["name"] = json!("v42");
    deploy
}
