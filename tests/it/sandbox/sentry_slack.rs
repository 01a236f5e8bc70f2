//! Sentry releases, deploys, issue search and paging, counts over time; Slack messages.
use super::start;
use bpdeploy::cli::Scenario;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn releases_and_deploys_round_trip() {
    let fx = start(Scenario::Happy).await;
    let sha = fx.sb.scratch().head.to_string();
    let missing = fx.sentry(Method::GET, &format!("api/0/organizations/acme/releases/{sha}/")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.headers().contains_key("x-sentry-rate-limit-remaining"));
    let body =
        json!({"version": sha, "projects": ["storefront"], "refs": [{"repository": "acme/storefront", "commit": sha}]});
    let created = fx.sentry(Method::POST, "api/0/organizations/acme/releases/").json(&body).send().await.unwrap();
    assert_eq!(created.status(), 201);
    let again = fx.sentry(Method::POST, "api/0/organizations/acme/releases/").json(&body).send().await.unwrap();
    assert_eq!(again.status(), 208);
    let put = fx.sentry(Method::PUT, &format!("api/0/organizations/acme/releases/{sha}/")).json(&json!({"refs": [{"repository": "acme/storefront", "commit": sha, "previousCommit": fx.sb.scratch().released.to_string()}]})).send().await.unwrap();
    assert_eq!(put.status(), 200);
    let deploy = fx
        .sentry(Method::POST, &format!("api/0/organizations/acme/releases/{sha}/deploys/"))
        .json(&json!({"environment": "production"}))
        .send()
        .await
        .unwrap();
    assert_eq!(deploy.status(), 201);
    let release = fx.sentry_json(&format!("api/0/organizations/acme/releases/{sha}/")).await;
    assert_eq!(release["deployCount"], 1);
    assert_eq!(release["lastDeploy"]["environment"], "production");
    let wrong = fx
        .http
        .get(format!("{}api/0/organizations/acme/issues/", fx.env("BPDEPLOY_SENTRY_URL")))
        .bearer_auth("x")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(wrong.json::<Value>().await.unwrap()["detail"], "Invalid token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_search_pages_with_cursor_links_and_counts_agree_over_time() {
    let fx = start(Scenario::Happy).await;
    let resp = fx.sentry(Method::GET, "api/0/organizations/acme/issues/?query=is:unresolved&statsPeriod=24h&sort=freq&limit=2&environment=production&project=-1").send().await.unwrap();
    let link = resp.headers()["link"].to_str().unwrap().to_string();
    assert!(link.contains("rel=\"next\"; results=\"true\"; cursor=\"0:2:0\""), "{link}");
    assert!(link.contains("rel=\"previous\"; results=\"false\""), "{link}");
    let page: Vec<Value> = resp.json().await.unwrap();
    assert_eq!(page.len(), 2);
    let counts: Vec<u64> = page.iter().map(|i| i["count"].as_str().unwrap().parse().unwrap()).collect();
    assert!(counts[0] >= counts[1] && counts[1] > 0, "sorted by events: {counts:?}");
    let rest = fx
        .sentry(
            Method::GET,
            "api/0/organizations/acme/issues/?query=is:unresolved&statsPeriod=24h&sort=freq&limit=2&cursor=0:2:0",
        )
        .send()
        .await
        .unwrap();
    assert!(rest.headers()["link"].to_str().unwrap().contains("rel=\"next\"; results=\"false\""));
    assert_eq!(rest.json::<Vec<Value>>().await.unwrap().len(), 1);

    let none = fx
        .sentry_json(&format!(
            "api/0/organizations/acme/issues/?query=is:unresolved firstRelease:{}",
            fx.sb.scratch().head
        ))
        .await;
    assert!(none.as_array().unwrap().is_empty(), "nothing is new in a release that never went live");

    let series = fx
        .sentry_json(
            "api/0/organizations/acme/events-timeseries/?dataset=errors&statsPeriod=24h&interval=3600&yAxis=count()",
        )
        .await;
    let values = series["timeSeries"][0]["values"].as_array().unwrap();
    assert_eq!(values.len(), 24);
    let total: f64 = values.iter().map(|v| v["value"].as_f64().unwrap()).sum();
    assert!(total > 20.0, "a day of baseline errors: {total}");
    let missing =
        fx.sentry(Method::GET, "api/0/organizations/acme/events-timeseries/?statsPeriod=1h").send().await.unwrap();
    assert_eq!(missing.status(), 400, "dataset is required");
    let table = fx
        .sentry_json(
            "api/0/organizations/acme/events/?dataset=errors&field=release&field=count()&statsPeriod=24h&sort=-count()",
        )
        .await;
    assert!(table["data"][0]["count()"].as_u64().unwrap() > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_records_posts_edits_thread_replies_and_reactions() {
    let fx = start(Scenario::Happy).await;
    let posted =
        fx.slack_json("chat.postMessage", json!({"channel": "C0DEPLOYS1", "text": ":construction: building"})).await;
    assert_eq!(posted["ok"], true);
    let ts = posted["ts"].as_str().unwrap().to_string();
    let channel = posted["channel"].as_str().unwrap().to_string();
    for text in [":hourglass: release phase", ":eyes: live, watching", ":white_check_mark: healthy"] {
        let edit = fx.slack_json("chat.update", json!({"channel": channel, "ts": ts, "text": text})).await;
        assert_eq!(edit["ok"], true);
    }
    let reply = fx
        .slack_json("chat.postMessage", json!({"channel": channel, "thread_ts": ts, "text": "verdict: healthy"}))
        .await;
    assert_eq!(reply["message"]["thread_ts"], ts);
    let reacted =
        fx.slack_json("reactions.add", json!({"channel": channel, "timestamp": ts, "name": "white_check_mark"})).await;
    assert_eq!(reacted["ok"], true);
    let twice =
        fx.slack_json("reactions.add", json!({"channel": channel, "timestamp": ts, "name": "white_check_mark"})).await;
    assert_eq!(twice["error"], "already_reacted");
    let unknown = fx.slack_json("chat.postMessage", json!({"channel": "C999", "text": "x"})).await;
    assert_eq!(unknown["error"], "channel_not_found");
    let bad_auth = fx
        .http
        .post(format!("{}chat.postMessage", fx.env("BPDEPLOY_SLACK_URL")))
        .bearer_auth("xoxb-nope")
        .json(&json!({"channel": "C0DEPLOYS1", "text": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_auth.status(), 200);
    assert_eq!(bad_auth.json::<Value>().await.unwrap()["error"], "invalid_auth");

    let record = fx.sb.slack_record();
    assert_eq!(record.messages.len(), 2);
    assert_eq!(record.messages[0].history.len(), 4, "posted once, edited through three phases");
    assert_eq!(record.messages[0].text, ":white_check_mark: healthy");
    assert_eq!(record.messages[0].reactions, ["white_check_mark"]);
    let over_http: Value =
        fx.http.get(format!("{}/_sandbox/slack", fx.sb.base_url())).send().await.unwrap().json().await.unwrap();
    assert_eq!(over_http["messages"][1]["thread_ts"], ts);
}
