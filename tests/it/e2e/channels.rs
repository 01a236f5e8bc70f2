//! The watch's channels through the binary (issue 12): app-timeouts fails on the router while
//! Sentry stays quiet; transient ends healthy with its issue reported; happy stays healthy with
//! every channel on; a smoke page that answers 500 fails the watch. Every reason names its
//! channel, and every `watch` event has a field per channel. A Slack token Slack rejects is tried
//! once and warned about once.
use super::{context, of_type, result, Drill};
use bpdeploy::cli::Scenario;
use serde_json::Value;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// `(channel, fails)` of each reason of the verdict.
fn reasons(r: &Value) -> Vec<(String, bool)> {
    let list = r["watch"]["reasons"].as_array().unwrap_or_else(|| panic!("reasons: {r}"));
    list.iter().map(|x| (x["channel"].as_str().unwrap().to_string(), x["fails"] == true)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_timeouts_fails_the_watch_on_router_errors_while_sentry_stays_quiet() {
    let d = Drill::start(Scenario::AppTimeouts).await;
    let run = d.run(&["--json", "deploy", "--yes", "--watch"]).await;
    assert_eq!(run.code, 3, "{}", context(&run));
    let r = result(&run);
    assert_eq!(r["watch"]["verdict"], "failing", "{}", context(&run));
    let why = reasons(&r);
    assert!(why.contains(&("router".to_string(), true)), "the router is why: {why:?}\n{}", context(&run));
    assert!(why.iter().all(|(c, _)| c != "sentry"), "Sentry saw nothing: {why:?}");
    let router = r["watch"]["reasons"].as_array().unwrap().iter().find(|x| x["channel"] == "router").unwrap();
    assert!(router["message"].as_str().unwrap().starts_with("H12 (Request timeout): "), "{router}");
    assert_eq!(r["watch"]["top_issues"], serde_json::json!([]));
    // Triage reads Sentry, which saw nothing: the next step is the rollback, not a triage that
    // would answer "nothing to triage".
    let next: Vec<&str> = r["next"].as_array().unwrap().iter().map(|n| n["command"].as_str().unwrap()).collect();
    assert_eq!(next, ["bpdeploy rollback"], "{r}");
    let ticks = of_type(&run, "watch");
    let last = ticks.last().unwrap();
    assert!(last["router"]["counts"]["H12"].as_u64().unwrap() >= 5, "{last}");
    assert_eq!(last["router"]["state"], "streaming");
    assert_eq!(last["sentry"]["new_issues"], serde_json::json!([]));
    assert_eq!(last["new_issues"], serde_json::json!([]));
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_ends_healthy_with_the_transient_issue_reported() {
    let d = Drill::start(Scenario::Transient).await;
    let run = d.run(&["--json", "deploy", "--yes", "--watch"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let r = result(&run);
    let watch = &r["watch"];
    assert_eq!(watch["verdict"], "healthy", "{}", context(&run));
    let transient = watch["transient_issues"].as_array().unwrap();
    assert_eq!(transient.len(), 1, "{watch}");
    assert_eq!(transient[0]["title"], "Redis::TimeoutError: Connection timed out");
    let events = transient[0]["events"].as_u64().unwrap();
    assert!((5..=10).contains(&events), "counted, but under the threshold: {events}");
    let note = watch["reasons"].as_array().unwrap().iter().find(|x| x["kind"] == "transient_issue").unwrap();
    assert_eq!((note["channel"].as_str(), note["fails"].as_bool()), (Some("sentry"), Some(false)));
    assert!(note["message"].as_str().unwrap().contains("after v7 went live"), "{note}");
    assert!(reasons(&r).iter().all(|(_, fails)| !fails), "nothing fails: {watch}");
    // The looks saw it firing first, then stopped.
    let states: Vec<String> = of_type(&run, "watch")
        .iter()
        .filter_map(|t| t["sentry"]["new_issues"][0]["state"].as_str().map(String::from))
        .collect();
    assert_eq!(states.last().map(String::as_str), Some("transient"), "{states:?}");
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn happy_stays_healthy_with_every_channel_on() {
    let d = Drill::start(Scenario::Happy).await;
    let run = d.run(&["--json", "deploy", "--yes", "--watch"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let r = result(&run);
    assert_eq!(r["watch"]["verdict"], "healthy");
    assert_eq!(r["watch"]["reasons"], serde_json::json!([]), "{}", context(&run));
    let ticks = of_type(&run, "watch");
    let last = ticks.last().unwrap();
    assert_eq!(last["router"]["state"], "streaming", "{last}");
    assert_eq!(last["dynos"]["state"], "streaming");
    let smoke = last["smoke"].as_array().unwrap();
    assert_eq!(smoke.len(), 2, "the two storefront pages: {last}");
    for page in smoke {
        let rounds = page["rounds"].as_array().unwrap();
        assert!(!rounds.is_empty() && rounds.iter().all(|p| p["status"] == 200), "{page}");
    }
    let slack = last["slack"].as_array().unwrap();
    let channels: Vec<&str> = slack.iter().map(|c| c["channel"].as_str().unwrap()).collect();
    assert_eq!(channels, ["#dev-questions", "#sentry-integration"]);
    assert!(slack.iter().all(|c| c.get("off").is_none() && c["posts"] == serde_json::json!([])), "{slack:?}");
    assert!(
        of_type(&run, "warning").iter().all(|w| !w["message"].as_str().unwrap().contains("off")),
        "{}",
        context(&run)
    );
    d.assert_contract();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_smoke_page_that_answers_500_fails_the_watch() {
    let broken = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(500)).mount(&broken).await;
    let d = Drill::start(Scenario::Happy).await;
    let config = d.sb.repo_dir().join("bpdeploy.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let smoke = format!("smoke = [\"{}/checkout\"]", broken.uri());
    let text: Vec<String> =
        text.lines().map(|l| if l.starts_with("smoke = ") { smoke.clone() } else { l.to_string() }).collect();
    std::fs::write(&config, text.join("\n")).unwrap();
    let run = d.run(&["--json", "deploy", "--yes", "--watch"]).await;
    assert_eq!(run.code, 3, "{}", context(&run));
    let r = result(&run);
    assert_eq!(reasons(&r), [("smoke".to_string(), true)], "{}", context(&run));
    let message = r["watch"]["reasons"][0]["message"].as_str().unwrap();
    assert!(message.contains("/checkout: 3 bad rounds in a row (500 in"), "{message}");
    let hits = broken.received_requests().await.unwrap();
    assert!(hits.len() >= 3 && hits.iter().all(|h| h.headers.get("authorization").is_none()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_watch_opens_no_log_session_and_says_the_router_is_off() {
    let d = Drill::start(Scenario::Happy).await;
    let deploy = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(deploy.code, 0, "{}", context(&deploy));
    let before = d.sb.exchanges().len();
    let run = d.run(&["--json", "--dry-run", "watch", "--duration", "300ms", "--interval", "100ms"]).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let warnings: Vec<String> =
        of_type(&run, "warning").iter().map(|w| w["message"].as_str().unwrap().to_string()).collect();
    assert!(warnings.iter().any(|w| w.starts_with("router: off, a dry run opens no log session")), "{warnings:?}");
    let last = of_type(&run, "watch").last().cloned().unwrap();
    assert_eq!((&last["router"], &last["dynos"]), (&Value::Null, &Value::Null), "{last}");
    let sent: Vec<String> =
        d.sb.exchanges()[before..].iter().filter(|x| x.method != "GET").map(|x| x.path.clone()).collect();
    assert_eq!(sent, Vec::<String>::new(), "a dry run sends nothing but reads, no log session either");
}

/// A Slack bot token Slack rejects (revoked, or a typo): each stage posted again and warned
/// again, two or three warnings a run. After the first refusal nothing more is sent to Slack in
/// this run, and it is said once; the deploy and its watch go on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_slack_token_is_tried_once_and_warned_about_once() {
    let d = Drill::start(Scenario::Happy).await;
    let cmd = d.cmd().env("SLACK_BOT_TOKEN", "xoxb-revoked").args(["--json", "deploy", "--yes", "--watch"]);
    let run = d.run_cmd(cmd).await;
    assert_eq!(run.code, 0, "{}", context(&run));
    let posts: Vec<_> = d.sb.requests().into_iter().filter(|r| r.service == "slack" && r.mutates).collect();
    assert_eq!(posts.len(), 1, "one try, refused, then nothing: {posts:#?}");
    // The watch's own Slack channels (`slack #channel: off (…)`) say once each that they read nothing.
    let warned: Vec<Value> = of_type(&run, "warning")
        .into_iter()
        .filter(|w| w["message"].as_str().is_some_and(|m| m.contains("Slack") && !m.starts_with("slack #")))
        .collect();
    assert_eq!(warned.len(), 1, "said once: {warned:#?}");
    assert!(warned[0]["message"].as_str().unwrap().contains("invalid_auth"), "{warned:?}");
}
