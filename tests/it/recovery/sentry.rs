//! `--sentry ISSUE` against wiremock: the issue named by its id, its short id (Sentry's
//! `shortids/` lookup) or its URL; an issue Sentry does not know stops the command; and its
//! events are counted from the whole second after the new release went live, never before.
use crate::api::fixtures::sentry as s;
use crate::api::{serve, Kit};
use bpdeploy::api::sentry::SeriesQuery;
use bpdeploy::error::Failure;
use bpdeploy::recovery::sentry_issue::{measure, resolve, IssueState, Scope};
use chrono::{DateTime, Utc};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::Mock;

const ORG: &str = "/sentry/api/0/organizations/acme";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

#[tokio::test]
async fn an_issue_is_its_id_its_short_id_or_its_url_and_an_unknown_one_is_refused() {
    let kit = Kit::new().await;
    let detail = format!("{ORG}/issues/77/");
    Mock::given(method("GET"))
        .and(path(&detail))
        .respond_with(serve("GET", &detail, 200, s::issue_detail(77)))
        .expect(2)
        .mount(&kit.server)
        .await;
    let short = format!("{ORG}/shortids/WEB-77/");
    let found = json!({"organizationSlug": "acme", "projectSlug": "web", "groupId": "77", "shortId": "WEB-77", "group": s::issue(77)});
    Mock::given(method("GET"))
        .and(path(&short))
        .respond_with(serve("GET", &short, 200, found))
        .expect(1)
        .mount(&kit.server)
        .await;
    let missing = format!("{ORG}/shortids/WEB-ZZ/");
    let none = json!({"detail": "Short ID not found"});
    Mock::given(method("GET"))
        .and(path(&missing))
        .respond_with(serve("GET", &missing, 404, none))
        .expect(1)
        .mount(&kit.server)
        .await;

    for arg in ["77", "web-77", "https://acme.sentry.io/issues/77/?project=1"] {
        let issue = resolve(&kit.c.sentry, arg).await.unwrap();
        assert_eq!(
            (issue.id.as_str(), issue.short_id.as_str(), issue.state),
            ("77", "WEB-77", IssueState::Following),
            "{arg}"
        );
        assert_eq!(issue.title, "NoMethodError: undefined method #77");
    }
    let e = resolve(&kit.c.sentry, "WEB-ZZ").await.unwrap_err();
    let f = Failure::from_anyhow(&e);
    assert_eq!(
        (f.code.as_str(), f.message.as_str()),
        ("sentry_issue_not_found", "Sentry has no issue WEB-ZZ in this organization")
    );
    let e = resolve(&kit.c.sentry, "not an issue").await.unwrap_err();
    assert_eq!(Failure::from_anyhow(&e).code, "usage", "refused before any request");
    kit.assert_contract().await;
}

#[tokio::test]
async fn the_errors_count_from_the_second_after_going_live_and_any_event_means_not_recovered() {
    let kit = Kit::new().await;
    let events = format!("{ORG}/events/");
    Mock::given(method("GET"))
        .and(path(&events))
        .and(query_param("query", "issue:WEB-77"))
        .and(query_param("start", "2025-01-01T10:00:01Z"))
        .and(query_param("project", "web"))
        .and(query_param("environment", "production"))
        .respond_with(serve("GET", &events, 200, s::events_total(3)))
        .expect(1)
        .mount(&kit.server)
        .await;
    let detail = format!("{ORG}/issues/77/");
    Mock::given(method("GET"))
        .and(path(&detail))
        .respond_with(serve("GET", &detail, 200, s::issue_detail(77)))
        .mount(&kit.server)
        .await;
    let mut issue = resolve(&kit.c.sentry, "77").await.unwrap();
    let scope = Scope { project: "web", environment: "production" };
    let release: bpdeploy::api::heroku::Release = serde_json::from_value(json!({"id": "r8", "version": 8,
        "status": "succeeded", "created_at": "2025-01-01T09:59:20Z", "updated_at": "2025-01-01T10:00:00Z"}))
    .unwrap();
    let live_at = bpdeploy::deploy::observe::live_at(&release);
    measure(&kit.c.sentry, &mut issue, &scope, 8, live_at).await;
    assert_eq!((issue.state, issue.events_since_live), (IssueState::NotRecovered, Some(3)), "{:?}", issue.reason);
    assert_eq!(issue.reason.as_deref(), Some("3 events since v8 went live: the error is not gone"));
    assert_eq!(issue.live_since.as_deref(), Some("2025-01-01T10:00:01Z"));
    kit.assert_contract().await;
}

/// Found by the rollback drill: a watch starting 0.3 s into a second asked Sentry for the
/// whole second, so the bad release's last errors counted against the rollback release.
#[tokio::test]
async fn a_window_never_starts_before_its_start() {
    let kit = Kit::new().await;
    let events = format!("{ORG}/events/");
    Mock::given(method("GET"))
        .and(path(&events))
        .and(query_param("start", "2025-01-01T10:00:01Z"))
        .and(query_param("end", "2025-01-01T10:05:00Z"))
        .respond_with(serve("GET", &events, 200, s::events_total(0)))
        .expect(2)
        .mount(&kit.server)
        .await;
    for start in ["2025-01-01T10:00:00.300Z", "2025-01-01T10:00:01Z"] {
        let q =
            SeriesQuery { start: Some(at(start)), end: Some(at("2025-01-01T10:05:00.900Z")), ..SeriesQuery::default() };
        assert_eq!(kit.c.sentry.error_total(&q).await.unwrap(), 0, "{start}");
    }
}
