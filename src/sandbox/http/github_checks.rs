//! CI on GitHub: two check runs (rspec, rubocop) and one legacy status per commit. Commits of
//! the scratch history passed CI long ago (six minutes each, so estimates have a past to learn
//! from); a commit made while the sandbox runs (a revert pushed through the API, a merge) is
//! checked for [`NEW_COMMIT_CI`] of drill time, then turns green.
use super::github_json::{self as shape, Urls};
use super::github_reply::{message, resolve};
use super::json;
use crate::sandbox::clock::{stamp, Clock};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration as Span, TimeZone, Utc};
use git2::{Oid, Repository};
use serde_json::{json, Value};
use std::time::Duration;

/// How long CI takes on a commit pushed during a drill, at speed 1.
pub const NEW_COMMIT_CI: Duration = Duration::from_secs(40);
/// How long CI took on the history's commits.
const PAST_CI: i64 = 360;

/// Where CI stands on one commit.
pub struct Ci {
    pub started: DateTime<Utc>,
    /// None while it runs.
    pub completed: Option<DateTime<Utc>>,
}

pub fn ci_of(clock: &Clock, repo: &Repository, sha: Oid) -> Option<Ci> {
    let commit = repo.find_commit(sha).ok()?;
    let at = Utc.timestamp_opt(commit.committer().when().seconds(), 0).single()?;
    // Commit times have whole seconds: a commit of this very second is a new one.
    if at < clock.started - Span::seconds(1) {
        let started = at + Span::seconds(60);
        return Some(Ci { started, completed: Some(started + Span::seconds(PAST_CI)) });
    }
    let takes = Span::from_std(clock.scaled(NEW_COMMIT_CI)).unwrap_or_default();
    let done = at + takes;
    Some(Ci { started: at, completed: (clock.now() >= done).then_some(done) })
}

/// Legacy statuses: pending while CI runs, then success.
pub fn combined_status(clock: &Clock, u: &Urls, repo: &Repository, reference: &str) -> Response {
    let found = resolve(repo, reference).and_then(|sha| Some((sha, ci_of(clock, repo, sha)?)));
    let Some((sha, ci)) = found else {
        return message(StatusCode::NOT_FOUND, &format!("No commit found for SHA: {reference}"));
    };
    let (state, text) = match ci.completed {
        Some(_) => ("success", "Your tests passed on CircleCI!"),
        None => ("pending", "CircleCI is running your tests"),
    };
    let at = stamp(ci.completed.unwrap_or(ci.started));
    json(
        StatusCode::OK,
        json!({
            "state": state, "sha": sha.to_string(), "total_count": 1,
            "statuses": [{
                "url": format!("{}/statuses/{sha}", u.repo()), "avatar_url": null, "id": 31_000_001, "node_id": "SC_sandbox1",
                "state": state, "description": text, "target_url": format!("{}/ci/{sha}", u.html),
                "context": "ci/circleci: test", "created_at": stamp(ci.started), "updated_at": at,
            }],
            "repository": shape::repository(u), "commit_url": format!("{}/commits/{sha}", u.repo()),
            "url": format!("{}/commits/{sha}/status", u.repo()),
        }),
    )
}

pub fn check_runs(clock: &Clock, u: &Urls, repo: &Repository, reference: &str) -> Response {
    let found = resolve(repo, reference).and_then(|sha| Some((sha, ci_of(clock, repo, sha)?)));
    let Some((sha, ci)) = found else {
        return message(StatusCode::NOT_FOUND, &format!("No commit found for SHA: {reference}"));
    };
    let run = |id: u64, name: &str| {
        let (status, conclusion, title) = match ci.completed {
            Some(_) => ("completed", json!("success"), "All checks passed"),
            None => ("in_progress", Value::Null, "Running"),
        };
        json!({
            "id": id, "head_sha": sha.to_string(), "node_id": format!("CR_sandbox{id}"), "external_id": null,
            "url": format!("{}/check-runs/{id}", u.repo()), "html_url": format!("{}/runs/{id}", u.html_repo()),
            "details_url": format!("{}/runs/{id}", u.html_repo()), "status": status, "conclusion": conclusion,
            "started_at": stamp(ci.started), "completed_at": ci.completed.map(stamp),
            "output": {"title": title, "summary": "", "text": null, "annotations_count": 0, "annotations_url": format!("{}/check-runs/{id}/annotations", u.repo())},
            "name": name, "check_suite": {"id": 41_000_001}, "app": null, "pull_requests": [],
        })
    };
    json(
        StatusCode::OK,
        json!({"total_count": 2, "check_runs": [run(51_000_001, "rspec"), run(51_000_002, "rubocop")]}),
    )
}
