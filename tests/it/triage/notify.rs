//! `--notify` against wiremock: the deploy's thread found by reading the channel back (the
//! channel's id from its name, the bot's own announcement of the release's commit), mentions
//! from the commit authors' emails, the post sent once even when its answer is lost, a new
//! message when the announcement is not found, and nothing posted in a dry run.
use crate::api::{settings, Kit};
use bpdeploy::api::HttpSettings;
use bpdeploy::triage::blame::{ChangeKey, Person};
use bpdeploy::triage::decision::Classification;
use bpdeploy::triage::evidence::TriagedRelease;
use bpdeploy::triage::notify::Notifier;
use bpdeploy::triage::report::{Estimates, IssueReport, Shown};
use bpdeploy::triage::suspects::{Confidence, Suspect};
use serde_json::{json, Value};
use std::time::Duration;
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

const SHA: &str = "83eea336c1b5f0f2a4d1e2f3a4b5c6d7e8f90123";
const THREAD: &str = "1700000100.000200";

fn release() -> TriagedRelease {
    TriagedRelease {
        version: 7,
        name: SHA.into(),
        commit: SHA.into(),
        created_at: None,
        live_at: None,
        replaced: None,
        previous: None,
    }
}

fn issue() -> IssueReport {
    let people = vec![
        Person { name: "Dave Tanaka".into(), email: "dave@acme.test".into() },
        Person { name: "Erin Walsh".into(), email: "erin@acme.test".into() },
    ];
    IssueReport {
        id: "4501000100".into(),
        short_id: "STOREFRONT-4F".into(),
        title: "NoMethodError: undefined method 'multiplier' for nil".into(),
        events: 10,
        users: 4,
        events_per_minute: Some(12.0),
        still_happening: true,
        first_seen: None,
        first_release: Some(SHA.into()),
        frames: vec![],
        suspects: vec![Suspect {
            pull_request: Some(4),
            title: "Award loyalty points on orders".into(),
            authors: vec!["dave".into()],
            confidence: Confidence::High,
            evidence: vec![],
            key: ChangeKey::Pull(4),
            people,
            url: Some("https://github.com/acme/shop/pull/4".into()),
            first_frame: 0,
            lines_in_frame_file: 17,
            migrations: vec![],
        }],
        classification: Classification::Revert,
        reasons: vec![],
        estimates: Estimates::default(),
        next_command: Some("bpdeploy revert 4 --merge --deploy --watch --sentry STOREFRONT-4F".into()),
        shown: Shown::default(),
    }
}

fn ok(extra: Value) -> ResponseTemplate {
    let mut body = json!({"ok": true, "response_metadata": {"next_cursor": ""}});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    ResponseTemplate::new(200).set_body_json(body)
}

/// The channel `#deploys` (C0DEPLOYS1) holds a person's message and another bot's naming the
/// sha, and, when `announced`, the bot's own announcement (ts [`THREAD`]).
async fn workspace(kit: &Kit, announced: bool) {
    let slack = |p: &str| path(format!("/slack/api/{p}"));
    let channels =
        json!({"channels": [{"id": "C0OTHER01", "name": "general"}, {"id": "C0DEPLOYS1", "name": "deploys"}]});
    Mock::given(method("GET")).and(slack("conversations.list")).respond_with(ok(channels)).mount(&kit.server).await;
    let me = json!({"user_id": "U0BOT", "bot_id": "B0BOT"});
    Mock::given(method("GET")).and(slack("auth.test")).respond_with(ok(me)).mount(&kit.server).await;
    let mut messages = vec![
        json!({"type": "message", "ts": "1700000300.000100", "user": "U0ERIN", "text": "is 83eea33 the bad one?"}),
        json!({"type": "message", "ts": "1700000200.000100", "bot_id": "B0HEROKU", "text": "deployed 83eea33 to storefront"}),
    ];
    if announced {
        messages.push(json!({"type": "message", "ts": THREAD, "bot_id": "B0BOT",
            "text": ":rotating_light: drill deployed 83eea33 to storefront: 5 PRs, 4 migrations · v7 is failing"}));
    }
    Mock::given(method("GET"))
        .and(slack("conversations.history"))
        .and(query_param("channel", "C0DEPLOYS1"))
        .respond_with(ok(json!({"messages": messages, "has_more": false})))
        .mount(&kit.server)
        .await;
    let dave = json!({"user": {"id": "U0DAVE", "name": "dave"}});
    Mock::given(method("GET"))
        .and(slack("users.lookupByEmail"))
        .and(query_param("email", "dave@acme.test"))
        .respond_with(ok(dave))
        .mount(&kit.server)
        .await;
    Mock::given(method("GET"))
        .and(slack("users.lookupByEmail"))
        .and(query_param("email", "erin@acme.test"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": false, "error": "users_not_found"})))
        .mount(&kit.server)
        .await;
}

fn notifier<'a>(kit: &'a Kit, dry_run: bool) -> Notifier<'a> {
    Notifier { slack: &kit.c.slack, channel: "#deploys", app: "storefront", dry_run }
}

async fn posts(kit: &Kit) -> Vec<Value> {
    let all = kit.server.received_requests().await.unwrap_or_default();
    all.iter()
        .filter(|r| r.url.path().ends_with("chat.postMessage"))
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn the_summary_goes_in_the_deploy_s_thread_and_mentions_the_authors() {
    let kit = Kit::new().await;
    workspace(&kit, true).await;
    Mock::given(method("POST"))
        .and(path("/slack/api/chat.postMessage"))
        .and(body_partial_json(json!({"channel": "C0DEPLOYS1", "thread_ts": THREAD})))
        .respond_with(ok(json!({"channel": "C0DEPLOYS1", "ts": "1700000400.000100"})))
        .expect(1)
        .mount(&kit.server)
        .await;
    let notice = notifier(&kit, false).send(&release(), &[issue()]).await.unwrap();
    assert!(notice.sent);
    assert_eq!(notice.place, "the thread of the deploy's announcement in C0DEPLOYS1");
    let text = posts(&kit).await[0]["text"].as_str().unwrap().to_string();
    assert!(text.starts_with(":mag: Triage of storefront v7 (83eea33)"), "{text}");
    assert!(text.contains("STOREFRONT-4F") && text.contains("*revert*"), "{text}");
    assert!(text.contains("<https://github.com/acme/shop/pull/4|#4> Award loyalty points on orders"), "{text}");
    assert!(text.contains("`bpdeploy revert 4 --merge --deploy --watch --sentry STOREFRONT-4F`"), "{text}");
    assert!(text.contains("<@U0DAVE> Erin Walsh: can you take a look?"), "Slack's user, else the name: {text}");
    kit.assert_contract().await;
}

/// The announced workspace, where the post's answer never comes back in time (a second is
/// the client's timeout, well above what a loaded machine needs for the reads).
async fn lost_post() -> Kit {
    let kit = Kit::with(HttpSettings { timeout: Duration::from_secs(1), ..settings() }).await;
    workspace(&kit, true).await;
    Mock::given(method("POST"))
        .and(path("/slack/api/chat.postMessage"))
        .respond_with(ok(json!({"ts": "1"})).set_delay(Duration::from_secs(30)))
        .expect(1)
        .mount(&kit.server)
        .await;
    kit
}

#[tokio::test]
async fn a_lost_answer_is_read_back_from_the_thread_and_never_resent() {
    let kit = lost_post().await;
    let ours = bpdeploy::triage::notify::summary(&release(), "storefront", &[issue()], &["<@U0DAVE>".into()]);
    let thread = json!({"messages": [
        {"type": "message", "ts": THREAD, "bot_id": "B0BOT", "text": "drill deployed 83eea33"},
        {"type": "message", "ts": "1700000400.000100", "bot_id": "B0BOT", "text": ours},
    ]});
    Mock::given(method("GET"))
        .and(path("/slack/api/conversations.replies"))
        .and(query_param("ts", THREAD))
        .respond_with(ok(thread))
        .expect(1)
        .mount(&kit.server)
        .await;
    let notice = notifier(&kit, false).send(&release(), &[issue()]).await.unwrap();
    assert!(notice.sent && notice.place.ends_with("(found on reading the thread back)"), "{notice:?}");

    // When the thread does not have it, the outcome stays unknown: an error, and no second post.
    let kit = lost_post().await;
    Mock::given(method("GET"))
        .and(path("/slack/api/conversations.replies"))
        .respond_with(ok(json!({"messages": []})))
        .mount(&kit.server)
        .await;
    let e = notifier(&kit, false).send(&release(), &[issue()]).await.unwrap_err();
    assert!(e.is_ambiguous(), "{e}");
}

#[tokio::test]
async fn without_the_announcement_a_new_message_says_so_and_a_dry_run_posts_nothing() {
    let kit = Kit::new().await;
    workspace(&kit, false).await;
    Mock::given(method("POST"))
        .and(path("/slack/api/chat.postMessage"))
        .respond_with(ok(json!({})))
        .expect(0)
        .mount(&kit.server)
        .await;
    let notice = notifier(&kit, true).send(&release(), &[issue()]).await.unwrap();
    assert!(!notice.sent);
    assert_eq!(notice.place, "a new message in #deploys: the deploy's announcement of 83eea33 was not found there");
    assert!(posts(&kit).await.is_empty(), "a dry run sends nothing");

    let kit = Kit::new().await;
    workspace(&kit, false).await;
    Mock::given(method("POST"))
        .and(path("/slack/api/chat.postMessage"))
        .respond_with(ok(json!({"channel": "C0DEPLOYS1", "ts": "1700000500.000100"})))
        .expect(1)
        .mount(&kit.server)
        .await;
    let notice = notifier(&kit, false).send(&release(), &[issue()]).await.unwrap();
    assert!(notice.sent);
    let post = &posts(&kit).await[0];
    assert_eq!((post["channel"].as_str(), post.get("thread_ts")), (Some("#deploys"), None), "{post}");
}

/// The README's field list for `triage --json` names exactly the fields of the document.
#[test]
fn the_json_fields_are_the_readme_s() {
    let readme = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("- `triage` (one document").expect("the README documents triage's JSON");
    let end = start + readme[start..].find("- `rollback` and `revert`").unwrap();
    let listed: std::collections::BTreeSet<String> = readme[start..end]
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '_') && !w.is_empty())
        .map(String::from)
        .collect();
    let mut i = issue();
    i.frames = vec![bpdeploy::triage::frames::StackFrame {
        file: "app/x.rb".into(),
        line: 1,
        function: "f".into(),
        in_repo: true,
    }];
    i.estimates.rollback_secs = Some(bpdeploy::recovery::eta::Estimate::new(vec![]));
    let doc = json!({"issues": [serde_json::to_value(&i).unwrap()]});
    let mut keys = std::collections::BTreeSet::new();
    fn walk(v: &Value, keys: &mut std::collections::BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    // The estimate's own fields are the previews' (documented with them).
                    if !matches!(k.as_str(), "min" | "max" | "parts" | "what" | "secs" | "from") {
                        keys.insert(k.clone());
                    }
                    walk(v, keys);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, keys)),
            _ => {}
        }
    }
    walk(&doc, &mut keys);
    let classifications = ["experiment", "data", "transient", "patch", "revert", "rollback", "high", "medium", "low"];
    let listed: std::collections::BTreeSet<String> = listed
        .into_iter()
        .filter(|w| !classifications.contains(&w.as_str()) && !["min", "max", "parts"].contains(&w.as_str()))
        .collect();
    assert_eq!(listed, keys, "README lists what --json writes");
}
