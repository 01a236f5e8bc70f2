//! `bpdeploy releases` through the real binary against a wiremock Heroku, paging included.
use super::fixtures::{heroku as h, sha, uuid};
use super::{serve, SENTINEL};
use crate::support::{scratch, Cmd, Run};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

/// Releases v100..v96 in two pages; v97 has no slug, v96's slug is gone (404).
async fn heroku() -> MockServer {
    let server = MockServer::start().await;
    let p = "/heroku/apps/my-app/releases";
    let mut first = h::releases(100, 3);
    first[0]["description"] = json!("Deploy 1234567");
    let first_page = serve("GET", p, 206, first).insert_header("Next-Range", "]98..; max=5, order=desc");
    let mut second = h::releases(97, 2);
    second[0]["slug"] = Value::Null;
    second[0]["description"] = json!("Set FOO config vars");
    second[1]["status"] = json!("failed");
    Mock::given(method("GET"))
        .and(path(p))
        .and(RangeStarts("version"))
        .respond_with(first_page)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p))
        .and(RangeStarts("]98"))
        .respond_with(serve("GET", p, 200, second))
        .expect(1)
        .mount(&server)
        .await;
    for v in [100, 99, 98] {
        let sp = format!("/heroku/apps/my-app/slugs/{}", uuid(3, v));
        Mock::given(method("GET"))
            .and(path(sp.as_str()))
            .respond_with(serve("GET", &sp, 200, h::slug(v)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let gone = format!("/heroku/apps/my-app/slugs/{}", uuid(3, 96));
    Mock::given(method("GET"))
        .and(path(gone.as_str()))
        .respond_with(serve("GET", &gone, 404, h::error("not_found", "Couldn't find that slug.")))
        .expect(1)
        .mount(&server)
        .await;
    server
}

struct RangeStarts(&'static str);

impl wiremock::Match for RangeStarts {
    fn matches(&self, request: &wiremock::Request) -> bool {
        request.headers.get("range").and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with(self.0))
    }
}

pub async fn run(server: &MockServer, args: &[&str]) -> Run {
    let (_dir, home) = scratch();
    let base = format!("{}/heroku", server.uri());
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        Cmd::new(&home, &home)
            .env("HEROKU_API_KEY", SENTINEL)
            .env("HEROKU_APP", "my-app")
            .env("BPDEPLOY_HEROKU_URL", base)
            .env("BPDEPLOY_HTTP_RETRY_BASE_MS", "1")
            .env("BPDEPLOY_HTTP_RETRY_MAX_MS", "20")
            .args(args)
            .run()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn json_lists_the_releases_newest_first_with_their_commits() {
    let server = heroku().await;
    let run = run(&server, &["releases", "-n", "5", "--json"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list = run.json();
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let keys: Vec<&str> = rows[0].as_object().unwrap().keys().map(String::as_str).collect();
    let mut want = ["version", "id", "status", "current", "commit", "description", "user", "created_at"];
    want.sort_unstable();
    let mut got = keys.clone();
    got.sort_unstable();
    assert_eq!(got, want);
    assert_eq!(rows.iter().map(|r| r["version"].as_u64().unwrap()).collect::<Vec<_>>(), [100, 99, 98, 97, 96]);
    assert_eq!(rows[0]["commit"], json!(&sha(100)[..7]), "the slug's commit wins over the description");
    assert_eq!(rows[0]["current"], json!(true));
    assert_eq!(rows[3]["commit"], Value::Null, "no slug, no sha in the description");
    assert_eq!(rows[4]["commit"], json!(&sha(96)[..7]), "slug gone: the description's sha");
    assert_eq!(rows[4]["status"], "failed");
    assert_eq!(rows[0]["user"], "dev@example.com");
    assert_eq!(rows[0]["created_at"], "2026-09-01T12:00:00Z");
}

#[tokio::test(flavor = "multi_thread")]
async fn human_output_off_a_tty_is_tab_separated_with_rfc3339_times() {
    let server = heroku().await;
    let run = run(&server, &["releases", "--number", "5"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "\tVERSION\tSTATUS\tCOMMIT\tDESCRIPTION\tUSER\tCREATED_AT");
    assert_eq!(
        lines[1],
        format!("*\tv100\tsucceeded\t{}\tDeploy 1234567\tdev@example.com\t2026-09-01T12:00:00Z", &sha(100)[..7])
    );
    assert!(lines[4].starts_with("\tv97\tsucceeded\t-\tSet FOO config vars"), "{}", lines[4]);
    assert_eq!(lines.len(), 6);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_key_exits_4_and_names_the_variable() {
    let server = MockServer::start().await;
    let p = "/heroku/apps/my-app/releases";
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(serve("GET", p, 401, h::error("unauthorized", "Invalid credentials provided.")))
        .expect(2)
        .mount(&server)
        .await;
    let run = run(&server, &["releases"]).await;
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(run.stderr.contains("HEROKU_API_KEY"), "{}", run.stderr);
    assert!(!run.stderr.contains(SENTINEL) && !run.stdout.contains(SENTINEL));
    let run = self::run(&server, &["releases", "--json"]).await;
    assert_eq!(run.json()["error"]["code"], "heroku_unauthorized");
}
