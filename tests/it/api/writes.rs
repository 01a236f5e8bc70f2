//! Creating calls: sent once, ambiguous failures said plainly; GitHub's tarball redirect,
//! GraphQL partial answers, Slack's webhook and `already_reacted`.
use super::endpoints::{gql_pr, revert_answer};
use super::fixtures::{heroku as h, sha};
use super::fixtures_github as g;
use super::{assert_no_secret, serve, settings, Kit};
use bpdeploy::api::github::NewPull;
use bpdeploy::api::heroku::{NewBuild, SourceBlob};
use bpdeploy::api::slack::{Message, Slack};
use bpdeploy::api::{ApiError, HttpSettings, SecretUrl};
use bpdeploy::error::Diagnose;
use serde_json::json;
use std::time::Duration;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, ResponseTemplate};

fn slow() -> HttpSettings {
    HttpSettings { timeout: Duration::from_millis(150), ..settings() }
}

fn assert_unknown_outcome(e: &ApiError, what: &str) {
    assert!(e.is_ambiguous(), "{what}: {e:?}");
    assert!(e.to_string().contains("the outcome is unknown"), "{what}: {e}");
    assert!(e.hint().unwrap().contains("check the current state"), "{what}");
    assert_no_secret(e);
}

#[tokio::test]
async fn a_build_whose_answer_times_out_is_sent_once_and_reported_unknown() {
    let kit = Kit::with(slow()).await;
    let p = "/heroku/apps/my-app/builds";
    let answer = serve("POST", p, 201, h::build(1, "pending", "https://s/x")).set_delay(Duration::from_secs(2));
    Mock::given(method("POST")).and(path(p)).respond_with(answer).expect(1).mount(&kit.server).await;
    let blob = SourceBlob {
        url: Some(SecretUrl::parse("https://codeload.example/o/r/tar.gz/x?token=SIGNED").unwrap()),
        checksum: None,
        version: Some(sha(7)),
        version_description: None,
    };
    let e = kit.c.heroku.create_build("my-app", &NewBuild { source_blob: blob }).await.unwrap_err();
    assert_unknown_outcome(&e, "build");
    assert_eq!(e.code(), "heroku_outcome_unknown");
    kit.assert_contract().await;
}

#[tokio::test]
async fn rollbacks_prs_reverts_deploys_and_messages_are_never_resent() {
    let kit = Kit::with(slow()).await;
    let late = |body| ResponseTemplate::new(201).set_body_json(body).set_delay(Duration::from_secs(2));
    for (m, p, body) in [
        ("POST", "/heroku/apps/my-app/releases", h::release(101, false, true)),
        ("POST", "/github/repos/acme/shop/pulls", g::pull(13, true)),
        ("POST", "/github/graphql", revert_answer()),
        ("POST", "/sentry/api/0/organizations/acme/releases/abc/deploys/", super::fixtures::sentry::deploy()),
        ("POST", "/slack/api/chat.postMessage", json!({"ok": true, "channel": "C1", "ts": "1.1"})),
    ] {
        Mock::given(method(m)).and(path(p)).respond_with(late(body)).expect(1).named(p).mount(&kit.server).await;
    }
    let c = &kit.c;
    assert_unknown_outcome(
        &c.heroku.rollback("my-app", "01234567-89ab-cdef-0123-456789abcdef").await.unwrap_err(),
        "rollback",
    );
    let pr = NewPull { title: "t".into(), head: "h".into(), base: "master".into(), body: None, draft: false };
    assert_unknown_outcome(&c.github.create_pull(&pr).await.unwrap_err(), "pull");
    assert_unknown_outcome(&c.graphql.revert("PR_1", "Revert", "", false).await.unwrap_err(), "revert");
    let d = bpdeploy::api::sentry::NewDeploy {
        environment: "production".into(),
        name: None,
        url: None,
        date_started: None,
        date_finished: None,
        projects: vec![],
    };
    assert_unknown_outcome(&c.sentry.create_deploy("abc", &d).await.unwrap_err(), "deploy");
    assert_unknown_outcome(&c.slack.post("C1", &Message::text("hi")).await.unwrap_err(), "message");
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_create_because_nothing_was_sent() {
    // A port nobody listens on: every attempt fails to connect.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let transport = bpdeploy::api::Transport::new(settings()).unwrap();
    let base = url::Url::parse(&format!("http://{addr}/heroku/")).unwrap();
    let core = bpdeploy::api::HttpCore::new(
        transport,
        bpdeploy::credentials::Service::Heroku,
        base,
        Some(bpdeploy::credentials::Token::new(super::SENTINEL)),
    );
    let heroku = bpdeploy::api::heroku::Heroku::new(core);
    let e = heroku.rollback("my-app", "r1").await.unwrap_err();
    assert!(matches!(e, ApiError::Transport { .. }), "{e:?}");
    assert_eq!(e.code(), "heroku_unreachable");
    assert!(!e.to_string().contains(&addr.port().to_string()) || !e.to_string().contains("http://"), "no URL in {e}");
}

#[tokio::test]
async fn the_tarball_location_is_returned_unfollowed_and_never_shown() {
    let kit = Kit::new().await;
    let p = "/github/repos/acme/shop/tarball/feature/x";
    let location = format!("{}/codeload/acme/shop/legacy.tar.gz/refs/heads/feature/x?token=SIGNED", kit.server.uri());
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", location.as_str()))
        .expect(1)
        .mount(&kit.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/codeload/acme/shop/legacy.tar.gz/refs/heads/feature/x"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&kit.server)
        .await;
    let url = kit.c.github.tarball_url("feature/x").await.unwrap();
    assert_eq!(url.expose().as_str(), location);
    let shown = format!("{url} {url:?}");
    assert!(!shown.contains("SIGNED") && !shown.contains("legacy"), "{shown}");
    kit.assert_contract().await;

    let kit = Kit::new().await;
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(200).set_body_string("tarball"))
        .mount(&kit.server)
        .await;
    let e = kit.c.github.tarball_url("feature/x").await.unwrap_err();
    assert!(matches!(e, ApiError::Decode { .. }) && e.to_string().contains("expected a redirect"), "{e}");
}

#[tokio::test]
async fn graphql_keeps_partial_data_and_lists_the_missing_numbers() {
    let kit = Kit::new().await;
    let answer = json!({"data": {"repository": {"pr12": gql_pr(12), "pr15": null}},
        "errors": [{"type": "NOT_FOUND", "path": ["repository", "pr15"], "message": "Could not resolve to a PullRequest with the number of 15."}]});
    Mock::given(method("POST"))
        .and(path("/github/graphql"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&kit.server)
        .await;
    let found = kit.c.graphql.pulls("acme", "shop", &[15, 12, 12]).await.unwrap();
    assert_eq!(found.found.keys().copied().collect::<Vec<_>>(), vec![12]);
    assert_eq!(found.missing, vec![15]);
    assert_eq!(found.found[&12].merge_commit.as_ref().unwrap().oid, sha(12));
    kit.assert_contract().await;
}

#[tokio::test]
async fn graphql_batches_fifty_aliases_per_request() {
    let kit = Kit::new().await;
    Mock::given(method("POST"))
        .and(path("/github/graphql"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"repository": {}}})))
        .expect(3)
        .mount(&kit.server)
        .await;
    let numbers: Vec<u64> = (1..=120).collect();
    let found = kit.c.graphql.pulls("acme", "shop", &numbers).await.unwrap();
    assert_eq!(found.missing.len(), 120);
    kit.assert_contract().await;
}

#[tokio::test]
async fn graphql_errors_on_http_200_are_typed() {
    let kit = Kit::new().await;
    let answer =
        json!({"data": null, "errors": [{"type": "FORBIDDEN", "message": "Resource not accessible by integration"}]});
    Mock::given(method("POST"))
        .and(path("/github/graphql"))
        .and(body_partial_json(json!({"variables": {"input": {"pullRequestId": "PR_12"}}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&kit.server)
        .await;
    let e = kit.c.graphql.revert("PR_12", "Revert", "", false).await.unwrap_err();
    assert_eq!((e.status(), e.error_id()), (Some(403), Some("FORBIDDEN")));
    assert!(e.to_string().contains("Resource not accessible"), "{e}");
}

#[tokio::test]
async fn github_403_names_the_missing_permission() {
    let kit = Kit::new().await;
    let p = "/github/repos/acme/shop/deployments";
    Mock::given(method("POST"))
        .and(path(p))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("X-Accepted-GitHub-Permissions", "deployments=write")
                .insert_header("X-GitHub-Request-Id", "AB12:3")
                .set_body_json(g::error("Resource not accessible by personal access token")),
        )
        .expect(1)
        .mount(&kit.server)
        .await;
    let e = kit
        .c
        .github
        .create_deployment(&bpdeploy::api::github::NewDeployment::record(&sha(7), "production", "v1"))
        .await
        .unwrap_err();
    assert!(e.hint().unwrap().contains("deployments=write"), "{:?}", e.hint());
    assert!(e.to_string().contains("request id AB12:3"), "{e}");
}

#[tokio::test]
async fn slack_already_reacted_is_success_and_ok_false_is_an_error() {
    let kit = Kit::new().await;
    Mock::given(method("POST"))
        .and(path("/slack/api/reactions.add"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": false, "error": "already_reacted"})))
        .expect(1)
        .mount(&kit.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/slack/api/chat.postMessage"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": false, "error": "not_in_channel"})))
        .expect(1)
        .mount(&kit.server)
        .await;
    kit.c.slack.react("C1", "1.1", "rocket").await.unwrap();
    let e = kit.c.slack.post("C1", &Message::text("hi")).await.unwrap_err();
    assert!(e.hint().unwrap().contains("invite the bot"), "{:?}", e.hint());
    kit.assert_contract().await;
}

#[tokio::test]
async fn a_slack_webhook_posts_but_cannot_edit_and_its_url_stays_secret() {
    let kit = Kit::new().await;
    let p = "/services/T000/B000/XXXXSECRETXXXX";
    Mock::given(method("POST"))
        .and(path(p))
        .and(body_partial_json(json!({"text": "Deploying v101"})))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .expect(1)
        .mount(&kit.server)
        .await;
    let url = SecretUrl::parse(&format!("{}{p}", kit.server.uri())).unwrap();
    let slack = Slack::webhook(kit.c.transport.clone(), url);
    assert!(!slack.can_edit());
    let posted = slack.post("ignored", &Message::text("Deploying v101")).await.unwrap();
    assert_eq!(posted.ts, None);
    let e = slack.update("C1", "1.1", &Message::text("x")).await.unwrap_err();
    assert!(matches!(e, ApiError::Unsupported { .. }) && e.hint().unwrap().contains("SLACK_BOT_TOKEN"), "{e}");
    assert!(!format!("{slack:?}").contains("SECRET"));

    let kit = Kit::new().await;
    Mock::given(method("POST"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(404).set_body_string("channel_not_found"))
        .mount(&kit.server)
        .await;
    let url = SecretUrl::parse(&format!("{}{p}", kit.server.uri())).unwrap();
    let e = Slack::webhook(kit.c.transport.clone(), url).post("x", &Message::text("hi")).await.unwrap_err();
    let shown = format!("{e} {e:?}");
    assert!(shown.contains("channel_not_found") && !shown.contains("SECRET"), "{shown}");
}
