//! GitHub: compare, PRs of commits, statuses, GraphQL lookups and reverts, merge, deployments.
use super::start;
use bpdeploy::cli::Scenario;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_pages_commits_oldest_first_with_files_on_the_first_page() {
    let fx = start(Scenario::ErrorSpike).await;
    let (from, to) = (fx.sb.scratch().released.to_string(), fx.sb.scratch().head.to_string());
    let all = fx.github_json(&format!("repos/acme/storefront/compare/{from}...{to}")).await;
    assert_eq!(all["status"], "ahead");
    let total = all["total_commits"].as_u64().unwrap();
    assert_eq!(total, 9, "3 merges and their 3 branch commits, 2 squashes, 1 direct push");
    assert_eq!(all["commits"].as_array().unwrap().last().unwrap()["sha"], to);
    let files: Vec<&str> = all["files"].as_array().unwrap().iter().map(|f| f["filename"].as_str().unwrap()).collect();
    assert!(files.contains(&"db/migrate/20250101000002_add_index_to_orders_on_email.rb"));
    assert!(files.contains(&"db/migrate/20240101000002_create_orders.rb"), "the edited old migration shows up");

    let resp = fx
        .github(Method::GET, &format!("repos/acme/storefront/compare/{from}...{to}?per_page=4"))
        .send()
        .await
        .unwrap();
    assert!(resp.headers().contains_key("x-github-request-id"));
    assert_eq!(resp.headers()["x-ratelimit-resource"], "core");
    let link = resp.headers()["link"].to_str().unwrap().to_string();
    assert!(link.contains("rel=\"next\"") && link.contains("page=2"), "{link}");
    let page1: Value = resp.json().await.unwrap();
    assert_eq!(page1["commits"].as_array().unwrap().len(), 4);
    let page3 = fx.github_json(&format!("repos/acme/storefront/compare/{from}...{to}?per_page=4&page=3")).await;
    assert_eq!(page3["commits"].as_array().unwrap().len(), 1);
    assert!(page3["files"].as_array().unwrap().is_empty(), "files only on page 1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merge_and_squash_commits_map_to_their_pull_requests() {
    let fx = start(Scenario::ErrorSpike).await;
    let prs = &fx.sb.scratch().prs;
    for pr in prs {
        let sha = pr.merge_sha.unwrap().to_string();
        let found = fx.github_json(&format!("repos/acme/storefront/commits/{sha}/pulls")).await;
        assert_eq!(found[0]["number"], pr.number, "{sha}");
        assert_eq!(found[0]["merge_commit_sha"], sha);
        assert_eq!(found[0]["user"]["login"], pr.author.login);
    }
    let loyalty = fx.github_json("repos/acme/storefront/pulls/4").await;
    assert_eq!((loyalty["merged"].as_bool(), loyalty["state"].as_str()), (Some(true), Some("closed")));
    assert_eq!(loyalty["labels"][0]["name"], "feature");
    let files = fx.github_json("repos/acme/storefront/pulls/4/files").await;
    let names: Vec<&str> = files.as_array().unwrap().iter().map(|f| f["filename"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "app/models/order.rb",
            "app/services/loyalty/points_calculator.rb",
            "db/migrate/20250101000001_add_loyalty_points_to_orders.rb"
        ]
    );
    let direct = fx.github_json(&format!("repos/acme/storefront/commits/{}/pulls", fx.sb.scratch().head)).await;
    assert_eq!(direct[0]["number"], 8);

    let status = fx.github_json("repos/acme/storefront/commits/master/status").await;
    assert_eq!(status["sha"], fx.sb.scratch().head.to_string(), "a branch name resolves to its tip");
    assert_eq!(status["state"], "success");
    let checks = fx.github_json("repos/acme/storefront/commits/master/check-runs").await;
    assert_eq!(checks["total_count"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_bad_credentials_and_requests_without_a_user_agent() {
    let fx = start(Scenario::Happy).await;
    let url = format!("{}repos/acme/storefront/pulls", fx.env("BPDEPLOY_GITHUB_URL"));
    let wrong = fx.http.get(&url).header("user-agent", "t").bearer_auth("ghp_nope").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(wrong.json::<Value>().await.unwrap()["message"], "Bad credentials");
    let no_agent = fx.http.get(&url).bearer_auth(fx.env("GITHUB_TOKEN")).send().await.unwrap();
    assert_eq!(no_agent.status(), 403);
}

async fn graphql(fx: &super::Fx, query: &str, variables: Value) -> Value {
    let resp =
        fx.github(Method::POST, "graphql").json(&json!({"query": query, "variables": variables})).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-ratelimit-resource"], "graphql");
    resp.json().await.unwrap()
}

const LOOKUP: &str = "query PullRequests($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { pr4: pullRequest(number: 4) { ...Pr } pr99: pullRequest(number: 99) { ...Pr } } } fragment Pr on PullRequest { id number title url state mergedAt mergeCommit { oid } author { login } labels(first: 20) { nodes { name } } }";
const REVERT: &str = "mutation RevertPullRequest($input: RevertPullRequestInput!) { revertPullRequest(input: $input) { pullRequest { id number } revertPullRequest { id number url headRefName } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_batch_keeps_partial_data_and_revert_then_merge_moves_master() {
    let fx = start(Scenario::ErrorSpike).await;
    let answer = graphql(&fx, LOOKUP, json!({"owner": "acme", "name": "storefront"})).await;
    let pr4 = &answer["data"]["repository"]["pr4"];
    assert_eq!((pr4["number"].as_u64(), pr4["state"].as_str()), (Some(4), Some("MERGED")));
    assert_eq!(pr4["author"]["login"], "dave");
    assert_eq!(pr4["labels"]["nodes"][0]["name"], "feature");
    assert!(answer["data"]["repository"]["pr99"].is_null());
    assert_eq!(answer["errors"][0]["type"], "NOT_FOUND");
    assert_eq!(answer["errors"][0]["path"], json!(["repository", "pr99"]));

    let input = json!({"input": {"pullRequestId": pr4["id"], "title": "Revert loyalty points", "body": "Sentry STOREFRONT-4F", "draft": false}});
    let reverted = graphql(&fx, REVERT, input).await;
    let new_pr = &reverted["data"]["revertPullRequest"]["revertPullRequest"];
    assert_eq!(new_pr["number"], 9);
    assert_eq!(new_pr["headRefName"], "revert-4-dave-loyalty-points");

    let before = fx.github_json("repos/acme/storefront/commits/master").await["sha"].clone();
    let merge =
        || fx.github(Method::PUT, "repos/acme/storefront/pulls/9/merge").json(&json!({"merge_method": "merge"}));
    // master is protected: the revert commit is new, so its checks run first and block the merge.
    let head = "repos/acme/storefront/commits/revert-4-dave-loyalty-points/check-runs";
    assert_eq!(fx.github_json(head).await["check_runs"][0]["status"], "in_progress");
    assert_eq!(merge().send().await.unwrap().status(), 405, "not mergeable while checks run");
    super::until(|| async { fx.github_json(head).await["check_runs"][0]["status"] == "completed" }).await;
    let merged = merge().send().await.unwrap();
    assert_eq!(merged.status(), 200);
    let merged: Value = merged.json().await.unwrap();
    let after = fx.github_json("repos/acme/storefront/commits/master").await;
    assert_eq!(after["sha"], merged["sha"]);
    assert_eq!(after["parents"][0]["sha"], before);
    let tree = fx.github_json(&format!("repos/acme/storefront/compare/{}...master", before.as_str().unwrap())).await;
    let removed: Vec<&Value> = tree["files"].as_array().unwrap().iter().filter(|f| f["status"] == "removed").collect();
    assert!(removed.iter().any(|f| f["filename"] == "app/services/loyalty/points_calculator.rb"));
    // `git fetch origin master` in the scratch repository sees GitHub's new commit.
    let fetched = std::process::Command::new("git")
        .args(["fetch", "-q", "origin", "master"])
        .current_dir(fx.sb.repo_dir())
        .status();
    if let Ok(status) = fetched {
        assert!(status.success());
        let repo = git2::Repository::open(fx.sb.repo_dir()).unwrap();
        let tip = repo.revparse_single("origin/master").unwrap().id().to_string();
        assert_eq!(tip, merged["sha"].as_str().unwrap());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revert_conflict_refuses_the_revert_with_a_graphql_error() {
    let fx = start(Scenario::RevertConflict).await;
    let answer = graphql(&fx, LOOKUP, json!({"owner": "acme", "name": "storefront"})).await;
    let id = answer["data"]["repository"]["pr4"]["id"].clone();
    let reverted = graphql(&fx, REVERT, json!({"input": {"pullRequestId": id}})).await;
    assert!(reverted["data"]["revertPullRequest"].is_null());
    assert_eq!(reverted["errors"][0]["type"], "UNPROCESSABLE");
    assert!(reverted["errors"][0]["message"].as_str().unwrap().contains("conflict"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deployments_record_their_statuses() {
    let fx = start(Scenario::Happy).await;
    let sha = fx.sb.scratch().head.to_string();
    let body = json!({"ref": sha, "environment": "storefront", "auto_merge": false, "required_contexts": [], "task": "deploy"});
    let created = fx.github(Method::POST, "repos/acme/storefront/deployments").json(&body).send().await.unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let id = created["id"].as_u64().unwrap();
    for state in ["in_progress", "success"] {
        let resp = fx
            .github(Method::POST, &format!("repos/acme/storefront/deployments/{id}/statuses"))
            .json(&json!({"state": state, "description": "bpdeploy"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
    }
    let statuses = fx.github_json(&format!("repos/acme/storefront/deployments/{id}/statuses")).await;
    assert_eq!(statuses[0]["state"], "success", "newest first");
    let list = fx.github_json("repos/acme/storefront/deployments?environment=storefront").await;
    assert_eq!(list[0]["sha"], sha);
}
