//! Pull requests: list, get, files, create, update, merge, and the PRs of a commit.
use super::github_git::{merge, Refusal};
use super::github_json::{self as shape, Urls};
use super::github_reply::{message, not_found, resolve, validation};
use super::paging::github_page;
use super::{json, set_header, Req};
use crate::sandbox::world::github::{Branches, PullRequest};
use crate::sandbox::Shared;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use git2::{Oid, Repository};
use serde_json::{json, Value};

/// The PR's own changes: its head against where it branched off.
pub fn files(u: &Urls, repo: &Repository, pr: &PullRequest) -> Vec<Value> {
    let diff = || -> Result<Vec<Value>, git2::Error> {
        let head = repo.find_commit(Oid::from_str(&pr.head_sha)?)?;
        let base = repo.find_commit(repo.merge_base(Oid::from_str(&pr.base_sha)?, head.id())?)?;
        shape::diff_entries(u, repo, &base, &head)
    };
    diff().unwrap_or_default()
}

/// The PR's own commits, oldest first: its head back to where it branched off.
pub fn commits(u: &Urls, repo: &Repository, pr: &PullRequest) -> Vec<Value> {
    let walk = || -> Result<Vec<Value>, git2::Error> {
        let head = Oid::from_str(&pr.head_sha)?;
        let mut w = repo.revwalk()?;
        w.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
        w.push(head)?;
        w.hide(repo.merge_base(Oid::from_str(&pr.base_sha)?, head)?)?;
        w.map(|id| repo.find_commit(id?).map(|c| shape::commit(u, &c))).collect()
    };
    walk().unwrap_or_default()
}

fn paged(s: &Shared, req: &Req, items: &[Value]) -> Response {
    let mut resp = json(StatusCode::OK, Value::Null);
    let page = github_page(req, &s.base_url, items, &mut resp);
    *resp.body_mut() = Value::Array(page).to_string().into();
    resp
}

/// Merged PRs whose merge commit or head is this commit; a branch name gives that branch's PRs.
pub fn for_commit(s: &Shared, req: &Req, u: &Urls, repo: &Repository, reference: &str) -> Response {
    let w = s.world();
    let by_branch: Vec<&PullRequest> = w.github.prs.iter().filter(|p| p.head_ref == reference).collect();
    let list: Vec<&PullRequest> = if !by_branch.is_empty() {
        by_branch
    } else {
        let Some(sha) = resolve(repo, reference).map(|o| o.to_string()) else {
            return message(StatusCode::UNPROCESSABLE_ENTITY, &format!("No commit found for SHA: {reference}"));
        };
        w.github.prs.iter().filter(|p| p.merge_sha.as_deref() == Some(sha.as_str()) || p.head_sha == sha).collect()
    };
    let items: Vec<Value> = list.iter().map(|p| shape::pull_request_simple(u, p)).collect();
    paged(s, req, &items)
}

pub fn handle(s: &Shared, req: &Req, u: &Urls, repo: &Repository, rest: &[&str]) -> Response {
    let number = rest.first().and_then(|n| n.parse::<u64>().ok());
    match (&req.method, rest, number) {
        (&Method::GET, [], _) => {
            let w = s.world();
            let state = req.param("state").unwrap_or("open");
            let mut list: Vec<&PullRequest> = w
                .github
                .prs
                .iter()
                .filter(|p| state == "all" || p.state() == state)
                .filter(|p| req.param("base").map_or(true, |b| b == p.base_ref))
                .filter(|p| req.param("head").map_or(true, |h| h.rsplit(':').next() == Some(p.head_ref.as_str())))
                .collect();
            let by_updated = req.param("sort") == Some("updated");
            let asc = req.param("direction").map(|d| d == "asc").unwrap_or(by_updated);
            list.sort_by_key(|p| if by_updated { p.updated_at } else { p.created_at });
            if !asc {
                list.reverse();
            }
            let items: Vec<Value> = list.iter().map(|p| shape::pull_request_simple(u, p)).collect();
            paged(s, req, &items)
        }
        (&Method::POST, [], _) => create(s, req, u, repo),
        (_, [_, ..], None) => not_found(),
        (&Method::GET, [_], Some(n)) => match s.world().github.pr(n).cloned() {
            Some(pr) => {
                json(StatusCode::OK, shape::pull_request(u, &pr, &files(u, repo, &pr), commits(u, repo, &pr).len()))
            }
            None => not_found(),
        },
        (&Method::PATCH, [_], Some(n)) => {
            let body = req.json().unwrap_or(Value::Null);
            let now = s.clock.now();
            let mut w = s.world();
            let Some(pr) = w.github.pr_mut(n) else { return not_found() };
            if let Some(t) = body.get("title").and_then(Value::as_str) {
                pr.title = t.into();
            }
            if let Some(b) = body.get("body").and_then(Value::as_str) {
                pr.body = b.into();
            }
            if let Some(st) = body.get("state").and_then(Value::as_str) {
                if pr.merged_at.is_none() {
                    pr.open = st == "open";
                    pr.closed_at = (!pr.open).then_some(now);
                }
            }
            pr.updated_at = now;
            let pr = pr.clone();
            drop(w);
            json(StatusCode::OK, shape::pull_request(u, &pr, &files(u, repo, &pr), commits(u, repo, &pr).len()))
        }
        (&Method::GET, [_, "files"], Some(n)) => match s.world().github.pr(n).cloned() {
            Some(pr) => paged(s, req, &files(u, repo, &pr)),
            None => not_found(),
        },
        (&Method::GET, [_, "commits"], Some(n)) => match s.world().github.pr(n).cloned() {
            Some(pr) => paged(s, req, &commits(u, repo, &pr)),
            None => not_found(),
        },
        (&Method::GET, [_, "merge"], Some(n)) => match s.world().github.pr(n) {
            Some(pr) if pr.merged_at.is_some() => super::empty(StatusCode::NO_CONTENT),
            _ => super::empty(StatusCode::NOT_FOUND),
        },
        (&Method::PUT, [_, "merge"], Some(n)) => merge_pr(s, req, repo, n),
        _ => not_found(),
    }
}

fn create(s: &Shared, req: &Req, u: &Urls, repo: &Repository) -> Response {
    let body = req.json().unwrap_or(Value::Null);
    let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
    let Some(title) = text("title") else { return validation("title", "missing_field") };
    let Some(head) = text("head").map(|h| h.rsplit(':').next().unwrap_or_default().to_string()) else {
        return validation("head", "missing_field");
    };
    let base = text("base").unwrap_or_else(|| crate::sandbox::scratch::BRANCH.into());
    let (Some(head_sha), Some(base_sha)) =
        (resolve(repo, &format!("heads/{head}")), resolve(repo, &format!("heads/{base}")))
    else {
        return validation("head", "invalid");
    };
    let now = s.clock.now();
    let mut w = s.world();
    if w.github.prs.iter().any(|p| p.open && p.head_ref == head) {
        return json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"message": "Validation Failed", "errors": [{"resource": "PullRequest", "code": "custom", "message": format!("A pull request already exists for acme:{head}.")}], "status": "422"}),
        );
    }
    let branches = Branches { head: (head, head_sha.to_string()), base: (base, base_sha.to_string()) };
    let pr = PullRequest::opened(w.github.next_number(), title, text("body").unwrap_or_default(), branches, now);
    w.github.prs.push(pr.clone());
    drop(w);
    let mut resp =
        json(StatusCode::CREATED, shape::pull_request(u, &pr, &files(u, repo, &pr), commits(u, repo, &pr).len()));
    set_header(&mut resp, "location", format!("{}/pulls/{}", u.repo(), pr.number));
    resp
}

fn merge_pr(s: &Shared, req: &Req, repo: &Repository, n: u64) -> Response {
    let body = req.json().unwrap_or(Value::Null);
    let Some(pr) = s.world().github.pr(n).cloned() else { return not_found() };
    if !pr.open {
        return message(StatusCode::METHOD_NOT_ALLOWED, "Pull Request is not mergeable");
    }
    if body.get("sha").and_then(Value::as_str).is_some_and(|sha| sha != pr.head_sha) {
        return message(StatusCode::CONFLICT, "Head branch was modified. Review and try the merge again.");
    }
    // The base branch is protected: its required checks must have passed on the head.
    let running = Oid::from_str(&pr.head_sha)
        .ok()
        .and_then(|head| super::github_checks::ci_of(&s.clock, repo, head))
        .is_some_and(|ci| ci.completed.is_none());
    if running {
        return message(StatusCode::METHOD_NOT_ALLOWED, "Required status check \"rspec\" is in progress.");
    }
    let method = body.get("merge_method").and_then(Value::as_str).unwrap_or("merge");
    if !["merge", "squash", "rebase"].contains(&method) {
        return validation("merge_method", "invalid");
    }
    let now = s.clock.now();
    match merge(repo, &pr, method, body.get("commit_title").and_then(Value::as_str), now.timestamp()) {
        Ok(sha) => {
            let mut w = s.world();
            if let Some(p) = w.github.pr_mut(n) {
                p.open = false;
                p.merge_sha = Some(sha.to_string());
                p.merged_at = Some(now);
                p.closed_at = Some(now);
                p.updated_at = now;
            }
            json(
                StatusCode::OK,
                json!({"sha": sha.to_string(), "merged": true, "message": "Pull Request successfully merged"}),
            )
        }
        Err(Refusal::Conflict) => message(StatusCode::METHOD_NOT_ALLOWED, "Pull Request is not mergeable"),
        Err(Refusal::Git(e)) => message(StatusCode::INTERNAL_SERVER_ERROR, &format!("Server Error: {}", e.message())),
    }
}
