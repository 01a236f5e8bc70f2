//! Redirects: a GET follows one within the same scheme, host and port (GitHub's 301 for a renamed
//! repository), with the token; anything else is an error naming the status and the Location's
//! host, and the other host never sees a request, let alone the token.
use super::releases::run;
use super::{assert_no_secret, Kit, SENTINEL};
use bpdeploy::api::heroku::{NewBuild, SourceBlob};
use bpdeploy::api::ApiError;
use bpdeploy::error::Diagnose;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn moved(status: u16, to: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("Location", to)
}

#[tokio::test]
async fn a_renamed_repository_is_followed_on_the_same_host_with_the_token() {
    let kit = Kit::new().await;
    let old = "/github/repos/acme/shop/commits/abc123/pulls";
    let new = "/github/repositories/42/commits/abc123/pulls";
    let to = format!("{}{new}?per_page=100", kit.server.uri());
    Mock::given(method("GET")).and(path(old)).respond_with(moved(301, &to)).expect(1).mount(&kit.server).await;
    Mock::given(method("GET"))
        .and(path(new))
        .and(header("authorization", format!("Bearer {SENTINEL}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&kit.server)
        .await;
    let prs = kit.c.github.commit_pulls("abc123").await.unwrap();
    assert!(prs.is_empty());
}

#[tokio::test]
async fn a_redirect_to_another_host_names_the_status_and_the_host() {
    let kit = Kit::new().await;
    let p = "/heroku/apps/my-app/releases";
    let to = "https://elsewhere.example/heroku/apps/my-app/releases?sig=SIGNED";
    Mock::given(method("GET")).and(path(p)).respond_with(moved(302, to)).expect(1).mount(&kit.server).await;
    let e = kit.c.heroku.releases("my-app", 5).await.unwrap_err();
    assert!(matches!(e, ApiError::Redirect { status: 302, .. }), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("302") && text.contains("elsewhere.example"), "{text}");
    assert!(!text.contains("EOF") && !text.contains("decode"), "a redirect is not a decoding problem: {text}");
    assert_eq!(e.code(), "heroku_redirected");
    assert!(e.hint().is_some_and(|h| h.contains("base URL")), "{:?}", e.hint());
    assert_no_secret(&e);
}

#[tokio::test]
async fn another_port_is_another_origin_and_never_sees_the_token() {
    let kit = Kit::new().await;
    let other = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&other).await;
    let p = "/github/repos/acme/shop/pulls/7";
    let to = format!("{}/github/repos/acme/shop/pulls/7", other.uri());
    Mock::given(method("GET")).and(path(p)).respond_with(moved(307, &to)).expect(1).mount(&kit.server).await;
    let e = kit.c.github.pull(7).await.unwrap_err();
    let port = other.address().port().to_string();
    assert!(e.to_string().contains("307") && e.to_string().contains(&port), "{e}");
    let hint = e.hint().unwrap_or_default();
    assert!(hint.contains("base URL"), "{hint}");
}

#[tokio::test]
async fn github_says_a_moved_repository_may_have_been_renamed() {
    let kit = Kit::new().await;
    let p = "/github/repos/acme/shop/pulls/7";
    let to = "https://api.github.example/repositories/42/pulls/7";
    Mock::given(method("GET")).and(path(p)).respond_with(moved(301, to)).mount(&kit.server).await;
    let e = kit.c.github.pull(7).await.unwrap_err();
    assert!(e.hint().is_some_and(|h| h.contains("renamed or transferred")), "{:?}", e.hint());
}

#[tokio::test]
async fn a_create_is_never_redirected_even_on_the_same_host() {
    let kit = Kit::new().await;
    let p = "/heroku/apps/my-app/builds";
    let to = format!("{}/heroku/apps/my-app/builds-elsewhere", kit.server.uri());
    Mock::given(method("POST")).and(path(p)).respond_with(moved(307, &to)).expect(1).mount(&kit.server).await;
    Mock::given(method("POST"))
        .and(path("/heroku/apps/my-app/builds-elsewhere"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&kit.server)
        .await;
    let build = NewBuild {
        source_blob: SourceBlob {
            url: bpdeploy::api::SecretUrl::parse("https://codeload.example/x.tgz?token=SIGNED").ok(),
            checksum: None,
            version: Some("abc".into()),
            version_description: None,
        },
    };
    let e = kit.c.heroku.create_build("my-app", &build).await.unwrap_err();
    assert!(e.to_string().contains("never sent twice"), "{e}");
    assert_no_secret(&e);
}

#[tokio::test]
async fn a_redirect_loop_ends_with_an_error() {
    let kit = Kit::new().await;
    let p = "/sentry/api/0/organizations/acme/issues/1/";
    let to = format!("{}{p}", kit.server.uri());
    Mock::given(method("GET")).and(path(p)).respond_with(moved(302, &to)).mount(&kit.server).await;
    let e = kit.c.sentry.issue("1").await.unwrap_err();
    assert!(e.to_string().contains("too many redirects"), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_reports_a_moved_api_in_one_line_with_its_exit_code() {
    let server = MockServer::start().await;
    let p = "/heroku/apps/my-app/releases";
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(moved(301, "https://api.elsewhere.example/apps/my-app/releases"))
        .mount(&server)
        .await;
    let out = run(&server, &["releases"]).await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    let first = out.stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("error: ") && first.contains("Heroku answered 301"), "{first}");
    assert!(first.contains("redirecting to https://api.elsewhere.example;"), "the host, not the path: {first}");
    assert!(!out.stderr.contains("EOF"), "{}", out.stderr);
    let json = run(&server, &["--json", "releases"]).await;
    assert_eq!(json.json()["error"]["code"], "heroku_redirected");
}
