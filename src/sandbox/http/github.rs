//! GitHub REST: compare, commits (+ their PRs, statuses, check runs), the tarball redirect,
//! and deployments. Pull requests are in `github_pulls`.
use super::github_json::{self as shape, Urls};
use super::paging::github_page;
use super::{json, set_header, Req};
use crate::sandbox::world::github::{Deployment, DeploymentStatus};
use crate::sandbox::Shared;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use git2::{Oid, Repository};
use serde_json::{json, Value};

pub use super::github_reply::{message, not_found, resolve, validation};

pub fn flaky(status: StatusCode, retry_after: u64) -> Response {
    let mut resp = if status == StatusCode::TOO_MANY_REQUESTS {
        message(status, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")
    } else {
        message(status, "Server Error")
    };
    set_header(&mut resp, "retry-after", retry_after.to_string());
    resp
}

pub fn headers(s: &Shared, req: &Req, resp: &mut Response) {
    let n = s.calls.load(std::sync::atomic::Ordering::SeqCst);
    set_header(resp, "x-github-request-id", format!("5A4D:{:04X}:{:06X}:{:06X}:67890ABC", n % 0xFFFF, n, n * 7));
    set_header(resp, "x-github-api-version-selected", "2022-11-28");
    let resource = if req.segs.first().is_some_and(|s| s == "graphql") { "graphql" } else { "core" };
    let used = (s.world().next_id % 4000).to_string();
    set_header(resp, "x-ratelimit-limit", "5000");
    set_header(resp, "x-ratelimit-remaining", (5000 - used.parse::<u64>().unwrap_or(0)).to_string());
    set_header(resp, "x-ratelimit-used", used);
    set_header(resp, "x-ratelimit-reset", (chrono::Utc::now().timestamp() + 3600).to_string());
    set_header(resp, "x-ratelimit-resource", resource);
}

/// Common checks: a token, a User-Agent (GitHub refuses requests without one), the one repository.
pub fn guard(s: &Shared, req: &Req) -> Option<Response> {
    if req.header("user-agent").map_or(true, str::is_empty) {
        return Some(message(
            StatusCode::FORBIDDEN,
            "Request forbidden by administrative rules. Please make sure your request has a User-Agent header",
        ));
    }
    if req.bearer() != Some(s.tokens.github.as_str()) {
        return Some(message(StatusCode::UNAUTHORIZED, "Bad credentials"));
    }
    None
}

pub fn handle(s: &Shared, req: &Req) -> Response {
    if let Some(refused) = guard(s, req) {
        return refused;
    }
    let u = Urls::new(&s.base_url);
    let segs = req.seg_strs();
    let Some(repo) = s.origin_repo() else { return message(StatusCode::INTERNAL_SERVER_ERROR, "Server Error") };
    let rest = match segs.as_slice() {
        ["repos", o, r, rest @ ..] if *o == crate::sandbox::scratch::OWNER && *r == crate::sandbox::scratch::NAME => {
            rest
        }
        _ => return not_found(),
    };
    match (&req.method, rest) {
        (&Method::GET, []) => json(StatusCode::OK, shape::repository(&u)),
        (&Method::GET, ["compare", basehead @ ..]) => compare(req, &u, &repo, &basehead.join("/"), &s.base_url),
        (&Method::GET, ["commits", reference @ .., "status"]) => {
            super::github_checks::combined_status(&s.clock, &u, &repo, &reference.join("/"))
        }
        (&Method::GET, ["commits", reference @ .., "check-runs"]) => {
            super::github_checks::check_runs(&s.clock, &u, &repo, &reference.join("/"))
        }
        (&Method::GET, ["commits", reference @ .., "pulls"]) => {
            super::github_pulls::for_commit(s, req, &u, &repo, &reference.join("/"))
        }
        (&Method::GET, ["commits", reference @ ..]) => match resolve(&repo, &reference.join("/"))
            .and_then(|id| repo.find_commit(id).ok())
        {
            Some(c) => json(StatusCode::OK, shape::commit(&u, &c)),
            None => {
                message(StatusCode::UNPROCESSABLE_ENTITY, &format!("No commit found for SHA: {}", reference.join("/")))
            }
        },
        (&Method::GET, ["branches", branch @ ..]) => match repo
            .find_reference(&format!("refs/heads/{}", branch.join("/")))
            .ok()
            .and_then(|r| r.peel_to_commit().ok())
        {
            Some(c) => json(
                StatusCode::OK,
                json!({"name": branch.join("/"), "commit": shape::commit(&u, &c), "protected": true, "_links": {"self": format!("{}/branches/{}", u.repo(), branch.join("/")), "html": format!("{}/tree/{}", u.html_repo(), branch.join("/"))}}),
            ),
            None => message(StatusCode::NOT_FOUND, "Branch not found"),
        },
        (&Method::GET, ["git", "ref", "heads", branch @ ..]) => {
            match repo.find_reference(&format!("refs/heads/{}", branch.join("/"))).ok().and_then(|r| r.target()) {
                Some(id) => json(StatusCode::OK, super::github_data::branch_ref(&u, &branch.join("/"), id)),
                None => not_found(),
            }
        }
        (&Method::POST, ["git", "blobs"]) => super::github_data::create_blob(req, &u, &repo),
        (&Method::POST, ["git", "trees"]) => super::github_data::create_tree(req, &u, &repo),
        (&Method::POST, ["git", "commits"]) => super::github_data::create_commit(req, &u, &repo, s.clock.now()),
        (&Method::POST, ["git", "refs"]) => super::github_data::create_ref(req, &u, &repo),
        (&Method::GET, ["tarball", reference @ ..]) => {
            let reference = if reference.is_empty() { "master".to_string() } else { reference.join("/") };
            match resolve(&repo, &reference) {
                Some(id) => {
                    let mut resp = super::empty(StatusCode::FOUND);
                    set_header(&mut resp, "location", s.codeload_url(&id.to_string()));
                    resp
                }
                None => not_found(),
            }
        }
        (_, ["pulls", ..]) => super::github_pulls::handle(s, req, &u, &repo, &rest[1..]),
        (&Method::GET, ["deployments"]) => {
            let w = s.world();
            let mut list: Vec<&Deployment> = w.github.deployments.iter().rev().collect();
            for (key, pick) in [("sha", 0), ("ref", 1), ("task", 2), ("environment", 3)] {
                if let Some(want) = req.param(key) {
                    list.retain(|d| [&d.sha, &d.reference, &d.task, &d.environment][pick] == want);
                }
            }
            let items: Vec<Value> = list.iter().map(|d| shape::deployment(&u, d)).collect();
            let mut resp = json(StatusCode::OK, Value::Null);
            let page = github_page(req, &s.base_url, &items, &mut resp);
            *resp.body_mut() = Value::Array(page).to_string().into();
            resp
        }
        (&Method::POST, ["deployments"]) => create_deployment(s, req, &u, &repo),
        (&Method::GET, ["deployments", id, "statuses"]) => {
            let w = s.world();
            match w.github.deployments.iter().find(|d| d.id.to_string() == *id) {
                Some(d) => json(
                    StatusCode::OK,
                    Value::Array(d.statuses.iter().rev().map(|st| shape::deployment_status(&u, d, st)).collect()),
                ),
                None => not_found(),
            }
        }
        (&Method::POST, ["deployments", id, "statuses"]) => {
            let body = req.json().unwrap_or(Value::Null);
            const STATES: [&str; 7] = ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"];
            let Some(state) =
                body.get("state").and_then(Value::as_str).filter(|st| STATES.contains(st)).map(str::to_string)
            else {
                return validation("state", "invalid");
            };
            let text = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
            let mut w = s.world();
            let status_id = w.github.fresh_id();
            let now = s.clock.now();
            let Some(d) = w.github.deployments.iter_mut().find(|d| d.id.to_string() == *id) else { return not_found() };
            let log_url = if text("log_url").is_empty() { text("target_url") } else { text("log_url") };
            let status = DeploymentStatus {
                id: status_id,
                state,
                description: text("description"),
                log_url,
                environment_url: text("environment_url"),
                created_at: now,
            };
            d.statuses.push(status.clone());
            let mut resp = json(StatusCode::CREATED, shape::deployment_status(&u, d, &status));
            set_header(&mut resp, "location", format!("{}/deployments/{}/statuses/{}", u.repo(), d.id, status.id));
            resp
        }
        _ => not_found(),
    }
}

fn create_deployment(s: &Shared, req: &Req, u: &Urls, repo: &Repository) -> Response {
    let body = req.json().unwrap_or(Value::Null);
    let Some(reference) = body.get("ref").and_then(Value::as_str) else { return validation("ref", "missing_field") };
    let Some(sha) = resolve(repo, reference) else {
        return message(StatusCode::CONFLICT, &format!("No ref found for: {reference}"));
    };
    let mut w = s.world();
    let id = w.github.fresh_id();
    let d = Deployment {
        id,
        sha: sha.to_string(),
        reference: reference.to_string(),
        task: body.get("task").and_then(Value::as_str).unwrap_or("deploy").into(),
        environment: body.get("environment").and_then(Value::as_str).unwrap_or("production").into(),
        description: body.get("description").and_then(Value::as_str).map(str::to_string),
        payload: body.get("payload").cloned().unwrap_or_else(|| json!({})),
        creator: "you".into(),
        created_at: s.clock.now(),
        statuses: Vec::new(),
    };
    let out = shape::deployment(u, &d);
    w.github.deployments.push(d);
    let mut resp = json(StatusCode::CREATED, out);
    set_header(&mut resp, "location", format!("{}/deployments/{id}", u.repo()));
    resp
}

fn compare(req: &Req, u: &Urls, repo: &Repository, basehead: &str, base_url: &str) -> Response {
    let Some((base, head)) = basehead.split_once("...") else { return not_found() };
    let (Some(b), Some(h)) = (resolve(repo, base), resolve(repo, head)) else { return not_found() };
    let result = (|| -> Result<Response, git2::Error> {
        let merge_base = repo.merge_base(b, h)?;
        let walk = |from: Oid, hide: Oid| -> Result<Vec<Oid>, git2::Error> {
            let mut w = repo.revwalk()?;
            w.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME | git2::Sort::REVERSE)?;
            w.push(from)?;
            w.hide(hide)?;
            w.collect()
        };
        let ahead = walk(h, b)?;
        let behind = walk(b, h)?.len();
        let status = match (ahead.len(), behind) {
            (0, 0) => "identical",
            (_, 0) => "ahead",
            (0, _) => "behind",
            _ => "diverged",
        };
        let commits: Vec<Value> =
            ahead.iter().map(|id| repo.find_commit(*id).map(|c| shape::commit(u, &c))).collect::<Result<_, _>>()?;
        let paged = req.param("page").is_some() || req.param("per_page").is_some();
        let mut resp = json(StatusCode::OK, Value::Null);
        let (page_commits, first_page) = if paged {
            (github_page(req, base_url, &commits, &mut resp), req.param("page").map_or(true, |p| p == "1"))
        } else {
            (commits.iter().take(250).cloned().collect(), true)
        };
        // Files come only with the first page, from the merge base, at most 300.
        let files = if first_page {
            let mut f = shape::diff_entries(u, repo, &repo.find_commit(merge_base)?, &repo.find_commit(h)?)?;
            f.truncate(300);
            f
        } else {
            Vec::new()
        };
        let html = format!("{}/compare/{basehead}", u.html_repo());
        let body = json!({
            "url": format!("{}/compare/{basehead}", u.repo()), "html_url": html, "permalink_url": format!("{}/compare/{OWNER}:{b}...{OWNER}:{h}", u.html_repo(), OWNER = crate::sandbox::scratch::OWNER),
            "diff_url": format!("{html}.diff"), "patch_url": format!("{html}.patch"),
            "base_commit": shape::commit(u, &repo.find_commit(b)?), "merge_base_commit": shape::commit(u, &repo.find_commit(merge_base)?),
            "status": status, "ahead_by": ahead.len(), "behind_by": behind, "total_commits": ahead.len(),
            "commits": page_commits, "files": files,
        });
        *resp.body_mut() = body.to_string().into();
        Ok(resp)
    })();
    result.unwrap_or_else(|_| not_found())
}
