//! Every client method through the six scenarios of the harness.
use super::fixtures::{heroku as h, sentry as s, sha};
use super::fixtures_github as g;
use super::harness::{exercise, Endpoint};
use bpdeploy::api::github::{MergeRequest, NewDeployment, NewDeploymentStatus, NewPull, PullsQuery};
use bpdeploy::api::heroku::{NewBuild, NewLogSession, SourceBlob};
use bpdeploy::api::sentry::{CommitRef, IssueQuery, NewDeploy, NewRelease, SeriesQuery};
use bpdeploy::api::slack::Message;
use bpdeploy::api::SecretUrl;
use serde_json::json;

fn new_build() -> NewBuild {
    NewBuild {
        source_blob: SourceBlob {
            url: Some(SecretUrl::parse("https://codeload.example/o/r/tar.gz/x?token=SIGNED").unwrap()),
            checksum: None,
            version: Some(sha(7)),
            version_description: Some("Deploy".into()),
        },
    }
}

#[tokio::test]
async fn heroku_endpoints() {
    let app = "/heroku/apps/my-app";
    let eps = vec![
        Endpoint::new("GET", app, h::app("my-app"), |c| {
            Box::pin(async move { c.heroku.app("my-app").await.map(drop) })
        }),
        Endpoint::new("GET", format!("{app}/builds/b1"), h::build(1, "pending", "https://s/x"), |c| {
            Box::pin(async move { c.heroku.build("my-app", "b1").await.map(drop) })
        }),
        Endpoint::new("GET", format!("{app}/builds"), json!([h::build(1, "succeeded", "https://s/x")]), |c| {
            Box::pin(async move { c.heroku.builds("my-app", 5).await.map(drop) })
        }),
        Endpoint::new("POST", format!("{app}/builds"), h::build(1, "pending", "https://s/x"), |c| {
            Box::pin(async move { c.heroku.create_build("my-app", &new_build()).await.map(drop) })
        })
        .status(201)
        .creates(),
        Endpoint::new("GET", format!("{app}/releases"), h::releases(100, 3), |c| {
            Box::pin(async move { c.heroku.releases("my-app", 3).await.map(drop) })
        }),
        Endpoint::new("GET", format!("{app}/releases/42"), h::release(42, false, true), |c| {
            Box::pin(async move { c.heroku.release("my-app", "v42").await.map(drop) })
        }),
        Endpoint::new("POST", format!("{app}/releases"), h::release(101, false, true), |c| {
            Box::pin(async move { c.heroku.rollback("my-app", "01234567-89ab-cdef-0123-456789abcdef").await.map(drop) })
        })
        .status(201)
        .creates(),
        Endpoint::new("POST", format!("{app}/releases"), h::release(101, false, true), |c| {
            Box::pin(async move {
                c.heroku.create_release("my-app", "01234567-89ab-cdef-0123-456789abcdef", "Retry").await.map(drop)
            })
        })
        .status(201)
        .creates(),
        Endpoint::new("GET", format!("{app}/slugs/s1"), h::slug(1), |c| {
            Box::pin(async move { c.heroku.slug("my-app", "s1").await.map(drop) })
        }),
        Endpoint::new("GET", format!("{app}/dynos"), json!([h::dyno(1, "up"), h::dyno(2, "crashed")]), |c| {
            Box::pin(async move { c.heroku.dynos("my-app").await.map(drop) })
        }),
        Endpoint::new(
            "GET",
            format!("{app}/formation"),
            json!([h::formation("web", 2), h::formation("release", 0)]),
            |c| Box::pin(async move { c.heroku.formation("my-app").await.map(drop) }),
        ),
        Endpoint::new("GET", format!("{app}/config-vars"), json!({"RAILS_ENV": "production", "X": null}), |c| {
            Box::pin(async move { c.heroku.config_vars("my-app").await.map(drop) })
        }),
        Endpoint::new("POST", format!("{app}/log-sessions"), h::log_session("https://logs.example/s?srv=1"), |c| {
            Box::pin(async move {
                let req = NewLogSession { tail: Some(true), source: Some("heroku".into()), ..Default::default() };
                c.heroku.create_log_session("my-app", &req).await.map(drop)
            })
        })
        .status(201),
    ];
    for ep in eps {
        exercise(ep, true).await;
    }
}

#[tokio::test]
async fn github_endpoints() {
    let repo = "/github/repos/acme/shop";
    let eps = vec![
        Endpoint::new("GET", format!("{repo}/compare/{}...feature/x", sha(1)), g::comparison(2, 2, 2), |c| {
            Box::pin(async move { c.github.compare(&sha(1), "feature/x").await.map(drop) })
        }),
        Endpoint::new("GET", format!("{repo}/commits/master/status"), g::combined_status(9), |c| {
            Box::pin(async move { c.github.ref_sha("master").await.map(drop) })
        }),
        Endpoint::new("GET", format!("{repo}/commits/master/check-runs"), g::check_runs(2, 1..3), |c| {
            Box::pin(async move { c.github.check_runs("master").await.map(drop) })
        }),
        Endpoint::new("GET", format!("{repo}/pulls/12"), g::pull(12, true), |c| {
            Box::pin(async move { c.github.pull(12).await.map(drop) })
        }),
        Endpoint::new("GET", format!("{repo}/pulls"), json!([g::pull(12, false)]), |c| {
            Box::pin(async move {
                let q = PullsQuery { state: Some("closed".into()), base: Some("master".into()), ..Default::default() };
                c.github.pulls(&q).await.map(drop)
            })
        }),
        Endpoint::new("GET", format!("{repo}/commits/{}/pulls", sha(5)), json!([g::pull(12, false)]), |c| {
            Box::pin(async move { c.github.commit_pulls(&sha(5)).await.map(drop) })
        }),
        Endpoint::new("GET", format!("{repo}/pulls/12/files"), json!([g::diff_entry("app/models/order.rb")]), |c| {
            Box::pin(async move { c.github.pull_files(12).await.map(drop) })
        }),
        Endpoint::new("POST", format!("{repo}/pulls"), g::pull(13, true), |c| {
            Box::pin(async move {
                let pr = NewPull {
                    title: "Revert".into(),
                    head: "revert-12".into(),
                    base: "master".into(),
                    body: None,
                    draft: false,
                };
                c.github.create_pull(&pr).await.map(drop)
            })
        })
        .status(201)
        .creates(),
        Endpoint::new("PUT", format!("{repo}/pulls/12/merge"), g::merge_result(12), |c| {
            Box::pin(async move {
                c.github
                    .merge_pull(12, &MergeRequest { merge_method: Some("squash".into()), ..Default::default() })
                    .await
                    .map(drop)
            })
        })
        // A merge whose answer is lost may have happened: it is read back, never resent.
        .creates(),
        Endpoint::new("POST", format!("{repo}/deployments"), g::deployment(7), |c| {
            Box::pin(async move {
                c.github.create_deployment(&NewDeployment::record(&sha(7), "production", "v100")).await.map(drop)
            })
        })
        .status(201)
        .creates(),
        Endpoint::new("GET", format!("{repo}/deployments"), json!([g::deployment(7)]), |c| {
            Box::pin(async move { c.github.deployments(Some(&sha(7)), Some("production")).await.map(drop) })
        }),
        Endpoint::new("POST", format!("{repo}/deployments/7/statuses"), g::deployment_status(1, "success"), |c| {
            Box::pin(async move {
                let st = NewDeploymentStatus {
                    state: "success".into(),
                    log_url: None,
                    environment_url: None,
                    description: "released".into(),
                };
                c.github.create_deployment_status(7, &st).await.map(drop)
            })
        })
        .status(201),
        Endpoint::new(
            "GET",
            format!("{repo}/deployments/7/statuses"),
            json!([g::deployment_status(1, "success")]),
            |c| Box::pin(async move { c.github.deployment_statuses(7).await.map(drop) }),
        ),
        Endpoint::new("POST", "/github/graphql", json!({"data": {"repository": {"pr12": gql_pr(12)}}}), |c| {
            Box::pin(async move { c.graphql.pulls("acme", "shop", &[12]).await.map(drop) })
        }),
        Endpoint::new("POST", "/github/graphql", revert_answer(), |c| {
            Box::pin(
                async move { c.graphql.revert("PR_12", "Revert \"Change 12\"", "Reverts #12", false).await.map(drop) },
            )
        })
        .creates(),
    ];
    for ep in eps {
        exercise(ep, true).await;
    }
}

pub fn gql_pr(n: u64) -> serde_json::Value {
    json!({"id": format!("PR_{n}"), "number": n, "title": format!("Change {n}"), "url": format!("https://github.com/acme/shop/pull/{n}"),
           "state": "MERGED", "mergedAt": "2026-09-01T12:00:00Z", "mergeCommit": {"oid": sha(n)}, "author": {"login": "dev"},
           "labels": {"nodes": [{"name": "deploy"}]}})
}

pub fn revert_answer() -> serde_json::Value {
    json!({"data": {"revertPullRequest": {"pullRequest": {"id": "PR_12", "number": 12},
           "revertPullRequest": {"id": "PR_20", "number": 20, "url": "https://github.com/acme/shop/pull/20", "headRefName": "revert-12-change"}}}})
}

#[tokio::test]
async fn sentry_endpoints() {
    let org = "/sentry/api/0/organizations/acme";
    let v = sha(100);
    let eps = vec![
        Endpoint::new("POST", format!("{org}/releases/"), s::release(&v), |c| {
            Box::pin(async move {
                let r = NewRelease {
                    version: sha(100),
                    projects: vec!["web".into()],
                    refs: vec![],
                    url: None,
                    date_released: None,
                };
                c.sentry.create_release(&r).await.map(drop)
            })
        })
        .status(201),
        Endpoint::new("GET", format!("{org}/releases/{v}/"), s::release(&v), |c| {
            Box::pin(async move { c.sentry.release(&sha(100)).await.map(drop) })
        }),
        Endpoint::new("PUT", format!("{org}/releases/{v}/"), s::release(&v), |c| {
            Box::pin(async move {
                let refs =
                    [CommitRef { repository: "acme/shop".into(), commit: sha(100), previous_commit: Some(sha(99)) }];
                c.sentry.set_commits(&sha(100), &refs).await.map(drop)
            })
        }),
        Endpoint::new("POST", format!("{org}/releases/{v}/deploys/"), s::deploy(), |c| {
            Box::pin(async move {
                let d = NewDeploy {
                    environment: "production".into(),
                    name: Some("v100".into()),
                    url: None,
                    date_started: None,
                    date_finished: None,
                    projects: vec![],
                };
                c.sentry.create_deploy(&sha(100), &d).await.map(drop)
            })
        })
        .status(201)
        .creates(),
        Endpoint::new("GET", format!("{org}/issues/"), json!([s::issue(7)]), |c| {
            Box::pin(async move {
                let q = IssueQuery {
                    query: format!("is:unresolved firstRelease:{}", sha(100)),
                    stats_period: Some("24h".into()),
                    sort: Some("new".into()),
                    ..Default::default()
                };
                c.sentry.issues(&q).await.map(drop)
            })
        }),
        Endpoint::new("GET", format!("{org}/issues/7/"), s::issue_detail(7), |c| {
            Box::pin(async move { c.sentry.issue("7").await.map(drop) })
        }),
        Endpoint::new("GET", format!("{org}/shortids/WEB-7/"), s::short_id(7), |c| {
            Box::pin(async move { c.sentry.resolve_short_id("WEB-7").await.map(drop) })
        }),
        Endpoint::new("GET", format!("{org}/issues/7/events/latest/"), s::event(), |c| {
            Box::pin(async move { c.sentry.latest_event("7", Some("production")).await.map(drop) })
        }),
        Endpoint::new("GET", format!("{org}/events-timeseries/"), s::timeseries(&[1.0, 2.0]), |c| {
            Box::pin(async move {
                c.sentry
                    .error_counts(&SeriesQuery { stats_period: Some("1h".into()), ..Default::default() })
                    .await
                    .map(drop)
            })
        }),
        Endpoint::new("GET", format!("{org}/events/"), s::events_total(5), |c| {
            Box::pin(async move {
                c.sentry
                    .error_total(&SeriesQuery { stats_period: Some("1h".into()), ..Default::default() })
                    .await
                    .map(drop)
            })
        }),
        Endpoint::new(
            "GET",
            format!("{org}/events/"),
            s::events_by_issue(&[(7, "RAILS-7", "NoMethodError", 12)]),
            |c| {
                Box::pin(async move {
                    c.sentry
                        .error_counts_by_issue(&SeriesQuery { stats_period: Some("1h".into()), ..Default::default() })
                        .await
                        .map(drop)
                })
            },
        ),
    ];
    for ep in eps {
        exercise(ep, true).await;
    }
}

#[tokio::test]
async fn slack_endpoints() {
    let posted = json!({"ok": true, "channel": "C123", "ts": "1700000000.000100", "message": {"text": "hi"}});
    let eps = vec![
        Endpoint::new("POST", "/slack/api/chat.postMessage", posted.clone(), |c| {
            Box::pin(async move { c.slack.post("C123", &Message::text("Deploying v101")).await.map(drop) })
        })
        .creates(),
        Endpoint::new("POST", "/slack/api/chat.postMessage", posted.clone(), |c| {
            Box::pin(
                async move { c.slack.reply("C123", "1700000000.000100", &Message::text("Build ok")).await.map(drop) },
            )
        })
        .creates(),
        Endpoint::new("POST", "/slack/api/chat.update", posted, |c| {
            Box::pin(async move {
                c.slack.update("C123", "1700000000.000100", &Message::text("Deployed v101")).await.map(drop)
            })
        }),
        Endpoint::new("POST", "/slack/api/reactions.add", json!({"ok": true}), |c| {
            Box::pin(async move { c.slack.react("C123", "1700000000.000100", ":white_check_mark:").await })
        }),
        Endpoint::new("GET", "/slack/api/conversations.history", slack_listing("messages"), |c| {
            Box::pin(async move { c.slack.history("C123", "1700000000.000000").await.map(drop) })
        }),
        Endpoint::new("GET", "/slack/api/conversations.replies", slack_listing("messages"), |c| {
            Box::pin(async move { c.slack.replies("C123", "1700000000.000100").await.map(drop) })
        }),
        Endpoint::new("GET", "/slack/api/conversations.list", slack_listing("channels"), |c| {
            Box::pin(async move { c.slack.conversations().await.map(drop) })
        }),
        Endpoint::new("GET", "/slack/api/auth.test", json!({"ok": true, "user_id": "U1", "bot_id": "B1"}), |c| {
            Box::pin(async move { c.slack.identity().await.map(drop) })
        }),
        Endpoint::new(
            "GET",
            "/slack/api/users.lookupByEmail",
            json!({"ok": true, "user": {"id": "U2", "name": "dave"}}),
            |c| Box::pin(async move { c.slack.user_by_email("dave@acme.test").await.map(drop) }),
        ),
    ];
    for ep in eps {
        exercise(ep, true).await;
    }
}

/// A one-page Slack list of `key` (`messages`, `channels`) with one item.
fn slack_listing(key: &str) -> serde_json::Value {
    let item = match key {
        "channels" => json!({"id": "C123", "name": "deploys", "is_member": true}),
        _ => json!({"type": "message", "ts": "1700000000.000100", "text": "deployed", "bot_id": "B1"}),
    };
    json!({"ok": true, key: [item], "has_more": false, "response_metadata": {"next_cursor": ""}})
}
