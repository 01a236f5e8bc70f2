//! The recovery writes against wiremock: each request's shape (checked against the official
//! schemas) and "sent once" when an answer is lost: the commit is read back by the sha it must
//! have, the branch by its name, the PR by its head, the merge by reading the PR.
use crate::api::fixtures::sha;
use crate::api::fixtures_github as g;
use crate::api::{serve, settings, Kit};
use bpdeploy::api::github::GitPersonStamp;
use bpdeploy::api::HttpSettings;
use bpdeploy::recovery::prediction::TreeChange;
use bpdeploy::recovery::push::{expected_sha, push, PushPlan};
use bpdeploy::recovery::report::OpenedPullRequest;
use bpdeploy::recovery::revert_create::merge_once;
use git2::{ObjectType, Oid};
use serde_json::{json, Value};
use std::time::Duration;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

const BRANCH: &str = "revert-4-dave-loyalty";
const REPO: &str = "/github/repos/acme/shop";

fn slow() -> HttpSettings {
    HttpSettings { timeout: Duration::from_millis(200), ..settings() }
}

fn plan() -> PushPlan {
    let blob = Oid::hash_object(ObjectType::Blob, b"class Order\nend\n").unwrap().to_string();
    PushPlan {
        branch: BRANCH.into(),
        base: "master".into(),
        tip: sha(10),
        tip_tree: sha(11),
        tree: sha(12),
        changes: vec![
            TreeChange {
                path: "app/models/order.rb".into(),
                mode: "100644".into(),
                sha: Some(blob),
                upload: Some(b"class Order\nend\n".to_vec()),
            },
            TreeChange { path: "app/models/old.rb".into(), mode: "100644".into(), sha: Some(sha(13)), upload: None },
            TreeChange { path: "app/services/points.rb".into(), mode: "100644".into(), sha: None, upload: None },
        ],
        message: "Revert \"Award points\"\n\nThis reverts commit abc.\n".into(),
        author: Some(GitPersonStamp {
            name: "Dee".into(),
            email: "dee@example.com".into(),
            date: "2025-02-03T12:00:00Z".into(),
        }),
        title: "Revert \"Award points\"".into(),
        body: "Reverts acme/shop#4".into(),
        reverted: 4,
        reverted_title: "Award points".into(),
        slack_thread: String::new(),
    }
}

/// The `commit` answer of `GET commits/{sha}` for a commit with this tree and parent.
fn commit(sha_: &str, tree: &str, parent: &str) -> Value {
    let mut c = g::commit(1);
    c["sha"] = json!(sha_);
    c["commit"]["tree"]["sha"] = json!(tree);
    c["parents"] = json!([{"sha": parent, "url": "https://api.github.com/p"}]);
    c
}

async fn mount(kit: &Kit, m: &str, p: &str, template: ResponseTemplate, times: u64) {
    Mock::given(method(m)).and(path(p)).respond_with(template).expect(times).named(p).mount(&kit.server).await;
}

fn bodies(requests: &[wiremock::Request], m: &str, p: &str) -> Vec<Value> {
    requests
        .iter()
        .filter(|r| r.method.as_str() == m && r.url.path() == p)
        .map(|r| serde_json::from_slice(&r.body).unwrap_or(Value::Null))
        .collect()
}

#[tokio::test]
async fn the_revert_goes_up_as_blobs_a_tree_on_the_tip_a_commit_and_a_branch_and_a_lost_commit_is_read_back() {
    let kit = Kit::with(slow()).await;
    let p = plan();
    let blob = p.changes[0].sha.clone().unwrap();
    let created = bpdeploy::api::github::NewGitCommit {
        message: p.message.clone(),
        tree: p.tree.clone(),
        parents: vec![p.tip.clone()],
        author: p.author.clone(),
        committer: p.author.clone(),
    };
    let expected = expected_sha(&created).unwrap();
    let git_ref = json!({"ref": format!("refs/heads/{BRANCH}"), "node_id": "REF_1", "url": "https://api.github.com/r",
        "object": {"type": "commit", "sha": expected, "url": "https://api.github.com/c"}});
    let ref_path = format!("{REPO}/git/ref/heads/{BRANCH}");
    mount(&kit, "GET", &ref_path, serve("GET", &ref_path, 404, g::error("Not Found")), 1).await;
    let blob_answer = json!({"url": "https://api.github.com/b", "sha": blob});
    mount(&kit, "POST", &format!("{REPO}/git/blobs"), serve("POST", &format!("{REPO}/git/blobs"), 201, blob_answer), 1)
        .await;
    let tree_answer = json!({"sha": p.tree, "url": "https://api.github.com/t", "tree": [], "truncated": false});
    mount(&kit, "POST", &format!("{REPO}/git/trees"), serve("POST", &format!("{REPO}/git/trees"), 201, tree_answer), 1)
        .await;
    // The commit is made but its answer never comes back in time.
    let late = ResponseTemplate::new(201).set_body_json(json!({"sha": expected})).set_delay(Duration::from_secs(2));
    mount(&kit, "POST", &format!("{REPO}/git/commits"), late, 1).await;
    let read_back = format!("{REPO}/commits/{expected}");
    mount(&kit, "GET", &read_back, serve("GET", &read_back, 200, commit(&expected, &p.tree, &p.tip)), 1).await;
    mount(&kit, "POST", &format!("{REPO}/git/refs"), serve("POST", &format!("{REPO}/git/refs"), 201, git_ref), 1).await;
    mount(&kit, "POST", &format!("{REPO}/pulls"), serve("POST", &format!("{REPO}/pulls"), 201, g::pull(9, true)), 1)
        .await;

    let opened = push(&kit.c.github, "acme", &p, |_| {}).await.unwrap();
    assert_eq!((opened.number, opened.head.as_str(), opened.reconciled), (9, expected.as_str(), false));
    let requests = kit.server.received_requests().await.unwrap();
    let blob_body = &bodies(&requests, "POST", &format!("{REPO}/git/blobs"))[0];
    assert_eq!(blob_body, &json!({"content": "Y2xhc3MgT3JkZXIKZW5kCg==", "encoding": "base64"}));
    let tree_body = &bodies(&requests, "POST", &format!("{REPO}/git/trees"))[0];
    assert_eq!(tree_body["base_tree"], p.tip_tree);
    assert_eq!(
        tree_body["tree"],
        json!([
            {"path": "app/models/order.rb", "mode": "100644", "type": "blob", "sha": blob},
            {"path": "app/models/old.rb", "mode": "100644", "type": "blob", "sha": sha(13)},
            {"path": "app/services/points.rb", "mode": "100644", "type": "blob", "sha": null},
        ]),
        "a blob GitHub has is named, not uploaded; a deletion is a null sha"
    );
    let commit_body = &bodies(&requests, "POST", &format!("{REPO}/git/commits"))[0];
    assert_eq!((commit_body["tree"].as_str(), commit_body["parents"].clone()), (Some(p.tree.as_str()), json!([p.tip])));
    assert_eq!(commit_body["author"]["date"], "2025-02-03T12:00:00Z");
    let ref_body = &bodies(&requests, "POST", &format!("{REPO}/git/refs"))[0];
    assert_eq!(ref_body, &json!({"ref": format!("refs/heads/{BRANCH}"), "sha": expected}));
    let pull_body = &bodies(&requests, "POST", &format!("{REPO}/pulls"))[0];
    assert_eq!((pull_body["head"].as_str(), pull_body["base"].as_str()), (Some(BRANCH), Some("master")));
    kit.assert_contract().await;
}

/// The revert branch exists on GitHub already, at `head`: the plan's tree on the plan's tip
/// (each read `times` times).
async fn existing_branch(kit: &Kit, p: &PushPlan, head: &str, times: u64) {
    let ref_path = format!("{REPO}/git/ref/heads/{BRANCH}");
    let git_ref = json!({"ref": format!("refs/heads/{BRANCH}"), "node_id": "REF_1", "url": "https://api.github.com/r",
        "object": {"type": "commit", "sha": head, "url": "https://api.github.com/c"}});
    mount(kit, "GET", &ref_path, serve("GET", &ref_path, 200, git_ref), times).await;
    let c = format!("{REPO}/commits/{head}");
    mount(kit, "GET", &c, serve("GET", &c, 200, commit(head, &p.tree, &p.tip)), times).await;
}

#[tokio::test]
async fn a_branch_left_by_an_earlier_run_is_adopted_and_its_pr_found_so_nothing_is_sent_again() {
    let kit = Kit::new().await;
    let p = plan();
    let head = sha(20);
    // Read twice: once per push below.
    existing_branch(&kit, &p, &head, 2).await;
    let open = branch_pull(9, "open", false);
    Mock::given(method("GET"))
        .and(path(format!("{REPO}/pulls")))
        .and(query_param("head", format!("acme:{BRANCH}")))
        .and(query_param("state", "all"))
        .respond_with(serve("GET", &format!("{REPO}/pulls"), 200, json!([open])))
        .expect(1)
        .mount(&kit.server)
        .await;
    for write in ["git/blobs", "git/trees", "git/commits", "git/refs", "pulls"] {
        let p = format!("{REPO}/{write}");
        mount(&kit, "POST", &p, ResponseTemplate::new(500), 0).await;
    }
    let opened = push(&kit.c.github, "acme", &p, |_| {}).await.unwrap();
    assert_eq!((opened.number, opened.head.as_str(), opened.reconciled), (9, head.as_str(), true));

    // The same branch holding something else is refused, not overwritten.
    let mut other = plan();
    other.tree = sha(99);
    let e = push(&kit.c.github, "acme", &other, |_| {}).await.unwrap_err();
    assert!(e.to_string().contains("already exists on GitHub with other changes"), "{e}");
}

/// A PR of the branch as GitHub lists it: open, or closed without being merged.
/// (`full`: as the answer to a create).
fn branch_pull(n: u64, state: &str, full: bool) -> Value {
    let mut pr = g::pull(n, full);
    pr["head"]["ref"] = json!(BRANCH);
    pr["state"] = json!(state);
    if state == "open" {
        (pr["closed_at"], pr["merged_at"], pr["merge_commit_sha"]) = (Value::Null, Value::Null, Value::Null);
    } else {
        pr["merged_at"] = Value::Null;
    }
    pr
}

/// Someone closed the revert PR of an earlier run without merging it: its branch is adopted,
/// but the closed PR is not (merging it would fail, and the hint would call it open); a new PR
/// is opened from the branch, once.
#[tokio::test]
async fn a_revert_pr_closed_by_hand_is_not_adopted_and_a_new_one_is_opened_from_its_branch() {
    let kit = Kit::new().await;
    let p = plan();
    let head = sha(20);
    existing_branch(&kit, &p, &head, 1).await;
    let pulls = format!("{REPO}/pulls");
    mount(&kit, "GET", &pulls, serve("GET", &pulls, 200, json!([branch_pull(9, "closed", false)])), 1).await;
    mount(&kit, "POST", &pulls, serve("POST", &pulls, 201, branch_pull(10, "open", true)), 1).await;
    let opened = push(&kit.c.github, "acme", &p, |_| {}).await.unwrap();
    assert_eq!((opened.number, opened.head.as_str()), (10, head.as_str()), "a new PR, from the adopted branch");
    let requests = kit.server.received_requests().await.unwrap();
    let pull_body = &bodies(&requests, "POST", &pulls)[0];
    assert_eq!((pull_body["head"].as_str(), pull_body["base"].as_str()), (Some(BRANCH), Some("master")));
    kit.assert_contract().await;
}

#[tokio::test]
async fn a_lost_pull_request_answer_is_found_by_its_head_and_a_lost_merge_by_reading_the_pr() {
    let kit = Kit::with(slow()).await;
    let mut p = plan();
    p.changes.truncate(0);
    let expected = sha(12);
    let ref_path = format!("{REPO}/git/ref/heads/{BRANCH}");
    // The branch does not exist at first; once created it points at the revert commit.
    Mock::given(method("GET"))
        .and(path(&ref_path))
        .respond_with(serve("GET", &ref_path, 404, g::error("Not Found")))
        .up_to_n_times(1)
        .mount(&kit.server)
        .await;
    let tree_answer = json!({"sha": p.tree, "url": "https://api.github.com/t", "tree": [], "truncated": false});
    mount(&kit, "POST", &format!("{REPO}/git/trees"), serve("POST", &format!("{REPO}/git/trees"), 201, tree_answer), 1)
        .await;
    let git_commit = json!({"sha": expected, "node_id": "C_1", "url": "https://api.github.com/c", "html_url": "https://github.com/c",
        "author": {"name": "Dee", "email": "dee@example.com", "date": "2025-02-03T12:00:00Z"},
        "committer": {"name": "Dee", "email": "dee@example.com", "date": "2025-02-03T12:00:00Z"},
        "message": "Revert", "tree": {"sha": p.tree, "url": "https://api.github.com/t"},
        "parents": [{"sha": p.tip, "url": "https://api.github.com/p", "html_url": "https://github.com/p"}],
        "verification": {"verified": false, "reason": "unsigned", "signature": null, "payload": null, "verified_at": null}});
    mount(
        &kit,
        "POST",
        &format!("{REPO}/git/commits"),
        serve("POST", &format!("{REPO}/git/commits"), 201, git_commit),
        1,
    )
    .await;
    let git_ref = json!({"ref": format!("refs/heads/{BRANCH}"), "node_id": "REF_1", "url": "https://api.github.com/r",
        "object": {"type": "commit", "sha": expected, "url": "https://api.github.com/c"}});
    mount(&kit, "POST", &format!("{REPO}/git/refs"), serve("POST", &format!("{REPO}/git/refs"), 201, git_ref), 1).await;
    let late = ResponseTemplate::new(201).set_body_json(g::pull(9, true)).set_delay(Duration::from_secs(2));
    mount(&kit, "POST", &format!("{REPO}/pulls"), late, 1).await;
    let open = branch_pull(9, "open", false);
    mount(&kit, "GET", &format!("{REPO}/pulls"), serve("GET", &format!("{REPO}/pulls"), 200, json!([open])), 1).await;
    let opened = push(&kit.c.github, "acme", &p, |_| {}).await.unwrap();
    assert_eq!(opened.number, 9, "found by its head, not opened twice");

    // The merge goes through but its answer is lost: the PR, read back, says it is merged.
    let merge_path = format!("{REPO}/pulls/9/merge");
    let late = ResponseTemplate::new(200).set_body_json(g::merge_result(9)).set_delay(Duration::from_secs(2));
    mount(&kit, "PUT", &merge_path, late, 1).await;
    let pr_path = format!("{REPO}/pulls/9");
    mount(&kit, "GET", &pr_path, serve("GET", &pr_path, 200, g::pull(9, true)), 1).await;
    let pr = OpenedPullRequest { merge_commit: None, ..opened };
    let merged = merge_once(&kit.c.github, &pr, "squash").await.unwrap();
    assert_eq!(merged, sha(9), "the merge commit GitHub reports");
    let requests = kit.server.received_requests().await.unwrap();
    let merge_body = &bodies(&requests, "PUT", &merge_path)[0];
    assert_eq!(
        merge_body,
        &json!({"merge_method": "squash", "sha": expected}),
        "merged only on the head the checks passed on"
    );
    kit.assert_contract().await;
}

#[tokio::test]
async fn a_release_s_config_vars_leave_the_comparison_as_keys_only() {
    let kit = Kit::new().await;
    for (release, vars) in [
        ("r1", json!({"A": "1", "SECRET": "old-s3cr3t", "GONE": "x"})),
        ("r2", json!({"A": "1", "SECRET": "new-s3cr3t"})),
    ] {
        let p = format!("/heroku/apps/my-app/releases/{release}/config-vars");
        mount(&kit, "GET", &p, serve("GET", &p, 200, vars), 1).await;
    }
    let then = kit.c.heroku.release_config_vars("my-app", "r1").await.unwrap();
    let now = kit.c.heroku.release_config_vars("my-app", "r2").await.unwrap();
    assert_eq!(then.changed_keys(&now), ["GONE", "SECRET"], "A is the same on both sides");
    assert!(!format!("{then:?}").contains("s3cr3t"), "Debug names keys only");
    kit.assert_contract().await;
}

#[test]
fn the_expected_sha_of_a_commit_is_the_one_git_writes() {
    let (_tmp, dir) = crate::support::scratch();
    let repo = git2::Repository::init(&dir).unwrap();
    let tree = repo.find_tree(repo.treebuilder(None).unwrap().write().unwrap()).unwrap();
    let when = chrono::DateTime::parse_from_rfc3339("2025-02-03T12:00:00Z").unwrap().timestamp();
    let sig = git2::Signature::new("Dee", "dee@example.com", &git2::Time::new(when, 0)).unwrap();
    let parent = repo.commit(None, &sig, &sig, "base", &tree, &[]).unwrap();
    let parent_commit = repo.find_commit(parent).unwrap();
    let message = "Revert \"Award points\"\n\nThis reverts commit abc.\n";
    let written = repo.commit(None, &sig, &sig, message, &tree, &[&parent_commit]).unwrap();
    let stamp =
        GitPersonStamp { name: "Dee".into(), email: "dee@example.com".into(), date: "2025-02-03T12:00:00Z".into() };
    let planned = bpdeploy::api::github::NewGitCommit {
        message: message.into(),
        tree: tree.id().to_string(),
        parents: vec![parent.to_string()],
        author: Some(stamp.clone()),
        committer: Some(stamp),
    };
    assert_eq!(expected_sha(&planned), Some(written.to_string()));
    assert_eq!(expected_sha(&bpdeploy::api::github::NewGitCommit { author: None, ..planned }), None);
}

#[tokio::test]
async fn waiting_for_checks_ends_on_the_first_failing_one_and_names_it() {
    let kit = Kit::new().await;
    let head = sha(30);
    let runs_path = format!("{REPO}/commits/{head}/check-runs");
    let mut running = g::check_run(1);
    running["status"] = json!("in_progress");
    running["conclusion"] = Value::Null;
    running["completed_at"] = Value::Null;
    let mut failed = g::check_run(1);
    failed["conclusion"] = json!("failure");
    let answer = |run: &Value| serve("GET", &runs_path, 200, json!({"total_count": 1, "check_runs": [run]}));
    Mock::given(method("GET"))
        .and(path(&runs_path))
        .respond_with(answer(&running))
        .up_to_n_times(2)
        .mount(&kit.server)
        .await;
    Mock::given(method("GET")).and(path(&runs_path)).respond_with(answer(&failed)).mount(&kit.server).await;
    let status_path = format!("{REPO}/commits/{head}/status");
    let mut status = g::combined_status(30);
    status["statuses"] = json!([]);
    Mock::given(method("GET"))
        .and(path(&status_path))
        .respond_with(serve("GET", &status_path, 200, status))
        .mount(&kit.server)
        .await;
    let mut said = Vec::new();
    let end = bpdeploy::recovery::checks::wait(&kit.c.github, &head, Duration::from_millis(5), Some(400), |s| {
        said.push(s.to_string())
    })
    .await
    .unwrap();
    let name = failed["name"].as_str().unwrap().to_string();
    assert_eq!(end, bpdeploy::recovery::checks::ChecksEnd::Failed(vec![name]));
    assert!(said.first().is_some_and(|s| s.starts_with("checks: 0/1 passed, about ")), "{said:?}");
    kit.assert_contract().await;
}

/// A commit with no check yet, `empty` polls long, then one passing check run.
async fn checks_start_after(kit: &Kit, head: &str, empty: u64) {
    let runs_path = format!("{REPO}/commits/{head}/check-runs");
    let none = serve("GET", &runs_path, 200, json!({"total_count": 0, "check_runs": []}));
    Mock::given(method("GET")).and(path(&runs_path)).respond_with(none).up_to_n_times(empty).mount(&kit.server).await;
    let passed = serve("GET", &runs_path, 200, json!({"total_count": 1, "check_runs": [g::check_run(1)]}));
    Mock::given(method("GET")).and(path(&runs_path)).respond_with(passed).mount(&kit.server).await;
    let status_path = format!("{REPO}/commits/{head}/status");
    let mut status = g::combined_status(30);
    (status["statuses"], status["state"], status["total_count"]) = (json!([]), json!("pending"), json!(0));
    Mock::given(method("GET"))
        .and(path(&status_path))
        .respond_with(serve("GET", &status_path, 200, status))
        .mount(&kit.server)
        .await;
}

/// A branch whose recent commits ran CI runs it on the revert too, however late it starts: the
/// wait goes on rather than merging without CI, and when no check ever comes within the time CI
/// usually takes, it stops (the PR stays open). Only a branch with no CI history merges without.
#[tokio::test]
async fn checks_that_start_late_are_waited_for_when_the_branch_runs_ci() {
    let kit = Kit::new().await;
    let poll = Duration::from_millis(2);
    let wait = |head: String, typical: Option<u64>| {
        let github = kit.c.github.clone();
        async move { bpdeploy::recovery::checks::wait(&github, &head, poll, typical, |_| {}).await.unwrap() }
    };
    use bpdeploy::recovery::checks::ChecksEnd;
    checks_start_after(&kit, &sha(31), 30).await;
    assert_eq!(wait(sha(31), Some(3600)).await, ChecksEnd::Passed, "CI came after 30 empty polls");
    checks_start_after(&kit, &sha(32), 1000).await;
    assert_eq!(wait(sha(32), Some(0)).await, ChecksEnd::NeverStarted, "no check in as long as CI takes");
    assert_eq!(wait(sha(32), None).await, ChecksEnd::NoChecks, "a branch with no CI history");
}
