//! `deploy` step by step against wiremock: the happy path, the lock, an unanswered build POST, a
//! failed release phase, a dropped stream, dry run; and `watch` on a release with a new issue.
use super::fakes::{result, types, World};
use serde_json::json;
use wiremock::{Mock, ResponseTemplate};

const MIGRATIONS_OK: &[&str] = &[
    "Running release command...",
    "== 20250101000001 AddGiftCards: migrating ======",
    "-- create_table(:gift_cards)",
    "== 20250101000001 AddGiftCards: migrated (0.0100s) =====",
    "== 20250101000002 AddIndexToOrders: migrating ======",
    "-- add_index(:orders, :customer_id, {algorithm: :concurrently})",
    "== 20250101000002 AddIndexToOrders: migrated (0.0200s) =====",
];

async fn build_and_release(w: &World, release_status: &str, release_lines: &[&str]) {
    w.tarball().await;
    w.expect("POST", "/heroku/apps/shop/builds", 201, w.build("b1", "pending", None), 1).await;
    w.stream("b1", &["-----> Building on the Heroku-24 stack", "-----> Compiling assets", "-----> Launching..."]).await;
    w.get("/heroku/apps/shop/builds/b1", w.build("b1", "succeeded", Some("r42"))).await;
    w.get("/heroku/apps/shop/releases/r42", w.release(42, release_status, release_status == "succeeded")).await;
    w.stream("r42", release_lines).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_goes_through_every_step_and_records_it() {
    let w = World::new().await;
    w.production_and_free_lock().await;
    w.get("/heroku/apps/shop/builds", json!([])).await;
    w.records(2, 2, 3).await;
    build_and_release(&w, "succeeded", MIGRATIONS_OK).await;
    let marker = super::canned::sentry_deploy();
    w.expect("POST", &format!("/sentry/api/0/organizations/acme/releases/{}/deploys/", w.sha), 201, marker, 1).await;

    let run = w.run(&["deploy", "--yes", "--json"], &[]).await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let r = result(&run);
    assert_eq!(r["status"], "live");
    assert_eq!((r["release"].as_u64(), r["previous_release"].as_u64()), (Some(42), Some(41)));
    assert_eq!(r["next"][0], "bpdeploy watch --release v42");
    let t = types(&run);
    for expected in ["preflight", "lock", "source", "build", "output", "release", "migration", "live"] {
        assert!(t.iter().any(|x| x == expected), "no {expected} event in {t:?}");
    }
    let phases: Vec<String> = run
        .events()
        .iter()
        .filter(|e| e["type"] == "phase")
        .map(|e| e["phase"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        phases,
        ["resolve_source", "preflight", "lock_check", "confirm", "take_lock", "record", "announce", "create_build"]
            .iter()
            .chain(&["building", "find_release", "release_phase", "live", "done"])
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    );

    let build = &w.requests_to("POST", "/heroku/apps/shop/builds").await[0];
    assert_eq!(build["source_blob"]["version"], w.sha);
    assert!(build["source_blob"]["url"].as_str().unwrap().contains("/codeload/"));
    let deployment = &w.requests_to("POST", "/github/repos/acme/shop/deployments").await[0];
    assert_eq!((deployment["ref"].as_str(), deployment["auto_merge"].as_bool()), (Some(w.sha.as_str()), Some(false)));
    let states: Vec<_> = w.requests_to("POST", "/github/repos/acme/shop/deployments/7/statuses").await;
    assert_eq!(states.iter().map(|s| s["state"].as_str().unwrap()).collect::<Vec<_>>(), ["in_progress", "success"]);
    let sentry = &w.requests_to("POST", "/sentry/api/0/organizations/acme/releases/").await[0];
    assert_eq!(sentry["refs"][0]["previousCommit"], w.old);
    // Preflight's facts reach the deploy: the PRs and migrations of the fixture's range.
    let posts = w.requests_to("POST", "/slack/api/chat.postMessage").await;
    assert!(posts[0]["text"].as_str().unwrap().contains("2 PRs, 2 migrations"), "{posts:?}");
    assert_eq!(r["preflight"], "go", "green CI, lint-clean migrations: {r}");
    // `kind` is known only for the migrations preflight expected.
    assert_eq!(r["migrations"]["ran"][1]["kind"], "schema", "{r}");
    assert_eq!(r["migrations"]["not_run"], json!([]));
    let edits: Vec<String> = w
        .requests_to("POST", "/slack/api/chat.update")
        .await
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_string())
        .collect();
    assert!(
        edits[0].ends_with("· building") && edits[1].contains("release phase of v42") && edits[2].contains(":rocket:")
    );
    assert!(!run.stdout.contains("token=secret") && !run.stderr.contains("token=secret"), "signed URL leaked");
    w.assert_contract().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_build_holds_the_lock_and_nothing_is_created() {
    let w = World::new().await;
    w.production_and_free_lock().await;
    let mut pending = w.build("b0", "pending", None);
    pending["user"]["email"] = json!("bob@acme.io");
    w.get("/heroku/apps/shop/builds", json!([pending])).await;
    w.expect("POST", "/heroku/apps/shop/builds", 201, w.build("b1", "pending", None), 0).await;
    w.expect("POST", "/github/repos/acme/shop/deployments", 201, w.gh_deployment(7), 0).await;
    w.expect("POST", "/slack/api/chat.postMessage", 200, json!({"ok": true}), 0).await;

    let run = w.run(&["deploy", "--yes"], &[]).await;
    assert_eq!(run.code, 5, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.starts_with("Not deploying: a pending build by bob@acme.io since 2025-01-01T10:00:00Z"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("pass --steal-lock"), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_build_post_is_not_sent_again_and_the_build_is_found() {
    let w = World::new().await;
    w.production_and_free_lock().await;
    // Preflight, the lock check and taking the lock see no build; after the unanswered POST,
    // Heroku lists ours.
    Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/heroku/apps/shop/builds"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .up_to_n_times(3)
        .with_priority(1)
        .mount(&w.server)
        .await;
    w.get("/heroku/apps/shop/builds", json!([w.build("b1", "pending", None)])).await;
    w.records(2, 2, 3).await;
    w.tarball().await;
    Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/heroku/apps/shop/builds"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(w.build("b1", "pending", None))
                .set_delay(std::time::Duration::from_secs(3)),
        )
        .expect(1)
        .mount(&w.server)
        .await;
    w.stream("b1", &["-----> Compiling assets"]).await;
    w.get("/heroku/apps/shop/builds/b1", w.build("b1", "succeeded", Some("r42"))).await;
    w.get("/heroku/apps/shop/releases/r42", w.release(42, "succeeded", true)).await;
    w.stream("r42", MIGRATIONS_OK).await;
    Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path(format!("/sentry/api/0/organizations/acme/releases/{}/deploys/", w.sha)))
        .respond_with(ResponseTemplate::new(201).set_body_json(super::canned::sentry_deploy()))
        .mount(&w.server)
        .await;

    let run = w.run(&["deploy", "--yes", "--json"], &[("BPDEPLOY_HTTP_TIMEOUT_MS", "300")]).await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let found = run.events().into_iter().find(|e| e["type"] == "build").unwrap();
    assert_eq!((found["id"].as_str(), found["reconciled"].as_bool()), (Some("b1"), Some(true)));
    assert_eq!(result(&run)["build_id"], "b1");
}

async fn release_phase_fails() -> World {
    let w = World::new().await;
    w.production_and_free_lock().await;
    w.get("/heroku/apps/shop/builds", json!([])).await;
    w.records(2, 3, 3).await;
    let lines = [
        "== 20250101000001 AddGiftCards: migrating ===",
        "== 20250101000001 AddGiftCards: migrated (0.01s) ===",
        "== 20250101000002 AddIndexToOrders: migrating ===",
        "rake aborted!",
        "PG::LockNotAvailable: ERROR: canceling statement due to lock timeout",
    ];
    build_and_release(&w, "failed", &lines).await;
    w
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_release_phase_exits_3_naming_the_migration() {
    let w = release_phase_fails().await;
    let run = w.run(&["deploy", "--yes", "--json"], &[]).await;
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    let r = result(&run);
    assert_eq!(r["status"], "release_failed");
    let failure = &r["release_failure"];
    assert_eq!(failure["migrations"]["failed"][0]["version"], "20250101000002");
    assert_eq!(failure["migrations"]["ran"][0]["name"], "AddGiftCards");
    assert_eq!(failure["serving_version"], 41);
    assert!(failure["output_tail"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l.as_str().unwrap().contains("LockNotAvailable")));
    let states: Vec<_> = w.requests_to("POST", "/github/repos/acme/shop/deployments/7/statuses").await;
    assert_eq!(states.last().unwrap()["state"], "failure");
    let replies = w.requests_to("POST", "/slack/api/chat.postMessage").await;
    assert!(replies.last().unwrap()["text"].as_str().unwrap().contains("release phase failed"));

    let w = release_phase_fails().await;
    let human = w.run(&["deploy", "--yes"], &[]).await;
    assert_eq!(human.code, 3);
    assert!(human.stdout.contains("failed in migration 20250101000002 AddIndexToOrders"), "{}", human.stdout);
    assert!(human.stdout.contains("production still serves v41"), "{}", human.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_that_never_starts_falls_back_to_polling_the_status() {
    let w = World::new().await;
    w.production_and_free_lock().await;
    w.get("/heroku/apps/shop/builds", json!([])).await;
    w.records(2, 2, 3).await;
    w.tarball().await;
    w.expect("POST", "/heroku/apps/shop/builds", 201, w.build("b9", "pending", None), 1).await;
    // Higher priority than any stream stub: the build stream is never there.
    Mock::given(wiremock::matchers::path("/streams/b9"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&w.server)
        .await;
    w.get("/heroku/apps/shop/builds/b9", w.build("b9", "succeeded", Some("r42"))).await;
    w.get("/heroku/apps/shop/releases/r42", w.release(42, "succeeded", true)).await;
    w.stream("r42", MIGRATIONS_OK).await;
    Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path(format!("/sentry/api/0/organizations/acme/releases/{}/deploys/", w.sha)))
        .respond_with(ResponseTemplate::new(201).set_body_json(super::canned::sentry_deploy()))
        .mount(&w.server)
        .await;

    let run = w.run(&["deploy", "--yes", "--json"], &[]).await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let warnings: Vec<_> = run.events().into_iter().filter(|e| e["type"] == "warning").collect();
    assert!(
        warnings.iter().any(|e| e["message"].as_str().unwrap().contains("polling the build status")),
        "{warnings:?}"
    );
    assert_eq!(result(&run)["status"], "live");
}

/// A dry run checks everything the real run checks before its first change (GitHub's sha,
/// preflight of it, the lock, every credential), lists what it would do from there, and changes
/// nothing: no request but reads (a GraphQL query is a read) reaches the services.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_checks_everything_prints_each_call_and_changes_nothing() {
    let w = World::new().await;
    w.production_and_free_lock().await;
    w.get("/heroku/apps/shop/builds", json!([])).await;
    let run = w.run(&["deploy", "--watch", "--auto-rollback", "--dry-run"], &[]).await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("none was made"), "{}", run.stdout);
    assert!(run.stdout.contains("POST\tapps/shop/builds\tcreate the build (sent once)"), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("repos/acme/shop/tarball/{}", w.sha)), "the real sha: {}", run.stdout);
    let json = w.run(&["deploy", "--dry-run", "--json"], &[]).await;
    let r = result(&json);
    assert_eq!((r["status"].as_str(), r["sha"].as_str()), (Some("dry_run"), Some(w.sha.as_str())), "{r}");
    let calls: Vec<String> =
        r["calls"].as_array().unwrap().iter().map(|c| c["path"].as_str().unwrap().into()).collect();
    assert!(calls.contains(&"chat.postMessage".to_string()), "a Slack credential is set: {calls:?}");
    assert!(
        !calls.iter().any(|c| c.contains("releases") && c.ends_with("releases")),
        "no rollback without --auto-rollback"
    );
    let writes: Vec<String> = w
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() != "GET" && r.url.path() != "/github/graphql")
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert!(writes.is_empty(), "a dry run sends no write: {writes:?}");

    // Without a Slack credential the real run posts nothing, so the plan lists no Slack call.
    let quiet = w.run(&["deploy", "--dry-run", "--json"], &[("SLACK_BOT_TOKEN", "")]).await;
    let calls = result(&quiet)["calls"].to_string();
    assert!(!calls.contains("slack"), "{calls}");
}

/// A dry run checks the credentials a real run needs: a rejected Heroku token is exit 4.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_with_a_rejected_token_exits_4() {
    let w = World::new().await;
    Mock::given(wiremock::matchers::path_regex("^/heroku/"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"id": "unauthorized", "message": "Invalid credentials provided."})),
        )
        .mount(&w.server)
        .await;
    w.production_and_free_lock().await;
    let run = w.run(&["deploy", "--dry-run"], &[]).await;
    assert_eq!(run.code, 4, "{}\n{}", run.stdout, run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_fails_on_a_new_issue_and_names_the_triage_command() {
    let w = World::new().await;
    w.get("/heroku/apps/shop/releases/42", w.release(42, "succeeded", true)).await;
    w.get("/heroku/apps/shop/releases/r42", w.release(42, "succeeded", true)).await;
    w.get("/heroku/apps/shop/releases", json!([w.release(42, "succeeded", true)])).await;
    w.get("/heroku/apps/shop/slugs/s42", json!({"id": "s42", "commit": w.sha})).await;
    w.get("/heroku/apps/shop/dynos", json!([])).await;
    w.get("/sentry/api/0/organizations/acme/events/", json!({"data": [{"count()": 2}]})).await;
    let issue = json!({"id": "501", "shortId": "RAILS-9", "title": "NoMethodError: undefined method `cents'", "count": "12", "userCount": 4});
    w.get("/sentry/api/0/organizations/acme/issues/", json!([issue])).await;

    let run = w.run(&["watch", "--release", "v42", "--json"], &[]).await;
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    let r = result(&run);
    assert_eq!(r["status"], "failing");
    assert_eq!(r["watch"]["triage_command"], "bpdeploy triage 501");
    assert_eq!(r["next"][0], "bpdeploy triage 501");
    w.assert_contract().await;
    let queries = w.server.received_requests().await.unwrap();
    let issues = queries.iter().find(|q| q.url.path().ends_with("/issues/")).unwrap();
    assert!(issues.url.query().unwrap().contains(&format!("firstRelease%3A{}", w.sha)), "{}", issues.url);
}
