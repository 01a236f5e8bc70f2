//! The recovery's Slack notes against wiremock, in Slack's wire format: the deploy's announcement
//! is found by reading the channel back (the channel's id by its name, the bot's own identity,
//! the history paged by cursor), every step is a reply in its thread and the announcement shows
//! the latest state under its own text; when it is not there, a new message, and it says so.
use crate::api::Kit;
use bpdeploy::recovery::notify::Notice;
use chrono::{TimeZone, Utc};
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

const SHA: &str = "83eea336c0ffee0000000000000000000000beef";
const ANNOUNCEMENT: &str = ":rocket: alice deployed 83eea33 to shop: 5 PRs, 2 migrations · live as v7";

fn ok(body: Value) -> ResponseTemplate {
    let mut body = body;
    body["ok"] = json!(true);
    ResponseTemplate::new(200).set_body_json(body)
}

fn message(ts: &str, text: &str, who: Value) -> Value {
    let mut m = json!({"type": "message", "ts": ts, "text": text});
    m.as_object_mut().unwrap().extend(who.as_object().unwrap().clone());
    m
}

/// `#deploys` is C0DEPLOYS1; the bot is B0BOT; the history's two pages hold `first` then `second`.
async fn channel(kit: &Kit, first: Vec<Value>, second: Vec<Value>) {
    let list = json!({"channels": [{"id": "C0OTHER01", "name": "general"}, {"id": "C0DEPLOYS1", "name": "deploys"}],
        "response_metadata": {"next_cursor": ""}});
    Mock::given(method("GET"))
        .and(path("/slack/api/conversations.list"))
        .respond_with(ok(list))
        .expect(1)
        .mount(&kit.server)
        .await;
    let me = json!({"user_id": "U0BOT", "bot_id": "B0BOT", "team": "acme"});
    Mock::given(method("GET"))
        .and(path("/slack/api/auth.test"))
        .respond_with(ok(me))
        .expect(1)
        .mount(&kit.server)
        .await;
    let history = || {
        Mock::given(method("GET"))
            .and(path("/slack/api/conversations.history"))
            .and(query_param("channel", "C0DEPLOYS1"))
    };
    let page = |messages: Vec<Value>, next: &str| {
        ok(json!({"messages": messages, "has_more": !next.is_empty(), "response_metadata": {"next_cursor": next}}))
    };
    history().and(query_param_is_missing("cursor")).respond_with(page(first, "c2")).expect(1).mount(&kit.server).await;
    history().and(query_param("cursor", "c2")).respond_with(page(second, "")).expect(1).mount(&kit.server).await;
}

#[tokio::test]
async fn the_recovery_goes_in_the_thread_of_the_deploy_announcement_found_by_reading_the_channel_back() {
    let kit = Kit::new().await;
    let bot = json!({"subtype": "bot_message", "bot_id": "B0BOT"});
    channel(
        &kit,
        vec![
            message("1700000300.000100", "83eea33 deployed? the checkout looks broken", json!({"user": "U0CAROL"})),
            message("1700000200.000100", "Sentry: alice deployed 83eea33 to shop", json!({"bot_id": "B0SENTRY"})),
        ],
        vec![
            message("1700000100.000100", ANNOUNCEMENT, bot.clone()),
            message("1699990000.000100", ":rocket: bob deployed 1234567 to shop", bot),
        ],
    )
    .await;
    let in_thread = |text: &str| {
        Mock::given(method("POST"))
            .and(path("/slack/api/chat.postMessage"))
            .and(body_partial_json(json!({"channel": "C0DEPLOYS1", "thread_ts": "1700000100.000100", "text": text})))
    };
    let posted = ok(json!({"channel": "C0DEPLOYS1", "ts": "1700000400.000100"}));
    in_thread(":rewind: rolling back").respond_with(posted.clone()).expect(1).mount(&kit.server).await;
    in_thread("Leaving production: #4").respond_with(posted.clone()).expect(1).mount(&kit.server).await;
    in_thread(":rewind: rolled back").respond_with(posted).expect(1).mount(&kit.server).await;
    for latest in [":rewind: rolling back", ":rewind: rolled back"] {
        let text = format!("{ANNOUNCEMENT}\n{latest}");
        Mock::given(method("POST"))
            .and(path("/slack/api/chat.update"))
            .and(body_partial_json(json!({"channel": "C0DEPLOYS1", "ts": "1700000100.000100", "text": text})))
            .respond_with(ok(json!({"channel": "C0DEPLOYS1", "ts": "1700000100.000100"})))
            .expect(1)
            .mount(&kit.server)
            .await;
    }
    let mut notice = Notice::new(kit.c.slack.clone(), "#deploys".into());
    let released = Utc.timestamp_opt(1_700_000_150, 0).unwrap();
    let place = notice.find_thread(Some(SHA), Some(released)).await;
    assert_eq!(place, "Slack: in the thread of the deploy announcement of 83eea33");
    notice.open(":rewind: rolling back", "Leaving production: #4").await.unwrap();
    notice.update(":rewind: rolled back").await.unwrap();
    let history = kit.server.received_requests().await.unwrap();
    let read = history.iter().find(|r| r.url.path().ends_with("conversations.history")).unwrap();
    let oldest = read.url.query_pairs().find(|(k, _)| k == "oldest").unwrap().1.to_string();
    assert_eq!(oldest, format!("{}.000000", 1_700_000_150 - 24 * 3600), "a day before the release, no more");
    kit.assert_contract().await;
}

#[tokio::test]
async fn without_the_announcement_the_recovery_posts_its_own_message_and_says_why() {
    let kit = Kit::new().await;
    let bot = json!({"subtype": "bot_message", "bot_id": "B0BOT"});
    channel(&kit, vec![], vec![message("1700000100.000100", ":rocket: bob deployed 1234567 to shop", bot)]).await;
    Mock::given(method("POST"))
        .and(path("/slack/api/chat.postMessage"))
        .and(body_partial_json(json!({"channel": "#deploys", "text": ":rewind: rolling back"})))
        .respond_with(ok(json!({"channel": "C0DEPLOYS1", "ts": "1700000500.000100"})))
        .expect(1)
        .mount(&kit.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/slack/api/chat.postMessage"))
        .and(body_partial_json(json!({"channel": "C0DEPLOYS1", "thread_ts": "1700000500.000100"})))
        .respond_with(ok(json!({"channel": "C0DEPLOYS1", "ts": "1700000501.000100"})))
        .expect(1)
        .mount(&kit.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/slack/api/chat.update"))
        .and(body_partial_json(json!({"ts": "1700000500.000100", "text": ":rewind: rolled back"})))
        .respond_with(ok(json!({"channel": "C0DEPLOYS1", "ts": "1700000500.000100"})))
        .expect(1)
        .mount(&kit.server)
        .await;
    let mut notice = Notice::new(kit.c.slack.clone(), "#deploys".into());
    let place = notice.find_thread(Some(SHA), Some(Utc.timestamp_opt(1_700_000_150, 0).unwrap())).await;
    assert!(place.contains("the deploy announcement of 83eea33 is not in #deploys"), "{place}");
    assert!(place.ends_with("posting a new message"), "{place}");
    notice.open(":rewind: rolling back", "Leaving production: #4").await.unwrap();
    notice.update(":rewind: rolled back").await.unwrap();
    kit.assert_contract().await;
}
