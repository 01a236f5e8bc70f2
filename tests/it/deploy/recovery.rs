//! Recovery paths against wiremock: `watch --auto-rollback` with an unanswered rollback POST, and
//! Ctrl-C during a deploy.
use super::fakes::{result, World};
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

/// Heroku's release list, which gains the rollback release once the POST has arrived.
struct Releases {
    posted: Arc<AtomicBool>,
    before: serde_json::Value,
    after: serde_json::Value,
}

impl Respond for Releases {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let body = if self.posted.load(Ordering::SeqCst) { &self.after } else { &self.before };
        ResponseTemplate::new(200).set_body_json(body)
    }
}

/// A rollback POST that is received and never answered in time.
struct SlowRollback {
    posted: Arc<AtomicBool>,
    created: serde_json::Value,
}

impl Respond for SlowRollback {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.posted.store(true, Ordering::SeqCst);
        ResponseTemplate::new(201).set_body_json(&self.created).set_delay(Duration::from_secs(3))
    }
}

/// v42 (the tip) is failing in Sentry; v41 runs `v41_commit` (None: the fixture's `old`); the
/// rollback POST is received and never answered in time, and Heroku then lists the v43 it made.
async fn failing_v42_with_v41_on(v41_commit: Option<&str>) -> World {
    let w = World::new().await;
    let v41_commit = v41_commit.unwrap_or(&w.old).to_string();
    let v41 = w.release(41, "succeeded", false);
    let v41_again = v41.clone();
    let v42 = w.release(42, "succeeded", true);
    let mut v43 = w.release(43, "succeeded", true);
    v43["description"] = json!("Rollback to v41");
    v43["slug"] = json!({"id": "s41"});
    let mut v42_old = v42.clone();
    v42_old["current"] = json!(false);
    let posted = Arc::new(AtomicBool::new(false));
    let releases = Releases { posted: posted.clone(), before: json!([v42, v41]), after: json!([v43, v42_old, v41]) };
    Mock::given(method("GET")).and(path("/heroku/apps/shop/releases")).respond_with(releases).mount(&w.server).await;
    Mock::given(method("POST"))
        .and(path("/heroku/apps/shop/releases"))
        .respond_with(SlowRollback { posted, created: v43.clone() })
        .expect(1)
        .mount(&w.server)
        .await;
    w.get("/heroku/apps/shop/releases/42", v42.clone()).await;
    w.get("/heroku/apps/shop/releases/r42", v42).await;
    w.get("/heroku/apps/shop/releases/r43", v43).await;
    w.get("/heroku/apps/shop/releases/r41", v41_again).await;
    w.get("/heroku/apps/shop/slugs/s41", json!({"id": "s41", "commit": v41_commit})).await;
    w.get("/heroku/apps/shop/slugs/s42", json!({"id": "s42", "commit": w.sha})).await;
    w.get("/heroku/apps/shop/dynos", json!([])).await;
    w.get("/sentry/api/0/organizations/acme/events/", json!({"data": [{"count()": 0}]})).await;
    let posted = json!({"ok": true, "channel": "C123", "ts": "1700000000.000100"});
    Mock::given(method("POST"))
        .and(path("/slack/api/chat.postMessage"))
        .respond_with(ResponseTemplate::new(200).set_body_json(posted.clone()))
        .mount(&w.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/slack/api/chat.update"))
        .respond_with(ResponseTemplate::new(200).set_body_json(posted))
        .mount(&w.server)
        .await;
    let issue = json!({"id": "501", "shortId": "RAILS-9", "title": "NoMethodError", "count": "12", "userCount": 4});
    w.get("/sentry/api/0/organizations/acme/issues/", json!([issue])).await;
    w
}

async fn watch_v42_with_auto_rollback(w: &World) -> crate::support::Run {
    let args = ["watch", "--release", "v42", "--auto-rollback", "--yes", "--json"];
    w.run(&args, &[("BPDEPLOY_HTTP_TIMEOUT_MS", "300")]).await
}

/// `--auto-rollback` mutates, so it follows the rule of every mutating command: without a TTY it
/// needs `--yes`, and says so before asking any service anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_rollback_without_a_tty_needs_yes_before_anything_happens() {
    let w = World::new().await;
    Mock::given(wiremock::matchers::any()).respond_with(ResponseTemplate::new(500)).expect(0).mount(&w.server).await;
    let run = w.run(&["watch", "--release", "v42", "--auto-rollback", "--json"], &[]).await;
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    let error: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(error["error"]["code"], "confirmation_required", "{error}");
    assert!(error["error"]["hint"].as_str().unwrap().contains("--yes"));
}

/// The numbers of the PRs a rollback outcome says it removed.
fn removed(r: &serde_json::Value) -> Vec<u64> {
    let prs = r["rollback"]["removed_pull_requests"].as_array().unwrap_or_else(|| panic!("a list: {r}"));
    let mut numbers: Vec<u64> = prs.iter().filter_map(|p| p["number"].as_u64()).collect();
    numbers.sort();
    numbers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_rollback_is_sent_once_and_reconciled_when_unanswered() {
    let w = failing_v42_with_v41_on(None).await;
    let run = watch_v42_with_auto_rollback(&w).await;
    assert_eq!(run.code, 3, "a rolled-back release still failed:\n{}\n{}", run.stdout, run.stderr);
    let r = result(&run);
    assert_eq!(r["status"], "rolled_back");
    assert_eq!((r["rollback"]["to_version"].as_u64(), r["rollback"]["new_version"].as_u64()), (Some(41), Some(43)));
    let event = run.events().into_iter().find(|e| e["type"] == "rollback").unwrap();
    assert_eq!(event["reconciled"], true);
    assert!(r["production"].as_str().unwrap().contains("schema migrations of v42 stay applied"));
    assert_eq!(w.requests_to("POST", "/heroku/apps/shop/releases").await, [json!({"release": "r41"})]);
    let posts = w.requests_to("POST", "/slack/api/chat.postMessage").await;
    let edits = w.requests_to("POST", "/slack/api/chat.update").await;
    assert!(
        posts[0]["text"].as_str().unwrap().contains(&format!("{} to shop", &w.sha[..7]))
            && posts[0]["text"].as_str().unwrap().contains("rolling back")
    );
    assert!(edits[0]["text"].as_str().unwrap().contains("was rolled back to v41"), "{edits:?}");
    // `watch` ran no preflight: the removed PRs come from the local range v41..v42.
    assert_eq!(removed(&r), [1, 2], "{r}");
    assert_eq!(r["rollback"]["removed_pull_requests"][0]["title"], "Index orders by customer", "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removed_prs_stay_empty_with_a_warning_when_the_repository_lacks_the_commits() {
    // A commit this clone has never fetched.
    let w = failing_v42_with_v41_on(Some("feedfacefeedfacefeedfacefeedfacefeedface")).await;
    let run = watch_v42_with_auto_rollback(&w).await;
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    let r = result(&run);
    assert_eq!(r["status"], "rolled_back", "the rollback itself is not held up: {r}");
    assert_eq!(removed(&r), Vec::<u64>::new());
    let warnings: Vec<String> = run
        .events()
        .into_iter()
        .filter(|e| e["type"] == "warning")
        .filter_map(|e| e["message"].as_str().map(str::to_string))
        .collect();
    assert!(
        warnings.iter().any(|m| m.contains("cannot tell which pull requests the rollback to v41 removed")),
        "{warnings:?}"
    );
}

/// Waits (on a condition, not a clock) until bpdeploy has asked for `p`. The bound only turns
/// a deploy that never gets there (it ended, or hangs earlier) into a failure that shows its
/// output, instead of a test that waits forever.
async fn until_requested(w: &World, child: &mut std::process::Child, p: &str) {
    let give_up = std::time::Instant::now() + Duration::from_secs(30);
    while !w.server.received_requests().await.unwrap().iter().any(|r| r.url.path() == p) {
        let ended = child.try_wait().unwrap();
        if ended.is_some() || std::time::Instant::now() > give_up {
            let _ = child.kill();
            let (mut out, mut err) = (String::new(), String::new());
            std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).unwrap();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            let how = ended.map_or("within 30 s".to_string(), |s| format!("before it ended ({s})"));
            panic!("bpdeploy never asked for {p} {how}:\nstdout:\n{out}\nstderr:\n{err}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_building_stops_following_and_says_how_to_resume() {
    let w = World::new().await;
    w.production_and_free_lock().await;
    w.get("/heroku/apps/shop/builds", json!([])).await;
    w.records(1, 2, 2).await;
    w.tarball().await;
    w.expect("POST", "/heroku/apps/shop/builds", 201, w.build("b1", "pending", None), 1).await;
    // The build goes on for longer than the test: its output never ends.
    Mock::given(path("/streams/b1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("-----> Compiling assets\n", "text/plain")
                .set_delay(Duration::from_secs(30)),
        )
        .mount(&w.server)
        .await;
    w.expect("DELETE", "/heroku/apps/shop/builds/b1", 200, w.build("b1", "failed", None), 0).await;

    let mut cmd = std::process::Command::new(crate::support::BIN);
    cmd.env_clear().current_dir(w.dir.path()).stdin(std::process::Stdio::null());
    cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    for (k, v) in w.env() {
        cmd.env(k, v);
    }
    let mut child = cmd.args(["deploy", "--yes", "--json"]).spawn().unwrap();
    until_requested(&w, &mut child, "/streams/b1").await;
    let killed = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output()).await.unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(130), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let last: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["status"], "interrupted");
    assert_eq!(last["resume"], "bpdeploy watch --build b1");
    let edits = w.requests_to("POST", "/slack/api/chat.update").await;
    assert!(edits.last().unwrap()["text"].as_str().unwrap().contains("stopped following"));
}
