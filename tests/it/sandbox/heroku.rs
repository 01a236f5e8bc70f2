//! Heroku: headers, paging, auth, builds with their streams, release phases, rollback.
use super::{start, Fx};
use bpdeploy::cli::Scenario;
use futures_util::StreamExt;
use reqwest::Method;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn releases_page_newest_first_with_next_range_and_slugs_name_real_commits() {
    let fx = start(Scenario::Happy).await;
    let first = fx
        .heroku(Method::GET, "apps/storefront/releases")
        .header("range", "version ..; max=4, order=desc")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 206);
    assert!(first.headers().contains_key("request-id"));
    assert!(first.headers().contains_key("ratelimit-remaining"));
    let next = first.headers()["next-range"].to_str().unwrap().to_string();
    let page: Vec<Value> = first.json().await.unwrap();
    let versions: Vec<u64> = page.iter().map(|r| r["version"].as_u64().unwrap()).collect();
    assert_eq!(versions, [6, 5, 4, 3]);
    assert_eq!(page[0]["current"], true);
    assert_eq!(page[1]["eligible_for_rollback"], true);
    let rest = fx.heroku(Method::GET, "apps/storefront/releases").header("range", &next).send().await.unwrap();
    assert_eq!(rest.status(), 200);
    assert!(rest.headers().get("next-range").is_none());
    let rest: Vec<Value> = rest.json().await.unwrap();
    assert_eq!(rest.iter().map(|r| r["version"].as_u64().unwrap()).collect::<Vec<_>>(), [2, 1]);

    let slug = fx.heroku_json(&format!("apps/storefront/slugs/{}", page[0]["slug"]["id"].as_str().unwrap())).await;
    assert_eq!(slug["commit"], fx.sb.scratch().released.to_string());
    let repo = git2::Repository::open(fx.sb.repo_dir()).unwrap();
    assert!(repo.find_commit(git2::Oid::from_str(slug["commit"].as_str().unwrap()).unwrap()).is_ok());
    assert_eq!(slug["process_types"]["release"], "bundle exec rake db:migrate data:migrate");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_wrong_tokens_and_missing_version_header_with_herokus_bodies() {
    let fx = start(Scenario::Happy).await;
    let url = format!("{}apps/storefront", fx.env("BPDEPLOY_HEROKU_URL"));
    let wrong = fx
        .http
        .get(&url)
        .header("accept", "application/vnd.heroku+json; version=3")
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(wrong.json::<Value>().await.unwrap()["id"], "unauthorized");
    let no_accept = fx.http.get(&url).bearer_auth(fx.env("HEROKU_API_KEY")).send().await.unwrap();
    assert_eq!(no_accept.status(), 406);
    assert_eq!(no_accept.json::<Value>().await.unwrap()["id"], "not_acceptable");
    let missing = fx.heroku(Method::GET, "apps/other-app/releases").send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.json::<Value>().await.unwrap()["id"], "not_found");
}

/// Reads a whole output stream, returning its chunks as they arrived.
async fn chunks(fx: &Fx, url: &str) -> Vec<String> {
    let resp = fx.http.get(url).send().await.unwrap();
    assert_eq!(resp.headers()["content-type"], "text/plain; charset=utf-8");
    let mut stream = resp.bytes_stream();
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        out.push(String::from_utf8(chunk.unwrap().to_vec()).unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_build_streams_over_time_then_its_release_phase_runs_the_deploys_migrations() {
    let fx = start(Scenario::Happy).await;
    let build = fx.build("master").await;
    assert_eq!(build["status"], "pending");
    let stream = chunks(&fx, build["output_stream_url"].as_str().unwrap()).await;
    assert!(stream.len() > 3, "lines arrive in several chunks over time: {stream:?}");
    let text = stream.concat();
    assert!(text.contains("-----> Building on the Heroku-24 stack"));
    assert!(text.contains("Released v7"));

    let build = fx
        .poll(&format!("apps/storefront/builds/{}", build["id"].as_str().unwrap()), |b| b["status"] != "pending")
        .await;
    assert_eq!(build["status"], "succeeded");
    let release_id = build["release"]["id"].as_str().unwrap().to_string();
    let release = fx.heroku_json(&format!("apps/storefront/releases/{release_id}")).await;
    let phase = chunks(&fx, release["output_stream_url"].as_str().unwrap()).await.concat();
    for version in [
        "20250101000001 AddLoyaltyPointsToOrders",
        "20250101000002 AddIndexToOrdersOnEmail",
        "20250101000004 ChangeOrdersStatusToInteger",
    ] {
        assert!(phase.contains(&format!("== {version}: migrating")), "{version} in\n{phase}");
    }
    assert!(phase.contains("-- add_index(:orders, :email)"));
    assert!(
        phase.contains("== 20250101000003 BackfillOrderTotals: migrated"),
        "data migration after schema ones:\n{phase}"
    );
    assert!(
        phase.find("ChangeOrdersStatusToInteger: migrated").unwrap()
            < phase.find("BackfillOrderTotals: migrating").unwrap()
    );
    // The edited old migration already ran in production: it never runs again.
    assert!(!phase.contains("CreateOrders"));
    let live = fx.poll("apps/storefront/releases/7", |r| r["status"] != "pending").await;
    assert_eq!((live["status"].as_str(), live["current"].as_bool()), (Some("succeeded"), Some(true)));
    assert_eq!(live["description"], format!("Deploy {}", &fx.sb.scratch().head.to_string()[..8]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn release_fails_half_way_naming_the_migration_and_the_app_stays_on_the_old_release() {
    let fx = start(Scenario::ReleaseFails).await;
    let build = fx.build("master").await;
    let build = fx
        .poll(&format!("apps/storefront/builds/{}", build["id"].as_str().unwrap()), |b| b["status"] != "pending")
        .await;
    assert_eq!(build["status"], "succeeded", "the build itself is fine");
    let release = fx.poll("apps/storefront/releases/7", |r| r["status"] != "pending").await;
    assert_eq!(release["status"], "failed");
    assert_eq!(release["current"], false);
    let phase = chunks(&fx, release["output_stream_url"].as_str().unwrap()).await.concat();
    assert!(phase.contains("== 20250101000001 AddLoyaltyPointsToOrders: migrated"), "{phase}");
    assert!(phase.contains("20250101000002_add_index_to_orders_on_email.rb"), "names the failing migration:\n{phase}");
    assert!(phase.contains("PG::LockNotAvailable"));
    assert!(!phase.contains("ChangeOrdersStatusToInteger"), "later migrations never ran");
    let releases: Vec<Value> = fx.heroku_json("apps/storefront/releases").await.as_array().unwrap().clone();
    let current: Vec<u64> =
        releases.iter().filter(|r| r["current"] == true).map(|r| r["version"].as_u64().unwrap()).collect();
    assert_eq!(current, [6]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn build_fails_on_the_real_syntax_error_and_makes_no_release() {
    let fx = start(Scenario::BuildFails).await;
    let build = fx.build("master").await;
    let build = fx
        .poll(&format!("apps/storefront/builds/{}", build["id"].as_str().unwrap()), |b| b["status"] != "pending")
        .await;
    assert_eq!(build["status"], "failed");
    assert!(build["release"].is_null());
    let text = chunks(&fx, build["output_stream_url"].as_str().unwrap()).await.concat();
    assert!(text.contains("app/assets/javascripts/cart_drawer.js:9"), "{text}");
    assert!(text.contains("Precompiling assets failed"));
    let releases = fx.heroku_json("apps/storefront/releases").await;
    assert_eq!(releases.as_array().unwrap().len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollback_creates_a_new_release_that_runs_the_release_phase() {
    let fx = start(Scenario::Happy).await;
    let v5 = fx.heroku_json("apps/storefront/releases/v5").await;
    let resp = fx
        .heroku(Method::POST, "apps/storefront/releases")
        .json(&serde_json::json!({"release": v5["id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let created: Value = resp.json().await.unwrap();
    assert_eq!((created["version"].as_u64(), created["description"].as_str()), (Some(7), Some("Rollback to v5")));
    assert_eq!(created["slug"], v5["slug"]);
    let done = fx.poll("apps/storefront/releases/7", |r| r["status"] != "pending").await;
    assert_eq!((done["status"].as_str(), done["current"].as_bool()), (Some("succeeded"), Some(true)));
}

/// The request log: one entry per API request, served at `/_sandbox/requests`, that a test (or a
/// person) counts mutations with. A GraphQL query is a POST that changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_log_lists_every_api_request_with_its_status() {
    let fx = start(Scenario::Happy).await;
    fx.heroku(Method::GET, "apps/storefront/releases").send().await.unwrap();
    fx.heroku(Method::GET, "apps/storefront/builds/nope").send().await.unwrap();
    let query = serde_json::json!({"query": "query { viewer { login } }"});
    fx.github(Method::POST, "graphql").json(&query).send().await.unwrap();
    let mutation = serde_json::json!({"query": "mutation M { revertPullRequest(input: {}) { clientMutationId } }"});
    fx.github(Method::POST, "graphql").json(&mutation).send().await.unwrap();
    fx.slack("chat.postMessage", serde_json::json!({"channel": "C0DEPLOYS1", "text": "hi"})).send().await.unwrap();
    let log: Vec<Value> =
        fx.http.get(format!("{}/_sandbox/requests", fx.sb.base_url())).send().await.unwrap().json().await.unwrap();
    let seen: Vec<(String, String, String, u64, bool)> = log
        .iter()
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap().to_string();
            (text("service"), text("method"), text("path"), e["status"].as_u64().unwrap(), e["mutates"] == true)
        })
        .collect();
    let entry = |s: &str, m: &str, p: &str, status: u64, mutates: bool| {
        (s.to_string(), m.to_string(), p.to_string(), status, mutates)
    };
    assert_eq!(
        seen,
        [
            entry("heroku", "GET", "/apps/storefront/releases", 200, false),
            entry("heroku", "GET", "/apps/storefront/builds/nope", 404, false),
            entry("github", "POST", "/graphql", 200, false),
            entry("github", "POST", "/graphql", 200, true),
            entry("slack", "POST", "/chat.postMessage", 200, true),
        ]
    );
    assert_eq!(fx.sb.requests().len(), 5, "the same log in-process");
}
