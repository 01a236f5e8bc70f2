//! The sentinel token never shows: not in errors (checked in every scenario of the harness),
//! not in Debug output, not in the `-v`/`-vv` request log of the real binary, which names each
//! request by its real path (issue 15: it logged templates such as `apps/{app}`).
use super::fixtures::heroku as h;
use super::releases::run;
use super::{serve, Kit, SENTINEL};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test(flavor = "multi_thread")]
async fn the_vv_log_shows_real_paths_statuses_and_retries_but_no_token() {
    let server = MockServer::start().await;
    let p = "/heroku/apps/my-app/releases";
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path(p)).respond_with(serve("GET", p, 200, h::releases(3, 1))).mount(&server).await;
    let slug = format!("/heroku/apps/my-app/slugs/{}", super::fixtures::uuid(3, 3));
    Mock::given(method("GET"))
        .and(path(slug.as_str()))
        .respond_with(serve("GET", &slug, 200, h::slug(3)))
        .mount(&server)
        .await;
    let run = run(&server, &["-vv", "releases"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("endpoint=GET /apps/my-app/releases status=502"),
        "the log shows each request by its real path:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("GET /apps/my-app/releases answered 502; retry 1 of"),
        "and the retry:\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("{app}"), "real paths, not templates:\n{}", run.stderr);
    assert!(!run.stderr.contains(SENTINEL) && !run.stdout.contains(SENTINEL), "{}", run.stderr);
    assert!(!run.stderr.to_ascii_lowercase().contains("bearer"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_vv_log_of_a_failure_shows_no_token() {
    let server = MockServer::start().await;
    let p = "/heroku/apps/my-app/releases";
    let body = h::error("unauthorized", &format!("Invalid credentials provided: {SENTINEL}"));
    Mock::given(method("GET")).and(path(p)).respond_with(serve("GET", p, 401, body)).mount(&server).await;
    let run = run(&server, &["-vv", "releases"]).await;
    assert_eq!(run.code, 4);
    assert!(!run.stderr.contains(SENTINEL), "an echoed token is redacted:\n{}", run.stderr);
}

#[tokio::test]
async fn clients_and_objects_debug_without_secrets() {
    let kit = Kit::new().await;
    let shown = format!("{:?} {:?} {:?} {:?}", kit.c.heroku, kit.c.github, kit.c.sentry, kit.c.slack);
    assert!(!shown.contains(SENTINEL), "{shown}");
    let build: bpdeploy::api::heroku::Build =
        serde_json::from_value(h::build(1, "pending", "https://build-output.example/streams/x?sig=SIGNED")).unwrap();
    let shown = format!("{build:?}");
    assert!(!shown.contains("SIGNED"), "stream and source URLs are capabilities: {shown}");
    let vars: bpdeploy::api::heroku::ConfigVars =
        serde_json::from_value(serde_json::json!({"DATABASE_URL": "postgres://u:pw@h/db"})).unwrap();
    assert_eq!(format!("{vars:?}"), "{\"DATABASE_URL\"}");
}
