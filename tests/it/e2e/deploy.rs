//! `bpdeploy deploy` through the binary against each pipeline drill: happy, build-fails,
//! release-fails, flaky-api, slow-stream. Exit codes, NDJSON, the state the sandbox is left in,
//! and the Slack announcement as the sandbox recorded it.
use super::{announcement, context, of_type, result, step, Drill};
use bpdeploy::cli::Scenario;
use serde_json::Value;

/// `(version, current, status)` of each release, newest first.
fn summary(releases: &[Value]) -> Vec<(u64, bool, String)> {
    releases
        .iter()
        .map(|r| (r["version"].as_u64().unwrap(), r["current"] == true, r["status"].as_str().unwrap().to_string()))
        .collect()
}

fn current(releases: &[Value]) -> u64 {
    let now: Vec<u64> =
        releases.iter().filter(|r| r["current"] == true).map(|r| r["version"].as_u64().unwrap()).collect();
    assert_eq!(now.len(), 1, "exactly one current release: {releases:#?}");
    now[0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn happy_deploy_watch_is_healthy_and_the_announcement_follows_every_phase() {
    let d = Drill::start(Scenario::Happy).await;
    let run = d.run(&["--json", "deploy", "--yes", "--watch"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let r = result(&run);
    assert_eq!(r["status"], "healthy", "{}", context(&run));
    assert_eq!(r["watch"]["verdict"], "healthy");
    assert_eq!((r["release"].as_u64(), r["previous_release"].as_u64()), (Some(7), Some(6)));
    assert_eq!(r["sha"], d.sb.scratch().head.to_string(), "ships origin/master's tip");
    assert!(!of_type(&run, "watch").is_empty(), "it watched before its verdict");
    assert_eq!(current(&d.releases().await), 7);

    let message = announcement(&d.sb);
    let h = &message.history;
    assert!(h[0].starts_with(":construction: drill is deploying"), "{h:#?}");
    let order =
        [step(h, "· building"), step(h, "release phase of v7"), step(h, "watching errors"), step(h, "v7 is healthy")];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "building → release phase → watching → healthy: {h:#?}");
    assert_eq!(message.text, h[h.len() - 1], "the message shows its last edit");
    let thread: Vec<String> = d.sb.slack_record().thread(&message.ts).iter().map(|m| m.text.clone()).collect();
    // The PR list's contents come from preflight (see `shipped_pull_requests_are_announced`).
    assert!(
        thread.first().is_some_and(|t| t.starts_with("Shipping:") || t.starts_with("No pull requests")),
        "the PR list opens the thread: {thread:?}"
    );
    assert!(thread.last().is_some_and(|t| t.starts_with("Verdict: healthy")), "verdict reply last: {thread:?}");
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn build_fails_exits_3_and_leaves_production_untouched() {
    let d = Drill::start(Scenario::BuildFails).await;
    let before = summary(&d.releases().await);
    let run = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(run.code, 3, "{}", context(&run));
    let r = result(&run);
    assert_eq!(r["status"], "build_failed");
    assert!(r["production"].as_str().unwrap().contains("the database was not touched"), "{r}");
    let tail = r["build_failure"]["output_tail"].as_array().unwrap();
    assert!(!tail.is_empty() && tail.len() <= 40, "the output tail: {tail:?}");
    assert!(of_type(&run, "release").is_empty(), "no release phase: {}", context(&run));
    assert_eq!(summary(&d.releases().await), before, "no new release, v6 still current");

    let h = announcement(&d.sb).history;
    assert!(step(h.as_slice(), "· building") < step(h.as_slice(), "the build failed"), "{h:#?}");
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn release_fails_names_the_migration_and_the_app_stays_on_the_old_release() {
    let d = Drill::start(Scenario::ReleaseFails).await;
    let run = d.run(&["--json", "deploy", "--yes", "--watch"]).await;
    assert_eq!(run.code, 3, "a failed release phase never exits 0: {}", context(&run));
    let r = result(&run);
    assert_eq!(r["status"], "release_failed");
    let failure = &r["release_failure"];
    assert_eq!(failure["migrations"]["failed"][0]["version"], "20250101000002", "{failure}");
    let ran: Vec<&str> =
        failure["migrations"]["ran"].as_array().unwrap().iter().map(|m| m["version"].as_str().unwrap()).collect();
    assert_eq!(ran, ["20250101000001"], "the one before it ran (data may be partly migrated)");
    assert_eq!((failure["release_version"].as_u64(), failure["serving_version"].as_u64()), (Some(7), Some(6)));
    let next = r["next"].as_array().unwrap();
    assert!(next.iter().any(|n| n["why"].as_str().unwrap().contains("20250101000002")), "{r}");
    assert!(of_type(&run, "watch").is_empty(), "no watch after a failed release phase");

    let releases = d.releases().await;
    assert_eq!(current(&releases), 6, "the app still serves the old release");
    assert_eq!(summary(&releases)[0], (7, false, "failed".to_string()));
    let h = announcement(&d.sb).history;
    assert!(step(&h, "release phase of v7 running") < step(&h, "production still runs v6"), "{h:#?}");
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flaky_api_still_completes_with_the_true_verdict() {
    let d = Drill::start(Scenario::FlakyApi).await;
    let run = d.run(&["--json", "deploy", "--yes", "--watch"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    assert_eq!(result(&run)["status"], "healthy");
    let builds = of_type(&run, "build");
    assert!(builds.iter().all(|b| b["id"] == builds[0]["id"]), "one build, never created twice: {builds:?}");
    let x = d.sb.exchanges();
    assert!(x.iter().any(|e| e.status == 429) && x.iter().any(|e| e.status == 502), "the drill did refuse calls");
    let posts = x.iter().filter(|e| e.method == "POST" && e.path == "/apps/storefront/builds" && e.status == 201);
    assert_eq!(posts.count(), 1, "exactly one build created");
    assert_eq!(d.releases().await.iter().filter(|r| r["version"].as_u64() > Some(6)).count(), 1, "one new release");
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_stream_completes_by_polling_after_the_streams_drop() {
    let d = Drill::start(Scenario::SlowStream).await;
    let run = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let r = result(&run);
    assert_eq!(r["status"], "live");
    let warnings: Vec<String> =
        of_type(&run, "warning").iter().map(|w| w["message"].as_str().unwrap().to_string()).collect();
    assert!(warnings.iter().any(|w| w.contains("build output stream dropped")), "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("release phase stream dropped")), "{warnings:?}");
    assert_eq!(current(&d.releases().await), 7);
    // The stream dropped after `AddLoyaltyPointsToOrders: migrating`; the release phase succeeded,
    // and its log, read again once it finished, shows every migration ran: none failed or unknown.
    let m = &r["migrations"];
    assert_eq!(
        (m["failed"].clone(), m["unknown"].clone()),
        (Value::from(vec![] as Vec<Value>), Value::from(vec![] as Vec<Value>)),
        "{m}"
    );
    assert_eq!(m["ran"].as_array().unwrap().len(), 4, "{m}");
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_the_calls_and_makes_none() {
    let d = Drill::start(Scenario::Happy).await;
    let run = d.run(&["--json", "--dry-run", "deploy", "--yes", "--watch"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    assert!(run.stdout.contains("apps/storefront/builds"), "the plan names the build POST: {}", context(&run));
    assert_eq!(result(&run)["sha"], d.sb.scratch().head.to_string(), "GitHub's sha was resolved for real");
    let writes: Vec<_> = d.sb.requests().into_iter().filter(|r| r.mutates).collect();
    assert!(writes.is_empty(), "no change reached the sandbox: {writes:#?}");
    assert!(d.sb.requests().iter().any(|r| r.method == "GET"), "the checks did run");
    assert!(d.sb.slack_record().messages.is_empty());

    // Every change the real run then makes was in the plan (the watch's log session included).
    let planned = result(&run)["calls"].as_array().unwrap().clone();
    let real = d.run(&["--json", "deploy", "--yes", "--watch"]).await;
    assert_eq!(real.code, 0, "{}", context(&real));
    for change in d.sb.requests().into_iter().filter(|r| r.mutates) {
        let listed = planned.iter().any(|c| {
            c["service"] == change.service && c["method"] == change.method && same_path(&c["path"], &change.path)
        });
        assert!(listed, "{} {} {} is not in the plan: {planned:#?}", change.service, change.method, change.path);
    }
}

/// A planned path (`repos/acme/storefront/deployments/<id>/statuses`) against a real one.
fn same_path(planned: &Value, real: &str) -> bool {
    let planned: Vec<&str> = planned.as_str().unwrap().split('/').collect();
    let real: Vec<&str> = real.trim_start_matches('/').split('/').collect();
    planned.len() == real.len() && planned.iter().zip(&real).all(|(p, r)| p == r || p.starts_with('<'))
}

/// Issue 6's announcement: ":construction: <who> is deploying <sha> to <app>: N PRs, M migrations"
/// with the PR list in its thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shipped_pull_requests_are_announced() {
    let d = Drill::start(Scenario::Happy).await;
    let run = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    // The PRs merged since the released commit, from the scratch history itself.
    let repo = git2::Repository::open(d.sb.repo_dir()).unwrap();
    let released = d.sb.scratch().released;
    let shipped: Vec<u64> = (d.sb.scratch().prs.iter())
        .filter(|p| p.merge_sha.is_some_and(|m| m != released && !repo.graph_descendant_of(released, m).unwrap()))
        .map(|p| p.number)
        .collect();
    assert!(shipped.contains(&4), "the loyalty PR ships: {shipped:?}");
    let message = announcement(&d.sb);
    let count = format!(": {} PRs, 4 migrations", shipped.len());
    assert!(message.history[0].contains(&count), "{count} in {:#?}", message.history);
    let thread: Vec<String> = d.sb.slack_record().thread(&message.ts).iter().map(|m| m.text.clone()).collect();
    for pr in shipped {
        // Linked (`<url|#4>`) when GitHub gave the PR's URL, plain `#4 ` otherwise.
        let listed = thread[0].contains(&format!("|#{pr}>")) || thread[0].contains(&format!("#{pr} "));
        assert!(listed, "#{pr} in the PR list: {thread:?}");
    }
    let kinds =
        result(&run)["migrations"]["ran"].as_array().unwrap().iter().map(|m| m["kind"].clone()).collect::<Vec<_>>();
    assert!(kinds.iter().all(|k| !k.is_null()), "each migration ran is one preflight expected: {kinds:?}");
}
