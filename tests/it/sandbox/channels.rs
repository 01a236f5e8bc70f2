//! The channels the watch reads besides Sentry: Heroku log sessions (router lines that follow
//! the live code), the storefront's own pages, Slack channel history; and the transient drill's
//! issue, which stops on its own.
use super::{start, Fx};
use bpdeploy::cli::Scenario;
use bpdeploy::deploy::channels::logline::parse_log_line;
use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

async fn deploy_head(fx: &Fx) -> Value {
    let build = fx.build("master").await;
    fx.poll(&format!("apps/storefront/builds/{}", build["id"].as_str().unwrap()), |b| b["status"] != "pending").await;
    fx.poll("apps/storefront/releases/7", |r| r["status"] != "pending").await
}

async fn log_session(fx: &Fx, body: Value) -> String {
    let resp = fx.heroku(Method::POST, "apps/storefront/log-sessions").json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 201);
    let session: Value = resp.json().await.unwrap();
    assert!(session["id"].is_string() && session["created_at"].is_string(), "{session}");
    session["logplex_url"].as_str().unwrap().to_string()
}

/// The `data:` lines of a log stream until it ends or `enough` says so (bounded by a hang guard).
async fn read_log(fx: &Fx, url: &str, enough: impl Fn(&[String]) -> bool) -> (Vec<String>, bool) {
    let resp = fx.http.get(url).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let mut body = resp.bytes_stream();
    let mut text = String::new();
    let mut lines = Vec::new();
    let guard = tokio::time::sleep(Duration::from_secs(20));
    tokio::pin!(guard);
    loop {
        tokio::select! {
            chunk = body.next() => match chunk {
                Some(Ok(bytes)) => text.push_str(&String::from_utf8_lossy(&bytes)),
                _ => return (lines, true),
            },
            _ = &mut guard => panic!("the log stream neither ended nor gave what was expected: {lines:#?}"),
        }
        while let Some(pos) = text.find('\n') {
            let line: String = text.drain(..=pos).collect();
            if let Some(data) = line.trim_end().strip_prefix("data: ") {
                lines.push(data.to_string());
            }
        }
        if enough(&lines) {
            return (lines, false);
        }
    }
}

fn h12(lines: &[String]) -> Vec<&String> {
    lines.iter().filter(|l| parse_log_line(l).and_then(|p| p.key()).is_some_and(|(_, k)| k == "H12")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_session_streams_the_router_and_app_timeouts_times_out_the_forums_once_live() {
    let fx = start(Scenario::AppTimeouts).await;
    // Before the deploy: the last 50 lines, every one a router line that answered.
    let url = log_session(&fx, json!({"lines": 50, "source": "heroku"})).await;
    assert!(url.contains("/logplex/sessions/"), "{url}");
    let (lines, ended) = read_log(&fx, &url, |_| false).await;
    assert!(ended, "without tail the session ends after the history");
    assert_eq!(lines.len(), 50);
    for line in &lines {
        let parsed = parse_log_line(line).unwrap_or_else(|| panic!("not a Heroku log line: {line}"));
        assert_eq!((parsed.source.as_str(), parsed.process.as_str()), ("heroku", "router"));
        assert!(line.contains("status=200"), "{line}");
    }
    // A session key that was never handed out opens nothing.
    let forged = url.replace("/sessions/", "/sessions/x");
    assert_eq!(fx.http.get(forged).send().await.unwrap().status(), 404);

    let release = deploy_head(&fx).await;
    assert_eq!(release["status"], "succeeded");
    let url = log_session(&fx, json!({"tail": true, "lines": 10, "source": "heroku"})).await;
    let (lines, _) = read_log(&fx, &url, |l| h12(l).len() >= 4).await;
    let errors = h12(&lines);
    assert!(errors.iter().all(|l| l.contains("path=\"/forums") && l.contains("status=503")), "{errors:#?}");
    assert!(errors[0].contains("desc=\"Request timeout\"") && errors[0].contains("service=30000ms"));
    // The release restarted the web dynos, and Heroku ends a tail session after a while.
    let url = log_session(&fx, json!({"tail": true, "lines": 1500})).await;
    let (lines, ended) = read_log(&fx, &url, |_| false).await;
    assert!(ended && lines.len() > 1500, "the history, then the tail, then the end: {}", lines.len());
    assert!(lines.iter().any(|l| l.contains("heroku[web.1]: State changed from starting to up")));
    // Sentry stays quiet: timeouts never reach the app's error reporting.
    let sha = fx.sb.scratch().head.to_string();
    let q = format!("api/0/organizations/acme/issues/?query=is:unresolved+firstRelease:{sha}&statsPeriod=1h");
    assert_eq!(fx.sentry_json(&q).await, json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_storefront_pages_follow_the_live_code() {
    let fx = start(Scenario::AppTimeouts).await;
    let base = format!("{}/storefront/", fx.sb.base_url());
    let app = fx.heroku_json("apps/storefront").await;
    assert_eq!(app["web_url"], base.as_str(), "the pages are at the app's web_url");
    let get = |path: &str| fx.http.get(format!("{base}{path}")).send();
    assert_eq!(get("").await.unwrap().status(), 200);
    assert_eq!(get("forums").await.unwrap().status(), 200, "the old code serves the forums");
    assert_eq!(get("no-such-page").await.unwrap().status(), 404);
    deploy_head(&fx).await;
    assert_eq!(get("forums").await.unwrap().status(), 503, "the router gave up on the new code");
    assert_eq!(get("products").await.unwrap().status(), 200);
}

async fn history(fx: &Fx, channel: &str, oldest: &str) -> Vec<Value> {
    let url = format!("{}conversations.history?channel={channel}&oldest={oldest}", fx.env("BPDEPLOY_SLACK_URL"));
    let body: Value =
        fx.http.get(url).bearer_auth(fx.env("SLACK_BOT_TOKEN")).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["ok"], true, "{body}");
    body["messages"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_channels_hear_about_the_trouble_after_the_release() {
    let fx = start(Scenario::ErrorSpike).await;
    let list = fx.slack_json("conversations.list", json!({})).await;
    let names: Vec<&str> = list["channels"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["deploys", "dev-questions", "sentry-integration"]);
    let before = history(&fx, "C0DEVQS001", "0").await;
    assert_eq!(before.len(), 1, "yesterday's question: {before:?}");
    assert_eq!(before[0]["user_profile"]["real_name"], "Carol Lindqvist");
    let release = deploy_head(&fx).await;
    let live = chrono::DateTime::parse_from_rfc3339(release["updated_at"].as_str().unwrap()).unwrap();
    let oldest = format!("{}.000000", live.timestamp() - 1);
    let mut said = Vec::new();
    for _ in 0..400 {
        said = history(&fx, "C0DEVQS001", &oldest).await;
        if !said.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(said.len(), 1, "only what was said since the release: {said:?}");
    assert!(said[0]["text"].as_str().unwrap().contains("error page"), "{said:?}");
    let alerts = history(&fx, "C0SENTRY01", &oldest).await;
    assert_eq!(alerts[0]["bot_profile"]["name"], "Sentry", "{alerts:?}");
    let missing = fx
        .http
        .get(format!("{}conversations.history?channel=C0NOWHERE0", fx.env("BPDEPLOY_SLACK_URL")))
        .bearer_auth(fx.env("SLACK_BOT_TOKEN"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.json::<Value>().await.unwrap()["error"], "channel_not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_transient_issue_stops_on_its_own_within_two_drill_minutes() {
    let fx = start(Scenario::Transient).await;
    deploy_head(&fx).await;
    let sha = fx.sb.scratch().head.to_string();
    let q = format!("api/0/organizations/acme/issues/?query=is:unresolved+firstRelease:{sha}&statsPeriod=1h");
    let mut issue = Value::Null;
    for _ in 0..400 {
        if let Some(i) = fx.sentry_json(&q).await.as_array().unwrap().first() {
            issue = i.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(issue["title"], "Redis::TimeoutError: Connection timed out", "{issue}");
    // Ten drill seconds after it started it stops: its count and lastSeen no longer move.
    tokio::time::sleep(Duration::from_secs(12).div_f64(super::SPEED)).await;
    let stopped = fx.sentry_json(&q).await[0].clone();
    tokio::time::sleep(Duration::from_secs(6).div_f64(super::SPEED)).await;
    let later = fx.sentry_json(&q).await[0].clone();
    assert_eq!((&later["count"], &later["lastSeen"]), (&stopped["count"], &stopped["lastSeen"]));
    let count: u64 = later["count"].as_str().unwrap().parse().unwrap();
    assert!((5..=10).contains(&count), "big enough to count, small enough to be a blip: {count}");
}
