//! Preflight's verdict has the first say: failing CI on the tip is a `stop`, and the deploy ends
//! there (exit 3) before anything is created; `--force` goes on and deploys.
use super::canned::Ci;
use super::fakes::{result, types, World};
use serde_json::json;

/// The preflight event's reason codes (`ci_failing: CI is failing on …`).
fn reason_codes(run: &crate::support::Run) -> Vec<String> {
    let event = run.events().into_iter().find(|e| e["type"] == "preflight").expect("a preflight event");
    let reasons = event["reasons"].as_array().cloned().unwrap_or_default();
    reasons.iter().filter_map(|r| r["code"].as_str().map(str::to_string)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_ci_stops_the_deploy_before_any_build_is_created() {
    let w = World::new().await;
    w.production_with_ci(Ci::Failing).await;
    w.get("/heroku/apps/shop/builds", json!([])).await;
    w.expect("POST", "/heroku/apps/shop/builds", 201, w.build("b1", "pending", None), 0).await;
    w.expect("POST", "/github/repos/acme/shop/deployments", 201, w.gh_deployment(7), 0).await;
    w.expect("POST", "/slack/api/chat.postMessage", 200, json!({"ok": true}), 0).await;

    let run = w.run(&["deploy", "--yes", "--json"], &[]).await;
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    let r = result(&run);
    assert_eq!((r["status"].as_str(), r["preflight"].as_str()), (Some("stopped"), Some("stop")), "{r}");
    assert!(reason_codes(&run).contains(&"ci_failing".to_string()), "{}", run.stdout);
    let t = types(&run);
    assert!(!t.iter().any(|x| x == "lock" || x == "build"), "nothing after preflight: {t:?}");
    w.assert_contract().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn force_deploys_over_a_preflight_stop() {
    let w = World::new().await;
    w.production_with_ci(Ci::Failing).await;
    w.get("/heroku/apps/shop/builds", json!([])).await;
    w.records(2, 2, 3).await;
    w.tarball().await;
    w.expect("POST", "/heroku/apps/shop/builds", 201, w.build("b1", "pending", None), 1).await;
    w.stream("b1", &["-----> Compiling assets"]).await;
    w.get("/heroku/apps/shop/builds/b1", w.build("b1", "succeeded", Some("r42"))).await;
    w.get("/heroku/apps/shop/releases/r42", w.release(42, "succeeded", true)).await;
    w.stream("r42", &["== 20250101000001 AddGiftCards: migrated (0.0100s) ====="]).await;
    let marker = super::canned::sentry_deploy();
    w.expect("POST", &format!("/sentry/api/0/organizations/acme/releases/{}/deploys/", w.sha), 201, marker, 1).await;

    let run = w.run(&["deploy", "--yes", "--force", "--json"], &[]).await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(reason_codes(&run).contains(&"ci_failing".to_string()), "{}", run.stdout);
    let r = result(&run);
    assert_eq!((r["status"].as_str(), r["preflight"].as_str()), (Some("live"), Some("stop")), "{r}");
    assert_eq!(w.requests_to("POST", "/heroku/apps/shop/builds").await[0]["source_blob"]["version"], w.sha);
    w.assert_contract().await;
}
