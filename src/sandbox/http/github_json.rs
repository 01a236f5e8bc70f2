//! GitHub's REST shapes, with every field its schemas require (users, repositories, pull
//! requests, commits, diff entries, deployments).
use crate::sandbox::clock::stamp;
use crate::sandbox::scratch::history::PEOPLE;
use crate::sandbox::scratch::{NAME, OWNER};
use crate::sandbox::world::github::{Deployment, DeploymentStatus, PullRequest};
use chrono::{TimeZone, Utc};
use git2::{Commit, Repository};
use serde_json::{json, Map, Value};

pub struct Urls {
    /// `http://127.0.0.1:PORT/github` (the API root).
    pub api: String,
    pub html: String,
}

impl Urls {
    pub fn new(base: &str) -> Urls {
        Urls { api: format!("{base}/github"), html: format!("{base}/web") }
    }
    pub fn repo(&self) -> String {
        format!("{}/repos/{OWNER}/{NAME}", self.api)
    }
    pub fn html_repo(&self) -> String {
        format!("{}/{OWNER}/{NAME}", self.html)
    }
}

fn user_id(login: &str) -> u64 {
    PEOPLE.iter().position(|p| p.login == login).map(|i| 1001 + i as u64).unwrap_or(1000)
}

pub fn user(u: &Urls, login: &str) -> Value {
    let api = format!("{}/users/{login}", u.api);
    json!({
        "login": login, "id": user_id(login), "node_id": format!("U_sandbox{login}"),
        "avatar_url": format!("{}/avatars/{login}", u.html), "gravatar_id": "", "url": api,
        "html_url": format!("{}/{login}", u.html), "followers_url": format!("{api}/followers"),
        "following_url": format!("{api}/following{{/other_user}}"), "gists_url": format!("{api}/gists{{/gist_id}}"),
        "starred_url": format!("{api}/starred{{/owner}}{{/repo}}"), "subscriptions_url": format!("{api}/subscriptions"),
        "organizations_url": format!("{api}/orgs"), "repos_url": format!("{api}/repos"),
        "events_url": format!("{api}/events{{/privacy}}"), "received_events_url": format!("{api}/received_events"),
        "type": if login == OWNER { "Organization" } else { "User" }, "site_admin": false,
    })
}

/// The login of a commit signature's email, as GitHub links commits to accounts.
pub fn login_for(email: &str) -> Option<&'static str> {
    if email == "noreply@github.com" {
        return Some("web-flow");
    }
    PEOPLE.iter().find(|p| p.email == email).map(|p| p.login)
}

pub fn repository(u: &Urls) -> Value {
    let api = u.repo();
    let mut repo = Map::new();
    for (key, suffix) in [
        ("archive_url", "/{archive_format}{/ref}"),
        ("assignees_url", "/assignees{/user}"),
        ("blobs_url", "/git/blobs{/sha}"),
        ("branches_url", "/branches{/branch}"),
        ("collaborators_url", "/collaborators{/collaborator}"),
        ("comments_url", "/comments{/number}"),
        ("commits_url", "/commits{/sha}"),
        ("compare_url", "/compare/{base}...{head}"),
        ("contents_url", "/contents/{+path}"),
        ("contributors_url", "/contributors"),
        ("deployments_url", "/deployments"),
        ("downloads_url", "/downloads"),
        ("events_url", "/events"),
        ("forks_url", "/forks"),
        ("git_commits_url", "/git/commits{/sha}"),
        ("git_refs_url", "/git/refs{/sha}"),
        ("git_tags_url", "/git/tags{/sha}"),
        ("hooks_url", "/hooks"),
        ("issue_comment_url", "/issues/comments{/number}"),
        ("issue_events_url", "/issues/events{/number}"),
        ("issues_url", "/issues{/number}"),
        ("keys_url", "/keys{/key_id}"),
        ("labels_url", "/labels{/name}"),
        ("languages_url", "/languages"),
        ("merges_url", "/merges"),
        ("milestones_url", "/milestones{/number}"),
        ("notifications_url", "/notifications{?since,all,participating}"),
        ("pulls_url", "/pulls{/number}"),
        ("releases_url", "/releases{/id}"),
        ("stargazers_url", "/stargazers"),
        ("statuses_url", "/statuses/{sha}"),
        ("subscribers_url", "/subscribers"),
        ("subscription_url", "/subscription"),
        ("tags_url", "/tags"),
        ("teams_url", "/teams"),
        ("trees_url", "/git/trees{/sha}"),
    ] {
        repo.insert(key.into(), Value::String(format!("{api}{suffix}")));
    }
    let more = json!({
        "url": api, "html_url": u.html_repo(), "id": 700_100_001u64, "node_id": "R_kgDOSandbox", "name": NAME,
        "full_name": format!("{OWNER}/{NAME}"), "owner": user(u, OWNER), "private": true, "description": "The shop",
        "fork": false, "clone_url": format!("{}.git", u.html_repo()), "git_url": format!("git://sandbox/{OWNER}/{NAME}.git"),
        "ssh_url": format!("git@sandbox:{OWNER}/{NAME}.git"), "svn_url": u.html_repo(), "mirror_url": null,
        "homepage": null, "language": "Ruby", "forks": 0, "forks_count": 0, "stargazers_count": 3, "watchers": 3,
        "watchers_count": 3, "size": 2048, "default_branch": "master", "open_issues": 0, "open_issues_count": 0,
        "has_issues": true, "has_projects": false, "has_wiki": false, "has_pages": false, "has_downloads": true,
        "archived": false, "disabled": false, "license": null, "pushed_at": "2025-01-14T12:00:00Z",
        "created_at": "2024-01-01T09:00:00Z", "updated_at": "2025-01-14T12:00:00Z", "visibility": "private",
    });
    if let Value::Object(m) = more {
        repo.extend(m);
    }
    Value::Object(repo)
}

fn label(u: &Urls, name: &str) -> Value {
    let id = name.bytes().fold(5_000_000u64, |h, b| h * 31 % 1_000_000_007 + b as u64);
    json!({"id": id, "node_id": format!("LA_sandbox{id}"), "url": format!("{}/labels/{name}", u.repo()), "name": name,
        "description": format!("Pull requests about {name}"), "color": "0e8a16", "default": false})
}

pub fn pull_request_simple(u: &Urls, p: &PullRequest) -> Value {
    let api = format!("{}/pulls/{}", u.repo(), p.number);
    let html = format!("{}/pull/{}", u.html_repo(), p.number);
    let issue = format!("{}/issues/{}", u.repo(), p.number);
    let side = |r: &str, sha: &str| json!({"label": format!("{OWNER}:{r}"), "ref": r, "sha": sha, "user": user(u, OWNER), "repo": repository(u)});
    let link = |href: String| json!({"href": href});
    let links = json!({
        "self": link(api.clone()), "html": link(html.clone()), "issue": link(issue.clone()),
        "comments": link(format!("{issue}/comments")), "review_comments": link(format!("{api}/comments")),
        "review_comment": link(format!("{}/pulls/comments{{/number}}", u.repo())), "commits": link(format!("{api}/commits")),
        "statuses": link(format!("{}/statuses/{}", u.repo(), p.head_sha)),
    });
    let urls = json!({
        "url": api, "html_url": html, "diff_url": format!("{html}.diff"), "patch_url": format!("{html}.patch"),
        "issue_url": issue, "commits_url": format!("{api}/commits"), "review_comments_url": format!("{api}/comments"),
        "review_comment_url": format!("{}/pulls/comments{{/number}}", u.repo()), "comments_url": format!("{issue}/comments"),
        "statuses_url": format!("{}/statuses/{}", u.repo(), p.head_sha),
    });
    let facts = json!({
        "id": 1_800_000_000u64 + p.number, "node_id": p.node_id(), "number": p.number, "state": p.state(),
        "locked": false, "title": p.title, "user": user(u, &p.author), "body": p.body,
        "labels": p.labels.iter().map(|l| label(u, l)).collect::<Vec<_>>(), "milestone": null, "active_lock_reason": null,
        "created_at": stamp(p.created_at), "updated_at": stamp(p.updated_at), "closed_at": p.closed_at.map(stamp),
        "merged_at": p.merged_at.map(stamp), "merge_commit_sha": p.merge_sha, "assignee": null, "assignees": [],
        "requested_reviewers": [], "requested_teams": [], "head": side(&p.head_ref, &p.head_sha), "base": side(&p.base_ref, &p.base_sha),
        "_links": links, "author_association": "MEMBER", "auto_merge": null, "draft": false,
    });
    merged(urls, facts)
}

/// One object with the fields of both (big literals exceed `json!`'s recursion budget).
pub fn merged(mut a: Value, b: Value) -> Value {
    if let (Some(obj), Value::Object(more)) = (a.as_object_mut(), b) {
        obj.extend(more);
    }
    a
}

/// The full pull request: the simple fields plus merge state and size.
pub fn pull_request(u: &Urls, p: &PullRequest, files: &[Value], commits: usize) -> Value {
    let mut v = pull_request_simple(u, p);
    let sum = |k: &str| files.iter().map(|f| f[k].as_u64().unwrap_or(0)).sum::<u64>();
    let merged = p.merged_at.is_some();
    let extra = json!({
        "merged": merged, "mergeable": if p.open { json!(true) } else { Value::Null }, "rebaseable": p.open,
        "mergeable_state": if p.open { "clean" } else { "unknown" },
        "merged_by": if merged { user(u, &p.author) } else { Value::Null }, "comments": 0, "review_comments": 0,
        "maintainer_can_modify": false, "commits": commits, "additions": sum("additions"), "deletions": sum("deletions"),
        "changed_files": files.len(),
    });
    if let (Some(obj), Value::Object(more)) = (v.as_object_mut(), extra) {
        obj.extend(more);
    }
    v
}

pub fn commit(u: &Urls, c: &Commit) -> Value {
    let sha = c.id().to_string();
    let api = format!("{}/commits/{sha}", u.repo());
    let person = |s: git2::Signature| {
        let date = Utc.timestamp_opt(s.when().seconds(), 0).single().map(stamp);
        json!({"name": s.name().unwrap_or_default(), "email": s.email().unwrap_or_default(), "date": date})
    };
    let account =
        |s: git2::Signature| login_for(s.email().unwrap_or_default()).map(|l| user(u, l)).unwrap_or(Value::Null);
    json!({
        "url": api, "sha": sha, "node_id": format!("C_sandbox{}", &sha[..12]), "html_url": format!("{}/commit/{sha}", u.html_repo()),
        "comments_url": format!("{api}/comments"),
        "commit": {
            "url": format!("{}/git/commits/{sha}", u.repo()), "author": person(c.author()), "committer": person(c.committer()),
            "message": c.message().unwrap_or_default().trim_end(), "comment_count": 0,
            "tree": {"sha": c.tree_id().to_string(), "url": format!("{}/git/trees/{}", u.repo(), c.tree_id())},
            "verification": {"verified": false, "reason": "unsigned", "signature": null, "payload": null, "verified_at": null},
        },
        "author": account(c.author()), "committer": account(c.committer()),
        "parents": c.parent_ids().map(|p| json!({"sha": p.to_string(), "url": format!("{}/commits/{p}", u.repo()), "html_url": format!("{}/commit/{p}", u.html_repo())})).collect::<Vec<_>>(),
    })
}

/// Diff entries between two trees, with counts and the patch, as compare and PR files give them.
pub fn diff_entries(u: &Urls, repo: &Repository, from: &Commit, to: &Commit) -> Result<Vec<Value>, git2::Error> {
    let mut opts = git2::DiffOptions::new();
    let mut diff = repo.diff_tree_to_tree(Some(&from.tree()?), Some(&to.tree()?), Some(&mut opts))?;
    diff.find_similar(None)?;
    let mut out = Vec::new();
    for i in 0..diff.deltas().len() {
        let Some(delta) = diff.get_delta(i) else { continue };
        let path = delta
            .new_file()
            .path()
            .or(delta.old_file().path())
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let status = match delta.status() {
            git2::Delta::Added => "added",
            git2::Delta::Deleted => "removed",
            git2::Delta::Renamed => "renamed",
            git2::Delta::Copied => "copied",
            _ => "modified",
        };
        let patch = git2::Patch::from_diff(&diff, i)?;
        let (additions, deletions, text) = match patch {
            Some(mut p) => {
                let (_, a, d) = p.line_stats()?;
                let buf = p.to_buf()?;
                let text = String::from_utf8_lossy(&buf).into_owned();
                let hunks = text.find("\n@@").map(|at| text[at + 1..].to_string()).unwrap_or_default();
                (a, d, hunks)
            }
            None => (0, 0, String::new()),
        };
        let blob = if status == "removed" { delta.old_file().id() } else { delta.new_file().id() };
        let mut entry = json!({
            "sha": blob.to_string(), "filename": path, "status": status, "additions": additions, "deletions": deletions,
            "changes": additions + deletions, "blob_url": format!("{}/blob/{}/{path}", u.html_repo(), to.id()),
            "raw_url": format!("{}/raw/{}/{path}", u.html_repo(), to.id()),
            "contents_url": format!("{}/contents/{path}?ref={}", u.repo(), to.id()), "patch": text,
        });
        if status == "renamed" {
            entry["previous_filename"] = json!(delta.old_file().path().map(|p| p.to_string_lossy().into_owned()));
        }
        out.push(entry);
    }
    Ok(out)
}

pub fn deployment(u: &Urls, d: &Deployment) -> Value {
    let api = format!("{}/deployments/{}", u.repo(), d.id);
    json!({
        "url": api, "id": d.id, "node_id": format!("DE_sandbox{}", d.id), "sha": d.sha, "ref": d.reference, "task": d.task,
        "payload": d.payload, "original_environment": d.environment, "environment": d.environment, "description": d.description,
        "creator": user(u, &d.creator), "created_at": stamp(d.created_at),
        "updated_at": stamp(d.statuses.last().map(|s| s.created_at).unwrap_or(d.created_at)),
        "statuses_url": format!("{api}/statuses"), "repository_url": u.repo(), "transient_environment": false,
        "production_environment": d.environment == "production" || d.environment == "storefront",
    })
}

pub fn deployment_status(u: &Urls, d: &Deployment, s: &DeploymentStatus) -> Value {
    let api = format!("{}/deployments/{}", u.repo(), d.id);
    json!({
        "url": format!("{api}/statuses/{}", s.id), "id": s.id, "node_id": format!("DES_sandbox{}", s.id), "state": s.state,
        "creator": user(u, &d.creator), "description": s.description, "environment": d.environment,
        "target_url": s.log_url, "log_url": s.log_url, "environment_url": s.environment_url,
        "created_at": stamp(s.created_at), "updated_at": stamp(s.created_at), "deployment_url": api, "repository_url": u.repo(),
    })
}
