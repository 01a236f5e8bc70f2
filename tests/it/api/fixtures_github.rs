//! GitHub canned answers. The schemas require dozens of URL fields per object; they are filled
//! from lists so that each builder stays one screen long.
#![allow(dead_code)]
use super::fixtures::{sha, T0};
use serde_json::{json, Map, Value};

const API: &str = "https://api.github.com";

fn urls(base: &str, keys: &[&str]) -> Map<String, Value> {
    keys.iter().map(|k| (k.to_string(), Value::String(format!("{base}/{}", k.trim_end_matches("_url"))))).collect()
}

fn merge(mut a: Map<String, Value>, b: Value) -> Value {
    if let Value::Object(b) = b {
        a.extend(b);
    }
    Value::Object(a)
}

pub fn user(login: &str) -> Value {
    let base = format!("{API}/users/{login}");
    let keys = [
        "avatar_url",
        "events_url",
        "followers_url",
        "following_url",
        "gists_url",
        "html_url",
        "organizations_url",
        "received_events_url",
        "repos_url",
        "starred_url",
        "subscriptions_url",
        "url",
    ];
    merge(
        urls(&base, &keys),
        json!({"login": login, "id": 1, "node_id": "U_1", "gravatar_id": null, "site_admin": false, "type": "User"}),
    )
}

pub fn repo() -> Value {
    let base = format!("{API}/repos/acme/shop");
    let keys = [
        "archive_url",
        "assignees_url",
        "blobs_url",
        "branches_url",
        "collaborators_url",
        "comments_url",
        "commits_url",
        "compare_url",
        "contents_url",
        "contributors_url",
        "deployments_url",
        "downloads_url",
        "events_url",
        "forks_url",
        "git_commits_url",
        "git_refs_url",
        "git_tags_url",
        "hooks_url",
        "html_url",
        "issue_comment_url",
        "issue_events_url",
        "issues_url",
        "keys_url",
        "labels_url",
        "languages_url",
        "merges_url",
        "milestones_url",
        "notifications_url",
        "pulls_url",
        "releases_url",
        "stargazers_url",
        "statuses_url",
        "subscribers_url",
        "subscription_url",
        "tags_url",
        "teams_url",
        "trees_url",
        "url",
        "clone_url",
        "git_url",
        "ssh_url",
        "svn_url",
    ];
    merge(
        urls(&base, &keys),
        json!({
            "id": 42, "node_id": "R_42", "name": "shop", "full_name": "acme/shop", "owner": user("acme"), "private": true,
            "description": null, "fork": false, "default_branch": "master", "forks": 0, "forks_count": 0,
            "has_downloads": true, "has_issues": true, "has_projects": false, "has_wiki": false, "has_pages": false,
            "homepage": null, "language": "Ruby", "archived": false, "disabled": false, "mirror_url": null,
            "open_issues": 0, "open_issues_count": 0, "license": null, "pushed_at": T0, "size": 1, "stargazers_count": 0,
            "watchers": 0, "watchers_count": 0, "created_at": T0, "updated_at": T0
        }),
    )
}

/// A merged PR (`full` adds the fields of `GET pulls/{n}`).
pub fn pull(n: u64, full: bool) -> Value {
    let base = format!("{API}/repos/acme/shop/pulls/{n}");
    let link = |h: &str| json!({"href": format!("{base}/{h}")});
    let branch = |r: &str, s: String| json!({"label": format!("acme:{r}"), "ref": r, "sha": s, "repo": repo(), "user": user("acme")});
    let keys = [
        "comments_url",
        "commits_url",
        "diff_url",
        "html_url",
        "issue_url",
        "patch_url",
        "review_comment_url",
        "review_comments_url",
        "statuses_url",
        "url",
    ];
    let simple = merge(
        urls(&base, &keys),
        json!({
            "id": 1000 + n, "node_id": format!("PR_{n}"), "number": n, "title": format!("Change {n}"), "body": "Why",
            "state": "closed", "locked": false, "draft": false, "user": user("dev"), "assignee": null, "milestone": null,
            "labels": [{"id": 1, "node_id": "L_1", "url": format!("{API}/labels/1"), "name": "deploy", "description": "", "color": "fff", "default": false}],
            "created_at": T0, "updated_at": T0, "closed_at": T0, "merged_at": T0, "merge_commit_sha": sha(n),
            "head": branch("feature", sha(n + 1)), "base": branch("master", sha(n + 2)),
            "author_association": "MEMBER", "auto_merge": null,
            "_links": {"comments": link("comments"), "commits": link("commits"), "statuses": link("statuses"), "html": link("html"),
                       "issue": link("issue"), "review_comments": link("review_comments"), "review_comment": link("review_comment"), "self": link("self")}
        }),
    );
    if !full {
        return simple;
    }
    let Value::Object(map) = simple else { unreachable!() };
    merge(
        map,
        json!({
            "merged": true, "mergeable": null, "mergeable_state": "unknown", "merged_by": user("lead"), "comments": 0,
            "review_comments": 0, "commits": 1, "additions": 3, "deletions": 1, "changed_files": 1, "maintainer_can_modify": false
        }),
    )
}

pub fn commit(n: u64) -> Value {
    let s = sha(n);
    let person = json!({"name": "Dev", "email": "dev@example.com", "date": T0});
    json!({
        "url": format!("{API}/repos/acme/shop/commits/{s}"), "sha": s, "node_id": format!("C_{n}"),
        "html_url": format!("https://github.com/acme/shop/commit/{s}"), "comments_url": format!("{API}/c/{n}"),
        "commit": {"url": format!("{API}/git/{s}"), "author": person, "committer": person, "message": format!("Merge pull request #{n}"),
                   "comment_count": 0, "tree": {"sha": s, "url": format!("{API}/tree/{s}")}},
        "author": user("dev"), "committer": user("dev"), "parents": [{"sha": sha(n - 1), "url": format!("{API}/p")}]
    })
}

pub fn diff_entry(name: &str) -> Value {
    json!({"sha": sha(1), "filename": name, "status": "modified", "additions": 3, "deletions": 1, "changes": 4,
           "blob_url": format!("{API}/b/{name}"), "raw_url": format!("{API}/r/{name}"), "contents_url": format!("{API}/c/{name}"), "patch": "@@ -1 +1 @@"})
}

/// Commits `first..first+count` of a comparison of `total` commits.
pub fn comparison(total: u64, first: u64, count: u64) -> Value {
    json!({
        "url": format!("{API}/compare"), "html_url": "https://github.com/acme/shop/compare", "permalink_url": "https://github.com/p",
        "diff_url": "https://github.com/d", "patch_url": "https://github.com/p", "base_commit": commit(1), "merge_base_commit": commit(1),
        "status": "ahead", "ahead_by": total, "behind_by": 0, "total_commits": total,
        "commits": (first..first + count).map(commit).collect::<Vec<_>>(),
        "files": if first == 2 { vec![diff_entry("db/migrate/1_add.rb")] } else { vec![] }
    })
}

pub fn combined_status(n: u64) -> Value {
    let mut minimal = repo();
    minimal.as_object_mut().unwrap().retain(|k, _| !k.ends_with("_count") || k == "forks_count");
    json!({
        "state": "success", "sha": sha(n), "total_count": 1, "repository": minimal,
        "commit_url": format!("{API}/c/{n}"), "url": format!("{API}/s/{n}"),
        "statuses": [{"id": 1, "node_id": "S_1", "state": "success", "context": "ci/circleci", "description": null,
                      "target_url": null, "avatar_url": null, "url": format!("{API}/st/1"), "created_at": T0, "updated_at": T0}]
    })
}

pub fn check_run(id: u64) -> Value {
    json!({
        "id": id, "node_id": format!("CR_{id}"), "head_sha": sha(7), "name": format!("test-{id}"), "external_id": null,
        "url": format!("{API}/runs/{id}"), "html_url": null, "details_url": null, "status": "completed",
        "conclusion": "success", "started_at": T0, "completed_at": T0, "check_suite": {"id": 1}, "app": null,
        "output": {"title": null, "summary": null, "text": null, "annotations_count": 0, "annotations_url": format!("{API}/a/{id}")},
        "pull_requests": []
    })
}

pub fn check_runs(total: u64, ids: std::ops::Range<u64>) -> Value {
    json!({"total_count": total, "check_runs": ids.map(check_run).collect::<Vec<_>>()})
}

pub fn deployment(id: u64) -> Value {
    json!({
        "id": id, "node_id": format!("D_{id}"), "sha": sha(7), "ref": sha(7), "task": "deploy", "environment": "production",
        "creator": user("dev"), "payload": {}, "description": "bpdeploy v100", "statuses_url": format!("{API}/d/{id}/statuses"),
        "repository_url": format!("{API}/repos/acme/shop"), "url": format!("{API}/d/{id}"), "created_at": T0, "updated_at": T0
    })
}

pub fn deployment_status(id: u64, state: &str) -> Value {
    json!({
        "id": id, "node_id": format!("DS_{id}"), "state": state, "creator": user("dev"), "description": "released",
        "deployment_url": format!("{API}/d/1"), "target_url": "", "repository_url": format!("{API}/repos/acme/shop"),
        "url": format!("{API}/ds/{id}"), "created_at": T0, "updated_at": T0
    })
}

pub fn merge_result(n: u64) -> Value {
    json!({"sha": sha(n), "merged": true, "message": "Pull Request successfully merged"})
}

pub fn error(message: &str) -> Value {
    json!({"message": message, "documentation_url": "https://docs.github.com/rest"})
}
