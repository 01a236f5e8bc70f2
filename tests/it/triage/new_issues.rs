//! Triage without ISSUE arguments, against wiremock: the release's new issues, most events
//! first, ten at most, the rest named so that nobody takes the list for all of them.
use crate::api::fixtures::sentry as s;
use crate::api::{serve, Kit};
use bpdeploy::triage::evidence::TriagedRelease;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::Mock;

#[tokio::test]
async fn the_ten_busiest_new_issues_are_triaged_and_the_rest_named() {
    let kit = Kit::new().await;
    let issues: Vec<Value> = (1..=12)
        .map(|n| {
            let mut i = s::issue(n);
            i["count"] = json!((n * 7 % 12 + 1).to_string());
            i
        })
        .collect();
    let p = "/sentry/api/0/organizations/acme/issues/";
    Mock::given(method("GET"))
        .and(path(p))
        .and(query_param("query", "is:unresolved firstRelease:\"shop@83eea33\""))
        .respond_with(serve("GET", p, 200, Value::Array(issues.clone())))
        .expect(1)
        .mount(&kit.server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bpdeploy.toml"), "[sentry]\norg = \"acme\"\nproject = \"web\"\n").unwrap();
    let config =
        bpdeploy::config::Config::load(&Default::default(), &bpdeploy::env::Env::from_pairs(dir.path(), [])).unwrap();
    let release = TriagedRelease {
        version: 7,
        name: "shop@83eea33".into(),
        commit: "83eea33".into(),
        created_at: None,
        live_at: None,
        replaced: None,
        previous: None,
    };
    let (ids, left) = bpdeploy::triage::release::issue_ids(&kit.c.sentry, &config, &release, &[]).await.unwrap();
    let mut by_events = issues.clone();
    by_events.sort_by_key(|i| std::cmp::Reverse(i["count"].as_str().unwrap().parse::<u64>().unwrap()));
    let expected: Vec<&str> = by_events.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, expected[..10], "most events first, ten at most");
    let rest: Vec<&str> = by_events[10..].iter().map(|i| i["shortId"].as_str().unwrap()).collect();
    assert_eq!(left, rest, "the ones left out, by short id");
    kit.assert_contract().await;
}
