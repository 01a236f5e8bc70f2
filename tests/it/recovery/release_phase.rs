//! `bpdeploy rollback --yes` through the binary against wiremock, where Heroku's answers can be
//! what the sandbox never gives: a rollback release whose release phase prints and fails.
use serde_json::{json, Value};

/// The rollback release's release phase, streamed as it runs; when it fails the rollback
/// exits 3 and `next` says where to read why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_streams_its_release_phase_and_a_failing_one_exits_3() {
    let w = crate::deploy::fakes::World::new().await;
    // Heroku only: no GitHub, Sentry or Slack to tell.
    std::fs::write(w.dir.path().join("bpdeploy.toml"), "[heroku]\napp = \"shop\"\n").unwrap();
    let (v41, v42) = (w.release(41, "succeeded", false), w.release(42, "succeeded", true));
    let mut v43 = w.release(43, "pending", true);
    (v43["description"], v43["slug"]) = (json!("Rollback to v41"), json!({"id": "s41"}));
    let mut failed = v43.clone();
    (failed["status"], failed["current"]) = (json!("failed"), json!(false));
    w.get("/heroku/apps/shop/releases", json!([v42, v41])).await;
    w.get("/heroku/apps/shop/releases/r43", failed).await;
    for v in ["r41", "r42"] {
        w.get(&format!("/heroku/apps/shop/releases/{v}/config-vars"), json!({"RAILS_ENV": "production"})).await;
    }
    w.get("/heroku/apps/shop/slugs/s41", json!({"id": "s41", "commit": w.old})).await;
    w.get("/heroku/apps/shop/slugs/s42", json!({"id": "s42", "commit": w.sha})).await;
    w.get("/heroku/apps/shop/builds", json!([])).await;
    w.expect("POST", "/heroku/apps/shop/releases", 201, v43, 1).await;
    w.stream("r43", &["Running release command...", "PG::ConnectionBad: could not connect to server"]).await;
    let run = w.run(&["--json", "rollback", "v41", "--yes"], &[]).await;
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("       PG::ConnectionBad: could not connect to server"), "{}", run.stderr);
    let r: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!((r["action"].as_str(), r["release"]["status"].as_str()), (Some("failed"), Some("failed")), "{r}");
    assert_eq!(r["next"][1]["command"], "heroku releases:output v43 --app shop", "{r}");
    assert_eq!(w.requests_to("POST", "/heroku/apps/shop/releases").await, [json!({"release": "r41"})], "once, by id");
    w.assert_contract().await;
}
