//! Three pages through each paging style, and the guards around it.
use super::fixtures::{heroku as h, sentry as s};
use super::fixtures_github as g;
use super::{serve, settings, Kit};
use bpdeploy::api::github::PullsQuery;
use bpdeploy::api::sentry::IssueQuery;
use serde_json::Value;
use wiremock::matchers::{method, path, query_param};
use wiremock::Mock;

/// The exact `Range` header (wiremock's `header` matcher splits values at commas).
struct RangeIs(&'static str);

impl wiremock::Match for RangeIs {
    fn matches(&self, request: &wiremock::Request) -> bool {
        request.headers.get("range").is_some_and(|v| v == self.0)
    }
}

#[tokio::test]
async fn heroku_releases_follow_next_range_across_three_pages() {
    let kit = Kit::new().await;
    let p = "/heroku/apps/my-app/releases";
    let pages = [
        ("version ..; max=7, order=desc", 100, 3, Some("]97..; max=7, order=desc")),
        ("]97..; max=7, order=desc", 97, 3, Some("]94..; max=7, order=desc")),
        ("]94..; max=7, order=desc", 94, 1, None),
    ];
    for (range, newest, count, next) in pages {
        let mut answer = serve("GET", p, if next.is_some() { 206 } else { 200 }, h::releases(newest, count));
        if let Some(n) = next {
            answer = answer.insert_header("Next-Range", n);
        }
        Mock::given(method("GET"))
            .and(path(p))
            .and(RangeIs(range))
            .respond_with(answer)
            .expect(1)
            .mount(&kit.server)
            .await;
    }
    let releases = kit.c.heroku.releases("my-app", 7).await.unwrap();
    let versions: Vec<u64> = releases.iter().map(|r| r.version).collect();
    assert_eq!(versions, vec![100, 99, 98, 97, 96, 95, 94]);
    assert!(releases[0].current && !releases[1].current);
    kit.assert_contract().await;
}

#[tokio::test]
async fn heroku_paging_stops_once_enough_releases_are_read() {
    let kit = Kit::new().await;
    let p = "/heroku/apps/my-app/releases";
    let answer = serve("GET", p, 206, h::releases(100, 3)).insert_header("Next-Range", "]97..; max=3, order=desc");
    Mock::given(method("GET")).and(path(p)).respond_with(answer).expect(1).mount(&kit.server).await;
    assert_eq!(kit.c.heroku.releases("my-app", 3).await.unwrap().len(), 3);
}

#[tokio::test]
async fn github_pulls_follow_link_across_three_pages() {
    let kit = Kit::new().await;
    let p = "/github/repos/acme/shop/pulls";
    let link = |page: u32| {
        format!(
            "<{}{p}?state=closed&per_page=100&page={page}>; rel=\"next\", <{}{p}?page=3>; rel=\"last\"",
            kit.server.uri(),
            kit.server.uri()
        )
    };
    for (page, numbers, next) in [(None, [1, 2], Some(2)), (Some("2"), [3, 4], Some(3)), (Some("3"), [5, 6], None)] {
        let body = Value::Array(numbers.iter().map(|n| g::pull(*n, false)).collect());
        let mut answer = serve("GET", p, 200, body);
        if let Some(n) = next {
            answer = answer.insert_header("Link", link(n).as_str());
        }
        let mut mock = Mock::given(method("GET")).and(path(p));
        mock = match page {
            Some(n) => mock.and(query_param("page", n)),
            None => mock.and(query_param("state", "closed")).and(query_param("direction", "desc")),
        };
        mock.respond_with(answer).expect(1).mount(&kit.server).await;
    }
    let q = PullsQuery {
        state: Some("closed".into()),
        sort: Some("updated".into()),
        direction: Some("desc".into()),
        ..Default::default()
    };
    let pulls = kit.c.github.pulls(&q).await.unwrap();
    assert_eq!(pulls.iter().map(|p| p.number).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5, 6]);
    kit.assert_contract().await;
}

#[tokio::test]
async fn github_link_outside_the_base_is_not_followed_with_our_token() {
    let kit = Kit::new().await;
    let p = "/github/repos/acme/shop/pulls/12/files";
    let answer = serve("GET", p, 200, Value::Array(vec![g::diff_entry("a.rb")]))
        .insert_header("Link", "<https://evil.example/steal?page=2>; rel=\"next\"");
    Mock::given(method("GET")).and(path(p)).respond_with(answer).expect(1).mount(&kit.server).await;
    let e = kit.c.github.pull_files(12).await.unwrap_err();
    assert!(e.to_string().contains("outside the configured base URL"), "{e}");
}

#[tokio::test]
async fn github_compare_reads_numbered_pages_until_total_commits() {
    let kit = Kit::new().await;
    let p = "/github/repos/acme/shop/compare/aaaaaaa...master";
    for (page, first, count) in [("1", 2, 100), ("2", 102, 100), ("3", 202, 50)] {
        let body = g::comparison(250, first, count);
        Mock::given(method("GET"))
            .and(path(p))
            .and(query_param("page", page))
            .respond_with(serve("GET", p, 200, body))
            .expect(1)
            .mount(&kit.server)
            .await;
    }
    let cmp = kit.c.github.compare("aaaaaaa", "master").await.unwrap();
    assert_eq!(cmp.commits.len(), 250);
    assert_eq!(cmp.files.len(), 1, "files come from the first page only");
    assert_eq!(cmp.commits.last().unwrap().sha, super::fixtures::sha(251));
    kit.assert_contract().await;
}

#[tokio::test]
async fn github_check_runs_page_inside_an_object() {
    let kit = Kit::new().await;
    let p = "/github/repos/acme/shop/commits/feature/x/check-runs";
    let link = |n: u32| format!("<{}{p}?per_page=100&page={n}>; rel=\"next\"", kit.server.uri());
    for (page, ids, next) in [(None, 1..3, Some(2)), (Some("2"), 3..5, Some(3)), (Some("3"), 5..6, None)] {
        let mut answer = serve("GET", p, 200, g::check_runs(5, ids));
        if let Some(n) = next {
            answer = answer.insert_header("Link", link(n).as_str());
        }
        let mock = Mock::given(method("GET")).and(path(p));
        let mock = match page {
            Some(n) => mock.and(query_param("page", n)),
            None => mock.and(wiremock::matchers::query_param_is_missing("page")),
        };
        mock.respond_with(answer).expect(1).mount(&kit.server).await;
    }
    let runs = kit.c.github.check_runs("feature/x").await.unwrap();
    assert_eq!(runs.iter().map(|r| r.id).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
    kit.assert_contract().await;
}

#[tokio::test]
async fn sentry_issues_follow_cursors_while_results_are_true() {
    let kit = Kit::new().await;
    let p = "/sentry/api/0/organizations/acme/issues/";
    let link = |next: &str, more: bool| {
        format!("<{u}{p}?cursor=0:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\", <{u}{p}?cursor={next}>; rel=\"next\"; results=\"{more}\"; cursor=\"{next}\"", u = kit.server.uri())
    };
    for (cursor, ids, next, more) in
        [(None, [1, 2], "0:2:0", true), (Some("0:2:0"), [3, 4], "0:4:0", true), (Some("0:4:0"), [5, 6], "0:6:0", false)]
    {
        let body = Value::Array(ids.iter().map(|n| s::issue(*n)).collect());
        let answer = serve("GET", p, 200, body).insert_header("Link", link(next, more).as_str());
        let mock = Mock::given(method("GET")).and(path(p)).and(query_param("query", "is:unresolved firstRelease:abc"));
        let mock = match cursor {
            Some(c) => mock.and(query_param("cursor", c)),
            None => mock.and(wiremock::matchers::query_param_is_missing("cursor")),
        };
        mock.respond_with(answer).expect(1).mount(&kit.server).await;
    }
    let q =
        IssueQuery { query: "is:unresolved firstRelease:abc".into(), sort: Some("new".into()), ..Default::default() };
    let issues = kit.c.sentry.issues(&q).await.unwrap();
    assert_eq!(
        issues.iter().map(|i| i.short_id.as_str()).collect::<Vec<_>>(),
        ["WEB-1", "WEB-2", "WEB-3", "WEB-4", "WEB-5", "WEB-6"]
    );
    assert_eq!(issues[0].count, 12, "Sentry sends counts as strings");
    kit.assert_contract().await;
}

#[tokio::test]
async fn the_page_cap_stops_an_endless_list() {
    let kit = Kit::with(bpdeploy::api::HttpSettings { page_cap: 3, ..settings() }).await;
    let p = "/heroku/apps/my-app/dynos";
    let answer =
        serve("GET", p, 206, Value::Array(vec![h::dyno(1, "up")])).insert_header("Next-Range", "id ]x..; max=1");
    Mock::given(method("GET")).and(path(p)).respond_with(answer).expect(3).mount(&kit.server).await;
    assert_eq!(kit.c.heroku.dynos("my-app").await.unwrap().len(), 3);
}
