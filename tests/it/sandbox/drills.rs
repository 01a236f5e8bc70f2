//! The drills: a new Sentry issue after a release goes live, flaky answers, dropped streams.
use super::{start, Fx};
use bpdeploy::cli::Scenario;
use futures_util::StreamExt;
use reqwest::Method;
use serde_json::Value;
use std::time::Duration;

/// Deploys origin/master and waits for the release to finish its release phase.
async fn deploy_head(fx: &Fx) -> Value {
    let build = fx.build("master").await;
    fx.poll(&format!("apps/storefront/builds/{}", build["id"].as_str().unwrap()), |b| b["status"] != "pending").await;
    fx.poll("apps/storefront/releases/7", |r| r["status"] != "pending").await
}

async fn new_issues(fx: &Fx, sha: &str) -> Vec<Value> {
    let q = format!(
        "api/0/organizations/acme/issues/?query=is:unresolved+firstRelease:{sha}&environment=production&statsPeriod=1h"
    );
    fx.sentry_json(&q).await.as_array().unwrap().clone()
}

async fn wait_for_new_issue(fx: &Fx, sha: &str) -> Value {
    for _ in 0..400 {
        if let Some(issue) = new_issues(fx, sha).await.into_iter().next() {
            return issue;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no new issue in release {sha}");
}

/// The files each PR of the scratch history changed (its merge's first-parent diff).
fn prs_touching(fx: &Fx, path: &str) -> Vec<u64> {
    let repo = git2::Repository::open(fx.sb.repo_dir()).unwrap();
    fx.sb
        .scratch()
        .prs
        .iter()
        .filter(|pr| {
            let merge = repo.find_commit(pr.merge_sha.unwrap()).unwrap();
            let diff = repo
                .diff_tree_to_tree(Some(&merge.parent(0).unwrap().tree().unwrap()), Some(&merge.tree().unwrap()), None)
                .unwrap();
            diff.deltas().any(|d| d.new_file().path().is_some_and(|p| p.to_str() == Some(path)))
        })
        .map(|pr| pr.number)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_spike_rises_after_the_release_in_a_file_exactly_one_pr_changed() {
    let fx = start(Scenario::ErrorSpike).await;
    let sha = fx.sb.scratch().head.to_string();
    assert!(new_issues(&fx, &sha).await.is_empty(), "nothing before the deploy");
    let release = deploy_head(&fx).await;
    assert_eq!(release["status"], "succeeded");
    let issue = wait_for_new_issue(&fx, &sha).await;
    assert!(issue["count"].as_str().unwrap().parse::<u64>().unwrap() >= 5, "enough events to count: {issue}");
    assert_eq!(issue["title"], "NoMethodError: undefined method 'multiplier' for nil");

    let event = fx
        .sentry_json(&format!("api/0/organizations/acme/issues/{}/events/latest/", issue["id"].as_str().unwrap()))
        .await;
    let exception = event["entries"].as_array().unwrap().iter().find(|e| e["type"] == "exception").unwrap();
    let frames = exception["data"]["values"][0]["stacktrace"]["frames"].as_array().unwrap();
    let top = frames.last().unwrap();
    assert_eq!(top["inApp"], true);
    let path = top["filename"].as_str().unwrap();
    let line = top["lineNo"].as_u64().unwrap() as usize;
    let text = std::fs::read_to_string(fx.sb.repo_dir().join(path)).unwrap();
    assert!(text.lines().nth(line - 1).unwrap().contains("loyalty_tier.multiplier"), "frame points at the real line");
    assert_eq!(prs_touching(&fx, path), [4], "exactly one PR changed {path}");
    for frame in frames.iter().filter(|f| f["inApp"] == true) {
        assert!(fx.sb.repo_dir().join(frame["filename"].as_str().unwrap()).is_file());
    }
    let detail = fx.sentry_json(&format!("api/0/organizations/acme/issues/{}/", issue["id"].as_str().unwrap())).await;
    assert_eq!(detail["firstRelease"]["version"], Value::Null, "no Sentry release was created in this test");

    let series = fx
        .sentry_json(&format!(
            "api/0/organizations/acme/events-timeseries/?dataset=errors&statsPeriod=5m&interval=60&query=release:{sha}"
        ))
        .await;
    let total: f64 =
        series["timeSeries"][0]["values"].as_array().unwrap().iter().map(|v| v["value"].as_f64().unwrap()).sum();
    assert!(total >= 5.0, "the new release's error count rises: {total}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn experiment_and_data_issue_point_where_their_triage_needs() {
    for (scenario, file, touched) in [
        (Scenario::Experiment, "app/experiments/checkout_button_experiment.rb", vec![7]),
        (Scenario::DataIssue, "app/models/user.rb", vec![]),
    ] {
        let fx = start(scenario).await;
        deploy_head(&fx).await;
        let issue = wait_for_new_issue(&fx, &fx.sb.scratch().head.to_string()).await;
        assert_eq!(issue["metadata"]["filename"], file, "{scenario:?}");
        assert_eq!(prs_touching(&fx, file), touched, "{scenario:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn happy_has_no_new_issue_and_a_rollback_silences_the_spike() {
    let fx = start(Scenario::ErrorSpike).await;
    deploy_head(&fx).await;
    let sha = fx.sb.scratch().head.to_string();
    let issue = wait_for_new_issue(&fx, &sha).await;
    let v6 = fx.heroku_json("apps/storefront/releases/6").await;
    fx.heroku(Method::POST, "apps/storefront/releases")
        .json(&serde_json::json!({"release": v6["id"]}))
        .send()
        .await
        .unwrap();
    fx.poll("apps/storefront/releases/8", |r| r["status"] == "succeeded").await;
    let id = issue["id"].as_str().unwrap();
    let first = fx.sentry_json(&format!("api/0/organizations/acme/issues/{id}/")).await["count"].clone();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let later = fx.sentry_json(&format!("api/0/organizations/acme/issues/{id}/")).await["count"].clone();
    assert_eq!(first, later, "no new events once the old code serves traffic");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flaky_api_fails_every_other_call_with_a_short_retry_after() {
    let fx = start(Scenario::FlakyApi).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let resp = fx.heroku(Method::GET, "apps/storefront").send().await.unwrap();
        if !resp.status().is_success() {
            assert!(resp.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() <= 1);
        }
        statuses.push(resp.status().as_u16());
    }
    assert_eq!(statuses, [200, 429, 200, 502, 200, 429]);
    let post =
        fx.slack("chat.postMessage", serde_json::json!({"channel": "C0DEPLOYS1", "text": "x"})).send().await.unwrap();
    let second =
        fx.slack("chat.postMessage", serde_json::json!({"channel": "C0DEPLOYS1", "text": "x"})).send().await.unwrap();
    assert_eq!((post.status().as_u16(), second.status().as_u16()), (200, 429));
    assert_eq!(fx.sb.slack_record().messages.len(), 1, "a refused call changed nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_stream_drops_mid_way_but_resumes_and_status_polling_works() {
    let fx = start(Scenario::SlowStream).await;
    let build = fx.build("master").await;
    let url = build["output_stream_url"].as_str().unwrap().to_string();
    let mut stream = fx.http.get(&url).send().await.unwrap().bytes_stream();
    let mut got = Vec::new();
    let mut dropped = false;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bytes) => got.extend_from_slice(&bytes),
            Err(_) => {
                dropped = true;
                break;
            }
        }
    }
    assert!(dropped, "the first reader loses the stream");
    assert!(!got.is_empty() && !String::from_utf8_lossy(&got).contains("Released v7"));
    let done = fx
        .poll(&format!("apps/storefront/builds/{}", build["id"].as_str().unwrap()), |b| b["status"] != "pending")
        .await;
    assert_eq!(done["status"], "succeeded");
    let resumed = fx.http.get(&url).header("range", format!("bytes={}-", got.len())).send().await.unwrap();
    assert_eq!(resumed.status(), 206);
    let rest = resumed.text().await.unwrap();
    assert!(rest.contains("Released v7"), "resuming gives the rest: {rest}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_run_writes_the_same_history() {
    let (a, b) = (start(Scenario::ErrorSpike).await, start(Scenario::ErrorSpike).await);
    assert_eq!(a.sb.scratch().head, b.sb.scratch().head);
    assert_eq!(a.sb.scratch().released, b.sb.scratch().released);
    let other = start(Scenario::BuildFails).await;
    assert_eq!(other.sb.scratch().released, a.sb.scratch().released, "production runs the same commit in every drill");
    assert_ne!(other.sb.scratch().head, a.sb.scratch().head, "the drill's own PR sits on top");
}
