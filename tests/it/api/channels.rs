//! The watch's channels against wiremock: the Heroku log session (created, read, reopened,
//! given up), smoke probes (no credentials, redirects not followed, timeouts), Slack history
//! (names resolved, the bot's own messages left out, unreadable channels off with the reason).
use super::fixtures::heroku as h;
use super::harness::{exercise, Endpoint};
use super::{serve, Kit};
use bpdeploy::deploy::channels::heroku_log::{LogState, LogWatch};
use bpdeploy::deploy::channels::logline::Channel;
use bpdeploy::deploy::channels::slack_talk::SlackWatch;
use bpdeploy::deploy::channels::smoke::{probe, SmokeChecks, UrlLog};
use chrono::{DateTime, Utc};
use serde_json::json;
use std::time::Duration;
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

const SESSIONS: &str = "/heroku/apps/my-app/log-sessions";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn sse(lines: &[&str]) -> ResponseTemplate {
    let body: String = lines.iter().enumerate().map(|(i, l)| format!("id: {i}\ndata: {l}\n\n")).collect();
    ResponseTemplate::new(200).set_body_raw(body, "text/event-stream")
}

const BEFORE: &str =
    "2024-05-01T11:59:00.000001+00:00 heroku[router]: at=info method=GET path=\"/\" status=200 bytes=1";
const H12_A: &str = "2024-05-01T12:00:01.000001+00:00 heroku[router]: at=error code=H12 desc=\"Request timeout\" \
                     method=GET path=\"/forums\" status=503 bytes=0";
const H12_B: &str = "2024-05-01T12:00:02.000001+00:00 heroku[router]: at=error code=H12 desc=\"Request timeout\" \
                     method=GET path=\"/forums/1\" status=503 bytes=0";
const H12_C: &str = "2024-05-01T12:00:03.000001+00:00 heroku[router]: at=error code=H12 desc=\"Request timeout\" \
                     method=GET path=\"/forums/2\" status=503 bytes=0";
const R14: &str = "2024-05-01T12:00:04.000001+00:00 heroku[web.1]: Error R14 (Memory quota exceeded)";

async fn until_off(watch: &LogWatch) -> String {
    for _ in 0..500 {
        if let LogState::Off { reason } = watch.state() {
            return reason;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the log channel never gave up: {:?}", watch.state());
}

#[tokio::test]
async fn the_log_is_read_reopened_without_double_counting_and_given_up_on_a_refusal() {
    let kit = Kit::new().await;
    let base = kit.server.uri();
    for (n, stream) in [(1, "/logplex/s1"), (2, "/logplex/s2")] {
        Mock::given(method("POST"))
            .and(path(SESSIONS))
            .and(body_partial_json(json!({"tail": true, "source": "heroku", "lines": 1500})))
            .respond_with(serve("POST", SESSIONS, 201, h::log_session(&format!("{base}{stream}?srv=SIGNED"))))
            .up_to_n_times(1)
            .with_priority(n)
            .expect(1)
            .mount(&kit.server)
            .await;
    }
    let refused = json!({"id": "forbidden", "message": "You do not have access to the app my-app."});
    Mock::given(method("POST"))
        .and(path(SESSIONS))
        .respond_with(serve("POST", SESSIONS, 403, refused))
        .with_priority(3)
        .expect(1)
        .mount(&kit.server)
        .await;
    // The first session streams the history and two errors, then Heroku ends it; the second
    // replays the last lines (already counted) and brings one more of each.
    Mock::given(method("GET"))
        .and(path("/logplex/s1"))
        .respond_with(sse(&[BEFORE, H12_A, H12_B]))
        .mount(&kit.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/logplex/s2"))
        .respond_with(sse(&[H12_A, H12_B, H12_C, R14, "not a log line"]))
        .mount(&kit.server)
        .await;

    let watch =
        LogWatch::start(kit.c.heroku.clone(), "my-app".into(), at("2024-05-01T12:00:00Z"), Duration::from_millis(5));
    let reason = until_off(&watch).await;
    assert!(reason.starts_with("no log session: Heroku answered 403"), "{reason}");
    let tally = watch.tally();
    assert_eq!(tally.since_release(Channel::Router).get("H12"), Some(&3), "{tally:?}");
    assert_eq!(tally.since_release(Channel::Dynos).get("R14"), Some(&1));
    for req in kit.server.received_requests().await.unwrap() {
        if req.url.path().starts_with("/logplex") {
            assert!(req.headers.get("authorization").is_none(), "the logplex URL is the capability: no token");
        }
    }
    assert!(!reason.contains("SIGNED") && !format!("{:?}", watch.state()).contains("SIGNED"));
    kit.assert_contract().await;
}

#[tokio::test]
async fn a_log_session_that_cannot_be_had_turns_the_channel_off_after_one_try() {
    let kit = Kit::new().await;
    let body = json!({"id": "not_found", "message": "Couldn't find that app."});
    Mock::given(method("POST"))
        .and(path(SESSIONS))
        .respond_with(serve("POST", SESSIONS, 404, body))
        .expect(1)
        .mount(&kit.server)
        .await;
    let watch = LogWatch::start(kit.c.heroku.clone(), "my-app".into(), Utc::now(), Duration::from_millis(5));
    assert!(until_off(&watch).await.contains("404"));
}

#[tokio::test]
async fn sessions_that_stream_nothing_are_given_up_after_three() {
    let kit = Kit::new().await;
    let base = kit.server.uri();
    Mock::given(method("POST"))
        .and(path(SESSIONS))
        .respond_with(serve("POST", SESSIONS, 201, h::log_session(&format!("{base}/logplex/empty"))))
        .expect(3)
        .mount(&kit.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/logplex/empty"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&kit.server)
        .await;
    let watch = LogWatch::start(kit.c.heroku.clone(), "my-app".into(), Utc::now(), Duration::from_millis(5));
    assert_eq!(until_off(&watch).await, "the log stream gave nothing after three sessions");
}

#[tokio::test]
async fn smoke_probes_send_no_credentials_follow_no_redirect_and_time_out() {
    let kit = Kit::new().await;
    let base = kit.server.uri();
    Mock::given(method("GET")).and(path("/")).respond_with(ResponseTemplate::new(200)).mount(&kit.server).await;
    Mock::given(method("GET"))
        .and(path("/old"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", format!("{base}/")))
        .mount(&kit.server)
        .await;
    Mock::given(method("GET")).and(path("/boom")).respond_with(ResponseTemplate::new(500)).mount(&kit.server).await;
    Mock::given(method("GET"))
        .and(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&kit.server)
        .await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let url = |p: &str| url::Url::parse(&format!("{base}{p}")).unwrap();
    let timeout = Duration::from_millis(300);
    assert_eq!(probe(&client, &url("/"), timeout).await.status, Some(200));
    assert_eq!(probe(&client, &url("/old"), timeout).await.status, Some(301), "a redirect is an answer");
    let boom = probe(&client, &url("/boom"), timeout).await;
    assert!(boom.bad() && boom.status == Some(500));
    let slow = probe(&client, &url("/slow"), timeout).await;
    assert_eq!((slow.status, slow.error.as_deref()), (None, Some("no answer within 300 ms")));
    let refused = probe(&client, &url::Url::parse("http://127.0.0.1:9/").unwrap(), timeout).await;
    assert!(refused.bad() && refused.error.unwrap().starts_with("failed ("));
    let gets = kit.server.received_requests().await.unwrap();
    assert!(gets.iter().all(|r| r.headers.get("authorization").is_none() && r.headers.get("cookie").is_none()));
    assert_eq!(gets.iter().filter(|r| r.url.path() == "/").count(), 1, "the 301 was not followed");
}

/// The logs once page `i` has three rounds. A hang guard only: three rounds of a page that
/// answers at once take milliseconds.
async fn three_rounds_of(checks: &SmokeChecks, i: usize) -> Vec<UrlLog> {
    for _ in 0..1000 {
        if checks.logs()[i].rounds.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    checks.logs()
}

#[tokio::test]
async fn smoke_checks_run_rounds_until_dropped() {
    let kit = Kit::new().await;
    Mock::given(method("GET")).and(path("/up")).respond_with(ResponseTemplate::new(200)).mount(&kit.server).await;
    let urls = vec![url::Url::parse(&format!("{}/up?key=SECRET", kit.server.uri())).unwrap()];
    let checks = SmokeChecks::start(reqwest::Client::new(), urls, Duration::from_millis(10), Duration::from_secs(2));
    let logs = three_rounds_of(&checks, 0).await;
    assert!(logs[0].rounds.len() >= 3, "{logs:?}");
    assert!(!logs[0].url.contains("SECRET"), "the query stays out of what is shown");
    assert!(logs[0].rounds.iter().all(|p| p.status == Some(200)));
    drop(checks);
    let seen = kit.server.received_requests().await.unwrap().len();
    tokio::time::sleep(Duration::from_millis(60)).await;
    assert_eq!(kit.server.received_requests().await.unwrap().len(), seen, "no round after the drop");
}

fn msg(ts: &str, user: &str, text: &str) -> serde_json::Value {
    json!({"type": "message", "user": user, "text": text, "ts": ts})
}

#[tokio::test]
async fn slack_channels_are_found_by_name_read_since_the_release_and_unreadable_ones_are_off() {
    let kit = Kit::new().await;
    let ok = |v: serde_json::Value| ResponseTemplate::new(200).set_body_json(v);
    Mock::given(method("GET"))
        .and(path("/slack/api/auth.test"))
        .respond_with(ok(json!({"ok": true, "user_id": "UBOT", "bot_id": "B0ME"})))
        .mount(&kit.server)
        .await;
    // Two pages of channels: the cursor is followed.
    Mock::given(method("GET"))
        .and(path("/slack/api/conversations.list"))
        .and(query_param("cursor", "page2"))
        .respond_with(ok(json!({"ok": true, "channels": [{"id": "C0SENTRY01", "name": "sentry-integration"}],
            "response_metadata": {"next_cursor": ""}})))
        .with_priority(1)
        .mount(&kit.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/slack/api/conversations.list"))
        .respond_with(ok(json!({"ok": true, "channels": [{"id": "C0DEVQS001", "name": "dev-questions"},
            {"id": "C0PRIVATE1", "name": "ops"}], "response_metadata": {"next_cursor": "page2"}})))
        .with_priority(2)
        .mount(&kit.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/slack/api/conversations.history"))
        .and(query_param("channel", "C0DEVQS001"))
        .and(query_param("oldest", "1714564800.000000"))
        .respond_with(ok(json!({"ok": true, "messages": [
            msg("1714564830.000200", "U2", "forums are timing out for me"),
            msg("1714564820.000100", "UBOT", "Deploying v42"),
        ], "has_more": false})))
        .mount(&kit.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/slack/api/conversations.history"))
        .and(query_param("channel", "C0SENTRY01"))
        .respond_with(ok(json!({"ok": false, "error": "not_in_channel"})))
        .mount(&kit.server)
        .await;
    let configured = ["#dev-questions".to_string(), "sentry-integration".into(), "#nowhere".into()];
    let watch = SlackWatch::resolve(&kit.c.slack, &configured).await;
    let views = watch.look(&kit.c.slack, at("2024-05-01T12:00:00Z")).await;
    assert_eq!(views.len(), 3);
    let posts: Vec<(&str, &str)> = views[0].posts.iter().map(|p| (p.author.as_str(), p.first_line.as_str())).collect();
    assert_eq!(posts, [("U2", "forums are timing out for me")], "the bot's own announcement is left out");
    assert!(views[1].off.as_deref().unwrap().contains("invite the bot"), "{:?}", views[1]);
    assert_eq!(views[2].off.as_deref(), Some("no channel named #nowhere is visible to the bot"));
    kit.assert_contract().await;
}

#[tokio::test]
async fn slack_reads() {
    let listing = json!({"ok": true, "messages": [msg("1714564830.000200", "U2", "hi")], "has_more": false});
    let channels = json!({"ok": true, "channels": [{"id": "C0DEVQS001", "name": "dev-questions"}]});
    let eps = vec![
        Endpoint::new("GET", "/slack/api/conversations.history", listing, |c| {
            Box::pin(async move { c.slack.history("C0DEVQS001", "1714564800.000000").await.map(drop) })
        }),
        Endpoint::new("GET", "/slack/api/conversations.list", channels, |c| {
            Box::pin(async move { c.slack.conversations().await.map(drop) })
        }),
        Endpoint::new("GET", "/slack/api/auth.test", json!({"ok": true, "user_id": "U1", "bot_id": "B1"}), |c| {
            Box::pin(async move { c.slack.identity().await.map(drop) })
        }),
    ];
    for ep in eps {
        exercise(ep, true).await;
    }
}

#[tokio::test]
async fn an_issue_baseline_is_the_day_before_the_release_and_looks_count_since_it() {
    use bpdeploy::deploy::channels::sentry_look::IssueBaseline;
    let kit = Kit::new().await;
    let events = "/sentry/api/0/organizations/acme/events/";
    let table = super::fixtures::sentry::events_by_issue;
    Mock::given(method("GET"))
        .and(path(events))
        .and(query_param("start", "2024-04-30T12:00:00Z"))
        .and(query_param("end", "2024-05-01T12:00:00Z"))
        .and(query_param("sort", "-count()"))
        .respond_with(serve("GET", events, 200, table(&[(7, "RAILS-7", "Net::ReadTimeout", 1440)])))
        .expect(1)
        .mount(&kit.server)
        .await;
    Mock::given(method("GET"))
        .and(path(events))
        // From the first whole second after the release went live: Heroku's time is whole
        // seconds, so the second it names still holds the previous release's last events.
        .and(query_param("start", "2024-05-01T12:00:01Z"))
        .and(query_param("end", "2024-05-01T12:10:00Z"))
        .and(query_param("field", "issue.id"))
        .and(query_param("environment", "production"))
        .respond_with(serve(
            "GET",
            events,
            200,
            table(&[(7, "RAILS-7", "Net::ReadTimeout", 60), (9, "RAILS-9", "New", 3)]),
        ))
        .expect(1)
        .mount(&kit.server)
        .await;
    let live = at("2024-05-01T12:00:00Z");
    let baseline = IssueBaseline::measure(&kit.c.sentry, "shop", "production", live).await.unwrap();
    // What `observe::live_at` makes of a release Heroku stamps 12:00:00: its first second is
    // still the previous release's, so the release's own time starts at 12:00:01.
    let own = at("2024-05-01T12:00:01Z");
    let counts = baseline.look(&kit.c.sentry, "shop", "production", own, at("2024-05-01T12:10:00Z")).await.unwrap();
    let got: Vec<(&str, Option<&str>, u64, u64)> =
        counts.iter().map(|c| (c.id.as_str(), c.short_id.as_deref(), c.since, c.before)).collect();
    assert_eq!(got, [("7", Some("RAILS-7"), 60, 1440), ("9", Some("RAILS-9"), 3, 0)]);
    kit.assert_contract().await;
}

/// Issue 12: each page is fetched every interval. A page that hangs (a forum page timing out
/// behind the router) held every other page's rounds back until its own timeout, so the pages
/// that answered went unrecorded for a whole timeout at a time.
#[tokio::test]
async fn a_hanging_smoke_page_does_not_hold_the_other_pages_rounds_back() {
    let kit = Kit::new().await;
    Mock::given(method("GET")).and(path("/up")).respond_with(ResponseTemplate::new(200)).mount(&kit.server).await;
    Mock::given(method("GET"))
        .and(path("/forums"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(120)))
        .mount(&kit.server)
        .await;
    let url = |p: &str| url::Url::parse(&format!("{}{p}", kit.server.uri())).unwrap();
    let timeout = Duration::from_secs(60);
    let checks = SmokeChecks::start(
        reqwest::Client::new(),
        vec![url("/forums"), url("/up")],
        Duration::from_millis(10),
        timeout,
    );
    let logs = three_rounds_of(&checks, 1).await;
    assert!(logs[1].rounds.len() >= 3, "the page that answers has its rounds: {logs:?}");
    assert!(logs[0].rounds.is_empty(), "the hanging page is still in its first: {logs:?}");
}
